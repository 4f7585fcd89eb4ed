//! Self-service for a signed-in person: change the password, delete the account. Each needs
//! the current password.
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
//! let (old, new) = (Password::new("violet-Harbor-42"), Password::new("amber-Lantern-77"));
//! let alice = accounts.sign_up("alice", &old, false, now)?;
//!
//! // Keeps this session, ends the others.
//! let keep = Some(alice.session.id.as_str());
//! accounts.change_password(&alice.user.id, &old, &new, keep, now + 1_000)?;
//! assert!(accounts.sign_in("alice", &new, false, now + 2_000).is_ok());
//!
//! accounts.delete_user(&alice.user.id, &new, now + 3_000)?;
//! assert!(accounts.get_user(&alice.user.id)?.is_none());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use crate::account_removal;
use crate::accounts::Accounts;
use crate::credentials;
use crate::error::{AuthError, Problem};
use crate::key_wraps;
use crate::policy::rules;
use crate::secret::{Password, RecoveryCodes};
use crate::store::audit::{self, EventKind};
use crate::store::{keys, sessions, users};

impl Accounts {
    /// Replaces a user's password after checking the current one, ends every other session
    /// of that user (all of them when `keep_session_id` is `None`), and lifts a forced
    /// change. The old hash is wiped from the file and the WAL. After a forced change (an
    /// administrator's reset voided the recovery codes), returns a new set to show.
    ///
    /// # Errors
    /// `INVALID_CREDENTIALS` for a wrong current password (counted for throttling),
    /// `TOO_MANY_ATTEMPTS`, the new-password rule codes (also when the new password equals
    /// the current one), `NOT_AUTHENTICATED` for an unknown user, or a storage code.
    pub fn change_password(
        &self,
        user_id: &str,
        current: &Password,
        new: &Password,
        keep_session_id: Option<&str>,
        now: i64,
    ) -> Result<Option<RecoveryCodes>, AuthError> {
        if self
            .db
            .read(|c| crate::store::directory_accounts::get(c, user_id))?
            .is_some()
        {
            return Err(AuthError::DirectoryAccount);
        }
        let key = credentials::password_key(self, user_id)?;
        let current = rules::login_password(current)?;
        let new = rules::new_password(new, key.normalized_username())?;
        if *new == *current {
            return Err(AuthError::WeakPassword(Problem::PasswordUnchanged));
        }
        let verified = credentials::check_password(self, &key, &current, now)?;
        if verified.user_id != user_id {
            return Err(AuthError::Internal);
        }
        let hash = self.hasher.hash(&new)?;
        let codes = self.db.write(|tx| {
            let space = verified.settle(tx)?;
            let forced = users::get(tx, user_id)?.is_some_and(|u| u.must_change_password);
            keys::set_hash(tx, &key, &hash.stored)?;
            // Only the data key is rewrapped: the time does not grow with the data.
            if let Some(data_key) = space.key() {
                key_wraps::wrap_for_password(tx, user_id, data_key, &hash.wrap_key, now)?;
            }
            users::set_temporary_password(tx, user_id, None)?;
            sessions::delete_for_user(tx, user_id, keep_session_id)?;
            let name = users::username(tx, user_id)?;
            audit::record(tx, now, EventKind::PasswordChanged, name.as_deref(), None)?;
            match forced {
                true => Ok(Some(credentials::issue_recovery_codes(
                    tx,
                    user_id,
                    now,
                    space.key(),
                )?)),
                false => Ok(None),
            }
        })?;
        self.db.wipe_replaced();
        log::info!("password changed");
        Ok(codes)
    }

    /// Deletes a user, its keys and its sessions after checking its password. The last
    /// administrator cannot delete their account while other accounts exist.
    ///
    /// # Errors
    /// `LAST_ADMINISTRATOR`, `INVALID_CREDENTIALS`, `TOO_MANY_ATTEMPTS`, `INVALID_PASSWORD`,
    /// `NOT_AUTHENTICATED` for an unknown user, or a storage code.
    pub fn delete_user(
        &self,
        user_id: &str,
        password: &Password,
        now: i64,
    ) -> Result<(), AuthError> {
        let key = credentials::password_key(self, user_id)?;
        let password = rules::login_password(password)?;
        if self
            .db
            .read(|c| users::is_last_admin_among_others(c, user_id))?
        {
            return Err(AuthError::LastAdministrator);
        }
        let verified = credentials::check_password(self, &key, &password, now)?;
        self.db.write(|tx| {
            verified.settle(tx)?;
            account_removal::delete_account(tx, &verified.user_id, None, now)
        })?;
        self.db.wipe_replaced();
        log::info!("account deleted");
        Ok(())
    }
}
