//! Sessions (Lucia v2's `createSession`, `validateSession`, `invalidateSession`, …).
//!
//! A session is *active* until `active_expires`, *idle* until `idle_expires` (using it then
//! renews both), and dead afterwards (using it then deletes the row); it is dead in any case
//! once the policy's absolute lifetime since its creation has passed.
//!
//! # Examples
//!
//! ```
//! use latchkey_engine::Password;
//! # use latchkey_engine::{Accounts, Config, HashParams};
//! # let dir = tempfile::tempdir()?;
//! # let config = Config { hash: HashParams { m_kib: 64, t: 1, p: 1 }, ..Config::default() };
//! # let accounts = Accounts::open(dir.path(), config)?;
//! let now = 1_767_225_600_000; // Unix ms
//! let hour = 3_600_000;
//! let signed = accounts.sign_up("alice", &Password::new("violet-Harbor-42"), true, now)?;
//! let token = &signed.token; // for the OS keyring; the database keeps only its hash
//!
//! // Active (the default: for a day): valid as it is.
//! let session = accounts.validate_session(token, now + hour)?.ok_or("ended")?;
//! assert!(!session.fresh);
//! // Idle (after that day): using it renews it from `now`.
//! let session = accounts.validate_session(token, now + 48 * hour)?.ok_or("ended")?;
//! assert!(session.fresh);
//! assert_eq!(session.active_expires, now + 72 * hour);
//!
//! accounts.sign_out(token, now + 49 * hour)?;
//! assert!(accounts.validate_session(token, now + 49 * hour)?.is_none());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use crate::accounts::Accounts;
use crate::error::AuthError;
use crate::model::Session;
use crate::policy::tokens::{self, session_id};
use crate::secret::SessionToken;
use crate::store::audit::{self, EventKind};
use crate::store::{is_foreign_key_violation, sessions, users};

