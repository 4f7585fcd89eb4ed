//! The `login_attempt` table: consecutive failed password checks, for throttling that
//! survives restarts. Rows of real accounts are keyed by their key id; rows of names no
//! account has are keyed by a keyed hash of the name, so what someone typed (often a
//! password, in the wrong field) is never stored. The second step of a two-step sign-in
//! has a counter of its own per account, beside the shared one.

use crate::store::keys::KeyId;
use rusqlite::types::{ToSql, ToSqlOutput};
use rusqlite::{params, Connection, OptionalExtension};

/// The prefix of the rows of names no account has.
const UNKNOWN_PREFIX: &str = "unknown:";
/// The prefix of the rows that count wrong codes at the second step of a sign-in.
const SECOND_STEP_PREFIX: &str = "second-step:";

/// Whose failures a row counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ThrottleKey {
    /// A real account's username key.
    Account(KeyId),
    /// A name no account has, as the hex of its keyed hash.
    Unknown(String),
    /// Wrong codes at the second step of a real account's sign-in (after a right password).
    SecondStep(KeyId),
}

impl ToSql for ThrottleKey {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self {
            Self::Account(key) => ToSqlOutput::from(key.as_str()),
            Self::Unknown(digest) => ToSqlOutput::from(format!("{UNKNOWN_PREFIX}{digest}")),
            Self::SecondStep(key) => {
                ToSqlOutput::from(format!("{SECOND_STEP_PREFIX}{}", key.as_str()))
            }
        })
    }
}

impl From<&KeyId> for ThrottleKey {
    fn from(key: &KeyId) -> Self {
        Self::Account(key.clone())
    }
}

/// Consecutive failures recorded against a key, and when the last one happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attempts {
    /// How many failures in a row.
    pub failures: u32,
    /// When the latest failure happened (Unix ms).
    pub last_failure_at: i64,
}

/// The failures recorded against a key, if any.
///
/// # Errors
/// A SQLite failure.
pub fn get(c: &Connection, key: &ThrottleKey) -> rusqlite::Result<Option<Attempts>> {
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
///
/// # Errors
/// A SQLite failure.
pub fn add_failure(c: &Connection, key: &ThrottleKey, now: i64) -> rusqlite::Result<()> {
    c.prepare_cached(
        "INSERT INTO login_attempt (key_id, failures, last_failure_at) VALUES (?1, 1, ?2)
         ON CONFLICT (key_id) DO UPDATE SET failures = failures + 1,
                                            last_failure_at = excluded.last_failure_at",
    )?
    .execute(params![key, now])
    .map(drop)
}

/// Takes back the failure that an attempt reserved at `reserved_at` (a password that was
/// right, when a second step is still to come): one failure fewer, and, unless another
/// failure was recorded since, the time of the failure before it (`previous_at`, none when
/// there was none), so that the wait it left behind is not made longer by a right password.
///
/// # Errors
/// A SQLite failure.
pub fn take_back(
    c: &Connection,
    key: &ThrottleKey,
    reserved_at: i64,
    previous_at: Option<i64>,
) -> rusqlite::Result<()> {
    c.prepare_cached(
        "UPDATE login_attempt
         SET failures = max(failures - 1, 0),
             last_failure_at = CASE WHEN last_failure_at = ?2 THEN ?3 ELSE last_failure_at END
         WHERE key_id = ?1",
    )?
    .execute(params![key, reserved_at, previous_at.unwrap_or(0)])?;
    c.prepare_cached("DELETE FROM login_attempt WHERE key_id = ?1 AND failures = 0")?
        .execute([key])
        .map(drop)
}

/// Forgets a key's failures (a correct password, or an administrator's unlock).
///
/// # Errors
/// A SQLite failure.
pub fn clear(c: &Connection, key: &ThrottleKey) -> rusqlite::Result<()> {
    c.prepare_cached("DELETE FROM login_attempt WHERE key_id = ?1")?
        .execute([key])
        .map(drop)
}

/// Drops the rows of unknown names whose last failure is older than `before`; returns how
/// many.
///
/// # Errors
/// A SQLite failure.
pub fn prune_unknown(c: &Connection, before: i64) -> rusqlite::Result<usize> {
    c.prepare_cached(
        "DELETE FROM login_attempt
         WHERE substr(key_id, 1, length(?1)) = ?1 AND last_failure_at < ?2",
    )?
    .execute(params![UNKNOWN_PREFIX, before])
}
