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
use crate::key_wraps::{self, Space};
use crate::policy::hashing::{Check, NewVerifier};
use crate::policy::sealing::SecretKey;
use crate::policy::tokens::keyed_digest;
use crate::policy::{recovery_codes, throttle, totp};
use crate::store::attempts::{self, ThrottleKey};
use crate::store::audit::{self, EventKind};
use crate::store::{data_keys, keys, recovery_codes as codes, users, KeyId, WriteError};
use rusqlite::Connection;

/// A password check that succeeded.
#[derive(Clone)]
pub(crate) struct Verified {
    /// The key's owner.
    pub(crate) user_id: String,
    /// The key that was checked.
    pub(crate) key: KeyId,
    /// The verifier the password was checked against.
    pub(crate) old_hash: String,
    /// The key the checked verifier gives (none for an older plain PHC hash).
    pub(crate) wrap_key: Option<SecretKey>,
    /// A verifier in Latchkey's format at the current parameters, when the stored one is
    /// older or has other parameters.
    pub(crate) rehash: Option<NewVerifier>,
    /// Consecutive failures recorded before this attempt.
    pub(crate) failures_before: u32,
    /// When the failure before this attempt was recorded, if any.
    pub(crate) previous_failure_at: Option<i64>,
    /// When this attempt was reserved (counted as a failure).
    pub(crate) reserved_at: i64,
    /// What the directory just said about a directory account, to record when settled.
    pub(crate) directory: Option<crate::directory_facts::DirectoryFacts>,
}

impl Verified {
    /// Inside the write that acts on the verified password: checks that the stored
    /// verifier is still the one checked (a password change or reset in between makes the
    /// password stale), clears the throttle, this attempt's reservation included, stores a
    /// verifier at the current parameters when needed, and opens the private space (see
    /// [`key_wraps::after_password`]).
    ///
    /// # Errors
    /// `INVALID_CREDENTIALS` when the verifier changed since it was checked;
    /// `DATA_CORRUPTED`; a storage code.
    pub(crate) fn settle(&self, c: &Connection) -> Result<Space, WriteError> {
        let stored = keys::find(c, &self.key)?.and_then(|k| k.hashed_password);
        if stored.as_deref() != Some(self.old_hash.as_str()) {
            return Err(AuthError::InvalidCredentials.into());
        }
        attempts::clear(c, &ThrottleKey::from(&self.key))?;
        if let Some(facts) = &self.directory {
            facts.record(c, &self.user_id)?;
        }
        if let Some(rehash) = &self.rehash {
            keys::replace_hash(c, &self.key, &self.old_hash, &rehash.stored)?;
            log::info!("password verifier moved to the current format and parameters");
        }
        let current = self.rehash.as_ref().map(|r| &r.wrap_key);
        key_wraps::after_password(
            c,
            &self.user_id,
            self.wrap_key.as_ref(),
            current.or(self.wrap_key.as_ref()),
            self.reserved_at,
        )
    }
}

impl Verified {
    /// The key the password wraps the data key with from now on: the new verifier's when
    /// the stored one was just replaced, else the checked one's.
    ///
    /// # Errors
    /// `INTERNAL` when neither gives a key (cannot happen: a replaced verifier always does).
    pub(crate) fn password_wrap_key(&self) -> Result<&SecretKey, AuthError> {
        self.rehash
            .as_ref()
            .map(|r| &r.wrap_key)
            .or(self.wrap_key.as_ref())
            .ok_or(AuthError::Internal)
    }
}

/// Checks the password of a signed-in `user_id` (see [`check_password`]).
///
/// # Errors
/// `INVALID_PASSWORD` for input no password could be; as [`check_password`].
pub(crate) fn check_user_password(
    accounts: &Accounts,
    user_id: &str,
    password: &crate::secret::Password,
    now: i64,
) -> Result<Verified, AuthError> {
    let password = crate::policy::rules::login_password(password)?;
    let key = password_key(accounts, user_id)?;
    check_password(accounts, &key, &password, now)
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
    /// When the failure before this attempt was recorded, if any.
    pub(crate) previous_failure_at: Option<i64>,
    /// The counter the attempt was counted on (the key's, or an unknown name's).
    pub(crate) throttle: ThrottleKey,
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
            previous_failure_at: before.map(|a| a.last_failure_at),
            throttle,
        })
    })
}

