//! `validate_session` (the check behind every profile view) on databases of 1,000 users with
//! 1,000 / 100,000 / 1,000,000 sessions, against one indexed point SELECT by primary key on
//! the same file. Goal: median ≤ 1.2× the floor at every size.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support.rs"]
mod support;

use criterion::Criterion;
use latchkey_engine::session_id;
use latchkey_engine::{Accounts, Config, SessionToken};
use rusqlite::params;
use std::hint::black_box;
use std::path::Path;
use std::time::Instant;
use support::{fmt, report, time_each};

const USERS: usize = 1_000;
const NOW: i64 = 1_767_225_600_000;
const DAY: i64 = 86_400_000;

fn token(i: usize) -> SessionToken {
    SessionToken::new(format!("{i:0>43}"))
}

/// Seeds users and sessions in one transaction with prepared statements; returns seconds.
fn seed(dir: &Path, sessions: usize) -> f64 {
    drop(Accounts::open(dir, Config::default()).expect("schema"));
    let started = Instant::now();
    let mut conn = rusqlite::Connection::open(dir.join("latchkey.db")).unwrap();
    conn.pragma_update(None, "synchronous", "FULL").unwrap();
    let tx = conn.transaction().unwrap();
    {
        let mut user = tx
            .prepare(r#"INSERT INTO "user" (id, username, created_at) VALUES (?1, ?2, ?3)"#)
            .unwrap();
        let mut key = tx
            .prepare(r#"INSERT INTO "key" (id, user_id, hashed_password) VALUES (?1, ?2, NULL)"#)
            .unwrap();
        for u in 0..USERS {
            let id = format!("user{u:012}");
            user.execute(params![id, format!("user-{u}"), NOW]).unwrap();
            key.execute(params![format!("username:user-{u}"), id])
                .unwrap();
        }
        let mut session = tx
            .prepare(
                r#"INSERT INTO "session" (id, user_id, active_expires, idle_expires, created_at, last_used_at, remember, reauth_at)
                   VALUES (?1, ?2, ?3, ?4, ?5, ?5, 1, 0)"#,
            )
            .unwrap();
        // In primary-key order, so the index is built by appending rather than by random
        // inserts.
        let mut rows: Vec<(String, usize)> =
            (0..sessions).map(|i| (session_id(&token(i)), i)).collect();
        rows.sort_unstable();
        for (id, i) in rows {
            let uid = format!("user{:012}", i % USERS);
            session
                .execute(params![id, uid, NOW + DAY, NOW + 15 * DAY, NOW])
                .unwrap();
        }
    }
    tx.commit().unwrap();
    conn.pragma_update(None, "wal_checkpoint", "TRUNCATE")
        .unwrap();
    started.elapsed().as_secs_f64()
}

fn main() {
    let full = support::full_run();
    let mut c = Criterion::default()
        .configure_from_args()
        .sample_size(if full { 50 } else { 10 });
    let sizes: &[usize] = if full {
        &[1_000, 100_000, 1_000_000]
    } else {
        &[1_000]
    };
    let mut goals = Vec::new();
    for &sessions in sizes {
        let dir = support::bench_dir("sessions-");
        let seconds = seed(dir.path(), sessions);
        let a = Accounts::open(dir.path(), Config::default()).unwrap();
        let floor = rusqlite::Connection::open(dir.path().join("latchkey.db")).unwrap();
        floor.pragma_update(None, "foreign_keys", "ON").unwrap();
        floor.pragma_update(None, "journal_mode", "WAL").unwrap();
        floor.pragma_update(None, "synchronous", "FULL").unwrap();
        // Look sessions up in a scattered order, as real ones would be.
        let picks: Vec<usize> = (0..4096usize)
            .map(|k| (k * 2_654_435_761) % sessions)
            .collect();
        let tokens: Vec<SessionToken> = picks.iter().map(|&i| token(i)).collect();
        let ids: Vec<String> = tokens.iter().map(session_id).collect();
        let (mut k, mut j) = (0, 0);
        let mut validate = || {
            k = (k + 1) % tokens.len();
            let s = a.validate_session(&tokens[k], NOW).unwrap();
            assert!(black_box(s).is_some_and(|s| !s.fresh));
        };
        let mut point_select = || {
            j = (j + 1) % ids.len();
            let row: (String, i64) = floor
                .prepare_cached(r#"SELECT user_id, idle_expires FROM "session" WHERE id = ?1"#)
                .unwrap()
                .query_row([&ids[j]], |r| Ok((r.get(0)?, r.get(1)?)))
                .unwrap();
            black_box(row);
        };
        let mut group = c.benchmark_group(format!("sessions_{sessions}"));
        group.bench_function("validate_session", |b| b.iter(&mut validate));
        group.bench_function("floor_point_select", |b| b.iter(&mut point_select));
        group.finish();
        let n = if full { 100_000 } else { 2_000 };
        let v = time_each(n, &mut validate);
        let f = time_each(n, &mut point_select);
        let ratio = v.median.as_secs_f64() / f.median.as_secs_f64();
        goals.push(format!(
            "session validation at {sessions} sessions: {} vs indexed point read {} = {ratio:.3}x (goal <= 1.2x) {}",
            fmt(v.median),
            fmt(f.median),
            if ratio <= 1.2 { "MET" } else { "MISSED" }
        ));
        report(
            "sessions",
            &format!(
                "sessions={sessions:>9}  seeded in {seconds:.2} s  validate_session median {} p99 {}  floor median {} p99 {}  ratio {:.2}x",
                fmt(v.median),
                fmt(v.p99),
                fmt(f.median),
                fmt(f.p99),
                v.median.as_secs_f64() / f.median.as_secs_f64()
            ),
        );
    }
    if full {
        support::goals("sessions", &goals);
        let body = goals
            .iter()
            .map(|l| format!("- {l}"))
            .collect::<Vec<_>>()
            .join("\n");
        support::write_results("sessions", &body);
    }
    c.final_summary();
}
