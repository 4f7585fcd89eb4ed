//! The database file itself: modes, durability settings, migrations, and secrets at rest.
use crate::common::*;
use latchkey_engine::store::migrations;
use latchkey_engine::{Accounts, AuthError, Config};

#[cfg(unix)]
#[test]
fn folder_is_0700_and_files_are_0600() {
    use std::os::unix::fs::PermissionsExt;
    let root = temp_dir();
    let dir = root.path().join("nested").join("data");
    let a = Accounts::open(&dir, Config::default()).unwrap();
    a.create_user("modes", &pw(GOOD_PW), T0).unwrap();
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&dir), 0o700);
    for f in ["latchkey.db", "latchkey.db-wal", "latchkey.db-shm"] {
        assert_eq!(mode(&dir.join(f)), 0o600, "{f}");
    }
}

#[test]
fn every_connection_is_wal_full_sync_with_foreign_keys() {
    let (_dir, a) = engine();
    let (journal, sync, fk, timeout): (String, i64, i64, i64) = a
        .database()
        .read(|c| {
            Ok((
                c.pragma_query_value(None, "journal_mode", |r| r.get(0))?,
                c.pragma_query_value(None, "synchronous", |r| r.get(0))?,
                c.pragma_query_value(None, "foreign_keys", |r| r.get(0))?,
                c.pragma_query_value(None, "busy_timeout", |r| r.get(0))?,
            ))
        })
        .unwrap();
    assert_eq!(journal, "wal");
    assert_eq!(sync, 2, "synchronous=FULL");
    assert_eq!(fk, 1);
    assert!(timeout >= 5000);
}

#[test]
fn migrating_twice_changes_nothing() {
    let (dir, a) = engine();
    a.create_user("stable", &pw(GOOD_PW), T0).unwrap();
    drop(a);
    let before = std::fs::read(dir.path().join("latchkey.db")).unwrap();
    let conn = rusqlite::Connection::open(dir.path().join("latchkey.db")).unwrap();
    migrations::migrate(&conn).unwrap();
    migrations::migrate(&conn).unwrap();
    assert_eq!(
        count(dir.path(), "PRAGMA user_version"),
        migrations::latest_version()
    );
    drop(conn);
    assert_eq!(
        std::fs::read(dir.path().join("latchkey.db")).unwrap(),
        before
    );
}

#[test]
fn a_first_version_database_opens_and_upgrades_in_place() {
    let dir = temp_dir();
    let path = dir.path().join("latchkey.db");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        migrations::migrate_to(&conn, 1).unwrap();
        assert_eq!(
            conn.query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0))
                .unwrap(),
            1
        );
        // A version-1 app wrote this account and session, with a plain argon2id PHC hash
        // (of GOOD_PW, made by the reference implementation through Python's argon2-cffi).
        let phc = "$argon2id$v=19$m=19456,t=2,p=1$uvrDaVIHJepISmWXpcQedA$8PaoX6JMuvVEYDwAhE6zkDytPY28IplA3ADaXyAexJA";
        conn.execute(
            r#"INSERT INTO "user" VALUES ('olduser00000001', 'OldTimer', ?1, NULL)"#,
            [T0],
        )
        .unwrap();
        conn.execute(
            r#"INSERT INTO "key" VALUES ('username:oldtimer', 'olduser00000001', ?1)"#,
            [phc],
        )
        .unwrap();
        let token = latchkey_engine::SessionToken::new("A".repeat(42) + "B");
        let id = latchkey_engine::session_id(&token);
        conn.execute(
            r#"INSERT INTO "session" VALUES (?1, 'olduser00000001', ?2, ?3, ?4, ?4)"#,
            rusqlite::params![id, T0 + DAY, T0 + 15 * DAY, T0],
        )
        .unwrap();
    }
    let a = reopen(dir.path());
    assert_eq!(
        count(dir.path(), "PRAGMA user_version"),
        migrations::latest_version()
    );
    assert_eq!(
        a.verify_credentials("oldtimer", &pw(GOOD_PW), T0).unwrap(),
        "olduser00000001"
    );
    // Its next correct password moved it to Latchkey's verifier and gave it a data key.
    let stored: String = rusqlite::Connection::open(dir.path().join("latchkey.db"))
        .unwrap()
        .query_row(r#"SELECT hashed_password FROM "key""#, [], |r| r.get(0))
        .unwrap();
    assert!(stored.starts_with("$argon2id-hkdf$v=19$"), "{stored}");
    assert_eq!(
        count(
            dir.path(),
            "SELECT count(*) FROM data_key_wrap WHERE kind = 'password'"
        ),
        1
    );
    let signed = a.sign_in("oldtimer", &pw(GOOD_PW), false, T0 + 1).unwrap();
    assert!(signed.data_key.is_some());
    let token = latchkey_engine::SessionToken::new("A".repeat(42) + "B");
    let session = a.validate_session(&token, T0 + SECOND).unwrap().unwrap();
    assert!(
        session.remember,
        "sessions from before 'keep me signed in' stay kept"
    );
}