/// Reserves one attempt at the second step of a sign-in whose password was right: refused
/// past the account's hard stop, and while the second step's own counter imposes a wait
/// (so that strangers guessing passwords cannot make the owner's code wait); counted as a
/// failure on both counters until the code is found right.
///
/// # Errors
/// `ACCOUNT_LOCKED`, `TOO_MANY_ATTEMPTS`; a storage code.
pub(crate) fn reserve_second_step(
    accounts: &Accounts,
    key: &KeyId,
    now: i64,
) -> Result<(), AuthError> {
    let shared = ThrottleKey::from(key);
    let own = ThrottleKey::SecondStep(key.clone());
    accounts.db.write(|tx| {
        if attempts::get(tx, &shared)?.is_some_and(|a| throttle::is_hard_stopped(a.failures)) {
            return Err(AuthError::AccountLocked.into());
        }
        if let Some(a) = attempts::get(tx, &own)? {
            if let Some(retry_after_secs) =
                throttle::retry_after_secs(a.failures, a.last_failure_at, now)
            {
                return Err(AuthError::TooManyAttempts { retry_after_secs }.into());
            }
        }
        attempts::add_failure(tx, &shared, now)?;
        attempts::add_failure(tx, &own, now)?;
        Ok(())
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
        previous_failure_at,
        ..
    } = reserve(accounts, key, now, true)?;
    let hasher = &accounts.hasher;
    let (user_id, hash) = match row {
        Some(keys::KeyRow {
            user_id,
            hashed_password: Some(hash),
        }) => (Some(user_id), Some(hash)),
        _ => (None, None),
    };
    let check = match &hash {
        Some(hash) => hasher.check(hash, password),
        None => Check {
            matched: hasher.verify_dummy(password),
            wrap_key: None,
        },
    };
    let (Some(user_id), Some(old_hash), true) = (user_id.clone(), hash, check.matched) else {
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
        wrap_key: check.wrap_key,
        rehash,
        failures_before,
        previous_failure_at,
        reserved_at: now,
        directory: None,
    })
}

/// What answered the second step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SecondFactor {
    /// A code from the authenticator app.
    Authenticator,
    /// One of the person's recovery codes (now used up).
    RecoveryCode,
}

/// Checks the second step of a sign-in inside a write transaction: a 6-digit code from the
/// authenticator app (the current step or one either side, never a step used before), or
/// else one of the person's recovery codes (used up). `None`: neither.
///
/// # Errors
/// A SQLite failure.
pub(crate) fn check_second_factor(
    c: &Connection,
    user_id: &str,
    typed: &str,
    now: i64,
    data_key: Option<&SecretKey>,
) -> Result<Option<SecondFactor>, WriteError> {
    let digits: zeroize::Zeroizing<String> =
        zeroize::Zeroizing::new(typed.chars().filter(|c| !c.is_whitespace()).collect());
    if digits.len() == usize::from(totp::DIGITS) && digits.bytes().all(|b| b.is_ascii_digit()) {
        let Some((secret, last_step)) = key_wraps::totp_secret(c, user_id, data_key)? else {
            return Ok(None);
        };
        let used = match totp::matching_step(&secret, &digits, now) {
            Some(step) if step > last_step => users::use_totp_step(c, user_id, step)?,
            _ => false,
        };
        return Ok(used.then_some(SecondFactor::Authenticator));
    }
    Ok(use_recovery_code(c, user_id, typed)?.then_some(SecondFactor::RecoveryCode))
}

/// After a recovery code was used: a fresh set when it was the last one (to show once), so
/// that nobody is left without a way back.
///
/// # Errors
/// `INTERNAL` when the OS random source fails; a storage code.
pub(crate) fn renew_codes_if_used_up(
    c: &Connection,
    user_id: &str,
    now: i64,
    data_key: Option<&SecretKey>,
) -> Result<Option<crate::secret::RecoveryCodes>, WriteError> {
    if codes::count(c, user_id)? > 0 {
        return Ok(None);
    }
    issue_recovery_codes(c, user_id, now, data_key).map(Some)
}

/// Uses up one of the person's recovery codes, if `typed` is one: it signs in no more and
/// its wrapping of the data key is deleted.
///
/// # Errors
/// A SQLite failure.
pub(crate) fn use_recovery_code(
    c: &Connection,
    user_id: &str,
    typed: &str,
) -> rusqlite::Result<bool> {
    let Some(code) = recovery_codes::normalize(typed) else {
        return Ok(false);
    };
    let hash = recovery_codes::hash(user_id, &code);
    if !codes::take(c, user_id, &hash)? {
        return Ok(false);
    }
    // A used code opens nothing any more either.
    data_keys::delete(c, user_id, data_keys::WrapKind::RecoveryCode, &hash)?;
    Ok(true)
}

/// A fresh set of recovery codes for a user, replacing any earlier set, inside a write;
/// with the open private space's `data_key`, each code also opens it (without, the earlier
/// codes' wrappings stay: after a reset, they are what opens the sealed space).
///
/// # Errors
/// `INTERNAL` when the OS random source fails; a storage code.
pub(crate) fn issue_recovery_codes(
    c: &Connection,
    user_id: &str,
    now: i64,
    data_key: Option<&SecretKey>,
) -> Result<crate::secret::RecoveryCodes, WriteError> {
    let set = recovery_codes::new_set()?;
    let normalized: Vec<zeroize::Zeroizing<String>> = set
        .iter()
        .map(|code| recovery_codes::normalize(code).unwrap_or_default())
        .collect();
    let hashes: Vec<String> = normalized
        .iter()
        .map(|code| recovery_codes::hash(user_id, code))
        .collect();
    codes::replace(c, user_id, &hashes, now)?;
    if let Some(data_key) = data_key {
        key_wraps::wrap_for_codes(c, user_id, data_key, &normalized, now)?;
    }
    Ok(crate::secret::RecoveryCodes::new(set))
}
