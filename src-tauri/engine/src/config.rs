//! Engine settings: argon2id cost and session lifetimes, with environment overrides.
//!
//! # Examples
//!
//! ```
//! use latchkey_engine::{Config, SessionPolicy};
//!
//! // `Config::from_env()` reads the process environment; `from_lookup` any source.
//! let config = Config::from_lookup(|name| match name {
//!     "LATCHKEY_SESSION_ACTIVE_SECS" => Some("3600".into()),
//!     "LATCHKEY_ARGON2_T" => Some("banana".into()), // not a number: ignored
//!     _ => None,
//! });
//! assert_eq!(config.session.active_period_ms, 3_600_000);
//! assert_eq!(config.hash, Config::default().hash);
//!
//! // One day active, then fourteen days idle, thirty days at most.
//! let policy = SessionPolicy::default();
//! let day = 86_400_000;
//! assert_eq!(policy.expiries(1_000), (1_000 + day, 1_000 + 15 * day));
//! assert_eq!(policy.absolute_end(1_000), 1_000 + 30 * day);
//! ```

use crate::model::Session;
use crate::policy::hashing::HashParams;
use crate::policy::tokens::session_id;
use crate::secret::SessionToken;

/// Session lifetimes in milliseconds, as in Lucia v2: a session is *active* until
/// `active_expires`, then *idle* (renewed on use) until `idle_expires`, then dead; and dead
/// in any case `max_lifetime_ms` after it was created, however often it was used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionPolicy {
    /// Length of the active period.
    pub active_period_ms: i64,
    /// Length of the idle period that follows it.
    pub idle_period_ms: i64,
    /// The absolute limit, counted from creation (NIST SP 800-63B, AAL1: 30 days).
    pub max_lifetime_ms: i64,
}

impl Default for SessionPolicy {
    /// One day active, then fourteen days idle; never more than thirty days in all.
    fn default() -> Self {
        Self {
            active_period_ms: 24 * 3600 * 1000,
            idle_period_ms: 14 * 24 * 3600 * 1000,
            max_lifetime_ms: 30 * 24 * 3600 * 1000,
        }
    }
}

impl SessionPolicy {
    /// `(active_expires, idle_expires)` for a session created or renewed at `now`.
    pub fn expiries(&self, now: i64) -> (i64, i64) {
        let active = now.saturating_add(self.active_period_ms);
        (active, active.saturating_add(self.idle_period_ms))
    }

    /// When a session created at `created_at` ends at the latest.
    pub fn absolute_end(&self, created_at: i64) -> i64 {
        created_at.saturating_add(self.max_lifetime_ms)
    }

    /// A new session for `token`, made at `now`. No administrator window is open yet: that
    /// needs the password entered for an administrator action.
    pub fn new_session(
        &self,
        token: &SessionToken,
        user_id: &str,
        remember: bool,
        now: i64,
    ) -> Session {
        let (active_expires, idle_expires) = self.expiries(now);
        Session {
            id: session_id(token),
            user_id: user_id.to_owned(),
            active_expires,
            idle_expires,
            created_at: now,
            last_used_at: now,
            remember,
            reauth_at: 0,
            locked_at: None,
            fresh: true,
        }
    }
}

/// Everything the engine can be tuned with.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Config {
    /// argon2id parameters for new hashes.
    pub hash: HashParams,
    /// Session lifetimes.
    pub session: SessionPolicy,
    /// Seconds without input before a signed-in window locks, overriding the administrator's
    /// setting (`Some(0)`: never). For tests and kiosks.
    pub lock_after_override_secs: Option<u64>,
}

