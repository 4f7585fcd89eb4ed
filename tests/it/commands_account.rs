//! The account-management and administrator commands through Tauri's IPC (mock runtime,
//! real capabilities): success payloads, error codes and permission checks.
use crate::common::ipc::*;
use crate::common::*;
use serde_json::{json, Value};
use std::sync::Arc;
use tauri_plugin_latchkey::vault::MemoryVault;

fn app_with_admin_and_member() -> (tempfile::TempDir, TestApp, Value, Value) {
    let dir = temp_dir();
    let app = TestApp::start(dir.path(), Arc::new(MemoryVault::new()));
    let admin = app.call("signup", creds("Admin", GOOD_PW, true)).unwrap()["profile"].clone();
    app.call("logout", json!({})).unwrap();
    let member = app.call("signup", creds("member", GOOD_PW, true)).unwrap()["profile"].clone();
    assert_eq!(admin["role"], "admin");
    assert_eq!(member["role"], "member");
    (dir, app, admin, member)
}

#[test]
fn change_password_ends_another_session_of_the_same_user() {
    let dir = temp_dir();
    let app = TestApp::start(dir.path(), Arc::new(MemoryVault::new()));
    app.call("signup", creds("Changer", GOOD_PW, true)).unwrap();
    // A second session of the same user, as another launch sharing the data folder would make.
    let other = latchkey_engine::Accounts::open(dir.path(), Default::default()).unwrap();
    let elsewhere = other
        .sign_in("changer", &pw(GOOD_PW), true, latchkey_engine::now_ms())
        .unwrap();

    let sessions = app.call("list_sessions", json!({})).unwrap();
    assert_eq!(sessions.as_array().unwrap().len(), 2);
    assert_eq!(
        sessions
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s["current"] == true)
            .count(),
        1
    );
    assert!(!sessions
        .to_string()
        .contains(&latchkey_engine::session_id(&elsewhere.token)));

    let wrong = app.call(
        "change_password",
        json!({"currentPassword": "not-it-1", "newPassword": "brand-New-pw-42"}),
    );
    assert_eq!(err_code(wrong), "INVALID_CREDENTIALS");
    let weak = app.call(
        "change_password",
        json!({"currentPassword": GOOD_PW, "newPassword": "password1"}),
    );
    assert_eq!(err_code(weak), "WEAK_PASSWORD");
    let changed = app
        .call(
            "change_password",
            json!({"currentPassword": GOOD_PW, "newPassword": "brand-New-pw-42"}),
        )
        .unwrap();
    assert_eq!(changed["profile"]["username"], "Changer");
    assert!(
        other
            .validate_session(&elsewhere.token, latchkey_engine::now_ms())
            .unwrap()
            .is_none(),
        "the other session ended"
    );
    assert_eq!(
        app.call("profile", json!({})).unwrap()["username"],
        "Changer",
        "this one is kept"
    );
    app.call("logout", json!({})).unwrap();
    assert_eq!(
        err_code(app.call("login", creds("changer", GOOD_PW, false))),
        "INVALID_CREDENTIALS"
    );
    assert!(app
        .call("login", creds("changer", "brand-New-pw-42", false))
        .is_ok());
}

#[test]
fn sign_out_everywhere_else() {
    let dir = temp_dir();
    let app = TestApp::start(dir.path(), Arc::new(MemoryVault::new()));
    app.call("signup", creds("Roamer", GOOD_PW, true)).unwrap();
    let other = latchkey_engine::Accounts::open(dir.path(), Default::default()).unwrap();
    let elsewhere = other
        .sign_in("roamer", &pw(GOOD_PW), false, latchkey_engine::now_ms())
        .unwrap();
    assert_eq!(app.call("sign_out_others", json!({})).unwrap(), json!(1));
    assert!(other
        .validate_session(&elsewhere.token, latchkey_engine::now_ms())
        .unwrap()
        .is_none());
    let left = app.call("list_sessions", json!({})).unwrap();
    assert_eq!(
        left,
        json!([{"createdAt": left[0]["createdAt"], "lastUsedAt": left[0]["lastUsedAt"], "expiresAt": left[0]["expiresAt"], "current": true, "kept": true}])
    );
}

