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
