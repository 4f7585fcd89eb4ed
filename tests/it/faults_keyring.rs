//! Keyring faults beyond "no D-Bus" and "no Secret Service" (see keyring_secret_service.rs):
//! a locked keyring, and the item deleted behind the app's back while it runs.
use crate::common::ipc::*;
use crate::common::process_bus::{process_bus, Scene};
use crate::common::*;
use latchkey::APP_IDENTIFIER;
use serde_json::json;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tauri_plugin_latchkey::vault::{slot_of, KeyringVault};

/// One test function: what runs on the process's bus is process-wide state.
#[test]
fn locked_keyring_and_item_deleted_while_running() {
    let _bus_turn = crate::common::desktop::exclusive_session_bus();
    // Locked: gnome-keyring running with its login keyring locked (never unlocked).
    let bus = process_bus();
    bus.set(Scene::LockedSecretService);
    let dir = temp_dir();
    let app = TestApp::start(dir.path(), Arc::new(KeyringVault::new(APP_IDENTIFIER)));
    let started = Instant::now();
    let signed = app.call("signup", creds("Alice", GOOD_PW, true)).unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "a locked keyring must not hang sign-up"
    );
    assert_eq!(signed["notice"]["code"], "KEYRING_UNAVAILABLE", "{signed}");
    let slot = slot_of(signed["profile"]["userId"].as_str().unwrap());
    assert_eq!(app.call("profile", json!({})).unwrap()["username"], "Alice");
    assert_eq!(bus.lookup(APP_IDENTIFIER, &slot), None);
    app.call("logout", json!({})).unwrap();
    drop(app);
    assert_no_token_file(dir.path());

    // Unlocked, and the item deleted behind the app's back: the person stays signed in for
    // this run; signing out still works; the next start asks to sign in.
    bus.set(Scene::SecretService);
    let app = TestApp::start(dir.path(), Arc::new(KeyringVault::new(APP_IDENTIFIER)));
    app.call("login", creds("alice", GOOD_PW, true)).unwrap();
    assert!(bus.lookup(APP_IDENTIFIER, &slot).is_some());
    bus.clear(APP_IDENTIFIER, &slot);
    assert_eq!(app.call("profile", json!({})).unwrap()["username"], "Alice");
    app.quit();
    let next = TestApp::start(dir.path(), Arc::new(KeyringVault::new(APP_IDENTIFIER)));
    assert_eq!(next.call("session", json!({})).unwrap()["signedIn"], false);
    next.call("login", creds("alice", GOOD_PW, true)).unwrap();
    bus.clear(APP_IDENTIFIER, &slot);
    assert_eq!(
        next.call("logout", json!({})).unwrap(),
        json!(null),
        "signing out with the item gone works"
    );
}

/// With no keyring (none on the bus, or locked), "keep me signed in" cannot be honoured: the
/// session is stored and treated as not kept, and ends when the app quits, or at the next
/// start after a crash.
#[test]
fn without_a_keyring_a_kept_sign_in_is_not_kept() {
    let _bus_turn = crate::common::desktop::exclusive_session_bus();
    let kept = r#"SELECT count(*) FROM "session" WHERE remember = 1"#;
    let all = r#"SELECT count(*) FROM "session""#;
    for (what, scene) in [
        ("no Secret Service", Scene::NoSecretService),
        ("a locked keyring", Scene::LockedSecretService),
        ("no D-Bus", Scene::NoBus),
    ] {
        process_bus().set(scene);
        let dir = temp_dir();
        let vault = || Arc::new(KeyringVault::new(APP_IDENTIFIER));
        let app = TestApp::start(dir.path(), vault());
        let signed = app.call("signup", creds("Alice", GOOD_PW, true)).unwrap();
        assert_eq!(
            signed["notice"]["code"], "KEYRING_UNAVAILABLE",
            "{what}: {signed}"
        );
        assert_eq!(count(dir.path(), all), 1, "{what}");
        assert_eq!(count(dir.path(), kept), 0, "{what}: stored as kept");
        let listed = app.call("list_sessions", json!({})).unwrap();
        assert_eq!(listed[0]["kept"], false, "{what}: {listed}");
        app.quit();
        assert_eq!(count(dir.path(), all), 0, "{what}: outlived the quit");

        let crashed = TestApp::start(dir.path(), vault());
        crashed
            .call("login", creds("alice", GOOD_PW, true))
            .unwrap();
        drop(crashed); // no exit handler: as if killed
        assert_eq!(count(dir.path(), all), 1);
        let next = TestApp::start(dir.path(), vault());
        assert_eq!(next.call("session", json!({})).unwrap()["signedIn"], false);
        wait_until(&format!("{what}: outlived the crash"), || {
            count(dir.path(), all) == 0
        });
        assert_no_token_file(dir.path());
    }
}
