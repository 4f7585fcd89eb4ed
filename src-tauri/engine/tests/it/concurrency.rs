//! Two threads and two processes on one database file: no lost write, exact counts, and
//! never a "database is locked" error.
use crate::common::*;
use latchkey_engine::Accounts;
use std::path::Path;

struct Tally {
    created: Vec<String>,
    invalid_answers: i64,
}

/// Signs up `signups` users named `<tag>-<i>` and fails `failures` logins on the shared
/// name "victim", asserting that every answer is a domain answer, never a storage error.
fn hammer(a: &Accounts, tag: &str, signups: usize, failures: usize) -> Tally {
    let mut tally = Tally {
        created: Vec::new(),
        invalid_answers: 0,
    };
    for i in 0..signups.max(failures) {
        if i < signups {
            let name = format!("{tag}-{i}");
            match a.create_user(&name, &pw(GOOD_PW), T0) {
                Ok(_) => tally.created.push(name),
                Err(e) => panic!("signup {name} failed: {}", e.code()),
            }
        }
        if i < failures {
            let now = T0 + i64::try_from(i).unwrap() * DAY;
            match a.verify_credentials("victim", &pw("wrong-password"), now) {
                Err(e) if e.code() == "INVALID_CREDENTIALS" => tally.invalid_answers += 1,
                // Waits, and the hard stop after a hundred failures in a row.
                Err(e) if e.code() == "TOO_MANY_ATTEMPTS" || e.code() == "ACCOUNT_LOCKED" => {}
                other => panic!(
                    "unexpected answer to a failed login: {:?}",
                    other.map_err(|e| e.code())
                ),
            }
        }
    }
    tally
}

#[test]
fn two_threads_with_their_own_connections() {
    let dir = temp_dir();
    Accounts::open(dir.path(), cheap_config(256))
        .unwrap()
        .create_user("victim", &pw(GOOD_PW), T0)
        .unwrap();
    let tallies: Vec<Tally> = std::thread::scope(|s| {
        let handles: Vec<_> = ["left", "right"]
            .map(|tag| {
                let path = dir.path();
                s.spawn(move || {
                    hammer(
                        &Accounts::open(path, cheap_config(256)).unwrap(),
                        tag,
                        30,
                        60,
                    )
                })
            })
            .into_iter()
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    check_without_integrity(dir.path(), &tallies);
}

#[test]
fn two_threads_sharing_one_engine() {
    let dir = temp_dir();
    let a = Accounts::open(dir.path(), cheap_config(256)).unwrap();
    a.create_user("victim", &pw(GOOD_PW), T0).unwrap();
    let tallies: Vec<Tally> = std::thread::scope(|s| {
        let a = &a;
        let handles: Vec<_> = ["one", "two"]
            .map(|tag| s.spawn(move || hammer(a, tag, 30, 60)))
            .into_iter()
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    check_without_integrity(dir.path(), &tallies);
}

fn check_without_integrity(dir: &Path, tallies: &[Tally]) {
    let created: usize = tallies.iter().map(|t| t.created.len()).sum();
    assert_eq!(
        count(dir, r#"SELECT count(*) FROM "user""#),
        i64::try_from(created).unwrap() + 1
    );
    assert_eq!(
        count(dir, r#"SELECT count(*) FROM "key""#),
        i64::try_from(created).unwrap() + 1
    );
    let a = Accounts::open(dir, cheap_config(256)).unwrap();
    for name in tallies.iter().flat_map(|t| &t.created) {
        assert!(
            a.verify_credentials(name, &pw(GOOD_PW), T0).is_ok(),
            "{name} was lost"
        );
    }
    let invalid: i64 = tallies.iter().map(|t| t.invalid_answers).sum();
    assert!(invalid > 0);
    println!(
        "{} signups, {invalid} failed sign-ins counted exactly, no storage error",
        created
    );
    assert_eq!(
        count(
            dir,
            "SELECT failures FROM login_attempt WHERE key_id = 'username:victim'"
        ),
        invalid
    );
    let conn = rusqlite::Connection::open(dir.join("latchkey.db")).unwrap();
    let integrity: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(integrity, "ok");
}

/// Entry point of the child processes below; does nothing unless started by them.
#[test]
#[ignore = "child-process entry point for two_processes_on_one_file"]
fn child_hammer() {
    let (Ok(dir), Ok(tag)) = (
        std::env::var("LATCHKEY_CHILD_DIR"),
        std::env::var("LATCHKEY_CHILD_TAG"),
    ) else {
        return;
    };
    let a = Accounts::open(Path::new(&dir), cheap_config(256)).unwrap();
    let tally = hammer(&a, &tag, 50, 500);
    println!(
        "\nRESULT {} {}",
        tally.invalid_answers,
        tally.created.join(",")
    );
}

#[test]
fn two_processes_on_one_file() {
    let dir = temp_dir();
    Accounts::open(dir.path(), cheap_config(256))
        .unwrap()
        .create_user("victim", &pw(GOOD_PW), T0)
        .unwrap();
    let exe = std::env::current_exe().unwrap();
    let children: Vec<_> = ["proc-a", "proc-b"]
        .iter()
        .map(|tag| {
            std::process::Command::new(&exe)
                .args([
                    "concurrency::child_hammer",
                    "--exact",
                    "--ignored",
                    "--nocapture",
                    "--test-threads=1",
                ])
                .env("LATCHKEY_CHILD_DIR", dir.path())
                .env("LATCHKEY_CHILD_TAG", tag)
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let tallies: Vec<Tally> = children
        .into_iter()
        .map(|child| {
            let out = child.wait_with_output().unwrap();
            let stdout = String::from_utf8_lossy(&out.stdout);
            assert!(
                out.status.success(),
                "child failed: {stdout}\n{}",
                String::from_utf8_lossy(&out.stderr)
            );
            let line = stdout
                .lines()
                .find_map(|l| l.split_once("RESULT ").map(|(_, r)| r))
                .expect("child result line");
            let (invalid, names) = line.split_once(' ').unwrap_or((line, ""));
            Tally {
                invalid_answers: invalid.parse().unwrap(),
                created: names
                    .split(',')
                    .filter(|n| !n.is_empty())
                    .map(String::from)
                    .collect(),
            }
        })
        .collect();
    assert_eq!(
        tallies.iter().map(|t| t.created.len()).sum::<usize>(),
        100,
        "50 signups from each process"
    );
    check_without_integrity(dir.path(), &tallies);
}
