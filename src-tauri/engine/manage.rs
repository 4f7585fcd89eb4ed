//! Self-service for a signed-in person: change the password, sign out elsewhere, delete
//! the account. Each needs the current password where it matters.

use crate::engine::accounts::{Accounts, Role};
use crate::engine::audit::{self, EventKind};
use crate::engine::db::WriteError;
use crate::engine::error::AuthError;
use crate::engine::rules;
use crate::engine::secret::Password;
use crate::engine::signin::record_rehash;
use rusqlite::{params, OptionalExtension, Transaction};
use zeroize::Zeroizing;

impl Accounts {
    /// The key id of a user's password key.
    pub(crate) fn key_of(&self, user_id: &str) -> Result<String, AuthError> {
        self.db
            .read(|c| {
                c.prepare_cached(
                    r#"SELECT id FROM "key" WHERE user_id = ?1 AND id LIKE 'username:%' LIMIT 1"#,
                )?
                .query_row([user_id], |r| r.get::<_, String>(0))
                .optional()
            })?
            .ok_or(AuthError::NotAuthenticated)
    }

    /// Replaces a user's password after checking the current one, ends every other session
    /// of that user (all of them when `keep_session_id` is `None`), and lifts a forced
    /// change.
    ///
    /// # Errors
    /// `INVALID_CREDENTIALS` for a wrong current password (counted for throttling),
    /// `TOO_MANY_ATTEMPTS`, the new-password rule codes (also when the new password equals
    /// the current one), `NOT_AUTHENTICATED` for an unknown user, or a storage code.
    pub fn change_password(
        &self,
        user_id: &str,
        current: &Password,
        new: &Password,
        keep_session_id: Option<&str>,
        now: i64,
    ) -> Result<(), AuthError> {
        let key_id = self.key_of(user_id)?;
        let normalized = key_id.strip_prefix("username:").unwrap_or_default();
        let current = rules::login_password(current)?;
        let new = rules::new_password(new, normalized)?;
        if *new == *current {
            return Err(AuthError::WeakPassword(
                "Choose a password different from the current one.",
            ));
        }
        let verified = self.check_password(&key_id, &current, now)?;
        if verified.user_id != user_id {
            return Err(AuthError::Internal);
        }
        let hash = Zeroizing::new(self.hasher.hash(&new)?);
        self.db.write(|tx| {
            tx.prepare_cached(r#"UPDATE "key" SET hashed_password = ?1 WHERE id = ?2"#)?
                .execute(params![hash.as_str(), key_id])?;
            tx.prepare_cached(r#"UPDATE "user" SET must_change_password = 0 WHERE id = ?1"#)?
                .execute([user_id])?;
            tx.prepare_cached(r#"DELETE FROM "session" WHERE user_id = ?1 AND id IS NOT ?2"#)?
                .execute(params![user_id, keep_session_id])?;
            tx.prepare_cached(r#"UPDATE "session" SET reauth_at = ?1 WHERE id IS ?2"#)?
                .execute(params![now, keep_session_id])?;
            tx.prepare_cached("DELETE FROM login_attempt WHERE key_id = ?1")?
                .execute([&key_id])?;
            audit::record(
                tx,
                now,
                EventKind::PasswordChanged,
                Some(&display_name(tx, user_id)?),
                None,
            )?;
            Ok(())
        })?;
        log::info!("password changed");
        Ok(())
    }

    /// Ends every session of a user but `keep_session_id`; returns how many ended.
    ///
    /// # Errors
    /// A storage code.
    pub fn invalidate_other_sessions(
        &self,
        user_id: &str,
        keep_session_id: &str,
    ) -> Result<usize, AuthError> {
        self.db.write(|tx| {
            Ok(tx
                .prepare_cached(r#"DELETE FROM "session" WHERE user_id = ?1 AND id <> ?2"#)?
                .execute(params![user_id, keep_session_id])?)
        })
    }

    /// Deletes a user, its keys and its sessions after checking its password. The last
    /// administrator cannot delete their account while other accounts exist.
    ///
    /// # Errors
    /// `LAST_ADMINISTRATOR`, `INVALID_CREDENTIALS`, `TOO_MANY_ATTEMPTS`, `INVALID_PASSWORD`,
    /// `NOT_AUTHENTICATED` for an unknown user, or a storage code.
    pub fn delete_user(
        &self,
        user_id: &str,
        password: &Password,
        now: i64,
    ) -> Result<(), AuthError> {
        let key_id = self.key_of(user_id)?;
        let password = rules::login_password(password)?;
        self.db
            .read(|c| last_admin_blocks(c, user_id))?
            .then_some(())
            .map_or(Ok(()), |()| Err(AuthError::LastAdministrator))?;
        let verified = self.check_password(&key_id, &password, now)?;
        self.db.write(|tx| {
            record_rehash(tx, &verified)?;
            delete_account(tx, &verified.user_id, None, now)
        })?;
        log::info!("account deleted");
        Ok(())
    }
}

/// Whether deleting `user_id` would leave other accounts with no administrator.
pub(crate) fn last_admin_blocks(c: &rusqlite::Connection, user_id: &str) -> rusqlite::Result<bool> {
    c.prepare_cached(
        r#"SELECT (SELECT role FROM "user" WHERE id = ?1) = 'admin'
             AND (SELECT count(*) FROM "user" WHERE role = 'admin') = 1
             AND (SELECT count(*) FROM "user") > 1"#,
    )?
    .query_row([user_id], |r| r.get::<_, Option<bool>>(0))
    .map(|v| v.unwrap_or(false))
}

/// Deletes an account with everything that hangs off it, inside a write transaction.
pub(crate) fn delete_account(
    tx: &Transaction<'_>,
    user_id: &str,
    actor: Option<&str>,
    now: i64,
) -> Result<(), WriteError> {
    if last_admin_blocks(tx, user_id)? {
        return Err(AuthError::LastAdministrator.into());
    }
    let name = display_name(tx, user_id)?;
    tx.prepare_cached(
        r#"DELETE FROM login_attempt WHERE key_id IN (SELECT id FROM "key" WHERE user_id = ?1)"#,
    )?
    .execute([user_id])?;
    tx.prepare_cached(
        r#"DELETE FROM recent_account WHERE key_id IN (SELECT id FROM "key" WHERE user_id = ?1)"#,
    )?
    .execute([user_id])?;
    let deleted = tx
        .prepare_cached(r#"DELETE FROM "user" WHERE id = ?1"#)?
        .execute([user_id])?;
    if deleted == 0 {
        return Err(AuthError::AccountNotFound.into());
    }
    audit::record(tx, now, EventKind::AccountDeleted, Some(&name), actor)?;
    Ok(())
}

/// A user's display name, or an empty string for a vanished user.
pub(crate) fn display_name(c: &rusqlite::Connection, user_id: &str) -> rusqlite::Result<String> {
    c.prepare_cached(r#"SELECT username FROM "user" WHERE id = ?1"#)?
        .query_row([user_id], |r| r.get(0))
        .optional()
        .map(Option::unwrap_or_default)
}

/// Whether a user is an administrator.
pub(crate) fn role_of(c: &rusqlite::Connection, user_id: &str) -> rusqlite::Result<Option<Role>> {
    c.prepare_cached(r#"SELECT role FROM "user" WHERE id = ?1"#)?
        .query_row([user_id], |r| r.get::<_, String>(0))
        .optional()
        .map(|r| {
            r.map(|r| {
                if r == "admin" {
                    Role::Admin
                } else {
                    Role::Member
                }
            })
        })
}
