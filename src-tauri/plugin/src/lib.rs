//! Local accounts for Tauri apps: several people sign up, sign in, see their profile and
//! sign out on one computer, fully offline.
//!
//! Accounts live in one SQLite file (see [`latchkey_engine`]); the session token lives in the
//! OS keyring and in Rust memory and never reaches the webview, which only ever receives
//! profiles and `{ code, message }` errors.
//!
//! ```no_run
//! tauri::Builder::default()
//!     .plugin(tauri_plugin_latchkey::init())
//!     # ;
//! ```
//!
//! The webview calls `invoke("plugin:latchkey|login", { username, password, remember })`
//! and the other commands listed in `build.rs`; the capability grants `latchkey:default`.

mod account;
mod admin;
mod args;
mod commands;
mod desk;
mod directory;
pub mod error;
pub mod first_answers;
mod first_screen;
mod held;
mod language;
mod lock;
mod lock_watch;
pub mod models;
mod os_lock;
mod private;
mod restore;
pub mod screens;
mod service;
mod signin;
pub mod vault;

pub use desk::MAX_PEOPLE;
pub use error::{Error, Result};
pub use first_screen::{first_page, HINT_FILE};
pub use latchkey_engine as engine;
pub use service::{AuthService, Clock};

/// The event the plugin emits to the app's windows when the person at the keyboard was
/// locked by the idle timer or by the operating system (a window shows its lock screen).
pub const LOCKED_EVENT: &str = "latchkey://locked";

/// The event a page emits once its screen is ready for input (the start-up benchmark times
/// it); the first one starts the start-up work that can wait.
pub const READY_EVENT: &str = "latchkey://ready";

use latchkey_engine::Config;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tauri::plugin::TauriPlugin;
use tauri::{AppHandle, Listener, Manager, RunEvent, Runtime};
use vault::{KeyringVault, TokenVault};

/// Configures the plugin: where the database lives, how the engine is tuned, where the
/// session token is kept, and whether the ready screens are served.
///
/// ```
/// use tauri_plugin_latchkey::{engine::Config, Builder};
///
/// let accounts: tauri::plugin::TauriPlugin<tauri::Wry> = Builder::new()
///     .data_dir(std::env::temp_dir().join("my-kiosk"))
///     .keyring_service("com.example.kiosk")
///     .config(Config::default())
///     .screens("index.html")
///     .screen_theme(":root { --accent: #8a2be2; }")
///     .build();
/// # drop(accounts);
/// ```
#[derive(Default)]
pub struct Builder {
    data_dir: Option<PathBuf>,
    keyring_service: Option<String>,
    config: Config,
    vault: Option<Arc<dyn TokenVault>>,
    clock: Option<Clock>,
    languages: Vec<models::LanguageView>,
    screens: Option<screens::ScreensConfig>,
}

impl Builder {
    /// The defaults: the app-data folder, the app's identifier as the keyring service, the
    /// engine's default settings.
    pub fn new() -> Self {
        Self::default()
    }

