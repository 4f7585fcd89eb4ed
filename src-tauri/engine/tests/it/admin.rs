//! Account management on a shared computer: roles, administrator actions and their
//! permission checks, banners, recent accounts and the audit log.
use crate::common::*;
use latchkey_engine::admin::REAUTH_WINDOW_MS;
use latchkey_engine::{Accounts, AuthError, Role, Session};

fn signed_in(a: &Accounts, name: &str, at: i64) -> Session {
    a.sign_in(name, &pw(GOOD_PW), true, at).unwrap().session
}

fn two_accounts() -> (tempfile::TempDir, Accounts, Session, Session) {
    let (dir, a) = engine();
    let admin = a.sign_up("Admin", &pw(GOOD_PW), true, T0).unwrap();
    let member = a.sign_up("member", &pw(GOOD_PW), true, T0 + 1).unwrap();
    assert_eq!(admin.user.role, Role::Admin);
    assert_eq!(member.user.role, Role::Member);
    (dir, a, admin.session, member.session)
}

#[test]
fn the_first_account_is_the_administrator() {
    let (_dir, a, admin, member) = two_accounts();
    assert_eq!(
        a.get_user(&admin.user_id).unwrap().unwrap().role,
        Role::Admin
    );
    assert_eq!(
        a.get_user(&member.user_id).unwrap().unwrap().role,
        Role::Member
    );
}

#[test]
fn members_are_forbidden_every_administrator_action() {
    let (_dir, a, admin, member) = two_accounts();
    let p = pw(GOOD_PW);
    assert_eq!(
        a.admin_list_accounts(&member, Some(&p), T0),
        Err(AuthError::Forbidden)
    );
    assert_eq!(
        a.admin_reset_password(&member, &admin.user_id, &p, T0)
            .unwrap_err(),
        AuthError::Forbidden
    );
    assert_eq!(
        a.admin_unlock(&member, &admin.user_id, Some(&p), T0),
        Err(AuthError::Forbidden)
    );
    assert_eq!(
        a.admin_delete_account(&member, &admin.user_id, &p, T0),
        Err(AuthError::Forbidden)
    );
    assert_eq!(
        a.admin_events(&member, Some(&p), T0, 10),
        Err(AuthError::Forbidden)
    );
    assert!(a.get_user(&admin.user_id).unwrap().is_some());
}

#[test]
fn administrator_actions_need_the_password_again_after_five_minutes() {
    let (_dir, a, admin, _member) = two_accounts();
    // Signing in opens no window: the password is entered for an administrator action.
    assert_eq!(
        a.admin_list_accounts(&admin, None, T0),
        Err(AuthError::ReauthRequired)
    );
    a.admin_list_accounts(&admin, Some(&pw(GOOD_PW)), T0)
        .unwrap();
    assert_eq!(
        a.admin_list_accounts(&admin, None, T0 + REAUTH_WINDOW_MS)
            .unwrap()
            .len(),
        2
    );
    let later = T0 + REAUTH_WINDOW_MS + 1;
    assert_eq!(
        a.admin_list_accounts(&admin, None, later),
        Err(AuthError::ReauthRequired)
    );
    assert_eq!(
        a.admin_list_accounts(&admin, Some(&pw("wrong-password")), later),
        Err(AuthError::InvalidCredentials)
    );
    assert_eq!(
        a.admin_list_accounts(&admin, Some(&pw(GOOD_PW)), later)
            .unwrap()
            .len(),
        2
    );
    // The password restarts the window.
    assert!(a
        .admin_list_accounts(&admin, None, later + REAUTH_WINDOW_MS)
        .is_ok());
    assert_eq!(
        a.admin_list_accounts(&admin, None, later + REAUTH_WINDOW_MS + 1),
        Err(AuthError::ReauthRequired)
    );
}

