//! The signed-in state of this app instance, between the commands and the engine.
//!
//! Holds the current session's token in memory (never handed to the webview), persists it
//! through a [`TokenVault`], and restores it once at start-up. All engine and keyring work
//! runs on blocking threads; the lock on the current session is never held across `.await`.

use crate::models::{Profile, SessionView, SignedInView};
use crate::vault::{TokenVault, VaultError};
use latchkey_engine::{
    now_ms, session_id, Accounts, AuthError, Config, Password, Session, SessionToken, User,
};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use tokio::sync::OnceCell;

/// How long a keyring call may take before the keyring counts as unavailable.
pub const KEYRING_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

/// What the person is told when their sign-in cannot be kept for next time.
pub const KEYRING_NOTICE: &str =
    "Your system keyring could not be reached, so you are signed in for this session only. You will need to sign in again next time you open Latchkey.";

struct Current {
    token: SessionToken,
    remember: bool,
}

/// The app's account service, managed as Tauri state.
pub struct AuthService {
    data_dir: PathBuf,
    config: Config,
    accounts: OnceCell<Arc<Accounts>>,
    restored: OnceCell<()>,
    vault: Arc<dyn TokenVault>,
    current: Mutex<Option<Current>>,
    notice: Mutex<Option<&'static str>>,
    started_at: i64,
}

/// Runs blocking work (SQLite, argon2, keyring) off the async threads.
pub(crate) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, AuthError> {
    tauri::async_runtime::spawn_blocking(f).await.map_err(|e| {
        log::error!("blocking task failed: {e}");
        AuthError::Internal
    })
}

impl AuthService {
    /// A service over the database in `data_dir`, keeping tokens in `vault`. Nothing is
    /// opened until the first command needs it.
    pub fn new(data_dir: PathBuf, config: Config, vault: Arc<dyn TokenVault>) -> Self {
        Self {
            data_dir,
            config,
            accounts: OnceCell::new(),
            restored: OnceCell::new(),
            vault,
            current: Mutex::new(None),
            notice: Mutex::new(None),
            started_at: now_ms(),
        }
    }

    /// The engine, opened on first use (on a blocking thread).
    ///
    /// # Errors
    /// The storage code when the database cannot be opened; the next call tries again.
    pub async fn accounts(&self) -> Result<Arc<Accounts>, AuthError> {
        self.accounts
            .get_or_try_init(|| {
                let (dir, config) = (self.data_dir.clone(), self.config);
                async move {
                    let accounts = blocking(move || Accounts::open(&dir, config)).await??;
                    Ok(Arc::new(accounts))
                }
            })
            .await
            .cloned()
    }

    fn set_current(&self, current: Option<Current>) -> Option<Current> {
        std::mem::replace(
            &mut *self.current.lock().unwrap_or_else(|e| e.into_inner()),
            current,
        )
    }

    pub(crate) fn current_token(&self) -> Option<SessionToken> {
        self.current
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
            .map(|c| c.token.clone())
    }

    /// Forgets the current session if it is still the one with `token`.
    fn forget_if_current(&self, token: &SessionToken) {
        let mut current = self.current.lock().unwrap_or_else(|e| e.into_inner());
        if current.as_ref().is_some_and(|c| &c.token == token) {
            *current = None;
        }
    }

