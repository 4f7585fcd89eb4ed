//! Sessions (Lucia v2's `createSession`, `validateSession`, `invalidateSession`, …).
//!
//! A token is 32 bytes from the OS CSPRNG, base64url-encoded (43 characters). The database
//! keeps only the lowercase hex SHA-256 of the token string as the session id. A session is
//! *active* until `active_expires`, *idle* until `idle_expires` (using it then renews both),
//! and dead afterwards (using it then deletes the row).

use crate::engine::accounts::Accounts;
use crate::engine::config::SessionPolicy;
use crate::engine::error::AuthError;
use crate::engine::secret::SessionToken;
use base64::Engine as _;
use rusqlite::{params, OptionalExtension, Row, Transaction};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

/// `last_used_at` is written at most this often (ms).
pub const LAST_USED_RESOLUTION_MS: i64 = 60_000;
/// Length of an encoded token.
pub const TOKEN_CHARS: usize = 43;

/// A session row, as the engine returns it. Never sent to the webview as is: its `id` is
/// the token's hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// SHA-256 (lowercase hex) of the token.
    pub id: String,
    /// Whose session.
    pub user_id: String,
    /// End of the active period (Unix ms).
    pub active_expires: i64,
    /// End of the idle period (Unix ms).
    pub idle_expires: i64,
    /// When it was made (Unix ms).
    pub created_at: i64,
    /// When it was last used, to the minute (Unix ms).
    pub last_used_at: i64,
    /// Whether the person asked to stay signed in across restarts.
    pub remember: bool,
    /// When the password was last entered in this session (for administrator actions).
    pub reauth_at: i64,
    /// Whether this validation renewed it (Lucia's `fresh`).
    pub fresh: bool,
}

/// Makes a new token from 32 bytes of the OS CSPRNG.
///
/// # Errors
/// `INTERNAL` when the OS random source fails.
pub fn new_token() -> Result<SessionToken, AuthError> {
    let mut bytes = Zeroizing::new([0u8; 32]);
    getrandom::fill(bytes.as_mut()).map_err(|e| {
        log::error!("OS random source failed: {e}");
        AuthError::Internal
    })?;
    Ok(SessionToken::new(
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes.as_ref()),
    ))
}

