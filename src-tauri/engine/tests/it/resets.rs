//! The private space after resets and recoveries: a reset seals it until one of the
//! person's own recovery codes opens it (or they start over); codes are one-time for the
//! data too; a reset that leaves nothing to open the old key starts an empty space; a code
//! that cannot open the space turns two-step sign-in off.
use crate::common::*;
use crate::private_space::{key_of, raw};
use latchkey_engine::policy::totp::code_at;
use latchkey_engine::{Accounts, SecretKey, SignInStep};

#[test]
fn a_reset_seals_the_space_until_a_recovery_code_opens_it_or_the_person_starts_over() {
    let (_dir, a) = engine();
    let admin = a.sign_up("admin", &pw(GOOD_PW), false, T0).unwrap();
    let bea = a.sign_up("beatrix", &pw(GOOD_PW), false, T0).unwrap();
    let key = bea.data_key.unwrap();
    a.save_note(&bea.user.id, &key, None, "Secret", "recipe", T0)
        .unwrap();
    let codes: Vec<String> = bea
        .recovery_codes
        .unwrap()
        .expose()
        .map(str::to_owned)
        .collect();
    let temporary = reset(&a, &admin.session, &bea.user.id).unwrap();
    let signed = a
        .sign_in("beatrix", &pw(&temporary), false, T0 + 2)
        .unwrap();
    assert!(
        signed.data_key.is_none(),
        "sealed after a reset without escrow"
    );
    assert!(a.private_space_sealed(&bea.user.id).unwrap());
    a.change_password(
        &bea.user.id,
        &pw(&temporary),
        &pw("indigo-Meadow-77"),
        None,
        T0 + 3,
    )
    .unwrap();
    assert!(key_of_opt(&a, "beatrix", "indigo-Meadow-77", T0 + 4).is_none());
    // The codes no longer sign anyone in…
    assert_eq!(
        code(a.recover_with_code("beatrix", &codes[0], &pw("indigo-Meadow-88"), false, T0 + 5)),
        "INVALID_RECOVERY_CODE"
    );
    // …but one of them, with the current password, opens her own data.
    assert_eq!(
        code(a.unseal_private_space(
            &bea.user.id,
            "aaaa-bbbb-cccc-dddd",
            &pw("indigo-Meadow-77"),
            T0 + 6
        )),
        "INVALID_RECOVERY_CODE"
    );
    let (opened, fresh) = a
        .unseal_private_space(&bea.user.id, &codes[1], &pw("indigo-Meadow-77"), T0 + 7)
        .unwrap();
    assert!(opened == key);
    assert_eq!(fresh.expose().count(), 10);
    assert!(!a.private_space_sealed(&bea.user.id).unwrap());
    let again = key_of(&a, "beatrix", "indigo-Meadow-77", T0 + 8);
    assert_eq!(
        a.list_notes(&bea.user.id, &again, None).unwrap()[0].title,
        "Secret"
    );

    // Another reset; this time she starts over: the old notes are gone, a new key opens.
    let temporary = reset(&a, &admin.session, &bea.user.id).unwrap();
    a.sign_in("beatrix", &pw(&temporary), false, T0 + 9)
        .unwrap();
    assert_eq!(
        code(a.start_private_space_over(&bea.user.id, &pw(&temporary), false, T0 + 10)),
        "CONFIRMATION_REQUIRED"
    );
    let (new_key, _) = a
        .start_private_space_over(&bea.user.id, &pw(&temporary), true, T0 + 11)
        .unwrap();
    assert!(new_key != key);
    assert!(a
        .list_notes(&bea.user.id, &new_key, None)
        .unwrap()
        .is_empty());
}

fn key_of_opt(a: &Accounts, name: &str, password: &str, at: i64) -> Option<SecretKey> {
    a.sign_in(name, &pw(password), false, at).unwrap().data_key
}

/// Review finding: an account whose only wrapping was its password's (codes from before
/// the private space), reset by the administrator, got a new key at its next password while
/// its old notes stayed behind, so that its list failed with DATA_CORRUPTED for good.
#[test]
fn a_reset_that_leaves_nothing_to_open_the_old_key_starts_an_empty_space() {
    let (dir, a) = engine();
    let admin = a.sign_up("admin", &pw(GOOD_PW), false, T0).unwrap();
    let mut old = a.sign_up("oldtimer", &pw(GOOD_PW), false, T0).unwrap();
    let key = old.data_key.take().unwrap();
    a.save_note(&old.user.id, &key, None, "Lost", "with the key", T0)
        .unwrap();
    a.put_private_value(&old.user.id, &key, "v", "1", T0)
        .unwrap();
    // As if its codes predated the private space: no code wraps the key.
    raw(dir.path())
        .execute("DELETE FROM data_key_wrap WHERE kind = 'recovery'", [])
        .unwrap();
    let temporary = reset(&a, &admin.session, &old.user.id).unwrap();
    let fresh = a
        .sign_in("oldtimer", &pw(&temporary), false, T0 + 2)
        .unwrap()
        .data_key
        .expect("a new, empty space");
    assert!(fresh != key);
    assert!(a.list_notes(&old.user.id, &fresh, None).unwrap().is_empty());
    assert!(a
        .list_private_values(&old.user.id, &fresh)
        .unwrap()
        .is_empty());
}

