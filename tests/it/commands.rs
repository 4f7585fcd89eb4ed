//! Every command through Tauri's IPC (mock runtime, real capabilities) with an in-memory
//! keyring: success payloads, `{code, message}` errors, restarts and keyring failures.
use crate::common::ipc::*;
use crate::common::*;
use latchkey_engine::session_id;
use serde_json::json;
use std::sync::Arc;
use tauri_plugin_latchkey::vault::{slot_of, MemoryVault, TokenVault as _};

#[test]
fn signup_profile_logout_then_profile_is_not_authenticated() {
    let dir = temp_dir();
    let vault = Arc::new(MemoryVault::new());
    let app = TestApp::start(dir.path(), vault.clone());

    assert_eq!(
        app.call("session", json!({})).unwrap(),
        json!({
            "signedIn": false, "profile": null, "locked": null, "people": [],
            "lockAfterSecs": 300, "language": "en", "keyEscrow": false,
            "languages": [{"tag": "en", "name": "English"}, {"tag": "ko", "name": "한국어"}],
            "notice": null
        })
    );
    let signed = app.call("signup", creds("Alice", GOOD_PW, true)).unwrap();
    assert_eq!(signed["profile"]["username"], "Alice");
    assert_eq!(signed["notice"], json!(null));
    let user_id = signed["profile"]["userId"].as_str().unwrap().to_owned();
    assert!(user_id.len() >= 15);

    let token = vault.peek().expect("token saved in the keyring");
    let row = count(
        dir.path(),
        &format!(
            r#"SELECT count(*) FROM "session" WHERE id = '{}'"#,
            session_id(&token)
        ),
    );
    assert_eq!(row, 1, "the keyring token hashes to the session row id");

    let profile = app.call("profile", json!({})).unwrap();
    assert_eq!(
        profile,
        json!({
            "userId": user_id, "username": "Alice", "createdAt": profile["createdAt"],
            "lastLoginAt": profile["lastLoginAt"], "previousLoginAt": null,
            "failedAttemptsSinceLastVisit": 0, "role": "admin", "mustChangePassword": false,
            "recoveryCodesLeft": 10, "twoStep": false, "twoStepSetupRequired": false,
            "directoryName": null
        })
    );
    let session = app.call("session", json!({})).unwrap();
    assert_eq!(session["signedIn"], true);
    assert_eq!(session["profile"]["userId"], user_id.as_str());

    // Nothing the webview received holds the token or its hash.
    for payload in [&signed, &profile, &session] {
        let text = payload.to_string();
        assert!(
            !text.contains(token.expose()) && !text.contains(&session_id(&token)),
            "{text}"
        );
    }

    assert_eq!(app.call("logout", json!({})).unwrap(), json!(null));
    assert!(vault.peek().is_none(), "logout removes the keyring entry");
    assert_eq!(count(dir.path(), r#"SELECT count(*) FROM "session""#), 0);
    let err = app.call("profile", json!({})).unwrap_err();
    assert_eq!(
        err,
        json!({"code": "NOT_AUTHENTICATED", "message": "You are not signed in."})
    );
    assert_eq!(
        app.call("logout", json!({})).unwrap(),
        json!(null),
        "signing out twice is harmless"
    );
}

#[test]
fn login_is_case_insensitive_and_wrong_passwords_get_the_generic_message() {
    let dir = temp_dir();
    let app = TestApp::start(dir.path(), Arc::new(MemoryVault::new()));
    app.call("signup", creds("Alice", GOOD_PW, false)).unwrap();
    app.call("logout", json!({})).unwrap();

    let wrong = app
        .call("login", creds("alice", "not-her-password", false))
        .unwrap_err();
    assert_eq!(
        wrong,
        json!({"code": "INVALID_CREDENTIALS", "message": "Incorrect username or password."})
    );
    let unknown = app
        .call("login", creds("nobody-here", "not-her-password", false))
        .unwrap_err();
    assert_eq!(unknown, wrong, "unknown users get the same answer");

    let ok = app.call("login", creds("ALICE", GOOD_PW, false)).unwrap();
    assert_eq!(ok["profile"]["username"], "Alice");
    assert_eq!(app.call("profile", json!({})).unwrap()["username"], "Alice");
}

#[test]
fn rule_errors_have_codes_and_plain_messages() {
    let dir = temp_dir();
    let app = TestApp::start(dir.path(), Arc::new(MemoryVault::new()));
    app.call("signup", creds("Alice", GOOD_PW, false)).unwrap();
    app.call("logout", json!({})).unwrap();
    let taken = app
        .call("signup", creds("alice", GOOD_PW, false))
        .unwrap_err();
    assert_eq!(taken["code"], "USERNAME_TAKEN");
    assert!(taken["message"].as_str().unwrap().contains("already taken"));
    assert_eq!(
        err_code(app.call(
            "signup",
            creds("<img src=x onerror=alert(1)>", GOOD_PW, false)
        )),
        "INVALID_USERNAME"
    );
    assert_eq!(
        err_code(app.call("signup", creds("bobby", "short", false))),
        "WEAK_PASSWORD"
    );
    assert_eq!(
        err_code(app.call("signup", creds("bobby", "password123", false))),
        "WEAK_PASSWORD"
    );
    assert_eq!(
        err_code(app.call("signup", creds("bobby", "", false))),
        "INVALID_PASSWORD"
    );
    assert_eq!(
        count(dir.path(), r#"SELECT count(*) FROM "user""#),
        1,
        "rejected input writes nothing"
    );
}

#[test]
fn too_many_attempts_reports_the_wait() {
    let dir = temp_dir();
    let app = TestApp::start(dir.path(), Arc::new(MemoryVault::new()));
    for _ in 0..5 {
        assert_eq!(
            err_code(app.call("login", creds("mallory", "guess-guess", false))),
            "INVALID_CREDENTIALS"
        );
    }
    let throttled = app
        .call("login", creds("mallory", "guess-guess", false))
        .unwrap_err();
    assert_eq!(throttled["code"], "TOO_MANY_ATTEMPTS");
    assert!(throttled["retryAfterSecs"].as_u64().unwrap() >= 1);
}

#[test]
fn a_kept_session_survives_a_restart() {
    let dir = temp_dir();
    let vault = Arc::new(MemoryVault::new());
    let first = TestApp::start(dir.path(), vault.clone());
    first
        .call("signup", creds("Keeper", GOOD_PW, true))
        .unwrap();
    first.quit();
    assert!(vault.peek().is_some());

    let second = TestApp::start(dir.path(), vault.clone());
    let session = second.call("session", json!({})).unwrap();
    assert_eq!(session["signedIn"], true);
    assert_eq!(session["profile"]["username"], "Keeper");
}

#[test]
fn remember_false_ends_the_session_at_exit() {
    let dir = temp_dir();
    let vault = Arc::new(MemoryVault::new());
    let first = TestApp::start(dir.path(), vault.clone());
    first
        .call("signup", creds("Passerby", GOOD_PW, false))
        .unwrap();
    assert!(
        vault.peek().is_none(),
        "a session not to be kept stays in memory only, never in the keyring"
    );
    first.quit();
    assert!(vault.peek().is_none());
    assert_eq!(count(dir.path(), r#"SELECT count(*) FROM "session""#), 0);
    let second = TestApp::start(dir.path(), vault.clone());
    assert_eq!(
        second.call("session", json!({})).unwrap()["signedIn"],
        false
    );
}

#[test]
fn remember_false_after_a_crash_is_ended_at_the_next_start() {
    let dir = temp_dir();
    let vault = Arc::new(MemoryVault::new());
    let crashed = TestApp::start(dir.path(), vault.clone());
    crashed
        .call("signup", creds("Crasher", GOOD_PW, false))
        .unwrap();
    drop(crashed); // no exit handler: as if killed
    assert!(
        vault.peek().is_none(),
        "a token not to be kept never reaches the keyring"
    );

    let next = TestApp::start(dir.path(), vault.clone());
    assert_eq!(next.call("session", json!({})).unwrap()["signedIn"], false);
    assert!(vault.peek().is_none(), "the unkept token is removed");
    // Its session is ended by the start-up sweep, in the background.
    wait_until("and its session ended", || {
        count(dir.path(), r#"SELECT count(*) FROM "session""#) == 0
    });
}

#[test]
fn an_expired_or_garbage_token_is_removed_from_the_keyring() {
    let dir = temp_dir();
    let vault = Arc::new(MemoryVault::new());
    let config = latchkey_engine::Config {
        session: latchkey_engine::SessionPolicy {
            active_period_ms: 1,
            idle_period_ms: 0,
            ..Default::default()
        },
        ..Default::default()
    };
    let first = TestApp::start_with(dir.path(), vault.clone(), config);
    first.call("signup", creds("Brief", GOOD_PW, true)).unwrap();
    first.quit();
    std::thread::sleep(std::time::Duration::from_millis(5));
    let second = TestApp::start_with(dir.path(), vault.clone(), config);
    assert_eq!(
        second.call("session", json!({})).unwrap()["signedIn"],
        false
    );
    assert!(vault.peek().is_none());

    // A kept token replaced behind the app's back by something that is not a token.
    let third = TestApp::start(dir.path(), vault.clone());
    let signed = third
        .call("signup", creds("Garbled", GOOD_PW, true))
        .unwrap();
    let slot = slot_of(signed["profile"]["userId"].as_str().unwrap());
    third.quit();
    let garbage = latchkey_engine::SessionToken::new("garbage \u{0} not a token");
    vault.save(&slot, &garbage).unwrap();
    let fourth = TestApp::start(dir.path(), vault.clone());
    assert_eq!(
        fourth.call("session", json!({})).unwrap()["signedIn"],
        false
    );
    assert!(vault.peek_slot(&slot).is_none());
}

#[test]
fn a_keyring_failure_keeps_the_person_signed_in_for_the_run_with_a_notice() {
    let dir = temp_dir();
    let vault = Arc::new(MemoryVault::new());
    vault.set_failing(true);
    let app = TestApp::start(dir.path(), vault.clone());
    // Nobody is kept signed in, so the keyring is not asked at start-up (the first screen
    // never waits for it): the notice comes with the first sign-in that wants to keep.
    let first = app.call("session", json!({})).unwrap();
    assert_eq!(first["notice"], json!(null));
    let signed = app.call("signup", creds("Offline", GOOD_PW, true)).unwrap();
    assert_eq!(signed["notice"], json!({"code": "KEYRING_UNAVAILABLE"}));
    assert_eq!(
        app.call("profile", json!({})).unwrap()["username"],
        "Offline"
    );
    assert_eq!(app.call("logout", json!({})).unwrap(), json!(null));
    assert_eq!(
        err_code(app.call("profile", json!({}))),
        "NOT_AUTHENTICATED"
    );
}

#[test]
fn two_people_each_see_only_their_own_profile() {
    let dir = temp_dir();
    let vault = Arc::new(MemoryVault::new());
    let app = TestApp::start(dir.path(), vault.clone());
    let alice = app.call("signup", creds("Alice", GOOD_PW, true)).unwrap();
    app.call("logout", json!({})).unwrap();
    let bob = app
        .call("signup", creds("bob.smith", "another-Good-pw-7", true))
        .unwrap();
    assert_ne!(alice["profile"]["userId"], bob["profile"]["userId"]);
    assert_eq!(
        app.call("profile", json!({})).unwrap()["username"],
        "bob.smith"
    );
    app.call("logout", json!({})).unwrap();
    app.call("login", creds("alice", GOOD_PW, true)).unwrap();
    assert_eq!(
        app.call("profile", json!({})).unwrap()["userId"],
        alice["profile"]["userId"]
    );
}

#[test]
fn signing_in_again_ends_the_previous_session() {
    let dir = temp_dir();
    let app = TestApp::start(dir.path(), Arc::new(MemoryVault::new()));
    app.call("signup", creds("Alice", GOOD_PW, true)).unwrap();
    app.call("login", creds("alice", GOOD_PW, true)).unwrap();
    assert_eq!(count(dir.path(), r#"SELECT count(*) FROM "session""#), 1);
}

#[test]
fn only_the_main_window_may_call_the_commands() {
    let dir = temp_dir();
    let app = TestApp::start(dir.path(), Arc::new(MemoryVault::new()));
    let other = tauri::WebviewWindowBuilder::new(&app.app, "intruder", Default::default())
        .build()
        .unwrap();
    let denied = call_from(&other, "signup", creds("Sneaky", GOOD_PW, true));
    assert!(
        denied.is_err(),
        "a window outside the capability must be refused"
    );
    assert!(
        app.call("session", json!({})).is_ok(),
        "while the main window is allowed"
    );
    // (The database itself is opened at start-up, in the background.)
    assert_eq!(
        count(dir.path(), r#"SELECT count(*) FROM "user""#),
        0,
        "the refused call never reached the engine"
    );
}

#[test]
fn storage_problems_come_back_as_codes_without_paths() {
    let dir = temp_dir();
    std::fs::write(dir.path().join("latchkey.db"), vec![0x42u8; 4096]).unwrap();
    let app = TestApp::start(dir.path(), Arc::new(MemoryVault::new()));
    let err = app.call("session", json!({})).unwrap_err();
    assert_eq!(err["code"], "STORAGE_CORRUPT");
    let text = err.to_string();
    assert!(
        !text.contains(&*dir.path().to_string_lossy()) && !text.contains("latchkey.db"),
        "{text}"
    );
    assert_eq!(
        std::fs::read(dir.path().join("latchkey.db")).unwrap(),
        vec![0x42u8; 4096]
    );
}
