//! Races an attacker sharing the computer could start: many guesses at once past the
//! throttle, and sign-ins with an old password racing its change or an administrator's
//! reset.

use crate::common::*;
use latchkey_engine::{Accounts, Config};
use std::sync::{Arc, Barrier};

const WRONG: &str = "Wrong-Guess-000";
/// Runs `attempt` on 32 threads released together and tallies the answers' codes.
fn thirty_two_at_once(
    a: &Arc<Accounts>,
    attempt: impl Fn(&Accounts) -> &'static str + Send + Sync + 'static,
) -> Vec<&'static str> {
    let barrier = Arc::new(Barrier::new(32));
    let attempt = Arc::new(attempt);
    let threads: Vec<_> = (0..32)
        .map(|_| {
            let (a, barrier, attempt) = (a.clone(), barrier.clone(), attempt.clone());
            std::thread::spawn(move || {
                barrier.wait();
                attempt(&a)
            })
        })
        .collect();
    threads.into_iter().map(|t| t.join().unwrap()).collect()
}

fn tally(codes: &[&str], code: &str) -> usize {
    codes.iter().filter(|c| **c == code).count()
}

/// Four failures are on record; 32 wrong attempts arrive at once through each path that
/// checks a password. Exactly one may be verified (and counted); the others must wait.
#[test]
fn parallel_guesses_get_one_verification_on_every_password_path() {
    type Path = fn(&Accounts, &str, &str) -> &'static str;
    let paths: [(&str, Path); 4] = [
        ("sign-in", |a, _, pw| {
            code(a.verify_credentials("victim", &pw_of(pw), T0 + 10))
        }),
        ("change password", |a, id, pw| {
            code(a.change_password(id, &pw_of(pw), &pw_of("Brand-New-Pass-1"), None, T0 + 10))
        }),
        ("delete account", |a, id, pw| {
            code(a.delete_user(id, &pw_of(pw), T0 + 10))
        }),
        ("administrator re-authentication", |a, _, pw| {
            let session = a.list_user_sessions(&a.get_user_id("victim"), T0).unwrap()[0].clone();
            code(a.authorize_admin(&session, Some(&pw_of(pw)), T0 + 10 + 10 * MINUTE))
        }),
    ];
    for (name, attempt) in paths {
        let dir = temp_dir();
        let a = Arc::new(Accounts::open(dir.path(), Config::default()).unwrap());
        let id = a.sign_up("victim", &pw(GOOD_PW), true, T0).unwrap().user.id;
        for i in 0..4 {
            let _ = a.verify_credentials("victim", &pw(WRONG), T0 + i);
        }
        let before = a.hasher().verifications();
        let codes = thirty_two_at_once(&a, move |a| attempt(a, &id, WRONG));
        assert_eq!(tally(&codes, "INVALID_CREDENTIALS"), 1, "{name}: {codes:?}");
        assert_eq!(tally(&codes, "TOO_MANY_ATTEMPTS"), 31, "{name}: {codes:?}");
        assert_eq!(a.hasher().verifications() - before, 1, "{name}: hashes run");
    }
}

fn pw_of(s: &str) -> latchkey_engine::Password {
    pw(s)
}

trait UserIdByName {
    fn get_user_id(&self, name: &str) -> String;
}

impl UserIdByName for Accounts {
    fn get_user_id(&self, name: &str) -> String {
        let conn = rusqlite::Connection::open(self.database().path()).unwrap();
        conn.query_row(
            r#"SELECT id FROM "user" WHERE username = ?1"#,
            [name],
            |r| r.get(0),
        )
        .unwrap()
    }
}

/// Hashing cost high enough that a sign-in and a password change overlap, low enough for
/// 500 rounds.
fn racing_config() -> Config {
    cheap_config(2048)
}

/// Sign-ins with the old password race a password change, 500 times: whenever the change
/// succeeded, no session made with the old password may remain.
#[test]
fn a_sign_in_racing_a_password_change_leaves_no_old_session() {
    let dir = temp_dir();
    let a = Arc::new(Accounts::open(dir.path(), racing_config()).unwrap());
    let mut old = format!("{GOOD_PW}-0");
    let id = a.sign_up("racer", &pw(&old), false, T0).unwrap().user.id;
    let mut survived = 0;
    for round in 1..=500 {
        let new = format!("{GOOD_PW}-{round}");
        let barrier = Arc::new(Barrier::new(2));
        let signer = {
            let (a, barrier, old) = (a.clone(), barrier.clone(), old.clone());
            std::thread::spawn(move || {
                barrier.wait();
                a.sign_in("racer", &pw(&old), true, T0 + 1).ok()
            })
        };
        barrier.wait();
        let changed = a
            .change_password(&id, &pw(&old), &pw(&new), None, T0 + 1)
            .is_ok();
        let signed = signer.join().unwrap();
        clear_attempts(dir.path());
        if changed {
            if let Some(signed) = signed {
                if a.validate_session(&signed.token, T0 + 2).unwrap().is_some() {
                    survived += 1;
                }
            }
            old = new;
        }
    }
    assert_eq!(
        survived, 0,
        "sessions made with the old password outlived the change"
    );
}

/// The same race against an administrator's reset.
#[test]
fn a_sign_in_racing_an_administrator_reset_leaves_no_old_session() {
    let dir = temp_dir();
    let a = Arc::new(Accounts::open(dir.path(), racing_config()).unwrap());
    a.sign_up("boss", &pw(GOOD_PW), true, T0).unwrap();
    let member = a
        .sign_up("member", &pw(GOOD_PW), false, T0)
        .unwrap()
        .user
        .id;
    let mut password = GOOD_PW.to_owned();
    let mut survived = 0;
    for _ in 0..500 {
        let admin = a
            .sign_in("boss", &pw(GOOD_PW), false, T0 + 1)
            .unwrap()
            .session;
        let barrier = Arc::new(Barrier::new(2));
        let signer = {
            let (a, barrier, password) = (a.clone(), barrier.clone(), password.clone());
            std::thread::spawn(move || {
                barrier.wait();
                a.sign_in("member", &pw(&password), true, T0 + 1).ok()
            })
        };
        barrier.wait();
        let temporary = reset(&a, &admin, &member);
        let signed = signer.join().unwrap();
        clear_attempts(dir.path());
        if let Some(temporary) = temporary {
            if let Some(signed) = signed {
                if a.validate_session(&signed.token, T0 + 2).unwrap().is_some() {
                    survived += 1;
                }
            }
            password = temporary;
        }
        a.invalidate_session_id(&admin.id).unwrap();
    }
    assert_eq!(
        survived, 0,
        "sessions made with the old password outlived the reset"
    );
}
