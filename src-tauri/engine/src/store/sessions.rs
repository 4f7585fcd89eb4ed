//! The `session` table. A row's id is the SHA-256 of its token; the token itself is never
//! stored.

use crate::model::Session;
use rusqlite::{params, Connection, OptionalExtension, Row};

/// The columns after `id` that [`from_row`] reads, in its order (a macro, so that
/// statements can be constants built with `concat!`).
macro_rules! columns_after_id {
    () => {
        "user_id, active_expires, idle_expires, created_at, last_used_at, remember, reauth_at, locked_at"
    };
}
const COLUMNS: &str = concat!("id, ", columns_after_id!());

fn from_row(r: &Row<'_>) -> rusqlite::Result<Session> {
    from_row_after_id(r.get(0)?, r, 1)
}

/// A session whose `id` is known, from its other columns starting at `first`.
fn from_row_after_id(id: String, r: &Row<'_>, first: usize) -> rusqlite::Result<Session> {
    Ok(Session {
        id,
        user_id: r.get(first)?,
        active_expires: r.get(first + 1)?,
        idle_expires: r.get(first + 2)?,
        created_at: r.get(first + 3)?,
        last_used_at: r.get(first + 4)?,
        remember: r.get(first + 5)?,
        reauth_at: r.get(first + 6)?,
        locked_at: r.get(first + 7)?,
        fresh: false,
    })
}

/// Adds a session made by the app run of OS account `os_user`.
///
/// # Errors
/// A SQLite failure: a foreign-key violation when the user does not exist.
pub fn insert(c: &Connection, s: &Session, os_user: &str) -> rusqlite::Result<()> {
    c.prepare_cached(&format!(
        r#"INSERT INTO "session" ({COLUMNS}, os_user) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"#
    ))?
    .execute(params![
        s.id,
        s.user_id,
        s.active_expires,
        s.idle_expires,
        s.created_at,
        s.last_used_at,
        s.remember,
        s.reauth_at,
        s.locked_at,
        os_user
    ])
    .map(drop)
}