/// `last_used_at` is written at most this often (ms).
pub const LAST_USED_RESOLUTION_MS: i64 = 60_000;

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
        let token = tokens::new_token()?;
        let session = self
            .config
            .session
            .new_session(&token, user_id, remember, now);
        self.db
            .write(|tx| match sessions::insert(tx, &session, &self.os_user) {
                Err(e) if is_foreign_key_violation(&e) => Err(AuthError::NotAuthenticated.into()),
                other => Ok(other?),
            })?;
        Ok((session, token))
    }

    /// Validates a token [Lucia: `validateSession`]: `None` for an unknown, malformed or
    /// dead token (a dead row is deleted); an active or locked session is returned
    /// unchanged; an idle one is renewed from `now` and returned with `fresh = true`.
    ///
    /// # Errors
    /// A storage code.
    pub fn validate_session(
        &self,
        token: &SessionToken,
        now: i64,
    ) -> Result<Option<Session>, AuthError> {
        if !tokens::well_formed(token) {
            return Ok(None);
        }
        let Some(mut session) = self
            .db
            .read(|c| sessions::get_by_id(c, session_id(token)))?
        else {
            return Ok(None);
        };
        if now > session.idle_expires || now > self.config.session.absolute_end(session.created_at)
        {
            self.db.write(|tx| Ok(sessions::delete(tx, &session.id)?))?;
            return Ok(None);
        }
        if session.locked_at.is_some() {
            // A locked session is not in use: nothing renews it (its idle period runs on
            // while it waits for its owner), and unlocking renews nothing but the lock.
            return Ok(Some(session));
        }
        if now > session.active_expires {
            let (active, idle) = self.config.session.expiries(now);
            if !self
                .db
                .write(|tx| Ok(sessions::renew(tx, &session.id, active, idle, now)?))?
            {
                return Ok(None);
            }
            session.active_expires = active;
            session.idle_expires = idle;
            session.last_used_at = now;
            session.fresh = true;
        } else if now - session.last_used_at >= LAST_USED_RESOLUTION_MS {
            self.db
                .write(|tx| Ok(sessions::touch(tx, &session.id, now)?))?;
            session.last_used_at = now;
        }
        Ok(Some(session))
    }

    /// Validates a token kept from an earlier run (read from the keyring at start-up), as
    /// [`Accounts::validate_session`] does; a password entered in that run no longer counts
    /// for administrator actions.
    ///
    /// # Errors
    /// A storage code.
    pub fn restore_session(
        &self,
        token: &SessionToken,
        now: i64,
    ) -> Result<Option<Session>, AuthError> {
        let Some(mut session) = self.validate_session(token, now)? else {
            return Ok(None);
        };
        if session.reauth_at != 0 {
            self.db
                .write(|tx| Ok(sessions::set_reauth(tx, &session.id, 0)?))?;
            session.reauth_at = 0;
        }
        Ok(Some(session))
    }

    /// Marks a session as not kept across restarts (its token could not be kept): it ends
    /// when the app quits, or at the next start after a crash.
    ///
    /// # Errors
    /// A storage code.
    pub fn set_session_not_kept(&self, session_id: &str) -> Result<(), AuthError> {
        self.db
            .write(|tx| Ok(sessions::set_remember(tx, session_id, false)?))
    }

    /// Ends `user_id`'s sessions kept across restarts on this OS account, made before
    /// `created_before`, other than `restored` (the one whose token the keyring gave back,
    /// if any): their tokens are gone, so nobody can use them; returns how many.
    ///
    /// # Errors
    /// A storage code.
    pub fn end_kept_sessions_without_token(
        &self,
        user_id: &str,
        restored: Option<&str>,
        created_before: i64,
    ) -> Result<usize, AuthError> {
        self.db.write(|tx| {
            Ok(sessions::delete_kept_without_token(
                tx,
                &self.os_user,
                user_id,
                restored,
                created_before,
            )?)
        })
    }

    /// Ends one session by its token [Lucia: `invalidateSession`]. Unknown tokens are fine.
    ///
    /// # Errors
    /// A storage code.
    pub fn invalidate_session(&self, token: &SessionToken) -> Result<(), AuthError> {
        self.invalidate_session_id(&session_id(token))
    }

    /// Ends one session by its id (the token's hash).
    ///
    /// # Errors
    /// A storage code.
    pub fn invalidate_session_id(&self, session_id: &str) -> Result<(), AuthError> {
        self.db.write(|tx| Ok(sessions::delete(tx, session_id)?))
    }

    /// Signs out: ends the session and records it in the audit log.
    ///
    /// # Errors
    /// A storage code.
    pub fn sign_out(&self, token: &SessionToken, now: i64) -> Result<(), AuthError> {
        let id = session_id(token);
        self.db.write(|tx| {
            let Some(session) = sessions::get(tx, &id)? else {
                return Ok(());
            };
            sessions::delete(tx, &id)?;
            if let Some(name) = users::username(tx, &session.user_id)? {
                audit::record(tx, now, EventKind::SignOut, Some(&name), None)?;
            }
            Ok(())
        })
    }

    /// Ends every session of a user [Lucia: `invalidateAllUserSessions`]; returns how many.
    ///
    /// # Errors
    /// A storage code.
    pub fn invalidate_all_user_sessions(&self, user_id: &str) -> Result<usize, AuthError> {
        self.db
            .write(|tx| Ok(sessions::delete_for_user(tx, user_id, None)?))
    }

    /// Ends every session of a user but `keep_session_id`; returns how many ended.
    ///
    /// # Errors
    /// A storage code.
    pub fn invalidate_other_sessions(
        &self,
        user_id: &str,
        keep_session_id: &str,
    ) -> Result<usize, AuthError> {
        self.db.write(|tx| {
            Ok(sessions::delete_for_user(
                tx,
                user_id,
                Some(keep_session_id),
            )?)
        })
    }

    /// A user's sessions that are still alive at `now`, newest first
    /// [Lucia: `getAllUserSessions`].
    ///
    /// # Errors
    /// A storage code.
    ///
    /// # Examples
    ///
    /// ```
    /// use latchkey_engine::Password;
    /// # use latchkey_engine::{Accounts, Config, HashParams};
    /// # let dir = tempfile::tempdir()?;
    /// # let config = Config { hash: HashParams { m_kib: 64, t: 1, p: 1 }, ..Config::default() };
    /// # let accounts = Accounts::open(dir.path(), config)?;
    /// let now = 1_767_225_600_000; // Unix ms
    /// let password = Password::new("violet-Harbor-42");
    /// let here = accounts.sign_up("alice", &password, false, now)?;
    /// accounts.sign_in("alice", &password, false, now + 1_000)?; // elsewhere
    /// assert_eq!(accounts.list_user_sessions(&here.user.id, now + 2_000)?.len(), 2);
    ///
    /// // "Sign out everywhere else".
    /// accounts.invalidate_other_sessions(&here.user.id, &here.session.id)?;
    /// let left = accounts.list_user_sessions(&here.user.id, now + 3_000)?;
    /// assert_eq!(left.len(), 1);
    /// assert_eq!(left[0].id, here.session.id);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn list_user_sessions(&self, user_id: &str, now: i64) -> Result<Vec<Session>, AuthError> {
        let max = self.config.session.max_lifetime_ms;
        self.db
            .read(|c| sessions::live_for_user(c, user_id, now, max))
    }

    /// Deletes every dead session [Lucia: `deleteDeadUserSessions`]; returns how many.
    ///
    /// # Errors
    /// A storage code.
    pub fn delete_expired_sessions(&self, now: i64) -> Result<usize, AuthError> {
        let max = self.config.session.max_lifetime_ms;
        self.db.write(|tx| Ok(sessions::delete_dead(tx, now, max)?))
    }
}
