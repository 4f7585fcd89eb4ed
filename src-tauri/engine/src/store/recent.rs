//! The `recent_account` table: which names signed in on which OS account, for the sign-in
//! screen. Names only, never secrets.

use crate::store::keys::KeyId;
use rusqlite::{params, Connection};

/// The most names kept per OS account.
pub const MAX_RECENT: i64 = 8;

/// Notes a sign-in for `key` on `os_user`, keeping only the newest eight.
///
/// # Errors
/// A SQLite failure.
pub fn note(c: &Connection, os_user: &str, key: &KeyId, now: i64) -> rusqlite::Result<()> {
    c.prepare_cached(
        "INSERT INTO recent_account (os_user, key_id, last_used_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (os_user, key_id) DO UPDATE SET last_used_at = excluded.last_used_at",
    )?
    .execute(params![os_user, key, now])?;
    c.prepare_cached(
        "DELETE FROM recent_account WHERE os_user = ?1 AND key_id NOT IN
           (SELECT key_id FROM recent_account WHERE os_user = ?1
            ORDER BY last_used_at DESC, key_id LIMIT ?2)",
    )?
    .execute(params![os_user, MAX_RECENT])
    .map(drop)
}

/// The names (as typed at sign-up) recently signed in on `os_user`, newest first; deleted
/// accounts are left out.
///
/// # Errors
/// A SQLite failure.
pub fn names(c: &Connection, os_user: &str) -> rusqlite::Result<Vec<String>> {
    c.prepare_cached(
        r#"SELECT u.username FROM recent_account r
           JOIN "key" k ON k.id = r.key_id JOIN "user" u ON u.id = k.user_id
           WHERE r.os_user = ?1 ORDER BY r.last_used_at DESC, r.key_id LIMIT ?2"#,
    )?
    .query_map(params![os_user, MAX_RECENT], |r| r.get(0))?
    .collect()
}

/// Removes a name from `os_user`'s list.
///
/// # Errors
/// A SQLite failure.
pub fn forget(c: &Connection, os_user: &str, key: &KeyId) -> rusqlite::Result<()> {
    c.prepare_cached("DELETE FROM recent_account WHERE os_user = ?1 AND key_id = ?2")?
        .execute(params![os_user, key])
        .map(drop)
}

/// Removes a deleted user's names from every OS account's list.
///
/// # Errors
/// A SQLite failure.
pub fn forget_everywhere(c: &Connection, key: &KeyId) -> rusqlite::Result<()> {
    c.prepare_cached("DELETE FROM recent_account WHERE key_id = ?1")?
        .execute([key])
        .map(drop)
}