#[test]
fn a_reset_gives_a_temporary_password_that_must_be_changed() {
    let (dir, a, admin, member) = two_accounts();
    let temporary = a
        .admin_reset_password(&admin, &member.user_id, &pw(GOOD_PW), T0 + 10)
        .unwrap();
    assert_eq!(temporary.expose().len(), 19, "four groups of four");
    assert_eq!(
        count(
            dir.path(),
            &format!(
                r#"SELECT count(*) FROM "session" WHERE user_id = '{}'"#,
                member.user_id
            )
        ),
        0
    );
    assert_eq!(
        code(a.verify_credentials("member", &pw(GOOD_PW), T0 + 20)),
        "INVALID_CREDENTIALS"
    );
    let signed = a.sign_in("member", &temporary, false, T0 + 30).unwrap();
    assert!(signed.user.must_change_password);
    let same = a.change_password(
        &member.user_id,
        &temporary,
        &temporary,
        Some(&signed.session.id),
        T0 + 40,
    );
    assert_eq!(code(same), "WEAK_PASSWORD");
    a.change_password(
        &member.user_id,
        &temporary,
        &pw("my-own-Choice-5"),
        Some(&signed.session.id),
        T0 + 50,
    )
    .unwrap();
    assert!(
        !a.get_user(&member.user_id)
            .unwrap()
            .unwrap()
            .must_change_password
    );
    assert!(
        a.validate_session(&signed.token, T0 + 60)
            .unwrap()
            .is_some(),
        "the current session is kept"
    );
    assert_eq!(
        a.admin_reset_password(&admin, &admin.user_id, &pw(GOOD_PW), T0)
            .unwrap_err(),
        AuthError::CannotTargetSelf
    );
    assert_eq!(
        code(a.admin_reset_password(&admin, "no-such-user", &pw(GOOD_PW), T0)),
        "ACCOUNT_NOT_FOUND"
    );
}

#[test]
fn unlocking_lets_a_throttled_account_try_at_once() {
    let (_dir, a, admin, member) = two_accounts();
    for i in 0..6 {
        let _ = a.verify_credentials("member", &pw("wrong-password"), T0 + i);
    }
    assert_eq!(
        code(a.verify_credentials("member", &pw(GOOD_PW), T0 + 10)),
        "TOO_MANY_ATTEMPTS"
    );
    let listed = a
        .admin_list_accounts(&admin, Some(&pw(GOOD_PW)), T0 + 10)
        .unwrap();
    let row = listed.iter().find(|r| r.user_id == member.user_id).unwrap();
    assert_eq!(
        row.failed_attempts, 5,
        "the sixth attempt was throttled, not counted"
    );
    assert!(row.locked_for_secs.is_some());
    a.admin_unlock(&admin, &member.user_id, None, T0 + 10)
        .unwrap();
    assert_eq!(
        code(a.verify_credentials("member", &pw(GOOD_PW), T0 + 11)),
        "OK"
    );
}

