//! Holes an attacker sharing the computer could use, each closed: typed secrets in the
//! log, old hashes in free pages, sessions without an absolute end, temporary passwords
//! without one, weak hashing parameters that answer faster, and names that only look alike.
//! (Races are in `races.rs`.)

use crate::common::*;
use latchkey_engine::{Accounts, Config, SessionToken};
use std::path::Path;

const WRONG: &str = "Wrong-Guess-000";

/// Every byte of the database file and its WAL.
fn file_bytes(dir: &Path) -> Vec<u8> {
    ["latchkey.db", "latchkey.db-wal"]
        .iter()
        .flat_map(|f| std::fs::read(dir.join(f)).unwrap_or_default())
        .collect()
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

/// People type their password into the username field: an unknown name is kept nowhere,
/// not in any table, the WAL, or what the administrator sees.
#[test]
fn a_mistyped_password_as_a_username_is_stored_nowhere() {
    let (dir, a) = engine();
    let admin = a.sign_up("Admin", &pw(GOOD_PW), true, T0).unwrap().session;
    let typed = "Tr0ub4dor-Secret";
    for i in 0..3 {
        assert_eq!(
            code(a.verify_credentials(typed, &pw(GOOD_PW), T0 + i)),
            "INVALID_CREDENTIALS"
        );
    }
    assert!(
        !contains(&file_bytes(dir.path()), typed),
        "the typed name is in the file"
    );
    let events = a
        .admin_events(&admin, Some(&pw(GOOD_PW)), T0 + 10, 100)
        .unwrap();
    let failed: Vec<_> = events
        .iter()
        .filter(|e| e.kind == "sign-in-failed")
        .collect();
    assert_eq!(failed.len(), 3);
    assert!(failed.iter().all(|e| e.username.is_none()), "{failed:?}");
    let text = format!(
        "{events:?}{:?}",
        a.admin_list_accounts(&admin, None, T0 + 10).unwrap()
    );
    assert!(!text.to_lowercase().contains(&typed.to_lowercase()));
    // Unknown names are still throttled like real ones.
    for i in 0..2 {
        let _ = a.verify_credentials(typed, &pw(GOOD_PW), T0 + 3 + i);
    }
    assert_eq!(
        code(a.verify_credentials(typed, &pw(GOOD_PW), T0 + 5)),
        "TOO_MANY_ATTEMPTS"
    );
    // A failure against a real account still names it.
    let _ = a.verify_credentials("admin", &pw(WRONG), T0 + 20);
    let events = a.recent_events(1).unwrap();
    assert_eq!(events[0].username.as_deref(), Some("Admin"));
}

/// The throttle rows of unknown names are dropped once stale (a day after the last try).
#[test]
fn stale_throttle_rows_for_unknown_names_expire() {
    let (dir, a) = engine();
    a.sign_up("known", &pw(GOOD_PW), false, T0).unwrap();
    let _ = a.verify_credentials("nobody-at-all", &pw(WRONG), T0);
    let _ = a.verify_credentials("known", &pw(WRONG), T0);
    assert_eq!(count(dir.path(), "SELECT count(*) FROM login_attempt"), 2);
    a.housekeeping(T0 + DAY + 1, T0).unwrap();
    assert_eq!(count(dir.path(), "SELECT count(*) FROM login_attempt"), 1);
}

/// A changed password's old hash is not left in free pages of the file or the WAL.
#[test]
fn the_old_hash_is_gone_from_the_files_after_a_password_change() {
    let (dir, a) = engine();
    let user = a.sign_up("wiper", &pw(GOOD_PW), true, T0).unwrap().user;
    let conn = rusqlite::Connection::open(dir.path().join("latchkey.db")).unwrap();
    let old: String = conn
        .query_row(r#"SELECT hashed_password FROM "key""#, [], |r| r.get(0))
        .unwrap();
    drop(conn);
    a.change_password(
        &user.id,
        &pw(GOOD_PW),
        &pw("Another-Good-Pass-9"),
        None,
        T0 + 1,
    )
    .unwrap();
    let digest = old.rsplit('$').next().unwrap();
    assert!(
        !contains(&file_bytes(dir.path()), digest),
        "the old hash is still in the files"
    );
}

/// An administrator's re-authentication window opens only when the password is entered for
/// an administrator action, not at sign-in.
#[test]
fn signing_in_does_not_open_the_administrator_window() {
    let (_dir, a) = engine();
    let admin = a.sign_up("Admin", &pw(GOOD_PW), true, T0).unwrap().session;
    assert_eq!(
        code(a.admin_list_accounts(&admin, None, T0 + 1)),
        "REAUTH_REQUIRED"
    );
    let again = a
        .sign_in("admin", &pw(GOOD_PW), true, T0 + 2)
        .unwrap()
        .session;
    assert_eq!(
        code(a.admin_list_accounts(&again, None, T0 + 3)),
        "REAUTH_REQUIRED"
    );
    assert_eq!(
        code(a.admin_list_accounts(&again, Some(&pw(GOOD_PW)), T0 + 4)),
        "OK"
    );
    assert_eq!(code(a.admin_list_accounts(&again, None, T0 + 5)), "OK");
}

/// A session used every fortnight is renewed each time, but ends 30 days after it began.
#[test]
fn sessions_end_thirty_days_after_they_began_however_often_used() {
    let (_dir, a) = engine();
    let token: SessionToken = a.sign_up("regular", &pw(GOOD_PW), true, T0).unwrap().token;
    for fortnight in 1..=2 {
        assert!(a
            .validate_session(&token, T0 + fortnight * 14 * DAY)
            .unwrap()
            .is_some());
    }
    assert!(a.validate_session(&token, T0 + 30 * DAY).unwrap().is_some());
    assert!(a
        .validate_session(&token, T0 + 30 * DAY + 1)
        .unwrap()
        .is_none());
}

/// A temporary password works for 24 hours.
#[test]
fn temporary_passwords_expire_after_a_day() {
    let (_dir, a) = engine();
    a.sign_up("boss", &pw(GOOD_PW), false, T0).unwrap();
    let member = a
        .sign_up("member", &pw(GOOD_PW), false, T0)
        .unwrap()
        .user
        .id;
    let admin = a.sign_in("boss", &pw(GOOD_PW), false, T0).unwrap().session;
    let temporary = reset(&a, &admin, &member).unwrap();
    assert_eq!(
        code(a.sign_in("member", &pw(&temporary), false, T0 + 1 + DAY + 1)),
        "TEMPORARY_PASSWORD_EXPIRED"
    );
    let admin = a
        .sign_in("boss", &pw(GOOD_PW), false, T0 + 2 * DAY)
        .unwrap()
        .session;
    let fresh = a
        .admin_reset_password(&admin, &member, &pw(GOOD_PW), T0 + 2 * DAY)
        .unwrap();
    assert_eq!(
        code(a.sign_in("member", &pw(fresh.expose()), false, T0 + 3 * DAY - 1)),
        "OK"
    );
}

/// Weak argon2 settings from the environment are raised to the OWASP floor.
#[test]
fn the_environment_cannot_weaken_hashing_below_the_floor() {
    let config = Config::from_lookup(|k| match k {
        "LATCHKEY_ARGON2_M_KIB" => Some("8".into()),
        "LATCHKEY_ARGON2_T" => Some("1".into()),
        _ => None,
    });
    assert!(
        (config.hash.m_kib >= 19_456 && config.hash.t >= 2)
            || (config.hash.m_kib >= 47_104 && config.hash.t >= 1),
        "{:?}",
        config.hash
    );
}

/// An account whose stored hash has other parameters answers a wrong password in the same
/// time as an unknown name: medians of 200 attempts each (taken in turn, so that the
/// machine's drift touches both alike) within 10 %.
#[test]
fn a_hash_with_other_parameters_answers_in_the_time_of_an_unknown_name() {
    let dir = temp_dir();
    let weak = Config {
        hash: latchkey_engine::HashParams {
            m_kib: 19_456,
            t: 1,
            p: 1,
        },
        ..Config::default()
    };
    Accounts::open(dir.path(), weak)
        .unwrap()
        .create_user("oldtimer", &pw(GOOD_PW), T0)
        .unwrap();
    let a = Accounts::open(dir.path(), Config::default()).unwrap();
    a.hasher().warm_up();
    let time = |name: &str, i: i64| {
        clear_attempts(dir.path());
        let started = std::time::Instant::now();
        let answer = a.verify_credentials(name, &pw(WRONG), T0 + i);
        let took = started.elapsed();
        assert_eq!(code(answer), "INVALID_CREDENTIALS");
        took
    };
    let (mut known, mut unknown) = (Vec::new(), Vec::new());
    for i in 0..200 {
        known.push(time("oldtimer", 2 * i));
        unknown.push(time("nobody-here", 2 * i + 1));
    }
    known.sort();
    unknown.sort();
    let (known, unknown) = (known[100], unknown[100]);
    let ratio = known.as_secs_f64() / unknown.as_secs_f64();
    println!(
        "wrong password: stored weaker hash {known:?}, unknown name {unknown:?} ({ratio:.3}x)"
    );
    assert!((0.9..=1.1).contains(&ratio), "{known:?} vs {unknown:?}");
}

/// Names that only look alike are one name: "alice" and "аlice" (Cyrillic а) cannot both
/// exist, whichever comes first; names mixing scripts are refused; single-script names in
/// any script stay allowed.
#[test]
fn names_that_look_alike_are_taken_and_mixed_scripts_refused() {
    let (_dir, a) = engine();
    a.create_user("alice", &pw(GOOD_PW), T0).unwrap();
    assert_eq!(
        code(a.create_user("\u{430}lice", &pw(GOOD_PW), T0)),
        "INVALID_USERNAME"
    );
    let cyrillic = "\u{430}\u{4cf}\u{456}\u{441}\u{435}"; // аӏісе, all Cyrillic
    assert_eq!(
        code(a.create_user(cyrillic, &pw(GOOD_PW), T0)),
        "USERNAME_TAKEN"
    );
    let (_dir, b) = engine();
    b.create_user(cyrillic, &pw(GOOD_PW), T0).unwrap();
    assert_eq!(
        code(b.create_user("alice", &pw(GOOD_PW), T0)),
        "USERNAME_TAKEN"
    );
    assert_eq!(
        code(b.create_user("ALICE", &pw(GOOD_PW), T0)),
        "USERNAME_TAKEN"
    );
    for fine in [
        "김민준서",
        "Zoë_Ångström",
        "Ελένη",
        "Иван",
        "user_42",
        "山田太郎",
    ] {
        assert_eq!(code(b.create_user(fine, &pw(GOOD_PW), T0)), "OK", "{fine}");
    }
}
