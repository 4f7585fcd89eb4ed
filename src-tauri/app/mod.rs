//! The desktop shell: Tauri commands, the keyring, the window and the app's life cycle.

pub mod account;
pub mod admin;
pub mod args;
pub mod commands;
pub mod logging;
pub mod service;
pub mod vault;

use crate::engine::Config;
use service::AuthService;
use std::path::PathBuf;
use std::sync::Arc;
use tauri::{Builder, Manager, Runtime};
use vault::KeyringVault;

/// The app identifier: also the keyring service name.
pub const APP_IDENTIFIER: &str = "org.latchkey.Latchkey";

/// Registers the commands. Generic over the runtime so tests can use the mock runtime.
pub fn register<R: Runtime>(builder: Builder<R>) -> Builder<R> {
    builder.invoke_handler(tauri::generate_handler![
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
}

/// The data folder: `LATCHKEY_DATA_DIR` when set, else the OS app-data folder.
///
/// # Errors
/// When the OS has no app-data folder for this user.
pub fn data_dir<R: Runtime, M: Manager<R>>(manager: &M) -> tauri::Result<PathBuf> {
    match std::env::var_os("LATCHKEY_DATA_DIR") {
        Some(dir) if !dir.is_empty() => Ok(PathBuf::from(dir)),
        _ => manager.path().app_data_dir(),
    }
}

/// The production service: the OS data folder (or `LATCHKEY_DATA_DIR`), settings from the
/// environment, and the OS keyring.
///
/// # Errors
/// When the OS has no app-data folder for this user.
pub fn production_service<R: Runtime, M: Manager<R>>(manager: &M) -> tauri::Result<AuthService> {
    let dir = data_dir(manager)?;
    Ok(AuthService::new(
        dir,
        Config::from_env(),
        Arc::new(KeyringVault::new(APP_IDENTIFIER)),
    ))
}
