//! The token really lands in, survives in, and leaves a real Secret Service (gnome-keyring
//! on a private D-Bus session), through the command layer.
use crate::common::ipc::*;
use crate::common::process_bus::{process_bus, Scene};
use crate::common::*;
use latchkey::APP_IDENTIFIER;
use latchkey_engine::session_id;
use latchkey_engine::SessionToken;
use serde_json::json;
use std::sync::Arc;
use tauri_plugin_latchkey::vault::{slot_of, KeyringVault, TokenVault, LEGACY_SLOT};

fn real_vault() -> Arc<KeyringVault> {
    Arc::new(KeyringVault::new(APP_IDENTIFIER))
}

/// One test function: what runs on the process's bus is process-wide state.
#[test]
fn token_round_trip_through_gnome_keyring_and_faults() {
    let _bus_turn = crate::common::desktop::exclusive_session_bus();
    let bus = process_bus();
    bus.set(Scene::SecretService);

    // Sign up through the command layer; the item is in the keyring.
    let dir = temp_dir();
    let app = TestApp::start(dir.path(), real_vault());
    let signed = app.call("signup", creds("Alice", GOOD_PW, true)).unwrap();
    assert_eq!(
        signed["notice"],
        json!(null),
        "the real keyring accepted the token"
    );
    let slot = slot_of(signed["profile"]["userId"].as_str().unwrap());
    assert_eq!(slot.len(), "session:".len() + 16, "{slot}");
    let stored = bus
        .lookup(APP_IDENTIFIER, &slot)
        .expect("item in the Secret Service");
    assert_eq!(stored.len(), 43);
    let id = session_id(&SessionToken::new(stored.clone()));
    assert_eq!(
        count(
            dir.path(),
            &format!(r#"SELECT count(*) FROM "session" WHERE id = '{id}'"#)
        ),
        1
    );
    assert!(!signed.to_string().contains(&stored));
    app.quit();

    // A restart reads it back from the keyring: still signed in.
    let again = TestApp::start(dir.path(), real_vault());
    assert_eq!(
        again.call("session", json!({})).unwrap()["profile"]["username"],
        "Alice"
    );

    // Sign out: the item is gone.
    again.call("logout", json!({})).unwrap();
    assert_eq!(bus.lookup(APP_IDENTIFIER, &slot), None);
    drop(again);

    // A kept token replaced by garbage behind the app's back: at the next start, signed
    // out, and the garbage removed.
    let keeping = TestApp::start(dir.path(), real_vault());
    keeping
        .call("login", creds("alice", GOOD_PW, true))
        .unwrap();
    keeping.quit();
    bus.store(APP_IDENTIFIER, &slot, "not-a-token\u{7f}");
    let after_garbage = TestApp::start(dir.path(), real_vault());
    assert_eq!(
        after_garbage.call("session", json!({})).unwrap()["signedIn"],
        false
    );
    assert_eq!(bus.lookup(APP_IDENTIFIER, &slot), None);
    drop(after_garbage);

    // Not keeping the session: its token never reaches the keyring, and the session ends at
    // exit.
    let brief = TestApp::start(dir.path(), real_vault());
    brief.call("login", creds("alice", GOOD_PW, false)).unwrap();
    assert_eq!(bus.lookup(APP_IDENTIFIER, &slot), None);
    brief.quit();
    assert_eq!(
        count(
            dir.path(),
            r#"SELECT count(*) FROM "session" WHERE remember = 0"#
        ),
        0
    );
    assert_eq!(bus.lookup(APP_IDENTIFIER, &slot), None);

    // D-Bus without a Secret Service: signed in for this run, with the notice; no file.
    bus.set(Scene::NoSecretService);
    let vault = real_vault();
    assert!(vault.load(LEGACY_SLOT).is_err());
    let offline = TestApp::start(dir.path(), vault);
    let signed = offline
        .call("login", creds("alice", GOOD_PW, true))
        .unwrap();
    assert_eq!(signed["notice"]["code"], "KEYRING_UNAVAILABLE");
    assert_eq!(
        offline.call("profile", json!({})).unwrap()["username"],
        "Alice"
    );
    drop(offline);

    // No D-Bus at all: the same.
    bus.set(Scene::NoBus);
    let nobus = TestApp::start(dir.path(), real_vault());
    let signed = nobus.call("login", creds("alice", GOOD_PW, true)).unwrap();
    assert_eq!(signed["notice"]["code"], "KEYRING_UNAVAILABLE");
    assert_no_token_file(dir.path());
}
