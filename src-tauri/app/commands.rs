//! The Tauri commands the webview may call. Each is a few lines over [`AuthService`]; none
//! takes a user id or a token: the current user always comes from the token held in Rust.

use crate::app::service::{AuthService, Profile, SessionView, SignedInView};
use crate::engine::{AuthError, Password};
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