#[test]
fn a_newer_database_is_refused_and_left_untouched() {
    let (dir, a) = engine();
    a.create_user("future", &pw(GOOD_PW), T0).unwrap();
    drop(a);
    let path = dir.path().join("latchkey.db");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.pragma_update(None, "user_version", migrations::latest_version() + 1)
            .unwrap();
        conn.pragma_update(None, "wal_checkpoint", "TRUNCATE")
            .unwrap();
    }
    let before = std::fs::read(&path).unwrap();
    let err = Accounts::open(dir.path(), Config::default()).unwrap_err();
    assert_eq!(err, AuthError::DatabaseTooNew);
    assert_eq!(err.code(), "DATABASE_TOO_NEW");
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[test]
fn garbage_file_is_refused_and_left_untouched() {
    let dir = temp_dir();
    let path = dir.path().join("latchkey.db");
    let garbage: Vec<u8> = (0..8192u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    std::fs::write(&path, &garbage).unwrap();
    let err = Accounts::open(dir.path(), Config::default()).unwrap_err();
    assert_eq!(err.code(), "STORAGE_CORRUPT");
    assert_eq!(std::fs::read(&path).unwrap(), garbage);
}

#[test]
fn database_and_wal_bytes_never_hold_a_password_or_token() {
    let (dir, a) = engine();
    let password = "Plaintext-Canary-8431";
    let user = a.create_user("sentinel", &pw(password), T0).unwrap();
    let signed_in = a.sign_in("sentinel", &pw(password), true, T0).unwrap();
    let (_, token2) = a.create_session(&user.id, false, T0).unwrap();
    a.change_password(&user.id, &pw(password), &pw("Second-Canary-2207"), None, T0)
        .unwrap();
    let mut haystack = Vec::new();
    for f in ["latchkey.db", "latchkey.db-wal"] {
        haystack.extend(std::fs::read(dir.path().join(f)).unwrap());
    }
    let contains = |needle: &str| {
        haystack
            .windows(needle.len())
            .any(|w| w == needle.as_bytes())
    };
    assert!(contains("sentinel"), "sanity: the username is in the file");
    for secret in [
        password,
        "Second-Canary-2207",
        signed_in.token.expose(),
        token2.expose(),
    ] {
        assert!(!contains(secret), "a secret reached the database files");
    }
}

/// A database written by Latchkey 0.1.0 (schema version 3): two accounts made at `T0`
/// ("Alice", administrator, kept signed in; "Bob_1", member), one failed sign-in each for
/// "bob_1" and an unknown name. Made by 0.1.0's own engine, then copied here untouched.
const FIXTURE_0_1_0: &[u8] = include_bytes!("../fixtures/latchkey-0.1.0.db");
/// Alice's session token in that file (a test fixture's, not a secret).
const FIXTURE_ADMIN_TOKEN: &str = "Nq66S495Akm_lj8fBfczUOio25-9f8t_VuD1dLZ6mlQ";

#[test]
fn a_database_from_release_0_1_0_opens_and_signs_in() {
    let dir = temp_dir();
    std::fs::write(dir.path().join("latchkey.db"), FIXTURE_0_1_0).unwrap();
    let a = Accounts::open(dir.path(), Config::default()).unwrap();
    assert_eq!(
        count(dir.path(), "PRAGMA user_version"),
        migrations::latest_version()
    );
    let later = T0 + 3600 * SECOND;
    let kept = a
        .validate_session(
            &latchkey_engine::SessionToken::new(FIXTURE_ADMIN_TOKEN),
            later,
        )
        .unwrap()
        .expect("the kept session survives the upgrade");
    let alice = a.get_user(&kept.user_id).unwrap().unwrap();
    assert_eq!(alice.username, "Alice");
    assert_eq!(alice.role, latchkey_engine::Role::Admin);
    let signed = a.sign_in("ALICE", &pw(GOOD_PW), false, later).unwrap();
    assert_eq!(signed.user.id, alice.id);
    let bob = a
        .sign_in("bob_1", &pw("member-Passw0rd-9"), false, later)
        .unwrap();
    assert_eq!(bob.user.username, "Bob_1");
    assert_eq!(bob.user.role, latchkey_engine::Role::Member);
    assert_eq!(bob.user.failures_before_login, 1);
    assert_eq!(
        code(a.sign_in("alice", &pw("not-her-password"), false, later)),
        "INVALID_CREDENTIALS"
    );
    assert_eq!(
        code(a.create_user("alice", &pw(GOOD_PW), later)),
        "USERNAME_TAKEN"
    );
}
