//! The private space through the commands: notes and host values for the person at the
//! keyboard only; the data key dropped by the lock, the idle lock and switching, back with
//! the password; a kept session reopened in a new run stays sealed until the password is
//! given; limits and wrong input answered with codes.
use crate::common::ipc::*;
use crate::common::*;
use serde_json::{json, Value};
use std::sync::Arc;
use tauri_plugin_latchkey::vault::MemoryVault;

fn titles(app: &TestApp) -> Vec<String> {
    let list = app.call("notes_list", json!({})).unwrap();
    list.as_array()
        .unwrap()
        .iter()
        .map(|n| n["title"].as_str().unwrap().to_owned())
        .collect()
}

fn save(app: &TestApp, title: &str, body: &str) -> Value {
    app.call("note_save", json!({"title": title, "body": body}))
        .unwrap()
}

#[test]
fn each_person_sees_only_their_notes_and_a_lock_or_a_switch_drops_the_key() {
    let dir = temp_dir();
    let clock = ManualClock::at(T0);
    let app = TestApp::start_clocked(dir.path(), &clock, 60);
    app.call("signup", creds("Alice", GOOD_PW, false)).unwrap();
    assert!(app.holds_key());
    assert_eq!(
        app.call("private_space_status", json!({})).unwrap()["state"],
        "open"
    );
    let first = save(&app, "Plans", "the garden");
    clock.advance(SECOND);
    save(&app, "Shopping", "eggs");
    assert_eq!(titles(&app), ["Shopping", "Plans"]);
    let id = first["id"].as_str().unwrap();
    let note = app.call("note_get", json!({"id": id})).unwrap();
    assert_eq!(note["body"], "the garden");
    let found = app.call("notes_list", json!({"query": "shop"})).unwrap();
    assert_eq!(found.as_array().unwrap().len(), 1);

    // Locked: nothing answers; unlocked with the password: the key is back.
    app.call("lock", json!({})).unwrap();
    assert!(!app.holds_key(), "locking drops the key at once");
    assert_eq!(err_code(app.call("notes_list", json!({}))), "LOCKED");
    app.call("unlock", json!({"password": GOOD_PW})).unwrap();
    assert!(app.holds_key());
    assert_eq!(titles(&app), ["Shopping", "Plans"]);

    // The idle lock drops it too.
    clock.advance(61 * SECOND);
    assert_eq!(err_code(app.call("notes_list", json!({}))), "LOCKED");
    assert!(!app.holds_key(), "the idle lock drops the key");
    assert_eq!(err_code(app.call("notes_list", json!({}))), "LOCKED");
    app.call("unlock", json!({"password": GOOD_PW})).unwrap();
    assert!(app.holds_key());
    assert_eq!(titles(&app).len(), 2);

    // Switch user: Bob sees none of Alice's notes, and cannot read one by its id.
    app.call("switch_user", json!({})).unwrap();
    assert!(!app.holds_key(), "switching drops the key");
    assert_eq!(
        err_code(app.call("notes_list", json!({}))),
        "NOT_AUTHENTICATED"
    );
    app.call("signup", creds("Bobby", GOOD_PW, false)).unwrap();
    assert!(titles(&app).is_empty());
    assert_eq!(
        err_code(app.call("note_get", json!({"id": id}))),
        "NOT_FOUND"
    );
    assert_eq!(
        err_code(app.call("note_save", json!({"id": id, "title": "mine", "body": ""}))),
        "NOT_FOUND"
    );
    save(&app, "Bob's", "b");
    // Back to Alice with her password: only hers.
    app.call("login", creds("Alice", GOOD_PW, false)).unwrap();
    assert_eq!(titles(&app), ["Shopping", "Plans"]);
    app.call("note_delete", json!({"id": id})).unwrap();
    let after_delete = titles(&app);
    assert_eq!(titles(&app), ["Shopping"]);
    assert_eq!(
        err_code(app.call("note_delete", json!({"id": id}))),
        "NOT_FOUND"
    );
    app.call("logout", json!({})).unwrap();
    assert!(!app.holds_key(), "signing out drops the key");
    assert_eq!(after_delete, ["Shopping"]);
}

