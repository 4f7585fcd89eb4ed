//! The `user` table: accounts, their role, sign-in stamps and forced password changes.

use crate::model::{Role, User};
use crate::store::keys::USERNAME_PREFIX;
use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};
use rusqlite::{params, Connection, OptionalExtension, Row};

impl ToSql for Role {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.as_str()))
    }
}

impl FromSql for Role {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        let text = value.as_str()?;
        Role::parse(text)
            .ok_or_else(|| FromSqlError::Other(format!("unknown role {text:?}").into()))
    }
}

const COLUMNS: &str = "id, username, created_at, last_login_at, previous_login_at, \
                       failures_before_login, role, must_change_password, \
                       temporary_password_expires_at, totp_enabled_at";

fn from_row(r: &Row<'_>) -> rusqlite::Result<User> {
    Ok(User {
        id: r.get(0)?,
        username: r.get(1)?,
        created_at: r.get(2)?,
        last_login_at: r.get(3)?,
        previous_login_at: r.get(4)?,
        failures_before_login: r.get(5)?,
        role: r.get(6)?,
        must_change_password: r.get(7)?,
        temporary_password_expires_at: r.get(8)?,
        two_step_since: r.get(9)?,
    })
}

/// Whether there is no account yet (the next one becomes the administrator).
///
/// # Errors
/// A SQLite failure.
pub fn none_yet(c: &Connection) -> rusqlite::Result<bool> {
    c.prepare_cached(r#"SELECT NOT EXISTS (SELECT 1 FROM "user")"#)?
        .query_row([], |r| r.get(0))
}

/// Whether an account's name has this confusable skeleton (looks like it).
///
/// # Errors
/// A SQLite failure.
pub fn skeleton_taken(c: &Connection, skeleton: &str) -> rusqlite::Result<bool> {
    c.prepare_cached(r#"SELECT 1 FROM "user" WHERE skeleton = ?1"#)?
        .exists([skeleton])
}

/// Gives every account made before skeletons were stored its name's skeleton, computed by
/// `skeleton_of` from the username; returns how many.
///
/// # Errors
/// A SQLite failure.
pub fn fill_skeletons(
    c: &Connection,
    skeleton_of: impl Fn(&str) -> Option<String>,
) -> rusqlite::Result<usize> {
    let missing: Vec<(String, String)> = c
        .prepare_cached(r#"SELECT id, username FROM "user" WHERE skeleton IS NULL"#)?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut update = c.prepare_cached(r#"UPDATE "user" SET skeleton = ?1 WHERE id = ?2"#)?;
    for (id, name) in &missing {
        update.execute(params![skeleton_of(name), id])?;
    }
    Ok(missing.len())
}

/// Adds a user, with the confusable skeleton of its name.
///
/// # Errors
/// A SQLite failure.
pub fn insert(c: &Connection, user: &User, skeleton: &str) -> rusqlite::Result<()> {
    c.prepare_cached(&format!(
        r#"INSERT INTO "user" ({COLUMNS}, skeleton) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"#
    ))?
    .execute(params![
        user.id,
        user.username,
        user.created_at,
        user.last_login_at,
        user.previous_login_at,
        user.failures_before_login,
        user.role,
        user.must_change_password,
        user.temporary_password_expires_at,
        user.two_step_since,
        skeleton
    ])
    .map(drop)
}

/// A user by id.
///
/// # Errors
/// A SQLite failure.
pub fn get(c: &Connection, user_id: &str) -> rusqlite::Result<Option<User>> {
    c.prepare_cached(&format!(r#"SELECT {COLUMNS} FROM "user" WHERE id = ?1"#))?
        .query_row([user_id], from_row)
        .optional()
}

/// A user's name as typed at sign-up.
///
/// # Errors
/// A SQLite failure.
pub fn username(c: &Connection, user_id: &str) -> rusqlite::Result<Option<String>> {
    c.prepare_cached(r#"SELECT username FROM "user" WHERE id = ?1"#)?
        .query_row([user_id], |r| r.get(0))
        .optional()
}

/// A user's role.
///
/// # Errors
/// A SQLite failure.
pub fn role(c: &Connection, user_id: &str) -> rusqlite::Result<Option<Role>> {
    c.prepare_cached(r#"SELECT role FROM "user" WHERE id = ?1"#)?
        .query_row([user_id], |r| r.get(0))
        .optional()
}

/// Stamps a successful sign-in: the previous one moves to `previous_login_at`, and the
/// failures since then are kept for the banner. Returns whether the user exists.
///
/// # Errors
/// A SQLite failure.
pub fn record_sign_in(
    c: &Connection,
    user_id: &str,
    now: i64,
    failures_before: u32,
) -> rusqlite::Result<bool> {
    c.prepare_cached(
        r#"UPDATE "user" SET previous_login_at = last_login_at, last_login_at = ?1,
                  failures_before_login = ?2
           WHERE id = ?3"#,
    )?
    .execute(params![now, failures_before, user_id])
    .map(|n| n > 0)
}

/// Sets "must choose a new password at the next sign-in", with the temporary password
/// valid until `expires_at`; or lifts it (`None`).
///
/// # Errors
/// A SQLite failure.
pub fn set_temporary_password(
    c: &Connection,
    user_id: &str,
    expires_at: Option<i64>,
) -> rusqlite::Result<()> {
    c.prepare_cached(
        r#"UPDATE "user" SET must_change_password = ?1, temporary_password_expires_at = ?2
           WHERE id = ?3"#,
    )?
    .execute(params![expires_at.is_some(), expires_at, user_id])
    .map(drop)
}

/// Whether `user_id` is the only administrator while other accounts exist.
///
/// # Errors
/// A SQLite failure.
pub fn is_last_admin_among_others(c: &Connection, user_id: &str) -> rusqlite::Result<bool> {
    c.prepare_cached(
        r#"SELECT (SELECT role FROM "user" WHERE id = ?1) = ?2
             AND (SELECT count(*) FROM "user" WHERE role = ?2) = 1
             AND (SELECT count(*) FROM "user") > 1"#,
    )?
    .query_row(params![user_id, Role::Admin], |r| {
        r.get::<_, Option<bool>>(0)
    })
    .map(|v| v.unwrap_or(false))
}

/// Deletes a user (its keys and sessions go with it, by cascade); returns whether it existed.
///
/// # Errors
/// A SQLite failure.
pub fn delete(c: &Connection, user_id: &str) -> rusqlite::Result<bool> {
    c.prepare_cached(r#"DELETE FROM "user" WHERE id = ?1"#)?
        .execute([user_id])
        .map(|n| n > 0)
}

/// A user's two-step secret, as stored, when two-step sign-in is on.
pub struct StoredTotp {
    /// The secret sealed under the person's data key.
    pub sealed: Option<Vec<u8>>,
    /// The secret in the clear, as versions before the private space stored it (sealed
    /// and cleared at the person's next password).
    pub clear: Option<Vec<u8>>,
    /// The last step a code was accepted for.
    pub last_step: u64,
}

/// A user's two-step secret and the last step a code was accepted for, when two-step
/// sign-in is on.
///
/// # Errors
/// A SQLite failure.
pub fn totp(c: &Connection, user_id: &str) -> rusqlite::Result<Option<StoredTotp>> {
    c.prepare_cached(
        r#"SELECT totp_sealed, totp_secret, totp_last_step FROM "user"
           WHERE id = ?1 AND totp_enabled_at IS NOT NULL"#,
    )?
    .query_row([user_id], |r| {
        Ok(StoredTotp {
            sealed: r.get(0)?,
            clear: r.get(1)?,
            last_step: u64::try_from(r.get::<_, i64>(2)?).unwrap_or(0),
        })
    })
    .optional()
}

/// Turns two-step sign-in on with its `sealed` secret (accepted at `step`), or off
/// (`None`). Any secret in the clear is removed either way.
///
/// # Errors
/// A SQLite failure.
pub fn set_totp(
    c: &Connection,
    user_id: &str,
    sealed: Option<&[u8]>,
    step: u64,
    now: i64,
) -> rusqlite::Result<()> {
    c.prepare_cached(
        r#"UPDATE "user" SET totp_sealed = ?1, totp_secret = NULL, totp_enabled_at = ?2,
               totp_last_step = ?3
           WHERE id = ?4"#,
    )?
    .execute(params![
        sealed,
        sealed.map(|_| now),
        i64::try_from(step).unwrap_or(i64::MAX),
        user_id
    ])
    .map(drop)
}

/// Replaces a secret kept in the clear by older versions with its sealed form.
///
/// # Errors
/// A SQLite failure.
pub fn seal_clear_totp(c: &Connection, user_id: &str, sealed: &[u8]) -> rusqlite::Result<()> {
    c.prepare_cached(
        r#"UPDATE "user" SET totp_sealed = ?1, totp_secret = NULL
           WHERE id = ?2 AND totp_secret IS NOT NULL"#,
    )?
    .execute(params![sealed, user_id])
    .map(drop)
}

/// Whether an administrator's reset left the person's private space sealed (until one of
/// their recovery codes opens it).
///
/// # Errors
/// A SQLite failure.
pub fn space_sealed(c: &Connection, user_id: &str) -> rusqlite::Result<bool> {
    c.prepare_cached(r#"SELECT space_sealed_at IS NOT NULL FROM "user" WHERE id = ?1"#)?
        .query_row([user_id], |r| r.get(0))
        .optional()
        .map(|found| found.unwrap_or(false))
}

/// Marks the private space sealed by a reset (`Some(now)`), or open again (`None`).
///
/// # Errors
/// A SQLite failure.
pub fn set_space_sealed(c: &Connection, user_id: &str, at: Option<i64>) -> rusqlite::Result<()> {
    c.prepare_cached(r#"UPDATE "user" SET space_sealed_at = ?1 WHERE id = ?2"#)?
        .execute(params![at, user_id])
        .map(drop)
}

/// Sets a user's role (a directory account's, from the administrators' group).
///
/// # Errors
/// A SQLite failure.
pub fn set_role(c: &Connection, user_id: &str, role: Role) -> rusqlite::Result<()> {
    c.prepare_cached(r#"UPDATE "user" SET role = ?2 WHERE id = ?1"#)?
        .execute(params![user_id, role])
        .map(drop)
}

/// Records that a code of `step` was used, unless a code of that step or a later one was
/// (no replay); returns whether it was recorded.
///
/// # Errors
/// A SQLite failure.
pub fn use_totp_step(c: &Connection, user_id: &str, step: u64) -> rusqlite::Result<bool> {
    c.prepare_cached(
        r#"UPDATE "user" SET totp_last_step = ?1 WHERE id = ?2 AND totp_last_step < ?1"#,
    )?
    .execute(params![i64::try_from(step).unwrap_or(i64::MAX), user_id])
    .map(|n| n > 0)
}

/// A user's chosen language (`en`, `ko`, …), if they chose one.
///
/// # Errors
/// A SQLite failure.
pub fn language(c: &Connection, user_id: &str) -> rusqlite::Result<Option<String>> {
    c.prepare_cached(r#"SELECT language FROM "user" WHERE id = ?1"#)?
        .query_row([user_id], |r| r.get(0))
        .optional()
        .map(Option::flatten)
}

/// Records a user's language.
///
/// # Errors
/// A SQLite failure.
pub fn set_language(c: &Connection, user_id: &str, language: &str) -> rusqlite::Result<()> {
    c.prepare_cached(r#"UPDATE "user" SET language = ?1 WHERE id = ?2"#)?
        .execute(params![language, user_id])
        .map(drop)
}

/// Every user, oldest first, with the failed attempts recorded against its username key
/// (`failures`, `last_failure_at`): the administrator's list.
///
/// # Errors
/// A SQLite failure.
pub fn all_with_attempts(c: &Connection) -> rusqlite::Result<Vec<(User, u32, i64)>> {
    c.prepare_cached(&format!(
        r#"SELECT {cols}, COALESCE(a.failures, 0), COALESCE(a.last_failure_at, 0)
           FROM "user" u
           LEFT JOIN "key" k ON k.user_id = u.id AND substr(k.id, 1, length(?1)) = ?1
           LEFT JOIN login_attempt a ON a.key_id = k.id
           ORDER BY u.created_at, u.rowid"#,
        cols = COLUMNS
            .split(", ")
            .map(|col| format!("u.{col}"))
            .collect::<Vec<_>>()
            .join(", ")
    ))?
    .query_map([USERNAME_PREFIX], |r| {
        Ok((from_row(r)?, r.get(10)?, r.get(11)?))
    })?
    .collect()
}