    fn take_notice(&self) -> Option<&'static str> {
        self.notice.lock().unwrap_or_else(|e| e.into_inner()).take()
    }

    /// Creates an account and signs it in.
    ///
    /// # Errors
    /// The engine's codes for sign-up.
    pub async fn signup(
        &self,
        username: String,
        password: Password,
        remember: bool,
    ) -> Result<SignedInView, AuthError> {
        self.ensure_restored().await?;
        let accounts = self.accounts().await?;
        let signed =
            blocking(move || accounts.sign_up(&username, &password, remember, now_ms())).await??;
        self.finish_sign_in(signed, remember).await
    }

    /// Signs in with a username and password.
    ///
    /// # Errors
    /// The engine's codes for sign-in.
    pub async fn login(
        &self,
        username: String,
        password: Password,
        remember: bool,
    ) -> Result<SignedInView, AuthError> {
        self.ensure_restored().await?;
        let accounts = self.accounts().await?;
        let signed = blocking(move || accounts.sign_in(&username, &password, remember, now_ms()))
            .await?
            .inspect_err(|e| log::info!("sign-in refused: {}", e.code()))?;
        log::info!("signed in");
        self.finish_sign_in(signed, remember).await
    }

    /// Makes a fresh sign-up's or sign-in's session current and answers the webview.
    async fn finish_sign_in(
        &self,
        signed: latchkey_engine::SignedIn,
        remember: bool,
    ) -> Result<SignedInView, AuthError> {
        let notice = self.adopt(signed.token, remember).await?;
        Ok(SignedInView {
            profile: signed.user.into(),
            notice,
        })
    }

    /// Makes a new session current and ends the one it replaces. A kept session's token goes
    /// to the vault; when the vault fails, the session is stored as not kept (it ends when
    /// the app quits) and the person is told. A session not kept stays in memory only.
    async fn adopt(
        &self,
        token: SessionToken,
        remember: bool,
    ) -> Result<Option<&'static str>, AuthError> {
        let previous = self.set_current(Some(Current {
            token: token.clone(),
            remember,
        }));
        if let Some(previous) = previous {
            let accounts = self.accounts().await?;
            blocking(move || accounts.invalidate_session(&previous.token)).await??;
        }
        if !remember {
            self.clear_vault().await;
            return Ok(None);
        }
        let saved = token.clone();
        match self.with_vault(move |vault| vault.save(&saved)).await {
            Ok(()) => Ok(None),
            Err(e) => {
                log::warn!("session kept in memory only: {e}");
                self.keep_for_this_run_only(&token).await?;
                Ok(Some(KEYRING_NOTICE))
            }
        }
    }

    /// A session whose token has nowhere to be kept is not kept: in memory, and in the
    /// database, so that it ends at exit (or at the next start after a crash).
    async fn keep_for_this_run_only(&self, token: &SessionToken) -> Result<(), AuthError> {
        if let Some(current) = self
            .current
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .as_mut()
            .filter(|c| &c.token == token)
        {
            current.remember = false;
        }
        let accounts = self.accounts().await?;
        let id = session_id(token);
        blocking(move || accounts.set_session_not_kept(&id)).await?
    }

    /// Opens the database, restores the saved session and prepares the dummy hash, so that
    /// the first screen finds everything ready; then sweeps what has expired (dead sessions,
    /// sessions of earlier runs not to be kept, stale throttle rows, the old log). Started
    /// at launch, while the webview loads; commands that arrive meanwhile wait for the same
    /// restoring work instead of repeating it, but never for the sweep.
    pub async fn warm_up(&self) {
        if let Err(e) = self.ensure_restored().await {
            log::warn!("start-up preparation failed: {}", e.code());
        }
        let Ok(accounts) = self.accounts().await else {
            return;
        };
        let started_at = self.started_at;
        let swept = blocking(move || {
            accounts.hasher().warm_up();
            accounts.housekeeping(now_ms(), started_at)
        })
        .await;
        match swept {
            Ok(Ok(swept)) => log::debug!("start-up housekeeping: {swept:?}"),
            Ok(Err(e)) => log::warn!("start-up housekeeping failed: {}", e.code()),
            Err(_) => {}
        }
    }

    /// Restores the session kept in the vault, once per run and before any other command
    /// touches the current session.
    async fn ensure_restored(&self) -> Result<(), AuthError> {
        self.restored
            .get_or_try_init(|| self.restore())
            .await
            .map(|_| ())
    }

    async fn restore(&self) -> Result<(), AuthError> {
        let accounts = self.accounts().await?;
        let stored = match self.with_vault(|vault| vault.load()).await {
            Ok(stored) => stored,
            Err(e) => {
                log::warn!("cannot read the saved session: {e}");
                *self.notice.lock().unwrap_or_else(|e| e.into_inner()) = Some(KEYRING_NOTICE);
                return Ok(());
            }
        };
        let Some(token) = stored else {
            log::debug!("no saved session");
            return Ok(());
        };
        log::debug!("checking the saved session");
        let check = token.clone();
        let session = blocking(move || accounts.restore_session(&check, now_ms())).await??;
        match session {
            Some(s) if s.remember => {
                self.set_current(Some(Current {
                    token,
                    remember: true,
                }));
            }
            Some(_) => {
                // A session not to be kept, saved by an earlier version of Latchkey.
                let accounts = self.accounts().await?;
                blocking(move || accounts.invalidate_session(&token)).await??;
                self.clear_vault().await;
            }
            None => self.clear_vault().await,
        }
        Ok(())
    }

    async fn clear_vault(&self) {
        if let Err(e) = self.with_vault(|vault| vault.clear()).await {
            log::warn!("cannot remove the saved session: {e}");
        }
    }

    /// Runs one keyring call on a blocking thread, giving up after [`KEYRING_TIMEOUT`]: a
    /// locked keyring may wait for an unlock prompt that nobody will answer.
    async fn with_vault<T: Send + 'static>(
        &self,
        f: impl FnOnce(&dyn TokenVault) -> Result<T, VaultError> + Send + 'static,
    ) -> Result<T, VaultError> {
        let vault = self.vault.clone();
        let call = tauri::async_runtime::spawn_blocking(move || f(vault.as_ref()));
        match tokio::time::timeout(KEYRING_TIMEOUT, call).await {
            Ok(Ok(result)) => result,
            Ok(Err(e)) => Err(VaultError(format!("keyring call failed: {e}"))),
            Err(_) => Err(VaultError("the keyring did not answer in time".into())),
        }
    }

    /// Runs `f` for the signed-in person on a blocking thread, after validating their
    /// session (renewing it when idle). A person who must change their password is refused
    /// with `PASSWORD_CHANGE_REQUIRED` unless `during_forced_change` allows it.
    ///
    /// # Errors
    /// `NOT_AUTHENTICATED` when nobody is signed in or the session has ended (the saved
    /// token is then removed); `PASSWORD_CHANGE_REQUIRED`; whatever `f` returns.
    pub(crate) async fn with_session<T: Send + 'static>(
        &self,
        during_forced_change: bool,
        f: impl FnOnce(&Accounts, &Session, &User) -> Result<T, AuthError> + Send + 'static,
    ) -> Result<T, AuthError> {
        self.ensure_restored().await?;
        let token = self.current_token().ok_or(AuthError::NotAuthenticated)?;
        let accounts = self.accounts().await?;
        let check = token.clone();
        let outcome = blocking(move || -> Result<Option<T>, AuthError> {
            let Some(session) = accounts.validate_session(&check, now_ms())? else {
                log::debug!("the session has ended");
                return Ok(None);
            };
            if session.fresh {
                log::debug!("idle session renewed");
            }
            let Some(user) = accounts.get_user(&session.user_id)? else {
                return Ok(None);
            };
            if user.must_change_password && !during_forced_change {
                return Err(AuthError::PasswordChangeRequired);
            }
            f(&accounts, &session, &user).map(Some)
        })
        .await??;
        match outcome {
            Some(value) => Ok(value),
            None => {
                self.forget_if_current(&token);
                self.clear_vault().await;
                Err(AuthError::NotAuthenticated)
            }
        }
    }

    /// The signed-in person's profile.
    ///
    /// # Errors
    /// `NOT_AUTHENTICATED` when nobody is signed in or the session has ended (the saved
    /// token is then removed); a storage code.
    pub async fn profile(&self) -> Result<Profile, AuthError> {
        self.with_session(true, |_, _, user| Ok(user.clone().into()))
            .await
    }

    /// Ends the signed-in person's account after checking the password and an explicit
    /// confirmation, then signs out.
    ///
    /// # Errors
    /// `CONFIRMATION_REQUIRED`, `LAST_ADMINISTRATOR`, `INVALID_CREDENTIALS`,
    /// `TOO_MANY_ATTEMPTS`, `NOT_AUTHENTICATED`, storage codes.
    pub async fn delete_account(&self, password: Password, confirm: bool) -> Result<(), AuthError> {
        if !confirm {
            return Err(AuthError::ConfirmationRequired);
        }
        self.with_session(false, move |accounts, _, user| {
            accounts.delete_user(&user.id, &password, now_ms())
        })
        .await?;
        self.set_current(None);
        self.clear_vault().await;
        Ok(())
    }

    /// Who is signed in now, for start-up routing.
    ///
    /// # Errors
    /// A storage code when the database cannot be used.
    pub async fn session(&self) -> Result<SessionView, AuthError> {
        self.ensure_restored().await?;
        let notice = self.take_notice();
        match self.profile().await {
            Ok(profile) => Ok(SessionView {
                signed_in: true,
                profile: Some(profile),
                notice,
            }),
            Err(AuthError::NotAuthenticated) => Ok(SessionView {
                signed_in: false,
                profile: None,
                notice,
            }),
            Err(e) => Err(e),
        }
    }

    /// Ends the current session. The token is forgotten here first (memory and vault), so
    /// that nobody finds this person signed in even when the database cannot record the
    /// sign-out. Signing out when nobody is signed in is fine.
    ///
    /// # Errors
    /// A storage code: the session could not be ended in the database (its token is gone
    /// all the same, and the row expires or is swept later).
    pub async fn logout(&self) -> Result<(), AuthError> {
        self.ensure_restored().await?;
        let current = self.set_current(None);
        self.clear_vault().await;
        let Some(current) = current else {
            return Ok(());
        };
        let accounts = self.accounts().await?;
        blocking(move || accounts.sign_out(&current.token, now_ms())).await??;
        log::info!("signed out");
        Ok(())
    }

    /// At exit: ends a session the person did not ask to keep (its token was never saved).
    /// Blocking; call it from the exit handler only.
    pub fn end_unkept_session(&self) {
        let current = self.set_current(None);
        let Some(current) = current.filter(|c| !c.remember) else {
            return;
        };
        if let Some(accounts) = self.accounts.get() {
            if let Err(e) = accounts.invalidate_session(&current.token) {
                log::warn!("cannot end the session at exit: {}", e.code());
            }
        }
    }
}
