//! The [`Accounts`] handle: one database file, its hasher and settings, and the OS account
//! it runs for. Each use case adds its operations in its own file (`signup`, `signin`,
//! `sessions`, `account`, `admin`); this file holds only what they all share.

use crate::config::Config;
use crate::directory::Directory;
use crate::error::AuthError;
use crate::model::User;
use crate::policy::hashing::PasswordHasher;
use crate::policy::rules::Username;
use crate::secret::DatabaseSecret;
use crate::store::{settings, users, Database};
use std::path::Path;

/// The account engine over one database file.
///
/// # Examples
///
/// ```
/// use latchkey_engine::{Accounts, Config, HashParams};
///
/// let dir = tempfile::tempdir()?; // an app passes its data folder
/// // Cheap argon2id, so that the example runs fast; an app uses `Config::from_env()`.
/// let config = Config {
///     hash: HashParams { m_kib: 64, t: 1, p: 1 },
///     ..Config::default()
/// };
/// let accounts = Accounts::open(dir.path(), config)?;
/// assert!(accounts.database().path().ends_with("latchkey.db"));
/// assert!(accounts.get_user("no-such-id")?.is_none());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct Accounts {
    pub(crate) db: Database,
    pub(crate) hasher: PasswordHasher,
    pub(crate) config: Config,
    pub(crate) os_user: String,
    pub(crate) throttle_secret: DatabaseSecret,
    pub(crate) directory: Option<Directory>,
    pub(crate) directory_settings_unusable: bool,
}

/// The name of the OS account running the app (recent accounts are kept per OS account).
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
        let throttle_secret = db.write(|tx| {
            users::fill_skeletons(tx, |name| Username::parse(name).ok().map(|n| n.skeleton()))?;
            Ok(settings::throttle_key(tx)?)
        })?;
        Ok(Self {
            db,
            hasher,
            config,
            os_user: current_os_user(),
            throttle_secret: DatabaseSecret::new(throttle_secret),
            directory: None,
            directory_settings_unusable: false,
        })
    }

    /// The same engine, keeping recent accounts under another OS account name.
    pub fn with_os_user(mut self, os_user: impl Into<String>) -> Self {
        self.os_user = os_user.into();
        self
    }

    /// The same engine, signing directory names in with `directory` (see
    /// [`crate::directory`]).
    pub fn with_directory(mut self, directory: Option<Directory>) -> Self {
        self.directory = directory;
        self
    }

    /// The same engine on a computer whose directory settings exist but cannot be used:
    /// directory people sign in from their cache only, new local names are refused (they
    /// cannot be checked against the directory), and the administrator's screen says so.
    pub fn with_unusable_directory_settings(mut self) -> Self {
        self.directory = None;
        self.directory_settings_unusable = true;
        self
    }

    /// The directory this computer uses, if any.
    pub fn directory(&self) -> Option<&Directory> {
        self.directory.as_ref()
    }

    /// The settings in force.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The password hasher (to time one verification off the start-up path).
    pub fn hasher(&self) -> &PasswordHasher {
        &self.hasher
    }

    /// The underlying database.
    pub fn database(&self) -> &Database {
        &self.db
    }

    /// A user by id, or `None` when there is no such user.
    ///
    /// # Errors
    /// A storage code.
    pub fn get_user(&self, user_id: &str) -> Result<Option<User>, AuthError> {
        self.db.read(|c| users::get(c, user_id))
    }
}
