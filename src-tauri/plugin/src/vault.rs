//! Where the tokens of sessions kept across restarts are kept between runs: the OS keyring
//! (Secret Service on Linux, Keychain on macOS, Credential Manager on Windows), one item per
//! person, under service = the app identifier and account `session:<user id>` (a *slot*).
//! Never a file.
//!
//! Every call blocks (D-Bus, XPC or Win32 round trips); the app makes them from
//! `spawn_blocking` threads only.

use latchkey_engine::SessionToken;
use std::sync::{Arc, Mutex};

/// The slot (keyring account name) that versions before 0.2 kept their one token under; read
/// once at start-up and moved to its person's slot.
pub const LEGACY_SLOT: &str = "session";

/// The slot (keyring account name) of a person's kept session.
pub fn slot_of(user_id: &str) -> String {
    format!("session:{user_id}")
}

/// Why the keyring could not be used. The text names the failure, never the secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("keyring unavailable: {0}")]
pub struct VaultError(pub String);

/// A place to keep session tokens, one per slot.
pub trait TokenVault: Send + Sync + 'static {
    /// The token in `slot`, if any. A value that is not text counts as absent.
    ///
    /// # Errors
    /// When the keyring cannot be reached or is locked.
    fn load(&self, slot: &str) -> Result<Option<SessionToken>, VaultError>;
    /// Stores a token in `slot`, replacing what was there.
    ///
    /// # Errors
    /// When the keyring cannot be reached or is locked.
    fn save(&self, slot: &str, token: &SessionToken) -> Result<(), VaultError>;
    /// Empties `slot`; emptying an empty slot is fine.
    ///
    /// # Errors
    /// When the keyring cannot be reached or is locked.
    fn clear(&self, slot: &str) -> Result<(), VaultError>;
}

/// The OS keyring through keyring-core and the platform's native store (no fallback to an
/// in-memory mock: without a store every call fails, and the app says so).
pub struct KeyringVault {
    service: String,
    store: Mutex<Option<Arc<keyring_core::api::CredentialStore>>>,
}

impl KeyringVault {
    /// A vault for `service` (the app identifier). Connects lazily, on first use.
    pub fn new(service: impl Into<String>) -> Self {
        Self {
            service: service.into(),
            store: Mutex::new(None),
        }
    }

    fn entry(&self, slot: &str) -> Result<keyring_core::Entry, VaultError> {
        let store = {
            let mut slot = self.store.lock().unwrap_or_else(|e| e.into_inner());
            match slot.as_ref() {
                Some(store) => store.clone(),
                None => {
                    let store = platform_store()?;
                    *slot = Some(store.clone());
                    store
                }
            }
        };
        store.build(&self.service, slot, None).map_err(describe)
    }

    fn forget_store(&self) {
        *self.store.lock().unwrap_or_else(|e| e.into_inner()) = None;
    }

    /// Runs `f` on the entry; after a failure, reconnects once (the keyring daemon may have
    /// restarted since the last call).
    fn with_entry<T>(
        &self,
        slot: &str,
        f: impl Fn(&keyring_core::Entry) -> Result<T, keyring_core::Error>,
    ) -> Result<T, VaultError> {
        let first = self.entry(slot).and_then(|e| f(&e).map_err(describe));
        match first {
            Ok(v) => Ok(v),
            Err(_) => {
                self.forget_store();
                self.entry(slot).and_then(|e| f(&e).map_err(describe))
            }
        }
    }
}

impl TokenVault for KeyringVault {
    fn load(&self, slot: &str) -> Result<Option<SessionToken>, VaultError> {
        self.with_entry(slot, |e| match e.get_password() {
            Ok(token) => Ok(Some(SessionToken::new(token))),
            Err(keyring_core::Error::NoEntry | keyring_core::Error::BadEncoding(_)) => Ok(None),
            Err(keyring_core::Error::Ambiguous(entries)) => {
                // Several items for one account: none can be trusted; remove them all.
                entries.iter().for_each(|e| drop(e.delete_credential()));
                Ok(None)
            }
            Err(err) => Err(err),
        })
    }

    fn save(&self, slot: &str, token: &SessionToken) -> Result<(), VaultError> {
        self.with_entry(slot, |e| e.set_password(token.expose()))
    }

    fn clear(&self, slot: &str) -> Result<(), VaultError> {
        self.with_entry(slot, |e| match e.delete_credential() {
            Ok(()) | Err(keyring_core::Error::NoEntry) => Ok(()),
            Err(keyring_core::Error::Ambiguous(entries)) => {
                entries.iter().for_each(|e| drop(e.delete_credential()));
                Ok(())
            }
            Err(err) => Err(err),
        })
    }
}

/// Names a keyring failure without echoing any value it carries.
fn describe(err: keyring_core::Error) -> VaultError {
    use keyring_core::Error as E;
    let what = match err {
        E::PlatformFailure(e) => format!("platform failure: {e}"),
        E::NoStorageAccess(e) => format!("no storage access (locked or denied): {e}"),
        E::NoEntry => "no entry".into(),
        E::BadEncoding(_) => "stored value is not text".into(),
        E::BadDataFormat(..) => "stored value has a bad format".into(),
        E::BadStoreFormat(_) => "the store has a bad format".into(),
        E::TooLong(name, limit) => format!("{name} longer than {limit}"),
        E::Invalid(name, why) => format!("invalid {name}: {why}"),
        E::Ambiguous(_) => "several matching items".into(),
        E::NoDefaultStore => "no store".into(),
        E::NotSupportedByStore(what) => format!("not supported: {what}"),
        other => format!("{other}"),
    };
    VaultError(what)
}

