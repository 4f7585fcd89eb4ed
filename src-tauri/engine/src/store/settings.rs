//! The `setting` table: values that belong to one database file rather than to a build.

use rusqlite::{params, Connection, OptionalExtension};
use zeroize::Zeroizing;

const THROTTLE_KEY: &str = "throttle-key";
const LOCK_AFTER_SECS: &str = "lock-after-secs";
const TWO_STEP_FOR_ADMINS: &str = "two-step-for-admins";
const ESCROW_PUBLIC_KEY: &str = "escrow-public-key";

/// The language chosen by an OS account on the sign-in screen, if any.
///
/// # Errors
/// A SQLite failure.
pub fn os_user_language(c: &Connection, os_user: &str) -> rusqlite::Result<Option<String>> {
    c.prepare_cached("SELECT value FROM setting WHERE name = ?1")?
        .query_row([format!("language:{os_user}")], |r| r.get(0))
        .optional()
}

/// Records the language an OS account chose on the sign-in screen.
///
/// # Errors
/// A SQLite failure.
pub fn set_os_user_language(c: &Connection, os_user: &str, language: &str) -> rusqlite::Result<()> {
    c.prepare_cached("INSERT OR REPLACE INTO setting (name, value) VALUES (?1, ?2)")?
        .execute(params![format!("language:{os_user}"), language])
        .map(drop)
}

/// Whether administrators must use two-step sign-in.
///
/// # Errors
/// A SQLite failure.
pub fn two_step_for_admins(c: &Connection) -> rusqlite::Result<bool> {
    c.prepare_cached("SELECT value FROM setting WHERE name = ?1")?
        .query_row([TWO_STEP_FOR_ADMINS], |r| r.get::<_, i64>(0))
        .optional()
        .map(|v| v == Some(1))
}

/// Requires (or stops requiring) two-step sign-in for administrators.
///
/// # Errors
/// A SQLite failure.
pub fn set_two_step_for_admins(c: &Connection, required: bool) -> rusqlite::Result<()> {
    c.prepare_cached("INSERT OR REPLACE INTO setting (name, value) VALUES (?1, ?2)")?
        .execute(params![TWO_STEP_FOR_ADMINS, i64::from(required)])
        .map(drop)
}

/// The administrator's escrow public key (X25519, 32 bytes), while key escrow is on.
///
/// # Errors
/// A SQLite failure.
pub fn escrow_public_key(c: &Connection) -> rusqlite::Result<Option<[u8; 32]>> {
    c.prepare_cached("SELECT value FROM setting WHERE name = ?1")?
        .query_row([ESCROW_PUBLIC_KEY], |r| r.get::<_, Vec<u8>>(0))
        .optional()
        .map(|v| v.and_then(|v| v.try_into().ok()))
}

/// Turns key escrow on with `public` (or off with `None`).
///
/// # Errors
/// A SQLite failure.
pub fn set_escrow_public_key(c: &Connection, public: Option<&[u8; 32]>) -> rusqlite::Result<()> {
    match public {
        Some(public) => c
            .prepare_cached("INSERT OR REPLACE INTO setting (name, value) VALUES (?1, ?2)")?
            .execute(params![ESCROW_PUBLIC_KEY, public.as_slice()]),
        None => c
            .prepare_cached("DELETE FROM setting WHERE name = ?1")?
            .execute([ESCROW_PUBLIC_KEY]),
    }
    .map(drop)
}

/// After how many seconds without input a signed-in window locks: `Some(0)` is never,
/// `None` is not set (the default applies).
///
/// # Errors
/// A SQLite failure.
pub fn lock_after_secs(c: &Connection) -> rusqlite::Result<Option<u64>> {
    c.prepare_cached("SELECT value FROM setting WHERE name = ?1")?
        .query_row([LOCK_AFTER_SECS], |r| r.get::<_, i64>(0))
        .optional()
        .map(|v| v.and_then(|v| u64::try_from(v).ok()))
}

/// Sets the idle lock (`0` is never).
///
/// # Errors
/// A SQLite failure.
pub fn set_lock_after_secs(c: &Connection, secs: u64) -> rusqlite::Result<()> {
    c.prepare_cached("INSERT OR REPLACE INTO setting (name, value) VALUES (?1, ?2)")?
        .execute(params![
            LOCK_AFTER_SECS,
            i64::try_from(secs).unwrap_or(i64::MAX)
        ])
        .map(drop)
}

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
