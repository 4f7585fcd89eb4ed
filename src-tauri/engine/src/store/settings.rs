//! The `setting` table: values that belong to one database file rather than to a build.

use rusqlite::{params, Connection, OptionalExtension};
use zeroize::Zeroizing;

const THROTTLE_KEY: &str = "throttle-key";

/// The secret that keys the throttle rows of unknown names (32 random bytes, made once per
/// database file and never shown).
///
/// # Errors
/// A SQLite failure, or `None` from the OS random source (as an `InvalidQuery`).
pub fn throttle_key(c: &Connection) -> rusqlite::Result<Zeroizing<Vec<u8>>> {
    let stored: Option<Vec<u8>> = c
        .prepare_cached("SELECT value FROM setting WHERE name = ?1")?
        .query_row([THROTTLE_KEY], |r| r.get(0))
        .optional()?;
    if let Some(key) = stored.filter(|k| k.len() == 32) {
        return Ok(Zeroizing::new(key));
    }
    let mut key = Zeroizing::new(vec![0u8; 32]);
    getrandom::fill(key.as_mut_slice()).map_err(|_| rusqlite::Error::InvalidQuery)?;
    c.prepare_cached("INSERT OR REPLACE INTO setting (name, value) VALUES (?1, ?2)")?
        .execute(params![THROTTLE_KEY, key.as_slice()])?;
    Ok(key)
}
