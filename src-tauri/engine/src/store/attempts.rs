//! The `login_attempt` table: consecutive failed password checks per key, for throttling
//! that survives restarts.

use crate::store::keys::KeyId;
use rusqlite::{params, Connection, OptionalExtension};

/// Consecutive failures recorded against a key, and when the last one happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attempts {
    /// How many failures in a row.
    pub failures: u32,
    /// When the latest failure happened (Unix ms).
    pub last_failure_at: i64,
}

/// The failures recorded against a key, if any.
pub fn get(c: &Connection, key: &KeyId) -> rusqlite::Result<Option<Attempts>> {
    c.prepare_cached("SELECT failures, last_failure_at FROM login_attempt WHERE key_id = ?1")?
        .query_row([key], |r| {
            Ok(Attempts {
                failures: r.get(0)?,
                last_failure_at: r.get(1)?,
            })
        })
        .optional()
}

/// Counts one more failure at `now`.
pub fn add_failure(c: &Connection, key: &KeyId, now: i64) -> rusqlite::Result<()> {
    c.prepare_cached(
        "INSERT INTO login_attempt (key_id, failures, last_failure_at) VALUES (?1, 1, ?2)
         ON CONFLICT (key_id) DO UPDATE SET failures = failures + 1,
                                            last_failure_at = excluded.last_failure_at",
    )?
    .execute(params![key, now])
    .map(drop)
}

/// Forgets a key's failures (a correct password, or an administrator's unlock).
pub fn clear(c: &Connection, key: &KeyId) -> rusqlite::Result<()> {
    c.prepare_cached("DELETE FROM login_attempt WHERE key_id = ?1")?
        .execute([key])
        .map(drop)
}
