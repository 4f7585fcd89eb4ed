//! Each person's language, and the language chosen on the sign-in screen of an OS account.
//!
//! # Examples
//!
//! ```
//! use latchkey_engine::Password;
//! # use latchkey_engine::{Accounts, Config, HashParams};
//! # let dir = tempfile::tempdir()?;
//! # let config = Config { hash: HashParams { m_kib: 64, t: 1, p: 1 }, ..Config::default() };
//! # let accounts = Accounts::open(dir.path(), config)?;
//! let alice = accounts.create_user("alice", &Password::new("violet-Harbor-42"), 1_000)?;
//! accounts.set_user_language(&alice.id, "pt-BR")?;
//! assert_eq!(accounts.user_language(&alice.id)?.as_deref(), Some("pt-BR"));
//! let refused = accounts.set_os_user_language("not a language");
//! assert_eq!(refused.unwrap_err().code(), "INVALID_INPUT");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use crate::accounts::Accounts;
use crate::error::AuthError;
use crate::store::{settings, users};

/// Whether `tag` looks like a language tag (`en`, `ko`, `pt-BR`): letters, digits and
/// hyphens, at most 16 characters.
fn is_language_tag(tag: &str) -> bool {
    (2..=16).contains(&tag.len()) && tag.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

impl Accounts {
    /// The language a user chose, if any.
    ///
    /// # Errors
    /// A storage code.
    pub fn user_language(&self, user_id: &str) -> Result<Option<String>, AuthError> {
        self.db.read(|c| users::language(c, user_id))
    }

    /// Records the language a user chose.
    ///
    /// # Errors
    /// `INVALID_INPUT` for something that is not a language tag; a storage code.
    pub fn set_user_language(&self, user_id: &str, language: &str) -> Result<(), AuthError> {
        if !is_language_tag(language) {
            return Err(AuthError::InvalidInput);
        }
        self.db
            .write(|tx| Ok(users::set_language(tx, user_id, language)?))
    }

    /// The language this OS account chose on the sign-in screen, if any.
    ///
    /// # Errors
    /// A storage code.
    pub fn os_user_language(&self) -> Result<Option<String>, AuthError> {
        self.db
            .read(|c| settings::os_user_language(c, &self.os_user))
    }

    /// Records the language this OS account chose on the sign-in screen.
    ///
    /// # Errors
    /// `INVALID_INPUT` for something that is not a language tag; a storage code.
    pub fn set_os_user_language(&self, language: &str) -> Result<(), AuthError> {
        if !is_language_tag(language) {
            return Err(AuthError::InvalidInput);
        }
        self.db
            .write(|tx| Ok(settings::set_os_user_language(tx, &self.os_user, language)?))
    }
}
