//! The private space of the person at the keyboard: their notes and the values a host app
//! keeps for them, sealed under their data key.
//!
//! The data key is held in memory only, for one person: the one at the keyboard, unlocked,
//! who gave their password (or a recovery code) in this run. Locking them (the button, the
//! idle timer, the operating system's lock), switching user, signing out and deleting the
//! account drop it at once (it wipes itself); unlocking with the password brings it back. A
//! kept session reopened at start-up has no key until the password is given
//! ([`AuthService::open_private_space`]). Host Rust code uses the same methods as the
//! window's commands: `app.state::<AuthService>().private_get("name")`.

use crate::held::OpenSpace;
use crate::models::{codes_view, NoteView, SpaceStatusView};
use crate::service::{AuthService, Gate};
use latchkey_engine::{AuthError, Code, Note, Password, SecretKey};
use std::sync::MutexGuard;
use zeroize::Zeroizing;

impl AuthService {
    fn open_space_slot(&self) -> MutexGuard<'_, Option<OpenSpace>> {
        self.open_space.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Holds `user_id`'s data key for this run (replacing, and so wiping, any other).
    pub(crate) fn hold_key(&self, user_id: &str, key: Option<SecretKey>) {
        let mut slot = self.open_space_slot();
        *slot = key.map(|key| OpenSpace {
            user_id: user_id.to_owned(),
            key,
        });
    }

    /// Drops (wipes) the data key held, whoever's it is.
    pub(crate) fn drop_key(&self) {
        self.open_space_slot().take();
    }

    /// Drops the data key held if it is `user_id`'s.
    pub(crate) fn drop_key_of(&self, user_id: &str) {
        let mut slot = self.open_space_slot();
        if slot.as_ref().is_some_and(|s| s.user_id == user_id) {
            slot.take();
        }
    }

    /// Whether a data key is held in memory now (for tests and diagnostics; the key itself
    /// never leaves Rust).
    pub fn holds_data_key(&self) -> bool {
        self.open_space_slot().is_some()
    }

    /// The person at the keyboard (unlocked) and a copy of their data key, if held.
    pub(crate) fn key_at_keyboard(&self) -> Option<(String, SecretKey)> {
        let user_id = self
            .desk()
            .active()
            .filter(|p| p.locked_at.is_none())
            .map(|p| p.user_id.clone())?;
        self.key_of(&user_id).map(|key| (user_id, key))
    }

    /// A copy of `user_id`'s data key, if it is the one held.
    fn key_of(&self, user_id: &str) -> Option<SecretKey> {
        self.open_space_slot()
            .as_ref()
            .filter(|s| s.user_id == user_id)
            .map(|s| s.key.clone())
    }