    /// Keeps the database (`latchkey.db`) in `dir` instead of the app-data folder.
    pub fn data_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.data_dir = Some(dir.into());
        self
    }

    /// Keeps the token under this keyring service name instead of the app's identifier.
    pub fn keyring_service(mut self, service: impl Into<String>) -> Self {
        self.keyring_service = Some(service.into());
        self
    }

    /// Tunes the engine (argon2id cost, session lifetimes).
    pub fn config(mut self, config: Config) -> Self {
        self.config = config;
        self
    }

    /// Keeps tokens in `vault` instead of the OS keyring (tests use an in-memory one).
    pub fn vault(mut self, vault: Arc<dyn TokenVault>) -> Self {
        self.vault = Some(vault);
        self
    }

    /// Reads the time from `clock` instead of the system clock (tests move it by hand).
    pub fn clock(mut self, clock: Clock) -> Self {
        self.clock = Some(clock);
        self
    }

    /// The languages the app's window has words for, as (tag, name) pairs (by default, the
    /// ready screens' [`screens::LANGUAGES`]): `session`
    /// offers them and picks one (the person's choice, the OS account's, the system's).
    pub fn languages(mut self, languages: &[(&str, &str)]) -> Self {
        self.languages = language_views(languages);
        self
    }

    /// Serves the ready screens on `latchkey://localhost/` (see [`screens`]) and sends a
    /// signed-in person to `after_sign_in`: the app's own page, as a path among its files
    /// (`"index.html"`) or a whole URL. Point a window at `latchkey://localhost/` (the
    /// bindings' `screenUrl()`) to show who is here: the sign-in screen, the lock screen or
    /// the app's page. The screens' files come with the crate's `screens` feature (on by
    /// default); without it every page is "not found".
    ///
    /// ```no_run
    /// tauri::Builder::default()
    ///     .plugin(tauri_plugin_latchkey::Builder::new().screens("index.html").build())
    ///     # ;
    /// ```
    pub fn screens(mut self, after_sign_in: impl Into<String>) -> Self {
        let theme = self.screens.take().and_then(|s| s.theme);
        self.screens = Some(screens::ScreensConfig {
            after_sign_in: after_sign_in.into(),
            theme,
        });
        self
    }

    /// The app's stylesheet for the ready screens, linked after theirs: it sets their CSS
    /// custom properties (`--accent`, `--bg`, `--card`, `--text`, … listed in the README)
    /// or hides their brand (`.brand { display: none }`). Only with [`Builder::screens`].
    ///
    /// ```no_run
    /// let accounts = tauri_plugin_latchkey::Builder::new()
    ///     .screens("index.html")
    ///     .screen_theme(":root { --accent: #8a2be2; }");
    /// # let _ = accounts;
    /// ```
    pub fn screen_theme(mut self, css: impl Into<String>) -> Self {
        let mut config = self.screens.take().unwrap_or_default();
        config.theme = Some(css.into());
        self.screens = Some(config);
        self
    }

    /// The plugin, ready for `tauri::Builder::plugin`.
    pub fn build<R: Runtime>(self) -> TauriPlugin<R> {
        let Self {
            data_dir,
            keyring_service,
            config,
            vault,
            clock,
            languages,
            screens,
        } = self;
        let languages = if languages.is_empty() {
            language_views(screens::LANGUAGES)
        } else {
            languages
        };
        let mut plugin = tauri::plugin::Builder::new("latchkey");
        if let Some(chosen) = screens.filter(|s| !s.after_sign_in.is_empty()) {
            plugin = plugin.register_uri_scheme_protocol(screens::SCHEME, move |ctx, request| {
                let dev_url = ctx.app_handle().config().build.dev_url.as_ref();
                let home = screens::home_address(&chosen.after_sign_in, dev_url);
                let config = ctx.app_handle().config();
                let name = config.product_name.as_deref().unwrap_or("Latchkey");
                let app = screens::AppView {
                    home: &home,
                    theme: chosen.theme.as_deref(),
                    name,
                };
                screens::respond(request.uri().path(), &app)
            });
        }
        plugin
            .invoke_handler(tauri::generate_handler![
                commands::signup,
                commands::login,
                commands::second_factor,
                commands::recover,
                commands::profile,
                commands::logout,
                commands::session,
                commands::set_language,
                commands::change_password,
                commands::list_sessions,
                commands::sign_out_others,
                commands::delete_account,
                commands::recent_accounts,
                commands::forget_recent_account,
                commands::new_recovery_codes,
                commands::two_step_begin,
                commands::two_step_enable,
                commands::two_step_disable,
                commands::lock,
                commands::unlock,
                commands::switch_user,
                commands::activity,
                commands::admin_list_accounts,
                commands::admin_reset_password,
                commands::admin_unlock_account,
                commands::admin_delete_account,
                commands::admin_events,
                commands::admin_settings,
                commands::admin_set_lock_after,
                commands::admin_set_two_step_for_admins,
                commands::admin_disable_two_step,
                commands::private_space_status,
                commands::private_space_open,
                commands::private_space_unseal,
                commands::private_space_start_over,
                commands::notes_list,
                commands::note_get,
                commands::note_save,
                commands::note_delete,
                commands::private_list,
                commands::private_get,
                commands::private_put,
                commands::private_delete,
                commands::admin_set_key_escrow,
                commands::previous_password,
                commands::admin_directory_status,
                commands::watch_locked,
            ])
            .setup(move |app, _api| {
                let dir = match data_dir {
                    Some(dir) => dir,
                    None => app.path().app_data_dir()?,
                };
                let vault = vault.unwrap_or_else(|| {
                    let service =
                        keyring_service.unwrap_or_else(|| app.config().identifier.clone());
                    Arc::new(KeyringVault::new(service))
                });
                let clock = clock.unwrap_or_else(|| Arc::new(latchkey_engine::now_ms));
                let service = AuthService::configured(dir, config, vault, clock, languages);
                app.manage(service);
                app.manage(lock_watch::LockWatchers::default());
                // Open the database and restore kept sessions while the webview loads
                // (commands that arrive first wait for this work); the rest of the start-up
                // work waits until the first screen is ready, or 3 s at most.
                let (shown, first_screen) = tokio::sync::oneshot::channel::<()>();
                app.once_any(READY_EVENT, move |_| {
                    let _ = shown.send(());
                });
                let handle = app.clone();
                tauri::async_runtime::spawn(async move {
                    let service = handle.state::<AuthService>();
                    service.warm_up().await;
                    let _ = tokio::time::timeout(Duration::from_secs(3), first_screen).await;
                    service.after_first_screen().await;
                    tauri::async_runtime::spawn(directory::refresh_watch(handle.clone()));
                    idle_watch(handle).await;
                });
                let handle = app.clone();
                os_lock::watch(move || {
                    let handle = handle.clone();
                    tauri::async_runtime::spawn(async move {
                        if let Ok(true) = handle.state::<AuthService>().lock().await {
                            lock_watch::tell_locked(&handle);
                        }
                    });
                });
                Ok(())
            })
            .on_page_load(|webview, payload| {
                if payload.event() == tauri::webview::PageLoadEvent::Started {
                    if let Some(watchers) = webview.try_state::<lock_watch::LockWatchers>() {
                        watchers.page_left(webview.label());
                    }
                }
            })
            .on_event(|app, event| {
                if let RunEvent::Exit = event {
                    if let Some(service) = app.try_state::<AuthService>() {
                        service.end_unkept_sessions();
                    }
                }
            })
            .build()
    }
}

/// Checks once a second whether the window has been idle for the idle lock's delay, locks the
/// person at the keyboard when it has, and tells the windows.
async fn idle_watch<R: Runtime>(app: AppHandle<R>) {
    loop {
        tokio::time::sleep(Duration::from_secs(1)).await;
        if let Ok(true) = app.state::<AuthService>().lock_if_idle().await {
            lock_watch::tell_locked(&app);
        }
    }
}

/// (tag, name) pairs as the views `session` sends.
fn language_views(languages: &[(&str, &str)]) -> Vec<models::LanguageView> {
    languages
        .iter()
        .map(|(tag, name)| models::LanguageView {
            tag: (*tag).to_owned(),
            name: (*name).to_owned(),
        })
        .collect()
}

/// The plugin with its defaults (see [`Builder::new`]) and the ready screens, which send a
/// signed-in person to the app's `index.html` (see [`Builder::screens`]): the one line a
/// host app writes. An app with screens of its own uses `Builder::new().build()`.
///
/// ```no_run
/// tauri::Builder::default()
///     .plugin(tauri_plugin_latchkey::init())
///     # ;
/// ```
pub fn init<R: Runtime>() -> TauriPlugin<R> {
    Builder::new().screens("index.html").build()
}