/// The session id for a token: lowercase hex SHA-256 of the token string.
pub fn session_id(token: &SessionToken) -> String {
    use std::fmt::Write as _;
    Sha256::digest(token.expose().as_bytes())
        .iter()
        .fold(String::with_capacity(64), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// Whether a string has the shape of a token this app issues.
fn well_formed(token: &SessionToken) -> bool {
    let t = token.expose();
    t.len() == TOKEN_CHARS
        && t.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

const COLUMNS: &str =
    "id, user_id, active_expires, idle_expires, created_at, last_used_at, remember, reauth_at";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Session> {
    Ok(Session {
        id: r.get(0)?,
        user_id: r.get(1)?,
        active_expires: r.get(2)?,
        idle_expires: r.get(3)?,
        created_at: r.get(4)?,
        last_used_at: r.get(5)?,
        remember: r.get(6)?,
        reauth_at: r.get(7)?,
        fresh: false,
    })
}

/// Inserts a session for `token` inside an open write transaction.
pub(crate) fn insert_session(
    tx: &Transaction<'_>,
    policy: &SessionPolicy,
    user_id: &str,
    token: &SessionToken,
    remember: bool,
    now: i64,
) -> rusqlite::Result<Session> {
    let (active_expires, idle_expires) = policy.expiries(now);
    let session = Session {
        id: session_id(token),
        user_id: user_id.to_owned(),
        active_expires,
        idle_expires,
        created_at: now,
        last_used_at: now,
        remember,
        reauth_at: now,
        fresh: true,
    };
    tx.prepare_cached(&format!(
        r#"INSERT INTO "session" ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"#
    ))?
    .execute(params![
        session.id,
        session.user_id,
        session.active_expires,
        session.idle_expires,
        session.created_at,
        session.last_used_at,
        session.remember,
        session.reauth_at
    ])?;
    Ok(session)
}

impl Accounts {
    /// Creates a session for a user [Lucia: `createSession`].
    ///
    /// # Errors
    /// `NOT_AUTHENTICATED` when the user does not exist; a storage code.
    pub fn create_session(
        &self,
        user_id: &str,
        remember: bool,
        now: i64,
    ) -> Result<(Session, SessionToken), AuthError> {
        let token = new_token()?;
        let session = self.db.write(|tx| {
            match insert_session(tx, &self.config.session, user_id, &token, remember, now) {
                Err(rusqlite::Error::SqliteFailure(f, _))
                    if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_FOREIGNKEY =>
                {
                    Err(AuthError::NotAuthenticated.into())
                }
                other => Ok(other?),
            }
        })?;
        Ok((session, token))
    }

    /// Validates a token [Lucia: `validateSession`]: `None` for an unknown, malformed or
    /// dead token (a dead row is deleted); an active session is returned unchanged; an
    /// idle one is renewed from `now` and returned with `fresh = true`.
    ///
    /// # Errors
    /// A storage code.
    pub fn validate_session(
        &self,
        token: &SessionToken,
        now: i64,
    ) -> Result<Option<Session>, AuthError> {
        if !well_formed(token) {
            return Ok(None);
        }
        let id = session_id(token);
        let found = self.db.read(|c| {
            c.prepare_cached(&format!(r#"SELECT {COLUMNS} FROM "session" WHERE id = ?1"#))?
                .query_row([&id], from_row)
                .optional()
        })?;
        let Some(mut session) = found else {
            return Ok(None);
        };
        if now > session.idle_expires {
            self.db.write(|tx| {
                Ok(tx
                    .prepare_cached(r#"DELETE FROM "session" WHERE id = ?1"#)?
                    .execute([&id])?)
            })?;
            return Ok(None);
        }
        if now > session.active_expires {
            let (active, idle) = self.config.session.expiries(now);
            let renewed = self.db.write(|tx| {
                Ok(tx
                    .prepare_cached(
                        r#"UPDATE "session" SET active_expires = ?1, idle_expires = ?2, last_used_at = ?3 WHERE id = ?4"#,
                    )?
                    .execute(params![active, idle, now, id])?)
            })?;
            if renewed == 0 {
                return Ok(None);
            }
            session.active_expires = active;
            session.idle_expires = idle;
            session.last_used_at = now;
            session.fresh = true;
        } else if now - session.last_used_at >= LAST_USED_RESOLUTION_MS {
            self.db.write(|tx| {
                Ok(tx
                    .prepare_cached(r#"UPDATE "session" SET last_used_at = ?1 WHERE id = ?2"#)?
                    .execute(params![now, id])?)
            })?;
            session.last_used_at = now;
        }
        Ok(Some(session))
    }

    /// Ends one session by its token [Lucia: `invalidateSession`]. Unknown tokens are fine.
    ///
    /// # Errors
    /// A storage code.
    pub fn invalidate_session(&self, token: &SessionToken) -> Result<(), AuthError> {
        self.invalidate_session_id(&session_id(token))
    }

    /// Signs out: ends the session and records it in the audit log.
    ///
    /// # Errors
    /// A storage code.
    pub fn sign_out(&self, token: &SessionToken, now: i64) -> Result<(), AuthError> {
        let id = session_id(token);
        self.db.write(|tx| {
            let user: Option<String> = tx
                .prepare_cached(r#"SELECT u.username FROM "session" s JOIN "user" u ON u.id = s.user_id WHERE s.id = ?1"#)?
                .query_row([&id], |r| r.get(0))
                .optional()?;
            tx.prepare_cached(r#"DELETE FROM "session" WHERE id = ?1"#)?.execute([&id])?;
            if let Some(user) = user {
                crate::engine::audit::record(tx, now, crate::engine::audit::EventKind::SignOut, Some(&user), None)?;
            }
            Ok(())
        })
    }

    /// Ends one session by its id (the token's hash).
    ///
    /// # Errors
    /// A storage code.
    pub fn invalidate_session_id(&self, session_id: &str) -> Result<(), AuthError> {
        self.db.write(|tx| {
            Ok(tx
                .prepare_cached(r#"DELETE FROM "session" WHERE id = ?1"#)?
                .execute([session_id])?)
        })?;
        Ok(())
    }

    /// Ends every session of a user [Lucia: `invalidateAllUserSessions`]; returns how many.
    ///
    /// # Errors
    /// A storage code.
    pub fn invalidate_all_user_sessions(&self, user_id: &str) -> Result<usize, AuthError> {
        self.db.write(|tx| {
            Ok(tx
                .prepare_cached(r#"DELETE FROM "session" WHERE user_id = ?1"#)?
                .execute([user_id])?)
        })
    }

    /// A user's sessions that are still alive at `now`, newest first [Lucia: `getAllUserSessions`].
    ///
    /// # Errors
    /// A storage code.
    pub fn list_user_sessions(&self, user_id: &str, now: i64) -> Result<Vec<Session>, AuthError> {
        self.db.read(|c| {
            c.prepare_cached(&format!(
                r#"SELECT {COLUMNS} FROM "session" WHERE user_id = ?1 AND idle_expires >= ?2 ORDER BY created_at DESC, id"#
            ))?
            .query_map(params![user_id, now], from_row)?
            .collect()
        })
    }

    /// Deletes every dead session (called at start-up) [Lucia: `deleteDeadUserSessions`];
    /// returns how many.
    ///
    /// # Errors
    /// A storage code.
    pub fn delete_expired_sessions(&self, now: i64) -> Result<usize, AuthError> {
        self.db.write(|tx| {
            Ok(tx
                .prepare_cached(r#"DELETE FROM "session" WHERE idle_expires < ?1"#)?
                .execute([now])?)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_43_url_safe_characters_and_distinct() {
        let a = new_token().unwrap();
        let b = new_token().unwrap();
        assert_eq!(a.expose().len(), TOKEN_CHARS);
        assert!(well_formed(&a));
        assert_ne!(a, b);
    }

    #[test]
    fn session_id_is_hex_sha256_of_the_token_text() {
        // sha256("abc")
        assert_eq!(
            session_id(&SessionToken::new("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn malformed_tokens_are_rejected_by_shape() {
        for bad in [
            "",
            "short",
            &"a".repeat(44),
            &format!("{}=", "a".repeat(42)),
            &"é".repeat(22),
        ] {
            assert!(!well_formed(&SessionToken::new(bad)), "{bad:?}");
        }
    }
}
