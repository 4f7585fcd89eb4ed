//! Bad database files and a full disk: each gives a clear code and plain message through
//! the commands, the app keeps answering, and the file is never overwritten or "repaired".
//! Read-only and full disks are real: tmpfs mounts and read-only bind mounts (the tests run
//! as root, which file modes alone would not stop).
use crate::common::ipc::*;
use crate::common::mounts::Mounted;
use crate::common::*;
use latchkey_engine::Accounts;
use serde_json::json;
use std::path::Path;
use std::sync::Arc;
use tauri_plugin_latchkey::vault::MemoryVault;

/// A database with one account, checkpointed so that the main file holds everything.
fn seeded(dir: &Path) -> Vec<u8> {
    let a = Accounts::open(dir, cheap_config(64)).unwrap();
    a.create_user("Alice", &pw(GOOD_PW), T0).unwrap();
    for i in 0..60 {
        a.create_user(&format!("filler-{i}"), &pw(GOOD_PW), T0)
            .unwrap();
    }
    a.database()
        .read(|c| c.pragma_update(None, "wal_checkpoint", "TRUNCATE"))
        .unwrap();
    drop(a);
    std::fs::read(dir.join("latchkey.db")).unwrap()
}

/// Asks the app to start and to sign up; both answer `code` with a message naming no path,
/// and the app keeps answering.
fn app_refuses(dir: &Path, code: &str) {
    let app = TestApp::start_with(dir, Arc::new(MemoryVault::new()), cheap_config(64));
    for (cmd, args) in [
        ("session", json!({})),
        ("signup", creds("Newcomer", GOOD_PW, true)),
        ("login", creds("alice", GOOD_PW, false)),
    ] {
        let err = app.call(cmd, args).unwrap_err();
        assert_eq!(err["code"], code, "{cmd}: {err}");
        let message = err["message"].as_str().unwrap();
        assert!(
            !message.contains(&*dir.to_string_lossy())
                && !message.contains("latchkey.db")
                && !message.contains("SQL")
        );
        assert!(message.len() > 20, "a plain message: {message}");
    }
}

#[test]
fn a_read_only_database_file() {
    let dir = temp_dir();
    let before = seeded(dir.path());
    let _ro = Mounted::read_only_bind(&dir.path().join("latchkey.db"));
    app_refuses(dir.path(), "STORAGE_READ_ONLY");
    assert_eq!(
        std::fs::read(dir.path().join("latchkey.db")).unwrap(),
        before
    );
}

#[test]
fn a_read_only_data_folder() {
    let root = temp_dir();
    let dir = root.path().join("data");
    let mount = Mounted::tmpfs(&dir, "4m");
    let before = seeded(&dir);
    mount.remount_read_only();
    app_refuses(&dir, "STORAGE_READ_ONLY");
    assert_eq!(std::fs::read(dir.join("latchkey.db")).unwrap(), before);
}

#[test]
fn a_read_only_folder_with_no_database_yet() {
    let root = temp_dir();
    let dir = root.path().join("empty");
    let mount = Mounted::tmpfs(&dir, "1m");
    mount.remount_read_only();
    app_refuses(&dir, "STORAGE_READ_ONLY");
}

#[test]
fn a_garbage_file() {
    let dir = temp_dir();
    let garbage: Vec<u8> = (0..16_384u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 11) as u8)
        .collect();
    std::fs::write(dir.path().join("latchkey.db"), &garbage).unwrap();
    app_refuses(dir.path(), "STORAGE_CORRUPT");
    assert_eq!(
        std::fs::read(dir.path().join("latchkey.db")).unwrap(),
        garbage
    );
}

#[test]
fn a_file_truncated_mid_page() {
    let dir = temp_dir();
    let full = seeded(dir.path());
    let cut = &full[..full.len() - 4096 - 1500];
    std::fs::write(dir.path().join("latchkey.db"), cut).unwrap();
    app_refuses(dir.path(), "STORAGE_CORRUPT");
    assert_eq!(
        std::fs::read(dir.path().join("latchkey.db")).unwrap(),
        cut,
        "never repaired by deleting data"
    );
}

#[test]
fn a_file_from_a_newer_version() {
    let dir = temp_dir();
    seeded(dir.path());
    {
        let conn = rusqlite::Connection::open(dir.path().join("latchkey.db")).unwrap();
        conn.pragma_update(None, "user_version", 999).unwrap();
    }
    let before = std::fs::read(dir.path().join("latchkey.db")).unwrap();
    app_refuses(dir.path(), "DATABASE_TOO_NEW");
    assert_eq!(
        std::fs::read(dir.path().join("latchkey.db")).unwrap(),
        before
    );
}

#[test]
fn a_full_disk_fails_cleanly_and_loses_nothing() {
    let root = temp_dir();
    let dir = root.path().join("small");
    let _mount = Mounted::tmpfs(&dir, "384k");
    let app = TestApp::start_with(&dir, Arc::new(MemoryVault::new()), cheap_config(64));
    let mut created = Vec::new();
    let full = loop {
        let name = format!("person-{}", created.len());
        match app.call("signup", creds(&name, GOOD_PW, false)) {
            Ok(_) => {
                created.push(name);
                // Signing out writes too, and may be what finds the disk full (the token is
                // forgotten all the same).
                if let Err(e) = app.call("logout", json!({})) {
                    break e;
                }
            }
            Err(e) => break e,
        }
        assert!(created.len() < 10_000, "the disk never filled");
    };
    assert_eq!(full["code"], "STORAGE_FULL", "{full}");
    assert!(full["message"].as_str().unwrap().contains("disk is full"));
    assert!(!created.is_empty());
    // The app still answers, and everything stored before is intact.
    assert!(app.call("recent_accounts", json!({})).is_ok());
    drop(app);
    let conn = rusqlite::Connection::open_with_flags(
        dir.join("latchkey.db"),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )
    .unwrap();
    let integrity: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(integrity, "ok");
    for name in &created {
        let n: i64 = conn
            .query_row(
                r#"SELECT count(*) FROM "key" WHERE id = ?1"#,
                [format!("username:{name}")],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(n, 1, "{name} was lost");
    }
    println!("disk full after {} accounts; all kept", created.len());
}
