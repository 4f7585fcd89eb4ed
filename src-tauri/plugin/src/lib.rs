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
pub mod error;
pub mod models;
mod service;
pub mod vault;

pub use error::{Error, Result};
pub use latchkey_engine as engine;
pub use service::AuthService;

use latchkey_engine::Config;
use std::path::PathBuf;
use std::sync::Arc;
use tauri::plugin::TauriPlugin;
use tauri::{Manager, RunEvent, Runtime};
use vault::{KeyringVault, TokenVault};

/// Configures the plugin: where the database lives, how the engine is tuned and where the
/// session token is kept.
#[derive(Default)]
pub struct Builder {
    data_dir: Option<PathBuf>,
    keyring_service: Option<String>,
    config: Config,
    vault: Option<Arc<dyn TokenVault>>,
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

    /// The plugin, ready for `tauri::Builder::plugin`.
    pub fn build<R: Runtime>(self) -> TauriPlugin<R> {
        let Self {
            data_dir,
            keyring_service,
            config,
            vault,
        } = self;
        tauri::plugin::Builder::new("latchkey")
            .invoke_handler(tauri::generate_handler![
                commands::signup,
                commands::login,
                commands::profile,
                commands::logout,
                commands::session,
                commands::change_password,
                commands::list_sessions,
                commands::sign_out_others,
                commands::delete_account,
                commands::recent_accounts,
                commands::forget_recent_account,
                commands::admin_list_accounts,
                commands::admin_reset_password,
                commands::admin_unlock_account,
                commands::admin_delete_account,
                commands::admin_events,
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
                app.manage(AuthService::new(dir, config, vault));
                // Open the database, restore a kept session and prepare the dummy hash
                // while the webview loads; commands that arrive first wait for this work.
                let handle = app.clone();
                tauri::async_runtime::spawn(async move {
                    handle.state::<AuthService>().warm_up().await;
                });
                Ok(())
            })
            .on_event(|app, event| {
                if let RunEvent::Exit = event {
                    if let Some(service) = app.try_state::<AuthService>() {
                        service.end_unkept_session();
                    }
                }
            })
            .build()
    }
}

/// The plugin with its defaults (see [`Builder::new`]).
pub fn init<R: Runtime>() -> TauriPlugin<R> {
    Builder::new().build()
}
