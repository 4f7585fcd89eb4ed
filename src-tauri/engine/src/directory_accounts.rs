//! Directory accounts beside local ones: the administrator's view of the directory, the
//! refresh that checks cached people against it, and the check that a new local name is
//! not a directory person's.
//!
//! # Examples
//!
//! Without a directory set up, nothing changes for local accounts:
//!
//! ```
//! # use latchkey_engine::{Accounts, Config, HashParams, Password};
//! # let dir = tempfile::tempdir()?;
//! # let config = Config { hash: HashParams { m_kib: 64, t: 1, p: 1 }, ..Config::default() };
//! let accounts = Accounts::open(dir.path(), config)?;
//! let now = 1_767_225_600_000;
//! let password = Password::new("violet-Harbor-42");
//! let alice = accounts.sign_up("alice", &password, false, now)?;
//! let status = accounts.admin_directory_status(&alice.session, Some(&password), now)?;
//! assert!(!status.configured);
//! assert!(accounts.directory_account(&alice.user.id)?.is_none());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use crate::accounts::Accounts;
use crate::directory::Unanswered;
use crate::error::AuthError;
use crate::model::{Role, Session};
use crate::policy::rules::Username;
use crate::secret::Password;
use crate::store::directory_accounts::{self as table, DirectoryAccount};
use crate::store::users;
use serde::Serialize;

/// What the administrator's screen shows about the directory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DirectoryStatus {
    /// Whether this computer has directory settings that work.
    pub configured: bool,
    /// The server's URL.
    pub server: Option<String>,
    /// Whether it answered just now; `None` when not configured.
    pub reachable: Option<bool>,
    /// Why not: `UNREACHABLE`, `CERTIFICATE`, `MISCONFIGURED` (the server refuses the
    /// settings), or `SETTINGS` (the settings file cannot be used; the log says why).
    pub problem: Option<&'static str>,
    /// The last time the directory answered for someone here (Unix ms).
    pub last_contact_at: Option<i64>,
    /// People who can sign in here offline now.
    pub cached_people: u32,
    /// How long the cache lasts.
    pub cache_days: Option<u32>,
}

/// What a refresh did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Refreshed {
    /// People the directory still knows (their name and role were updated).
    pub confirmed: u32,
    /// People it no longer knows (or has disabled): their verifier and sessions are gone.
    pub refused: Vec<String>,
    /// The refresh stopped because the directory could not answer.
    pub unanswered: bool,
}

fn problem(e: Unanswered) -> &'static str {
    match e {
        Unanswered::Unreachable => "UNREACHABLE",
        Unanswered::Certificate => "CERTIFICATE",
        Unanswered::Misconfigured => "MISCONFIGURED",
    }
}

impl Accounts {
    /// The directory row of an account, when it is a directory account.
    ///
    /// # Errors
    /// A storage code.
    pub fn directory_account(&self, user_id: &str) -> Result<Option<DirectoryAccount>, AuthError> {
        self.db.read(|c| table::get(c, user_id))
    }

    /// The directory's status for an administrator; asks the server now (at most the
    /// settings' timeout).
    ///
    /// # Errors
    /// As [`Accounts::authorize_admin`]; a storage code.
    pub fn admin_directory_status(
        &self,
        admin: &Session,
        password: Option<&Password>,
        now: i64,
    ) -> Result<DirectoryStatus, AuthError> {
        self.authorize_admin(admin, password, now)?;
        let (last_contact_at, cached_people) = self.db.read(|c| table::summary(c, now))?;
        let Some(directory) = &self.directory else {
            let unusable = self.directory_settings_unusable;
            return Ok(DirectoryStatus {
                configured: unusable,
                server: None,
                reachable: unusable.then_some(false),
                problem: unusable.then_some("SETTINGS"),
                last_contact_at,
                cached_people,
                cache_days: None,
            });
        };
        let probe = directory.probe();
        Ok(DirectoryStatus {
            configured: true,
            server: Some(directory.settings().url.clone()),
            reachable: Some(probe.is_ok()),
            problem: probe.err().map(problem),
            last_contact_at,
            cached_people,
            cache_days: Some(directory.settings().cache_days),
        })
    }

    /// Checks every cached directory person against the directory (as its service
    /// account): a person it no longer finds loses their verifier and every session here;
    /// the others get their display name and role updated. Their cache lifetime is not
    /// extended: only a sign-in with the directory does that.
    ///
    /// # Errors
    /// A storage code. Without a service account nothing is checked.
    pub fn refresh_directory_accounts(&self, now: i64) -> Result<Refreshed, AuthError> {
        let mut done = Refreshed::default();
        let Some(directory) = self
            .directory
            .as_ref()
            .filter(|d| d.settings().service.is_some())
        else {
            return Ok(done);
        };
        // Every cached person is looked up first: when none of several is found, the
        // settings are wrong (a filter, a base), not everyone gone, and nothing is dropped.
        let mut found = Vec::new();
        for (user_id, username) in self.db.read(table::all)? {
            let Ok(name) = Username::parse(&username) else {
                continue;
            };
            match directory.lookup(name.normalized()) {
                Ok(person) => found.push((user_id, person)),
                Err(_) => {
                    done.unanswered = true;
                    break;
                }
            }
        }
        if found.len() >= 2 && found.iter().all(|(_, person)| person.is_none()) {
            log::warn!("the directory found none of the cached people: settings to check");
            done.unanswered = true;
            return Ok(done);
        }
        for (user_id, person) in found {
            match person {
                Some(person) => {
                    self.db.write(|tx| {
                        // Still cached (a sign-in may have ended it meanwhile): the cache
                        // keeps its end; only a sign-in with the directory extends it.
                        let Some(until) = table::get(tx, &user_id)?.and_then(|r| r.cached_until)
                        else {
                            return Ok(());
                        };
                        table::upsert(tx, &user_id, &person.dn, &person.display_name, until, now)?;
                        let role = if person.admin {
                            Role::Admin
                        } else {
                            Role::Member
                        };
                        Ok(users::set_role(tx, &user_id, role)?)
                    })?;
                    done.confirmed += 1;
                }
                None => {
                    self.db
                        .write(|tx| crate::directory_check::refused(tx, &user_id, now))?;
                    log::info!("a cached directory person is gone from the directory");
                    done.refused.push(user_id);
                }
            }
        }
        Ok(done)
    }

    /// Before a local account is made with `name`: refused when the directory has that
    /// person. Without a service account the directory cannot be asked, and only the names
    /// of directory people cached here are refused (by sign-up's own check).
    ///
    /// # Errors
    /// `DIRECTORY_NAME_TAKEN`; `DIRECTORY_UNREACHABLE` when it cannot be asked now;
    /// `DIRECTORY_CERTIFICATE`.
    pub(crate) fn check_local_name(&self, name: &Username) -> Result<(), AuthError> {
        if self.directory_settings_unusable {
            return Err(AuthError::DirectoryUnreachable);
        }
        let Some(directory) = self
            .directory
            .as_ref()
            .filter(|d| d.settings().service.is_some())
        else {
            return Ok(());
        };
        match directory.lookup(name.normalized()) {
            Ok(None) => Ok(()),
            Ok(Some(_)) => Err(AuthError::DirectoryNameTaken),
            Err(Unanswered::Certificate) => Err(AuthError::DirectoryCertificate),
            Err(_) => Err(AuthError::DirectoryUnreachable),
        }
    }
}
