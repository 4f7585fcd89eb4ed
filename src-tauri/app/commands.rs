//! The Tauri commands the webview may call. Each is a few lines over [`AuthService`]; none
//! takes a user id or a token: the current user always comes from the token held in Rust.

use crate::app::account::SessionInfo;
use crate::app::admin::TemporaryPassword;
use crate::app::service::{AuthService, Profile, SessionView, SignedInView};
use crate::engine::{AccountSummary, AuthError, AuthEvent, Password};
use tauri::State;

/// Creates an account and signs it in.
///
/// # Errors
/// `INVALID_USERNAME`, `INVALID_PASSWORD`, `WEAK_PASSWORD`, `USERNAME_TAKEN`, storage codes.
#[tauri::command]
pub async fn signup(
    service: State<'_, AuthService>,
    username: String,
    password: Password,
    remember: Option<bool>,
) -> Result<SignedInView, AuthError> {
    service
        .signup(username, password, remember.unwrap_or(false))
        .await
}

/// Signs in.
///
/// # Errors
/// `INVALID_CREDENTIALS`, `TOO_MANY_ATTEMPTS`, `INVALID_USERNAME`, `INVALID_PASSWORD`,
/// storage codes.
#[tauri::command]
pub async fn login(
    service: State<'_, AuthService>,
    username: String,
    password: Password,
    remember: Option<bool>,
) -> Result<SignedInView, AuthError> {
    service
        .login(username, password, remember.unwrap_or(false))
        .await
}

/// The signed-in person's profile.
///
/// # Errors
/// `NOT_AUTHENTICATED`, storage codes.
#[tauri::command]
pub async fn profile(service: State<'_, AuthService>) -> Result<Profile, AuthError> {
    service.profile().await
}

/// Signs out.
///
/// # Errors
/// Storage codes.
#[tauri::command]
pub async fn logout(service: State<'_, AuthService>) -> Result<(), AuthError> {
    service.logout().await
}

/// Who is signed in now (for start-up routing).
///
/// # Errors
/// Storage codes.
#[tauri::command]
pub async fn session(service: State<'_, AuthService>) -> Result<SessionView, AuthError> {
    service.session().await
}

/// Changes the signed-in person's password (ends their other sessions).
///
/// # Errors
/// `INVALID_CREDENTIALS`, `TOO_MANY_ATTEMPTS`, new-password rule codes, `NOT_AUTHENTICATED`.
#[tauri::command]
pub async fn change_password(
    service: State<'_, AuthService>,
    current_password: Password,
    new_password: Password,
) -> Result<Profile, AuthError> {
    service
        .change_password(current_password, new_password)
        .await
}

/// The signed-in person's live sessions.
///
/// # Errors
/// `NOT_AUTHENTICATED`, `PASSWORD_CHANGE_REQUIRED`, storage codes.
#[tauri::command]
pub async fn list_sessions(service: State<'_, AuthService>) -> Result<Vec<SessionInfo>, AuthError> {
    service.list_sessions().await
}

/// Signs the person out everywhere else; returns how many sessions ended.
///
/// # Errors
/// `NOT_AUTHENTICATED`, `PASSWORD_CHANGE_REQUIRED`, storage codes.
#[tauri::command]
pub async fn sign_out_others(service: State<'_, AuthService>) -> Result<usize, AuthError> {
    service.sign_out_others().await
}

/// Deletes the signed-in person's account.
///
/// # Errors
/// `CONFIRMATION_REQUIRED`, `LAST_ADMINISTRATOR`, `INVALID_CREDENTIALS`, `NOT_AUTHENTICATED`.
#[tauri::command]
pub async fn delete_account(
    service: State<'_, AuthService>,
    password: Password,
    confirm: bool,
) -> Result<(), AuthError> {
    service.delete_account(password, confirm).await
}

/// Usernames recently signed in on this OS account.
///
/// # Errors
/// Storage codes.
#[tauri::command]
pub async fn recent_accounts(service: State<'_, AuthService>) -> Result<Vec<String>, AuthError> {
    service.recent_accounts().await
}

/// Removes a name from the recent list.
///
/// # Errors
/// `INVALID_USERNAME`, storage codes.
#[tauri::command]
pub async fn forget_recent_account(
    service: State<'_, AuthService>,
    username: String,
) -> Result<(), AuthError> {
    service.forget_recent_account(username).await
}

/// Administrators: every account.
///
/// # Errors
/// `FORBIDDEN`, `REAUTH_REQUIRED`, `INVALID_CREDENTIALS`, `NOT_AUTHENTICATED`.
#[tauri::command]
pub async fn admin_list_accounts(
    service: State<'_, AuthService>,
    password: Option<Password>,
) -> Result<Vec<AccountSummary>, AuthError> {
    service.admin_list_accounts(password).await
}

/// Administrators: reset another account's password to a temporary one.
///
/// # Errors
/// `FORBIDDEN`, `REAUTH_REQUIRED`, `CANNOT_TARGET_SELF`, `ACCOUNT_NOT_FOUND`.
#[tauri::command]
pub async fn admin_reset_password(
    service: State<'_, AuthService>,
    user_id: String,
    password: Option<Password>,
) -> Result<TemporaryPassword, AuthError> {
    service.admin_reset_password(user_id, password).await
}

/// Administrators: unlock a throttled account.
///
/// # Errors
/// `FORBIDDEN`, `REAUTH_REQUIRED`, `ACCOUNT_NOT_FOUND`.
#[tauri::command]
pub async fn admin_unlock_account(
    service: State<'_, AuthService>,
    user_id: String,
    password: Option<Password>,
) -> Result<(), AuthError> {
    service.admin_unlock_account(user_id, password).await
}

/// Administrators: delete another account (with the administrator's password).
///
/// # Errors
/// `FORBIDDEN`, `INVALID_CREDENTIALS`, `CANNOT_TARGET_SELF`, `ACCOUNT_NOT_FOUND`.
#[tauri::command]
pub async fn admin_delete_account(
    service: State<'_, AuthService>,
    user_id: String,
    password: Password,
) -> Result<(), AuthError> {
    service.admin_delete_account(user_id, password).await
}

/// Administrators: the latest audit events.
///
/// # Errors
/// `FORBIDDEN`, `REAUTH_REQUIRED`, `NOT_AUTHENTICATED`.
#[tauri::command]
pub async fn admin_events(
    service: State<'_, AuthService>,
    password: Option<Password>,
) -> Result<Vec<AuthEvent>, AuthError> {
    service.admin_events(password).await
}
