//! Administrator actions as [`AuthService`] methods. The role is checked in the engine from
//! the session, never from anything the webview says.

use crate::models::{AccountView, EventView, LockSettingView, SettingsView, TemporaryPassword};
use crate::service::{AuthService, Gate};
use latchkey_engine::{AuthError, Password};
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
        let held = self.key_at_keyboard().map(|(owner, _)| owner);
        self.with_session(Gate::Normal, move |a, s, _, now| {
            let accounts = a.admin_list_accounts(s, password.as_ref(), now)?;
            // A reset keeps data only with this administrator's own key open in memory.
            let key_open = held.as_deref() == Some(s.user_id.as_str());
            Ok(accounts
                .into_iter()
                .map(|account| {
                    let mut view = AccountView::from(account);
                    view.private_data_recoverable &= key_open;
                    view
                })
                .collect())
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
        let held = self.key_at_keyboard();
        let (temporary, kept) = self
            .with_session(Gate::Normal, move |a, s, _, now| {
                let key = held.as_ref().filter(|(owner, _)| *owner == s.user_id);
                a.admin_reset_password_keeping_data(
                    s,
                    key.map(|(_, k)| k),
                    &user_id,
                    &password,
                    now,
                )
            })
            .await?;
        Ok(TemporaryPassword {
            temporary_password: Zeroizing::new(temporary.expose().to_owned()),
            private_data_kept: kept,
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
        self.with_session(Gate::Normal, move |a, s, _, now| {
            a.admin_unlock(s, &user_id, password.as_ref(), now)
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
        self.with_session(Gate::Normal, move |a, s, _, now| {
            a.admin_delete_account(s, &user_id, &password, now)
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
        self.with_session(Gate::Normal, move |a, s, _, now| {
            let events = a.admin_events(s, password.as_ref(), now, EVENTS_SHOWN)?;
            Ok(events.into_iter().map(EventView::from).collect())
        })
        .await
    }

    /// The computer's settings: the idle lock, and whether administrators must use two-step
    /// sign-in.
    ///
    /// # Errors
    /// As [`AuthService::admin_list_accounts`].
    pub async fn admin_settings(
        &self,
        password: Option<Password>,
    ) -> Result<SettingsView, AuthError> {
        self.with_session(Gate::Normal, move |a, s, _, now| {
            a.authorize_admin(s, password.as_ref(), now)?;
            SettingsView::read(a)
        })
        .await
    }

    /// Requires (or stops requiring) two-step sign-in of administrators.
    ///
    /// # Errors
    /// As [`AuthService::admin_list_accounts`].
    pub async fn admin_set_two_step_for_admins(
        &self,
        required: bool,
        password: Option<Password>,
    ) -> Result<SettingsView, AuthError> {
        self.with_session(Gate::Normal, move |a, s, _, now| {
            a.admin_set_two_step_for_admins(s, required, password.as_ref(), now)?;
            SettingsView::read(a)
        })
        .await
    }

    /// Turns key escrow on (with the administrator's open data key) or off; always needs
    /// the administrator's password. Every member is shown that it is on.
    ///
    /// # Errors
    /// As [`AuthService::admin_list_accounts`]; `PRIVATE_SPACE_SEALED` when turning it on
    /// while the administrator's own private space is not open.
    pub async fn admin_set_key_escrow(
        &self,
        on: bool,
        password: Password,
    ) -> Result<SettingsView, AuthError> {
        let held = self.key_at_keyboard();
        self.with_session(Gate::Normal, move |a, s, _, now| {
            let key = held.as_ref().filter(|(owner, _)| *owner == s.user_id);
            a.admin_set_key_escrow(s, key.map(|(_, k)| k), on, &password, now)?;
            SettingsView::read(a)
        })
        .await
    }

    /// Turns two-step sign-in off for another account (a lost phone); always needs the
    /// administrator's password.
    ///
    /// # Errors
    /// As [`AuthService::admin_list_accounts`]; `CANNOT_TARGET_SELF`, `ACCOUNT_NOT_FOUND`.
    pub async fn admin_disable_two_step(
        &self,
        user_id: String,
        password: Password,
    ) -> Result<(), AuthError> {
        self.with_session(Gate::Normal, move |a, s, _, now| {
            a.admin_disable_two_step(s, &user_id, &password, now)
        })
        .await
    }

    /// Sets the idle lock for the computer: `minutes` from 1 to 60, or `None` for never.
    ///
    /// # Errors
    /// As [`AuthService::admin_list_accounts`]; `INVALID_INPUT` outside 1–60 minutes.
    pub async fn admin_set_lock_after(
        &self,
        minutes: Option<u32>,
        password: Option<Password>,
    ) -> Result<LockSettingView, AuthError> {
        let set = self
            .with_session(Gate::Normal, move |a, s, _, now| {
                a.admin_set_lock_after(s, minutes, password.as_ref(), now)
            })
            .await?;
        self.set_lock_after(set);
        Ok(set.into())
    }
}
