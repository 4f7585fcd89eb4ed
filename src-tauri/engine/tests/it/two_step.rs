//! Two-step sign-in: turned on only with a matching code, a code accepted once within one
//! step either side, wrong codes throttled with the sign-in counters, the half-done sign-in
//! good for five minutes, recovery codes in place of a code, and codes computed by an
//! independent implementation (Python's pyotp) accepted.
use crate::common::*;
use latchkey_engine::policy::totp::code_at;
use latchkey_engine::{Accounts, AuthError, SignInStep};

/// Signs `name` up and turns two-step sign-in on at `at`; returns the secret.
fn with_two_step(a: &Accounts, name: &str, at: i64) -> (String, Vec<u8>) {
    let signed = a.sign_up(name, &pw(GOOD_PW), false, at).unwrap();
    let setup = a.two_step_setup(&signed.user).unwrap();
    assert!(setup
        .uri
        .starts_with(&format!("otpauth://totp/Latchkey:{name}?secret=")));
    assert_eq!(
        code(a.enable_two_step(&signed.user.id, &pw(GOOD_PW), &setup.secret, "000000", at)),
        "INVALID_CODE",
        "not on without a matching code"
    );
    assert!(a
        .get_user(&signed.user.id)
        .unwrap()
        .unwrap()
        .two_step_since
        .is_none());
    let first = code_at(&setup.secret, at).unwrap();
    a.enable_two_step(&signed.user.id, &pw(GOOD_PW), &setup.secret, &first, at)
        .unwrap();
    assert_eq!(
        a.get_user(&signed.user.id).unwrap().unwrap().two_step_since,
        Some(at)
    );
    (signed.user.id, setup.secret.to_vec())
}

fn pending(a: &Accounts, name: &str, at: i64) -> latchkey_engine::PendingSignIn {
    match a.sign_in_steps(name, &pw(GOOD_PW), false, at).unwrap() {
        SignInStep::SecondFactor(p) => p,
        other => panic!("expected the second step, got {other:?}"),
    }
}

