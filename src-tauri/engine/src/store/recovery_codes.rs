//! The `recovery_code` table: the hashes of each person's unused recovery codes.

use rusqlite::{params, Connection};

/// Replaces a user's codes with a new set (the old ones stop working).
///
/// # Errors
/// A SQLite failure.
pub fn replace(c: &Connection, user_id: &str, hashes: &[String], now: i64) -> rusqlite::Result<()> {
    delete_all(c, user_id)?;
    let mut insert = c.prepare_cached(
        "INSERT INTO recovery_code (user_id, code_hash, created_at) VALUES (?1, ?2, ?3)",
    )?;
    for hash in hashes {
        insert.execute(params![user_id, hash, now])?;
    }
    Ok(())
}

/// Uses up a code: deletes it; returns whether it was there.
///
/// # Errors
/// A SQLite failure.
pub fn take(c: &Connection, user_id: &str, hash: &str) -> rusqlite::Result<bool> {
    c.prepare_cached("DELETE FROM recovery_code WHERE user_id = ?1 AND code_hash = ?2")?
        .execute(params![user_id, hash])
        .map(|n| n > 0)
}

/// How many unused codes a user has.
///
/// # Errors
/// A SQLite failure.
pub fn count(c: &Connection, user_id: &str) -> rusqlite::Result<u32> {
    c.prepare_cached("SELECT count(*) FROM recovery_code WHERE user_id = ?1")?
        .query_row([user_id], |r| r.get(0))
}

/// Voids all of a user's codes.
///
/// # Errors
/// A SQLite failure.
pub fn delete_all(c: &Connection, user_id: &str) -> rusqlite::Result<()> {
    c.prepare_cached("DELETE FROM recovery_code WHERE user_id = ?1")?
        .execute([user_id])
        .map(drop)
}