impl Config {
    /// Defaults, overridden by `LATCHKEY_SESSION_ACTIVE_SECS`, `LATCHKEY_SESSION_IDLE_SECS`,
    /// `LATCHKEY_SESSION_MAX_SECS`, `LATCHKEY_LOCK_AFTER_SECS`, `LATCHKEY_ARGON2_M_KIB`,
    /// `LATCHKEY_ARGON2_T` and `LATCHKEY_ARGON2_P` where set to a valid number. Invalid values are ignored (and
    /// logged); argon2id settings below the OWASP floor are raised to it.
    pub fn from_env() -> Self {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// As [`Config::from_env`], reading variables through `lookup`.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Self {
        let number = |name: &str, min: i64, max: i64| -> Option<i64> {
            let raw = lookup(name)?;
            match raw.trim().parse::<i64>() {
                Ok(v) if (min..=max).contains(&v) => Some(v),
                _ => {
                    log::warn!("ignoring {name}: expected a whole number from {min} to {max}");
                    None
                }
            }
        };
        let mut config = Self::default();
        let year = 366 * 24 * 3600;
        if let Some(s) = number("LATCHKEY_SESSION_ACTIVE_SECS", 1, 10 * year) {
            config.session.active_period_ms = s * 1000;
        }
        if let Some(s) = number("LATCHKEY_SESSION_IDLE_SECS", 0, 10 * year) {
            config.session.idle_period_ms = s * 1000;
        }
        if let Some(s) = number("LATCHKEY_SESSION_MAX_SECS", 1, 10 * year) {
            config.session.max_lifetime_ms = s * 1000;
        }
        if let Some(s) = number("LATCHKEY_LOCK_AFTER_SECS", 0, 24 * 3600) {
            config.lock_after_override_secs = u64::try_from(s).ok();
        }
        let u32_of = |v: i64| u32::try_from(v).ok();
        if let Some(m) = number("LATCHKEY_ARGON2_M_KIB", 8, 4 * 1024 * 1024).and_then(u32_of) {
            config.hash.m_kib = m;
        }
        if let Some(t) = number("LATCHKEY_ARGON2_T", 1, 100).and_then(u32_of) {
            config.hash.t = t;
        }
        if let Some(p) = number("LATCHKEY_ARGON2_P", 1, 64).and_then(u32_of) {
            config.hash.p = p;
        }
        config.hash = config.hash.at_least_owasp_floor();
        config
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_one_day_active_and_fourteen_idle() {
        let c = Config::from_lookup(|_| None);
        assert_eq!(c.session.expiries(0), (86_400_000, 15 * 86_400_000));
        assert_eq!(
            c.hash,
            HashParams {
                m_kib: 19_456,
                t: 2,
                p: 1
            }
        );
    }

    #[test]
    fn environment_overrides_and_ignores_garbage() {
        let c = Config::from_lookup(|k| match k {
            "LATCHKEY_SESSION_ACTIVE_SECS" => Some("2".into()),
            "LATCHKEY_SESSION_IDLE_SECS" => Some(" 3 ".into()),
            "LATCHKEY_ARGON2_T" => Some("banana".into()),
            "LATCHKEY_ARGON2_M_KIB" => Some("-5".into()),
            _ => None,
        });
        assert_eq!(
            c.session,
            SessionPolicy {
                active_period_ms: 2000,
                idle_period_ms: 3000,
                max_lifetime_ms: 30 * 86_400_000,
            }
        );
        assert_eq!(c.hash, HashParams::default());
    }

    #[test]
    fn weak_hashing_from_the_environment_is_raised_to_the_owasp_floor() {
        let with = |m: &'static str, t: &'static str| {
            Config::from_lookup(move |k| match k {
                "LATCHKEY_ARGON2_M_KIB" => Some(m.into()),
                "LATCHKEY_ARGON2_T" => Some(t.into()),
                _ => None,
            })
            .hash
        };
        assert_eq!((with("8", "1").m_kib, with("8", "1").t), (47_104, 1));
        assert_eq!((with("8", "2").m_kib, with("8", "2").t), (19_456, 2));
        assert_eq!((with("9216", "4").m_kib, with("9216", "4").t), (9_216, 4));
        assert_eq!((with("8", "9").m_kib, with("8", "9").t), (7_168, 9));
        assert_eq!(
            (with("65536", "3").m_kib, with("65536", "3").t),
            (65_536, 3)
        );
    }
}