#[test]
fn a_kept_session_reopens_sealed_until_the_password_is_given() {
    let dir = temp_dir();
    let vault = Arc::new(MemoryVault::new());
    let first = TestApp::start(dir.path(), vault.clone());
    first
        .call("signup", creds("Keeper", GOOD_PW, true))
        .unwrap();
    save(&first, "Diary", "dear diary");
    first
        .call("private_put", json!({"name": "counter", "value": {"n": 3}}))
        .unwrap();
    first.quit();

    let second = TestApp::start(dir.path(), vault.clone());
    assert!(
        !second.holds_key(),
        "nothing that opens the space survives a restart"
    );
    assert_eq!(second.call("session", json!({})).unwrap()["signedIn"], true);
    assert_eq!(
        second.call("private_space_status", json!({})).unwrap()["state"],
        "closed"
    );
    for (command, args) in [
        ("notes_list", json!({})),
        ("note_save", json!({"title": "t", "body": "b"})),
        ("private_get", json!({"name": "counter"})),
        ("private_list", json!({})),
    ] {
        assert_eq!(
            err_code(second.call(command, args)),
            "PRIVATE_SPACE_SEALED",
            "{command}"
        );
    }
    assert_eq!(
        err_code(second.call("private_space_open", json!({"password": "Wrong-Guess-1"}))),
        "INVALID_CREDENTIALS"
    );
    let status = second
        .call("private_space_open", json!({"password": GOOD_PW}))
        .unwrap();
    assert_eq!(status["state"], "open");
    assert_eq!(titles(&second), ["Diary"]);
    assert_eq!(
        second
            .call("private_get", json!({"name": "counter"}))
            .unwrap(),
        json!({"n": 3})
    );
}

#[test]
fn host_values_have_limits_and_answer_wrong_input_with_codes() {
    let dir = temp_dir();
    let app = TestApp::start(dir.path(), Arc::new(MemoryVault::new()));
    app.call("signup", creds("Hoster", GOOD_PW, false)).unwrap();
    app.call("private_put", json!({"name": "b", "value": [1, 2]}))
        .unwrap();
    app.call("private_put", json!({"name": "a", "value": "x"}))
        .unwrap();
    assert_eq!(
        app.call("private_list", json!({})).unwrap(),
        json!(["a", "b"])
    );
    assert_eq!(
        app.call("private_get", json!({"name": "zz"})).unwrap(),
        Value::Null
    );
    let big = "x".repeat(1024 * 1024);
    assert_eq!(
        err_code(app.call("private_put", json!({"name": "big", "value": big}))),
        "VALUE_TOO_LARGE"
    );
    assert_eq!(
        err_code(app.call("private_put", json!({"name": "n".repeat(201), "value": 1}))),
        "INVALID_VALUE_NAME"
    );
    assert_eq!(
        err_code(app.call("private_put", json!({"name": 7, "value": 1}))),
        "INVALID_INPUT"
    );
    assert_eq!(
        err_code(app.call("private_put", json!({"name": "x"}))),
        "INVALID_INPUT"
    );
    assert_eq!(
        app.call("private_delete", json!({"name": "a"})).unwrap(),
        json!(true)
    );
    assert_eq!(
        app.call("private_delete", json!({"name": "a"})).unwrap(),
        json!(false)
    );
    assert_eq!(app.call("private_list", json!({})).unwrap(), json!(["b"]));
    app.call("logout", json!({})).unwrap();
    assert_eq!(
        err_code(app.call("private_list", json!({}))),
        "NOT_AUTHENTICATED"
    );
}

