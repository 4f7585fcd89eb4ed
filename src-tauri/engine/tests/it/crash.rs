//! Crashes during writes: a child process signs up and signs in in a loop and is killed
//! with SIGKILL at random moments, again and again. After every kill the database must be
//! intact, every signup the child reported must still be there, and the next start works.
use crate::common::*;
use latchkey_engine::Accounts;
use std::path::Path;
use std::time::Duration;

/// The number of kills; `LATCHKEY_CRASH_KILLS` overrides it.
const KILLS: usize = 200;

/// The child: sign up, report it, sign in, fail a sign-in, forever (until killed).
#[test]
#[ignore = "child-process entry point for crash_during_writes_loses_nothing"]
fn crash_child() {
    let (Ok(dir), Ok(tag)) = (
        std::env::var("LATCHKEY_CRASH_DIR"),
        std::env::var("LATCHKEY_CRASH_TAG"),
    ) else {
        return;
    };
    let a = Accounts::open(Path::new(&dir), cheap_config(64)).expect("open in child");
    println!("OPENED");
    for i in 0.. {
        let name = format!("{tag}-{i}");
        let signed = a
            .sign_up(&name, &pw(GOOD_PW), i % 2 == 0, T0 + i)
            .expect("sign up");
        println!("CREATED {name}");
        let again = a
            .sign_in(&name, &pw(GOOD_PW), true, T0 + i)
            .expect("sign in");
        let _ = a.verify_credentials(&name, &pw("wrong-password"), T0 + i);
        a.sign_out(&again.token, T0 + i).expect("sign out");
        drop(signed);
    }
}

fn check_intact(dir: &Path, reported: &[String]) {
    let conn = rusqlite::Connection::open(dir.join("latchkey.db")).unwrap();
    let integrity: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(integrity, "ok");
    let fk_problems: i64 = conn
        .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(fk_problems, 0, "a key or session points at a missing user");
    let keyless: i64 = conn
        .query_row(
            r#"SELECT count(*) FROM "user" WHERE id NOT IN (SELECT user_id FROM "key")"#,
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(keyless, 0, "a user without its key");
    let mut exists = conn
        .prepare(r#"SELECT count(*) FROM "key" WHERE id = ?1"#)
        .unwrap();
    for name in reported {
        let n: i64 = exists
            .query_row([format!("username:{name}")], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 1, "{name} was reported created, then lost");
    }
}

#[test]
fn crash_during_writes_loses_nothing() {
    let kills: usize = std::env::var("LATCHKEY_CRASH_KILLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(KILLS);
    let dir = temp_dir();
    Accounts::open(dir.path(), cheap_config(64)).unwrap();
    let mut rng = Lcg(0x1a7c_4e11);
    let mut reported_all = Vec::new();
    let mut mid_run_kills = 0;
    for round in 0..kills {
        let tag = format!("r{round}");
        let lines = run_and_kill(
            "crash::crash_child",
            &[
                ("LATCHKEY_CRASH_DIR", dir.path().as_os_str()),
                ("LATCHKEY_CRASH_TAG", tag.as_ref()),
            ],
            Duration::from_micros(rng.next(40_000)),
        );
        let reported: Vec<String> = lines
            .iter()
            .filter_map(|l| {
                l.split_once("CREATED ")
                    .map(|(_, name)| name.trim().to_owned())
            })
            .collect();
        if !reported.is_empty() {
            mid_run_kills += 1;
        }
        reported_all.extend(reported);
        check_intact(dir.path(), &reported_all);
    }
    // The next start works, and every reported account signs in.
    let a = Accounts::open(dir.path(), cheap_config(64)).unwrap();
    for name in reported_all.iter().step_by(7) {
        let answer = a.verify_credentials(name, &pw(GOOD_PW), T0);
        assert!(answer.is_ok(), "{name} cannot sign in: {answer:?}");
    }
    println!("{kills} kills, {mid_run_kills} after at least one signup, {} signups reported and all kept", reported_all.len());
    assert!(
        mid_run_kills * 2 > kills,
        "most kills must land while the child is writing"
    );
}
