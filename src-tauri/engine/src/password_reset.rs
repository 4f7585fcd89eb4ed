//! Resetting a password to a temporary one: shared by the administrator's reset and the
//! last-resort reset from the OS account's shell.

use crate::error::AuthError;
use crate::key_wraps;
use crate::policy::hashing::NewVerifier;
use crate::policy::sealing::SecretKey;
use crate::policy::tokens;
use crate::secret::Password;
use crate::store::attempts::{self, ThrottleKey};
use crate::store::data_keys::{self, WrapKind};
use crate::store::{keys, recovery_codes, sessions, users, KeyId, WriteError};
use rusqlite::Connection;

/// How long a temporary password works (ms).
pub const TEMPORARY_PASSWORD_VALID_MS: i64 = 24 * 3600 * 1000;

/// Characters of temporary passwords: no look-alikes (0/o, 1/l/i).
const TEMP_ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";

/// A new temporary password: four groups of four characters (79 bits).
///
/// # Errors
/// `INTERNAL` when the OS random source fails.
pub(crate) fn temporary_password() -> Result<Password, AuthError> {
    let groups: Vec<zeroize::Zeroizing<String>> = (0..4)
        .map(|_| tokens::random_string(TEMP_ALPHABET, 4).map(zeroize::Zeroizing::new))
        .collect::<Result<_, _>>()?;
    let joined: Vec<&str> = groups.iter().map(|g| g.as_str()).collect();
    Ok(Password::new(joined.join("-")))
}

/// Inside a write: gives `user_id` (whose password key is `key`) the temporary password
/// whose new verifier is `hash`, valid for 24 hours and to be changed at the next sign-in;
/// ends every session of theirs, clears their failures (the hundred-failure stop included)
/// and voids their recovery codes for signing in (new ones come with the new password).
/// With `data_key` (escrow), the private space is rewrapped for the temporary password;
/// without, it is sealed: the old password's wrapping is removed, two-step sign-in (whose
/// secret is sealed) is turned off, and only the person's recovery codes open it again.
///
/// # Errors
/// `INTERNAL`; a storage code.
pub(crate) fn apply(
    tx: &Connection,
    key: &KeyId,
    user_id: &str,
    hash: &NewVerifier,
    data_key: Option<&SecretKey>,
    now: i64,
) -> Result<(), WriteError> {
    keys::set_hash(tx, key, &hash.stored)?;
    match data_key {
        Some(data_key) => {
            key_wraps::wrap_for_password(tx, user_id, data_key, &hash.wrap_key, now)?;
            users::set_space_sealed(tx, user_id, None)?;
        }
        None => {
            data_keys::delete(tx, user_id, WrapKind::Password, "")?;
            if data_keys::exists(tx, user_id)? {
                users::set_space_sealed(tx, user_id, Some(now))?;
            } else {
                // Nothing opens the old key any more: what it sealed goes, and the next
                // password makes a new, empty space.
                key_wraps::erase_sealed_data(tx, user_id, now)?;
                users::set_space_sealed(tx, user_id, None)?;
            }
            users::set_totp(tx, user_id, None, 0, now)?;
        }
    }
    users::set_temporary_password(tx, user_id, Some(now + TEMPORARY_PASSWORD_VALID_MS))?;
    sessions::delete_for_user(tx, user_id, None)?;
    attempts::clear(tx, &ThrottleKey::from(key))?;
    attempts::clear(tx, &ThrottleKey::SecondStep(key.clone()))?;
    recovery_codes::delete_all(tx, user_id)?;
    Ok(())
}