    /// Runs `f` with the person at the keyboard and their data key (see
    /// [`AuthService::with_session`] for the checks made first; the key must be theirs).
    async fn with_space<T: Send + 'static>(
        &self,
        f: impl FnOnce(&latchkey_engine::Accounts, &str, &SecretKey, i64) -> Result<T, AuthError>
            + Send
            + 'static,
    ) -> Result<T, AuthError> {
        let held = self.key_at_keyboard();
        self.with_session(Gate::Normal, move |accounts, _, user, now| {
            match held.filter(|(owner, _)| *owner == user.id) {
                Some((_, key)) => f(accounts, &user.id, &key, now),
                None => Err(AuthError::PrivateSpaceSealed),
            }
        })
        .await
    }

    /// Whether the private space of the person at the keyboard is open, closed (a kept
    /// session: the password opens it) or sealed by a reset (a recovery code opens it), and
    /// whether their recovery codes open it.
    ///
    /// # Errors
    /// `NOT_AUTHENTICATED`, `LOCKED`; a storage code.
    pub async fn private_space_status(&self) -> Result<SpaceStatusView, AuthError> {
        let (user_id, sealed, codes_open) = self
            .with_session(Gate::Profile, |accounts, _, user, _| {
                Ok((
                    user.id.clone(),
                    accounts.private_space_sealed(&user.id)?,
                    accounts.recovery_codes_open_space(&user.id)?,
                ))
            })
            .await?;
        let open = self.key_of(&user_id).is_some();
        Ok(SpaceStatusView::new(open, sealed, codes_open))
    }

    /// Opens the private space of the person at the keyboard with their password (a kept
    /// session reopened in a new run).
    ///
    /// # Errors
    /// `INVALID_CREDENTIALS`, `TOO_MANY_ATTEMPTS`, `PRIVATE_SPACE_SEALED` (a reset sealed
    /// it: a recovery code is needed), `NOT_AUTHENTICATED`, `LOCKED`; a storage code.
    pub async fn open_private_space(
        &self,
        password: Password,
    ) -> Result<SpaceStatusView, AuthError> {
        let (user_id, space) = self
            .with_session(Gate::Normal, move |accounts, _, user, now| {
                let space = accounts.open_private_space(&user.id, &password, now)?;
                Ok((user.id.clone(), space))
            })
            .await?;
        let _turn = self.keyboard().await;
        self.hold_if_at_keyboard(&user_id, space.into_key())?;
        self.private_space_status().await
    }

    /// After a reset sealed the space: one of the person's recovery codes and their
    /// password open it; a new set of codes comes back, to show once.
    ///
    /// # Errors
    /// `INVALID_RECOVERY_CODE`, `INVALID_CREDENTIALS`, `TOO_MANY_ATTEMPTS`,
    /// `DATA_CORRUPTED`, `NOT_AUTHENTICATED`, `LOCKED`; a storage code.
    pub async fn unseal_private_space(
        &self,
        code: Code,
        password: Password,
    ) -> Result<Vec<Zeroizing<String>>, AuthError> {
        let (user_id, (key, codes)) = self
            .with_session(Gate::Normal, move |accounts, _, user, now| {
                let opened =
                    accounts.unseal_private_space(&user.id, code.expose(), &password, now)?;
                Ok((user.id.clone(), opened))
            })
            .await?;
        let _turn = self.keyboard().await;
        self.hold_if_at_keyboard(&user_id, Some(key))?;
        Ok(codes_view(&codes))
    }

    /// After a reset sealed the space: starts again with an empty one (everything sealed
    /// under the old key is deleted); a new set of codes comes back, to show once.
    ///
    /// # Errors
    /// `CONFIRMATION_REQUIRED`, `INVALID_CREDENTIALS`, `TOO_MANY_ATTEMPTS`,
    /// `NOT_AUTHENTICATED`, `LOCKED`; a storage code.
    pub async fn start_private_space_over(
        &self,
        password: Password,
        confirm: bool,
    ) -> Result<Vec<Zeroizing<String>>, AuthError> {
        let (user_id, (key, codes)) = self
            .with_session(Gate::Normal, move |accounts, _, user, now| {
                let fresh = accounts.start_private_space_over(&user.id, &password, confirm, now)?;
                Ok((user.id.clone(), fresh))
            })
            .await?;
        let _turn = self.keyboard().await;
        self.hold_if_at_keyboard(&user_id, Some(key))?;
        Ok(codes_view(&codes))
    }

    /// Under the keyboard lock: holds the key only if its owner is still at the keyboard
    /// and unlocked (a lock or a switch while the password was checked drops it).
    fn hold_if_at_keyboard(&self, user_id: &str, key: Option<SecretKey>) -> Result<(), AuthError> {
        let here = self
            .desk()
            .active()
            .is_some_and(|p| p.user_id == user_id && p.locked_at.is_none());
        if !here {
            return Err(AuthError::Locked);
        }
        match key {
            Some(key) => {
                self.hold_key(user_id, Some(key));
                Ok(())
            }
            None => Err(AuthError::PrivateSpaceSealed),
        }
    }

    /// The notes of the person at the keyboard, newest first; with `query`, those whose
    /// title contains it.
    ///
    /// # Errors
    /// `PRIVATE_SPACE_SEALED`, `LOCKED`, `NOT_AUTHENTICATED`, `DATA_CORRUPTED`; a storage
    /// code.
    pub async fn notes_list(&self, query: Option<String>) -> Result<Vec<NoteView>, AuthError> {
        self.with_space(move |accounts, user_id, key, _| {
            let notes = accounts.list_notes(user_id, key, query.as_deref())?;
            Ok(notes.into_iter().map(NoteView::summary).collect())
        })
        .await
    }

    /// One note of the person at the keyboard.
    ///
    /// # Errors
    /// `NOT_FOUND`, and as [`AuthService::notes_list`].
    pub async fn note_get(&self, id: String) -> Result<NoteView, AuthError> {
        self.with_space(move |accounts, user_id, key, _| {
            accounts
                .get_note(user_id, key, &id)
                .map(|note: Note| NoteView::full(note))
        })
        .await
    }

    /// Saves a note (new when `id` is `None`).
    ///
    /// # Errors
    /// `INVALID_VALUE_NAME`, `VALUE_TOO_LARGE`, `NOT_FOUND`, and as
    /// [`AuthService::notes_list`].
    pub async fn note_save(
        &self,
        id: Option<String>,
        title: String,
        body: String,
    ) -> Result<NoteView, AuthError> {
        self.with_space(move |accounts, user_id, key, now| {
            accounts
                .save_note(user_id, key, id.as_deref(), &title, &body, now)
                .map(NoteView::summary)
        })
        .await
    }

    /// Deletes a note.
    ///
    /// # Errors
    /// `NOT_FOUND`, and as [`AuthService::notes_list`].
    pub async fn note_delete(&self, id: String) -> Result<(), AuthError> {
        self.with_space(move |accounts, user_id, _, _| accounts.delete_note(user_id, &id))
            .await
    }

    /// The names of the values kept for the person at the keyboard.
    ///
    /// # Errors
    /// As [`AuthService::notes_list`].
    pub async fn private_list(&self) -> Result<Vec<String>, AuthError> {
        self.with_space(|accounts, user_id, key, _| accounts.list_private_values(user_id, key))
            .await
    }

    /// The value kept under `name` (JSON), or `None`.
    ///
    /// # Errors
    /// `INVALID_VALUE_NAME`, and as [`AuthService::notes_list`].
    pub async fn private_get(&self, name: String) -> Result<Option<serde_json::Value>, AuthError> {
        let text = self
            .with_space(move |accounts, user_id, key, _| {
                accounts.get_private_value(user_id, key, &name)
            })
            .await?;
        text.map(|t| serde_json::from_str(&t).map_err(|_| AuthError::DataCorrupted))
            .transpose()
    }

    /// Keeps `value` under `name` (at most 1 MiB of JSON, names of 1 to 200 characters).
    ///
    /// # Errors
    /// `INVALID_VALUE_NAME`, `VALUE_TOO_LARGE`, and as [`AuthService::notes_list`].
    pub async fn private_put(
        &self,
        name: String,
        value: serde_json::Value,
    ) -> Result<(), AuthError> {
        let text = serde_json::to_string(&value).map_err(|_| AuthError::InvalidInput)?;
        self.with_space(move |accounts, user_id, key, now| {
            accounts.put_private_value(user_id, key, &name, &text, now)
        })
        .await
    }

    /// Deletes the value kept under `name`; returns whether there was one.
    ///
    /// # Errors
    /// `INVALID_VALUE_NAME`, and as [`AuthService::notes_list`].
    pub async fn private_delete(&self, name: String) -> Result<bool, AuthError> {
        self.with_space(move |accounts, user_id, key, _| {
            accounts.delete_private_value(user_id, key, &name)
        })
        .await
    }
}
