//! Accounts: users and their username keys (Lucia v2's `createUser`, `useKey`), password
//! changes and account deletion, with throttling that survives restarts.
//!
//! Nothing here knows about Tauri or the clock: every operation that depends on time takes
//! `now` in Unix milliseconds.

use crate::engine::config::Config;
use crate::engine::db::{Database, WriteError};
use crate::engine::error::AuthError;
use crate::engine::hashing::PasswordHasher;
use crate::engine::rules::{self, Username};
use crate::engine::secret::{Password, SessionToken};
use crate::engine::sessions::{self, Session};
use crate::engine::throttle;
use rusqlite::{params, OptionalExtension, Transaction};
use serde::Serialize;
use std::path::Path;
use zeroize::Zeroizing;

/// A user as the profile shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    /// Random id (16 characters of `[a-z0-9]` from the OS CSPRNG).
    pub id: String,
    /// The username as typed at sign-up (NFKC form).
    pub username: String,
    /// When the account was made (Unix ms).
    pub created_at: i64,
    /// The latest successful sign-in (Unix ms), if any.
    pub last_login_at: Option<i64>,
}

/// A user with a new session: what sign-up and sign-in hand back.
#[derive(Debug)]
pub struct SignedIn {
    /// Who signed in.
    pub user: User,
    /// The session row (its id is the token's hash).
    pub session: Session,
    /// The bearer token, for the keyring only.
    pub token: SessionToken,
}

/// The account engine over one database file.
#[derive(Debug)]
pub struct Accounts {
    pub(crate) db: Database,
    pub(crate) hasher: PasswordHasher,
    pub(crate) config: Config,
}

/// A password check that succeeded: whose key it was and, when the stored hash is weaker
/// than the current parameters, its replacement.
struct Verified {
    user_id: String,
    key_id: String,
    old_hash: String,
    rehash: Option<String>,
}

impl Accounts {
    /// Opens (creating if needed) the database in `dir`.
    ///
    /// # Errors
    /// See [`Database::open`]; `INTERNAL` for unusable hash parameters.
    pub fn open(dir: &Path, config: Config) -> Result<Self, AuthError> {
        let hasher = PasswordHasher::new(config.hash)?;
        let db = Database::open(dir)?;
        Ok(Self { db, hasher, config })
    }

    /// The settings in force.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The password hasher (to warm up its dummy hash off the start-up path).
    pub fn hasher(&self) -> &PasswordHasher {
        &self.hasher
    }

    /// The underlying database.
    pub fn database(&self) -> &Database {
        &self.db
    }

    /// Creates a user with a `username` key [Lucia: `createUser`].
    ///
    /// # Errors
    /// `INVALID_USERNAME`, `INVALID_PASSWORD`, `WEAK_PASSWORD`, `USERNAME_TAKEN` (nothing is
    /// written), or a storage code.
    pub fn create_user(
        &self,
        username: &str,
        password: &Password,
        now: i64,
    ) -> Result<User, AuthError> {
        self.sign_up_inner(username, password, None, now)
            .map(|(user, _)| user)
    }

    /// Creates a user and its first session in one transaction.
    ///
    /// # Errors
    /// As [`Accounts::create_user`].
    pub fn sign_up(
        &self,
        username: &str,
        password: &Password,
        remember: bool,
        now: i64,
    ) -> Result<SignedIn, AuthError> {
        let (user, session) = self.sign_up_inner(username, password, Some(remember), now)?;
        let (session, token) = session.ok_or(AuthError::Internal)?;
        Ok(SignedIn {
            user,
            session,
            token,
        })
    }

