//! The account engine: users, username keys and expiring sessions in SQLite.
//!
//! Plain Rust, independent of Tauri: the desktop shell in `app/` calls it from blocking
//! threads. Time is always an argument (`now`, Unix milliseconds), so expiry and throttling
//! are tested without a clock.

pub mod accounts;
pub mod admin;
pub mod audit;
pub mod config;
pub mod db;
pub mod error;
pub mod hashing;
pub mod manage;
pub mod migrations;
pub mod recent;
pub mod rules;
pub mod secret;
pub mod sessions;
pub mod signin;
pub mod throttle;

pub use accounts::{Accounts, Role, SignedIn, User};
pub use admin::AccountSummary;
pub use audit::AuthEvent;
pub use config::{Config, SessionPolicy};
pub use error::AuthError;
pub use hashing::HashParams;
pub use secret::{Password, SessionToken};
pub use sessions::Session;

/// The current time in Unix milliseconds (the one place the engine's callers read the clock).
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}
