//! The private space's keys in the database, shared by the use cases that check a
//! password or a recovery code: unwrapping the data key after a right password (making one
//! for accounts that have none), rewrapping it for a new password or a new set of codes,
//! and the two-step secret sealed under it.

use crate::error::AuthError;
use crate::policy::escrow_keys as escrow;
use crate::policy::recovery_codes;
use crate::policy::sealing::{Aad, Purpose, SecretKey};
use crate::store::data_keys::{self, WrapKind};
use crate::store::{notes, private_values, settings, users, WriteError};
use rusqlite::Connection;
use zeroize::Zeroizing;

/// Where a person's private space stands after a check.
#[derive(Debug, PartialEq)]
pub enum Space {
    /// Open: the data key, for this run's memory only.
    Open(SecretKey),
    /// Sealed: the password given does not open it (an administrator's reset without
    /// escrow; a recovery code opens it).
    Sealed,
}

impl Space {
    /// The data key, when open.
    pub fn key(&self) -> Option<&SecretKey> {
        match self {
            Self::Open(key) => Some(key),
            Self::Sealed => None,
        }
    }

    /// The data key, when open.
    pub fn into_key(self) -> Option<SecretKey> {
        match self {
            Self::Open(key) => Some(key),
            Self::Sealed => None,
        }
    }
}

/// After a right password, inside the write that acts on it: unwraps the data key with the
/// password's key `checked` (the verifier checked), rewrapping it under `current` when the
/// verifier was just replaced; an account without a data key gets one, wrapped by
/// `current`, and its two-step secret, if kept in the clear, is sealed.
///
/// # Errors
/// `DATA_CORRUPTED` when the password's wrapping does not open; `INTERNAL`; a storage code.
pub(crate) fn after_password(
    tx: &Connection,
    user_id: &str,
    checked: Option<&SecretKey>,
    current: Option<&SecretKey>,
    now: i64,
) -> Result<Space, WriteError> {
    if users::space_sealed(tx, user_id)? {
        return Ok(Space::Sealed);
    }
    match data_keys::get(tx, user_id, WrapKind::Password, "")? {
        Some(wrapped) => {
            let Some(checked) = checked else {
                log::warn!("a data key is wrapped for a verifier that gives no key");
                return Ok(Space::Sealed);
            };
            let data_key = checked.unwrap_key(&wrapped, Purpose::PasswordWrap, user_id, "")?;
            if let Some(current) = current.filter(|c| !std::ptr::eq(*c, checked)) {
                wrap_for_password(tx, user_id, &data_key, current, now)?;
            }
            wrap_for_escrow(tx, user_id, &data_key, now)?;
            Ok(Space::Open(data_key))
        }
        None if data_keys::exists(tx, user_id)? => {
            // Only other wrappings (recovery codes, escrow): they are what opens it.
            users::set_space_sealed(tx, user_id, Some(now))?;
            Ok(Space::Sealed)
        }
        None => {
            let Some(current) = current.or(checked) else {
                return Ok(Space::Sealed);
            };
            // Nothing opens an earlier key any more: what was sealed under it is erased
            // already, and goes, so that the new space starts empty and whole.
            erase_sealed_data(tx, user_id, now)?;
            let data_key = create(tx, user_id, current, now)?;
            seal_clear_totp(tx, user_id, &data_key)?;
            log::info!("private space made for an account that had none");
            Ok(Space::Open(data_key))
        }
    }
}

/// A new data key for `user_id`, wrapped by the password's key.
///
/// # Errors
/// `INTERNAL` when the OS random source fails; a storage code.
pub(crate) fn create(
    tx: &Connection,
    user_id: &str,
    password_key: &SecretKey,
    now: i64,
) -> Result<SecretKey, WriteError> {
    let data_key = SecretKey::random()?;
    wrap_for_password(tx, user_id, &data_key, password_key, now)?;
    wrap_for_escrow(tx, user_id, &data_key, now)?;
    Ok(data_key)
}

/// While key escrow is on: wraps `user_id`'s data key for the escrow public key, unless it
/// is already (at sign-up, and at the first password after escrow was turned on).
///
/// # Errors
/// `INTERNAL`; a storage code.
pub(crate) fn wrap_for_escrow(
    tx: &Connection,
    user_id: &str,
    data_key: &SecretKey,
    now: i64,
) -> Result<(), WriteError> {
    let Some(public) = settings::escrow_public_key(tx)? else {
        return Ok(());
    };
    if data_keys::get(tx, user_id, WrapKind::Escrow, "")?.is_some() {
        return Ok(());
    }
    let wrapped = escrow::wrap(data_key, &public, user_id)?;
    data_keys::put(tx, user_id, WrapKind::Escrow, "", &wrapped, now)?;
    Ok(())
}

/// `member`'s data key recovered through escrow by `admin` (whose data key is
/// `admin_key`): `None` when escrow is off, `member` is not escrowed yet, or `admin` does
/// not hold the escrow key.
///
/// # Errors
/// `DATA_CORRUPTED`; a storage code.
pub(crate) fn recover_by_escrow(
    tx: &Connection,
    admin: &str,
    admin_key: &SecretKey,
    member: &str,
) -> Result<Option<SecretKey>, WriteError> {
    let (Some(private), Some(wrapped)) = (
        data_keys::get(tx, admin, WrapKind::EscrowKey, "")?,
        data_keys::get(tx, member, WrapKind::Escrow, "")?,
    ) else {
        return Ok(None);
    };
    let private = admin_key.unwrap_key(&private, Purpose::EscrowPrivateKey, admin, "")?;
    Ok(Some(escrow::unwrap(&private, &wrapped, member)?))
}

