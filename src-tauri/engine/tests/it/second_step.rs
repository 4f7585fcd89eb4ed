//! What an independent review found in the second step and the recovery codes, each with a
//! test that failed before the fix: a right password that made its owner's code wait,
//! codes guessed around the owner, two-step turned on without the password or over an
//! existing secret, accounts left with no recovery code, overlong codes, the warning after
//! someone else's password-right sign-in, and the last resort of a sole administrator.
use crate::common::*;
use latchkey_engine::policy::throttle::{self, HARD_STOP_FAILURES};
use latchkey_engine::policy::totp::code_at;
use latchkey_engine::{Accounts, PendingSignIn, SignInStep};

/// Signs `name` up with two-step sign-in on at `at`; returns the secret and the codes.
fn with_two_step(a: &Accounts, name: &str, at: i64) -> (Vec<u8>, Vec<String>) {
    let signed = a.sign_up(name, &pw(GOOD_PW), false, at).unwrap();
    let setup = a.two_step_setup(&signed.user).unwrap();
    let first = code_at(&setup.secret, at).unwrap();
    a.enable_two_step(&signed.user.id, &pw(GOOD_PW), &setup.secret, &first, at)
        .unwrap();
    let codes = signed
        .recovery_codes
        .as_ref()
        .unwrap()
        .expose()
        .map(str::to_owned)
        .collect();
    (setup.secret.to_vec(), codes)
}

fn pending(a: &Accounts, name: &str, at: i64) -> PendingSignIn {
    match a.sign_in_steps(name, &pw(GOOD_PW), false, at).unwrap() {
        SignInStep::SecondFactor(p) => p,
        other => panic!("expected the second step, got {other:?}"),
    }
}

/// `failures` wrong passwords for `name`, each as soon as the throttle allows it, from
/// `start`; returns when the next attempt is allowed.
fn wrong_passwords(a: &Accounts, name: &str, failures: u32, start: i64) -> i64 {
    let mut at = start;
    for n in 0..failures {
        assert_eq!(
            code(a.verify_credentials(name, &pw("Wrong-Guess-1"), at)),
            "INVALID_CREDENTIALS",
            "failure {n}"
        );
        at += throttle::wait_after(n + 1) + 1;
    }
    at
}

/// Hole 1: at 14 failures and more, the right password stamped a failure time that the
/// code step then had to wait five minutes for — exactly when the half-done sign-in
/// expires, so the owner could never get in.
#[test]
fn the_owner_signs_in_with_password_and_code_after_14_and_20_failures() {
    for failures in [14, 20] {
        let (_dir, a) = engine();
        let t = T0 + 1000 * 30_000;
        let (secret, _) = with_two_step(&a, "owner", t);
        let allowed = wrong_passwords(&a, "owner", failures, t + 60_000);
        let half = pending(&a, "owner", allowed);
        let later = allowed + 20 * SECOND;
        let right = code_at(&secret, later).unwrap();
        assert_eq!(
            code(a.finish_sign_in(&half, &right, later)),
            "OK",
            "after {failures} failures"
        );
    }
}

/// The code step has its own counter: a stranger's wrong password between the owner's
/// password and code does not make the owner's code wait.
#[test]
fn a_stranger_guessing_passwords_meanwhile_does_not_make_the_owners_code_wait() {
    let (_dir, a) = engine();
    let t = T0 + 2000 * 30_000;
    let (secret, _) = with_two_step(&a, "owner", t);
    let allowed = wrong_passwords(&a, "owner", 14, t + 60_000);
    let half = pending(&a, "owner", allowed);
    // The stranger's next guess is allowed a wait after the last failure: now.
    let stranger = allowed + 5 * SECOND;
    assert_eq!(
        code(a.verify_credentials("owner", &pw("Wrong-Guess-2"), stranger)),
        "INVALID_CREDENTIALS"
    );
    let later = stranger + 5 * SECOND;
    let right = code_at(&secret, later).unwrap();
    assert_eq!(code(a.finish_sign_in(&half, &right, later)), "OK");
}