/// Review findings: recovering with a code that does not open the space turned nothing
/// off, so two-step sign-in asked for codes that could no longer be checked; and a code
/// used as the second step still unwrapped the data key afterwards.
#[test]
fn codes_that_cannot_open_the_space_turn_two_step_off_and_used_codes_open_nothing() {
    let (dir, a) = engine();
    let admin = a.sign_up("admin", &pw(GOOD_PW), false, T0).unwrap();
    let carl = a.sign_up("carlton", &pw(GOOD_PW), false, T0).unwrap();
    let codes: Vec<String> = carl
        .recovery_codes
        .unwrap()
        .expose()
        .map(str::to_owned)
        .collect();
    let setup = a.two_step_setup(&carl.user).unwrap();
    let t = T0 + 60_000;
    a.enable_two_step(
        &carl.user.id,
        &pw(GOOD_PW),
        &setup.secret,
        &code_at(&setup.secret, t).unwrap(),
        t,
    )
    .unwrap();
    // A code used as the second step: it signs in once and opens nothing afterwards.
    let SignInStep::SecondFactor(pending) = a
        .sign_in_steps("carlton", &pw(GOOD_PW), false, t + 1)
        .unwrap()
    else {
        panic!("two-step is on")
    };
    assert!(a
        .finish_sign_in(&pending, &codes[0], t + 2)
        .unwrap()
        .data_key
        .is_some());
    let temporary = reset(&a, &admin.session, &carl.user.id).unwrap();
    a.sign_in("carlton", &pw(&temporary), false, t + 3).unwrap();
    assert_eq!(
        code(a.unseal_private_space(&carl.user.id, &codes[0], &pw(&temporary), t + 4)),
        "INVALID_RECOVERY_CODE"
    );
    a.unseal_private_space(&carl.user.id, &codes[1], &pw(&temporary), t + 5)
        .unwrap();

    // Now as if its codes predated the private space, with two-step on again.
    let setup = a
        .two_step_setup(&a.get_user(&carl.user.id).unwrap().unwrap())
        .unwrap();
    let t = t + 120_000;
    a.enable_two_step(
        &carl.user.id,
        &pw(&temporary),
        &setup.secret,
        &code_at(&setup.secret, t).unwrap(),
        t,
    )
    .unwrap();
    let fresh: Vec<String> = a
        .new_recovery_codes(&carl.user.id, &pw(&temporary), t + 1)
        .unwrap()
        .expose()
        .map(str::to_owned)
        .collect();
    assert!(a.recovery_codes_open_space(&carl.user.id).unwrap());
    raw(dir.path())
        .execute("DELETE FROM data_key_wrap WHERE kind = 'recovery'", [])
        .unwrap();
    assert!(!a.recovery_codes_open_space(&carl.user.id).unwrap());
    let signed = a
        .recover_with_code("carlton", &fresh[0], &pw("indigo-Meadow-77"), false, t + 2)
        .unwrap();
    assert!(signed.data_key.is_none(), "sealed: the code opens nothing");
    assert!(
        signed.user.two_step_since.is_none(),
        "two-step sign-in is off: its secret is sealed in a space nothing opens now"
    );
    assert!(matches!(
        a.sign_in_steps("carlton", &pw("indigo-Meadow-77"), false, t + 3)
            .unwrap(),
        SignInStep::Done(_)
    ));
}

/// Review finding: after a reset, the codes made with the forced password change do not
/// open the sealed space (the codes from before the reset do), and the status said they did.
#[test]
fn after_a_reset_the_new_codes_are_said_not_to_open_the_space_until_it_is_unsealed() {
    let (_dir, a) = engine();
    let admin = a.sign_up("admin", &pw(GOOD_PW), false, T0).unwrap();
    let dana = a.sign_up("danaher", &pw(GOOD_PW), false, T0).unwrap();
    let codes: Vec<String> = dana
        .recovery_codes
        .unwrap()
        .expose()
        .map(str::to_owned)
        .collect();
    assert!(a.recovery_codes_open_space(&dana.user.id).unwrap());
    let temporary = reset(&a, &admin.session, &dana.user.id).unwrap();
    a.change_password(
        &dana.user.id,
        &pw(&temporary),
        &pw("indigo-Meadow-77"),
        None,
        T0 + 2,
    )
    .unwrap();
    assert!(!a.recovery_codes_open_space(&dana.user.id).unwrap());
    a.unseal_private_space(&dana.user.id, &codes[3], &pw("indigo-Meadow-77"), T0 + 3)
        .unwrap();
    assert!(a.recovery_codes_open_space(&dana.user.id).unwrap());
}