#[test]
fn with_key_escrow_on_a_reset_keeps_the_members_notes_and_everyone_is_told() {
    let dir = temp_dir();
    let app = TestApp::start_with(dir.path(), Arc::new(MemoryVault::new()), cheap_config(64));
    app.call("signup", creds("Admin", GOOD_PW, false)).unwrap();
    assert_eq!(app.call("session", json!({})).unwrap()["keyEscrow"], false);
    let settings = app
        .call(
            "admin_set_key_escrow",
            json!({"on": true, "password": GOOD_PW}),
        )
        .unwrap();
    assert_eq!(settings["keyEscrow"], true);
    app.call("switch_user", json!({})).unwrap();
    assert_eq!(
        app.call("session", json!({})).unwrap()["keyEscrow"],
        true,
        "the sign-up screen can say so"
    );
    let member = app.call("signup", creds("Member", GOOD_PW, false)).unwrap();
    let member_id = member["profile"]["userId"].as_str().unwrap().to_owned();
    save(&app, "Kept", "through a reset");
    app.call("switch_user", json!({})).unwrap();
    app.call("login", creds("Admin", GOOD_PW, false)).unwrap();
    let accounts = app
        .call("admin_list_accounts", json!({"password": GOOD_PW}))
        .unwrap();
    let listed = accounts
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["username"] == "Member")
        .unwrap()
        .clone();
    assert_eq!(listed["privateDataRecoverable"], true);
    let reset = app
        .call(
            "admin_reset_password",
            json!({"userId": member_id, "password": GOOD_PW}),
        )
        .unwrap();
    assert_eq!(reset["privateDataKept"], true);
    let temporary = reset["temporaryPassword"].as_str().unwrap().to_owned();
    app.call("logout", json!({})).unwrap();
    app.call("login", creds("Member", &temporary, false))
        .unwrap();
    app.call(
        "change_password",
        json!({"currentPassword": temporary, "newPassword": "indigo-Meadow-77"}),
    )
    .unwrap();
    assert_eq!(titles(&app), ["Kept"]);
}

/// Review finding: a half-done two-step sign-in holds the password's key; it survived the
/// lock, and its five minutes ran out without it being dropped.
#[test]
fn a_lock_or_five_minutes_drop_a_half_done_two_step_sign_in() {
    use crate::commands_recovery::base32;
    use latchkey_engine::policy::totp::code_at;
    let dir = temp_dir();
    let clock = ManualClock::at(T0);
    let app = TestApp::start_clocked(dir.path(), &clock, 0);
    app.call("signup", creds("Erin", GOOD_PW, false)).unwrap();
    let setup = app.call("two_step_begin", json!({})).unwrap();
    let secret = base32(setup["secret"].as_str().unwrap());
    let code = code_at(&secret, clock.now()).unwrap();
    app.call(
        "two_step_enable",
        json!({"code": code, "password": GOOD_PW}),
    )
    .unwrap();
    app.call("logout", json!({})).unwrap();

    clock.advance(30 * SECOND);
    let half = app.call("login", creds("Erin", GOOD_PW, false)).unwrap();
    assert_eq!(half["secondFactor"], true);
    app.call("lock", json!({})).unwrap();
    let code = code_at(&secret, clock.now()).unwrap();
    assert_eq!(
        err_code(app.call("second_factor", json!({"code": code}))),
        "NOT_AUTHENTICATED",
        "the lock dropped it"
    );

    clock.advance(30 * SECOND);
    app.call("login", creds("Erin", GOOD_PW, false)).unwrap();
    clock.advance(5 * MINUTE + SECOND);
    app.call("activity", json!({})).unwrap();
    let code = code_at(&secret, clock.now()).unwrap();
    assert_eq!(
        err_code(app.call("second_factor", json!({"code": code}))),
        "NOT_AUTHENTICATED",
        "dropped when its five minutes ran out, not kept until the next try"
    );
}
