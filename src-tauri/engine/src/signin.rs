//! Signing in (Lucia v2's `useKey`), and the recent accounts the sign-in screen offers.

use crate::accounts::Accounts;
use crate::credentials::{self, Verified};
use crate::error::AuthError;
use crate::model::SignedIn;
use crate::policy::rules::{self, Username};
use crate::policy::tokens;
use crate::secret::Password;
use crate::store::audit::{self, EventKind};
use crate::store::{recent, sessions, users, KeyId, WriteError};
use rusqlite::Connection;

impl Accounts {
    /// Checks a username and password [Lucia: `useKey`] and returns the user id.
    ///
    /// Unknown usernames cost one argon2id verification against a dummy hash and are
    /// throttled like real ones, so neither the answer nor its timing tells whether the
    /// account exists.
    ///
    /// # Errors
    /// `INVALID_USERNAME` or `INVALID_PASSWORD` for input no account could have;
    /// `INVALID_CREDENTIALS`; `TOO_MANY_ATTEMPTS` (no hash is run); a storage code.
    pub fn verify_credentials(
        &self,
        username: &str,
        password: &Password,
        now: i64,
    ) -> Result<String, AuthError> {
        let verified = self.check_login(username, password, now)?;
        self.db.write(|tx| record_success(tx, &verified, now))?;
        Ok(verified.user_id)
    }

    /// Checks credentials and creates a session, committing both together.
    ///
    /// # Errors
    /// As [`Accounts::verify_credentials`].
    pub fn sign_in(
        &self,
        username: &str,
        password: &Password,
        remember: bool,
        now: i64,
    ) -> Result<SignedIn, AuthError> {
        let verified = self.check_login(username, password, now)?;
        let token = tokens::new_token()?;
        let session = self
            .config
            .session
            .new_session(&token, &verified.user_id, remember, now);
        let user = self.db.write(|tx| {
            record_success(tx, &verified, now)?;
            recent::note(tx, &self.os_user, &verified.key, now)?;
            sessions::insert(tx, &session, &self.os_user)?;
            users::get(tx, &verified.user_id)?.ok_or_else(|| AuthError::InvalidCredentials.into())
        })?;
        Ok(SignedIn {
            user,
            session,
            token,
        })
    }

    fn check_login(
        &self,
        username: &str,
        password: &Password,
        now: i64,
    ) -> Result<Verified, AuthError> {
        let name = Username::parse(username)?;
        let password = rules::login_password(password)?;
        credentials::check_password(self, &KeyId::username(&name), &password, now)
    }

    /// The usernames (as typed at sign-up) recently signed in on this OS account, newest
    /// first. Deleted accounts are left out.
    ///
    /// # Errors
    /// A storage code.
    pub fn recent_accounts(&self) -> Result<Vec<String>, AuthError> {
        self.db.read(|c| recent::names(c, &self.os_user))
    }

    /// Removes a name from this OS account's recent list. Unknown names are fine.
    ///
    /// # Errors
    /// `INVALID_USERNAME` for a name no account could have; a storage code.
    pub fn forget_recent(&self, username: &str) -> Result<(), AuthError> {
        let key = KeyId::username(&Username::parse(username)?);
        self.db
            .write(|tx| Ok(recent::forget(tx, &self.os_user, &key)?))
    }
}

/// After a correct password at sign-in: settle the check (the password must still be the
/// current one), refuse an expired temporary password, stamp the sign-in with the failures
/// since the last visit (for the banner).
fn record_success(tx: &Connection, v: &Verified, now: i64) -> Result<(), WriteError> {
    v.settle(tx)?;
    let Some(user) = users::get(tx, &v.user_id)? else {
        return Err(AuthError::InvalidCredentials.into());
    };
    if user
        .temporary_password_expires_at
        .is_some_and(|until| now > until)
    {
        return Err(AuthError::TemporaryPasswordExpired.into());
    }
    users::record_sign_in(tx, &v.user_id, now, v.failures_before)?;
    let name = Some(user.username);
    audit::record(tx, now, EventKind::SignIn, name.as_deref(), None)?;
    Ok(())
}
