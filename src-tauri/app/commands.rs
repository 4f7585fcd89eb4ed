//! The Tauri commands the webview may call. Each is a few lines over [`AuthService`]; none
//! takes a user id or a token for the current user: that always comes from the token held
//! in Rust. Arguments are taken as [`Arg`] so that a wrong type or a missing field is
//! answered with a coded `INVALID_INPUT` error.

use crate::app::account::SessionInfo;
use crate::app::admin::TemporaryPassword;
use crate::app::args::{flag, optional, required, Arg};
use crate::app::service::{AuthService, Profile, SessionView, SignedInView};
use crate::engine::{AccountSummary, AuthError, AuthEvent, Password};
use tauri::State;

type Text = Option<Arg<String>>;
type Secret = Option<Arg<Password>>;

/// Creates an account and signs it in.
///
/// # Errors
/// `INVALID_USERNAME`, `INVALID_PASSWORD`, `WEAK_PASSWORD`, `USERNAME_TAKEN`, `INVALID_INPUT`,
/// storage codes.
#[tauri::command]
pub async fn signup(
    service: State<'_, AuthService>,
    username: Text,
    password: Secret,
    remember: Option<Arg<bool>>,
) -> Result<SignedInView, AuthError> {
    service
        .signup(required(username)?, required(password)?, flag(remember)?)
        .await
}

/// Signs in.
///
/// # Errors
/// `INVALID_CREDENTIALS`, `TOO_MANY_ATTEMPTS`, `INVALID_USERNAME`, `INVALID_PASSWORD`,
/// `INVALID_INPUT`, storage codes.
#[tauri::command]
pub async fn login(
    service: State<'_, AuthService>,
    username: Text,
    password: Secret,
    remember: Option<Arg<bool>>,
) -> Result<SignedInView, AuthError> {
    service
        .login(required(username)?, required(password)?, flag(remember)?)
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
    current_password: Secret,
    new_password: Secret,
) -> Result<Profile, AuthError> {
    service
        .change_password(required(current_password)?, required(new_password)?)
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
    password: Secret,
    confirm: Option<Arg<bool>>,
) -> Result<(), AuthError> {
    service
        .delete_account(required(password)?, flag(confirm)?)
        .await
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
/// `INVALID_USERNAME`, `INVALID_INPUT`, storage codes.
#[tauri::command]
pub async fn forget_recent_account(
    service: State<'_, AuthService>,
    username: Text,
) -> Result<(), AuthError> {
    service.forget_recent_account(required(username)?).await
}

/// Administrators: every account.
///
/// # Errors
/// `FORBIDDEN`, `REAUTH_REQUIRED`, `INVALID_CREDENTIALS`, `NOT_AUTHENTICATED`.
#[tauri::command]
pub async fn admin_list_accounts(
    service: State<'_, AuthService>,
    password: Secret,
) -> Result<Vec<AccountSummary>, AuthError> {
    service.admin_list_accounts(optional(password)?).await
}

/// Administrators: reset another account's password to a temporary one.
///
/// # Errors
/// `FORBIDDEN`, `REAUTH_REQUIRED`, `CANNOT_TARGET_SELF`, `ACCOUNT_NOT_FOUND`.
#[tauri::command]
pub async fn admin_reset_password(
    service: State<'_, AuthService>,
    user_id: Text,
    password: Secret,
) -> Result<TemporaryPassword, AuthError> {
    service
        .admin_reset_password(required(user_id)?, optional(password)?)
        .await
}

/// Administrators: unlock a throttled account.
///
/// # Errors
/// `FORBIDDEN`, `REAUTH_REQUIRED`, `ACCOUNT_NOT_FOUND`.
#[tauri::command]
pub async fn admin_unlock_account(
    service: State<'_, AuthService>,
    user_id: Text,
    password: Secret,
) -> Result<(), AuthError> {
    service
        .admin_unlock_account(required(user_id)?, optional(password)?)
        .await
}

/// Administrators: delete another account (with the administrator's password).
///
/// # Errors
/// `FORBIDDEN`, `INVALID_CREDENTIALS`, `CANNOT_TARGET_SELF`, `ACCOUNT_NOT_FOUND`.
#[tauri::command]
pub async fn admin_delete_account(
    service: State<'_, AuthService>,
    user_id: Text,
    password: Secret,
) -> Result<(), AuthError> {
    service
        .admin_delete_account(required(user_id)?, required(password)?)
        .await
}

/// Administrators: the latest audit events.
///
/// # Errors
/// `FORBIDDEN`, `REAUTH_REQUIRED`, `NOT_AUTHENTICATED`.
#[tauri::command]
pub async fn admin_events(
    service: State<'_, AuthService>,
    password: Secret,
) -> Result<Vec<AuthEvent>, AuthError> {
    service.admin_events(optional(password)?).await
}
