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
use crate::policy::tokens::keyed_digest;
use crate::policy::{recovery_codes, throttle, totp};
use crate::store::attempts::{self, ThrottleKey};
use crate::store::audit::{self, EventKind};
use crate::store::{keys, recovery_codes as codes, users, KeyId, WriteError};
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

/// An attempt counted (as a failure until it succeeds) against a key.
pub(crate) struct Reservation {
    /// The key's owner and hash, when the key exists.
    pub(crate) row: Option<keys::KeyRow>,
    /// Consecutive failures recorded before this attempt.
    pub(crate) failures_before: u32,
}

/// Reserves one attempt against `key` (see the module's documentation). `hard_stop`: refuse
/// an account past a hundred failures (everything but recovery codes does).
///
/// # Errors
/// `TOO_MANY_ATTEMPTS` while a wait applies, `ACCOUNT_LOCKED` past the hard stop; a storage
/// code.
pub(crate) fn reserve(
    accounts: &Accounts,
    key: &KeyId,
    now: i64,
    hard_stop: bool,
) -> Result<Reservation, AuthError> {
    accounts.db.write(|tx| {
        let row = keys::find(tx, key)?;
        let throttle = match row {
            Some(_) => ThrottleKey::from(key),
            None => ThrottleKey::Unknown(keyed_digest(
                accounts.throttle_secret.expose(),
                key.normalized_username(),
            )),
        };
        let before = attempts::get(tx, &throttle)?;
        if let Some(a) = before {
            if hard_stop && throttle::is_hard_stopped(a.failures) {
                return Err(AuthError::AccountLocked.into());
            }
            if let Some(retry_after_secs) =
                throttle::retry_after_secs(a.failures, a.last_failure_at, now)
            {
                return Err(AuthError::TooManyAttempts { retry_after_secs }.into());
            }
        }
        attempts::add_failure(tx, &throttle, now)?;
        Ok(Reservation {
            row,
            failures_before: before.map_or(0, |a| a.failures),
        })
    })
}

/// Records in the log that a check failed (naming the account only when it exists).
pub(crate) fn record_failure(
    accounts: &Accounts,
    user_id: Option<&str>,
    now: i64,
) -> Result<(), AuthError> {
    accounts.db.write(|tx| {
        let name = match user_id {
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
    })
}

/// Verifies `password` for `key` under throttling (see the module's documentation). The
/// caller must [`Verified::settle`] a success inside the write that acts on it.
///
/// # Errors
/// `TOO_MANY_ATTEMPTS` or `ACCOUNT_LOCKED` (no hash is run), `INVALID_CREDENTIALS`, or a
/// storage code.
pub(crate) fn check_password(
    accounts: &Accounts,
    key: &KeyId,
    password: &str,
    now: i64,
) -> Result<Verified, AuthError> {
    let Reservation {
        row,
        failures_before,
    } = reserve(accounts, key, now, true)?;
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
        record_failure(accounts, user_id.as_deref(), now)?;
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

/// Checks the second step of a sign-in inside a write transaction: a 6-digit code from the
/// authenticator app (the current step or one either side, never a step used before), or
/// else one of the person's recovery codes (used up).
///
/// # Errors
/// A SQLite failure.
pub(crate) fn check_second_factor(
    c: &Connection,
    user_id: &str,
    typed: &str,
    now: i64,
) -> rusqlite::Result<bool> {
    let digits: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
    if digits.len() == usize::from(totp::DIGITS) && digits.bytes().all(|b| b.is_ascii_digit()) {
        let Some((secret, last_step)) = users::totp(c, user_id)? else {
            return Ok(false);
        };
        let secret = zeroize::Zeroizing::new(secret);
        return match totp::matching_step(&secret, &digits, now) {
            Some(step) if step > last_step => users::use_totp_step(c, user_id, step),
            _ => Ok(false),
        };
    }
    use_recovery_code(c, user_id, typed)
}

/// Uses up one of the person's recovery codes, if `typed` is one.
///
/// # Errors
/// A SQLite failure.
pub(crate) fn use_recovery_code(
    c: &Connection,
    user_id: &str,
    typed: &str,
) -> rusqlite::Result<bool> {
    match recovery_codes::normalize(typed) {
        Some(code) => codes::take(c, user_id, &recovery_codes::hash(user_id, &code)),
        None => Ok(false),
    }
}

/// A fresh set of recovery codes for a user, replacing any earlier set, inside a write.
///
/// # Errors
/// `INTERNAL` when the OS random source fails; a storage code.
pub(crate) fn issue_recovery_codes(
    c: &Connection,
    user_id: &str,
    now: i64,
) -> Result<crate::secret::RecoveryCodes, WriteError> {
    let set = recovery_codes::new_set()?;
    let hashes: Vec<String> = set
        .iter()
        .map(|code| {
            let normalized = recovery_codes::normalize(code).unwrap_or_default();
            recovery_codes::hash(user_id, &normalized)
        })
        .collect();
    codes::replace(c, user_id, &hashes, now)?;
    Ok(crate::secret::RecoveryCodes::new(set))
}