#[cfg(target_os = "linux")]
fn platform_store() -> Result<Arc<keyring_core::api::CredentialStore>, VaultError> {
    let store: Arc<keyring_core::api::CredentialStore> =
        dbus_secret_service_keyring_store::Store::new().map_err(describe)?;
    Ok(store)
}

#[cfg(target_os = "macos")]
fn platform_store() -> Result<Arc<keyring_core::api::CredentialStore>, VaultError> {
    let store: Arc<keyring_core::api::CredentialStore> =
        apple_native_keyring_store::keychain::Store::new().map_err(describe)?;
    Ok(store)
}

#[cfg(target_os = "windows")]
fn platform_store() -> Result<Arc<keyring_core::api::CredentialStore>, VaultError> {
    let store: Arc<keyring_core::api::CredentialStore> =
        windows_native_keyring_store::Store::new().map_err(describe)?;
    Ok(store)
}

#[cfg(not(any(target_os = "linux", target_os = "macos", target_os = "windows")))]
fn platform_store() -> Result<Arc<keyring_core::api::CredentialStore>, VaultError> {
    Err(VaultError(
        "no keyring store for this operating system".into(),
    ))
}

/// A vault in process memory, for command-level tests. It can be told to fail like a
/// missing or locked keyring.
///
/// ```
/// use tauri_plugin_latchkey::engine::SessionToken;
/// use tauri_plugin_latchkey::vault::{slot_of, MemoryVault, TokenVault};
///
/// let vault = MemoryVault::new();
/// let token = SessionToken::new("a-session-token");
/// vault.save(&slot_of("user-1"), &token)?;
/// assert_eq!(vault.slots(), [slot_of("user-1")]);
/// vault.set_failing(true); // as a keyring that went away
/// assert!(vault.load(&slot_of("user-1")).is_err());
/// # Ok::<(), tauri_plugin_latchkey::vault::VaultError>(())
/// ```
#[derive(Default)]
pub struct MemoryVault {
    tokens: Mutex<std::collections::BTreeMap<String, SessionToken>>,
    failing: std::sync::atomic::AtomicBool,
}

impl MemoryVault {
    /// An empty, working vault.
    pub fn new() -> Self {
        Self::default()
    }

    /// Makes every later call fail (`true`) or work again (`false`).
    pub fn set_failing(&self, failing: bool) {
        self.failing
            .store(failing, std::sync::atomic::Ordering::SeqCst);
    }

    /// What one slot holds, bypassing failure injection (tests only look, never log it).
    pub fn peek_slot(&self, slot: &str) -> Option<SessionToken> {
        self.tokens
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(slot)
            .cloned()
    }

    /// The token held, when the vault holds exactly one (tests of one person).
    pub fn peek(&self) -> Option<SessionToken> {
        let tokens = self.tokens.lock().unwrap_or_else(|e| e.into_inner());
        (tokens.len() == 1)
            .then(|| tokens.values().next().cloned())
            .flatten()
    }

    /// The slots that hold a token.
    pub fn slots(&self) -> Vec<String> {
        let tokens = self.tokens.lock().unwrap_or_else(|e| e.into_inner());
        tokens.keys().cloned().collect()
    }

    /// Replaces what the legacy slot holds behind the app's back (as an older version of
    /// Latchkey, or another program, would).
    pub fn put(&self, token: Option<SessionToken>) {
        let mut tokens = self.tokens.lock().unwrap_or_else(|e| e.into_inner());
        match token {
            Some(token) => tokens.insert(LEGACY_SLOT.to_owned(), token),
            None => tokens.remove(LEGACY_SLOT),
        };
    }

    fn check(&self) -> Result<(), VaultError> {
        if self.failing.load(std::sync::atomic::Ordering::SeqCst) {
            return Err(VaultError("injected failure".into()));
        }
        Ok(())
    }
}

impl TokenVault for MemoryVault {
    fn load(&self, slot: &str) -> Result<Option<SessionToken>, VaultError> {
        self.check()?;
        Ok(self.peek_slot(slot))
    }

    fn save(&self, slot: &str, token: &SessionToken) -> Result<(), VaultError> {
        self.check()?;
        let mut tokens = self.tokens.lock().unwrap_or_else(|e| e.into_inner());
        tokens.insert(slot.to_owned(), token.clone());
        Ok(())
    }

    fn clear(&self, slot: &str) -> Result<(), VaultError> {
        self.check()?;
        let mut tokens = self.tokens.lock().unwrap_or_else(|e| e.into_inner());
        tokens.remove(slot);
        Ok(())
    }
}

impl<T: TokenVault> TokenVault for Arc<T> {
    fn load(&self, slot: &str) -> Result<Option<SessionToken>, VaultError> {
        (**self).load(slot)
    }
    fn save(&self, slot: &str, token: &SessionToken) -> Result<(), VaultError> {
        (**self).save(slot, token)
    }
    fn clear(&self, slot: &str) -> Result<(), VaultError> {
        (**self).clear(slot)
    }
}
