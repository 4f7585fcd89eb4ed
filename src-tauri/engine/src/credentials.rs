//! The password check that sign-in, password changes, account deletion and administrator
//! re-authentication share.
//!
//! Each attempt is a reservation: one `BEGIN IMMEDIATE` transaction reads the throttle
//! state, refuses when a wait applies, and otherwise counts the attempt as a failure before
//! any hash runs; a correct password then clears the count in the caller's own write. So
//! attempts sent at once during a wait get no verification. Unknown names cost one dummy
//! verification and are throttled alike, under a keyed hash of the name (never the name:
//! people type passwords into the username field).

use crate::accounts::Accounts;
use crate::error::AuthError;
use crate::policy::throttle;
use crate::policy::tokens::keyed_digest;
use crate::store::attempts::{self, ThrottleKey};
use crate::store::audit::{self, EventKind};
use crate::store::{keys, users, KeyId, WriteError};
use rusqlite::Connection;

/// A password check that succeeded.
pub(crate) struct Verified {
    /// The key's owner.
    pub(crate) user_id: String,
    /// The key that was checked.
    pub(crate) key: KeyId,
    /// The hash the password was checked against.
    pub(crate) old_hash: String,
    /// A hash at the current parameters, when the stored one has others.
    pub(crate) rehash: Option<String>,
    /// Consecutive failures recorded before this attempt.
    pub(crate) failures_before: u32,
}

impl Verified {
    /// Inside the write that acts on the verified password: checks that the stored hash is
    /// still the one verified (a password change or reset in between makes the password
    /// stale), clears the throttle, this attempt's reservation included, and stores the
    /// hash at the current parameters.
    ///
    /// # Errors
    /// `INVALID_CREDENTIALS` when the hash changed since it was verified; a storage code.
    pub(crate) fn settle(&self, c: &Connection) -> Result<(), WriteError> {
        let stored = keys::find(c, &self.key)?.and_then(|k| k.hashed_password);
        if stored.as_deref() != Some(self.old_hash.as_str()) {
            return Err(AuthError::InvalidCredentials.into());
        }
        attempts::clear(c, &ThrottleKey::from(&self.key))?;
        if let Some(rehash) = &self.rehash {
            keys::replace_hash(c, &self.key, &self.old_hash, rehash)?;
            log::info!("password hash moved to the current parameters");
        }
        Ok(())
    }
}

/// The username key of a user (the one its password is checked against).
///
/// # Errors
/// `NOT_AUTHENTICATED` when the user has none (it was deleted); a storage code.
pub(crate) fn password_key(accounts: &Accounts, user_id: &str) -> Result<KeyId, AuthError> {
    accounts
        .db
        .read(|c| keys::of_user(c, user_id))?
        .ok_or(AuthError::NotAuthenticated)
}

/// Verifies `password` for `key` under throttling (see the module's documentation). The
/// caller must [`Verified::settle`] a success inside the write that acts on it.
///
/// # Errors
/// `TOO_MANY_ATTEMPTS` (no hash is run), `INVALID_CREDENTIALS`, or a storage code.
pub(crate) fn check_password(
    accounts: &Accounts,
    key: &KeyId,
    password: &str,
    now: i64,
) -> Result<Verified, AuthError> {
    let (row, failures_before) = accounts.db.write(|tx| {
        let row = keys::find(tx, key)?;
        let throttle = match row {
            Some(_) => ThrottleKey::from(key),
            None => ThrottleKey::Unknown(keyed_digest(
                accounts.throttle_secret.expose(),
                key.normalized_username(),
            )),
        };
        let before = attempts::get(tx, &throttle)?;
        if let Some(retry_after_secs) =
            before.and_then(|a| throttle::retry_after_secs(a.failures, a.last_failure_at, now))
        {
            return Err(AuthError::TooManyAttempts { retry_after_secs }.into());
        }
        attempts::add_failure(tx, &throttle, now)?;
        Ok((row, before.map_or(0, |a| a.failures)))
    })?;
    let hasher = &accounts.hasher;
    let (user_id, hash) = match row {
        Some(keys::KeyRow {
            user_id,
            hashed_password: Some(hash),
        }) => (Some(user_id), Some(hash)),
        _ => (None, None),
    };
    let matched = match &hash {
        Some(hash) => hasher.verify(hash, password),
        None => hasher.verify_dummy(password),
    };
    let (Some(user_id), Some(old_hash), true) = (user_id.clone(), hash, matched) else {
        accounts.db.write(|tx| {
            let name = match &user_id {
                Some(id) => users::username(tx, id)?,
                None => None,
            };
            Ok(audit::record(
                tx,
                now,
                EventKind::SignInFailed,
                name.as_deref(),
                None,
            )?)
        })?;
        return Err(AuthError::InvalidCredentials);
    };
    let rehash = if hasher.needs_rehash(&old_hash) {
        hasher.hash(password).ok()
    } else {
        None
    };
    Ok(Verified {
        user_id,
        key: key.clone(),
        old_hash,
        rehash,
        failures_before,
    })
}