#[test]
fn delete_account_needs_confirmation_and_password() {
    let dir = temp_dir();
    let vault = Arc::new(MemoryVault::new());
    let app = TestApp::start(dir.path(), vault.clone());
    app.call("signup", creds("Leaver", GOOD_PW, true)).unwrap();
    assert_eq!(
        err_code(app.call(
            "delete_account",
            json!({"password": GOOD_PW, "confirm": false})
        )),
        "CONFIRMATION_REQUIRED"
    );
    assert_eq!(
        err_code(app.call(
            "delete_account",
            json!({"password": "wrong-pass", "confirm": true})
        )),
        "INVALID_CREDENTIALS"
    );
    assert_eq!(
        app.call(
            "delete_account",
            json!({"password": GOOD_PW, "confirm": true})
        )
        .unwrap(),
        json!(null)
    );
    assert_eq!(
        err_code(app.call("profile", json!({}))),
        "NOT_AUTHENTICATED"
    );
    assert!(vault.peek().is_none());
    assert_eq!(count(dir.path(), r#"SELECT count(*) FROM "user""#), 0);
}

#[test]
fn recent_accounts_list_and_forget() {
    let dir = temp_dir();
    let app = TestApp::start(dir.path(), Arc::new(MemoryVault::new()));
    assert_eq!(app.call("recent_accounts", json!({})).unwrap(), json!([]));
    app.call("signup", creds("Alice", GOOD_PW, false)).unwrap();
    app.call("logout", json!({})).unwrap();
    app.call("signup", creds("Bobby", GOOD_PW, false)).unwrap();
    app.call("logout", json!({})).unwrap();
    assert_eq!(
        app.call("recent_accounts", json!({})).unwrap(),
        json!(["Bobby", "Alice"])
    );
    app.call("forget_recent_account", json!({"username": "bobby"}))
        .unwrap();
    assert_eq!(
        app.call("recent_accounts", json!({})).unwrap(),
        json!(["Alice"])
    );
    assert_eq!(
        err_code(app.call("forget_recent_account", json!({"username": "x"}))),
        "INVALID_USERNAME"
    );
}

#[test]
fn members_get_forbidden_from_every_admin_command() {
    let (dir, app, admin, _member) = app_with_admin_and_member();
    let target = admin["userId"].clone();
    for (cmd, args) in [
        ("admin_list_accounts", json!({"password": GOOD_PW})),
        ("admin_events", json!({"password": GOOD_PW})),
        (
            "admin_reset_password",
            json!({"userId": target, "password": GOOD_PW}),
        ),
        (
            "admin_unlock_account",
            json!({"userId": target, "password": GOOD_PW}),
        ),
        (
            "admin_delete_account",
            json!({"userId": target, "password": GOOD_PW}),
        ),
    ] {
        let err = app.call(cmd, args).unwrap_err();
        assert_eq!(
            err,
            json!({"code": "FORBIDDEN", "message": "Only an administrator can do that."}),
            "{cmd}"
        );
    }
    assert_eq!(count(dir.path(), r#"SELECT count(*) FROM "user""#), 2);
}

#[test]
fn an_administrator_resets_a_password_and_the_member_must_change_it() {
    let (dir, app, _admin, member) = app_with_admin_and_member();
    app.call("logout", json!({})).unwrap();
    app.call("login", creds("admin", GOOD_PW, false)).unwrap();

    let accounts = app
        .call("admin_list_accounts", json!({"password": GOOD_PW}))
        .unwrap();
    assert_eq!(accounts.as_array().unwrap().len(), 2);
    assert!(
        !accounts.to_string().contains("argon2"),
        "no hashes in the list"
    );
    let reset = app
        .call(
            "admin_reset_password",
            json!({"userId": member["userId"], "password": GOOD_PW}),
        )
        .unwrap();
    let temporary = reset["temporaryPassword"].as_str().unwrap().to_owned();
    assert_eq!(
        err_code(app.call(
            "admin_reset_password",
            json!({"userId": "nobody", "password": GOOD_PW})
        )),
        "ACCOUNT_NOT_FOUND"
    );
    let events = app.call("admin_events", json!({})).unwrap();
    assert_eq!(events[0]["kind"], "password-reset");
    assert!(!events.to_string().contains(&temporary));
    app.call("logout", json!({})).unwrap();

    let signed = app
        .call("login", creds("member", &temporary, false))
        .unwrap();
    assert_eq!(signed["profile"]["mustChangePassword"], true);
    assert_eq!(
        err_code(app.call("list_sessions", json!({}))),
        "PASSWORD_CHANGE_REQUIRED"
    );
    assert_eq!(
        err_code(app.call("admin_list_accounts", json!({}))),
        "PASSWORD_CHANGE_REQUIRED"
    );
    let changed = app
        .call(
            "change_password",
            json!({"currentPassword": temporary, "newPassword": "Own-choice-pw-9"}),
        )
        .unwrap();
    assert_eq!(changed["profile"]["mustChangePassword"], false);
    assert_eq!(
        changed["recoveryCodes"].as_array().map(Vec::len),
        Some(10),
        "new recovery codes with the new password"
    );
    assert!(app.call("list_sessions", json!({})).is_ok());
    assert_eq!(
        count(
            dir.path(),
            r#"SELECT count(*) FROM "user" WHERE must_change_password = 1"#
        ),
        0
    );
}

#[test]
fn administrator_actions_ask_for_the_password_again_after_five_minutes() {
    let (dir, app, _admin, member) = app_with_admin_and_member();
    app.call("logout", json!({})).unwrap();
    app.call("login", creds("admin", GOOD_PW, true)).unwrap();
    // Age the password entry past the five-minute window.
    let conn = rusqlite::Connection::open(dir.path().join("latchkey.db")).unwrap();
    conn.execute(r#"UPDATE "session" SET reauth_at = reauth_at - 301000"#, [])
        .unwrap();
    assert_eq!(
        err_code(app.call("admin_unlock_account", json!({"userId": member["userId"]}))),
        "REAUTH_REQUIRED"
    );
    assert_eq!(
        err_code(app.call(
            "admin_unlock_account",
            json!({"userId": member["userId"], "password": "bad-guess-1"})
        )),
        "INVALID_CREDENTIALS"
    );
    assert_eq!(
        app.call(
            "admin_unlock_account",
            json!({"userId": member["userId"], "password": GOOD_PW})
        )
        .unwrap(),
        json!(null)
    );
    assert!(
        app.call("admin_list_accounts", json!({})).is_ok(),
        "the password counts for five minutes"
    );
    // While another account exists, the only administrator cannot delete their own.
    assert_eq!(
        err_code(app.call(
            "delete_account",
            json!({"password": GOOD_PW, "confirm": true})
        )),
        "LAST_ADMINISTRATOR"
    );
    // Deleting another account always asks for the password.
    assert_eq!(
        err_code(app.call(
            "admin_delete_account",
            json!({"userId": member["userId"], "password": "bad-guess-2"})
        )),
        "INVALID_CREDENTIALS"
    );
    assert_eq!(
        app.call(
            "admin_delete_account",
            json!({"userId": member["userId"], "password": GOOD_PW})
        )
        .unwrap(),
        json!(null)
    );
    assert_eq!(count(dir.path(), r#"SELECT count(*) FROM "user""#), 1);
}
