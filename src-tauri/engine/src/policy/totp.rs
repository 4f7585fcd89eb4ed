//! Two-step sign-in codes (TOTP, RFC 6238, through the `totp-rs` crate): SHA-1, 6 digits,
//! 30-second steps, a 160-bit secret; a code is accepted for the current step and one step
//! either side (offline clocks drift), and never twice (the caller keeps the last step).
//!
//! # Examples
//!
//! ```
//! use latchkey_engine::policy::totp;
//!
//! let secret = totp::new_secret()?;
//! let (uri, base32) = totp::provisioning(&secret, "alice")?;
//! assert!(uri.starts_with("otpauth://totp/Latchkey:alice?"));
//! assert_eq!(base32.len(), 32);
//!
//! let now = 1_767_225_600_000; // Unix ms
//! let code = totp::code_at(&secret, now).ok_or("no code")?;
//! let step = totp::matching_step(&secret, &code, now);
//! assert_eq!(step, Some(1_767_225_600 / 30));
//! assert_eq!(totp::matching_step(&secret, &code, now + 30_000), step); // one step late
//! assert_eq!(totp::matching_step(&secret, &code, now + 90_000), None);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use crate::error::AuthError;
use totp_rs::{Algorithm, Builder, Secret, Totp};
use zeroize::Zeroizing;

/// Seconds per step.
pub const STEP_SECS: u64 = 30;
/// Digits per code.
pub const DIGITS: u8 = 6;
/// Steps accepted either side of the current one.
pub const SKEW_STEPS: u16 = 1;
/// Bytes of a secret (160 bits, as RFC 4226 recommends).
pub const SECRET_BYTES: usize = 20;
/// The issuer shown in authenticator apps.
pub const ISSUER: &str = "Latchkey";

/// A new secret from the OS CSPRNG.
///
/// # Errors
/// `INTERNAL` when the OS random source fails.
pub fn new_secret() -> Result<Zeroizing<Vec<u8>>, AuthError> {
    let mut secret = Zeroizing::new(vec![0u8; SECRET_BYTES]);
    getrandom::fill(secret.as_mut_slice()).map_err(|_| AuthError::Internal)?;
    Ok(secret)
}

fn totp(secret: &[u8], account: &str) -> Result<Totp, AuthError> {
    Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(DIGITS)
        .with_skew(SKEW_STEPS)
        .with_step_duration(STEP_SECS)
        .with_secret(Secret::from(secret.to_vec()))
        .with_issuer(Some(ISSUER))
        .with_account_name(account.replace(':', "-"))
        .build()
        .map_err(|e| {
            log::error!("cannot build a TOTP: {e}");
            AuthError::Internal
        })
}

/// The `otpauth://` URI an authenticator app reads from the QR code, and the secret in
/// base32 for typing it in by hand.
///
/// # Errors
/// `INTERNAL` for a secret the RFC does not allow (shorter than 128 bits).
pub fn provisioning(
    secret: &[u8],
    account: &str,
) -> Result<(Zeroizing<String>, Zeroizing<String>), AuthError> {
    let totp = totp(secret, account)?;
    let uri = totp.to_url().map_err(|_| AuthError::Internal)?;
    Ok((
        Zeroizing::new(uri),
        Zeroizing::new(totp.secret().to_base32()),
    ))
}

/// The step a typed code matches, at `now_ms`, within one step either side; `None` when it
/// matches none. Spaces in the typed code are ignored.
pub fn matching_step(secret: &[u8], typed: &str, now_ms: i64) -> Option<u64> {
    let code: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != usize::from(DIGITS) || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let now = u64::try_from(now_ms / 1000).ok()?;
    totp(secret, "check").ok()?.check(&code, now)
}

/// The code for the step containing `now_ms` (for tests and for checking a setup).
pub fn code_at(secret: &[u8], now_ms: i64) -> Option<String> {
    let now = u64::try_from(now_ms / 1000).ok()?;
    Some(totp(secret, "check").ok()?.generate(now).to_string())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// RFC 6238, appendix B: the SHA-1 seed and 8-digit codes; their last 6 digits are the
    /// 6-digit codes.
    #[test]
    fn rfc_6238_test_vectors() {
        let seed = b"12345678901234567890";
        for (time, code) in [
            (59_i64, "94287082"),
            (1_111_111_109, "07081804"),
            (1_111_111_111, "14050471"),
            (1_234_567_890, "89005924"),
            (2_000_000_000, "69279037"),
        ] {
            let six = &code[2..];
            assert_eq!(code_at(seed, time * 1000).unwrap(), six, "{time}");
            assert!(matching_step(seed, six, time * 1000).is_some(), "{time}");
        }
    }

    #[test]
    fn one_step_either_side_and_no_further() {
        let secret = new_secret().unwrap();
        let at = 1_800_000_000_000_i64;
        let code = code_at(&secret, at).unwrap();
        let step = u64::try_from(at / 1000).unwrap() / STEP_SECS;
        assert_eq!(matching_step(&secret, &code, at), Some(step));
        assert_eq!(matching_step(&secret, &code, at + 30_000), Some(step));
        assert_eq!(matching_step(&secret, &code, at - 30_000), Some(step));
        assert_eq!(matching_step(&secret, &code, at + 60_000), None);
        assert_eq!(matching_step(&secret, "12345", at), None);
        assert_eq!(matching_step(&secret, "abcdef", at), None);
    }

    #[test]
    fn the_uri_names_the_issuer_and_the_account() {
        let (uri, base32) = provisioning(&[7u8; 20], "alice").unwrap();
        assert!(
            uri.starts_with("otpauth://totp/Latchkey:alice?secret="),
            "{}",
            uri.as_str()
        );
        assert!(uri.contains("issuer=Latchkey"));
        assert_eq!(base32.len(), 32);
    }
}
