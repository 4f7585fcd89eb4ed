//! The account service of one app instance, between the commands and the engine.
//!
//! It holds the signed-in people's tokens in memory (never handed to the webview), keeps
//! the tokens of sessions to be kept in a [`TokenVault`], and answers for the person at the
//! keyboard. All engine and keyring work runs on blocking threads; no lock is held across
//! `.await`. Signing in is in `signin`, restoring at start-up in `restore`, locking in
//! `lock`, self-service in `account` and administration in `admin`.

use crate::desk::{Desk, Person};
use crate::held::{Hint, OpenSpace, Prepared};
use crate::models::{LanguageView, LockedView, Notice, PersonView, Profile, SessionView};
use crate::vault::{slot_of, TokenVault, VaultError};
use latchkey_engine::{
    now_ms, session_id, Accounts, AuthError, Config, LockAfter, Password, PendingSignIn, Session,
    TwoStepSetup, User,
};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::sync::OnceCell;

/// How long a keyring call may take before the keyring counts as unavailable.
pub const KEYRING_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

/// The service's time source, in Unix milliseconds (the system clock, or a test's).
pub type Clock = Arc<dyn Fn() -> i64 + Send + Sync>;

/// What a command may do while its person has something to finish first (a forced password
/// change, turning two-step sign-in on).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Gate {
    /// Nothing may be pending.
    Normal,
    /// Reading the profile, whatever is pending.
    Profile,
    /// Changing the password, while a temporary one must be replaced.
    PasswordChange,
    /// Turning two-step sign-in on, while it is required.
    TwoStepSetup,
}

/// The app's account service, managed as Tauri state.
pub struct AuthService {
    data_dir: PathBuf,
    config: Config,
    accounts: OnceCell<Arc<Accounts>>,
    pub(crate) restored: OnceCell<()>,
    pub(crate) vault: Arc<dyn TokenVault>,
    desk: Mutex<Desk>,
    /// Held across every change of who is at the keyboard or of their lock (an async lock,
    /// made to be held across `.await`; the `desk` itself is never locked across one).
    keyboard: tokio::sync::Mutex<()>,
    notices: Mutex<Vec<Notice>>,
    lock_after: Mutex<Option<LockAfter>>,
    pub(crate) pending: Mutex<Option<PendingSignIn>>,
    /// A directory sign-in waiting for the previous password (see `directory.rs`).
    pub(crate) pending_previous: Mutex<Option<PendingSignIn>>,
    pub(crate) two_step_setup: Mutex<Option<(String, TwoStepSetup)>>,
    /// The data key of the person at the keyboard while their private space is open.
    pub(crate) open_space: Mutex<Option<OpenSpace>>,
    languages: Vec<LanguageView>,
    /// The answers prepared for the window's first page (see `first_answers.rs`).
    pub(crate) first_answers: Mutex<Option<Prepared>>,
    pub(crate) started_at: i64,
    clock: Clock,
    /// What this run knows of the first-screen hint.
    first_screen_hint: Hint,
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
    /// opened until the first command (or the start-up warm-up) needs it. The plugin makes
    /// one in its setup and keeps it as the app's state; Rust code of the app reaches it
    /// with `app.state::<AuthService>()`.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use tauri_plugin_latchkey::{engine::Config, vault::MemoryVault, AuthService};
    ///
    /// let dir = std::env::temp_dir().join(format!("latchkey-doc-{}", std::process::id()));
    /// let service = AuthService::new(dir.clone(), Config::default(), Arc::new(MemoryVault::new()));
    /// let here = tauri::async_runtime::block_on(service.session())?;
    /// assert!(!here.signed_in && here.profile.is_none());
    /// # std::fs::remove_dir_all(dir).ok();
    /// # Ok::<(), tauri_plugin_latchkey::Error>(())
    /// ```
    pub fn new(data_dir: PathBuf, config: Config, vault: Arc<dyn TokenVault>) -> Self {
        Self::with_clock(data_dir, config, vault, Arc::new(now_ms))
    }

    /// As [`AuthService::new`], reading the time from `clock` (tests move it by hand).
    pub fn with_clock(
        data_dir: PathBuf,
        config: Config,
        vault: Arc<dyn TokenVault>,
        clock: Clock,
    ) -> Self {
        Self::configured(data_dir, config, vault, clock, Vec::new())
    }

