//! Where the window opens: the app builds its main window on the page the plugin's
//! first-screen hint names, and every `session` answer keeps the hint up to date.
use crate::common::ipc::*;
use crate::common::*;
use serde_json::json;
use std::sync::Arc;
use tauri_plugin_latchkey::vault::MemoryVault;
use tauri_plugin_latchkey::HINT_FILE;

fn opened_on(app: &TestApp) -> String {
    let url = app.window.url().expect("the window's url");
    format!(
        "{}{}",
        url.path().trim_start_matches('/'),
        url.query().map(|q| format!("?{q}")).unwrap_or_default()
    )
}

fn hint(dir: &std::path::Path) -> String {
    std::fs::read_to_string(dir.join(HINT_FILE)).unwrap_or_default()
}

#[test]
fn the_window_opens_on_the_profile_once_someone_is_kept_and_on_the_sign_in_screen_after() {
    let dir = temp_dir();
    let vault = Arc::new(MemoryVault::new());

    // The first run knows nothing: the sign-in screen, waiting for Rust's answer.
    let app = TestApp::start(dir.path(), vault.clone());
    assert_eq!(opened_on(&app), "login.html");
    app.call("session", json!({})).unwrap();
    wait_until("the hint says nobody is kept", || {
        hint(dir.path()) == "login"
    });
    app.call("signup", creds("Alice", GOOD_PW, true)).unwrap();
    app.call("session", json!({})).unwrap();
    wait_until("the hint says someone is kept", || {
        hint(dir.path()) == "profile"
    });
    app.quit();

    // Alice stayed signed in: straight to the profile.
    let app = TestApp::start(dir.path(), vault.clone());
    assert_eq!(opened_on(&app), "home.html");
    let state = app.call("session", json!({})).unwrap();
    assert_eq!(state["profile"]["username"], "Alice", "{state}");
    app.call("logout", json!({})).unwrap();
    app.call("session", json!({})).unwrap();
    wait_until("the hint says nobody is kept", || {
        hint(dir.path()) == "login"
    });
    app.quit();

    // Nobody kept: the sign-in screen, which may draw itself before Rust answers.
    let app = TestApp::start(dir.path(), vault);
    assert_eq!(opened_on(&app), "login.html?here=nobody");
    app.quit();
}

/// A hint that says someone is kept but is stale (the app was killed, the session ended
/// since) opens the profile, whose `session` answer then sends the window to the sign-in
/// screen: the hint decides where the window opens, never who is signed in.
#[test]
fn a_stale_hint_signs_nobody_in() {
    let dir = temp_dir();
    std::fs::write(dir.path().join(HINT_FILE), "profile").unwrap();
    let app = TestApp::start(dir.path(), Arc::new(MemoryVault::new()));
    assert_eq!(opened_on(&app), "home.html");
    let state = app.call("session", json!({})).unwrap();
    assert_eq!(state["signedIn"], false, "{state}");
    assert_eq!(
        err_code(app.call("profile", json!({}))),
        "NOT_AUTHENTICATED"
    );
    wait_until("the stale hint is corrected", || {
        hint(dir.path()) == "login"
    });
}

/// A start whose keyring cannot be read leaves the kept sessions in the database and signs
/// nobody in; the hint still says "profile", so that the next start, with the keyring back,
/// opens on the profile instead of a sign-in form that would have to go away.
#[test]
fn a_keyring_that_cannot_be_read_does_not_turn_the_hint_to_the_sign_in_screen() {
    let dir = temp_dir();
    let vault = Arc::new(MemoryVault::new());
    let app = TestApp::start(dir.path(), vault.clone());
    app.call("signup", creds("Alice", GOOD_PW, true)).unwrap();
    app.call("session", json!({})).unwrap();
    wait_until("the hint says someone is kept", || {
        hint(dir.path()) == "profile"
    });
    app.quit();

    vault.set_failing(true);
    let app = TestApp::start(dir.path(), vault.clone());
    assert_eq!(opened_on(&app), "home.html");
    let state = app.call("session", json!({})).unwrap();
    assert_eq!(state["signedIn"], false, "{state}");
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert_eq!(hint(dir.path()), "profile");
    app.quit();

    vault.set_failing(false);
    let app = TestApp::start(dir.path(), vault);
    assert_eq!(opened_on(&app), "home.html");
    let state = app.call("session", json!({})).unwrap();
    assert_eq!(state["profile"]["username"], "Alice", "{state}");
}

/// The window's first page is served with the answers it would ask for (`session` and where
/// the private space stands), prepared once the start-up work is done: the same answers the
/// commands give, with no token in them, taken once, and not at all once they stopped being
/// true (a lock since they were prepared).
#[test]
fn the_first_page_is_served_with_its_answers_once_and_only_while_they_hold() {
    use tauri::Manager;
    use tauri_plugin_latchkey::vault::{slot_of, TokenVault};
    use tauri_plugin_latchkey::AuthService;
    let dir = temp_dir();
    let vault = Arc::new(MemoryVault::new());
    let app = TestApp::start(dir.path(), vault.clone());
    let signed = app.call("signup", creds("Alice", GOOD_PW, true)).unwrap();
    let user_id = signed["profile"]["userId"].as_str().unwrap().to_owned();
    app.quit();

    let app = TestApp::start(dir.path(), vault.clone());
    let service = app.app.state::<AuthService>();
    tauri::async_runtime::block_on(service.prepare_first_answers());
    let first = service
        .take_first_answers()
        .expect("answers for the first page");
    assert_eq!(first.language, "en");
    let json = first.json;
    assert!(service.take_first_answers().is_none(), "taken once");
    let token = vault.load(&slot_of(&user_id)).unwrap().expect("kept token");
    assert!(
        !json.contains(token.expose()),
        "a token in the page: {json}"
    );
    let answers: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(answers["session"]["profile"]["username"], "Alice", "{json}");
    assert_eq!(answers["space"]["state"], "closed", "{json}");
    assert_eq!(answers["session"], app.call("session", json!({})).unwrap());
    assert_eq!(
        answers["space"],
        app.call("private_space_status", json!({})).unwrap()
    );

    // Prepared, then the person is locked before the page is served: nothing is written,
    // and the page asks (and is told of the lock).
    tauri::async_runtime::block_on(service.prepare_first_answers());
    app.call("lock", json!({})).unwrap();
    assert!(service.take_first_answers().is_none());
    let state = app.call("session", json!({})).unwrap();
    assert_eq!(state["locked"]["username"], "Alice", "{state}");
}

/// A notice the start-up work leaves (here: the keyring cannot be read) is never taken into
/// answers that may go unused: none are prepared, and the page's own question gets it.
#[test]
fn a_notice_from_the_start_up_work_reaches_the_page_not_the_prepared_answers() {
    use tauri::Manager;
    use tauri_plugin_latchkey::AuthService;
    let dir = temp_dir();
    let vault = Arc::new(MemoryVault::new());
    let app = TestApp::start(dir.path(), vault.clone());
    app.call("signup", creds("Alice", GOOD_PW, true)).unwrap();
    app.quit();

    vault.set_failing(true);
    let app = TestApp::start(dir.path(), vault);
    let service = app.app.state::<AuthService>();
    tauri::async_runtime::block_on(service.prepare_first_answers());
    assert!(service.take_first_answers().is_none());
    let state = app.call("session", json!({})).unwrap();
    assert_eq!(state["notice"]["code"], "KEYRING_UNAVAILABLE", "{state}");
}
