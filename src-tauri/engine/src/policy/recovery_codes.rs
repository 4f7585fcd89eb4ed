//! Recovery codes: ten one-time codes a person keeps on paper to get back into their account
//! without a server, an e-mail or an administrator.
//!
//! A code is 16 characters from a 31-letter alphabet with no look-alikes (79 bits), written
//! in four groups of four: `k7m2-x9qa-...`. Typing ignores case, spaces and dashes. Only a
//! SHA-256 of the code, salted with the account's id, is stored: with 80 random bits a code
//! cannot be guessed back from its hash, so a slow hash is not needed.
//!
//! # Examples
//!
//! ```
//! use latchkey_engine::policy::recovery_codes;
//!
//! let set = recovery_codes::new_set()?;
//! assert_eq!(set.len(), recovery_codes::CODES_PER_SET);
//! assert_eq!(set[0].len(), 19); // four groups of four, with dashes
//!
//! let typed = recovery_codes::normalize(" K7M2 X9QA-bcde  FGHJ ").ok_or("not a code")?;
//! assert_eq!(typed.as_str(), "k7m2x9qabcdefghj");
//! assert_ne!(recovery_codes::hash("alice-id", &typed), recovery_codes::hash("bob-id", &typed));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use crate::error::AuthError;
use crate::policy::tokens::{hex, random_string};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

/// How many codes a person gets.
pub const CODES_PER_SET: usize = 10;
/// Characters of a code: lowercase letters and digits without 0/o, 1/l/i.
const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
/// Characters of a code, without its dashes.
const CODE_CHARS: usize = 16;
/// Bits of entropy of one code: 16 characters of a 31-letter alphabet.
pub const CODE_BITS: f64 = 79.26;

/// A fresh set of codes, as the person is shown them (grouped, lowercase).
///
/// # Errors
/// `INTERNAL` when the OS random source fails.
pub fn new_set() -> Result<Vec<Zeroizing<String>>, AuthError> {
    (0..CODES_PER_SET)
        .map(|_| {
            let raw = Zeroizing::new(random_string(ALPHABET, CODE_CHARS)?);
            let groups: Vec<&str> = (0..CODE_CHARS / 4)
                .map(|i| &raw[i * 4..i * 4 + 4])
                .collect();
            Ok(Zeroizing::new(groups.join("-")))
        })
        .collect()
}

/// A typed code in its stored form: lowercase, without spaces and dashes; `None` when it
/// cannot be a code (wrong length or characters).
pub fn normalize(typed: &str) -> Option<Zeroizing<String>> {
    let code: Zeroizing<String> = Zeroizing::new(
        typed
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .flat_map(char::to_lowercase)
            .collect(),
    );
    let valid = code.chars().count() == CODE_CHARS && code.bytes().all(|b| ALPHABET.contains(&b));
    valid.then_some(code)
}

/// The stored hash of a normalized code of `user_id`.
pub fn hash(user_id: &str, normalized: &str) -> String {
    let salted = Zeroizing::new(format!("{user_id}:{normalized}"));
    hex(&Sha256::digest(salted.as_bytes()))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_ten_groups_of_readable_characters() {
        let set = new_set().unwrap();
        assert_eq!(set.len(), CODES_PER_SET);
        for code in &set {
            assert_eq!(code.len(), 19, "{}", code.as_str());
            assert_eq!(code.matches('-').count(), 3);
            assert!(!code.contains(['0', 'o', '1', 'l', 'i']));
        }
        let distinct: std::collections::HashSet<_> = set.iter().map(|c| c.as_str()).collect();
        assert_eq!(distinct.len(), CODES_PER_SET);
        assert!((CODE_BITS - 16.0 * (ALPHABET.len() as f64).log2()).abs() < 0.01);
    }

    #[test]
    fn typing_ignores_case_spaces_and_dashes() {
        let code = "k7m2-x9qa-bcde-fghj";
        let typed = normalize(" K7M2 X9QA-bcde  FGHJ ").unwrap();
        assert_eq!(typed.as_str(), "k7m2x9qabcdefghj");
        assert_eq!(hash("u1", &typed), hash("u1", &normalize(code).unwrap()));
        assert_ne!(hash("u1", &typed), hash("u2", &typed));
        assert!(normalize("k7m2-x9qa-bcde").is_none());
        assert!(normalize("k7m2-x9qa-bcde-fgh0").is_none());
    }
}
