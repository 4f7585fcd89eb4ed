//! Who may act as an administrator: the role, checked from the session (never from the
//! window), and the administrator's password entered for an administrator action within
//! the last five minutes of this run. Shared by every use case with administrator actions.

use crate::accounts::Accounts;
use crate::credentials;
use crate::error::AuthError;
use crate::model::{Role, Session};
use crate::policy::rules;
use crate::secret::Password;
use crate::store::{sessions, users};

/// How long a password entry covers administrator actions (ms).
pub const REAUTH_WINDOW_MS: i64 = 5 * 60 * 1000;

impl Accounts {
    /// Checks that `session` belongs to an administrator whose password was entered in the
    /// last five minutes, or checks `password` now (counted for throttling) and renews that.
    ///
    /// # Errors
    /// `FORBIDDEN` for members; `REAUTH_REQUIRED` when the window passed and no password
    /// was given; `INVALID_CREDENTIALS`, `TOO_MANY_ATTEMPTS`, `INVALID_PASSWORD`.
    pub fn authorize_admin(
        &self,
        session: &Session,
        password: Option<&Password>,
        now: i64,
    ) -> Result<(), AuthError> {
        self.require_admin(session)?;
        let entered_at = self
            .db
            .read(|c| sessions::reauth_at(c, &session.id))?
            .unwrap_or(i64::MIN);
        if (entered_at..=entered_at.saturating_add(REAUTH_WINDOW_MS)).contains(&now) {
            return Ok(());
        }
        match password {
            Some(password) => self.confirm_password(session, password, now),
            None => Err(AuthError::ReauthRequired),
        }
    }

    pub(crate) fn require_admin(&self, session: &Session) -> Result<(), AuthError> {
        match self.db.read(|c| users::role(c, &session.user_id))? {
            Some(Role::Admin) => Ok(()),
            _ => Err(AuthError::Forbidden),
        }
    }

    /// Checks the session owner's password now (throttled like sign-in) and restarts the
    /// five-minute window.
    fn confirm_password(
        &self,
        session: &Session,
        password: &Password,
        now: i64,
    ) -> Result<(), AuthError> {
        let password = rules::login_password(password)?;
        let key = credentials::password_key(self, &session.user_id)?;
        let verified = credentials::check_password(self, &key, &password, now)?;
        self.db.write(|tx| {
            verified.settle(tx)?;
            sessions::set_reauth(tx, &session.id, now)?;
            Ok(())
        })
    }

    /// Checks that `session` belongs to an administrator and checks `password` now, even
    /// inside the five-minute window (for resets, deletions and turning two-step sign-in
    /// off), restarting the window.
    ///
    /// # Errors
    /// `FORBIDDEN` for members; `INVALID_CREDENTIALS`, `TOO_MANY_ATTEMPTS`,
    /// `INVALID_PASSWORD`.
    pub fn authorize_admin_with_password(
        &self,
        session: &Session,
        password: &Password,
        now: i64,
    ) -> Result<(), AuthError> {
        self.require_admin(session)?;
        self.confirm_password(session, password, now)
    }
}
