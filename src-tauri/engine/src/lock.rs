//! Walk-away protection: a locked session keeps its place but is good for nothing but
//! unlocking (its owner's password, throttled like a sign-in) or signing out. The idle lock's
//! delay is a setting of the computer, set by the administrator.
//!
//! # Examples
//!
//! ```
//! use latchkey_engine::{LockAfter, Password};
//! # use latchkey_engine::{Accounts, Config, HashParams};
//! # let dir = tempfile::tempdir()?;
//! # let config = Config { hash: HashParams { m_kib: 64, t: 1, p: 1 }, ..Config::default() };
//! # let accounts = Accounts::open(dir.path(), config)?;
//! let now = 1_767_225_600_000; // Unix ms
//! let password = Password::new("violet-Harbor-42");
//! let signed = accounts.sign_up("alice", &password, false, now)?;
//! // Five minutes without input, unless the administrator chose otherwise.
//! let idle = accounts.lock_after()?;
//! assert_eq!(idle, LockAfter { secs: Some(300), overridden: false });
//!
//! accounts.lock_session(&signed.session.id, now + 300_000)?;
//! let session = accounts.validate_session(&signed.token, now + 301_000)?.ok_or("ended")?;
//! assert_eq!(session.locked_at, Some(now + 300_000));
//!
//! // The owner's password unlocks it, and opens the private space again.
//! let space = accounts.unlock_session(&session, &password, now + 302_000)?;
//! assert!(space.key().is_some());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use crate::accounts::Accounts;
use crate::credentials;
use crate::error::AuthError;
use crate::key_wraps::Space;
use crate::model::Session;
use crate::policy::rules;
use crate::secret::Password;
use crate::store::{sessions, settings};

/// The idle lock's delay when nobody set one: five minutes.
pub const DEFAULT_LOCK_AFTER_SECS: u64 = 5 * 60;
/// The delays an administrator may choose, in minutes (besides "never").
pub const LOCK_AFTER_MINUTES: std::ops::RangeInclusive<u32> = 1..=60;

/// The idle lock in force.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LockAfter {
    /// Seconds without input before the window locks; `None` is never.
    pub secs: Option<u64>,
    /// Whether `LATCHKEY_LOCK_AFTER_SECS` decides rather than the administrator.
    pub overridden: bool,
}

impl Accounts {
    /// Locks a session now (if it is not locked already); returns since when it is locked.
    ///
    /// # Errors
    /// `NOT_AUTHENTICATED` when the session has ended; a storage code.
    pub fn lock_session(&self, session_id: &str, now: i64) -> Result<i64, AuthError> {
        self.db.write(|tx| {
            let session = sessions::get(tx, session_id)?.ok_or(AuthError::NotAuthenticated)?;
            if let Some(since) = session.locked_at {
                return Ok(since);
            }
            sessions::set_locked(tx, session_id, Some(now))?;
            Ok(now)
        })
    }

    /// Unlocks a session with its owner's password, which also opens their private space
    /// (the data key comes back, for memory only). A wrong password counts toward that
    /// account's throttling exactly as a sign-in does. Nothing else is renewed.
    ///
    /// # Errors
    /// `INVALID_CREDENTIALS`, `TOO_MANY_ATTEMPTS`, `INVALID_PASSWORD`; `NOT_AUTHENTICATED`
    /// when the session has ended; a storage code.
    pub fn unlock_session(
        &self,
        session: &Session,
        password: &Password,
        now: i64,
    ) -> Result<Space, AuthError> {
        let password = rules::login_password(password)?;
        let key = credentials::password_key(self, &session.user_id)?;
        let verified = credentials::check_password(self, &key, &password, now)?;
        self.db.write(|tx| {
            let space = verified.settle(tx)?;
            if sessions::get(tx, &session.id)?.is_none() {
                return Err(AuthError::NotAuthenticated.into());
            }
            sessions::set_locked(tx, &session.id, None)?;
            Ok(space)
        })
    }

    /// The idle lock in force: `LATCHKEY_LOCK_AFTER_SECS` when set, else the administrator's
    /// setting, else five minutes.
    ///
    /// # Errors
    /// A storage code.
    pub fn lock_after(&self) -> Result<LockAfter, AuthError> {
        if let Some(secs) = self.config.lock_after_override_secs {
            return Ok(LockAfter {
                secs: (secs > 0).then_some(secs),
                overridden: true,
            });
        }
        let stored = self.db.read(settings::lock_after_secs)?;
        let secs = stored.unwrap_or(DEFAULT_LOCK_AFTER_SECS);
        Ok(LockAfter {
            secs: (secs > 0).then_some(secs),
            overridden: false,
        })
    }

    /// Administrators: sets the idle lock for the computer, `minutes` from 1 to 60, or
    /// `None` for never.
    ///
    /// # Errors
    /// As [`Accounts::authorize_admin`]; `INVALID_INPUT` for a delay outside 1–60 minutes.
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
    /// let admin = accounts.sign_up("alice", &password, false, now)?;
    /// let set = accounts.admin_set_lock_after(&admin.session, Some(15), Some(&password), now)?;
    /// assert_eq!(set.secs, Some(15 * 60));
    /// let never = accounts.admin_set_lock_after(&admin.session, None, None, now + 1_000)?;
    /// assert_eq!(never.secs, None); // within five minutes of the password: not asked again
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn admin_set_lock_after(
        &self,
        admin: &Session,
        minutes: Option<u32>,
        password: Option<&Password>,
        now: i64,
    ) -> Result<LockAfter, AuthError> {
        if minutes.is_some_and(|m| !LOCK_AFTER_MINUTES.contains(&m)) {
            return Err(AuthError::InvalidInput);
        }
        self.authorize_admin(admin, password, now)?;
        let secs = minutes.map_or(0, |m| u64::from(m) * 60);
        self.db
            .write(|tx| Ok(settings::set_lock_after_secs(tx, secs)?))?;
        self.lock_after()
    }

    /// The users whose sessions, kept across restarts, this OS account's app made (or an
    /// app before 0.2): whose tokens the keyring may hold. Empty: the keyring need not be
    /// asked at all.
    ///
    /// # Errors
    /// A storage code.
    pub fn kept_user_ids(&self) -> Result<Vec<String>, AuthError> {
        self.db.read(|c| sessions::kept_user_ids(c, &self.os_user))
    }
}