    /// A service with everything set: the time source, and the languages the window has
    /// words for (English alone when none are given).
    pub fn configured(
        data_dir: PathBuf,
        config: Config,
        vault: Arc<dyn TokenVault>,
        clock: Clock,
        languages: Vec<LanguageView>,
    ) -> Self {
        let languages = if languages.is_empty() {
            vec![LanguageView {
                tag: "en".into(),
                name: "English".into(),
            }]
        } else {
            languages
        };
        Self {
            data_dir,
            config,
            accounts: OnceCell::new(),
            restored: OnceCell::new(),
            vault,
            desk: Mutex::new(Desk::default()),
            keyboard: tokio::sync::Mutex::new(()),
            notices: Mutex::new(Vec::new()),
            lock_after: Mutex::new(None),
            pending: Mutex::new(None),
            pending_previous: Mutex::new(None),
            two_step_setup: Mutex::new(None),
            open_space: Mutex::new(None),
            first_answers: Mutex::new(None),
            languages,
            started_at: clock(),
            clock,
            first_screen_hint: Hint::default(),
        }
    }

    /// The data folder (the database and the first-screen hint).
    pub(crate) fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// The first-screen hint's state.
    pub(crate) fn hint(&self) -> &Hint {
        &self.first_screen_hint
    }

