//! Sign-in throttling: how long a name must wait after consecutive failures.
//!
//! The first four failures cost nothing; from the fifth on, each further attempt must wait
//! 1, 2, 4, … seconds, capped at 5 minutes; from the hundredth on, the account is locked
//! until an administrator or a recovery code opens it. Pure functions of the failure count, the time
//! of the last failure and `now` (Unix milliseconds).
//!
//! # Examples
//!
//! ```
//! use latchkey_engine::policy::throttle::{is_hard_stopped, retry_after_secs, wait_after};
//!
//! assert_eq!(wait_after(4), 0); // four free failures
//! assert_eq!((wait_after(5), wait_after(6), wait_after(7)), (1_000, 2_000, 4_000));
//! assert_eq!(wait_after(30), 300_000); // five minutes at most
//!
//! // Seven failures, the last at 10 s: the next attempt waits until 14 s.
//! assert_eq!(retry_after_secs(7, 10_000, 11_000), Some(3));
//! assert_eq!(retry_after_secs(7, 10_000, 14_000), None);
//! assert!(is_hard_stopped(100));
//! ```

/// Failures allowed before waits begin.
pub const FREE_FAILURES: u32 = 4;
/// The longest wait, in milliseconds.
pub const MAX_WAIT_MS: i64 = 5 * 60 * 1000;
/// After this many consecutive failures an account is locked for good (NIST SP 800-63B
/// 5.2.2) until an administrator unlocks it or its owner uses a recovery code.
pub const HARD_STOP_FAILURES: u32 = 100;

/// Whether `failures` consecutive failures have reached the hard stop.
pub fn is_hard_stopped(failures: u32) -> bool {
    failures >= HARD_STOP_FAILURES
}

/// The wait imposed after `failures` consecutive failures, in milliseconds.
pub fn wait_after(failures: u32) -> i64 {
    if failures <= FREE_FAILURES {
        return 0;
    }
    let exponent = (failures - FREE_FAILURES - 1).min(20);
    (1000_i64 << exponent).min(MAX_WAIT_MS)
}

/// Whole seconds until the next attempt is allowed, or `None` when it is allowed now.
pub fn retry_after_secs(failures: u32, last_failure_at: i64, now: i64) -> Option<u64> {
    let wait = wait_after(failures);
    if wait == 0 {
        return None; // no wait applies, whatever the clocks of other processes said
    }
    let allowed_at = last_failure_at.saturating_add(wait);
    let remaining = allowed_at.saturating_sub(now);
    (remaining > 0).then(|| u64::try_from((remaining + 999) / 1000).unwrap_or(1).max(1))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn four_free_failures_then_doubling_waits() {
        assert_eq!((0..=4).map(wait_after).collect::<Vec<_>>(), vec![0; 5]);
        assert_eq!(wait_after(5), 1000);
        assert_eq!(wait_after(6), 2000);
        assert_eq!(wait_after(7), 4000);
        assert_eq!(wait_after(13), 256_000);
        assert_eq!(wait_after(14), MAX_WAIT_MS);
        assert_eq!(wait_after(u32::MAX), MAX_WAIT_MS);
    }

    #[test]
    fn retry_after_counts_down_and_rounds_up() {
        assert_eq!(retry_after_secs(4, 10_000, 10_000), None);
        assert_eq!(retry_after_secs(5, 10_000, 10_000), Some(1));
        assert_eq!(retry_after_secs(5, 10_000, 10_999), Some(1));
        assert_eq!(retry_after_secs(5, 10_000, 11_000), None);
        assert_eq!(retry_after_secs(7, 10_000, 10_001), Some(4));
        assert_eq!(retry_after_secs(30, 0, 0), Some(300));
    }

    #[test]
    fn the_hundredth_failure_is_a_hard_stop() {
        assert!(!is_hard_stopped(99));
        assert!(is_hard_stopped(100));
    }

    #[test]
    fn a_clock_that_went_backwards_still_waits_at_most_the_cap_plus_skew() {
        assert_eq!(retry_after_secs(5, 10_000, 9_000), Some(2));
    }

    #[test]
    fn no_wait_means_no_wait_even_with_a_failure_stamped_in_the_future() {
        assert_eq!(retry_after_secs(1, 10_001, 10_000), None);
        assert_eq!(retry_after_secs(4, i64::MAX, 0), None);
    }
}
