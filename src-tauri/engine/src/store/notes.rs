//! The `note` table: each person's private notes, title and text sealed separately under
//! their data key (so the list opens titles only). Only the id, the owner and the time of
//! the last change are in the clear.

use rusqlite::{params, Connection, OptionalExtension};

/// A stored note, still sealed.
pub struct SealedNote {
    /// Random id.
    pub id: String,
    /// The sealed title.
    pub title: Vec<u8>,
    /// The sealed text (empty in lists).
    pub body: Vec<u8>,
    /// Last change, Unix ms.
    pub updated_at: i64,
}

/// Adds a note or replaces one of `user_id`'s; returns false when `id` belongs to someone
/// else (nothing is written).
///
/// # Errors
/// A SQLite failure.
pub fn put(c: &Connection, user_id: &str, note: &SealedNote) -> rusqlite::Result<bool> {
    c.prepare_cached(
        "INSERT INTO note (id, user_id, title, body, updated_at) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (id) DO UPDATE SET title = excluded.title, body = excluded.body,
             updated_at = excluded.updated_at
         WHERE note.user_id = excluded.user_id",
    )?
    .execute(params![
        note.id,
        user_id,
        note.title,
        note.body,
        note.updated_at
    ])
    .map(|n| n > 0)
}

/// One of `user_id`'s notes.
///
/// # Errors
/// A SQLite failure.
pub fn get(c: &Connection, user_id: &str, id: &str) -> rusqlite::Result<Option<SealedNote>> {
    c.prepare_cached("SELECT id, title, body, updated_at FROM note WHERE id = ?1 AND user_id = ?2")?
        .query_row(params![id, user_id], |r| {
            Ok(SealedNote {
                id: r.get(0)?,
                title: r.get(1)?,
                body: r.get(2)?,
                updated_at: r.get(3)?,
            })
        })
        .optional()
}

/// `user_id`'s notes without their text, newest first.
///
/// # Errors
/// A SQLite failure.
pub fn list(c: &Connection, user_id: &str) -> rusqlite::Result<Vec<SealedNote>> {
    c.prepare_cached(
        "SELECT id, title, updated_at FROM note WHERE user_id = ?1
         ORDER BY updated_at DESC, id",
    )?
    .query_map([user_id], |r| {
        Ok(SealedNote {
            id: r.get(0)?,
            title: r.get(1)?,
            body: Vec::new(),
            updated_at: r.get(2)?,
        })
    })?
    .collect()
}

/// Deletes one of `user_id`'s notes; returns whether it was there.
///
/// # Errors
/// A SQLite failure.
pub fn delete(c: &Connection, user_id: &str, id: &str) -> rusqlite::Result<bool> {
    c.prepare_cached("DELETE FROM note WHERE id = ?1 AND user_id = ?2")?
        .execute(params![id, user_id])
        .map(|n| n > 0)
}

/// Deletes every note of `user_id` (starting over with an empty space).
///
/// # Errors
/// A SQLite failure.
pub fn delete_all(c: &Connection, user_id: &str) -> rusqlite::Result<()> {
    c.prepare_cached("DELETE FROM note WHERE user_id = ?1")?
        .execute([user_id])
        .map(drop)
}