/// Wrong codes are still throttled (on their own counter) and still count toward the hard
/// stop.
#[test]
fn wrong_codes_wait_on_their_own_counter_and_count_toward_the_hard_stop() {
    let (dir, a) = engine();
    let t = T0 + 3000 * 30_000;
    with_two_step(&a, "guessed", t);
    let half = pending(&a, "guessed", t + 1);
    for i in 0..5 {
        assert_eq!(
            code(a.finish_sign_in(&half, "123456", t + 2 + i)),
            "INVALID_CODE"
        );
    }
    assert_eq!(
        code(a.finish_sign_in(&half, "123456", t + 10)),
        "TOO_MANY_ATTEMPTS"
    );
    let shared = "SELECT failures FROM login_attempt WHERE key_id NOT LIKE 'second-step:%'";
    assert_eq!(count(dir.path(), shared), 5);
}

/// Hole 6: turning two-step on needs the password, and a second secret cannot replace the
/// first (someone at a profile left open would bind their own phone).
#[test]
fn turning_two_step_on_needs_the_password_and_is_refused_while_it_is_on() {
    let (_dir, a) = engine();
    let t = T0 + 4000 * 30_000;
    let signed = a.sign_up("careful", &pw(GOOD_PW), false, t).unwrap();
    let setup = a.two_step_setup(&signed.user).unwrap();
    let first = code_at(&setup.secret, t).unwrap();
    assert_eq!(
        code(a.enable_two_step(
            &signed.user.id,
            &pw("not-my-password"),
            &setup.secret,
            &first,
            t
        )),
        "INVALID_CREDENTIALS"
    );
    assert!(a
        .get_user(&signed.user.id)
        .unwrap()
        .unwrap()
        .two_step_since
        .is_none());
    a.enable_two_step(&signed.user.id, &pw(GOOD_PW), &setup.secret, &first, t + 1)
        .unwrap();
    let user = a.get_user(&signed.user.id).unwrap().unwrap();
    assert_eq!(code(a.two_step_setup(&user)), "TWO_STEP_ALREADY_ON");
    let intruder = [7u8; 20];
    let theirs = code_at(&intruder, t + 60_000).unwrap();
    assert_eq!(
        code(a.enable_two_step(
            &signed.user.id,
            &pw(GOOD_PW),
            &intruder,
            &theirs,
            t + 60_000
        )),
        "TWO_STEP_ALREADY_ON"
    );
    // The owner's own app still works; the intruder's does not.
    let at = t + 120_000;
    let half = pending(&a, "careful", at);
    let intruders_code = code_at(&intruder, at).unwrap();
    assert_eq!(
        code(a.finish_sign_in(&half, &intruders_code, at)),
        "INVALID_CODE"
    );
    let owners = code_at(&setup.secret, at).unwrap();
    assert_eq!(code(a.finish_sign_in(&half, &owners, at + 1)), "OK");
}

/// Hole 7: codes used as the second step, or to turn two-step off, could use up every
/// code; the last one now brings a new set, to show once.
#[test]
fn the_last_recovery_code_used_as_a_second_step_or_to_turn_two_step_off_brings_a_new_set() {
    let (_dir, a) = engine();
    let t = T0 + 5000 * 30_000;
    let (_, codes) = with_two_step(&a, "phoneless", t);
    let mut id = String::new();
    for (i, c) in codes.iter().enumerate() {
        let at = t + 60_000 + i as i64 * SECOND;
        let signed = a
            .finish_sign_in(&pending(&a, "phoneless", at), c, at)
            .unwrap();
        id = signed.user.id.clone();
        assert_eq!(
            signed.recovery_codes.is_some(),
            i == codes.len() - 1,
            "code {i}"
        );
    }
    assert_eq!(a.recovery_codes_left(&id).unwrap(), 10);

    // Turning two-step off with the last code of a set.
    let fresh = a
        .new_recovery_codes(&id, &pw(GOOD_PW), t + 100_000)
        .unwrap()
        .expose()
        .map(str::to_owned)
        .collect::<Vec<_>>();
    for (i, c) in fresh.iter().take(9).enumerate() {
        let at = t + 110_000 + i as i64 * SECOND;
        a.finish_sign_in(&pending(&a, "phoneless", at), c, at)
            .unwrap();
    }
    let renewed = a
        .disable_two_step(&id, &pw(GOOD_PW), &fresh[9], t + 130_000)
        .unwrap();
    assert_eq!(renewed.map(|c| c.len()), Some(10));
    assert_eq!(a.recovery_codes_left(&id).unwrap(), 10);
}

