//! Signing in (Lucia v2's `useKey`): credential checks under throttling that survives
//! restarts, with unknown usernames costing the same as real ones.

use crate::engine::accounts::Accounts;
use crate::engine::audit::{self, EventKind};
use crate::engine::db::WriteError;
use crate::engine::error::AuthError;
use crate::engine::recent;
use crate::engine::rules::{self, Username};
use crate::engine::secret::Password;
use crate::engine::sessions;
use crate::engine::throttle;
use crate::engine::SignedIn;
use rusqlite::{params, OptionalExtension, Transaction};

/// A password check that succeeded: whose key it was and, when the stored hash is weaker
/// than the current parameters, its replacement.
pub(crate) struct Verified {
    pub(crate) user_id: String,
    pub(crate) key_id: String,
    old_hash: String,
    rehash: Option<String>,
}

impl Accounts {
    /// Checks a username and password [Lucia: `useKey`] and returns the user id.
    ///
    /// Unknown usernames cost one argon2id verification against a dummy hash and are
    /// throttled like real ones, so neither the answer nor its timing tells whether the
    /// account exists.
    ///
    /// # Errors
    /// `INVALID_USERNAME` or `INVALID_PASSWORD` for input no account could have;
    /// `INVALID_CREDENTIALS`; `TOO_MANY_ATTEMPTS` (no hash is run); a storage code.
    pub fn verify_credentials(
        &self,
        username: &str,
        password: &Password,
        now: i64,
    ) -> Result<String, AuthError> {
        let verified = self.check_login(username, password, now)?;
        self.db.write(|tx| record_success(tx, &verified, now))?;
        Ok(verified.user_id)
    }

    /// Checks credentials and creates a session, committing both together.
    ///
    /// # Errors
    /// As [`Accounts::verify_credentials`].
    pub fn sign_in(
        &self,
        username: &str,
        password: &Password,
        remember: bool,
        now: i64,
    ) -> Result<SignedIn, AuthError> {
        let verified = self.check_login(username, password, now)?;
        let token = sessions::new_token()?;
        let session = self.db.write(|tx| {
            record_success(tx, &verified, now)?;
            recent::note(tx, &self.os_user, &verified.key_id, now)?;
            Ok(sessions::insert_session(
                tx,
                &self.config.session,
                &verified.user_id,
                &token,
                remember,
                now,
            )?)
        })?;
        let user = self
            .get_user(&verified.user_id)?
            .ok_or(AuthError::InvalidCredentials)?;
        Ok(SignedIn {
            user,
            session,
            token,
        })
    }

    fn check_login(
        &self,
        username: &str,
        password: &Password,
        now: i64,
    ) -> Result<Verified, AuthError> {
        let name = Username::parse(username)?;
        let password = rules::login_password(password)?;
        self.check_password(&name.key_id(), &password, now)
    }

    /// Verifies `password` for `key_id` under throttling; records a failure when it is wrong.
    pub(crate) fn check_password(
        &self,
        key_id: &str,
        password: &str,
        now: i64,
    ) -> Result<Verified, AuthError> {
        let (attempts, key) = self.db.read(|c| {
            let attempts = c
                .prepare_cached(
                    "SELECT failures, last_failure_at FROM login_attempt WHERE key_id = ?1",
                )?
                .query_row([key_id], |r| Ok((r.get::<_, u32>(0)?, r.get::<_, i64>(1)?)))
                .optional()?;
            let key = c
                .prepare_cached(r#"SELECT user_id, hashed_password FROM "key" WHERE id = ?1"#)?
                .query_row([key_id], |r| {
                    Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?))
                })
                .optional()?;
            Ok((attempts, key))
        })?;
        if let Some(retry_after_secs) =
            attempts.and_then(|(n, at)| throttle::retry_after_secs(n, at, now))
        {
            return Err(AuthError::TooManyAttempts { retry_after_secs });
        }
        let matched = match &key {
            Some((user_id, Some(hash))) if self.hasher.verify(hash, password) => {
                Some((user_id.clone(), hash.clone()))
            }
            Some((_, Some(_))) => None,
            _ => {
                self.hasher.verify_dummy(password);
                None
            }
        };
        let Some((user_id, old_hash)) = matched else {
            let attempted = key_id.strip_prefix("username:").unwrap_or(key_id);
            self.db.write(|tx| {
                tx.prepare_cached(
                    "INSERT INTO login_attempt (key_id, failures, last_failure_at) VALUES (?1, 1, ?2)
                     ON CONFLICT (key_id) DO UPDATE SET failures = failures + 1, last_failure_at = excluded.last_failure_at",
                )?
                .execute(params![key_id, now])?;
                audit::record(tx, now, EventKind::SignInFailed, Some(attempted), None)?;
                Ok(())
            })?;
            return Err(AuthError::InvalidCredentials);
        };
        let rehash = if self.hasher.needs_rehash(&old_hash) {
            self.hasher.hash(password).ok()
        } else {
            None
        };
        Ok(Verified {
            user_id,
            key_id: key_id.to_owned(),
            old_hash,
            rehash,
        })
    }
}

/// After a correct password at sign-in: note the failures since the last visit for the
/// banner, stamp the sign-in, reset the throttle, and store a stronger hash if needed.
fn record_success(tx: &Transaction<'_>, v: &Verified, now: i64) -> Result<(), WriteError> {
    let found = tx
        .prepare_cached(
            r#"UPDATE "user" SET
                 previous_login_at = last_login_at,
                 last_login_at = ?1,
                 failures_before_login = COALESCE((SELECT failures FROM login_attempt WHERE key_id = ?3), 0)
               WHERE id = ?2"#,
        )?
        .execute(params![now, v.user_id, v.key_id])?;
    if found == 0 {
        return Err(AuthError::InvalidCredentials.into());
    }
    tx.prepare_cached("DELETE FROM login_attempt WHERE key_id = ?1")?
        .execute([&v.key_id])?;
    record_rehash(tx, v)?;
    let name: String = tx
        .prepare_cached(r#"SELECT username FROM "user" WHERE id = ?1"#)?
        .query_row([&v.user_id], |r| r.get(0))?;
    audit::record(tx, now, EventKind::SignIn, Some(&name), None)?;
    Ok(())
}

/// Stores the upgraded hash computed during verification, if any (and only if the hash
/// was not changed meanwhile).
pub(crate) fn record_rehash(tx: &Transaction<'_>, v: &Verified) -> rusqlite::Result<()> {
    if let Some(rehash) = &v.rehash {
        tx.prepare_cached(
            r#"UPDATE "key" SET hashed_password = ?1 WHERE id = ?2 AND hashed_password = ?3"#,
        )?
        .execute(params![rehash, v.key_id, v.old_hash])?;
        log::info!("password hash upgraded to the current parameters");
    }
    Ok(())
}
