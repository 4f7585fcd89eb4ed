//! Administration of a shared computer by its first account: list accounts, reset a
//! password to a temporary one, unlock a throttled account, delete an account, read and
//! prune the audit log. Each action checks the role from the session (never from the UI)
//! and needs the administrator's password if it was not entered for an administrator action
//! in the last five minutes of this run; resetting and deleting always need it.
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
//! let password = Password::new("violet-Harbor-42");
//! let admin = accounts.sign_up("alice", &password, false, now)?; // the first account
//! let bob = accounts.sign_up("bob_42", &Password::new("amber-Lantern-77"), false, now)?;
//!
//! // The password, entered now, covers the next five minutes of administrator actions.
//! let list = accounts.admin_list_accounts(&admin.session, Some(&password), now)?;
//! assert_eq!(list.len(), 2);
//! let events = accounts.admin_events(&admin.session, None, now + 60_000, 10)?;
//! assert_eq!(events[0].kind, "sign-up");
//!
//! // A reset always asks for it; Bob gets a temporary password, to change at sign-in.
//! let temporary = accounts.admin_reset_password(&admin.session, &bob.user.id, &password, now)?;
//! let signed = accounts.sign_in("bob_42", &temporary, false, now + 1_000)?;
//! assert!(signed.user.must_change_password);
//!
//! // Members are refused.
//! let refused = accounts.admin_list_accounts(&signed.session, None, now + 2_000);
//! assert_eq!(refused.unwrap_err().code(), "FORBIDDEN");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use crate::account_removal;
use crate::accounts::Accounts;
use crate::credentials;
use crate::error::AuthError;
use crate::key_wraps;
use crate::model::{AccountSummary, AuthEvent, Session};
use crate::password_reset;
use crate::policy::sealing::SecretKey;
use crate::policy::throttle;
use crate::secret::Password;
use crate::store::attempts::{self, ThrottleKey};
use crate::store::audit::{self, EventKind};
use crate::store::data_keys::{self, WrapKind};
use crate::store::{directory_accounts, users};
use rusqlite::Connection;

pub use crate::authorization::REAUTH_WINDOW_MS;

pub use crate::password_reset::TEMPORARY_PASSWORD_VALID_MS;

impl Accounts {
    /// Every account on the computer, oldest first.
    ///
    /// # Errors
    /// As [`Accounts::authorize_admin`]; a storage code.
    pub fn admin_list_accounts(
        &self,
        admin: &Session,
        password: Option<&Password>,
        now: i64,
    ) -> Result<Vec<AccountSummary>, AuthError> {
        self.authorize_admin(admin, password, now)?;
        let (rows, escrowed, directory) = self.db.read(|c| {
            let holds_escrow_key =
                data_keys::get(c, &admin.user_id, WrapKind::EscrowKey, "")?.is_some();
            let escrowed = match holds_escrow_key {
                true => data_keys::escrowed_users(c)?,
                false => Default::default(),
            };
            let directory = directory_accounts::ids(c)?;
            Ok((users::all_with_attempts(c)?, escrowed, directory))
        })?;
        Ok(rows
            .into_iter()
            .map(|(user, failures, last_failure_at)| AccountSummary {
                username: user.username,
                role: user.role,
                created_at: user.created_at,
                last_login_at: user.last_login_at,
                failed_attempts: failures,
                locked_for_secs: throttle::retry_after_secs(failures, last_failure_at, now),
                must_change_password: user.must_change_password,
                temporary_password_expires_at: user.temporary_password_expires_at,
                two_step: user.two_step_since.is_some(),
                private_data_recoverable: escrowed.contains(&user.id),
                directory: directory.contains(&user.id),
                user_id: user.id,
            })
            .collect())
    }

    /// Gives another account a temporary password, valid for 24 hours, that it must change
    /// at its next sign-in, ends its sessions at once and voids its recovery codes (it gets
    /// new ones with its new password). Always needs the administrator's
    /// password. Returns the temporary password, to tell that person.
    ///
    /// # Errors
    /// As [`Accounts::authorize_admin`] (with the password checked even inside the window);
    /// `CANNOT_TARGET_SELF`; `ACCOUNT_NOT_FOUND`.
    pub fn admin_reset_password(
        &self,
        admin: &Session,
        target: &str,
        password: &Password,
        now: i64,
    ) -> Result<Password, AuthError> {
        self.admin_reset_password_keeping_data(admin, None, target, password, now)
            .map(|(temporary, _)| temporary)
    }

