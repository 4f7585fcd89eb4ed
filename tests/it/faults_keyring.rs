//! Keyring faults beyond "no D-Bus" and "no Secret Service" (see keyring_secret_service.rs):
//! a locked keyring, and the item deleted behind the app's back while it runs.
use crate::common::desktop::PrivateBus;
use crate::common::ipc::*;
use crate::common::*;
use latchkey::APP_IDENTIFIER;
use serde_json::json;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tauri_plugin_latchkey::vault::KeyringVault;

/// One test function: the bus address is process-wide state.
#[test]
fn locked_keyring_and_item_deleted_while_running() {
    let _bus_turn = crate::common::desktop::exclusive_session_bus();
    // Locked: gnome-keyring running with its login keyring locked (never unlocked).
    let locked = PrivateBus::with_locked_secret_service();
    std::env::set_var("DBUS_SESSION_BUS_ADDRESS", &locked.address);
    let dir = temp_dir();
    let app = TestApp::start(dir.path(), Arc::new(KeyringVault::new(APP_IDENTIFIER)));
    let started = Instant::now();
    let signed = app.call("signup", creds("Alice", GOOD_PW, true)).unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "a locked keyring must not hang sign-up"
    );
    assert!(
        signed["notice"]
            .as_str()
            .unwrap_or_default()
            .contains("sign in again next time"),
        "{signed}"
    );
    assert_eq!(app.call("profile", json!({})).unwrap()["username"], "Alice");
    assert_eq!(locked.lookup(APP_IDENTIFIER, "session"), None);
    app.call("logout", json!({})).unwrap();
    drop(app);
    assert_no_token_file(dir.path());
    drop(locked);

    // Unlocked, and the item deleted behind the app's back: the person stays signed in for
    // this run; signing out still works; the next start asks to sign in.
    let bus = PrivateBus::with_secret_service();
    std::env::set_var("DBUS_SESSION_BUS_ADDRESS", &bus.address);
    let app = TestApp::start(dir.path(), Arc::new(KeyringVault::new(APP_IDENTIFIER)));
    app.call("login", creds("alice", GOOD_PW, true)).unwrap();
    assert!(bus.lookup(APP_IDENTIFIER, "session").is_some());
    bus.clear(APP_IDENTIFIER, "session");
    assert_eq!(app.call("profile", json!({})).unwrap()["username"], "Alice");
    app.quit();
    let next = TestApp::start(dir.path(), Arc::new(KeyringVault::new(APP_IDENTIFIER)));
    assert_eq!(next.call("session", json!({})).unwrap()["signedIn"], false);
    next.call("login", creds("alice", GOOD_PW, true)).unwrap();
    bus.clear(APP_IDENTIFIER, "session");
    assert_eq!(
        next.call("logout", json!({})).unwrap(),
        json!(null),
        "signing out with the item gone works"
    );
}