/// Codes are refused over 64 characters before they are normalised or counted.
#[test]
fn codes_over_64_characters_are_refused_before_anything_is_counted() {
    let (dir, a) = engine();
    let t = T0 + 6000 * 30_000;
    with_two_step(&a, "longcode", t);
    let long = "1".repeat(65);
    let half = pending(&a, "longcode", t + 1);
    assert_eq!(code(a.finish_sign_in(&half, &long, t + 2)), "INVALID_CODE");
    let recovery = "a".repeat(200);
    assert_eq!(
        code(a.recover_with_code(
            "longcode",
            &recovery,
            &pw("Brand-New-Start-8"),
            false,
            t + 3
        )),
        "INVALID_RECOVERY_CODE"
    );
    assert_eq!(count(dir.path(), "SELECT count(*) FROM login_attempt"), 0);
}

/// After someone entered the password but failed the code (three times, in sign-ins that
/// never finished), the owner's next sign-in carries the warning; the owner's own typo in
/// the sign-in that succeeds does not.
#[test]
fn wrong_codes_after_a_right_password_warn_the_owner_at_the_next_sign_in() {
    let (_dir, a) = engine();
    let t = T0 + 7000 * 30_000;
    let (secret, _) = with_two_step(&a, "warned", t);
    let own = pending(&a, "warned", t + MINUTE);
    let typo = a.finish_sign_in(&own, "111111", t + MINUTE + 1);
    assert_eq!(code(typo), "INVALID_CODE");
    let right = code_at(&secret, t + MINUTE + 2).unwrap();
    let signed = a.finish_sign_in(&own, &right, t + MINUTE + 2).unwrap();
    assert!(!signed.second_step_warning, "the owner's own typo");

    let at = t + 3 * MINUTE;
    let theirs = pending(&a, "warned", at);
    for i in 0..3 {
        assert_eq!(
            code(a.finish_sign_in(&theirs, "222222", at + 1 + i)),
            "INVALID_CODE"
        );
    }
    let later = at + 10 * MINUTE;
    let owner = pending(&a, "warned", later);
    let right = code_at(&secret, later).unwrap();
    assert!(
        a.finish_sign_in(&owner, &right, later)
            .unwrap()
            .second_step_warning
    );
    let next = later + MINUTE;
    let again = pending(&a, "warned", next);
    let right = code_at(&secret, next).unwrap();
    assert!(
        !a.finish_sign_in(&again, &right, next)
            .unwrap()
            .second_step_warning
    );
}

/// The last resort: a sole administrator past the hard stop, with two-step on and no codes
/// left, gets back in from the OS account's shell; it is in the log.
#[test]
fn a_sole_administrator_locked_out_for_good_gets_back_from_the_shell() {
    let (_dir, a) = engine();
    let t = T0 + 8000 * 30_000;
    with_two_step(&a, "Admin", t);
    a.sign_up("member", &pw(GOOD_PW), false, t).unwrap();
    let mut at = t + DAY;
    for _ in 0..HARD_STOP_FAILURES {
        let _ = a.verify_credentials("Admin", &pw("Wrong-Guess-1"), at);
        at += DAY;
    }
    assert_eq!(
        code(a.verify_credentials("Admin", &pw(GOOD_PW), at)),
        "ACCOUNT_LOCKED"
    );
    assert_eq!(
        code(a.reset_administrator_from_shell("member", at)),
        "FORBIDDEN"
    );
    assert_eq!(
        code(a.reset_administrator_from_shell("nobody", at)),
        "ACCOUNT_NOT_FOUND"
    );
    let temporary = a.reset_administrator_from_shell("admin", at).unwrap();
    let signed = a.sign_in("Admin", &temporary, false, at + 1).unwrap();
    assert!(signed.user.must_change_password);
    assert!(signed.user.two_step_since.is_none());
    let events = a.recent_events(3).unwrap();
    assert!(events
        .iter()
        .any(|e| e.kind == "shell-reset" && e.username.as_deref() == Some("Admin")));
}
