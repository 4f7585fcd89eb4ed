//! Each person's private space: notes, and the values host apps keep for them, sealed under
//! their data key (see `policy::sealing`). Every call takes the data key the app holds in
//! memory for the person at the keyboard; without one (a kept session before the password
//! was given in this run, a lock) the app answers `PRIVATE_SPACE_SEALED` before calling.
//! Also: opening the space with the password, and after an administrator's reset, with a
//! recovery code or by starting over with an empty space.
//!
//! # Examples
//!
//! ```
//! # use latchkey_engine::Password;
//! # use latchkey_engine::{Accounts, Config, HashParams};
//! # let dir = tempfile::tempdir()?;
//! # let config = Config { hash: HashParams { m_kib: 64, t: 1, p: 1 }, ..Config::default() };
//! # let accounts = Accounts::open(dir.path(), config)?;
//! # let now = 1_767_225_600_000;
//! let alice = accounts.sign_up("alice", &Password::new("violet-Harbor-42"), false, now)?;
//! let (id, key) = (&alice.user.id, alice.data_key.as_ref().ok_or("sealed")?);
//! accounts.put_private_value(id, key, "theme", r#""dark""#, now)?;
//! assert_eq!(accounts.get_private_value(id, key, "theme")?.as_deref(), Some(r#""dark""#));
//! let note = accounts.save_note(id, key, None, "Plans", "the garden", now)?;
//! assert_eq!(accounts.get_note(id, key, &note.id)?.body, "the garden");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use crate::accounts::Accounts;
use crate::credentials;
use crate::error::AuthError;
use crate::key_wraps::{self, Space};
use crate::policy::rules;
use crate::policy::sealing::{Aad, Purpose, SecretKey};
use crate::policy::tokens;
use crate::secret::{Password, RecoveryCodes};
use crate::store::audit::{self, EventKind};
use crate::store::notes::{self, SealedNote};
use crate::store::{data_keys, directory_accounts, private_values, users};
use zeroize::Zeroizing;

/// The most a value (its JSON text) or a note's text may hold: 1 MiB.
pub const MAX_VALUE_BYTES: usize = 1024 * 1024;
/// The most characters in a value's name or a note's title.
pub const MAX_NAME_CHARS: usize = 200;
/// Characters of note ids.
const NOTE_ID_ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";

/// A note as its list shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteSummary {
    /// Random id.
    pub id: String,
    /// The title.
    pub title: String,
    /// Last change, Unix ms.
    pub updated_at: i64,
}

/// A whole note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// Random id.
    pub id: String,
    /// The title.
    pub title: String,
    /// The text.
    pub body: String,
    /// Last change, Unix ms.
    pub updated_at: i64,
}

impl Accounts {
    /// `user_id`'s notes, newest first; with `query`, only those whose title contains it
    /// (ignoring case).
    ///
    /// # Errors
    /// `DATA_CORRUPTED` when a title does not open; a storage code.
    pub fn list_notes(
        &self,
        user_id: &str,
        key: &SecretKey,
        query: Option<&str>,
    ) -> Result<Vec<NoteSummary>, AuthError> {
        let query = query.map(str::trim).filter(|q| !q.is_empty());
        let query = query.map(str::to_lowercase);
        let sealed = self.db.read(|c| notes::list(c, user_id))?;
        let mut out = Vec::with_capacity(sealed.len());
        for note in sealed {
            let title = open_text(key, Purpose::NoteTitle, user_id, &note.id, &note.title)?;
            if query
                .as_deref()
                .is_none_or(|q| title.to_lowercase().contains(q))
            {
                out.push(NoteSummary {
                    id: note.id,
                    title: title.to_string(),
                    updated_at: note.updated_at,
                });
            }
        }
        Ok(out)
    }

    /// One of `user_id`'s notes.
    ///
    /// # Errors
    /// `NOT_FOUND`; `DATA_CORRUPTED`; a storage code.
    pub fn get_note(&self, user_id: &str, key: &SecretKey, id: &str) -> Result<Note, AuthError> {
        let note = self
            .db
            .read(|c| notes::get(c, user_id, id))?
            .ok_or(AuthError::NotFound)?;
        Ok(Note {
            title: open_text(key, Purpose::NoteTitle, user_id, &note.id, &note.title)?.to_string(),
            body: open_text(key, Purpose::NoteBody, user_id, &note.id, &note.body)?.to_string(),
            id: note.id,
            updated_at: note.updated_at,
        })
    }

