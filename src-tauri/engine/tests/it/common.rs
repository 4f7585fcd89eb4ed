//! Helpers shared by the integration tests: fresh data folders and engines over them.
#![allow(dead_code)]

use latchkey_engine::{Accounts, Config, Password};
use std::path::Path;

/// A fixed instant (2026-01-01T00:00:00Z in Unix ms) so tests never read the clock.
pub const T0: i64 = 1_767_225_600_000;
pub const SECOND: i64 = 1000;
pub const MINUTE: i64 = 60 * SECOND;
pub const DAY: i64 = 24 * 3600 * SECOND;

/// A password that satisfies every rule.
pub const GOOD_PW: &str = "violet-Harbor-42";

pub fn pw(s: &str) -> Password {
    Password::new(s)
}

/// A fresh temporary folder (deleted on drop).
pub fn temp_dir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("latchkey-test-")
        .tempdir()
        .expect("temp dir")
}

/// An engine with the production defaults over a fresh folder.
pub fn engine() -> (tempfile::TempDir, Accounts) {
    let dir = temp_dir();
    let accounts = Accounts::open(dir.path(), Config::default()).expect("open");
    (dir, accounts)
}

/// Opens another engine (another "process view") over the same folder.
pub fn reopen(dir: &Path) -> Accounts {
    Accounts::open(dir, Config::default()).expect("reopen")
}

/// Runs one SQL query returning a single integer, on a separate raw connection.
pub fn count(dir: &Path, sql: &str) -> i64 {
    let conn = rusqlite::Connection::open(dir.join("latchkey.db")).expect("raw open");
    conn.query_row(sql, [], |r| r.get(0)).expect("count query")
}

/// The error code of a result, or "OK".
pub fn code<T>(r: Result<T, latchkey_engine::AuthError>) -> &'static str {
    r.err().map_or("OK", |e| e.code())
}

/// Production settings with cheap argon2id (`m_kib` KiB, one pass), for tests about
/// something other than the hash's cost.
pub fn cheap_config(m_kib: u32) -> Config {
    Config {
        hash: latchkey_engine::HashParams { m_kib, t: 1, p: 1 },
        ..Config::default()
    }
}

/// Forgets every recorded sign-in failure, so a loop of wrong guesses is never throttled.
pub fn clear_attempts(dir: &Path) {
    let conn = rusqlite::Connection::open(dir.join("latchkey.db")).unwrap();
    conn.execute("DELETE FROM login_attempt", []).unwrap();
}

/// An administrator's reset, whichever way the engine asks for the administrator's
/// password (it always asks now).
pub fn reset(a: &Accounts, admin: &latchkey_engine::Session, member: &str) -> Option<String> {
    let result = a.admin_reset_password(admin, member, &pw(GOOD_PW), T0 + 1);
    result.ok().map(|t| t.expose().to_owned())
}

/// A small deterministic generator, so a failing run can be repeated.
pub struct Lcg(pub u64);

impl Lcg {
    pub fn next(&mut self, below: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % below
    }
}

/// Runs the ignored test `child_test` of this test binary as a child process with `envs`,
/// waits until it prints `OPENED`, lets it run for `run_for`, kills it with SIGKILL and
/// returns every line it printed.
pub fn run_and_kill(
    child_test: &str,
    envs: &[(&str, &std::ffi::OsStr)],
    run_for: std::time::Duration,
) -> Vec<String> {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    use std::sync::{Arc, Mutex};
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            child_test,
            "--exact",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .envs(envs.iter().copied())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let lines = Arc::new(Mutex::new(Vec::<String>::new()));
    let reader = {
        let lines = lines.clone();
        let stdout = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                lines.lock().unwrap().push(line);
            }
        })
    };
    while !lines.lock().unwrap().iter().any(|l| l.contains("OPENED")) {
        if let Ok(Some(status)) = child.try_wait() {
            panic!("the child could not start on the database left by the last kill ({status})");
        }
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    std::thread::sleep(run_for);
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    reader.join().unwrap();
    let lines = lines.lock().unwrap().clone();
    lines
}
