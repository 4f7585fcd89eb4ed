//! The app's half of the hardening: the log pruned by the app's own start-up, the
//! administrator's re-authentication window across a restart and for resets, signing out
//! when the database cannot be written, and kept sessions whose token is gone.
use crate::common::ipc::*;
use crate::common::mounts::Mounted;
use crate::common::*;
use latchkey_engine::{now_ms, Accounts};
use serde_json::json;
use std::sync::Arc;
use tauri_plugin_latchkey::vault::{slot_of, MemoryVault, TokenVault};

const OLD_EVENTS: &str =
    "SELECT count(*) FROM auth_event WHERE at < strftime('%s','now') * 1000 - 90 * 86400000";

/// Events older than 90 days are pruned by the app itself when it starts: no command is
/// called, nothing but start-up runs.
#[test]
fn the_app_prunes_the_old_log_when_it_starts() {
    let dir = temp_dir();
    {
        let long_ago = now_ms() - 100 * DAY;
        let a = Accounts::open(dir.path(), cheap_config(64)).unwrap();
        a.create_user("ancient", &pw(GOOD_PW), long_ago).unwrap();
        for i in 0..3 {
            let _ = a.verify_credentials("ancient", &pw("Wrong-Guess-1"), long_ago + i);
        }
    }
    assert_eq!(count(dir.path(), OLD_EVENTS), 4);
    let _app = TestApp::start(dir.path(), Arc::new(MemoryVault::new()));
    wait_until(
        "events older than 90 days are still there 10 s after start-up",
        || count(dir.path(), OLD_EVENTS) == 0,
    );
}

/// A kept administrator session, reopened after a restart, must be re-authenticated; and
/// resetting a password always needs the administrator's password.
#[test]
fn the_administrator_window_closes_at_restart_and_resets_always_ask() {
    let dir = temp_dir();
    let vault = Arc::new(MemoryVault::new());
    let app = TestApp::start(dir.path(), vault.clone());
    app.call("signup", creds("Admin", GOOD_PW, false)).unwrap();
    app.call("logout", json!({})).unwrap();
    let member = app.call("signup", creds("member", GOOD_PW, false)).unwrap();
    app.call("logout", json!({})).unwrap();
    app.call("login", creds("admin", GOOD_PW, true)).unwrap();
    app.call("admin_list_accounts", json!({"password": GOOD_PW}))
        .unwrap();
    app.call("admin_list_accounts", json!({})).unwrap();
    assert_eq!(
        err_code(app.call(
            "admin_reset_password",
            json!({"userId": member["profile"]["userId"]})
        )),
        "INVALID_INPUT",
        "a reset without the administrator's password"
    );
    app.quit();
    let again = TestApp::start(dir.path(), vault.clone());
    assert_eq!(again.call("session", json!({})).unwrap()["signedIn"], true);
    assert_eq!(
        err_code(again.call("admin_list_accounts", json!({}))),
        "REAUTH_REQUIRED"
    );
}

/// A session stored as kept whose token is not in the keyring (Latchkey died between
/// storing the session and saving its token, or the item was deleted behind its back) can
/// never be used again: the next start ends it. A kept session whose token is there comes
/// back as before.
#[test]
fn kept_sessions_whose_token_is_gone_end_at_the_next_start() {
    let dir = temp_dir();
    let vault = Arc::new(MemoryVault::new());
    let app = TestApp::start(dir.path(), vault.clone());
    let alice = app.call("signup", creds("Alice", GOOD_PW, true)).unwrap();
    app.call("switch_user", json!({})).unwrap();
    app.call("signup", creds("Bobby", GOOD_PW, true)).unwrap();
    drop(app); // no exit handler: as if killed
    let kept = r#"SELECT count(*) FROM "session" WHERE remember = 1"#;
    assert_eq!(count(dir.path(), kept), 2);

    // The keyring holds Alice's token only.
    let alice_slot = slot_of(alice["profile"]["userId"].as_str().unwrap());
    let alice_only = Arc::new(MemoryVault::new());
    alice_only
        .save(&alice_slot, &vault.peek_slot(&alice_slot).unwrap())
        .unwrap();
    let next = TestApp::start(dir.path(), alice_only.clone());
    let state = next.call("session", json!({})).unwrap();
    assert_eq!(state["locked"]["username"], "Alice", "{state}");
    assert_eq!(state["people"].as_array().map(Vec::len), Some(1), "{state}");
    // Ended in the background, right after the kept sessions were restored.
    wait_until("Bobby's kept row outlived its token", || {
        count(dir.path(), kept) <= 1
    });
    assert_eq!(count(dir.path(), r#"SELECT count(*) FROM "session""#), 1);
    assert_eq!(alice_only.slots(), vec![alice_slot]);
}

/// Signing out always forgets the token here (memory and keyring), even when the database
/// cannot record it (the disk is full); the error is still reported.
#[test]
fn signing_out_forgets_the_token_even_when_the_disk_is_full() {
    let root = temp_dir();
    let data = root.path().join("data");
    let _mount = Mounted::tmpfs(&data, "2m");
    let vault = Arc::new(MemoryVault::new());
    let app = TestApp::start(&data, vault.clone());
    app.call("signup", creds("Alice", GOOD_PW, true)).unwrap();
    assert!(vault.peek().is_some());
    fill(&data.join("filler"));
    assert_eq!(err_code(app.call("logout", json!({}))), "STORAGE_FULL");
    assert!(vault.peek().is_none(), "the token left the keyring");
    assert_eq!(
        err_code(app.call("profile", json!({}))),
        "NOT_AUTHENTICATED",
        "and nobody is signed in any more"
    );
}

/// Writes to `path` until the file system is full.
fn fill(path: &std::path::Path) {
    use std::io::Write;
    let mut file = std::fs::File::create(path).unwrap();
    let block = vec![0u8; 4096];
    while file
        .write_all(&block)
        .and_then(|()| file.sync_all())
        .is_ok()
    {}
}
