//! Locking and switching people through the commands, with a clock moved by hand: the idle
//! lock after N seconds without input; every command but a few answers `LOCKED` while
//! locked (and shows nobody's data); unlocking is throttled like signing in; several people
//! signed in at once, at most eight.
use crate::common::ipc::*;
use crate::common::*;
use latchkey_engine::Config;
use serde_json::{json, Value};
use std::sync::Arc;
use tauri_plugin_latchkey::vault::MemoryVault;

fn app_with_clock(
    dir: &std::path::Path,
    lock_after_secs: u64,
) -> (TestApp, ManualClock, Arc<MemoryVault>) {
    let clock = ManualClock::at(T0);
    let vault = Arc::new(MemoryVault::new());
    let config = Config {
        lock_after_override_secs: Some(lock_after_secs),
        ..cheap_config(64)
    };
    let app = TestApp::start_full(dir, vault.clone(), config, Some(&clock));
    (app, clock, vault)
}

/// Every command that acts for the person at the keyboard, with plausible arguments.
fn for_the_person() -> Vec<(&'static str, Value)> {
    let p = json!(GOOD_PW);
    vec![
        ("profile", json!({})),
        (
            "change_password",
            json!({"currentPassword": p, "newPassword": "Another-Good-9"}),
        ),
        ("list_sessions", json!({})),
        ("sign_out_others", json!({})),
        ("delete_account", json!({"password": p, "confirm": true})),
        ("new_recovery_codes", json!({"password": p})),
        ("two_step_begin", json!({})),
        ("two_step_enable", json!({"code": "123456", "password": p})),
        ("two_step_disable", json!({"password": p, "code": "123456"})),
        ("admin_list_accounts", json!({"password": p})),
        (
            "admin_reset_password",
            json!({"userId": "x", "password": p}),
        ),
        (
            "admin_unlock_account",
            json!({"userId": "x", "password": p}),
        ),
        (
            "admin_delete_account",
            json!({"userId": "x", "password": p}),
        ),
        ("admin_events", json!({"password": p})),
        ("admin_settings", json!({"password": p})),
        ("admin_directory_status", json!({"password": p})),
        ("admin_set_lock_after", json!({"minutes": 5, "password": p})),
        (
            "admin_set_two_step_for_admins",
            json!({"required": true, "password": p}),
        ),
        (
            "admin_disable_two_step",
            json!({"userId": "x", "password": p}),
        ),
        ("private_space_status", json!({})),
        ("private_space_open", json!({"password": p})),
        ("notes_list", json!({})),
        ("note_get", json!({"id": "x"})),
        ("note_save", json!({"title": "t", "body": "b"})),
        ("note_delete", json!({"id": "x"})),
        ("private_list", json!({})),
        ("private_get", json!({"name": "x"})),
        ("private_put", json!({"name": "x", "value": 1})),
        ("private_delete", json!({"name": "x"})),
    ]
}

#[test]
fn while_locked_every_command_but_unlocking_switching_and_signing_answers_locked() {
    let dir = temp_dir();
    let (app, clock, _vault) = app_with_clock(dir.path(), 300);
    app.call("signup", creds("Alice", GOOD_PW, true)).unwrap();
    assert_eq!(app.call("lock", json!({})).unwrap(), json!(true));
    let state = app.call("session", json!({})).unwrap();
    assert_eq!(state["signedIn"], false);
    assert_eq!(state["profile"], Value::Null);
    assert_eq!(
        state["locked"],
        json!({"username": "Alice", "lockedAt": T0})
    );
    for (command, args) in for_the_person() {
        let answer = app.call(command, args).unwrap_err();
        assert_eq!(answer["code"], "LOCKED", "{command}: {answer}");
        assert_eq!(
            answer.as_object().unwrap().len(),
            2,
            "{command}: only code and message"
        );
    }
    for (command, args) in [
        ("session", json!({})),
        ("activity", json!({})),
        ("recent_accounts", json!({})),
        ("set_language", json!({"language": "en"})),
        ("lock", json!({})),
    ] {
        assert!(
            app.call(command, args).is_ok(),
            "{command} works while locked"
        );
    }
    // Wrong passwords count toward Alice's throttling, as sign-ins do.
    for _ in 0..5 {
        assert_eq!(
            err_code(app.call("unlock", json!({"password": "Wrong-Guess-1"}))),
            "INVALID_CREDENTIALS"
        );
    }
    assert_eq!(
        err_code(app.call("unlock", json!({"password": GOOD_PW}))),
        "TOO_MANY_ATTEMPTS"
    );
    clock.advance(2 * SECOND);
    let profile = app.call("unlock", json!({"password": GOOD_PW})).unwrap();
    assert_eq!(profile["username"], "Alice");
    assert_eq!(app.call("profile", json!({})).unwrap()["username"], "Alice");
    assert_eq!(
        count(
            dir.path(),
            r#"SELECT count(*) FROM "session" WHERE locked_at IS NULL"#
        ),
        1
    );
}

