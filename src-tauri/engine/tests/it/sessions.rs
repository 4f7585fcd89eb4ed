//! Sessions, expiry with an injected clock, and throttling, against real SQLite files.
use crate::common::*;
use latchkey_engine::session_id;
use latchkey_engine::{AuthError, SessionToken};

#[test]
fn active_then_idle_renewed_then_dead_and_deleted() {
    let (dir, a) = engine();
    let user = a.create_user("clocked", &pw(GOOD_PW), T0).unwrap();
    let (created, token) = a.create_session(&user.id, true, T0).unwrap();
    assert_eq!(created.id, session_id(&token));
    assert_eq!(created.active_expires, T0 + DAY);
    assert_eq!(created.idle_expires, T0 + 15 * DAY);

    // Active: returned unchanged.
    let active = a.validate_session(&token, T0 + DAY).unwrap().unwrap();
    assert!(!active.fresh);
    assert_eq!(active.active_expires, T0 + DAY);

    // Idle: both expiries renewed from now, fresh.
    let now = T0 + DAY + 1;
    let renewed = a.validate_session(&token, now).unwrap().unwrap();
    assert!(renewed.fresh);
    assert_eq!(
        (renewed.active_expires, renewed.idle_expires),
        (now + DAY, now + 15 * DAY)
    );
    let stored = count(dir.path(), r#"SELECT active_expires FROM "session""#);
    assert_eq!(stored, now + DAY);

    // Dead: none, and the row is gone.
    let dead_at = now + 15 * DAY + 1;
    assert_eq!(a.validate_session(&token, dead_at).unwrap(), None);
    assert_eq!(count(dir.path(), r#"SELECT count(*) FROM "session""#), 0);
}

#[test]
fn the_idle_boundary_is_inclusive() {
    let (_dir, a) = engine();
    let user = a.create_user("boundary", &pw(GOOD_PW), T0).unwrap();
    let (_, token) = a.create_session(&user.id, false, T0).unwrap();
    assert!(
        a.validate_session(&token, T0 + 15 * DAY)
            .unwrap()
            .unwrap()
            .fresh
    );
}

#[test]
fn unknown_and_malformed_tokens_are_none() {
    let (_dir, a) = engine();
    for t in [
        "",
        "x",
        "' OR 1=1 --",
        &"A".repeat(43),
        &"\0".repeat(43),
        &"a".repeat(10_000_000),
    ] {
        assert_eq!(a.validate_session(&SessionToken::new(t), T0).unwrap(), None);
    }
}

#[test]
fn last_used_is_written_at_most_once_a_minute() {
    let (dir, a) = engine();
    let user = a.create_user("minute", &pw(GOOD_PW), T0).unwrap();
    let (_, token) = a.create_session(&user.id, true, T0).unwrap();
    let last_used = || count(dir.path(), r#"SELECT last_used_at FROM "session""#);
    a.validate_session(&token, T0 + 59 * SECOND)
        .unwrap()
        .unwrap();
    assert_eq!(last_used(), T0);
    a.validate_session(&token, T0 + MINUTE).unwrap().unwrap();
    assert_eq!(last_used(), T0 + MINUTE);
    a.validate_session(&token, T0 + MINUTE + 30 * SECOND)
        .unwrap()
        .unwrap();
    assert_eq!(last_used(), T0 + MINUTE);
}

#[test]
fn invalidate_list_and_sweep() {
    let (dir, a) = engine();
    let u = a.create_user("sweeper", &pw(GOOD_PW), T0).unwrap();
    let other = a.create_user("other-user", &pw(GOOD_PW), T0).unwrap();
    let (_, t1) = a.create_session(&u.id, true, T0).unwrap();
    let (_, t2) = a.create_session(&u.id, false, T0 + SECOND).unwrap();
    let (_, t3) = a.create_session(&other.id, true, T0).unwrap();
    let listed = a.list_user_sessions(&u.id, T0 + SECOND).unwrap();
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[0].id, session_id(&t2), "newest first");
    assert!(!listed[0].remember && listed[1].remember);

    a.invalidate_session(&t1).unwrap();
    assert_eq!(a.validate_session(&t1, T0).unwrap(), None);
    assert_eq!(a.invalidate_all_user_sessions(&u.id).unwrap(), 1);
    assert_eq!(a.validate_session(&t2, T0).unwrap(), None);
    assert!(a.validate_session(&t3, T0).unwrap().is_some());

    // Only dead sessions are swept.
    let (_, t4) = a.create_session(&u.id, true, T0 + 10 * DAY).unwrap();
    assert_eq!(a.delete_expired_sessions(T0 + 15 * DAY + 1).unwrap(), 1);
    assert!(a.validate_session(&t4, T0 + 11 * DAY).unwrap().is_some());
    assert_eq!(count(dir.path(), r#"SELECT count(*) FROM "session""#), 1);
    assert_eq!(
        code(a.create_session("no-such-user", true, T0)),
        "NOT_AUTHENTICATED"
    );
}

#[test]
fn deleting_a_user_cascades_to_sessions() {
    let (dir, a) = engine();
    let u = a.create_user("cascade", &pw(GOOD_PW), T0).unwrap();
    let (_, t) = a.create_session(&u.id, true, T0).unwrap();
    a.delete_user(&u.id, &pw(GOOD_PW), T0).unwrap();
    assert_eq!(a.validate_session(&t, T0).unwrap(), None);
    assert_eq!(count(dir.path(), r#"SELECT count(*) FROM "session""#), 0);
}

#[test]
fn throttling_waits_double_from_the_fifth_failure_and_survives_restart() {
    let (dir, a) = engine();
    a.create_user("target", &pw(GOOD_PW), T0).unwrap();
    let wrong = pw("not-the-password");
    for i in 0..5 {
        assert_eq!(
            code(a.verify_credentials("target", &wrong, T0 + i)),
            "INVALID_CREDENTIALS"
        );
    }
    let last = T0 + 4;
    assert_eq!(
        a.verify_credentials("target", &pw(GOOD_PW), last + 500),
        Err(AuthError::TooManyAttempts {
            retry_after_secs: 1
        })
    );
    // A restart does not reset the count.
    drop(a);
    let a = reopen(dir.path());
    assert_eq!(
        code(a.verify_credentials("target", &pw(GOOD_PW), last + 999)),
        "TOO_MANY_ATTEMPTS"
    );
    assert_eq!(
        code(a.verify_credentials("target", &wrong, last + 1000)),
        "INVALID_CREDENTIALS"
    );
    assert_eq!(
        a.verify_credentials("target", &pw(GOOD_PW), last + 1000),
        Err(AuthError::TooManyAttempts {
            retry_after_secs: 2
        })
    );
    // A success after the wait resets the count.
    assert_eq!(
        code(a.verify_credentials("target", &pw(GOOD_PW), last + 3000)),
        "OK"
    );
    assert_eq!(count(dir.path(), "SELECT count(*) FROM login_attempt"), 0);
}

#[test]
fn the_wait_is_capped_at_five_minutes() {
    let (dir, a) = engine();
    a.create_user("capped", &pw(GOOD_PW), T0).unwrap();
    let conn = rusqlite::Connection::open(dir.path().join("latchkey.db")).unwrap();
    conn.execute(
        "INSERT INTO login_attempt VALUES ('username:capped', 40, ?1)",
        [T0],
    )
    .unwrap();
    assert_eq!(
        a.verify_credentials("capped", &pw(GOOD_PW), T0),
        Err(AuthError::TooManyAttempts {
            retry_after_secs: 300
        })
    );
}

#[test]
fn unknown_users_cost_one_verification_and_are_throttled_alike() {
    let (_dir, a) = engine();
    a.create_user("realuser", &pw(GOOD_PW), T0).unwrap();
    let before = a.hasher().verifications();
    assert_eq!(
        code(a.verify_credentials("realuser", &pw("wrong-pw-1"), T0)),
        "INVALID_CREDENTIALS"
    );
    assert_eq!(a.hasher().verifications() - before, 1);
    let before = a.hasher().verifications();
    assert_eq!(
        code(a.verify_credentials("ghostuser", &pw("wrong-pw-1"), T0)),
        "INVALID_CREDENTIALS"
    );
    assert_eq!(
        a.hasher().verifications() - before,
        1,
        "unknown user must cost one verification"
    );

    for i in 1..5 {
        assert_eq!(
            code(a.verify_credentials("ghostuser", &pw("wrong-pw-1"), T0 + i)),
            "INVALID_CREDENTIALS"
        );
        assert_eq!(
            code(a.verify_credentials("realuser", &pw("wrong-pw-1"), T0 + i)),
            "INVALID_CREDENTIALS"
        );
    }
    let before = a.hasher().verifications();
    let ghost = a
        .verify_credentials("ghostuser", &pw("wrong-pw-1"), T0 + 100)
        .unwrap_err();
    let real = a
        .verify_credentials("realuser", &pw("wrong-pw-1"), T0 + 100)
        .unwrap_err();
    assert_eq!(
        ghost, real,
        "throttled answers must not tell the accounts apart"
    );
    assert_eq!(ghost.code(), "TOO_MANY_ATTEMPTS");
    assert_eq!(
        a.hasher().verifications(),
        before,
        "a throttled attempt runs no hash"
    );
}
