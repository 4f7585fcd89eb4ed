//! Key escrow, off unless the administrator turns it on for the computer: an X25519 key
//! pair whose private half is wrapped by that administrator's data key; every member's
//! data key is wrapped to its public half (at sign-up, or at their first password after it
//! was turned on), so that an administrator's password reset keeps their private data
//! instead of sealing it. Every member is shown that it is on (the profile and sign-up say
//! so); turning it off deletes every escrow wrapping.
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
//! let admin = accounts.sign_up("alice", &password, false, now)?;
//! let admin_key = admin.data_key.as_ref();
//! accounts.admin_set_key_escrow(&admin.session, admin_key, true, &password, now)?;
//! assert!(accounts.key_escrow_on()?);
//!
//! // A member's data key is wrapped for the escrow key too: a reset keeps their data.
//! let bob = accounts.sign_up("bob_42", &Password::new("amber-Lantern-77"), false, now)?;
//! let (temporary, kept) = accounts.admin_reset_password_keeping_data(
//!     &admin.session, admin_key, &bob.user.id, &password, now + 1_000,
//! )?;
//! assert!(kept);
//! let back = accounts.sign_in("bob_42", &temporary, false, now + 2_000)?;
//! assert_eq!(back.data_key, bob.data_key);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use crate::accounts::Accounts;
use crate::error::AuthError;
use crate::model::Session;
use crate::policy::escrow_keys as escrow;
use crate::policy::sealing::{Purpose, SecretKey};
use crate::secret::Password;
use crate::store::audit::{self, EventKind};
use crate::store::data_keys::{self, WrapKind};
use crate::store::{settings, users, WriteError};
use rusqlite::Connection;

impl Accounts {
    /// Whether key escrow is on for this computer (the administrator can recover members'
    /// private data).
    ///
    /// # Errors
    /// A storage code.
    pub fn key_escrow_on(&self) -> Result<bool, AuthError> {
        self.db
            .read(|c| settings::escrow_public_key(c).map(|k| k.is_some()))
    }

    /// Administrators: turns key escrow on (a new key pair, its private half wrapped by
    /// `admin_key`, the administrator's open data key) or off (every escrow wrapping is
    /// deleted); always needs the administrator's password.
    ///
    /// # Errors
    /// As [`Accounts::authorize_admin_with_password`]; `PRIVATE_SPACE_SEALED` when turning
    /// it on without the administrator's data key; a storage code.
    pub fn admin_set_key_escrow(
        &self,
        admin: &Session,
        admin_key: Option<&SecretKey>,
        on: bool,
        password: &Password,
        now: i64,
    ) -> Result<(), AuthError> {
        self.authorize_admin_with_password(admin, password, now)?;
        if !on {
            self.db
                .write(|tx| turn_off(tx, Some(&admin.user_id), now))?;
            self.db.wipe_replaced();
            return Ok(());
        }
        let admin_key = admin_key.ok_or(AuthError::PrivateSpaceSealed)?;
        let (private, public) = escrow::new_pair()?;
        let wrapped = admin_key.wrap(&private, Purpose::EscrowPrivateKey, &admin.user_id, "")?;
        self.db.write(|tx| {
            data_keys::delete_every_escrow(tx)?;
            data_keys::put(tx, &admin.user_id, WrapKind::EscrowKey, "", &wrapped, now)?;
            settings::set_escrow_public_key(tx, Some(&public))?;
            let actor = users::username(tx, &admin.user_id)?;
            audit::record(tx, now, EventKind::EscrowOn, None, actor.as_deref())?;
            Ok(())
        })
    }
}

/// Inside a write: turns key escrow off (every escrow wrapping and the escrow key deleted),
/// recording who did (`None`: it ended because its holder's key went away).
///
/// # Errors
/// A storage code.
pub(crate) fn turn_off(tx: &Connection, actor: Option<&str>, now: i64) -> Result<(), WriteError> {
    if settings::escrow_public_key(tx)?.is_none() {
        return Ok(());
    }
    data_keys::delete_every_escrow(tx)?;
    settings::set_escrow_public_key(tx, None)?;
    let actor = match actor {
        Some(id) => users::username(tx, id)?,
        None => None,
    };
    audit::record(tx, now, EventKind::EscrowOff, None, actor.as_deref())?;
    Ok(())
}

/// Inside a write, before `user_id`'s data key goes away (deleting the account, starting
/// over): when they hold the escrow key, escrow ends with it.
///
/// # Errors
/// A storage code.
pub(crate) fn end_if_held_by(tx: &Connection, user_id: &str, now: i64) -> Result<(), WriteError> {
    if data_keys::get(tx, user_id, WrapKind::EscrowKey, "")?.is_some() {
        turn_off(tx, None, now)?;
    }
    Ok(())
}