#[test]
fn the_idle_lock_comes_after_n_seconds_without_input() {
    let dir = temp_dir();
    let (app, clock, _vault) = app_with_clock(dir.path(), 60);
    app.call("signup", creds("Idler", GOOD_PW, false)).unwrap();
    assert_eq!(app.call("session", json!({})).unwrap()["lockAfterSecs"], 60);
    clock.advance(59 * SECOND);
    app.call("activity", json!({})).unwrap();
    clock.advance(59 * SECOND);
    assert_eq!(app.call("profile", json!({})).unwrap()["username"], "Idler");
    clock.advance(SECOND);
    assert_eq!(err_code(app.call("profile", json!({}))), "LOCKED");
    let locked = app.call("session", json!({})).unwrap()["locked"].clone();
    assert_eq!(locked["lockedAt"], T0 + 119 * SECOND);
    // Locked in the database too: a restart opens it locked (for a kept session).
    assert_eq!(
        count(
            dir.path(),
            r#"SELECT count(*) FROM "session" WHERE locked_at IS NOT NULL"#
        ),
        1
    );
}

#[test]
fn switching_keeps_people_signed_in_and_nobody_sees_anyone_elses_data() {
    let dir = temp_dir();
    let (app, _clock, vault) = app_with_clock(dir.path(), 0);
    let alice = app.call("signup", creds("Alice", GOOD_PW, true)).unwrap();
    let bob = app
        .call("signup", creds("Bobby", "another-Good-pw-7", false))
        .unwrap();
    let state = app.call("session", json!({})).unwrap();
    assert_eq!(
        state["people"],
        json!([
            {"username": "Alice", "locked": true, "current": false, "kept": true},
            {"username": "Bobby", "locked": false, "current": true, "kept": false}
        ]),
        "Alice was locked when Bobby came to the keyboard"
    );
    assert_eq!(
        app.call("profile", json!({})).unwrap()["userId"],
        bob["profile"]["userId"]
    );
    let sessions = app.call("list_sessions", json!({})).unwrap();
    assert_eq!(
        sessions.as_array().unwrap().len(),
        1,
        "only Bobby's own: {sessions}"
    );
    assert_eq!(vault.slots().len(), 1, "one keyring item per kept person");

    app.call("switch_user", json!({})).unwrap();
    let state = app.call("session", json!({})).unwrap();
    assert_eq!(state["signedIn"], false);
    assert_eq!(state["locked"], Value::Null);
    assert!(state["people"]
        .as_array()
        .unwrap()
        .iter()
        .all(|p| p["locked"] == true));
    assert_eq!(
        err_code(app.call("profile", json!({}))),
        "NOT_AUTHENTICATED"
    );

    // Alice's password resumes Alice's session (no new one); a wrong one does nothing.
    assert_eq!(
        err_code(app.call("login", creds("alice", "Wrong-Guess-1", false))),
        "INVALID_CREDENTIALS"
    );
    let sessions_before = count(dir.path(), r#"SELECT count(*) FROM "session""#);
    let resumed = app.call("login", creds("ALICE", GOOD_PW, false)).unwrap();
    assert_eq!(resumed["profile"]["userId"], alice["profile"]["userId"]);
    assert_eq!(
        count(dir.path(), r#"SELECT count(*) FROM "session""#),
        sessions_before
    );

    // Signing out ends Alice's session only; quitting ends Bobby's (not kept).
    app.call("logout", json!({})).unwrap();
    assert!(vault.slots().is_empty());
    let state = app.call("session", json!({})).unwrap();
    assert_eq!(
        state["people"],
        json!([{"username": "Bobby", "locked": true, "current": false, "kept": false}])
    );
    app.quit();
    assert_eq!(count(dir.path(), r#"SELECT count(*) FROM "session""#), 0);
}

#[test]
fn at_most_eight_people_the_oldest_locked_one_makes_room() {
    let dir = temp_dir();
    let (app, clock, _vault) = app_with_clock(dir.path(), 0);
    for i in 1..=8 {
        let answer = app
            .call("signup", creds(&format!("person-{i}"), GOOD_PW, i == 1))
            .unwrap();
        assert_eq!(answer["notice"], Value::Null);
        clock.advance(SECOND);
    }
    let ninth = app
        .call("signup", creds("person-9", GOOD_PW, false))
        .unwrap();
    assert_eq!(
        ninth["notice"],
        json!({"code": "SIGNED_OUT_TO_MAKE_ROOM", "username": "person-2"}),
        "the oldest locked session not kept (person-1 is kept)"
    );
    let people = app.call("session", json!({})).unwrap()["people"].clone();
    assert_eq!(people.as_array().unwrap().len(), 8);
    assert!(!people.to_string().contains("person-2\""));
}
