//! The commands the webview may call, as `plugin:latchkey|<name>`. Each is a few lines over
//! [`AuthService`], whose methods document their error codes. None takes a token, and none
//! takes a user id for the signed-in person: that always comes from the token held in Rust
//! (only the administrator's commands name a target account). Arguments are taken as
//! [`Arg`] (and passwords as [`SecretArg`]) so that a wrong type or a missing field is
//! answered with a coded `INVALID_INPUT`.

use crate::args::{flag, optional, required, Arg, SecretArg};
use crate::models::{
    AccountView, EventView, LockSettingView, NoteView, Profile, SessionInfo, SessionView,
    SettingsView, SignedInView, SpaceStatusView, TemporaryPassword, TwoStepSetupView,
};
use crate::service::AuthService;
use crate::Result;
use latchkey_engine::Code;
use tauri::{AppHandle, Runtime, State};
use zeroize::Zeroizing;

type Service<'a> = State<'a, AuthService>;
type Text = Option<Arg<String>>;
type Secret = Option<SecretArg>;
type OneTimeCode = Option<SecretArg<Code>>;
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
pub(crate) async fn second_factor(s: Service<'_>, code: OneTimeCode) -> Result<SignedInView> {
    s.second_factor(required(code)?).await
}

#[tauri::command]
pub(crate) async fn previous_password(s: Service<'_>, password: Secret) -> Result<SignedInView> {
    s.previous_password(optional(password)?).await
}

#[tauri::command]
pub(crate) async fn admin_directory_status(
    s: Service<'_>,
    password: Secret,
) -> Result<latchkey_engine::directory_accounts::DirectoryStatus> {
    s.admin_directory_status(optional(password)?).await
}