/// Locks a session at `at`, or unlocks it (`None`).
///
/// # Errors
/// A SQLite failure.
pub fn set_locked(c: &Connection, id: &str, at: Option<i64>) -> rusqlite::Result<()> {
    c.prepare_cached(r#"UPDATE "session" SET locked_at = ?1 WHERE id = ?2"#)?
        .execute(params![at, id])
        .map(drop)
}

/// The users with a session kept across restarts that `os_user`'s app made, or that an app
/// before 0.2 made (which did not record the OS account): whose tokens the keyring may hold.
///
/// # Errors
/// A SQLite failure.
pub fn kept_user_ids(c: &Connection, os_user: &str) -> rusqlite::Result<Vec<String>> {
    c.prepare_cached(
        r#"SELECT DISTINCT user_id FROM "session" WHERE remember = 1 AND os_user IN (?1, '')"#,
    )?
    .query_map([os_user], |r| r.get(0))?
    .collect()
}

/// Marks a session kept across restarts, or not.
///
/// # Errors
/// A SQLite failure.
pub fn set_remember(c: &Connection, id: &str, remember: bool) -> rusqlite::Result<()> {
    c.prepare_cached(r#"UPDATE "session" SET remember = ?1 WHERE id = ?2"#)?
        .execute(params![remember, id])
        .map(drop)
}

/// Deletes `user_id`'s sessions marked kept that `os_user`'s app (or one before 0.2) made
/// before `created_before`, except `except`: kept sessions whose token the keyring no
/// longer holds (a crash between storing the session and saving its token, an item
/// deleted behind the app's back), which nobody can ever use; returns how many.
///
/// # Errors
/// A SQLite failure.
pub fn delete_kept_without_token(
    c: &Connection,
    os_user: &str,
    user_id: &str,
    except: Option<&str>,
    created_before: i64,
) -> rusqlite::Result<usize> {
    c.prepare_cached(concat!(
        r#"DELETE FROM "session" WHERE remember = 1 AND user_id = ?1 AND os_user IN (?2, '')"#,
        " AND id IS NOT ?3 AND created_at < ?4"
    ))?
    .execute(params![user_id, os_user, except, created_before])
}

/// Deletes the sessions not kept across restarts that `os_user`'s app made before
/// `created_before` (by a run that has ended, or crashed); returns how many.
///
/// # Errors
/// A SQLite failure.
pub fn delete_unkept(
    c: &Connection,
    os_user: &str,
    created_before: i64,
) -> rusqlite::Result<usize> {
    c.prepare_cached(
        r#"DELETE FROM "session" WHERE remember = 0 AND os_user = ?1 AND created_at < ?2"#,
    )?
    .execute(params![os_user, created_before])
}

/// A session by id.
///
/// # Errors
/// A SQLite failure.
pub fn get(c: &Connection, id: &str) -> rusqlite::Result<Option<Session>> {
    get_by_id(c, id.to_owned())
}

/// A session by id, keeping the given id (no copy: this runs on every session check).
///
/// # Errors
/// A SQLite failure.
pub fn get_by_id(c: &Connection, id: String) -> rusqlite::Result<Option<Session>> {
    let mut statement = c.prepare_cached(concat!(
        "SELECT ",
        columns_after_id!(),
        r#" FROM "session" WHERE id = ?1"#
    ))?;
    let mut rows = statement.query([&id])?;
    match rows.next()? {
        Some(r) => from_row_after_id(id, r, 0).map(Some),
        None => Ok(None),
    }
}

/// Moves both expiries and stamps the use; returns whether the session still existed.
///
/// # Errors
/// A SQLite failure.
pub fn renew(
    c: &Connection,
    id: &str,
    active_expires: i64,
    idle_expires: i64,
    now: i64,
) -> rusqlite::Result<bool> {
    c.prepare_cached(
        r#"UPDATE "session" SET active_expires = ?1, idle_expires = ?2, last_used_at = ?3 WHERE id = ?4"#,
    )?
    .execute(params![active_expires, idle_expires, now, id])
    .map(|n| n > 0)
}

/// Stamps a use.
///
/// # Errors
/// A SQLite failure.
pub fn touch(c: &Connection, id: &str, now: i64) -> rusqlite::Result<()> {
    c.prepare_cached(r#"UPDATE "session" SET last_used_at = ?1 WHERE id = ?2"#)?
        .execute(params![now, id])
        .map(drop)
}

/// Stamps the moment the owner's password was last entered in this session.
///
/// # Errors
/// A SQLite failure.
pub fn set_reauth(c: &Connection, id: &str, now: i64) -> rusqlite::Result<()> {
    c.prepare_cached(r#"UPDATE "session" SET reauth_at = ?1 WHERE id = ?2"#)?
        .execute(params![now, id])
        .map(drop)
}

/// When the owner's password was last entered in this session.
///
/// # Errors
/// A SQLite failure.
pub fn reauth_at(c: &Connection, id: &str) -> rusqlite::Result<Option<i64>> {
    c.prepare_cached(r#"SELECT reauth_at FROM "session" WHERE id = ?1"#)?
        .query_row([id], |r| r.get(0))
        .optional()
}

/// Deletes one session; unknown ids are fine.
///
/// # Errors
/// A SQLite failure.
pub fn delete(c: &Connection, id: &str) -> rusqlite::Result<()> {
    c.prepare_cached(r#"DELETE FROM "session" WHERE id = ?1"#)?
        .execute([id])
        .map(drop)
}

/// Deletes every session of a user but `keep` (all of them when `keep` is `None`); returns
/// how many.
///
/// # Errors
/// A SQLite failure.
pub fn delete_for_user(
    c: &Connection,
    user_id: &str,
    keep: Option<&str>,
) -> rusqlite::Result<usize> {
    c.prepare_cached(r#"DELETE FROM "session" WHERE user_id = ?1 AND id IS NOT ?2"#)?
        .execute(params![user_id, keep])
}

/// A user's sessions still alive at `now` (sessions end `max_lifetime_ms` after their
/// creation at the latest), newest first.
///
/// # Errors
/// A SQLite failure.
pub fn live_for_user(
    c: &Connection,
    user_id: &str,
    now: i64,
    max_lifetime_ms: i64,
) -> rusqlite::Result<Vec<Session>> {
    c.prepare_cached(&format!(
        r#"SELECT {COLUMNS} FROM "session"
           WHERE user_id = ?1 AND idle_expires >= ?2 AND created_at >= ?2 - ?3
           ORDER BY created_at DESC, id"#
    ))?
    .query_map(params![user_id, now, max_lifetime_ms], from_row)?
    .collect()
}

/// Deletes every session dead at `now`; returns how many.
///
/// # Errors
/// A SQLite failure.
pub fn delete_dead(c: &Connection, now: i64, max_lifetime_ms: i64) -> rusqlite::Result<usize> {
    c.prepare_cached(r#"DELETE FROM "session" WHERE idle_expires < ?1 OR created_at < ?1 - ?2"#)?
        .execute(params![now, max_lifetime_ms])
}
