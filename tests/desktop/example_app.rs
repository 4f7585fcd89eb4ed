//! The plugin's example app (`src-tauri/plugin/examples/tally`), a Tauri app that is not
//! Latchkey, in its real window: it shows the plugin's ready screens (served on the
//! plugin's `latchkey:` scheme) and its own page after sign-in. Two people sign up in turn,
//! each counts on the app's page (the count is a private value), locks, unlocks and switches,
//! and each sees only their own count; a restart keeps both counts. Then axe-core on the
//! plugin's sign-in screen as the other app shows it.
use crate::common::*;
use crate::driver::{Launch, World, ONE_AT_A_TIME};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The example app, built by this test (cargo's lock waits for any build under way; an
/// up-to-date build takes a moment).
fn tally_binary() -> PathBuf {
    let built = Command::new(env!("CARGO"))
        .args(["build", "--quiet", "-p", "latchkey-example-tally"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .status()
        .expect("cargo runs");
    assert!(built.success(), "the example app does not build");
    // tests/desktop's binary is target/debug/deps/desktop-…; the app is target/debug/….
    let deps = std::env::current_exe().unwrap();
    let binary = deps
        .parent()
        .unwrap()
        .parent()
        .unwrap()
        .join("latchkey-example-tally");
    assert!(binary.exists(), "{} missing", binary.display());
    binary
}

/// Waits for the app's own page (after sign-in) and returns (name, count) it shows.
async fn tally_page(app: &Launch) -> (String, String) {
    app.until(
        "return location.href === 'tauri://localhost/index.html' && document.body.dataset.ready === 'true'",
    )
    .await;
    (app.text("#name").await, app.text("#count").await)
}

async fn add_one(app: &Launch, expected: &str) {
    app.click("#add").await;
    app.until(&format!(
        "return document.getElementById('count').textContent === {expected:?}"
    ))
    .await;
}

/// From the app's page: Lock, then the plugin's lock screen with its password.
async fn lock_and_unlock(app: &Launch) {
    app.click("#lock").await;
    app.on_page("lock.html").await;
    // The screens name the app they serve, not Latchkey.
    assert_eq!(app.text("h1").await, "Tally is locked");
    assert_eq!(app.run("return document.title").await, "Locked · Tally");
    app.fill("#password", GOOD_PW).await;
    app.click("#unlock-form button[type=submit]").await;
}

async fn launch(world: &World, binary: &Path, home: &Path) -> Launch {
    let home = home.to_string_lossy().into_owned();
    let app = world
        .launch_binary(binary, home.as_ref(), &[("XDG_DATA_HOME", home.as_str())])
        .await;
    app.on_page("login.html").await;
    app
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_app_adopts_the_screens_and_the_private_space() {
    // Built in this test's turn: a build beside another test's real window starves it.
    let _turn = ONE_AT_A_TIME.lock().await;
    let binary = tally_binary();
    let world = World::new();
    let home = temp_dir();
    let app = launch(&world, &binary, home.path()).await;
    // The screens come from the plugin, under their own origin.
    let url = app.client.current_url().await.unwrap().to_string();
    assert!(url.starts_with("latchkey://localhost/"), "{url}");
    // In the app's colour (its theme for the screens, linked after their stylesheet).
    let accent = app
        .run(
            "return getComputedStyle(document.documentElement).getPropertyValue('--accent').trim()",
        )
        .await;
    assert_eq!(accent, "#6a2bb8");
    // In the app's name: the page's title and the brand line.
    assert_eq!(app.run("return document.title").await, "Sign in · Tally");
    assert_eq!(app.text(".brand span").await, "Tally");

    // Adaline signs up on the plugin's screens and lands on the app's own page.
    app.sign_up("adaline", GOOD_PW, false).await;
    app.save_codes().await;
    assert_eq!(tally_page(&app).await, ("adaline".into(), "0".into()));
    add_one(&app, "1").await;
    add_one(&app, "2").await;
    app.screenshot("tally-ada").await;

    // Lock and unlock: back on the app's page, the count is still hers.
    lock_and_unlock(&app).await;
    assert_eq!(tally_page(&app).await, ("adaline".into(), "2".into()));

    // Bea, through Lock and Switch user: her own count, from nothing.
    app.switch_user().await;
    app.click("a[href='signup.html']").await;
    app.on_page("signup.html").await;
    app.submit("beatrix", GOOD_PW, false).await;
    app.save_codes().await;
    assert_eq!(tally_page(&app).await, ("beatrix".into(), "0".into()));
    add_one(&app, "1").await;

    // Back to Ada: her two, not Bea's one.
    app.switch_user().await;
    app.submit("adaline", GOOD_PW, false).await;
    assert_eq!(tally_page(&app).await, ("adaline".into(), "2".into()));

    // The account settings are the plugin's, with the way back to the app's page.
    app.click("#settings").await;
    app.on_page("profile.html").await;
    app.click("#home-link").await;
    assert_eq!(tally_page(&app).await, ("adaline".into(), "2".into()));
    app.quit().await;

    // A new run: sign in again, each count is still there and still private.
    let app = launch(&world, &binary, home.path()).await;
    app.submit("beatrix", GOOD_PW, false).await;
    assert_eq!(tally_page(&app).await, ("beatrix".into(), "1".into()));

    // The screens as the other app shows them pass axe-core.
    app.switch_user().await;
    let mut audited = Vec::new();
    app.audit("the example app's sign-in", &mut audited).await;
    app.quit().await;
}
