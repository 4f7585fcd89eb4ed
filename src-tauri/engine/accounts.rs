//! Accounts: users and their username keys (Lucia v2's `createUser`), and looking them up.
//!
//! Sign-in lives in `signin`, self-service changes in `manage`, administration in `admin`.
//! Nothing here reads the clock: every operation that depends on time takes `now` in Unix
//! milliseconds.

use crate::engine::audit::{self, EventKind};
use crate::engine::config::Config;
use crate::engine::db::Database;
use crate::engine::error::AuthError;
use crate::engine::hashing::PasswordHasher;
use crate::engine::recent;
use crate::engine::rules::{self, Username};
use crate::engine::secret::{Password, SessionToken};
use crate::engine::sessions::{self, Session};
use rusqlite::{params, OptionalExtension, Row};
use serde::Serialize;
use std::path::Path;

/// An account's role on this computer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// The first account made on the computer: can manage the others.
    Admin,
    /// Everyone else.
    Member,
}

/// A user as the profile shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// Random id (16 characters of `[a-z0-9]` from the OS CSPRNG).
    pub id: String,
    /// The username as typed at sign-up (NFKC form).
    pub username: String,
    /// When the account was made (Unix ms).
    pub created_at: i64,
    /// The latest successful sign-in (Unix ms), if any.
    pub last_login_at: Option<i64>,
    /// The sign-in before the latest one, for "Last signed in …".
    pub previous_login_at: Option<i64>,
    /// Failed sign-ins between the previous sign-in and the latest one.
    pub failures_before_login: u32,
    /// Administrator or member.
    pub role: Role,
    /// Signed in with a temporary password: must choose a new one before anything else.
    pub must_change_password: bool,
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
    pub(crate) os_user: String,
}

pub(crate) const USER_COLUMNS: &str =
    "id, username, created_at, last_login_at, previous_login_at, failures_before_login, role, must_change_password";

pub(crate) fn user_from_row(r: &Row<'_>) -> rusqlite::Result<User> {
    let role: String = r.get(6)?;
    Ok(User {
        id: r.get(0)?,
        username: r.get(1)?,
        created_at: r.get(2)?,
        last_login_at: r.get(3)?,
        previous_login_at: r.get(4)?,
        failures_before_login: r.get(5)?,
        role: if role == "admin" {
            Role::Admin
        } else {
            Role::Member
        },
        must_change_password: r.get(7)?,
    })
}

/// The name of the OS account running Latchkey (recent accounts are kept per OS account).
pub fn current_os_user() -> String {
    ["USER", "USERNAME", "LOGNAME"]
        .iter()
        .find_map(|k| std::env::var(k).ok().filter(|v| !v.is_empty()))
        .unwrap_or_else(|| "default".into())
}

impl Accounts {
    /// Opens (creating if needed) the database in `dir`, for the current OS account.
    ///
    /// # Errors
    /// See [`Database::open`]; `INTERNAL` for unusable hash parameters.
    pub fn open(dir: &Path, config: Config) -> Result<Self, AuthError> {
        let hasher = PasswordHasher::new(config.hash)?;
        let db = Database::open(dir)?;
        Ok(Self {
            db,
            hasher,
            config,
            os_user: current_os_user(),
        })
    }

    /// The same engine, keeping recent accounts under another OS account name.
    pub fn with_os_user(mut self, os_user: impl Into<String>) -> Self {
        self.os_user = os_user.into();
        self
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

    /// Creates a user with a `username` key [Lucia: `createUser`]. The first account on the
    /// computer becomes its administrator.
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
        let id = new_user_id()?;
        let token = remember.map(|_| sessions::new_token()).transpose()?;
        let (user, session) = self.db.write(|tx| {
            let first: bool = tx.prepare_cached(r#"SELECT NOT EXISTS (SELECT 1 FROM "user")"#)?.query_row([], |r| r.get(0))?;
            let user = User {
                id: id.clone(),
                username: name.display().to_owned(),
                created_at: now,
                last_login_at: remember.map(|_| now),
                previous_login_at: None,
                failures_before_login: 0,
                role: if first { Role::Admin } else { Role::Member },
                must_change_password: false,
            };
            tx.prepare_cached(
                r#"INSERT INTO "user" (id, username, created_at, last_login_at, role) VALUES (?1, ?2, ?3, ?4, ?5)"#,
            )?
            .execute(params![user.id, user.username, now, user.last_login_at, if first { "admin" } else { "member" }])?;
            let inserted = tx
                .prepare_cached(r#"INSERT INTO "key" (id, user_id, hashed_password) VALUES (?1, ?2, ?3)"#)?
                .execute(params![key_id, user.id, hash]);
            match inserted {
                Err(e) if is_unique_violation(&e) => return Err(AuthError::UsernameTaken.into()),
                other => other?,
            };
            tx.prepare_cached("DELETE FROM login_attempt WHERE key_id = ?1")?.execute([&key_id])?;
            audit::record(tx, now, EventKind::SignUp, Some(&user.username), None)?;
            let session = match (&token, remember) {
                (Some(token), Some(remember)) => {
                    recent::note(tx, &self.os_user, &key_id, now)?;
                    Some(sessions::insert_session(tx, &self.config.session, &user.id, token, remember, now)?)
                }
                _ => None,
            };
            Ok((user, session))
        })?;
        log::info!("account created");
        Ok((user, session.zip(token)))
    }

    /// A user by id, or `None` when there is no such user.
    ///
    /// # Errors
    /// A storage code.
    pub fn get_user(&self, user_id: &str) -> Result<Option<User>, AuthError> {
        self.db.read(|c| {
            c.prepare_cached(&format!(
                r#"SELECT {USER_COLUMNS} FROM "user" WHERE id = ?1"#
            ))?
            .query_row([user_id], user_from_row)
            .optional()
        })
    }
}

pub(crate) fn is_unique_violation(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(f, _) if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY || f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE)
}

/// `len` characters of `alphabet` from the OS CSPRNG, each equally likely.
pub(crate) fn random_string(alphabet: &[u8], len: usize) -> Result<String, AuthError> {
    let limit = 256 - 256 % alphabet.len();
    let mut out = String::with_capacity(len);
    while out.len() < len {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).map_err(|_| AuthError::Internal)?;
        // Rejecting bytes at or above the largest multiple of the alphabet size keeps the
        // characters uniform.
        out.extend(
            bytes
                .iter()
                .filter(|b| usize::from(**b) < limit)
                .map(|b| char::from(alphabet[usize::from(*b) % alphabet.len()]))
                .take(len - out.len()),
        );
    }
    Ok(out)
}

/// 16 characters of `[a-z0-9]` from the OS CSPRNG (about 82 bits).
fn new_user_id() -> Result<String, AuthError> {
    random_string(b"abcdefghijklmnopqrstuvwxyz0123456789", 16)
}
