//! Secret strings (passwords, one-time codes, session tokens) that wipe themselves and never
//! print.
//!
//! # Examples
//!
//! ```
//! use latchkey_engine::{Code, Password, SessionToken};
//!
//! let password = Password::new("violet-Harbor-42");
//! assert_eq!(format!("{password:?}"), "Password(***)");
//! assert_eq!(password.expose(), "violet-Harbor-42");
//!
//! // A password can arrive as JSON from a window.
//! let typed: Password = serde_json::from_str(r#""violet-Harbor-42""#)?;
//! assert_eq!(typed, password);
//!
//! let code = Code::new("123 456");
//! let token = SessionToken::new("read back from the keyring");
//! assert_eq!(format!("{code:?} {token:?}"), "Code(***) SessionToken(***)");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use serde::{Deserialize, Deserializer};
use std::fmt;
use zeroize::Zeroizing;

/// A password as the person typed it. Zeroized on drop; `Debug` shows `Password(***)`.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(Zeroizing<String>);

impl Password {
    /// Wraps a typed password.
    pub fn new(value: impl Into<String>) -> Self {
        Self(Zeroizing::new(value.into()))
    }

    /// The characters, for hashing and checking only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(***)")
    }
}

impl<'de> Deserialize<'de> for Password {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Self::new)
    }
}

impl From<String> for Password {
    fn from(value: String) -> Self {
        Self::new(value)
    }
}

/// A one-time code as the person typed it: from the authenticator app, or a recovery code.
/// A secret like a password: zeroized on drop; `Debug` shows `Code(***)`.
#[derive(Clone, PartialEq, Eq)]
pub struct Code(Zeroizing<String>);

impl Code {
    /// Wraps a typed code.
    pub fn new(value: impl Into<String>) -> Self {
        Self(Zeroizing::new(value.into()))
    }

    /// The characters, for checking only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl From<String> for Code {
    fn from(value: String) -> Self {
        Self::new(value)
    }
}

impl fmt::Debug for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Code(***)")
    }
}

/// A session token: the bearer secret held by the OS keyring and in memory, never stored
/// in the database (only its SHA-256 is). Zeroized on drop; `Debug` shows `SessionToken(***)`.
#[derive(Clone, PartialEq, Eq)]
pub struct SessionToken(Zeroizing<String>);

impl SessionToken {
    /// Wraps a token read back from the keyring.
    pub fn new(value: impl Into<String>) -> Self {
        Self(Zeroizing::new(value.into()))
    }

    /// The token text, to hand to the keyring or to hash.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SessionToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SessionToken(***)")
    }
}

/// A set of recovery codes as the person is shown them, once. Zeroized on drop; `Debug`
/// shows `RecoveryCodes(***)`.
#[derive(Clone, PartialEq, Eq)]
pub struct RecoveryCodes(Vec<Zeroizing<String>>);

impl RecoveryCodes {
    /// Wraps freshly made codes.
    pub fn new(codes: Vec<Zeroizing<String>>) -> Self {
        Self(codes)
    }

    /// The codes, to show to their owner.
    pub fn expose(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|c| c.as_str())
    }

    /// How many there are.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for RecoveryCodes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RecoveryCodes(***)")
    }
}

/// A secret kept in the database file itself (the key of the keyed hashes that stand for
/// unknown names). Zeroized on drop; `Debug` shows `DatabaseSecret(***)`.
pub(crate) struct DatabaseSecret(Zeroizing<Vec<u8>>);

impl DatabaseSecret {
    /// Wraps the bytes read from the database.
    pub(crate) fn new(bytes: Zeroizing<Vec<u8>>) -> Self {
        Self(bytes)
    }

    /// The bytes, to key a hash with.
    pub(crate) fn expose(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for DatabaseSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DatabaseSecret(***)")
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_secret() {
        let p = Password::new("hunter2-secret");
        let t = SessionToken::new("tok-secret");
        assert_eq!(format!("{p:?} {t:?}"), "Password(***) SessionToken(***)");
        assert!(!format!("{:?}", Some(&p)).contains("secret"));
    }

    #[test]
    fn password_deserializes_from_a_json_string() {
        let p: Password = serde_json::from_str("\"pässword\"").unwrap();
        assert_eq!(p.expose(), "pässword");
        assert!(serde_json::from_str::<Password>("12").is_err());
    }
}
