//! Sign-up (Lucia v2's `createUser`): a user and its username key, and optionally its first
//! session, written in one transaction. The first account on the computer becomes its
//! administrator. A new name must be written in one script and must not look like an
//! existing one (same confusable skeleton).
//!
//! # Examples
//!
//! ```
//! use latchkey_engine::{Password, Role};
//! # use latchkey_engine::{Accounts, Config, HashParams};
//! # let dir = tempfile::tempdir()?;
//! # let config = Config { hash: HashParams { m_kib: 64, t: 1, p: 1 }, ..Config::default() };
//! # let accounts = Accounts::open(dir.path(), config)?;
//! let now = 1_767_225_600_000; // Unix ms
//! let alice = accounts.sign_up("alice", &Password::new("violet-Harbor-42"), false, now)?;
//! assert_eq!(alice.user.role, Role::Admin); // the first account
//! assert_eq!(alice.recovery_codes.as_ref().map(|c| c.len()), Some(10)); // shown once
//! assert!(alice.data_key.is_some()); // the private space is open
//!
//! // Without a session: only the account.
//! let bob = accounts.create_user("bob_42", &Password::new("amber-Lantern-77"), now)?;
//! assert_eq!(bob.role, Role::Member);
//!
//! // Case and Unicode form do not make another name; weak passwords are refused.
//! let taken = accounts.create_user("ALICE", &Password::new("violet-Harbor-42"), now);
//! assert_eq!(taken.unwrap_err().code(), "USERNAME_TAKEN");
//! let weak = accounts.create_user("carol", &Password::new("password1"), now);
//! assert_eq!(weak.unwrap_err().code(), "WEAK_PASSWORD");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use crate::accounts::Accounts;
use crate::credentials;
use crate::error::AuthError;
use crate::key_wraps;
use crate::model::{Role, Session, SignedIn, User};
use crate::policy::rules::{self, Username};
use crate::policy::sealing::SecretKey;
use crate::policy::tokens;
use crate::secret::{Password, RecoveryCodes, SessionToken};
use crate::store::attempts::{self, ThrottleKey};
use crate::store::audit::{self, EventKind};
use crate::store::{keys, recent, sessions, users, KeyId};

/// The first session a sign-up opens, its token, the account's recovery codes and its data
/// key.
type FirstSession = (Session, SessionToken, RecoveryCodes, SecretKey);

impl Accounts {
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
        self.create(username, password, None, now)
            .map(|(user, _)| user)
    }

    /// Creates a user, its first session and its recovery codes in one transaction.
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
        let (user, session) = self.create(username, password, Some(remember), now)?;
        let (session, token, codes, data_key) = session.ok_or(AuthError::Internal)?;
        Ok(SignedIn {
            user,
            session,
            token,
            recovery_codes: Some(codes),
            second_step_warning: false,
            data_key: Some(data_key),
        })
    }

    /// Creates the account; with `remember` set, also its first session.
    fn create(
        &self,
        username: &str,
        password: &Password,
        remember: Option<bool>,
        now: i64,
    ) -> Result<(User, Option<FirstSession>), AuthError> {
        let name = Username::parse_new(username)?;
        let password = rules::new_password(password, name.normalized())?;
        let key = KeyId::username(&name);
        let skeleton = name.skeleton();
        let taken = |c: &rusqlite::Connection| -> rusqlite::Result<bool> {
            Ok(keys::exists(c, &key)? || users::skeleton_taken(c, &skeleton)?)
        };
        if self.db.read(taken)? {
            return Err(AuthError::UsernameTaken);
        }
        self.check_local_name(&name)?;
        let hash = self.hasher.hash(&password)?;
        drop(password);
        let id = tokens::new_user_id()?;
        let first_session = match remember {
            Some(remember) => Some((tokens::new_token()?, remember)),
            None => None,
        };
        let (user, session) = self.db.write(|tx| {
            if taken(tx)? {
                return Err(AuthError::UsernameTaken.into());
            }
            let role = if users::none_yet(tx)? {
                Role::Admin
            } else {
                Role::Member
            };
            let user = User {
                id: id.clone(),
                username: name.display().to_owned(),
                created_at: now,
                last_login_at: first_session.as_ref().map(|_| now),
                previous_login_at: None,
                failures_before_login: 0,
                role,
                must_change_password: false,
                temporary_password_expires_at: None,
                two_step_since: None,
            };
            users::insert(tx, &user, &skeleton)?;
            keys::insert(tx, &key, &user.id, &hash.stored)?;
            let data_key = key_wraps::create(tx, &user.id, &hash.wrap_key, now)?;
            attempts::clear(tx, &ThrottleKey::from(&key))?;
            audit::record(tx, now, EventKind::SignUp, Some(&user.username), None)?;
            let session = match &first_session {
                Some((token, remember)) => {
                    recent::note(tx, &self.os_user, &key, now)?;
                    let session = self
                        .config
                        .session
                        .new_session(token, &user.id, *remember, now);
                    sessions::insert(tx, &session, &self.os_user)?;
                    let codes =
                        credentials::issue_recovery_codes(tx, &user.id, now, Some(&data_key))?;
                    Some((session, codes, data_key))
                }
                None => None,
            };
            Ok((user, session))
        })?;
        log::info!("account created");
        Ok((
            user,
            session
                .zip(first_session.map(|(token, _)| token))
                .map(|((session, codes, key), token)| (session, token, codes, key)),
        ))
    }
}