    /// Saves a note: a new one (`id` `None`) or a change to one of `user_id`'s. The title
    /// is trimmed; an empty title becomes "Untitled"'s stand-in, the text's first line.
    ///
    /// # Errors
    /// `INVALID_VALUE_NAME` for a title over 200 characters; `VALUE_TOO_LARGE` for text
    /// over 1 MiB; `NOT_FOUND` for an id that is not one of theirs; a storage code.
    pub fn save_note(
        &self,
        user_id: &str,
        key: &SecretKey,
        id: Option<&str>,
        title: &str,
        body: &str,
        now: i64,
    ) -> Result<NoteSummary, AuthError> {
        let title = title.trim();
        if title.chars().count() > MAX_NAME_CHARS {
            return Err(AuthError::InvalidValueName);
        }
        if body.len() > MAX_VALUE_BYTES {
            return Err(AuthError::ValueTooLarge);
        }
        let id = match id {
            Some(id) => id.to_owned(),
            None => tokens::random_string(NOTE_ID_ALPHABET, 20)?,
        };
        let sealed = SealedNote {
            title: key.seal(
                &Aad::new(Purpose::NoteTitle, user_id, &id),
                title.as_bytes(),
            )?,
            body: key.seal(&Aad::new(Purpose::NoteBody, user_id, &id), body.as_bytes())?,
            id,
            updated_at: now,
        };
        let stored = self.db.write(|tx| Ok(notes::put(tx, user_id, &sealed)?))?;
        if !stored {
            return Err(AuthError::NotFound);
        }
        Ok(NoteSummary {
            id: sealed.id,
            title: title.to_owned(),
            updated_at: now,
        })
    }

    /// Deletes one of `user_id`'s notes (wiped from the file, as deletions always are).
    ///
    /// # Errors
    /// `NOT_FOUND`; a storage code.
    pub fn delete_note(&self, user_id: &str, id: &str) -> Result<(), AuthError> {
        if !self.db.write(|tx| Ok(notes::delete(tx, user_id, id)?))? {
            return Err(AuthError::NotFound);
        }
        self.db.wipe_replaced();
        Ok(())
    }

    /// Keeps `value` (JSON text, checked by the caller) under `name` for `user_id`.
    ///
    /// # Errors
    /// `INVALID_VALUE_NAME`, `VALUE_TOO_LARGE`; a storage code.
    pub fn put_private_value(
        &self,
        user_id: &str,
        key: &SecretKey,
        name: &str,
        value: &str,
        now: i64,
    ) -> Result<(), AuthError> {
        check_name(name)?;
        if value.len() > MAX_VALUE_BYTES {
            return Err(AuthError::ValueTooLarge);
        }
        let name_id = key.subkey(b"latchkey/v1 value names").name_id(name);
        let mut plain = Zeroizing::new(Vec::with_capacity(4 + name.len() + value.len()));
        let name_len = u32::try_from(name.len()).map_err(|_| AuthError::InvalidValueName)?;
        plain.extend_from_slice(&name_len.to_be_bytes());
        plain.extend_from_slice(name.as_bytes());
        plain.extend_from_slice(value.as_bytes());
        let sealed = key.seal(&Aad::new(Purpose::Value, user_id, &name_id), &plain)?;
        self.db
            .write(|tx| Ok(private_values::put(tx, user_id, &name_id, &sealed, now)?))
    }

    /// The value kept under `name` for `user_id`, if any.
    ///
    /// # Errors
    /// `INVALID_VALUE_NAME`; `DATA_CORRUPTED`; a storage code.
    pub fn get_private_value(
        &self,
        user_id: &str,
        key: &SecretKey,
        name: &str,
    ) -> Result<Option<String>, AuthError> {
        check_name(name)?;
        let name_id = key.subkey(b"latchkey/v1 value names").name_id(name);
        let Some(sealed) = self
            .db
            .read(|c| private_values::get(c, user_id, &name_id))?
        else {
            return Ok(None);
        };
        let (stored_name, value) = open_value(key, user_id, &name_id, &sealed)?;
        if stored_name != name {
            return Err(AuthError::DataCorrupted);
        }
        Ok(Some(value))
    }

