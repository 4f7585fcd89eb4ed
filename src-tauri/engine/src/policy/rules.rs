//! Username and password rules: normalization, limits and the common-password list.
//!
//! Usernames are NFKC-normalized, 4–31 characters of letters, digits, `_`, `-` and `.`;
//! accounts are keyed by the lowercased form so "Alice", "ALICE" and "alice" are one account.
//! New passwords are 8–255 characters after NFKC, never truncated or case-folded, and
//! may not be a common password or contain the username.
//!
//! # Examples
//!
//! ```
//! use latchkey_engine::policy::rules::{new_password, Username};
//! use latchkey_engine::Password;
//!
//! let name = Username::parse_new("Alice")?;
//! assert_eq!((name.display(), name.normalized()), ("Alice", "alice"));
//! assert_eq!(Username::parse(" alice").unwrap_err().code(), "INVALID_USERNAME");
//! // A new name is written in one script: here the first letter is Cyrillic.
//! assert!(Username::parse_new("\u{430}lice").is_err());
//!
//! assert!(new_password(&Password::new("violet-Harbor-42"), name.normalized()).is_ok());
//! for weak in ["short", "password1", "my-ALICE-pass"] {
//!     let refused = new_password(&Password::new(weak), name.normalized());
//!     assert_eq!(refused.unwrap_err().code(), "WEAK_PASSWORD");
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use crate::error::{AuthError, Problem};
use crate::secret::Password;
use std::collections::HashSet;
use std::sync::OnceLock;
use unicode_normalization::UnicodeNormalization;
use unicode_security::{skeleton, MixedScript};
use zeroize::Zeroizing;

/// Fewest characters in a username.
pub const USERNAME_MIN_CHARS: usize = 4;
/// Most characters in a username.
pub const USERNAME_MAX_CHARS: usize = 31;
/// Fewest characters in a new password.
pub const PASSWORD_MIN_CHARS: usize = 8;
/// Most characters in any password, new or entered at sign-in.
pub const PASSWORD_MAX_CHARS: usize = 255;
/// The most characters a typed code (authenticator or recovery) may have, checked before
/// any normalisation: a recovery code with its dashes is 19.
pub const CODE_MAX_CHARS: usize = 64;

const COMMON_PASSWORDS_TEXT: &str = include_str!("common-passwords.txt");

/// A valid username: the form shown to people and the lowercased form keys use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Username {
    display: String,
    normalized: String,
}

impl Username {
    /// Checks and normalizes a typed username.
    ///
    /// # Errors
    /// `INVALID_USERNAME` with a message that says what is allowed.
    pub fn parse(raw: &str) -> Result<Self, AuthError> {
        if raw.trim() != raw {
            return Err(AuthError::InvalidUsername(Problem::UsernameSpaces));
        }
        // Refuse absurd input before normalizing it (NFKC can expand text).
        if raw.len() > USERNAME_MAX_CHARS * 4 {
            return Err(AuthError::InvalidUsername(Problem::UsernameRules));
        }
        let display: String = raw.nfkc().collect();
        let chars = display.chars().count();
        if !(USERNAME_MIN_CHARS..=USERNAME_MAX_CHARS).contains(&chars) {
            return Err(AuthError::InvalidUsername(Problem::UsernameRules));
        }
        if !display
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'))
        {
            return Err(AuthError::InvalidUsername(Problem::UsernameRules));
        }
        let normalized: String = display.to_lowercase().nfkc().collect();
        Ok(Self {
            display,
            normalized,
        })
    }

    /// Checks a name chosen for a new account: the rules of [`Username::parse`], and letters
    /// of one script only (Latin, Hangul, Cyrillic, Han with kana, …), so that a name
    /// cannot borrow look-alike letters from another alphabet.
    ///
    /// # Errors
    /// `INVALID_USERNAME` with a message that says what is allowed.
    pub fn parse_new(raw: &str) -> Result<Self, AuthError> {
        let name = Self::parse(raw)?;
        if !name.normalized.as_str().is_single_script() {
            return Err(AuthError::InvalidUsername(Problem::UsernameMixedScripts));
        }
        Ok(name)
    }

    /// The name's confusable skeleton (Unicode TS #39): names that look alike, such as
    /// "alice" and "аӏісе" (Cyrillic), have the same one.
    pub fn skeleton(&self) -> String {
        skeleton(&self.normalized).collect()
    }

    /// The name as typed at sign-up (after NFKC), for display.
    pub fn display(&self) -> &str {
        &self.display
    }

