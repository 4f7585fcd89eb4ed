//! The private space: the data key opens for the password (one argon2id computation per
//! sign-in), for each recovery code and after a password change, reset or recovery as the
//! issue says; values moved between people, names or rows fail with `DATA_CORRUPTED`; the
//! file holds none of the plaintext; deleting the account erases every wrapping.
use crate::common::*;
use latchkey_engine::policy::totp::code_at;
use latchkey_engine::{Accounts, SecretKey, SignInStep};
use std::path::Path;

pub(crate) fn key_of(a: &Accounts, name: &str, password: &str, at: i64) -> SecretKey {
    a.sign_in(name, &pw(password), false, at)
        .unwrap()
        .data_key
        .expect("the private space opens with the password")
}

pub(crate) fn raw(dir: &Path) -> rusqlite::Connection {
    rusqlite::Connection::open(dir.join("latchkey.db")).unwrap()
}

#[test]
fn one_argon2id_computation_per_sign_in_opens_the_space() {
    let (_dir, a) = engine();
    let signed = a.sign_up("adalove", &pw(GOOD_PW), false, T0).unwrap();
    let key = signed.data_key.unwrap();
    a.save_note(&signed.user.id, &key, None, "Groceries", "eggs, milk", T0)
        .unwrap();
    let before = a.hasher().computations();
    let again = key_of(&a, "adalove", GOOD_PW, T0 + SECOND);
    assert_eq!(
        a.hasher().computations() - before,
        1,
        "one argon2id per sign-in"
    );
    assert!(again == key, "the same data key every time");
    let notes = a.list_notes(&signed.user.id, &again, None).unwrap();
    assert_eq!(notes[0].title, "Groceries");
    let before = a.hasher().computations();
    assert_eq!(
        code(a.sign_in("adalove", &pw("Wrong-Guess-1"), false, T0 + 2 * SECOND)),
        "INVALID_CREDENTIALS"
    );
    assert_eq!(a.hasher().computations() - before, 1);
}

#[test]
fn notes_are_newest_first_searchable_and_only_their_owners() {
    let (_dir, a) = engine();
    let ada = a.sign_up("adalove", &pw(GOOD_PW), false, T0).unwrap();
    let bob = a.sign_up("bobby", &pw(GOOD_PW), false, T0).unwrap();
    let (ka, kb) = (ada.data_key.unwrap(), bob.data_key.unwrap());
    let first = a
        .save_note(&ada.user.id, &ka, None, "Plans", "x", T0 + 1)
        .unwrap();
    a.save_note(&ada.user.id, &ka, None, "Shopping list", "y", T0 + 2)
        .unwrap();
    let titles = |q: Option<&str>| -> Vec<String> {
        a.list_notes(&ada.user.id, &ka, q)
            .unwrap()
            .into_iter()
            .map(|n| n.title)
            .collect()
    };
    assert_eq!(titles(None), ["Shopping list", "Plans"]);
    assert_eq!(titles(Some("SHOP")), ["Shopping list"]);
    a.save_note(&ada.user.id, &ka, Some(&first.id), "Plans v2", "z", T0 + 3)
        .unwrap();
    assert_eq!(titles(None), ["Plans v2", "Shopping list"]);
    assert_eq!(a.get_note(&ada.user.id, &ka, &first.id).unwrap().body, "z");
    // Bob sees none of it, cannot read or overwrite it by id, even with his own key.
    assert!(a.list_notes(&bob.user.id, &kb, None).unwrap().is_empty());
    assert_eq!(code(a.get_note(&bob.user.id, &kb, &first.id)), "NOT_FOUND");
    assert_eq!(
        code(a.save_note(&bob.user.id, &kb, Some(&first.id), "mine", "", T0 + 4)),
        "NOT_FOUND"
    );
    assert_eq!(code(a.delete_note(&bob.user.id, &first.id)), "NOT_FOUND");
    // Ada's note under Bob's key does not open.
    assert_eq!(
        code(a.list_notes(&ada.user.id, &kb, None)),
        "DATA_CORRUPTED"
    );
    a.delete_note(&ada.user.id, &first.id).unwrap();
    assert_eq!(titles(None), ["Shopping list"]);
    assert_eq!(
        code(a.save_note(&ada.user.id, &ka, None, &"t".repeat(201), "", T0)),
        "INVALID_VALUE_NAME"
    );
    let big = "b".repeat(1024 * 1024 + 1);
    assert_eq!(
        code(a.save_note(&ada.user.id, &ka, None, "big", &big, T0)),
        "VALUE_TOO_LARGE"
    );
}