    /// The names of the values kept for `user_id`, sorted.
    ///
    /// # Errors
    /// `DATA_CORRUPTED`; a storage code.
    pub fn list_private_values(
        &self,
        user_id: &str,
        key: &SecretKey,
    ) -> Result<Vec<String>, AuthError> {
        let all = self.db.read(|c| private_values::all(c, user_id))?;
        let mut names = all
            .iter()
            .map(|(name_id, sealed)| open_value(key, user_id, name_id, sealed).map(|(n, _)| n))
            .collect::<Result<Vec<_>, _>>()?;
        names.sort();
        Ok(names)
    }

    /// Deletes the value kept under `name`; returns whether there was one.
    ///
    /// # Errors
    /// `INVALID_VALUE_NAME`; a storage code.
    pub fn delete_private_value(
        &self,
        user_id: &str,
        key: &SecretKey,
        name: &str,
    ) -> Result<bool, AuthError> {
        check_name(name)?;
        let name_id = key.subkey(b"latchkey/v1 value names").name_id(name);
        let deleted = self
            .db
            .write(|tx| Ok(private_values::delete(tx, user_id, &name_id)?))?;
        self.db.wipe_replaced();
        Ok(deleted)
    }

    /// Opens the private space with the password (a kept session reopened in a new run):
    /// one argon2id computation checks the password and unwraps the key.
    ///
    /// # Errors
    /// `INVALID_CREDENTIALS` (counted), `TOO_MANY_ATTEMPTS`, `ACCOUNT_LOCKED`,
    /// `INVALID_PASSWORD`, `DATA_CORRUPTED`; a storage code.
    pub fn open_private_space(
        &self,
        user_id: &str,
        password: &Password,
        now: i64,
    ) -> Result<Space, AuthError> {
        let verified = credentials::check_user_password(self, user_id, password, now)?;
        self.db.write(|tx| verified.settle(tx))
    }

    /// Whether an administrator's reset left `user_id`'s private space sealed.
    ///
    /// # Errors
    /// A storage code.
    pub fn private_space_sealed(&self, user_id: &str) -> Result<bool, AuthError> {
        self.db.read(|c| users::space_sealed(c, user_id))
    }

    /// Whether `user_id`'s recovery codes open their private space (codes made before the
    /// private space existed do not: the person should make a new set).
    ///
    /// # Errors
    /// A storage code.
    pub fn recovery_codes_open_space(&self, user_id: &str) -> Result<bool, AuthError> {
        self.db.read(|c| key_wraps::codes_open_space(c, user_id))
    }

    /// After an administrator's reset: one of the person's own recovery codes (which no
    /// longer sign anyone in, but still open their data) and their current password open
    /// the sealed space; it is rewrapped for the password and a new set of codes, shown
    /// once.
    ///
    /// # Errors
    /// `INVALID_CREDENTIALS` (wrong password, counted), `INVALID_RECOVERY_CODE` (counted),
    /// `TOO_MANY_ATTEMPTS`, `INVALID_PASSWORD`, `DATA_CORRUPTED`; a storage code.
    pub fn unseal_private_space(
        &self,
        user_id: &str,
        code: &str,
        password: &Password,
        now: i64,
    ) -> Result<(SecretKey, RecoveryCodes), AuthError> {
        if !rules::code_fits(code) {
            return Err(AuthError::InvalidRecoveryCode);
        }
        let verified = credentials::check_user_password(self, user_id, password, now)?;
        let password_key = verified.password_wrap_key()?;
        let result = self.db.write(|tx| {
            verified.settle(tx)?;
            let Some(data_key) = key_wraps::open_with_code(tx, user_id, code)? else {
                return Err(AuthError::InvalidRecoveryCode.into());
            };
            key_wraps::wrap_for_password(tx, user_id, &data_key, password_key, now)?;
            users::set_space_sealed(tx, user_id, None)?;
            // A directory account's verifier from before a password change opens nothing now.
            directory_accounts::set_previous_verifier(tx, user_id, None)?;
            let codes = credentials::issue_recovery_codes(tx, user_id, now, Some(&data_key))?;
            let name = users::username(tx, user_id)?;
            audit::record(tx, now, EventKind::SpaceOpened, name.as_deref(), None)?;
            Ok((data_key, codes))
        });
        if let Err(AuthError::InvalidRecoveryCode) = result {
            credentials::record_failure(self, Some(user_id), now)?;
        }
        result
    }

