//! Deleting an account with everything that hangs off it (its private space's every
//! wrapping, notes and values go with it: a crypto-erase, with `secure_delete` wiping the
//! pages): shared by the owner's own deletion and an administrator's.

use crate::error::AuthError;
use crate::store::attempts::{self, ThrottleKey};
use crate::store::audit::{self, EventKind};
use crate::store::{keys, recent, users, WriteError};
use rusqlite::Connection;

/// Deletes an account and what hangs off it, inside a write transaction.
///
/// # Errors
/// `LAST_ADMINISTRATOR`; `ACCOUNT_NOT_FOUND`; a storage code.
pub(crate) fn delete_account(
    tx: &Connection,
    user_id: &str,
    actor: Option<&str>,
    now: i64,
) -> Result<(), WriteError> {
    if users::is_last_admin_among_others(tx, user_id)? {
        return Err(AuthError::LastAdministrator.into());
    }
    let name = users::username(tx, user_id)?;
    crate::escrow::end_if_held_by(tx, user_id, now)?;
    if let Some(key) = keys::of_user(tx, user_id)? {
        attempts::clear(tx, &ThrottleKey::from(&key))?;
        attempts::clear(tx, &ThrottleKey::SecondStep(key.clone()))?;
        recent::forget_everywhere(tx, &key)?;
    }
    if !users::delete(tx, user_id)? {
        return Err(AuthError::AccountNotFound.into());
    }
    audit::record(tx, now, EventKind::AccountDeleted, name.as_deref(), actor)?;
    Ok(())
}