#[test]
fn values_moved_between_people_or_names_fail_with_data_corrupted() {
    let (dir, a) = engine();
    let ada = a.sign_up("adalove", &pw(GOOD_PW), false, T0).unwrap();
    let bob = a.sign_up("bobby", &pw(GOOD_PW), false, T0).unwrap();
    let (ka, kb) = (ada.data_key.unwrap(), bob.data_key.unwrap());
    a.put_private_value(&ada.user.id, &ka, "balance", "{\"eur\":12}", T0)
        .unwrap();
    a.put_private_value(&ada.user.id, &ka, "theme", "\"dark\"", T0)
        .unwrap();
    a.put_private_value(&bob.user.id, &kb, "balance", "{\"eur\":99}", T0)
        .unwrap();
    assert_eq!(
        a.list_private_values(&ada.user.id, &ka).unwrap(),
        ["balance", "theme"]
    );
    assert_eq!(
        a.get_private_value(&ada.user.id, &ka, "balance")
            .unwrap()
            .as_deref(),
        Some("{\"eur\":12}")
    );
    assert_eq!(
        a.get_private_value(&ada.user.id, &ka, "missing").unwrap(),
        None
    );
    assert_eq!(
        code(a.put_private_value(&ada.user.id, &ka, "", "1", T0)),
        "INVALID_VALUE_NAME"
    );
    assert_eq!(
        code(a.put_private_value(&ada.user.id, &ka, &"n".repeat(201), "1", T0)),
        "INVALID_VALUE_NAME"
    );
    assert_eq!(
        code(a.put_private_value(&ada.user.id, &ka, "big", &"1".repeat(1024 * 1024 + 1), T0)),
        "VALUE_TOO_LARGE"
    );
    let c = raw(dir.path());
    // Copy one of Ada's values over the other in the file: it fails to open under the
    // other name.
    c.execute(
        "UPDATE private_value SET sealed = (SELECT sealed FROM private_value AS o
            WHERE o.user_id = ?1 ORDER BY name_id LIMIT 1) WHERE user_id = ?1",
        [&ada.user.id],
    )
    .unwrap();
    let opened = ["balance", "theme"].map(|n| code(a.get_private_value(&ada.user.id, &ka, n)));
    assert!(
        opened.contains(&"DATA_CORRUPTED") && opened.contains(&"OK"),
        "{opened:?}"
    );
    assert_eq!(
        code(a.list_private_values(&ada.user.id, &ka)),
        "DATA_CORRUPTED"
    );
    // Give Bob's row Ada's owner: it does not open as Ada's.
    c.execute(
        "DELETE FROM private_value WHERE user_id = ?1",
        [&ada.user.id],
    )
    .unwrap();
    c.execute("UPDATE private_value SET user_id = ?1", [&ada.user.id])
        .unwrap();
    assert_eq!(
        code(a.list_private_values(&ada.user.id, &ka)),
        "DATA_CORRUPTED"
    );
    // A note's title tampered with by one bit.
    let note = a
        .save_note(&bob.user.id, &kb, None, "Diary", "dear", T0)
        .unwrap();
    let mut title: Vec<u8> = c
        .query_row("SELECT title FROM note WHERE id = ?1", [&note.id], |r| {
            r.get(0)
        })
        .unwrap();
    title[30] ^= 1;
    c.execute(
        "UPDATE note SET title = ?1 WHERE id = ?2",
        rusqlite::params![title, note.id],
    )
    .unwrap();
    assert_eq!(
        code(a.get_note(&bob.user.id, &kb, &note.id)),
        "DATA_CORRUPTED"
    );
    // A password wrapping swapped between two people: sign-in says so, never opens Ada's.
    c.execute_batch(&format!(
        "UPDATE data_key_wrap SET wrapped = (SELECT wrapped FROM data_key_wrap
            WHERE user_id = '{}' AND kind = 'password') WHERE user_id = '{}' AND kind = 'password'",
        ada.user.id, bob.user.id
    ))
    .unwrap();
    assert_eq!(
        code(a.sign_in("bobby", &pw(GOOD_PW), false, T0 + SECOND)),
        "DATA_CORRUPTED"
    );
}