    /// The lowercased normalized name that identifies the account.
    pub fn normalized(&self) -> &str {
        &self.normalized
    }
}

/// NFKC form of a password, zeroized on drop. Nothing else is changed.
fn normalize_password(password: &Password) -> Zeroizing<String> {
    let raw = password.expose();
    let mut out = Zeroizing::new(String::with_capacity(raw.len() * 2));
    out.extend(raw.nfkc());
    out
}

/// Checks a password typed at sign-in (only its length) and returns its NFKC form.
///
/// # Errors
/// `INVALID_PASSWORD` when it is empty or longer than 255 characters.
pub fn login_password(password: &Password) -> Result<Zeroizing<String>, AuthError> {
    if password.expose().is_empty() {
        return Err(AuthError::InvalidPassword(Problem::PasswordEmpty));
    }
    if password.expose().len() > PASSWORD_MAX_CHARS * 4 {
        return Err(AuthError::InvalidPassword(Problem::PasswordTooLong));
    }
    let normalized = normalize_password(password);
    if normalized.chars().count() > PASSWORD_MAX_CHARS {
        return Err(AuthError::InvalidPassword(Problem::PasswordTooLong));
    }
    Ok(normalized)
}

/// Checks a new password against every rule and returns its NFKC form.
///
/// # Errors
/// `INVALID_PASSWORD` when empty or over 255 characters; `WEAK_PASSWORD` when under 8
/// characters, a common password, or containing the username.
pub fn new_password(
    password: &Password,
    normalized_username: &str,
) -> Result<Zeroizing<String>, AuthError> {
    if password.expose().is_empty() {
        return Err(AuthError::InvalidPassword(Problem::PasswordEmpty));
    }
    let normalized = login_password(password)?;
    if normalized.chars().count() < PASSWORD_MIN_CHARS {
        return Err(AuthError::WeakPassword(Problem::PasswordTooShort));
    }
    let lowered = Zeroizing::new(normalized.to_lowercase());
    if is_common_password(&lowered) {
        return Err(AuthError::WeakPassword(Problem::PasswordCommon));
    }
    if !normalized_username.is_empty() && lowered.contains(normalized_username) {
        return Err(AuthError::WeakPassword(Problem::PasswordContainsUsername));
    }
    Ok(normalized)
}

fn common_passwords() -> &'static HashSet<&'static str> {
    static LIST: OnceLock<HashSet<&'static str>> = OnceLock::new();
    LIST.get_or_init(|| {
        COMMON_PASSWORDS_TEXT
            .lines()
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect()
    })
}

/// Whether `typed` is short enough to be checked as a code (see [`CODE_MAX_CHARS`]); a
/// longer one is refused before it is normalised or counted.
pub fn code_fits(typed: &str) -> bool {
    typed.len() <= CODE_MAX_CHARS * 4 && typed.chars().count() <= CODE_MAX_CHARS
}

