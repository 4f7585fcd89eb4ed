//! The `directory_account` table: which accounts came from the directory, their entry, until
//! when their cached verifier signs them in without the directory, and the verifier kept
//! from before a password change at the directory until it has reopened their private
//! space.

use rusqlite::{params, Connection, OptionalExtension};

/// A directory account's row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectoryAccount {
    /// The account.
    pub user_id: String,
    /// Their entry's DN.
    pub dn: String,
    /// The directory's name for them (the profile shows it).
    pub display_name: String,
    /// Until when the cached verifier signs them in offline (Unix ms); `None` once the
    /// directory refused them (the verifier is gone).
    pub cached_until: Option<i64>,
    /// The last time the directory answered for them (Unix ms).
    pub last_contact_at: i64,
}

/// Every directory account's user id (cached or not).
///
/// # Errors
/// A SQLite failure.
pub fn ids(c: &Connection) -> rusqlite::Result<std::collections::HashSet<String>> {
    c.prepare_cached("SELECT user_id FROM directory_account")?
        .query_map([], |r| r.get(0))?
        .collect()
}

/// The directory account of a user, if it is one.
///
/// # Errors
/// A SQLite failure.
pub fn get(c: &Connection, user_id: &str) -> rusqlite::Result<Option<DirectoryAccount>> {
    c.prepare_cached(
        "SELECT user_id, dn, display_name, cached_until, last_contact_at \
         FROM directory_account WHERE user_id = ?1",
    )?
    .query_row([user_id], |r| {
        Ok(DirectoryAccount {
            user_id: r.get(0)?,
            dn: r.get(1)?,
            display_name: r.get(2)?,
            cached_until: r.get(3)?,
            last_contact_at: r.get(4)?,
        })
    })
    .optional()
}

/// Every directory account still cached (its verifier not refused), as user id and
/// username, for a refresh.
///
/// # Errors
/// A SQLite failure.
pub fn all(c: &Connection) -> rusqlite::Result<Vec<(String, String)>> {
    c.prepare_cached(
        r#"SELECT d.user_id, u.username FROM directory_account d JOIN "user" u ON u.id = d.user_id
           WHERE d.cached_until IS NOT NULL ORDER BY u.username"#,
    )?
    .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
    .collect()
}

/// Records what the directory just said about a person: their entry, name, a fresh cache
/// lifetime and the contact.
///
/// # Errors
/// A SQLite failure.
pub fn upsert(
    c: &Connection,
    user_id: &str,
    dn: &str,
    display_name: &str,
    cached_until: i64,
    now: i64,
) -> rusqlite::Result<()> {
    c.prepare_cached(
        "INSERT INTO directory_account (user_id, dn, display_name, cached_until, last_contact_at) \
         VALUES (?1, ?2, ?3, ?4, ?5) \
         ON CONFLICT (user_id) DO UPDATE SET dn = ?2, display_name = ?3, cached_until = ?4, \
         last_contact_at = ?5",
    )?
    .execute(params![user_id, dn, display_name, cached_until, now])
    .map(drop)
}

/// After the directory refused a person: their cache ends (the caller removes the verifier).
///
/// # Errors
/// A SQLite failure.
pub fn end_cache(c: &Connection, user_id: &str, now: i64) -> rusqlite::Result<()> {
    c.prepare_cached(
        "UPDATE directory_account SET cached_until = NULL, last_contact_at = ?2 WHERE user_id = ?1",
    )?
    .execute(params![user_id, now])
    .map(drop)
}

/// The verifier kept from before a password change at the directory, if any.
///
/// # Errors
/// A SQLite failure.
pub fn previous_verifier(c: &Connection, user_id: &str) -> rusqlite::Result<Option<String>> {
    c.prepare_cached("SELECT previous_verifier FROM directory_account WHERE user_id = ?1")?
        .query_row([user_id], |r| r.get(0))
        .optional()
        .map(Option::flatten)
}

/// Keeps (or, with `None`, forgets) the verifier from before a password change.
///
/// # Errors
/// A SQLite failure.
pub fn set_previous_verifier(
    c: &Connection,
    user_id: &str,
    verifier: Option<&str>,
) -> rusqlite::Result<()> {
    c.prepare_cached("UPDATE directory_account SET previous_verifier = ?2 WHERE user_id = ?1")?
        .execute(params![user_id, verifier])
        .map(drop)
}

/// The latest contact with the directory for anyone, and how many people are cached.
///
/// # Errors
/// A SQLite failure.
pub fn summary(c: &Connection, now: i64) -> rusqlite::Result<(Option<i64>, u32)> {
    c.prepare_cached(
        "SELECT MAX(last_contact_at), COUNT(*) FILTER (WHERE cached_until > ?1) \
         FROM directory_account",
    )?
    .query_row([now], |r| Ok((r.get(0)?, r.get(1)?)))
}