#[test]
fn a_password_change_rewraps_the_key_and_the_old_password_opens_nothing() {
    let (dir, a) = engine();
    let ada = a.sign_up("adalove", &pw(GOOD_PW), false, T0).unwrap();
    let key = ada.data_key.unwrap();
    for i in 0..50 {
        a.save_note(&ada.user.id, &key, None, &format!("n{i}"), "text", T0 + i)
            .unwrap();
    }
    let sealed_before: Vec<u8> = raw(dir.path())
        .query_row("SELECT body FROM note ORDER BY id LIMIT 1", [], |r| {
            r.get(0)
        })
        .unwrap();
    a.change_password(
        &ada.user.id,
        &pw(GOOD_PW),
        &pw("indigo-Meadow-77"),
        None,
        T0 + DAY,
    )
    .unwrap();
    let sealed_after: Vec<u8> = raw(dir.path())
        .query_row("SELECT body FROM note ORDER BY id LIMIT 1", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(
        sealed_before, sealed_after,
        "only the key is rewrapped, no note"
    );
    assert_eq!(
        code(a.sign_in("adalove", &pw(GOOD_PW), false, T0 + DAY + 1)),
        "INVALID_CREDENTIALS"
    );
    let again = key_of(&a, "adalove", "indigo-Meadow-77", T0 + DAY + 2);
    assert!(again == key);
    assert_eq!(a.list_notes(&ada.user.id, &again, None).unwrap().len(), 50);
}

#[test]
fn each_recovery_code_opens_the_space_when_the_password_is_forgotten() {
    let (_dir, a) = engine();
    let ada = a.sign_up("adalove", &pw(GOOD_PW), false, T0).unwrap();
    let key = ada.data_key.unwrap();
    a.save_note(&ada.user.id, &key, None, "Will", "to my cat", T0)
        .unwrap();
    let codes: Vec<String> = ada
        .recovery_codes
        .unwrap()
        .expose()
        .map(str::to_owned)
        .collect();
    let mut password = GOOD_PW.to_owned();
    for (i, c) in codes.iter().take(3).enumerate() {
        let new = format!("indigo-Meadow-{i}{i}");
        let t = T0 + (i as i64 + 1) * DAY;
        let signed = a
            .recover_with_code("adalove", c, &pw(&new), false, t)
            .unwrap();
        assert!(
            signed.data_key.unwrap() == key,
            "code {i} opens the same space"
        );
        password = new;
    }
    let again = key_of(&a, "adalove", &password, T0 + 10 * DAY);
    assert_eq!(
        a.get_note(
            &ada.user.id,
            &again,
            &a.list_notes(&ada.user.id, &again, None).unwrap()[0].id
        )
        .unwrap()
        .body,
        "to my cat"
    );
    // New codes replace the old ones' wrappings: an old unused code no longer opens it.
    let fresh = a
        .new_recovery_codes(&ada.user.id, &pw(&password), T0 + 11 * DAY)
        .unwrap();
    assert_eq!(
        code(a.recover_with_code(
            "adalove",
            &codes[5],
            &pw("indigo-Meadow-99"),
            false,
            T0 + 12 * DAY
        )),
        "INVALID_RECOVERY_CODE"
    );
    let first_new = fresh.expose().next().unwrap().to_owned();
    let signed = a
        .recover_with_code(
            "adalove",
            &first_new,
            &pw("indigo-Meadow-99"),
            false,
            T0 + 13 * DAY,
        )
        .unwrap();
    assert!(signed.data_key.unwrap() == key);
}

#[test]
fn the_two_step_secret_is_sealed_and_opens_with_the_password() {
    let (dir, a) = engine();
    let ada = a.sign_up("adalove", &pw(GOOD_PW), false, T0).unwrap();
    let setup = a.two_step_setup(&ada.user).unwrap();
    let first = code_at(&setup.secret, T0).unwrap();
    a.enable_two_step(&ada.user.id, &pw(GOOD_PW), &setup.secret, &first, T0)
        .unwrap();
    let (clear, sealed): (Option<Vec<u8>>, Vec<u8>) = raw(dir.path())
        .query_row(
            r#"SELECT totp_secret, totp_sealed FROM "user" WHERE id = ?1"#,
            [&ada.user.id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert!(clear.is_none());
    assert!(!sealed
        .windows(setup.secret.len())
        .any(|w| w == &setup.secret[..]));
    let t = T0 + 120_000;
    let SignInStep::SecondFactor(pending) =
        a.sign_in_steps("adalove", &pw(GOOD_PW), false, t).unwrap()
    else {
        panic!("two-step is on")
    };
    let signed = a
        .finish_sign_in(&pending, &code_at(&setup.secret, t).unwrap(), t)
        .unwrap();
    assert!(signed.data_key.is_some());
}

#[test]
fn an_older_account_gets_a_key_and_its_clear_two_step_secret_sealed_at_its_next_password() {
    let (dir, a) = engine();
    let ada = a.sign_up("adalove", &pw(GOOD_PW), false, T0).unwrap();
    // As a version before the private space left it: no data key, the secret in the clear.
    let secret = vec![7u8; 20];
    let c = raw(dir.path());
    c.execute("DELETE FROM data_key_wrap", []).unwrap();
    c.execute(
        r#"UPDATE "user" SET totp_secret = ?1, totp_enabled_at = ?2, totp_sealed = NULL"#,
        rusqlite::params![secret, T0],
    )
    .unwrap();
    let t = T0 + 120_000;
    let SignInStep::SecondFactor(pending) =
        a.sign_in_steps("adalove", &pw(GOOD_PW), false, t).unwrap()
    else {
        panic!("two-step is on")
    };
    let signed = a
        .finish_sign_in(&pending, &code_at(&secret, t).unwrap(), t)
        .unwrap();
    assert!(signed.data_key.is_some());
    assert_eq!(
        count(
            dir.path(),
            r#"SELECT count(*) FROM "user" WHERE totp_secret IS NOT NULL"#
        ),
        0
    );
    assert_eq!(
        count(
            dir.path(),
            r#"SELECT count(*) FROM "user" WHERE totp_sealed IS NOT NULL"#
        ),
        1
    );
    // Its recovery codes predate the key: the person is told to make new ones.
    assert!(!a.recovery_codes_open_space(&ada.user.id).unwrap());
}

#[test]
fn deleting_the_account_erases_every_wrapping_and_value() {
    let (dir, a) = engine();
    let ada = a.sign_up("adalove", &pw(GOOD_PW), false, T0).unwrap();
    let key = ada.data_key.unwrap();
    a.save_note(&ada.user.id, &key, None, "t", "b", T0).unwrap();
    a.put_private_value(&ada.user.id, &key, "v", "1", T0)
        .unwrap();
    a.delete_user(&ada.user.id, &pw(GOOD_PW), T0 + 1).unwrap();
    for table in ["data_key_wrap", "note", "private_value"] {
        assert_eq!(
            count(dir.path(), &format!("SELECT count(*) FROM {table}")),
            0,
            "{table}"
        );
    }
}
