//! Housekeeping, run by the app once at start-up, off the window's path: dead sessions,
//! sessions of this OS account's earlier runs that were not to be kept (the run crashed, or
//! their token had no keyring to go to), stale throttle rows of unknown names, and the
//! audit log beyond 90 days or 10,000 events.
//!
//! # Examples
//!
//! ```
//! use latchkey_engine::Password;
//! # use latchkey_engine::{Accounts, Config, HashParams};
//! # let dir = tempfile::tempdir()?;
//! # let config = Config { hash: HashParams { m_kib: 64, t: 1, p: 1 }, ..Config::default() };
//! # let accounts = Accounts::open(dir.path(), config)?;
//! let now = 1_767_225_600_000; // Unix ms
//! let day = 86_400_000;
//! accounts.sign_up("alice", &Password::new("violet-Harbor-42"), true, now)?;
//! // A month later, in a new run, the session is past its thirty days.
//! let swept = accounts.housekeeping(now + 31 * day, now + 31 * day)?;
//! assert_eq!(swept.dead_sessions, 1);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use crate::accounts::Accounts;
use crate::error::AuthError;
use crate::store::{attempts, audit, sessions};

/// How long the throttle row of a name no account has is kept after its last failure (ms).
pub const UNKNOWN_NAME_ROWS_KEPT_MS: i64 = 24 * 3600 * 1000;

/// What one round of housekeeping removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Swept {
    /// Sessions past their idle or absolute end.
    pub dead_sessions: usize,
    /// Sessions of earlier runs of this OS account's app that were not to be kept.
    pub unkept_sessions: usize,
    /// Throttle rows of unknown names untouched for a day.
    pub stale_attempts: usize,
    /// Audit events past 90 days or beyond the newest 10,000.
    pub old_events: usize,
}

impl Accounts {
    /// Sweeps what has expired (see the module's documentation). `run_started_at` is when
    /// this run of the app began: its own sessions are never swept as a past run's.
    ///
    /// # Errors
    /// A storage code.
    pub fn housekeeping(&self, now: i64, run_started_at: i64) -> Result<Swept, AuthError> {
        let max = self.config.session.max_lifetime_ms;
        self.db.write(|tx| {
            Ok(Swept {
                dead_sessions: sessions::delete_dead(tx, now, max)?,
                unkept_sessions: sessions::delete_unkept(tx, &self.os_user, run_started_at)?,
                stale_attempts: attempts::prune_unknown(
                    tx,
                    now.saturating_sub(UNKNOWN_NAME_ROWS_KEPT_MS),
                )?,
                old_events: audit::prune(tx, now)?,
            })
        })
    }
}
