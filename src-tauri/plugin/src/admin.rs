//! Administrator actions as [`AuthService`] methods. The role is checked in the engine from
//! the session, never from anything the webview says.

use crate::models::{AccountView, EventView, TemporaryPassword};
use crate::service::AuthService;
use latchkey_engine::{now_ms, AuthError, Password};
use zeroize::Zeroizing;

/// How many audit events the administrator screen shows.
pub const EVENTS_SHOWN: u32 = 200;

impl AuthService {
    /// Every account on the computer.
    ///
    /// # Errors
    /// `FORBIDDEN`, `REAUTH_REQUIRED`, `INVALID_CREDENTIALS`, `TOO_MANY_ATTEMPTS`,
    /// `NOT_AUTHENTICATED`, `PASSWORD_CHANGE_REQUIRED`, storage codes.
    pub async fn admin_list_accounts(
        &self,
        password: Option<Password>,
    ) -> Result<Vec<AccountView>, AuthError> {
        self.with_session(false, move |a, s, _| {
            let accounts = a.admin_list_accounts(s, password.as_ref(), now_ms())?;
            Ok(accounts.into_iter().map(AccountView::from).collect())
        })
        .await
    }

    /// Resets another account's password to a temporary one (valid for 24 hours); always
    /// needs the administrator's password.
    ///
    /// # Errors
    /// As [`AuthService::admin_list_accounts`]; `CANNOT_TARGET_SELF`, `ACCOUNT_NOT_FOUND`.
    pub async fn admin_reset_password(
        &self,
        user_id: String,
        password: Password,
    ) -> Result<TemporaryPassword, AuthError> {
        let temporary = self
            .with_session(false, move |a, s, _| {
                a.admin_reset_password(s, &user_id, &password, now_ms())
            })
            .await?;
        Ok(TemporaryPassword {
            temporary_password: Zeroizing::new(temporary.expose().to_owned()),
        })
    }

    /// Lets a throttled account try again at once.
    ///
    /// # Errors
    /// As [`AuthService::admin_list_accounts`]; `ACCOUNT_NOT_FOUND`.
    pub async fn admin_unlock_account(
        &self,
        user_id: String,
        password: Option<Password>,
    ) -> Result<(), AuthError> {
        self.with_session(false, move |a, s, _| {
            a.admin_unlock(s, &user_id, password.as_ref(), now_ms())
        })
        .await
    }

    /// Deletes another account; always needs the administrator's password.
    ///
    /// # Errors
    /// As [`AuthService::admin_list_accounts`]; `CANNOT_TARGET_SELF`, `ACCOUNT_NOT_FOUND`.
    pub async fn admin_delete_account(
        &self,
        user_id: String,
        password: Password,
    ) -> Result<(), AuthError> {
        self.with_session(false, move |a, s, _| {
            a.admin_delete_account(s, &user_id, &password, now_ms())
        })
        .await
    }

    /// The latest audit events.
    ///
    /// # Errors
    /// As [`AuthService::admin_list_accounts`].
    pub async fn admin_events(
        &self,
        password: Option<Password>,
    ) -> Result<Vec<EventView>, AuthError> {
        self.with_session(false, move |a, s, _| {
            let events = a.admin_events(s, password.as_ref(), now_ms(), EVENTS_SHOWN)?;
            Ok(events.into_iter().map(EventView::from).collect())
        })
        .await
    }
}
