//! The password check that sign-in, password changes, account deletion and administrator
//! re-authentication share: throttled per key, with unknown names costing one dummy
//! verification so that neither the answer nor its timing tells whether an account exists.

use crate::accounts::Accounts;
use crate::error::AuthError;
use crate::policy::throttle;
use crate::store::audit::{self, EventKind};
use crate::store::{attempts, keys, KeyId};
use rusqlite::Connection;

/// A password check that succeeded: whose key it was and, when the stored hash is weaker
/// than the current parameters, its replacement.
pub(crate) struct Verified {
    /// The key's owner.
    pub(crate) user_id: String,
    /// The key that was checked.
    pub(crate) key: KeyId,
    /// The hash the password was checked against.
    pub(crate) old_hash: String,
    /// A hash at the current parameters, when the stored one is weaker.
    pub(crate) rehash: Option<String>,
}

impl Verified {
    /// Stores the upgraded hash, if any, unless the hash changed since it was verified.
    pub(crate) fn store_rehash(&self, c: &Connection) -> rusqlite::Result<()> {
        if let Some(rehash) = &self.rehash {
            if keys::replace_hash(c, &self.key, &self.old_hash, rehash)? {
                log::info!("password hash upgraded to the current parameters");
            }
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

/// Verifies `password` for `key` under throttling; records a failure when it is wrong.
///
/// # Errors
/// `TOO_MANY_ATTEMPTS` (no hash is run), `INVALID_CREDENTIALS`, or a storage code.
pub(crate) fn check_password(
    accounts: &Accounts,
    key: &KeyId,
    password: &str,
    now: i64,
) -> Result<Verified, AuthError> {
    let (recorded, row) = accounts
        .db
        .read(|c| Ok((attempts::get(c, key)?, keys::find(c, key)?)))?;
    if let Some(retry_after_secs) =
        recorded.and_then(|a| throttle::retry_after_secs(a.failures, a.last_failure_at, now))
    {
        return Err(AuthError::TooManyAttempts { retry_after_secs });
    }
    let hasher = &accounts.hasher;
    let matched = match row {
        Some(keys::KeyRow {
            user_id,
            hashed_password: Some(hash),
        }) => hasher.verify(&hash, password).then_some((user_id, hash)),
        _ => {
            hasher.verify_dummy(password);
            None
        }
    };
    let Some((user_id, old_hash)) = matched else {
        accounts.db.write(|tx| {
            attempts::add_failure(tx, key, now)?;
            audit::record(
                tx,
                now,
                EventKind::SignInFailed,
                Some(key.normalized_username()),
                None,
            )?;
            Ok(())
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
    })
}
