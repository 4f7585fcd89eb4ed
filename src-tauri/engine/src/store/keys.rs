//! The `key` table (Lucia v2's keys): which user a sign-in name belongs to, and the
//! argon2id hash of that user's password.

use crate::error::AuthError;
use crate::policy::rules::Username;
use crate::store::{is_unique_violation, WriteError};
use rusqlite::types::{FromSql, FromSqlResult, ToSql, ToSqlOutput, ValueRef};
use rusqlite::{params, Connection, OptionalExtension};

/// The prefix of username keys: Lucia's provider id `username`. Queries that look for a
/// user's username key bind it as a parameter rather than repeat it.
pub(crate) const USERNAME_PREFIX: &str = "username:";

/// A key id, Lucia-style `provider:identifier`. Latchkey has one provider, `username`,
/// whose identifier is the lowercased NFKC username; this type is the one place that knows
/// the format.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct KeyId(String);

impl KeyId {
    /// The key of a username: `username:<lowercased name>`.
    pub fn username(name: &Username) -> Self {
        Self(format!("{USERNAME_PREFIX}{}", name.normalized()))
    }

    /// The stored text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The lowercased username this key is for.
    pub fn normalized_username(&self) -> &str {
        self.0.strip_prefix(USERNAME_PREFIX).unwrap_or(&self.0)
    }
}

impl ToSql for KeyId {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.0.as_str()))
    }
}

impl FromSql for KeyId {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        String::column_result(value).map(Self)
    }
}

/// The user a key belongs to, and its password hash (a key without a password has none).
pub struct KeyRow {
    /// The owner.
    pub user_id: String,
    /// The argon2id PHC string.
    pub hashed_password: Option<String>,
}

/// Whether a key exists.
///
/// # Errors
/// A SQLite failure.
pub fn exists(c: &Connection, key: &KeyId) -> rusqlite::Result<bool> {
    c.prepare_cached(r#"SELECT 1 FROM "key" WHERE id = ?1"#)?
        .exists([key])
}

/// A key's owner and hash.
///
/// # Errors
/// A SQLite failure.
pub fn find(c: &Connection, key: &KeyId) -> rusqlite::Result<Option<KeyRow>> {
    c.prepare_cached(r#"SELECT user_id, hashed_password FROM "key" WHERE id = ?1"#)?
        .query_row([key], |r| {
            Ok(KeyRow {
                user_id: r.get(0)?,
                hashed_password: r.get(1)?,
            })
        })
        .optional()
}

/// The username key of a user.
///
/// # Errors
/// A SQLite failure.
pub fn of_user(c: &Connection, user_id: &str) -> rusqlite::Result<Option<KeyId>> {
    c.prepare_cached(
        r#"SELECT id FROM "key" WHERE user_id = ?1 AND substr(id, 1, length(?2)) = ?2 LIMIT 1"#,
    )?
    .query_row(params![user_id, USERNAME_PREFIX], |r| r.get(0))
    .optional()
}

/// Adds a key.
///
/// # Errors
/// `USERNAME_TAKEN` when the key exists already.
pub fn insert(
    c: &Connection,
    key: &KeyId,
    user_id: &str,
    hashed_password: &str,
) -> Result<(), WriteError> {
    let inserted = c
        .prepare_cached(r#"INSERT INTO "key" (id, user_id, hashed_password) VALUES (?1, ?2, ?3)"#)?
        .execute(params![key, user_id, hashed_password]);
    match inserted {
        Err(e) if is_unique_violation(&e) => Err(AuthError::UsernameTaken.into()),
        other => other.map(drop).map_err(WriteError::from),
    }
}

/// Replaces a key's hash only if it is still `expected` (compare-and-set); returns whether
/// it was replaced.
///
/// # Errors
/// A SQLite failure.
pub fn replace_hash(
    c: &Connection,
    key: &KeyId,
    expected: &str,
    replacement: &str,
) -> rusqlite::Result<bool> {
    c.prepare_cached(
        r#"UPDATE "key" SET hashed_password = ?1 WHERE id = ?2 AND hashed_password = ?3"#,
    )?
    .execute(params![replacement, key, expected])
    .map(|n| n > 0)
}

/// Sets a key's hash unconditionally (an administrator's reset).
///
/// # Errors
/// A SQLite failure.
pub fn set_hash(c: &Connection, key: &KeyId, hashed_password: &str) -> rusqlite::Result<()> {
    c.prepare_cached(r#"UPDATE "key" SET hashed_password = ?1 WHERE id = ?2"#)?
        .execute(params![hashed_password, key])
        .map(drop)
}

/// Removes a user's password hash (a directory account the directory refused): the key
/// stays, and signs nobody in until the directory gives a new verifier.
///
/// # Errors
/// A SQLite failure.
pub fn remove_hashes(c: &Connection, user_id: &str) -> rusqlite::Result<()> {
    c.prepare_cached(r#"UPDATE "key" SET hashed_password = NULL WHERE user_id = ?1"#)?
        .execute([user_id])
        .map(drop)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn username_keys_are_the_lowercased_name_behind_the_provider() {
        let key = KeyId::username(&Username::parse("Ren\u{e9}e").unwrap());
        assert_eq!(key.as_str(), "username:ren\u{e9}e");
        assert_eq!(key.normalized_username(), "ren\u{e9}e");
        let decomposed = KeyId::username(&Username::parse("RENE\u{301}E").unwrap());
        assert_eq!(key, decomposed);
    }
}
