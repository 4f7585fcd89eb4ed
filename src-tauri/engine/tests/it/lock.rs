//! Locking sessions: a locked session keeps its place, only its owner's password unlocks it
//! (throttled like a sign-in), and the idle lock's delay is the administrator's setting.
use crate::common::*;
use latchkey_engine::lock::{LockAfter, DEFAULT_LOCK_AFTER_SECS};
use latchkey_engine::{Accounts, AuthError, Config};

#[test]
fn a_locked_session_keeps_its_place_until_its_password_unlocks_it() {
    let (dir, a) = engine();
    let signed = a.sign_up("locker", &pw(GOOD_PW), true, T0).unwrap();
    let since = a.lock_session(&signed.session.id, T0 + 10).unwrap();
    assert_eq!(since, T0 + 10);
    assert_eq!(
        a.lock_session(&signed.session.id, T0 + 20).unwrap(),
        T0 + 10
    );
    let session = a.validate_session(&signed.token, T0 + 30).unwrap().unwrap();
    assert_eq!(
        session.locked_at,
        Some(T0 + 10),
        "the lock survives, in the database"
    );
    let reopened = reopen(dir.path());
    let session = reopened
        .validate_session(&signed.token, T0 + 30)
        .unwrap()
        .unwrap();
    assert_eq!(session.locked_at, Some(T0 + 10), "and a restart");

    // Wrong passwords count toward the account's throttling, exactly as sign-ins do.
    for i in 0..4 {
        assert_eq!(
            a.unlock_session(&session, &pw("Wrong-Guess-0"), T0 + 40 + i),
            Err(AuthError::InvalidCredentials)
        );
    }
    assert_eq!(count(dir.path(), "SELECT failures FROM login_attempt"), 4);
    assert_eq!(
        a.unlock_session(&session, &pw("Wrong-Guess-0"), T0 + 50),
        Err(AuthError::InvalidCredentials)
    );
    assert_eq!(
        code(a.unlock_session(&session, &pw(GOOD_PW), T0 + 51)),
        "TOO_MANY_ATTEMPTS",
        "the same wait as a sign-in, even with the right password"
    );
    assert_eq!(
        code(a.sign_in("locker", &pw(GOOD_PW), false, T0 + 52)),
        "TOO_MANY_ATTEMPTS",
        "one set of counters"
    );
    // After the wait the right password unlocks, renewing nothing but the lock.
    a.unlock_session(&session, &pw(GOOD_PW), T0 + 50 + SECOND)
        .unwrap();
    let unlocked = a
        .validate_session(&signed.token, T0 + 50 + SECOND)
        .unwrap()
        .unwrap();
    assert_eq!(unlocked.locked_at, None);
    assert_eq!(unlocked.active_expires, session.active_expires);
    assert_eq!(count(dir.path(), "SELECT count(*) FROM login_attempt"), 0);
}

/// A locked session past its active period is not renewed by being looked at, nor by an
/// unlock (right or wrong password); once unlocked, the next use renews it as usual.
#[test]
fn nothing_renews_a_locked_session_but_using_it_after_unlocking() {
    let (_dir, a) = engine();
    let signed = a.sign_up("sleeper", &pw(GOOD_PW), true, T0).unwrap();
    a.lock_session(&signed.session.id, T0 + 10).unwrap();
    let later = signed.session.active_expires + MINUTE;
    let locked = a.validate_session(&signed.token, later).unwrap().unwrap();
    assert!(!locked.fresh, "not renewed while locked");
    assert_eq!(locked.active_expires, signed.session.active_expires);
    assert_eq!(locked.idle_expires, signed.session.idle_expires);
    assert_eq!(locked.last_used_at, signed.session.last_used_at);
    assert_eq!(
        a.unlock_session(&locked, &pw("Wrong-Guess-0"), later),
        Err(AuthError::InvalidCredentials)
    );
    a.unlock_session(&locked, &pw(GOOD_PW), later + 1).unwrap();
    let unlocked = a.validate_session(&signed.token, later + 1).unwrap();
    let unlocked = unlocked.unwrap();
    assert!(unlocked.fresh, "the first use after unlocking renews it");
    assert!(unlocked.active_expires > signed.session.active_expires);
    // Left locked, it ends with its idle period like any unused session.
    let other = a.sign_in("sleeper", &pw(GOOD_PW), true, later + 2).unwrap();
    a.lock_session(&other.session.id, later + 3).unwrap();
    assert!(a
        .validate_session(&other.token, other.session.idle_expires + 1)
        .unwrap()
        .is_none());
}

#[test]
fn the_idle_lock_is_the_administrators_setting_or_the_environments() {
    let (_dir, a) = engine();
    let admin = a.sign_up("Admin", &pw(GOOD_PW), true, T0).unwrap().session;
    let member = a.sign_up("member", &pw(GOOD_PW), true, T0).unwrap().session;
    assert_eq!(
        a.lock_after().unwrap(),
        LockAfter {
            secs: Some(DEFAULT_LOCK_AFTER_SECS),
            overridden: false
        }
    );
    assert_eq!(DEFAULT_LOCK_AFTER_SECS, 300, "five minutes by default");
    let p = pw(GOOD_PW);
    assert_eq!(
        a.admin_set_lock_after(&admin, Some(10), Some(&p), T0)
            .unwrap()
            .secs,
        Some(600)
    );
    assert_eq!(
        a.admin_set_lock_after(&admin, None, None, T0).unwrap().secs,
        None
    );
    assert_eq!(a.lock_after().unwrap().secs, None, "never");
    for out_of_range in [0, 61] {
        assert_eq!(
            a.admin_set_lock_after(&admin, Some(out_of_range), None, T0),
            Err(AuthError::InvalidInput)
        );
    }
    assert_eq!(
        a.admin_set_lock_after(&member, Some(5), Some(&p), T0),
        Err(AuthError::Forbidden)
    );
    a.admin_set_lock_after(&admin, Some(1), None, T0).unwrap();
    assert_eq!(a.lock_after().unwrap().secs, Some(60));

    let dir = temp_dir();
    let config = Config::from_lookup(|k| (k == "LATCHKEY_LOCK_AFTER_SECS").then(|| "2".into()));
    let kiosk = Accounts::open(dir.path(), config).unwrap();
    assert_eq!(
        kiosk.lock_after().unwrap(),
        LockAfter {
            secs: Some(2),
            overridden: true
        }
    );
}