/// Whether a lowercased password is on the bundled list of common passwords.
pub fn is_common_password(lowercased: &str) -> bool {
    common_passwords().contains(lowercased)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn code(r: Result<impl Sized, AuthError>) -> &'static str {
        r.err().map_or("OK", |e| e.code())
    }

    #[test]
    fn username_length_boundaries() {
        assert_eq!(code(Username::parse("abc")), "INVALID_USERNAME");
        assert_eq!(code(Username::parse("abcd")), "OK");
        assert_eq!(code(Username::parse(&"a".repeat(31))), "OK");
        assert_eq!(code(Username::parse(&"a".repeat(32))), "INVALID_USERNAME");
        assert_eq!(code(Username::parse("")), "INVALID_USERNAME");
    }

    #[test]
    fn username_characters() {
        assert_eq!(code(Username::parse("a.b_c-d9")), "OK");
        assert_eq!(code(Username::parse("Zoë_Ångström")), "OK");
        assert_eq!(code(Username::parse("' OR 1=1 --")), "INVALID_USERNAME");
        assert_eq!(code(Username::parse("bad\0name")), "INVALID_USERNAME");
        assert_eq!(code(Username::parse("smile😀x")), "INVALID_USERNAME");
        assert_eq!(code(Username::parse("two words")), "INVALID_USERNAME");
        assert_eq!(code(Username::parse("<img src=x>")), "INVALID_USERNAME");
        assert_eq!(
            code(Username::parse(&"x".repeat(10_000_000))),
            "INVALID_USERNAME"
        );
    }

    #[test]
    fn username_whitespace_message_says_what_is_allowed() {
        let err = Username::parse(" alice").unwrap_err();
        assert!(err.to_string().contains("4 to 31"));
        assert!(Username::parse("alice\t").is_err());
    }

    #[test]
    fn case_and_unicode_forms_share_one_key() {
        let composed = Username::parse("Ren\u{e9}e").unwrap();
        let decomposed = Username::parse("Rene\u{301}e").unwrap();
        assert_eq!(composed.normalized(), "ren\u{e9}e");
        assert_eq!(composed.normalized(), decomposed.normalized());
        let upper = Username::parse("ALICE").unwrap();
        assert_eq!(upper.normalized(), "alice");
        assert_eq!(upper.display(), "ALICE");
        // Fullwidth letters fold to ASCII under NFKC.
        assert_eq!(Username::parse("ａｌｉｃｅ").unwrap().normalized(), "alice");
    }

    #[test]
    fn look_alike_names_share_a_skeleton_and_mixed_scripts_are_refused() {
        let latin = Username::parse_new("alice").unwrap();
        let cyrillic = Username::parse_new("\u{430}\u{4cf}\u{456}\u{441}\u{435}").unwrap();
        assert_eq!(latin.skeleton(), cyrillic.skeleton());
        assert_eq!(code(Username::parse_new("\u{430}lice")), "INVALID_USERNAME");
        assert_eq!(
            code(Username::parse("\u{430}lice")),
            "OK",
            "existing names still sign in"
        );
        for fine in ["김민준서", "Zoë_Ångström", "Ελένη", "山田太郎", "user_42"] {
            assert_eq!(code(Username::parse_new(fine)), "OK", "{fine}");
        }
    }

    #[test]
    fn new_password_length_boundaries() {
        let user = "alice";
        let pw = |n: usize| Password::new("q".repeat(n - 1) + "Z");
        assert_eq!(code(new_password(&pw(7), user)), "WEAK_PASSWORD");
        assert_eq!(code(new_password(&pw(8), user)), "OK");
        assert_eq!(code(new_password(&pw(255), user)), "OK");
        assert_eq!(code(new_password(&pw(256), user)), "INVALID_PASSWORD");
        assert_eq!(
            code(new_password(&Password::new(""), user)),
            "INVALID_PASSWORD"
        );
    }

    #[test]
    fn length_counts_characters_not_bytes() {
        let user = "alice";
        let emoji = Password::new("🔑".repeat(8));
        assert_eq!(code(new_password(&emoji, user)), "OK");
        assert_eq!(
            code(new_password(&Password::new("🔑".repeat(255)), user)),
            "OK"
        );
        assert_eq!(
            code(new_password(&Password::new("🔑".repeat(256)), user)),
            "INVALID_PASSWORD"
        );
    }

    #[test]
    fn common_passwords_and_username_are_weak() {
        let user = Username::parse("Alice").unwrap();
        let user = user.normalized();
        assert_eq!(
            code(new_password(&Password::new("password1"), user)),
            "WEAK_PASSWORD"
        );
        assert_eq!(
            code(new_password(&Password::new("PASSWORD1"), user)),
            "WEAK_PASSWORD"
        );
        assert_eq!(
            code(new_password(&Password::new("iloveyou"), user)),
            "WEAK_PASSWORD"
        );
        assert_eq!(
            code(new_password(&Password::new("my-ALICE-pass"), user)),
            "WEAK_PASSWORD"
        );
        assert!(common_passwords().len() >= 3_000);
        assert!(common_passwords()
            .iter()
            .all(|p| p.chars().count() >= PASSWORD_MIN_CHARS && *p == p.to_lowercase()));
    }

    #[test]
    fn passwords_are_not_case_folded_or_truncated() {
        let user = "alice";
        let long = "Ab1!".repeat(60);
        let kept = new_password(&Password::new(long.clone()), user).unwrap();
        assert_eq!(kept.as_str(), long);
        let kept = new_password(&Password::new("CorrectHorse"), user).unwrap();
        assert_eq!(kept.as_str(), "CorrectHorse");
    }

    #[test]
    fn login_password_only_checks_length() {
        assert_eq!(code(login_password(&Password::new("x"))), "OK");
        assert_eq!(code(login_password(&Password::new(""))), "INVALID_PASSWORD");
        assert_eq!(code(login_password(&Password::new("x".repeat(255)))), "OK");
        assert_eq!(
            code(login_password(&Password::new("x".repeat(256)))),
            "INVALID_PASSWORD"
        );
        assert_eq!(
            code(login_password(&Password::new("x".repeat(10_000_000)))),
            "INVALID_PASSWORD"
        );
    }
}