    fn sign_up_inner(
        &self,
        username: &str,
        password: &Password,
        remember: Option<bool>,
        now: i64,
    ) -> Result<(User, Option<(Session, SessionToken)>), AuthError> {
        let name = Username::parse(username)?;
        let password = rules::new_password(password, name.normalized())?;
        let key_id = name.key_id();
        let taken = self.db.read(|c| {
            c.prepare_cached(r#"SELECT 1 FROM "key" WHERE id = ?1"#)?
                .exists([&key_id])
        })?;
        if taken {
            return Err(AuthError::UsernameTaken);
        }
        let hash = self.hasher.hash(&password)?;
        drop(password);
        let user = User {
            id: new_user_id()?,
            username: name.display().to_owned(),
            created_at: now,
            last_login_at: remember.map(|_| now),
        };
        let token = remember.map(|_| sessions::new_token()).transpose()?;
        let session = self.db.write(|tx| {
            tx.prepare_cached(r#"INSERT INTO "user" (id, username, created_at, last_login_at) VALUES (?1, ?2, ?3, ?4)"#)?
                .execute(params![user.id, user.username, user.created_at, user.last_login_at])?;
            let inserted = tx
                .prepare_cached(r#"INSERT INTO "key" (id, user_id, hashed_password) VALUES (?1, ?2, ?3)"#)?
                .execute(params![key_id, user.id, hash]);
            match inserted {
                Err(e) if is_unique_violation(&e) => return Err(AuthError::UsernameTaken.into()),
                other => other?,
            };
            tx.prepare_cached("DELETE FROM login_attempt WHERE key_id = ?1")?.execute([&key_id])?;
            match (&token, remember) {
                (Some(token), Some(remember)) => {
                    Ok(Some(sessions::insert_session(tx, &self.config.session, &user.id, token, remember, now)?))
                }
                _ => Ok(None),
            }
        })?;
        log::info!("account created");
        Ok((user, session.zip(token)))
    }

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
    fn check_password(
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
            self.db.write(|tx| {
                tx.prepare_cached(
                    "INSERT INTO login_attempt (key_id, failures, last_failure_at) VALUES (?1, 1, ?2)
                     ON CONFLICT (key_id) DO UPDATE SET failures = failures + 1, last_failure_at = excluded.last_failure_at",
                )?
                .execute(params![key_id, now])?;
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

    /// The key id and normalized username of a user's password key.
    fn key_of(&self, user_id: &str) -> Result<String, AuthError> {
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

    /// Replaces a user's password after checking the current one, and ends every other
    /// session of that user (all of them when `keep_session_id` is `None`).
    ///
    /// # Errors
    /// `INVALID_CREDENTIALS` for a wrong current password (counted for throttling),
    /// `TOO_MANY_ATTEMPTS`, the new-password rule codes, `NOT_AUTHENTICATED` for an unknown
    /// user, or a storage code.
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
        let verified = self.check_password(&key_id, &current, now)?;
        if verified.user_id != user_id {
            return Err(AuthError::Internal);
        }
        let hash = Zeroizing::new(self.hasher.hash(&new)?);
        self.db.write(|tx| {
            tx.prepare_cached(r#"UPDATE "key" SET hashed_password = ?1 WHERE id = ?2"#)?
                .execute(params![hash.as_str(), key_id])?;
            tx.prepare_cached(r#"DELETE FROM "session" WHERE user_id = ?1 AND id IS NOT ?2"#)?
                .execute(params![user_id, keep_session_id])?;
            tx.prepare_cached("DELETE FROM login_attempt WHERE key_id = ?1")?
                .execute([&key_id])?;
            Ok(())
        })?;
        log::info!("password changed");
        Ok(())
    }

    /// Deletes a user, its keys and its sessions after checking its password.
    ///
    /// # Errors
    /// `INVALID_CREDENTIALS`, `TOO_MANY_ATTEMPTS`, `INVALID_PASSWORD`, `NOT_AUTHENTICATED`
    /// for an unknown user, or a storage code.
    pub fn delete_user(
        &self,
        user_id: &str,
        password: &Password,
        now: i64,
    ) -> Result<(), AuthError> {
        let key_id = self.key_of(user_id)?;
        let password = rules::login_password(password)?;
        let verified = self.check_password(&key_id, &password, now)?;
        self.db.write(|tx| {
            tx.prepare_cached(r#"DELETE FROM "user" WHERE id = ?1"#)?
                .execute([&verified.user_id])?;
            tx.prepare_cached("DELETE FROM login_attempt WHERE key_id = ?1")?
                .execute([&key_id])?;
            Ok(())
        })?;
        log::info!("account deleted");
        Ok(())
    }

    /// A user by id, or `None` when there is no such user.
    ///
    /// # Errors
    /// A storage code.
    pub fn get_user(&self, user_id: &str) -> Result<Option<User>, AuthError> {
        self.db.read(|c| {
            c.prepare_cached(
                r#"SELECT id, username, created_at, last_login_at FROM "user" WHERE id = ?1"#,
            )?
            .query_row([user_id], |r| {
                Ok(User {
                    id: r.get(0)?,
                    username: r.get(1)?,
                    created_at: r.get(2)?,
                    last_login_at: r.get(3)?,
                })
            })
            .optional()
        })
    }
}

/// After a correct password: reset the throttle, stamp the sign-in, store a stronger hash.
fn record_success(tx: &Transaction<'_>, v: &Verified, now: i64) -> Result<(), WriteError> {
    tx.prepare_cached("DELETE FROM login_attempt WHERE key_id = ?1")?
        .execute([&v.key_id])?;
    let found = tx
        .prepare_cached(r#"UPDATE "user" SET last_login_at = ?1 WHERE id = ?2"#)?
        .execute(params![now, v.user_id])?;
    if found == 0 {
        return Err(AuthError::InvalidCredentials.into());
    }
    if let Some(rehash) = &v.rehash {
        tx.prepare_cached(
            r#"UPDATE "key" SET hashed_password = ?1 WHERE id = ?2 AND hashed_password = ?3"#,
        )?
        .execute(params![rehash, v.key_id, v.old_hash])?;
        log::info!("password hash upgraded to the current parameters");
    }
    Ok(())
}

fn is_unique_violation(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(f, _) if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY || f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE)
}

/// 16 characters of `[a-z0-9]` from the OS CSPRNG (about 82 bits).
fn new_user_id() -> Result<String, AuthError> {
    const ALPHABET: &[u8; 36] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let mut id = String::with_capacity(16);
    while id.len() < 16 {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).map_err(|_| AuthError::Internal)?;
        // 252 = 7 × 36: rejecting larger bytes keeps every character equally likely.
        id.extend(
            bytes
                .iter()
                .filter(|b| **b < 252)
                .map(|b| char::from(ALPHABET[usize::from(*b % 36)]))
                .take(16 - id.len()),
        );
    }
    Ok(id)
}
