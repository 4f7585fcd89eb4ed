//! "After the lock and the second step", in the real window: recovery codes never reach the
//! clipboard everyone at the keyboard shares; the ninth person is told by name who was
//! signed out to make room; a wrong authenticator code and a wrong recovery code each say
//! what was wrong; and an error shown in English is re-worded when Korean is chosen.
use crate::common::*;
use crate::driver::{World, ONE_AT_A_TIME};
use fantoccini::key::Key;
use fantoccini::Locator;
use std::time::Duration;

/// No idle lock: these scenarios lock only when they mean to.
const NO_IDLE_LOCK: (&str, &str) = ("LATCHKEY_LOCK_AFTER_SECS", "0");

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recovery_codes_never_reach_the_shared_clipboard() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let world = World::new();
    let data = temp_dir();
    let app = world.launch(data.path(), &[NO_IDLE_LOCK]).await;
    app.sign_up("Dana", GOOD_PW, false).await;
    app.text_appears("#codes-list").await;
    // A Copy button, if the screen still has one, is pressed: its codes would stay on the
    // clipboard for whoever sits down next.
    let copy = app.client.find(Locator::Css("#codes-copy")).await.ok();
    let had_copy = copy.is_some();
    if let Some(button) = copy {
        button.click().await.unwrap();
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let codes = app.save_codes().await;
    assert_eq!(codes.len(), 10);
    app.on_page("home.html").await;
    app.click("#logout").await;
    app.on_page("login.html").await;

    // The next person pastes into the username field: none of Dana's codes comes out.
    app.click("#username").await;
    app.keys(&(Key::Control + "v" + &Key::Null)).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let pasted = app.value("#username").await;
    for code in &codes {
        assert!(
            !pasted.contains(code.as_str()),
            "a recovery code was on the clipboard: {pasted:?}"
        );
    }
    assert!(
        !had_copy,
        "the recovery codes screen still has a Copy button"
    );
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_ninth_person_is_told_who_was_signed_out_to_make_room() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let world = World::new();
    let data = temp_dir();
    let app = world.launch(data.path(), &[NO_IDLE_LOCK]).await;

    // Eight people, each left signed in (locked) for the next.
    for n in 1..=8 {
        let name = format!("Person{n}");
        app.sign_up(&name, GOOD_PW, false).await;
        app.save_codes().await;
        app.on_page("home.html").await;
        assert_eq!(app.text_appears("#home-username").await, name);
        app.switch_user().await;
    }

    // The ninth: the first (the oldest locked session) made room, and is named.
    app.sign_up("Person9", GOOD_PW, false).await;
    app.save_codes().await;
    app.on_page("home.html").await;
    assert_eq!(app.text_appears("#home-username").await, "Person9");
    let notice = app.text_appears("#notice").await;
    assert!(notice.to_lowercase().contains("person1"), "{notice}");
    assert!(notice.contains("signed out to make room"), "{notice}");
    app.screenshot("review-ninth-person").await;
    // The notice comes from Rust's session answer, not from the address: it is not in the
    // URL, and a reload never shows it without the name.
    let url = app.client.current_url().await.unwrap().to_string();
    assert!(!url.contains("notice="), "{url}");
    app.client.refresh().await.unwrap();
    app.on_page("home.html").await;
    let shown = app
        .run("const n = document.getElementById('notice'); return n.hidden ? '' : n.textContent")
        .await;
    let again = shown.as_str().unwrap_or_default();
    assert!(
        again.is_empty() || again.to_lowercase().contains("person1"),
        "{again}"
    );

    // Person1 is no longer signed in here; Person2 still is (locked).
    app.switch_user().await;
    let listed = app
        .run(
            "return [...document.querySelectorAll('#recent-list li[data-signed-in] .recent-name')]
               .map((b) => b.firstChild.textContent).join(',')",
        )
        .await;
    let here = listed.as_str().unwrap_or_default().to_lowercase();
    assert!(!here.split(',').any(|n| n == "person1"), "{here}");
    assert!(here.split(',').any(|n| n == "person2"), "{here}");
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_code_says_the_code_was_wrong() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let world = World::new();
    let data = temp_dir();
    let app = world.launch(data.path(), &[NO_IDLE_LOCK]).await;
    app.sign_up("Erin", GOOD_PW, false).await;
    app.save_codes().await;
    app.open_settings().await;

    // Setting up two-step sign-in with the right password and a wrong code.
    app.click("#twostep-on").await;
    app.on_page("two-step.html").await;
    app.text_appears("#secret").await;
    app.fill("#setup-password", GOOD_PW).await;
    app.fill("#code", "000000").await;
    app.click("#setup-form button[type=submit]").await;
    let said = app.text_appears("#setup-error").await;
    assert!(said.contains("That code is not right."), "{said}");
    assert!(!said.contains("username or password"), "{said}");
    let on_field = app.text_appears("#code-error").await;
    assert!(on_field.contains("That code is not right."), "{on_field}");
    app.screenshot("review-wrong-code").await;

    // "Forgot your password?" with a code that is not one of hers.
    app.click("#back-row a").await;
    app.on_page("profile.html").await;
    app.click("#logout").await;
    app.on_page("login.html").await;
    app.click("#forgot-link").await;
    app.on_page("recover.html").await;
    app.fill("#username", "erin").await;
    app.fill("#code", "aaaa-bbbb-cccc-dddd").await;
    app.fill("#new-password", "Fresh-Start-2026").await;
    app.fill("#confirm-password", "Fresh-Start-2026").await;
    app.click("#recover-form button[type=submit]").await;
    let said = app.text_appears("#error").await;
    assert!(said.contains("recovery code"), "{said}");
    assert!(!said.contains("username or password"), "{said}");
    let on_field = app.text_appears("#code-error").await;
    assert!(on_field.contains("recovery code"), "{on_field}");
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_error_shown_in_english_is_reworded_in_korean() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let world = World::new();
    let data = temp_dir();
    let app = world
        .launch(data.path(), &[NO_IDLE_LOCK, ("LANG", "en_US.UTF-8")])
        .await;
    app.on_page("login.html").await;
    app.submit("nobody", "Wrong-Guess-1", false).await;
    let english = app.text_appears("#error").await;
    assert!(english.contains("Incorrect"), "{english}");

    // Korean, chosen on the same screen: the error is said again in Korean, where it stands
    // (at once: the page re-words it in the same turn as it switches its language).
    app.click("#language option[value='ko']").await;
    app.until("return document.documentElement.lang === 'ko'")
        .await;
    let korean = app.text_appears("#error").await;
    assert!(!korean.contains("Incorrect"), "{korean}");
    assert!(!korean.contains("There is a problem"), "{korean}");
    assert!(
        korean.contains("아이디 또는 비밀번호가 올바르지 않아요."),
        "{korean}"
    );
    app.screenshot("review-reworded").await;
    app.quit().await;
}