/// Stores `data_key` wrapped by a (new) password's key, replacing the earlier wrapping.
///
/// # Errors
/// `INTERNAL`; a storage code.
pub(crate) fn wrap_for_password(
    tx: &Connection,
    user_id: &str,
    data_key: &SecretKey,
    password_key: &SecretKey,
    now: i64,
) -> Result<(), WriteError> {
    let wrapped = password_key.wrap(data_key, Purpose::PasswordWrap, user_id, "")?;
    data_keys::put(tx, user_id, WrapKind::Password, "", &wrapped, now)?;
    Ok(())
}

/// Replaces the recovery codes' wrappings of `data_key` with one per code of a new set
/// (`codes`: normalized codes).
///
/// # Errors
/// `INTERNAL`; a storage code.
pub(crate) fn wrap_for_codes(
    tx: &Connection,
    user_id: &str,
    data_key: &SecretKey,
    codes: &[Zeroizing<String>],
    now: i64,
) -> Result<(), WriteError> {
    data_keys::delete_kind(tx, user_id, WrapKind::RecoveryCode)?;
    for code in codes {
        let name = recovery_codes::hash(user_id, code);
        let wrapped = SecretKey::from_recovery_code(user_id, code).wrap(
            data_key,
            Purpose::RecoveryWrap,
            user_id,
            &name,
        )?;
        data_keys::put(tx, user_id, WrapKind::RecoveryCode, &name, &wrapped, now)?;
    }
    Ok(())
}

/// The data key, opened with a typed recovery code; the code's wrapping is used up.
/// `None` when the code opens nothing (not one of the person's codes, or one made before
/// the private space).
///
/// # Errors
/// `DATA_CORRUPTED` when the wrapping was changed or moved; a storage code.
pub(crate) fn open_with_code(
    tx: &Connection,
    user_id: &str,
    typed: &str,
) -> Result<Option<SecretKey>, WriteError> {
    let Some(code) = recovery_codes::normalize(typed) else {
        return Ok(None);
    };
    let name = recovery_codes::hash(user_id, &code);
    let Some(wrapped) = data_keys::get(tx, user_id, WrapKind::RecoveryCode, &name)? else {
        return Ok(None);
    };
    let data_key = SecretKey::from_recovery_code(user_id, &code).unwrap_key(
        &wrapped,
        Purpose::RecoveryWrap,
        user_id,
        &name,
    )?;
    data_keys::delete(tx, user_id, WrapKind::RecoveryCode, &name)?;
    Ok(Some(data_key))
}

/// Whether every one of `user_id`'s current recovery codes opens their private space
/// (codes made before it, or while it was sealed by a reset, do not: a new set made with the
/// space open does).
///
/// # Errors
/// A SQLite failure.
pub(crate) fn codes_open_space(tx: &Connection, user_id: &str) -> rusqlite::Result<bool> {
    Ok(data_keys::codes_without_wrapping(tx, user_id)? == 0)
}

/// A two-step secret in the clear (wiped on drop) and the last step a code was used for.
pub(crate) type OpenTotp = (Zeroizing<Vec<u8>>, u64);

/// The two-step secret sealed for `user_id` under `data_key`.
///
/// # Errors
/// `INTERNAL`.
pub(crate) fn seal_totp(
    data_key: &SecretKey,
    user_id: &str,
    secret: &[u8],
) -> Result<Vec<u8>, AuthError> {
    data_key.seal(&Aad::new(Purpose::TotpSecret, user_id, ""), secret)
}

/// The two-step secret of `user_id` and the last step used, when two-step sign-in is on
/// and the secret can be read (in the clear from an older version, or sealed and
/// `data_key` given).
///
/// # Errors
/// `DATA_CORRUPTED` when the sealed secret does not open; a storage code.
pub(crate) fn totp_secret(
    c: &Connection,
    user_id: &str,
    data_key: Option<&SecretKey>,
) -> Result<Option<OpenTotp>, WriteError> {
    let Some(stored) = users::totp(c, user_id)? else {
        return Ok(None);
    };
    if let Some(clear) = stored.clear {
        return Ok(Some((Zeroizing::new(clear), stored.last_step)));
    }
    match (stored.sealed, data_key) {
        (Some(sealed), Some(key)) => {
            let aad = Aad::new(Purpose::TotpSecret, user_id, "");
            Ok(Some((key.open(&aad, &sealed)?, stored.last_step)))
        }
        _ => Ok(None),
    }
}

/// Deletes what is sealed for `user_id` under a key nothing opens any more (their notes,
/// values and sealed two-step secret, which turns two-step sign-in off); a secret kept in
/// the clear by an older version stays, to be sealed.
///
/// # Errors
/// A storage code.
pub(crate) fn erase_sealed_data(
    tx: &Connection,
    user_id: &str,
    now: i64,
) -> Result<(), WriteError> {
    notes::delete_all(tx, user_id)?;
    private_values::delete_all(tx, user_id)?;
    if users::totp(tx, user_id)?.is_some_and(|t| t.clear.is_none()) {
        users::set_totp(tx, user_id, None, 0, now)?;
    }
    Ok(())
}

fn seal_clear_totp(tx: &Connection, user_id: &str, data_key: &SecretKey) -> Result<(), WriteError> {
    if let Some(clear) = users::totp(tx, user_id)?.and_then(|t| t.clear) {
        let clear = Zeroizing::new(clear);
        users::seal_clear_totp(tx, user_id, &seal_totp(data_key, user_id, &clear)?)?;
    }
    Ok(())
}