    /// As [`Accounts::admin_reset_password`]; with key escrow on, the target escrowed and
    /// `admin_key` (the administrator's open data key, who holds the escrow key) given, the
    /// target's private space is rewrapped for the temporary password and nothing is lost.
    /// Returns the temporary password and whether the private data was kept (otherwise it
    /// stays sealed until one of the person's recovery codes opens it).
    ///
    /// # Errors
    /// As [`Accounts::admin_reset_password`]; `DATA_CORRUPTED`.
    pub fn admin_reset_password_keeping_data(
        &self,
        admin: &Session,
        admin_key: Option<&SecretKey>,
        target: &str,
        password: &Password,
        now: i64,
    ) -> Result<(Password, bool), AuthError> {
        self.authorize_admin_with_password(admin, password, now)?;
        if target == admin.user_id {
            return Err(AuthError::CannotTargetSelf);
        }
        if self
            .db
            .read(|c| directory_accounts::get(c, target))?
            .is_some()
        {
            return Err(AuthError::DirectoryAccount);
        }
        let key =
            credentials::password_key(self, target).map_err(|_| AuthError::AccountNotFound)?;
        let temporary = password_reset::temporary_password()?;
        let hash = self.hasher.hash(temporary.expose())?;
        let kept = self.db.write(|tx| {
            let data_key = match admin_key {
                Some(admin_key) => {
                    key_wraps::recover_by_escrow(tx, &admin.user_id, admin_key, target)?
                }
                None => None,
            };
            password_reset::apply(tx, &key, target, &hash, data_key.as_ref(), now)?;
            record_admin_action(tx, now, EventKind::PasswordReset, &admin.user_id, target)?;
            Ok(data_key.is_some())
        })?;
        self.db.wipe_replaced();
        log::info!("temporary password set by an administrator");
        Ok((temporary, kept))
    }

    /// Clears an account's failed sign-ins so it may try again at once (also after the
    /// hundred-failure stop).
    ///
    /// # Errors
    /// As [`Accounts::authorize_admin`]; `ACCOUNT_NOT_FOUND`.
    pub fn admin_unlock(
        &self,
        admin: &Session,
        target: &str,
        password: Option<&Password>,
        now: i64,
    ) -> Result<(), AuthError> {
        self.authorize_admin(admin, password, now)?;
        let key =
            credentials::password_key(self, target).map_err(|_| AuthError::AccountNotFound)?;
        self.db.write(|tx| {
            attempts::clear(tx, &ThrottleKey::from(&key))?;
            record_admin_action(tx, now, EventKind::Unlocked, &admin.user_id, target)?;
            Ok(())
        })
    }

    /// Deletes another account; always needs the administrator's password.
    ///
    /// # Errors
    /// As [`Accounts::authorize_admin`] (with the password checked even inside the window);
    /// `CANNOT_TARGET_SELF`; `ACCOUNT_NOT_FOUND`.
    pub fn admin_delete_account(
        &self,
        admin: &Session,
        target: &str,
        password: &Password,
        now: i64,
    ) -> Result<(), AuthError> {
        self.authorize_admin_with_password(admin, password, now)?;
        if target == admin.user_id {
            return Err(AuthError::CannotTargetSelf);
        }
        self.db.write(|tx| {
            let actor = users::username(tx, &admin.user_id)?;
            account_removal::delete_account(tx, target, actor.as_deref(), now)
        })?;
        self.db.wipe_replaced();
        log::info!("account deleted by an administrator");
        Ok(())
    }

    /// The latest audit events, newest first.
    ///
    /// # Errors
    /// As [`Accounts::authorize_admin`]; a storage code.
    pub fn admin_events(
        &self,
        admin: &Session,
        password: Option<&Password>,
        now: i64,
        limit: u32,
    ) -> Result<Vec<AuthEvent>, AuthError> {
        self.authorize_admin(admin, password, now)?;
        self.recent_events(limit)
    }

    /// The latest `limit` audit events, newest first (no role check: for tests and tools
    /// that own the database).
    ///
    /// # Errors
    /// A storage code.
    pub fn recent_events(&self, limit: u32) -> Result<Vec<AuthEvent>, AuthError> {
        self.db.read(|c| audit::latest(c, limit))
    }

    /// Deletes audit events older than 90 days and all but the newest 10,000; returns how
    /// many.
    ///
    /// # Errors
    /// A storage code.
    pub fn prune_events(&self, now: i64) -> Result<usize, AuthError> {
        self.db.write(|tx| Ok(audit::prune(tx, now)?))
    }
}

/// Records an administrator's action on another account in the audit log.
fn record_admin_action(
    tx: &Connection,
    now: i64,
    kind: EventKind,
    admin_id: &str,
    target_id: &str,
) -> rusqlite::Result<()> {
    let actor = users::username(tx, admin_id)?;
    let target = users::username(tx, target_id)?;
    audit::record(tx, now, kind, target.as_deref(), actor.as_deref())
}
