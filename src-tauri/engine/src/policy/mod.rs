//! Pure policy: what a valid name and password are, how passwords are hashed, how long a
//! name must wait after failures, and how tokens and random ids are made. Nothing here
//! touches SQLite or reads the clock.

pub mod escrow_keys;
pub(crate) mod gate;
pub mod hashing;
pub mod recovery_codes;
pub mod rules;
pub mod sealing;
pub mod throttle;
pub mod tokens;
pub mod totp;
