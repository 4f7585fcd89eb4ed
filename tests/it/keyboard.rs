//! Who is at the keyboard, and whether they are locked, when things go wrong: a lock that
//! the database cannot store still locks (a full disk), input after the idle delay locks
//! instead of reviving, an operating-system lock that arrives during an unlock is not
//! lost, memory and the file agree after a restart, half-done second steps end with the
//! person, notices reach the next screen with their names, and the last-resort reset runs
//! from the real `latchkey` binary.
use crate::common::ipc::*;
use crate::common::mounts::Mounted;
use crate::common::*;
use latchkey_engine::policy::totp::code_at;
use latchkey_engine::{Accounts, Config, HashParams};
use serde_json::{json, Value};
use std::io::Write;
use std::path::Path;
use std::sync::Arc;
use tauri_plugin_latchkey::vault::MemoryVault;

/// The `locked_at` of every session in the file, by username.
fn locks_in_file(dir: &Path) -> Vec<(String, Option<i64>)> {
    let conn = rusqlite::Connection::open(dir.join("latchkey.db")).unwrap();
    let mut rows = conn
        .prepare(
            r#"SELECT u.username, s.locked_at FROM "session" s JOIN "user" u ON u.id = s.user_id
               ORDER BY u.username"#,
        )
        .unwrap();
    rows.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

/// Fills the file system of `dir` to the last byte; returns the filler's path.
fn fill(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("filler");
    let mut file = std::fs::File::create(&path).unwrap();
    let chunk = vec![0u8; 4096];
    while file.write_all(&chunk).is_ok() {}
    let _ = file.write_all(&[0u8]);
    let _ = file.sync_all();
    path
}

/// Hole 3: locking failed open when the session row could not be written — Lock bounced
/// back, the idle lock did nothing, and the next input revived an overdue session.
#[test]
fn a_lock_that_cannot_be_stored_still_locks_and_late_input_locks_instead_of_reviving() {
    let root = temp_dir();
    let dir = root.path().join("small");
    let _mount = Mounted::tmpfs(&dir, "2m");
    let clock = ManualClock::at(T0);
    let config = Config {
        lock_after_override_secs: Some(60),
        ..cheap_config(64)
    };
    let app = TestApp::start_full(&dir, Arc::new(MemoryVault::new()), config, Some(&clock));
    app.call("signup", creds("Alice", GOOD_PW, false)).unwrap();
    let filler = fill(&dir);

    // The Lock button on a full disk: locked all the same.
    assert_eq!(app.call("lock", json!({})).unwrap(), json!(true));
    assert_eq!(err_code(app.call("profile", json!({}))), "LOCKED");
    assert_eq!(
        locks_in_file(&dir),
        vec![("Alice".to_owned(), None)],
        "the premise: the disk was too full to store the lock"
    );
    std::fs::remove_file(&filler).unwrap();
    app.call("unlock", json!({"password": GOOD_PW})).unwrap();
    assert!(app.call("profile", json!({})).is_ok());

    // The idle delay passes while the disk is full; the next key press locks.
    let filler = fill(&dir);
    clock.advance(61 * SECOND);
    app.call("activity", json!({})).unwrap();
    assert_eq!(err_code(app.call("profile", json!({}))), "LOCKED");
    let state = app.call("session", json!({})).unwrap();
    assert_eq!(state["locked"]["username"], "Alice");
    std::fs::remove_file(&filler).unwrap();
}

/// A hasher slow enough for commands to overlap (about a fifth of a second here).
fn slow_config() -> Config {
    Config {
        hash: HashParams {
            m_kib: 65_536,
            t: 3,
            p: 1,
        },
        lock_after_override_secs: Some(0),
        ..Config::default()
    }
}

/// Hole 4: an operating-system lock that came during an unlock was dropped, and the person
/// then reopened unlocked after a restart.
#[test]
fn an_os_lock_during_an_unlock_is_not_lost_and_a_restart_reopens_locked() {
    let dir = temp_dir();
    let vault = Arc::new(MemoryVault::new());
    let app = TestApp::start_full(dir.path(), vault.clone(), slow_config(), None);
    app.call("signup", creds("Alice", GOOD_PW, true)).unwrap();
    app.call("lock", json!({})).unwrap();
    let window = app.window.clone();
    std::thread::scope(|scope| {
        let unlocking = scope.spawn(|| call_from(&window, "unlock", json!({"password": GOOD_PW})));
        // The lock signal arrives while the password is being checked.
        std::thread::sleep(std::time::Duration::from_millis(40));
        let locked = app.call("lock", json!({}));
        assert!(unlocking.join().unwrap().is_ok());
        assert_eq!(
            locked.unwrap(),
            json!(true),
            "the lock came after the unlock"
        );
    });
    assert_eq!(err_code(app.call("profile", json!({}))), "LOCKED");
    assert!(
        !app.holds_key(),
        "the lock that came last dropped the data key"
    );
    assert!(locks_in_file(dir.path())[0].1.is_some());
    app.quit();
    let again = TestApp::start_full(dir.path(), vault, slow_config(), None);
    assert_eq!(
        again.call("session", json!({})).unwrap()["locked"]["username"],
        "Alice"
    );
}

/// Hole 4: two kept sessions that the file says are both unlocked (a lock that could not
/// be stored): at the next start only one is at the keyboard; the other is locked, in
/// memory and in the file.
#[test]
fn at_start_only_the_person_at_the_keyboard_is_unlocked() {
    let dir = temp_dir();
    let vault = Arc::new(MemoryVault::new());
    let app = TestApp::start_with(dir.path(), vault.clone(), cheap_config(64));
    app.call("signup", creds("Alice", GOOD_PW, true)).unwrap();
    app.call("switch_user", json!({})).unwrap();
    app.call("signup", creds("Bruno", GOOD_PW, true)).unwrap();
    app.quit();
    let conn = rusqlite::Connection::open(dir.path().join("latchkey.db")).unwrap();
    conn.execute(r#"UPDATE "session" SET locked_at = NULL"#, [])
        .unwrap();
    drop(conn);
    let again = TestApp::start_with(dir.path(), vault, cheap_config(64));
    let state = again.call("session", json!({})).unwrap();
    let unlocked: Vec<&Value> = state["people"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["locked"] == false)
        .collect();
    assert_eq!(unlocked.len(), 1, "{state}");
    assert_eq!(unlocked[0]["current"], true);
    let unlocked_in_file = locks_in_file(dir.path())
        .into_iter()
        .filter(|(_, at)| at.is_none())
        .count();
    assert_eq!(unlocked_in_file, 1);
}

/// Half-done state ends with the person: a sign-in waiting for its code on sign-out and on
/// switching, a two-step set-up on switching.
#[test]
fn signing_out_and_switching_drop_a_half_done_second_step_and_set_up() {
    let dir = temp_dir();
    let clock = ManualClock::at(T0 + 1000 * 30_000);
    let app = TestApp::start_clocked(dir.path(), &clock, 0);
    app.call("signup", creds("Erin", GOOD_PW, false)).unwrap();
    let setup = app.call("two_step_begin", json!({})).unwrap();
    app.call("switch_user", json!({})).unwrap();
    app.call("login", creds("erin", GOOD_PW, false)).unwrap();
    assert_eq!(
        err_code(app.call(
            "two_step_enable",
            json!({"code": "123456", "password": GOOD_PW})
        )),
        "INVALID_INPUT",
        "the set-up begun before switching is gone"
    );
    let secret = setup["secret"].as_str().unwrap().replace(' ', "");
    let secret = base32_decode(&secret);
    let setup = app.call("two_step_begin", json!({})).unwrap();
    let secret2 = base32_decode(&setup["secret"].as_str().unwrap().replace(' ', ""));
    assert_ne!(secret, secret2);
    let code = code_at(&secret2, clock.now()).unwrap();
    app.call(
        "two_step_enable",
        json!({"code": code, "password": GOOD_PW}),
    )
    .unwrap();
    app.call("logout", json!({})).unwrap();
    let half = app.call("login", creds("erin", GOOD_PW, false)).unwrap();
    assert_eq!(half["secondFactor"], true);
    app.call("logout", json!({})).unwrap();
    clock.advance(30 * SECOND);
    let code = code_at(&secret2, clock.now()).unwrap();
    assert_eq!(
        err_code(app.call("second_factor", json!({"code": code}))),
        "NOT_AUTHENTICATED",
        "signing out ended the half-done sign-in"
    );
}

/// RFC 4648 base32 without padding, as the set-up shows the secret.
fn base32_decode(text: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let (mut bits, mut value, mut out) = (0u32, 0u32, Vec::new());
    for c in text.bytes() {
        let Some(v) = ALPHABET.iter().position(|a| *a == c) else {
            continue;
        };
        value = (value << 5) | v as u32;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((value >> bits) as u8);
        }
    }
    out
}

/// The ninth person's notice names who was signed out, on the next screen too (the window
/// reads it from `session`); the warning after someone else's password-right sign-in.
#[test]
fn notices_reach_the_next_screen_with_their_names() {
    let dir = temp_dir();
    let clock = ManualClock::at(T0 + 2000 * 30_000);
    let app = TestApp::start_clocked(dir.path(), &clock, 0);
    for i in 1..=8 {
        app.call("signup", creds(&format!("person-{i}"), GOOD_PW, false))
            .unwrap();
        clock.advance(SECOND);
    }
    app.call("signup", creds("person-9", GOOD_PW, false))
        .unwrap();
    assert_eq!(
        app.call("session", json!({})).unwrap()["notice"],
        json!({"code": "SIGNED_OUT_TO_MAKE_ROOM", "username": "person-1"})
    );

    // Someone with person-9's password fails the code three times; person-9's next
    // sign-in is told.
    let setup = app.call("two_step_begin", json!({})).unwrap();
    let secret = base32_decode(&setup["secret"].as_str().unwrap().replace(' ', ""));
    let code = code_at(&secret, clock.now()).unwrap();
    app.call(
        "two_step_enable",
        json!({"code": code, "password": GOOD_PW}),
    )
    .unwrap();
    app.call("logout", json!({})).unwrap();
    clock.advance(60 * SECOND);
    app.call("login", creds("person-9", GOOD_PW, false))
        .unwrap();
    for _ in 0..3 {
        let wrong = app.call("second_factor", json!({"code": "000000"}));
        assert_eq!(err_code(wrong), "INVALID_CODE");
    }
    clock.advance(10 * 60 * SECOND);
    app.call("login", creds("person-9", GOOD_PW, false))
        .unwrap();
    let code = code_at(&secret, clock.now()).unwrap();
    app.call("second_factor", json!({"code": code})).unwrap();
    assert_eq!(
        app.call("session", json!({})).unwrap()["notice"]["code"],
        "SECOND_STEP_FAILED"
    );
}

/// Hole 7's last resort, through the real binary: `latchkey --reset-administrator NAME`
/// prints a temporary password that signs the administrator in, and refuses members.
#[test]
fn the_last_resort_reset_runs_from_the_shell() {
    let dir = temp_dir();
    let a = Accounts::open(dir.path(), Config::default()).unwrap();
    a.sign_up("Admin", &pw(GOOD_PW), false, latchkey_engine::now_ms())
        .unwrap();
    a.sign_up("member", &pw(GOOD_PW), false, latchkey_engine::now_ms())
        .unwrap();
    drop(a);
    let run = |name: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_latchkey"))
            .args(["--reset-administrator", name])
            .env("LATCHKEY_DATA_DIR", dir.path())
            .env_remove("DISPLAY")
            .output()
            .unwrap()
    };
    let refused = run("member");
    assert_eq!(refused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("not an administrator"));
    let done = run("admin");
    assert!(
        done.status.success(),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
    let out = String::from_utf8(done.stdout).unwrap();
    let temporary = out
        .split_whitespace()
        .find(|w| w.len() == 19 && w.matches('-').count() == 3)
        .unwrap_or_else(|| panic!("no temporary password in {out:?}"));
    let a = Accounts::open(dir.path(), Config::default()).unwrap();
    let signed = a
        .sign_in("Admin", &pw(temporary), false, latchkey_engine::now_ms())
        .unwrap();
    assert!(signed.user.must_change_password);
    let events = a.recent_events(3).unwrap();
    assert!(events.iter().any(|e| e.kind == "shell-reset"), "{events:?}");
}
