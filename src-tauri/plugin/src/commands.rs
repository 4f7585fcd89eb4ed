//! The commands the webview may call, as `plugin:latchkey|<name>`. Each is a few lines over
//! [`AuthService`], whose methods document their error codes. None takes a token, and none
//! takes a user id for the signed-in person: that always comes from the token held in Rust
//! (only the administrator's commands name a target account). Arguments are taken as
//! [`Arg`] so that a wrong type or a missing field is answered with a coded `INVALID_INPUT`.

use crate::args::{flag, optional, required, Arg, SecretArg};
use crate::models::{
    AccountView, EventView, Profile, SessionInfo, SessionView, SignedInView, TemporaryPassword,
};
use crate::service::AuthService;
use crate::Result;
use tauri::State;

type Service<'a> = State<'a, AuthService>;
type Text = Option<Arg<String>>;
type Secret = Option<SecretArg>;
type Flag = Option<Arg<bool>>;

#[tauri::command]
pub(crate) async fn signup(
    s: Service<'_>,
    username: Text,
    password: Secret,
    remember: Flag,
) -> Result<SignedInView> {
    s.signup(required(username)?, required(password)?, flag(remember)?)
        .await
}

#[tauri::command]
pub(crate) async fn login(
    s: Service<'_>,
    username: Text,
    password: Secret,
    remember: Flag,
) -> Result<SignedInView> {
    s.login(required(username)?, required(password)?, flag(remember)?)
        .await
}

#[tauri::command]
pub(crate) async fn profile(s: Service<'_>) -> Result<Profile> {
    s.profile().await
}

#[tauri::command]
pub(crate) async fn logout(s: Service<'_>) -> Result<()> {
    s.logout().await
}

#[tauri::command]
pub(crate) async fn session(s: Service<'_>) -> Result<SessionView> {
    s.session().await
}

#[tauri::command]
pub(crate) async fn change_password(
    s: Service<'_>,
    current_password: Secret,
    new_password: Secret,
) -> Result<Profile> {
    s.change_password(required(current_password)?, required(new_password)?)
        .await
}

#[tauri::command]
pub(crate) async fn list_sessions(s: Service<'_>) -> Result<Vec<SessionInfo>> {
    s.list_sessions().await
}

#[tauri::command]
pub(crate) async fn sign_out_others(s: Service<'_>) -> Result<usize> {
    s.sign_out_others().await
}

#[tauri::command]
pub(crate) async fn delete_account(s: Service<'_>, password: Secret, confirm: Flag) -> Result<()> {
    s.delete_account(required(password)?, flag(confirm)?).await
}

#[tauri::command]
pub(crate) async fn recent_accounts(s: Service<'_>) -> Result<Vec<String>> {
    s.recent_accounts().await
}

#[tauri::command]
pub(crate) async fn forget_recent_account(s: Service<'_>, username: Text) -> Result<()> {
    s.forget_recent_account(required(username)?).await
}

#[tauri::command]
pub(crate) async fn admin_list_accounts(
    s: Service<'_>,
    password: Secret,
) -> Result<Vec<AccountView>> {
    s.admin_list_accounts(optional(password)?).await
}

#[tauri::command]
pub(crate) async fn admin_reset_password(
    s: Service<'_>,
    user_id: Text,
    password: Secret,
) -> Result<TemporaryPassword> {
    s.admin_reset_password(required(user_id)?, required(password)?)
        .await
}

#[tauri::command]
pub(crate) async fn admin_unlock_account(
    s: Service<'_>,
    user_id: Text,
    password: Secret,
) -> Result<()> {
    s.admin_unlock_account(required(user_id)?, optional(password)?)
        .await
}

#[tauri::command]
pub(crate) async fn admin_delete_account(
    s: Service<'_>,
    user_id: Text,
    password: Secret,
) -> Result<()> {
    s.admin_delete_account(required(user_id)?, required(password)?)
        .await
}

#[tauri::command]
pub(crate) async fn admin_events(s: Service<'_>, password: Secret) -> Result<Vec<EventView>> {
    s.admin_events(optional(password)?).await
}