    /// The current time by the service's clock.
    pub(crate) fn now(&self) -> i64 {
        (self.clock)()
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
                    let accounts = blocking(move || {
                        Accounts::open(&dir, config).map(|a| match directory_from_env() {
                            Ok(directory) => a.with_directory(directory),
                            Err(()) => a.with_unusable_directory_settings(),
                        })
                    })
                    .await??;
                    Ok(Arc::new(accounts))
                }
            })
            .await
            .cloned()
    }

    /// The engine, if it is open already (for the exit handler, which cannot wait).
    pub(crate) fn accounts_if_open(&self) -> Option<Arc<Accounts>> {
        self.accounts.get().cloned()
    }

    /// The languages the window has words for.
    pub(crate) fn languages(&self) -> &[LanguageView] {
        &self.languages
    }

    /// The people signed in here.
    pub(crate) fn desk(&self) -> MutexGuard<'_, Desk> {
        self.desk.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Waits for the keyboard: the lock that every change of who is at the keyboard, or of
    /// their lock, holds from start to end (see `lock`).
    pub(crate) async fn keyboard(&self) -> tokio::sync::MutexGuard<'_, ()> {
        self.keyboard.lock().await
    }

    /// Drops what the person at the keyboard had half done: a two-step sign-in waiting for
    /// its code, a two-step set-up waiting for its first code (on sign-out and switching).
    pub(crate) fn drop_half_done(&self) {
        self.pending
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        self.pending_previous
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        self.two_step_setup
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
    }

    /// Drops a half-done two-step sign-in whose five minutes are over (it holds the
    /// password's key; the window's input reports come often enough to find it).
    pub(crate) fn drop_expired_sign_in(&self, now: i64) {
        let mut pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
        if pending.as_ref().is_some_and(|p| {
            now.saturating_sub(p.started_at()) > latchkey_engine::signin::SECOND_FACTOR_WINDOW_MS
        }) {
            pending.take();
        }
    }

    /// Keeps a notice for the window's next look at the session.
    pub(crate) fn notify(&self, notice: Notice) {
        self.notices
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(notice);
    }

    /// Whether a notice waits for the window.
    pub(crate) fn has_notice(&self) -> bool {
        !self
            .notices
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .is_empty()
    }

    fn take_notice(&self) -> Option<Notice> {
        self.notices.lock().unwrap_or_else(|e| e.into_inner()).pop()
    }

    /// The idle lock in force (read once, then kept; the administrator's changes update it).
    ///
    /// # Errors
    /// A storage code.
    pub(crate) async fn lock_after(&self) -> Result<LockAfter, AuthError> {
        if let Some(known) = *self.lock_after.lock().unwrap_or_else(|e| e.into_inner()) {
            return Ok(known);
        }
        let accounts = self.accounts().await?;
        let read = blocking(move || accounts.lock_after()).await??;
        *self.lock_after.lock().unwrap_or_else(|e| e.into_inner()) = Some(read);
        Ok(read)
    }

    /// Records a new idle lock setting.
    pub(crate) fn set_lock_after(&self, lock_after: LockAfter) {
        *self.lock_after.lock().unwrap_or_else(|e| e.into_inner()) = Some(lock_after);
    }

    /// Runs one keyring call on a blocking thread, giving up after [`KEYRING_TIMEOUT`]: a
    /// locked keyring may wait for an unlock prompt that nobody will answer.
    pub(crate) async fn with_vault<T: Send + 'static>(
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

    /// Empties a vault slot, logging (not returning) a failure.
    pub(crate) async fn clear_slot(&self, slot: String) {
        if let Err(e) = self.with_vault(move |vault| vault.clear(&slot)).await {
            log::warn!("cannot remove a saved session: {e}");
        }
    }

    /// Forgets a person here (memory and, if kept, vault) whose session has ended.
    pub(crate) async fn forget(&self, person: &Person) {
        self.drop_key_of(&person.user_id);
        self.desk().remove_token(&person.token);
        if person.remember {
            self.clear_slot(slot_of(&person.user_id)).await;
        }
    }

    /// Runs `f` for the person at the keyboard on a blocking thread, after checking that
    /// they are not locked (locking them first if the window has been idle too long) and
    /// validating their session (renewing it when idle). A person who must change their
    /// password, or turn two-step sign-in on, is refused with `PASSWORD_CHANGE_REQUIRED` or
    /// `TWO_STEP_SETUP_REQUIRED` unless `gate` allows it. `f` receives the engine, the
    /// session, the user and the time.
    ///
    /// # Errors
    /// `NOT_AUTHENTICATED` when nobody is at the keyboard or the session has ended (the
    /// person is then forgotten); `LOCKED`; `PASSWORD_CHANGE_REQUIRED`;
    /// `TWO_STEP_SETUP_REQUIRED`; what `f` returns.
    pub(crate) async fn with_session<T: Send + 'static>(
        &self,
        gate: Gate,
        f: impl FnOnce(&Accounts, &Session, &User, i64) -> Result<T, AuthError> + Send + 'static,
    ) -> Result<T, AuthError> {
        self.ensure_restored().await?;
        let person = self
            .desk()
            .active()
            .cloned()
            .ok_or(AuthError::NotAuthenticated)?;
        if person.locked_at.is_some() || self.lock_if_idle().await? {
            return Err(AuthError::Locked);
        }
        let accounts = self.accounts().await?;
        let now = self.now();
        let check = person.token.clone();
        let outcome = blocking(move || -> Result<Option<T>, AuthError> {
            let Some(session) = accounts.validate_session(&check, now)? else {
                log::debug!("the session has ended");
                return Ok(None);
            };
            if session.locked_at.is_some() {
                return Err(AuthError::Locked);
            }
            let Some(user) = accounts.get_user(&session.user_id)? else {
                return Ok(None);
            };
            if user.must_change_password && !matches!(gate, Gate::Profile | Gate::PasswordChange) {
                return Err(AuthError::PasswordChangeRequired);
            }
            if !matches!(gate, Gate::Profile | Gate::TwoStepSetup)
                && accounts.two_step_setup_required(&user)?
            {
                return Err(AuthError::TwoStepSetupRequired);
            }
            f(&accounts, &session, &user, now).map(Some)
        })
        .await??;
        match outcome {
            Some(value) => Ok(value),
            None => {
                self.forget(&person).await;
                Err(AuthError::NotAuthenticated)
            }
        }
    }

    /// The profile of the person at the keyboard.
    ///
    /// # Errors
    /// `NOT_AUTHENTICATED` when nobody is signed in or the session has ended; `LOCKED`; a
    /// storage code.
    pub async fn profile(&self) -> Result<Profile, AuthError> {
        self.with_session(Gate::Profile, |accounts, _, user, _| {
            profile_of(accounts, user.clone())
        })
        .await
    }

    /// Who is here and in what state, for the window's routing: the person at the keyboard
    /// (their profile, or their lock screen), everyone signed in here, the idle lock, and a
    /// pending notice.
    ///
    /// # Errors
    /// A storage code when the database cannot be used.
    pub async fn session(&self) -> Result<SessionView, AuthError> {
        self.ensure_restored().await?;
        let lock_after_secs = self.lock_after().await?.secs;
        let profile = match self.profile().await {
            Ok(profile) => Some(profile),
            Err(AuthError::NotAuthenticated | AuthError::Locked) => None,
            Err(e) => return Err(e),
        };
        let language = self.language(profile.as_ref()).await?;
        let accounts = self.accounts().await?;
        let key_escrow = blocking(move || accounts.key_escrow_on()).await??;
        let desk = self.desk();
        let active = desk.active().map(|p| p.user_id.clone());
        let locked = desk
            .active()
            .and_then(|p| p.locked_at.map(|at| (p.username.clone(), at)))
            .map(|(username, locked_at)| LockedView {
                username,
                locked_at,
            });
        let people = desk
            .people()
            .iter()
            .map(|p| PersonView {
                username: p.username.clone(),
                locked: p.locked_at.is_some(),
                current: active.as_deref() == Some(p.user_id.as_str()),
                kept: p.remember,
            })
            .collect::<Vec<_>>();
        drop(desk);
        self.remember_first_screen(people.iter().any(|p| p.kept));
        Ok(SessionView {
            signed_in: profile.is_some(),
            profile,
            locked,
            people,
            lock_after_secs,
            language,
            languages: self.languages().to_vec(),
            notice: self.take_notice(),
            key_escrow,
        })
    }

    /// Signs out the person at the keyboard (locked or not); everyone else stays signed in.
    /// The token is forgotten here first (memory and vault), so that nobody finds this
    /// person signed in even when the database cannot record the sign-out. Signing out when
    /// nobody is at the keyboard is fine.
    ///
    /// # Errors
    /// A storage code: the session could not be ended in the database (its token is gone
    /// all the same, and the row expires or is swept later).
    pub async fn logout(&self) -> Result<(), AuthError> {
        self.ensure_restored().await?;
        let _turn = self.keyboard().await;
        self.drop_half_done();
        let person = {
            let mut desk = self.desk();
            let id = desk.active().map(|p| p.user_id.clone());
            id.and_then(|id| desk.remove(&id))
        };
        self.drop_key();
        let Some(person) = person else {
            return Ok(());
        };
        if person.remember {
            self.clear_slot(slot_of(&person.user_id)).await;
        }
        let accounts = self.accounts().await?;
        let now = self.now();
        blocking(move || accounts.sign_out(&person.token, now)).await??;
        log::info!("signed out");
        Ok(())
    }

    /// Deletes the account of the person at the keyboard after checking the password and an
    /// explicit confirmation, and forgets that person's token (only theirs).
    ///
    /// # Errors
    /// `CONFIRMATION_REQUIRED`, `LAST_ADMINISTRATOR`, `INVALID_CREDENTIALS`,
    /// `TOO_MANY_ATTEMPTS`, `NOT_AUTHENTICATED`, `LOCKED`, storage codes.
    pub async fn delete_account(&self, password: Password, confirm: bool) -> Result<(), AuthError> {
        if !confirm {
            return Err(AuthError::ConfirmationRequired);
        }
        let user_id = self
            .with_session(Gate::Normal, move |accounts, _, user, now| {
                accounts.delete_user(&user.id, &password, now)?;
                Ok(user.id.clone())
            })
            .await?;
        let _turn = self.keyboard().await;
        self.drop_key_of(&user_id);
        let person = self.desk().remove(&user_id);
        if person.is_some_and(|p| p.remember) {
            self.clear_slot(slot_of(&user_id)).await;
        }
        Ok(())
    }

    /// The session id of the person at the keyboard, if any (for tests and diagnostics;
    /// never sent to the webview).
    pub fn current_session_id(&self) -> Option<String> {
        self.desk().active().map(|p| session_id(&p.token))
    }
}

/// The profile of `user`, with its recovery codes left and whether two-step sign-in must be
/// turned on.
///
/// # Errors
/// A storage code.
pub(crate) fn profile_of(accounts: &Accounts, user: User) -> Result<Profile, AuthError> {
    let left = accounts.recovery_codes_left(&user.id)?;
    let setup_required = accounts.two_step_setup_required(&user)?;
    let directory_name = accounts
        .directory_account(&user.id)?
        .map(|d| d.display_name);
    Ok(Profile::new(user, left, setup_required, directory_name))
}

/// The computer's directory, from its settings file (see `latchkey_engine::directory`);
/// none when there is no file. A file that cannot be used is logged (what is wrong, never
/// the service password) and is an error: directory people then sign in from their cache
/// only, until it is fixed.
fn directory_from_env() -> Result<Option<latchkey_engine::directory::Directory>, ()> {
    use latchkey_engine::directory::{Directory, DirectorySettings};
    DirectorySettings::from_env()
        .and_then(|s| s.map(Directory::new).transpose())
        .map_err(|e| log::error!("{e}"))
}
