//! The `data_key_wrap` table: each person's data key, wrapped (never in the clear) by their
//! password's key, by each of their recovery codes' keys and, when the computer escrows
//! keys, for the administrator. See `policy::sealing` for the formats.

use rusqlite::{params, Connection, OptionalExtension};

/// What wraps a data key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WrapKind {
    /// The password's key (one per person).
    Password,
    /// One recovery code's key (named by the code's stored hash).
    RecoveryCode,
    /// The administrator's escrow public key (one per person).
    Escrow,
    /// Not a data key: the escrow private key, wrapped by the data key of the
    /// administrator who turned escrow on (one row, theirs).
    EscrowKey,
}

impl WrapKind {
    fn as_str(self) -> &'static str {
        match self {
            Self::Password => "password",
            Self::RecoveryCode => "recovery",
            Self::Escrow => "escrow",
            Self::EscrowKey => "escrow-key",
        }
    }
}

/// Stores (or replaces) one wrapping of `user_id`'s data key.
///
/// # Errors
/// A SQLite failure.
pub fn put(
    c: &Connection,
    user_id: &str,
    kind: WrapKind,
    name: &str,
    wrapped: &[u8],
    now: i64,
) -> rusqlite::Result<()> {
    c.prepare_cached(
        "INSERT OR REPLACE INTO data_key_wrap (user_id, kind, name, wrapped, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![user_id, kind.as_str(), name, wrapped, now])
    .map(drop)
}

/// One wrapping, if stored.
///
/// # Errors
/// A SQLite failure.
pub fn get(
    c: &Connection,
    user_id: &str,
    kind: WrapKind,
    name: &str,
) -> rusqlite::Result<Option<Vec<u8>>> {
    c.prepare_cached(
        "SELECT wrapped FROM data_key_wrap WHERE user_id = ?1 AND kind = ?2 AND name = ?3",
    )?
    .query_row(params![user_id, kind.as_str(), name], |r| r.get(0))
    .optional()
}

/// Whether `user_id` has a data key at all (any wrapping of one).
///
/// # Errors
/// A SQLite failure.
pub fn exists(c: &Connection, user_id: &str) -> rusqlite::Result<bool> {
    c.prepare_cached("SELECT 1 FROM data_key_wrap WHERE user_id = ?1 LIMIT 1")?
        .exists([user_id])
}

/// How many wrappings of one kind `user_id` has.
///
/// # Errors
/// A SQLite failure.
pub fn count(c: &Connection, user_id: &str, kind: WrapKind) -> rusqlite::Result<u32> {
    c.prepare_cached("SELECT count(*) FROM data_key_wrap WHERE user_id = ?1 AND kind = ?2")?
        .query_row(params![user_id, kind.as_str()], |r| r.get(0))
}

/// How many of `user_id`'s current recovery codes (the `recovery_code` table) have no
/// wrapping of the data key (they sign in but do not open the private space).
///
/// # Errors
/// A SQLite failure.
pub fn codes_without_wrapping(c: &Connection, user_id: &str) -> rusqlite::Result<u32> {
    c.prepare_cached(
        "SELECT count(*) FROM recovery_code AS r WHERE r.user_id = ?1 AND NOT EXISTS
           (SELECT 1 FROM data_key_wrap AS w
             WHERE w.user_id = r.user_id AND w.kind = 'recovery' AND w.name = r.code_hash)",
    )?
    .query_row([user_id], |r| r.get(0))
}

/// Removes one wrapping; returns whether it was there.
///
/// # Errors
/// A SQLite failure.
pub fn delete(c: &Connection, user_id: &str, kind: WrapKind, name: &str) -> rusqlite::Result<bool> {
    c.prepare_cached("DELETE FROM data_key_wrap WHERE user_id = ?1 AND kind = ?2 AND name = ?3")?
        .execute(params![user_id, kind.as_str(), name])
        .map(|n| n > 0)
}

/// Removes every wrapping of one kind.
///
/// # Errors
/// A SQLite failure.
pub fn delete_kind(c: &Connection, user_id: &str, kind: WrapKind) -> rusqlite::Result<()> {
    c.prepare_cached("DELETE FROM data_key_wrap WHERE user_id = ?1 AND kind = ?2")?
        .execute(params![user_id, kind.as_str()])
        .map(drop)
}

/// Removes every wrapping of `user_id`'s data key (crypto-erase of their private space).
///
/// # Errors
/// A SQLite failure.
pub fn delete_all(c: &Connection, user_id: &str) -> rusqlite::Result<()> {
    c.prepare_cached("DELETE FROM data_key_wrap WHERE user_id = ?1")?
        .execute([user_id])
        .map(drop)
}

/// Removes every escrow wrapping and the wrapped escrow private key (escrow turned off).
///
/// # Errors
/// A SQLite failure.
pub fn delete_every_escrow(c: &Connection) -> rusqlite::Result<()> {
    c.prepare_cached("DELETE FROM data_key_wrap WHERE kind IN ('escrow', 'escrow-key')")?
        .execute([])
        .map(drop)
}

/// The people whose data key is wrapped for the escrow key.
///
/// # Errors
/// A SQLite failure.
pub fn escrowed_users(c: &Connection) -> rusqlite::Result<std::collections::HashSet<String>> {
    c.prepare_cached("SELECT user_id FROM data_key_wrap WHERE kind = 'escrow'")?
        .query_map([], |r| r.get(0))?
        .collect()
}