#[test]
fn a_code_is_needed_after_the_password_and_works_once_within_a_step_either_side() {
    let (dir, a) = engine();
    let t = T0 + 1000 * 30_000; // on a step boundary
    let (user_id, secret) = with_two_step(&a, "twostep", t);
    let sessions = count(dir.path(), r#"SELECT count(*) FROM "session""#);
    assert_eq!(
        code(a.sign_in("twostep", &pw(GOOD_PW), false, t)),
        "SECOND_FACTOR_REQUIRED"
    );
    assert_eq!(
        count(dir.path(), r#"SELECT count(*) FROM "session""#),
        sessions
    );
    assert_eq!(
        count(
            dir.path(),
            "SELECT count(*) FROM login_attempt WHERE failures > 0"
        ),
        0,
        "a right password is not counted as a failure"
    );

    // The code of the step before, now: accepted (clocks drift).
    let at = t + 60_000;
    let half = pending(&a, "twostep", at);
    let previous = code_at(&secret, at - 30_000).unwrap();
    let signed = a.finish_sign_in(&half, &previous, at).unwrap();
    assert_eq!(signed.user.id, user_id);
    // The same code again: refused (no replay), and counted.
    let again = pending(&a, "twostep", at + 1);
    assert_eq!(
        a.finish_sign_in(&again, &previous, at + 1).unwrap_err(),
        AuthError::InvalidCode
    );
    assert_eq!(
        count(
            dir.path(),
            "SELECT failures FROM login_attempt WHERE key_id NOT LIKE 'second-step:%'"
        ),
        1
    );
    // Two steps away: refused.
    let far = code_at(&secret, at + 90_000).unwrap();
    assert_eq!(code(a.finish_sign_in(&again, &far, at + 2)), "INVALID_CODE");
    // The next step's code: accepted.
    let next = code_at(&secret, at + 30_000).unwrap();
    a.finish_sign_in(&again, &next, at + 3).unwrap();
    assert_eq!(count(dir.path(), "SELECT count(*) FROM login_attempt"), 0);
}

#[test]
fn wrong_codes_are_throttled_and_the_half_done_sign_in_expires_after_five_minutes() {
    let (_dir, a) = engine();
    let t = T0 + 2000 * 30_000;
    let (_, secret) = with_two_step(&a, "patient", t);
    let half = pending(&a, "patient", t + 1);
    for i in 0..4 {
        assert_eq!(
            code(a.finish_sign_in(&half, "123456", t + 2 + i)),
            "INVALID_CODE"
        );
    }
    assert_eq!(
        code(a.finish_sign_in(&half, "654321", t + 10)),
        "INVALID_CODE"
    );
    let right = code_at(&secret, t + 20).unwrap();
    assert_eq!(
        code(a.finish_sign_in(&half, &right, t + 20)),
        "TOO_MANY_ATTEMPTS"
    );
    assert_eq!(
        code(a.finish_sign_in(&half, &right, t + 1 + 5 * MINUTE + 1)),
        "SECOND_FACTOR_EXPIRED"
    );
    // After the wait, the password and then (a few seconds later) the code.
    let fresh = pending(&a, "patient", t + 10 * MINUTE);
    let later = t + 10 * MINUTE + 5 * SECOND;
    let now_code = code_at(&secret, later).unwrap();
    assert_eq!(code(a.finish_sign_in(&fresh, &now_code, later)), "OK");
}

#[test]
fn a_recovery_code_can_stand_in_for_the_code_and_turning_off_needs_both() {
    let (_dir, a) = engine();
    let t = T0 + 3000 * 30_000;
    let signed = a.sign_up("phoneless", &pw(GOOD_PW), false, t).unwrap();
    let recovery: Vec<String> = signed
        .recovery_codes
        .as_ref()
        .unwrap()
        .expose()
        .map(str::to_owned)
        .collect();
    let setup = a.two_step_setup(&signed.user).unwrap();
    a.enable_two_step(
        &signed.user.id,
        &pw(GOOD_PW),
        &setup.secret,
        &code_at(&setup.secret, t).unwrap(),
        t,
    )
    .unwrap();
    let half = pending(&a, "phoneless", t + 40_000);
    a.finish_sign_in(&half, &recovery[0], t + 40_000).unwrap();
    assert_eq!(a.recovery_codes_left(&signed.user.id).unwrap(), 9);
    let half = pending(&a, "phoneless", t + 41_000);
    assert_eq!(
        code(a.finish_sign_in(&half, &recovery[0], t + 41_000)),
        "INVALID_CODE"
    );

    let current = code_at(&setup.secret, t + 120_000).unwrap();
    assert_eq!(
        code(a.disable_two_step(&signed.user.id, &pw("not-it"), &current, t + 120_000)),
        "INVALID_CREDENTIALS"
    );
    assert_eq!(
        code(a.disable_two_step(&signed.user.id, &pw(GOOD_PW), "000000", t + 121_000)),
        "INVALID_CODE"
    );
    a.disable_two_step(&signed.user.id, &pw(GOOD_PW), &current, t + 122_000)
        .unwrap();
    assert_eq!(
        code(a.sign_in("phoneless", &pw(GOOD_PW), false, t + 123_000)),
        "OK"
    );
}

#[test]
fn the_administrator_can_require_it_for_administrators_and_turn_it_off_for_a_member() {
    let (_dir, a) = engine();
    let t = T0 + 4000 * 30_000;
    let admin = a.sign_up("Admin", &pw(GOOD_PW), false, t).unwrap();
    let (member_id, _) = with_two_step(&a, "member", t);
    assert!(!a.two_step_setup_required(&admin.user).unwrap());
    a.admin_set_two_step_for_admins(&admin.session, true, Some(&pw(GOOD_PW)), t)
        .unwrap();
    assert!(a.two_step_setup_required(&admin.user).unwrap());
    let member = a.get_user(&member_id).unwrap().unwrap();
    assert!(
        !a.two_step_setup_required(&member).unwrap(),
        "members are not asked"
    );
    assert_eq!(
        code(a.admin_disable_two_step(&admin.session, &member_id, &pw("wrong-pw"), t)),
        "INVALID_CREDENTIALS"
    );
    a.admin_disable_two_step(&admin.session, &member_id, &pw(GOOD_PW), t)
        .unwrap();
    assert_eq!(code(a.sign_in("member", &pw(GOOD_PW), false, t + 1)), "OK");
}

/// A code computed by an independent implementation (Python's pyotp, Debian package
/// python3-pyotp, which `make test` installs) from the secret as the setup shows it.
#[test]
fn codes_from_pyotp_are_accepted() {
    let (_dir, a) = engine();
    let signed = a.sign_up("pyotp-user", &pw(GOOD_PW), false, T0).unwrap();
    let setup = a.two_step_setup(&signed.user).unwrap();
    let at = T0 + 5000 * 30_000 + 7_000;
    let script = "import sys, pyotp; print(pyotp.TOTP(sys.argv[1]).at(int(sys.argv[2])))";
    let python = ["/usr/bin/python3", "python3"]
        .into_iter()
        .find(|py| {
            std::process::Command::new(py)
                .args(["-c", "import pyotp"])
                .output()
                .is_ok_and(|o| o.status.success())
        })
        .expect("a python3 with pyotp (Debian: python3-pyotp, installed by make deps)");
    let out = std::process::Command::new(python)
        .args(["-c", script, &setup.base32, &(at / 1000).to_string()])
        .output()
        .unwrap();
    let pyotp_code = String::from_utf8(out.stdout).unwrap().trim().to_owned();
    assert_eq!(pyotp_code.len(), 6, "{pyotp_code}");
    a.enable_two_step(
        &signed.user.id,
        &pw(GOOD_PW),
        &setup.secret,
        &pyotp_code,
        at,
    )
    .unwrap();
    let uri_secret = setup
        .uri
        .split("secret=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap();
    assert_eq!(uri_secret, setup.base32.as_str());
}
