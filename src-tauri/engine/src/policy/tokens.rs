//! Session tokens and random ids from the OS CSPRNG.
//!
//! A token is 32 random bytes, base64url-encoded (43 characters). The database keeps only
//! the lowercase hex SHA-256 of the token string as the session id.
//!
//! # Examples
//!
//! ```
//! use latchkey_engine::policy::tokens;
//! use latchkey_engine::SessionToken;
//!
//! let token = tokens::new_token()?;
//! assert_eq!(token.expose().len(), tokens::TOKEN_CHARS);
//! assert!(tokens::well_formed(&token));
//! assert!(!tokens::well_formed(&SessionToken::new("not a token")));
//!
//! let id = tokens::session_id(&SessionToken::new("abc")); // SHA-256 of "abc"
//! assert_eq!(id, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
//! assert_eq!(tokens::random_string(b"xyz", 8)?.len(), 8);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use crate::error::AuthError;
use crate::secret::SessionToken;
use base64::Engine as _;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

/// Length of an encoded token.
pub const TOKEN_CHARS: usize = 43;

/// Makes a new token from 32 bytes of the OS CSPRNG.
///
/// # Errors
/// `INTERNAL` when the OS random source fails.
pub fn new_token() -> Result<SessionToken, AuthError> {
    let mut bytes = Zeroizing::new([0u8; 32]);
    getrandom::fill(bytes.as_mut()).map_err(|e| {
        log::error!("OS random source failed: {e}");
        AuthError::Internal
    })?;
    Ok(SessionToken::new(
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes.as_ref()),
    ))
}

/// The session id for a token: lowercase hex SHA-256 of the token string.
pub fn session_id(token: &SessionToken) -> String {
    hex(&Sha256::digest(token.expose().as_bytes()))
}

/// Lowercase hex of some bytes (by table: this runs on every session check).
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    s
}

/// Lowercase hex of HMAC-SHA-256 of `text` under `key`.
pub fn keyed_digest(key: &[u8], text: &str) -> String {
    use hmac::{Hmac, Mac};
    match Hmac::<Sha256>::new_from_slice(key) {
        Ok(mut mac) => {
            mac.update(text.as_bytes());
            hex(&mac.finalize().into_bytes())
        }
        // HMAC takes keys of any length, so this arm never runs.
        Err(_) => hex(&Sha256::digest([key, text.as_bytes()].concat())),
    }
}

/// Whether a string has the shape of a token this engine issues.
pub fn well_formed(token: &SessionToken) -> bool {
    let t = token.expose();
    t.len() == TOKEN_CHARS
        && t.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// `len` characters of `alphabet` from the OS CSPRNG, each equally likely.
///
/// # Errors
/// `INTERNAL` when the OS random source fails.
pub fn random_string(alphabet: &[u8], len: usize) -> Result<String, AuthError> {
    let limit = 256 - 256 % alphabet.len();
    let mut out = String::with_capacity(len);
    while out.len() < len {
        let mut bytes = Zeroizing::new([0u8; 32]);
        getrandom::fill(bytes.as_mut()).map_err(|_| AuthError::Internal)?;
        // Rejecting bytes at or above the largest multiple of the alphabet size keeps the
        // characters uniform.
        out.extend(
            bytes
                .iter()
                .filter(|b| usize::from(**b) < limit)
                .map(|b| char::from(alphabet[usize::from(*b) % alphabet.len()]))
                .take(len - out.len()),
        );
    }
    Ok(out)
}

/// 16 characters of `[a-z0-9]` from the OS CSPRNG (about 82 bits): a new user's id.
///
/// # Errors
/// `INTERNAL` when the OS random source fails.
pub fn new_user_id() -> Result<String, AuthError> {
    random_string(b"abcdefghijklmnopqrstuvwxyz0123456789", 16)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_43_url_safe_characters_and_distinct() {
        let a = new_token().unwrap();
        let b = new_token().unwrap();
        assert_eq!(a.expose().len(), TOKEN_CHARS);
        assert!(well_formed(&a));
        assert_ne!(a, b);
    }

    #[test]
    fn session_id_is_hex_sha256_of_the_token_text() {
        // sha256("abc")
        assert_eq!(
            session_id(&SessionToken::new("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn malformed_tokens_are_rejected_by_shape() {
        for bad in [
            "",
            "short",
            &"a".repeat(44),
            &format!("{}=", "a".repeat(42)),
            &"é".repeat(22),
        ] {
            assert!(!well_formed(&SessionToken::new(bad)), "{bad:?}");
        }
    }

    #[test]
    fn keyed_digests_are_hmac_sha256() {
        // RFC 4231, test case 2.
        assert_eq!(
            keyed_digest(b"Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn random_strings_use_only_the_alphabet() {
        let s = random_string(b"ab", 64).unwrap();
        assert_eq!(s.len(), 64);
        assert!(s.bytes().all(|b| b == b'a' || b == b'b'));
        assert_eq!(new_user_id().unwrap().len(), 16);
    }
}
