//! Account rules and operations against real SQLite files.
use crate::common::*;
use latchkey_engine::{AuthError, Password};

#[test]
fn username_boundaries_on_a_real_database() {
    let (dir, a) = engine();
    assert_eq!(
        code(a.create_user("abc", &pw(GOOD_PW), T0)),
        "INVALID_USERNAME"
    );
    assert_eq!(code(a.create_user("abcd", &pw(GOOD_PW), T0)), "OK");
    assert_eq!(code(a.create_user(&"b".repeat(31), &pw(GOOD_PW), T0)), "OK");
    assert_eq!(
        code(a.create_user(&"c".repeat(32), &pw(GOOD_PW), T0)),
        "INVALID_USERNAME"
    );
    assert_eq!(
        code(a.create_user("' OR 1=1 --", &pw(GOOD_PW), T0)),
        "INVALID_USERNAME"
    );
    assert_eq!(
        code(a.create_user("nul\0byte", &pw(GOOD_PW), T0)),
        "INVALID_USERNAME"
    );
    assert_eq!(
        code(a.create_user("rocket🚀", &pw(GOOD_PW), T0)),
        "INVALID_USERNAME"
    );
    assert_eq!(count(dir.path(), r#"SELECT count(*) FROM "user""#), 2);
    assert_eq!(count(dir.path(), r#"SELECT count(*) FROM "key""#), 2);
}

#[test]
fn password_boundaries_on_a_real_database() {
    let (dir, a) = engine();
    let p = |n: usize| pw(&("x".repeat(n - 1) + "Q"));
    assert_eq!(code(a.create_user("seven", &p(7), T0)), "WEAK_PASSWORD");
    assert_eq!(code(a.create_user("eight", &p(8), T0)), "OK");
    assert_eq!(code(a.create_user("longest", &p(255), T0)), "OK");
    assert_eq!(
        code(a.create_user("toolong", &p(256), T0)),
        "INVALID_PASSWORD"
    );
    assert_eq!(
        code(a.create_user("emoji", &pw("🔐🗝️🔑🚪🏠🌙⭐🌊"), T0)),
        "OK"
    );
    assert_eq!(
        code(a.create_user("common", &pw("password123"), T0)),
        "WEAK_PASSWORD"
    );
    assert_eq!(
        code(a.create_user("samename", &pw("my-SameName-pw"), T0)),
        "WEAK_PASSWORD"
    );
    assert_eq!(count(dir.path(), r#"SELECT count(*) FROM "user""#), 3);
    // Every boundary signs in with exactly what was typed.
    assert_eq!(code(a.verify_credentials("longest", &p(255), T0)), "OK");
    assert_eq!(
        code(a.verify_credentials("emoji", &pw("🔐🗝️🔑🚪🏠🌙⭐🌊"), T0)),
        "OK"
    );
    assert_eq!(
        code(a.verify_credentials("eight", &pw("XXXXXXXQ"), T0)),
        "INVALID_CREDENTIALS"
    );
}

#[test]
fn case_variants_are_one_account_and_the_profile_keeps_the_typed_case() {
    let (dir, a) = engine();
    let alice = a.create_user("Alice", &pw(GOOD_PW), T0).unwrap();
    assert_eq!(
        a.create_user("alice", &pw(GOOD_PW), T0),
        Err(AuthError::UsernameTaken)
    );
    assert_eq!(
        a.create_user("ＡＬＩＣＥ", &pw(GOOD_PW), T0),
        Err(AuthError::UsernameTaken)
    );
    assert_eq!(count(dir.path(), r#"SELECT count(*) FROM "user""#), 1);
    let id = a.verify_credentials("ALICE", &pw(GOOD_PW), T0).unwrap();
    assert_eq!(id, alice.id);
    let profile = a.get_user(&id).unwrap().unwrap();
    assert_eq!(profile.username, "Alice");
    assert_eq!(profile.last_login_at, Some(T0));
    assert!(profile.id.len() >= 15);
}

#[test]
fn composed_and_decomposed_forms_both_sign_in() {
    let (_dir, a) = engine();
    a.create_user("Ren\u{e9}e", &pw("caf\u{e9}-au-lait-9"), T0)
        .unwrap();
    assert_eq!(
        code(a.create_user("Rene\u{301}e", &pw(GOOD_PW), T0)),
        "USERNAME_TAKEN"
    );
    assert_eq!(
        code(a.verify_credentials("Rene\u{301}e", &pw("cafe\u{301}-au-lait-9"), T0)),
        "OK"
    );
    assert_eq!(
        code(a.verify_credentials("REN\u{c9}E", &pw("caf\u{e9}-au-lait-9"), T0)),
        "OK"
    );
    // The password is not case-folded.
    assert_eq!(
        code(a.verify_credentials("renee", &pw("CAF\u{c9}-AU-LAIT-9"), T0)),
        "INVALID_CREDENTIALS"
    );
}

#[test]
fn stored_hash_is_an_argon2id_phc_string_with_the_default_parameters() {
    let (dir, a) = engine();
    a.create_user("hashed", &pw(GOOD_PW), T0).unwrap();
    let conn = rusqlite::Connection::open(dir.path().join("latchkey.db")).unwrap();
    let (key_id, phc): (String, String) = conn
        .query_row(r#"SELECT id, hashed_password FROM "key""#, [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!(key_id, "username:hashed");
    assert!(
        phc.starts_with("$argon2id-hkdf$v=19$m=19456,t=2,p=1$"),
        "{phc}"
    );
    independent_verify(&phc, GOOD_PW);
}

/// Verifies a stored verifier (see the README: HKDF-SHA256 of the argon2id output) with the
/// reference C implementation of argon2id (Python's argon2-cffi, Debian package
/// python3-argon2, which `make test` installs) and Python's own HMAC, not with this crate.
fn independent_verify(phc: &str, password: &str) {
    let script = r#"
import sys, base64, hmac, hashlib
from argon2.low_level import hash_secret_raw, Type
_, ident, v, params, salt, verifier = sys.argv[1].split("$")
assert ident == "argon2id-hkdf" and v == "v=19"
p = dict(kv.split("=") for kv in params.split(","))
b64 = lambda s: base64.b64decode(s + "=" * (-len(s) % 4))
raw = hash_secret_raw(sys.argv[2].encode(), b64(salt), time_cost=int(p["t"]),
    memory_cost=int(p["m"]), parallelism=int(p["p"]), hash_len=32, type=Type.ID)
prk = hmac.new(b"", raw, hashlib.sha256).digest()
okm = hmac.new(prk, b"latchkey/v1 password verifier" + b"\x01", hashlib.sha256).digest()
sys.exit(0 if hmac.compare_digest(okm, b64(verifier)) else 1)
"#;
    let python = ["/usr/bin/python3", "python3"]
        .into_iter()
        .find(|py| {
            std::process::Command::new(py)
                .args(["-c", "import argon2"])
                .output()
                .is_ok_and(|o| o.status.success())
        })
        .expect("a python3 with argon2-cffi (Debian: python3-argon2, installed by make deps)");
    let run = |candidate: &str| {
        std::process::Command::new(python)
            .args(["-c", script, phc, candidate])
            .output()
            .expect("python3")
            .status
            .success()
    };
    assert!(
        run(password),
        "the reference argon2 implementation rejected the stored hash"
    );
    assert!(
        !run(&format!("{password}x")),
        "the reference implementation accepted a wrong password"
    );
}

#[test]
fn a_failure_between_the_user_and_key_inserts_leaves_no_user() {
    let (dir, a) = engine();
    // Inject the failure inside SQLite itself: the key insert aborts after the user row
    // was written in the same transaction.
    let conn = rusqlite::Connection::open(dir.path().join("latchkey.db")).unwrap();
    conn.execute_batch(
        r#"CREATE TRIGGER fail_key BEFORE INSERT ON "key" BEGIN SELECT RAISE(ABORT, 'injected failure'); END;"#,
    )
    .unwrap();
    assert_eq!(
        a.create_user("halfway", &pw(GOOD_PW), T0),
        Err(AuthError::Internal)
    );
    assert_eq!(count(dir.path(), r#"SELECT count(*) FROM "user""#), 0);
    conn.execute_batch("DROP TRIGGER fail_key").unwrap();
    assert_eq!(code(a.create_user("halfway", &pw(GOOD_PW), T0)), "OK");
    assert_eq!(count(dir.path(), r#"SELECT count(*) FROM "user""#), 1);
}

#[test]
fn change_password_needs_the_current_one_and_ends_other_sessions() {
    let (dir, a) = engine();
    let user = a.create_user("changer", &pw(GOOD_PW), T0).unwrap();
    let (this, _) = a.create_session(&user.id, true, T0).unwrap();
    let (_other, other_token) = a.create_session(&user.id, true, T0).unwrap();
    let wrong = a.change_password(
        &user.id,
        &pw("not-it-at-all"),
        &pw("new-Secret-77"),
        Some(&this.id),
        T0,
    );
    assert_eq!(wrong, Err(AuthError::InvalidCredentials));
    assert_eq!(count(dir.path(), "SELECT failures FROM login_attempt"), 1);
    let weak = a.change_password(&user.id, &pw(GOOD_PW), &pw("qwerty123"), Some(&this.id), T0);
    assert_eq!(code(weak), "WEAK_PASSWORD");
    a.change_password(
        &user.id,
        &pw(GOOD_PW),
        &pw("new-Secret-77"),
        Some(&this.id),
        T0,
    )
    .unwrap();
    assert_eq!(a.validate_session(&other_token, T0).unwrap(), None);
    let left = a.list_user_sessions(&user.id, T0).unwrap();
    assert_eq!(
        left.iter().map(|s| s.id.as_str()).collect::<Vec<_>>(),
        vec![this.id.as_str()]
    );
    assert_eq!(
        code(a.verify_credentials("changer", &pw(GOOD_PW), T0)),
        "INVALID_CREDENTIALS"
    );
    assert_eq!(
        code(a.verify_credentials("changer", &pw("new-Secret-77"), T0)),
        "OK"
    );
    assert_eq!(count(dir.path(), "SELECT count(*) FROM login_attempt"), 0);
}

#[test]
fn delete_user_needs_the_password_and_removes_everything() {
    let (dir, a) = engine();
    let stay = a.create_user("staying", &pw(GOOD_PW), T0).unwrap();
    let user = a.create_user("leaving", &pw(GOOD_PW), T0).unwrap();
    a.create_session(&user.id, true, T0).unwrap();
    a.create_session(&stay.id, true, T0).unwrap();
    assert_eq!(
        a.delete_user(&user.id, &pw("wrong-password"), T0),
        Err(AuthError::InvalidCredentials)
    );
    assert!(a.get_user(&user.id).unwrap().is_some());
    a.delete_user(&user.id, &pw(GOOD_PW), T0).unwrap();
    assert_eq!(a.get_user(&user.id).unwrap(), None);
    assert_eq!(
        count(
            dir.path(),
            r#"SELECT count(*) FROM "key" WHERE user_id <> (SELECT id FROM "user")"#
        ),
        0
    );
    assert_eq!(count(dir.path(), r#"SELECT count(*) FROM "session""#), 1);
    assert_eq!(
        a.delete_user(&user.id, &pw(GOOD_PW), T0),
        Err(AuthError::NotAuthenticated)
    );
    // The name is free again.
    assert_eq!(code(a.create_user("Leaving", &pw(GOOD_PW), T0)), "OK");
}

#[test]
fn a_weaker_stored_hash_is_upgraded_on_success_and_never_on_failure() {
    let dir = temp_dir();
    let weak_config = latchkey_engine::Config {
        hash: latchkey_engine::HashParams {
            m_kib: 1024,
            t: 1,
            p: 1,
        },
        ..Default::default()
    };
    latchkey_engine::Accounts::open(dir.path(), weak_config)
        .unwrap()
        .create_user("upgrader", &pw(GOOD_PW), T0)
        .unwrap();
    let stored = || -> String {
        let conn = rusqlite::Connection::open(dir.path().join("latchkey.db")).unwrap();
        conn.query_row(r#"SELECT hashed_password FROM "key""#, [], |r| r.get(0))
            .unwrap()
    };
    let before = stored();
    assert!(before.contains("m=1024,t=1,p=1"));
    let a = reopen(dir.path());
    assert_eq!(
        code(a.verify_credentials("upgrader", &pw("wrong-guess-1"), T0)),
        "INVALID_CREDENTIALS"
    );
    assert_eq!(stored(), before, "a failed sign-in must not write the hash");
    a.verify_credentials("upgrader", &pw(GOOD_PW), T0).unwrap();
    let after = stored();
    assert!(
        after.starts_with("$argon2id-hkdf$v=19$m=19456,t=2,p=1$"),
        "{after}"
    );
    assert_eq!(
        code(a.verify_credentials("upgrader", &pw(GOOD_PW), T0)),
        "OK"
    );
}

#[test]
fn login_input_that_no_account_could_have_is_refused_plainly() {
    let (_dir, a) = engine();
    assert_eq!(
        code(a.verify_credentials("ab", &pw(GOOD_PW), T0)),
        "INVALID_USERNAME"
    );
    assert_eq!(
        code(a.verify_credentials("someone", &Password::new(""), T0)),
        "INVALID_PASSWORD"
    );
    assert_eq!(
        code(a.verify_credentials("someone", &pw(&"y".repeat(256)), T0)),
        "INVALID_PASSWORD"
    );
    // Short passwords made under older rules still reach the hash check.
    assert_eq!(
        code(a.verify_credentials("someone", &pw("short"), T0)),
        "INVALID_CREDENTIALS"
    );
}

#[test]
fn errors_never_carry_sql_paths_or_secrets() {
    let (dir, a) = engine();
    a.create_user("privacy", &pw(GOOD_PW), T0).unwrap();
    let errors = [
        a.create_user("privacy", &pw(GOOD_PW), T0).unwrap_err(),
        a.verify_credentials("privacy", &pw("guess-one-two"), T0)
            .unwrap_err(),
        a.create_user("' OR 1=1 --", &pw(GOOD_PW), T0).unwrap_err(),
    ];
    let dir_text = dir.path().to_string_lossy().to_string();
    for e in errors {
        let text = serde_json::to_string(&e).unwrap();
        for forbidden in [
            "SELECT",
            "INSERT",
            "sqlite",
            "latchkey.db",
            dir_text.as_str(),
            GOOD_PW,
            "argon2",
        ] {
            assert!(!text.contains(forbidden), "{text} contains {forbidden}");
        }
    }
}
