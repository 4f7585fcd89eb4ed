//! The `private_value` table: what host apps keep for a person, sealed under their data
//! key. A value's name is stored as a keyed digest (`name_id`), and sealed with the value,
//! so the file shows neither.

use rusqlite::{params, Connection, OptionalExtension};

/// Adds or replaces a value.
///
/// # Errors
/// A SQLite failure.
pub fn put(
    c: &Connection,
    user_id: &str,
    name_id: &str,
    sealed: &[u8],
    now: i64,
) -> rusqlite::Result<()> {
    c.prepare_cached(
        "INSERT OR REPLACE INTO private_value (user_id, name_id, sealed, updated_at)
         VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![user_id, name_id, sealed, now])
    .map(drop)
}

/// One sealed value.
///
/// # Errors
/// A SQLite failure.
pub fn get(c: &Connection, user_id: &str, name_id: &str) -> rusqlite::Result<Option<Vec<u8>>> {
    c.prepare_cached("SELECT sealed FROM private_value WHERE user_id = ?1 AND name_id = ?2")?
        .query_row(params![user_id, name_id], |r| r.get(0))
        .optional()
}

/// Every sealed value of `user_id`, with its name id.
///
/// # Errors
/// A SQLite failure.
pub fn all(c: &Connection, user_id: &str) -> rusqlite::Result<Vec<(String, Vec<u8>)>> {
    c.prepare_cached("SELECT name_id, sealed FROM private_value WHERE user_id = ?1")?
        .query_map([user_id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect()
}

/// Deletes one value; returns whether it was there.
///
/// # Errors
/// A SQLite failure.
pub fn delete(c: &Connection, user_id: &str, name_id: &str) -> rusqlite::Result<bool> {
    c.prepare_cached("DELETE FROM private_value WHERE user_id = ?1 AND name_id = ?2")?
        .execute(params![user_id, name_id])
        .map(|n| n > 0)
}

/// Deletes every value of `user_id` (starting over with an empty space).
///
/// # Errors
/// A SQLite failure.
pub fn delete_all(c: &Connection, user_id: &str) -> rusqlite::Result<()> {
    c.prepare_cached("DELETE FROM private_value WHERE user_id = ?1")?
        .execute([user_id])
        .map(drop)
}
