//! Administration of a shared computer by its first account: list accounts, reset a
//! password to a temporary one, unlock a throttled account, delete an account, read and
//! prune the audit log. Each action checks the role from the session (never from the UI)
//! and needs the administrator's password if it was not entered for an administrator action
//! in the last five minutes of this run; resetting and deleting always need it.

use crate::account_removal;
use crate::accounts::Accounts;
use crate::credentials;
use crate::error::AuthError;
use crate::model::{AccountSummary, AuthEvent, Session};
use crate::policy::{throttle, tokens};
use crate::secret::Password;
use crate::store::attempts::{self, ThrottleKey};
use crate::store::audit::{self, EventKind};
use crate::store::{keys, recovery_codes, sessions, users};
use rusqlite::Connection;

pub use crate::authorization::REAUTH_WINDOW_MS;

/// How long a temporary password works (ms).
pub const TEMPORARY_PASSWORD_VALID_MS: i64 = 24 * 3600 * 1000;

/// Characters of temporary passwords: no look-alikes (0/o, 1/l/i).
const TEMP_ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";

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
        let rows = self.db.read(users::all_with_attempts)?;
        Ok(rows
            .into_iter()
            .map(|(user, failures, last_failure_at)| AccountSummary {
                user_id: user.id,
                username: user.username,
                role: user.role,
                created_at: user.created_at,
                last_login_at: user.last_login_at,
                failed_attempts: failures,
                locked_for_secs: throttle::retry_after_secs(failures, last_failure_at, now),
                must_change_password: user.must_change_password,
                temporary_password_expires_at: user.temporary_password_expires_at,
                two_step: user.two_step_since.is_some(),
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
        self.authorize_admin_with_password(admin, password, now)?;
        if target == admin.user_id {
            return Err(AuthError::CannotTargetSelf);
        }
        let key =
            credentials::password_key(self, target).map_err(|_| AuthError::AccountNotFound)?;
        let groups: Vec<String> = (0..4)
            .map(|_| tokens::random_string(TEMP_ALPHABET, 4))
            .collect::<Result<_, _>>()?;
        let temporary = Password::new(groups.join("-"));
        let hash = self.hasher.hash(temporary.expose())?;
        self.db.write(|tx| {
            keys::set_hash(tx, &key, &hash)?;
            users::set_temporary_password(tx, target, Some(now + TEMPORARY_PASSWORD_VALID_MS))?;
            sessions::delete_for_user(tx, target, None)?;
            attempts::clear(tx, &ThrottleKey::from(&key))?;
            recovery_codes::delete_all(tx, target)?;
            record_admin_action(tx, now, EventKind::PasswordReset, &admin.user_id, target)?;
            Ok(())
        })?;
        self.db.wipe_replaced();
        log::info!("temporary password set by an administrator");
        Ok(temporary)
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