#[tauri::command]
pub(crate) async fn recover(
    s: Service<'_>,
    username: Text,
    code: OneTimeCode,
    new_password: Secret,
    remember: Flag,
) -> Result<SignedInView> {
    s.recover(
        required(username)?,
        required(code)?,
        required(new_password)?,
        flag(remember)?,
    )
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
pub(crate) async fn set_language(s: Service<'_>, language: Text) -> Result<String> {
    s.set_language(required(language)?).await
}

#[tauri::command]
pub(crate) async fn change_password(
    s: Service<'_>,
    current_password: Secret,
    new_password: Secret,
) -> Result<SignedInView> {
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
pub(crate) async fn new_recovery_codes(
    s: Service<'_>,
    password: Secret,
) -> Result<Vec<Zeroizing<String>>> {
    s.new_recovery_codes(required(password)?).await
}

#[tauri::command]
pub(crate) async fn two_step_begin(s: Service<'_>) -> Result<TwoStepSetupView> {
    s.two_step_begin().await
}

#[tauri::command]
pub(crate) async fn two_step_enable(
    s: Service<'_>,
    code: OneTimeCode,
    password: Secret,
) -> Result<Profile> {
    s.two_step_enable(required(code)?, required(password)?)
        .await
}

#[tauri::command]
pub(crate) async fn two_step_disable(
    s: Service<'_>,
    password: Secret,
    code: OneTimeCode,
) -> Result<SignedInView> {
    s.two_step_disable(required(password)?, required(code)?)
        .await
}

#[tauri::command]
pub(crate) async fn lock(s: Service<'_>) -> Result<bool> {
    s.lock().await
}

#[tauri::command]
pub(crate) async fn unlock(s: Service<'_>, password: Secret) -> Result<Profile> {
    s.unlock(required(password)?).await
}

#[tauri::command]
pub(crate) async fn switch_user(s: Service<'_>) -> Result<()> {
    s.switch_user().await
}

#[tauri::command]
pub(crate) async fn activity<R: Runtime>(app: AppHandle<R>, s: Service<'_>) -> Result<()> {
    if s.activity().await? {
        crate::lock_watch::tell_locked(&app);
    }
    Ok(())
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

#[tauri::command]
pub(crate) async fn admin_settings(s: Service<'_>, password: Secret) -> Result<SettingsView> {
    s.admin_settings(optional(password)?).await
}

#[tauri::command]
pub(crate) async fn admin_set_lock_after(
    s: Service<'_>,
    minutes: Option<Arg<u32>>,
    password: Secret,
) -> Result<LockSettingView> {
    s.admin_set_lock_after(optional(minutes)?, optional(password)?)
        .await
}

#[tauri::command]
pub(crate) async fn admin_set_two_step_for_admins(
    s: Service<'_>,
    required: Flag,
    password: Secret,
) -> Result<SettingsView> {
    s.admin_set_two_step_for_admins(flag(required)?, optional(password)?)
        .await
}

#[tauri::command]
pub(crate) async fn admin_disable_two_step(
    s: Service<'_>,
    user_id: Text,
    password: Secret,
) -> Result<()> {
    s.admin_disable_two_step(required(user_id)?, required(password)?)
        .await
}

#[tauri::command]
pub(crate) async fn private_space_status(s: Service<'_>) -> Result<SpaceStatusView> {
    s.private_space_status().await
}

#[tauri::command]
pub(crate) async fn private_space_open(
    s: Service<'_>,
    password: Secret,
) -> Result<SpaceStatusView> {
    s.open_private_space(required(password)?).await
}

#[tauri::command]
pub(crate) async fn private_space_unseal(
    s: Service<'_>,
    code: OneTimeCode,
    password: Secret,
) -> Result<Vec<Zeroizing<String>>> {
    s.unseal_private_space(required(code)?, required(password)?)
        .await
}

#[tauri::command]
pub(crate) async fn private_space_start_over(
    s: Service<'_>,
    password: Secret,
    confirm: Flag,
) -> Result<Vec<Zeroizing<String>>> {
    s.start_private_space_over(required(password)?, flag(confirm)?)
        .await
}

#[tauri::command]
pub(crate) async fn notes_list(s: Service<'_>, query: Text) -> Result<Vec<NoteView>> {
    s.notes_list(optional(query)?).await
}

#[tauri::command]
pub(crate) async fn note_get(s: Service<'_>, id: Text) -> Result<NoteView> {
    s.note_get(required(id)?).await
}

#[tauri::command]
pub(crate) async fn note_save(
    s: Service<'_>,
    id: Text,
    title: Text,
    body: Text,
) -> Result<NoteView> {
    s.note_save(optional(id)?, required(title)?, required(body)?)
        .await
}

#[tauri::command]
pub(crate) async fn note_delete(s: Service<'_>, id: Text) -> Result<()> {
    s.note_delete(required(id)?).await
}

#[tauri::command]
pub(crate) async fn private_list(s: Service<'_>) -> Result<Vec<String>> {
    s.private_list().await
}

#[tauri::command]
pub(crate) async fn private_get(s: Service<'_>, name: Text) -> Result<Option<serde_json::Value>> {
    s.private_get(required(name)?).await
}

#[tauri::command]
pub(crate) async fn private_put(
    s: Service<'_>,
    name: Text,
    value: Option<Arg<serde_json::Value>>,
) -> Result<()> {
    s.private_put(required(name)?, required(value)?).await
}

#[tauri::command]
pub(crate) async fn private_delete(s: Service<'_>, name: Text) -> Result<bool> {
    s.private_delete(required(name)?).await
}

#[tauri::command]
pub(crate) async fn admin_set_key_escrow(
    s: Service<'_>,
    on: Flag,
    password: Secret,
) -> Result<SettingsView> {
    s.admin_set_key_escrow(flag(on)?, required(password)?).await
}

/// Tells the page through `channel` when the person at the keyboard is locked (the
/// bindings' `onLocked()`; see [`crate::lock_watch`]).
#[tauri::command]
pub(crate) async fn watch_locked<R: Runtime>(
    webview: tauri::Webview<R>,
    channel: Option<Arg<tauri::ipc::JavaScriptChannelId>>,
) -> Result<()> {
    crate::lock_watch::watch(webview, channel)
}
