//! Where the session token is kept between runs: the OS keyring (Secret Service on Linux,
//! Keychain on macOS, Credential Manager on Windows), under service = the app identifier
//! and account `session`. Never a file.
//!
//! Every call blocks (D-Bus, XPC or Win32 round trips); the app makes them from
//! `spawn_blocking` threads only.

use latchkey_engine::SessionToken;
use std::sync::{Arc, Mutex};

/// The keyring account name the token is stored under.
pub const KEYRING_ACCOUNT: &str = "session";

/// Why the keyring could not be used. The text names the failure, never the secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("keyring unavailable: {0}")]
pub struct VaultError(pub String);

/// A place to keep one session token.
pub trait TokenVault: Send + Sync + 'static {
    /// The stored token, if any. A value that is not text counts as absent.
    ///
    /// # Errors
    /// When the keyring cannot be reached or is locked.
    fn load(&self) -> Result<Option<SessionToken>, VaultError>;
    /// Stores the token, replacing any other.
    ///
    /// # Errors
    /// When the keyring cannot be reached or is locked.
    fn save(&self, token: &SessionToken) -> Result<(), VaultError>;
    /// Removes the token; removing nothing is fine.
    ///
    /// # Errors
    /// When the keyring cannot be reached or is locked.
    fn clear(&self) -> Result<(), VaultError>;
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

    fn entry(&self) -> Result<keyring_core::Entry, VaultError> {
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
        store
            .build(&self.service, KEYRING_ACCOUNT, None)
            .map_err(describe)
    }

    fn forget_store(&self) {
        *self.store.lock().unwrap_or_else(|e| e.into_inner()) = None;
    }

    /// Runs `f` on the entry; after a failure, reconnects once (the keyring daemon may have
    /// restarted since the last call).
    fn with_entry<T>(
        &self,
        f: impl Fn(&keyring_core::Entry) -> Result<T, keyring_core::Error>,
    ) -> Result<T, VaultError> {
        let first = self.entry().and_then(|e| f(&e).map_err(describe));
        match first {
            Ok(v) => Ok(v),
            Err(_) => {
                self.forget_store();
                self.entry().and_then(|e| f(&e).map_err(describe))
            }
        }
    }
}

impl TokenVault for KeyringVault {
    fn load(&self) -> Result<Option<SessionToken>, VaultError> {
        self.with_entry(|e| match e.get_password() {
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

    fn save(&self, token: &SessionToken) -> Result<(), VaultError> {
        self.with_entry(|e| e.set_password(token.expose()))
    }

    fn clear(&self) -> Result<(), VaultError> {
        self.with_entry(|e| match e.delete_credential() {
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
        zbus_secret_service_keyring_store::Store::new().map_err(describe)?;
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
#[derive(Default)]
pub struct MemoryVault {
    token: Mutex<Option<SessionToken>>,
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

    /// What is stored, bypassing failure injection (tests only look, never log it).
    pub fn peek(&self) -> Option<SessionToken> {
        self.token.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Replaces what is stored behind the app's back.
    pub fn put(&self, token: Option<SessionToken>) {
        *self.token.lock().unwrap_or_else(|e| e.into_inner()) = token;
    }

    fn check(&self) -> Result<(), VaultError> {
        if self.failing.load(std::sync::atomic::Ordering::SeqCst) {
            return Err(VaultError("injected failure".into()));
        }
        Ok(())
    }
}

impl TokenVault for MemoryVault {
    fn load(&self) -> Result<Option<SessionToken>, VaultError> {
        self.check()?;
        Ok(self.peek())
    }

    fn save(&self, token: &SessionToken) -> Result<(), VaultError> {
        self.check()?;
        self.put(Some(token.clone()));
        Ok(())
    }

    fn clear(&self) -> Result<(), VaultError> {
        self.check()?;
        self.put(None);
        Ok(())
    }
}

impl<T: TokenVault> TokenVault for Arc<T> {
    fn load(&self) -> Result<Option<SessionToken>, VaultError> {
        (**self).load()
    }
    fn save(&self, token: &SessionToken) -> Result<(), VaultError> {
        (**self).save(token)
    }
    fn clear(&self) -> Result<(), VaultError> {
        (**self).clear()
    }
}
