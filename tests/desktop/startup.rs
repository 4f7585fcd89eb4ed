//! The first screen of a run, in the real window: where the window opens (Rust's
//! first-screen hint), the sign-in screen drawn by `ui/start.js` before the page's modules
//! when nobody is kept signed in, and the person's home (their notes) opened directly, with
//! no sign-in screen on the way, when someone is. Screenshots: `startup-signin.png`,
//! `startup-home.png`.

use crate::common::*;
use crate::driver::{World, ONE_AT_A_TIME};
use serde_json::json;

async fn url(app: &crate::driver::Launch) -> String {
    app.client.current_url().await.unwrap().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_first_screen_is_drawn_at_once_and_a_kept_person_opens_on_their_home() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let world = World::new();
    let data = temp_dir();

    // The first run has no hint: the sign-in screen waits for Rust's answer.
    let app = world.launch(data.path(), &[]).await;
    app.on_page("login.html").await;
    assert!(
        url(&app).await.ends_with("/login.html"),
        "{}",
        url(&app).await
    );
    assert_eq!(
        app.run("return document.documentElement.dataset.drawn ?? null")
            .await,
        json!(null)
    );
    app.sign_up("Alice", GOOD_PW, false).await;
    app.save_codes().await;
    app.on_page("home.html").await;
    app.quit().await;

    // Nobody kept: the sign-in screen, drawn while the document was parsed, the username
    // focused; a form not yet wired holds its submit instead of navigating.
    let app = world.launch(data.path(), &[]).await;
    app.on_page("login.html").await;
    assert!(
        url(&app).await.ends_with("/login.html?here=nobody"),
        "{}",
        url(&app).await
    );
    assert_eq!(
        app.run("return document.documentElement.dataset.drawn")
            .await,
        json!("true")
    );
    assert_eq!(
        app.run("return document.activeElement.id").await,
        json!("username")
    );
    let held = app
        .run(
            "const f = document.createElement('form'); document.body.append(f);
             const e = new Event('submit', { bubbles: true, cancelable: true });
             f.dispatchEvent(e); f.remove(); return [e.defaultPrevented, f.dataset.held];",
        )
        .await;
    assert_eq!(held, json!([true, "true"]));
    // forms.js carries a held submit out once, when page.js says the screen has settled.
    let carried = app
        .client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             import('./forms.js').then(({ onSubmit }) => {
               const f = document.createElement('form'); f.dataset.held = 'true';
               let sent = 0; onSubmit(f, () => { sent += 1; });
               const before = sent;
               document.dispatchEvent(new CustomEvent('latchkey:settled'));
               document.dispatchEvent(new CustomEvent('latchkey:settled'));
               done([before, sent, f.dataset.held ?? null]);
             });",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(carried, json!([0, 1, null]));
    app.screenshot("startup-signin").await;
    // The early-drawn form signs in like any other, kept this time.
    app.submit("Alice", GOOD_PW, true).await;
    app.on_page("home.html").await;
    app.quit().await;

    // Alice kept: the window opens on her home; the sign-in screen never loaded in this
    // run (start.js, which every sign-in screen runs first, never marked it).
    let app = world.launch(data.path(), &[]).await;
    app.on_page("home.html").await;
    assert!(
        url(&app).await.ends_with("/home.html"),
        "{}",
        url(&app).await
    );
    assert_eq!(app.text_appears("#home-username").await, "Alice");
    assert_eq!(
        app.run("return sessionStorage.getItem('latchkey.started')")
            .await,
        json!(null)
    );
    app.screenshot("startup-home").await;
    app.quit().await;
}
