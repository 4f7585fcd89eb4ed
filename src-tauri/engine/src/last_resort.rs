//! The last way back for an administrator locked out for good (password forgotten, no
//! recovery code left, the authenticator lost, or past the hundred-failure stop, with no
//! other administrator to help): a reset from a shell of the OS account that runs Latchkey,
//! `latchkey --reset-administrator NAME`. Whoever has that shell can already copy and edit
//! the database (see the README's threat model), so this opens no new way in; it is
//! recorded in the activity log.
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
//! accounts.sign_up("alice", &Password::new("violet-Harbor-42"), false, now)?;
//! let temporary = accounts.reset_administrator_from_shell("alice", now + 1_000)?;
//! let signed = accounts.sign_in("alice", &temporary, false, now + 2_000)?;
//! assert!(signed.user.must_change_password);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use crate::accounts::Accounts;
use crate::error::AuthError;
use crate::model::Role;
use crate::password_reset;
use crate::policy::rules::Username;
use crate::secret::Password;
use crate::store::audit::{self, EventKind};
use crate::store::{keys, users, KeyId};

impl Accounts {
    /// Gives the administrator `username` a temporary password (24 hours, to be changed at
    /// the next sign-in), turns their two-step sign-in off, clears their failures and
    /// the hundred-failure stop, voids their recovery codes (new ones come with the new
    /// password) and ends their sessions. Returns the temporary password.
    ///
    /// # Errors
    /// `INVALID_USERNAME`; `ACCOUNT_NOT_FOUND` when no account has that name; `FORBIDDEN`
    /// when it is not an administrator's; `INTERNAL` when the OS random source fails; a
    /// storage code.
    pub fn reset_administrator_from_shell(
        &self,
        username: &str,
        now: i64,
    ) -> Result<Password, AuthError> {
        let key = KeyId::username(&Username::parse(username)?);
        let user_id = self
            .db
            .read(|c| keys::find(c, &key))?
            .map(|row| row.user_id)
            .ok_or(AuthError::AccountNotFound)?;
        if self.db.read(|c| users::role(c, &user_id))? != Some(Role::Admin) {
            return Err(AuthError::Forbidden);
        }
        if self
            .db
            .read(|c| crate::store::directory_accounts::get(c, &user_id))?
            .is_some()
        {
            return Err(AuthError::DirectoryAccount);
        }
        let temporary = password_reset::temporary_password()?;
        let hash = self.hasher.hash(temporary.expose())?;
        self.db.write(|tx| {
            password_reset::apply(tx, &key, &user_id, &hash, None, now)?;
            users::set_totp(tx, &user_id, None, 0, now)?;
            let name = users::username(tx, &user_id)?;
            audit::record(tx, now, EventKind::ShellReset, name.as_deref(), None)?;
            Ok(())
        })?;
        self.db.wipe_replaced();
        log::warn!("an administrator's password was reset from the OS account's shell");
        Ok(temporary)
    }
}