    /// After an administrator's reset, the person's choice to start again with an empty
    /// private space: everything sealed under the old key is deleted (its notes, values
    /// and every wrapping), a new key is made for the password and a new set of codes.
    ///
    /// # Errors
    /// `CONFIRMATION_REQUIRED`; `INVALID_CREDENTIALS` (counted), `TOO_MANY_ATTEMPTS`,
    /// `INVALID_PASSWORD`; a storage code.
    pub fn start_private_space_over(
        &self,
        user_id: &str,
        password: &Password,
        confirmed: bool,
        now: i64,
    ) -> Result<(SecretKey, RecoveryCodes), AuthError> {
        if !confirmed {
            return Err(AuthError::ConfirmationRequired);
        }
        let verified = credentials::check_user_password(self, user_id, password, now)?;
        let password_key = verified.password_wrap_key()?;
        let result = self.db.write(|tx| {
            verified.settle(tx)?;
            crate::escrow::end_if_held_by(tx, user_id, now)?;
            notes::delete_all(tx, user_id)?;
            private_values::delete_all(tx, user_id)?;
            data_keys::delete_all(tx, user_id)?;
            users::set_totp(tx, user_id, None, 0, now)?;
            users::set_space_sealed(tx, user_id, None)?;
            directory_accounts::set_previous_verifier(tx, user_id, None)?;
            let data_key = key_wraps::create(tx, user_id, password_key, now)?;
            let codes = credentials::issue_recovery_codes(tx, user_id, now, Some(&data_key))?;
            let name = users::username(tx, user_id)?;
            audit::record(tx, now, EventKind::SpaceStartedOver, name.as_deref(), None)?;
            Ok((data_key, codes))
        })?;
        self.db.wipe_replaced();
        Ok(result)
    }
}

fn check_name(name: &str) -> Result<(), AuthError> {
    let chars = name.chars().count();
    if chars == 0 || chars > MAX_NAME_CHARS {
        return Err(AuthError::InvalidValueName);
    }
    Ok(())
}

fn open_text(
    key: &SecretKey,
    purpose: Purpose,
    user_id: &str,
    id: &str,
    sealed: &[u8],
) -> Result<Zeroizing<String>, AuthError> {
    let plain = key.open(&Aad::new(purpose, user_id, id), sealed)?;
    std::str::from_utf8(&plain)
        .map(|s| Zeroizing::new(s.to_owned()))
        .map_err(|_| AuthError::DataCorrupted)
}

/// A sealed value's name and JSON text.
fn open_value(
    key: &SecretKey,
    user_id: &str,
    name_id: &str,
    sealed: &[u8],
) -> Result<(String, String), AuthError> {
    let plain = key.open(&Aad::new(Purpose::Value, user_id, name_id), sealed)?;
    let (len, rest) = plain.split_at_checked(4).ok_or(AuthError::DataCorrupted)?;
    let len = u32::from_be_bytes(len.try_into().map_err(|_| AuthError::DataCorrupted)?);
    let len = usize::try_from(len).map_err(|_| AuthError::DataCorrupted)?;
    let (name, value) = rest.split_at_checked(len).ok_or(AuthError::DataCorrupted)?;
    match (std::str::from_utf8(name), std::str::from_utf8(value)) {
        (Ok(name), Ok(value)) => Ok((name.to_owned(), value.to_owned())),
        _ => Err(AuthError::DataCorrupted),
    }
}
