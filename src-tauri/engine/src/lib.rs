//! Latchkey's account engine: users, username keys and expiring sessions in one SQLite file,
//! after the Lucia v2 model, hardened for a computer that several people share.
//!
//! Plain Rust with no Tauri and no async runtime of its own; the network only for a
//! directory (an LDAP client, [`directory`]). Time is always an argument (`now`, Unix
//! milliseconds), so expiry and throttling are tested without a clock.
//!
//! The layers, each importing only from those below it:
//! - the use cases, one file each, every one an `impl` block of [`Accounts`]:
//!   [`signup`], [`signin`], [`sessions`], [`lock`], [`account`] (self-service),
//!   [`recovery`], [`two_step`], [`preferences`], [`private_space`], [`escrow`],
//!   [`admin`], [`last_resort`], [`housekeeping`] and [`directory_accounts`];
//! - `credentials`, `key_wraps`, `authorization`, `account_removal`, `password_reset`,
//!   `directory_check` and `directory_facts`: what several use cases share (the password
//!   and second-step checks under throttling, the private space's keys, the administrator's
//!   authorization, deleting an account with everything it owns, resetting a password to a
//!   temporary one, a directory account's password check and what the directory said);
//! - [`accounts`]: the [`Accounts`] handle and what it holds;
//! - [`store`]: every SQL statement, one module per table, plus the database and migrations;
//!   [`directory`]: the computer's directory settings and the LDAP client;
//! - [`policy`]: pure rules (names, passwords), argon2id hashing, throttling and tokens;
//! - [`model`], [`error`], [`secret`], [`config`]: the types everything shares.
//!
//! # Examples
//!
//! An account, a sign-in, a session check and a value in the person's private space:
//!
//! ```
//! use latchkey_engine::{Accounts, Config, Password};
//! # use latchkey_engine::HashParams;
//! # let dir = tempfile::tempdir()?;
//! # let data_folder = dir.path();
//! # let config = Config { hash: HashParams { m_kib: 64, t: 1, p: 1 }, ..Config::default() };
//! // An app passes `Config::from_env()` (this example hashes cheaply, to run fast).
//! let accounts = Accounts::open(data_folder, config)?;
//! let now = 1_767_225_600_000; // Unix ms; an app passes `now_ms()`
//! let password = Password::new("violet-Harbor-42");
//!
//! accounts.sign_up("alice", &password, false, now)?;
//! let signed = accounts.sign_in("alice", &password, true, now + 1_000)?;
//! // The token goes to the OS keyring; the database keeps only its hash.
//! let session = accounts.validate_session(&signed.token, now + 2_000)?;
//! assert_eq!(session.map(|s| s.user_id), Some(signed.user.id.clone()));
//!
//! // The data key opens the private space while the person is signed in.
//! let key = signed.data_key.ok_or("the private space is sealed")?;
//! accounts.put_private_value(&signed.user.id, &key, "theme", r#""dark""#, now)?;
//! let theme = accounts.get_private_value(&signed.user.id, &key, "theme")?;
//! assert_eq!(theme.as_deref(), Some(r#""dark""#));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![warn(missing_docs)]

pub mod account;
mod account_removal;
pub mod accounts;
pub mod admin;
mod authorization;
pub mod config;
mod credentials;
pub mod directory;
pub mod directory_accounts;
mod directory_check;
mod directory_facts;
pub mod error;
pub mod escrow;
pub mod housekeeping;
mod key_wraps;
pub mod last_resort;
pub mod lock;
pub mod model;
mod password_reset;
pub mod policy;
pub mod preferences;
pub mod private_space;
pub mod recovery;
pub mod secret;
pub mod sessions;
pub mod signin;
pub mod signup;
pub mod store;
pub mod two_step;

pub use accounts::Accounts;
pub use config::{Config, SessionPolicy};
pub use error::{AuthError, Problem};
pub use key_wraps::Space;
pub use lock::LockAfter;
pub use model::{AccountSummary, AuthEvent, Role, Session, SignedIn, User};
pub use policy::hashing::HashParams;
pub use policy::sealing::SecretKey;
pub use policy::tokens::session_id;
pub use private_space::{Note, NoteSummary};
pub use secret::{Code, Password, RecoveryCodes, SessionToken};
pub use signin::{PendingSignIn, SignInStep};
pub use two_step::TwoStepSetup;

/// The current time in Unix milliseconds (the one place the engine's callers read the clock).
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}