#[test]
fn deleting_another_account_always_needs_the_administrator_password() {
    let (dir, a, admin, member) = two_accounts();
    assert_eq!(
        a.admin_delete_account(&admin, &member.user_id, &pw("wrong-one"), T0),
        Err(AuthError::InvalidCredentials)
    );
    assert!(a.get_user(&member.user_id).unwrap().is_some());
    assert_eq!(
        a.admin_delete_account(&admin, &admin.user_id, &pw(GOOD_PW), T0),
        Err(AuthError::CannotTargetSelf)
    );
    a.admin_delete_account(&admin, &member.user_id, &pw(GOOD_PW), T0)
        .unwrap();
    assert_eq!(a.get_user(&member.user_id).unwrap(), None);
    assert_eq!(count(dir.path(), r#"SELECT count(*) FROM "session""#), 1);
    assert_eq!(
        code(a.admin_delete_account(&admin, &member.user_id, &pw(GOOD_PW), T0)),
        "ACCOUNT_NOT_FOUND"
    );
}

#[test]
fn the_last_administrator_cannot_leave_others_without_one() {
    let (_dir, a, admin, member) = two_accounts();
    assert_eq!(
        a.delete_user(&admin.user_id, &pw(GOOD_PW), T0),
        Err(AuthError::LastAdministrator)
    );
    a.delete_user(&member.user_id, &pw(GOOD_PW), T0).unwrap();
    a.delete_user(&admin.user_id, &pw(GOOD_PW), T0).unwrap();
    // The next account on the now-empty computer is its administrator.
    assert_eq!(
        a.create_user("newcomer", &pw(GOOD_PW), T0).unwrap().role,
        Role::Admin
    );
}

#[test]
fn the_banner_knows_the_previous_visit_and_failures_since() {
    let (_dir, a) = engine();
    let first = a.sign_up("visitor", &pw(GOOD_PW), true, T0).unwrap();
    assert_eq!(first.user.previous_login_at, None);
    for i in 0..3 {
        let _ = a.verify_credentials("visitor", &pw("nope-nope-nope"), T0 + DAY + i);
    }
    let second = a
        .sign_in("visitor", &pw(GOOD_PW), true, T0 + 2 * DAY)
        .unwrap();
    assert_eq!(second.user.previous_login_at, Some(T0));
    assert_eq!(second.user.failures_before_login, 3);
    let third = a
        .sign_in("visitor", &pw(GOOD_PW), true, T0 + 3 * DAY)
        .unwrap();
    assert_eq!(third.user.previous_login_at, Some(T0 + 2 * DAY));
    assert_eq!(third.user.failures_before_login, 0);
}

#[test]
fn recent_accounts_are_per_os_user_newest_first_at_most_eight() {
    let (dir, a) = engine();
    for i in 0..10 {
        a.sign_up(&format!("person-{i}"), &pw(GOOD_PW), false, T0 + i)
            .unwrap();
    }
    signed_in(&a, "person-0", T0 + 100);
    let recent = a.recent_accounts().unwrap();
    assert_eq!(recent.len(), 8);
    assert_eq!(recent[0], "person-0");
    assert_eq!(recent[1], "person-9");
    assert!(!recent.contains(&"person-1".to_string()));

    let other = Accounts::open(dir.path(), Default::default())
        .unwrap()
        .with_os_user("someone-else");
    assert!(
        other.recent_accounts().unwrap().is_empty(),
        "another OS account has its own list"
    );

    a.forget_recent("PERSON-0").unwrap();
    assert_eq!(a.recent_accounts().unwrap()[0], "person-9");
    let nine = a
        .verify_credentials("person-9", &pw(GOOD_PW), T0 + 200)
        .unwrap();
    a.delete_user(&nine, &pw(GOOD_PW), T0 + 300)
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert!(!a
        .recent_accounts()
        .unwrap()
        .contains(&"person-9".to_string()));
    let no_secrets = count(
        dir.path(),
        "SELECT count(*) FROM recent_account WHERE key_id NOT LIKE 'username:%'",
    );
    assert_eq!(no_secrets, 0);
}

#[test]
fn the_audit_log_records_what_happened_and_never_secrets() {
    let (dir, a, admin, member) = two_accounts();
    let _ = a.verify_credentials("Member", &pw("Wrong-Canary-77"), T0 + 5);
    let signed = a.sign_in("member", &pw(GOOD_PW), true, T0 + 6).unwrap();
    a.sign_out(&signed.token, T0 + 7).unwrap();
    a.admin_reset_password(&admin, &member.user_id, &pw(GOOD_PW), T0 + 8)
        .unwrap();
    a.admin_unlock(&admin, &member.user_id, None, T0 + 9)
        .unwrap();
    a.admin_delete_account(&admin, &member.user_id, &pw(GOOD_PW), T0 + 10)
        .unwrap();
    let events = a.admin_events(&admin, None, T0 + 11, 100).unwrap();
    let kinds: Vec<&str> = events.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "account-deleted",
            "unlocked",
            "password-reset",
            "sign-out",
            "sign-in",
            "sign-in-failed",
            "sign-up",
            "sign-up"
        ]
    );
    assert_eq!(
        events[5].username.as_deref(),
        Some("member"),
        "failures record the normalized name"
    );
    assert_eq!(events[0].actor.as_deref(), Some("Admin"));
    let conn = rusqlite::Connection::open(dir.path().join("latchkey.db")).unwrap();
    let dump: String = conn
        .query_row(
            "SELECT group_concat(kind || username || coalesce(actor, ''), ' ') FROM auth_event",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(
        !dump.contains("Wrong-Canary-77")
            && !dump.contains(GOOD_PW)
            && !dump.contains(signed.token.expose())
    );
}

#[test]
fn old_and_excess_events_are_pruned() {
    let (dir, a) = engine();
    let conn = rusqlite::Connection::open(dir.path().join("latchkey.db")).unwrap();
    conn.execute_batch("BEGIN").unwrap();
    for i in 0..10_050i64 {
        conn.execute(
            "INSERT INTO auth_event (at, kind) VALUES (?1, 'sign-in')",
            [T0 + i],
        )
        .unwrap();
    }
    conn.execute(
        "INSERT INTO auth_event (at, kind) VALUES (?1, 'sign-in')",
        [T0 - 91 * DAY],
    )
    .unwrap();
    conn.execute_batch("COMMIT").unwrap();
    let removed = a.prune_events(T0 + 20_000).unwrap();
    assert_eq!(removed, 51);
    assert_eq!(count(dir.path(), "SELECT count(*) FROM auth_event"), 10_000);
    assert_eq!(count(dir.path(), "SELECT min(at) FROM auth_event"), T0 + 50);
}
