//! What a signed-in person can do with their own account, and the recent-accounts list on
//! the sign-in screen (as [`AuthService`] methods, over the engine).

use crate::models::{codes_view, Profile, SessionInfo, SignedInView, TwoStepSetupView};
use crate::service::{blocking, profile_of, AuthService, Gate};
use latchkey_engine::TwoStepSetup;
use latchkey_engine::{AuthError, Code, Password};
use std::sync::Arc;
use zeroize::Zeroizing;

impl AuthService {
    /// Changes the signed-in person's password; every other session of theirs ends.
    ///
    /// # Errors
    /// `INVALID_CREDENTIALS` (counted for throttling), `TOO_MANY_ATTEMPTS`, the new-password
    /// rule codes, `NOT_AUTHENTICATED`, storage codes.
    pub async fn change_password(
        &self,
        current: Password,
        new: Password,
    ) -> Result<SignedInView, AuthError> {
        self.with_session(Gate::PasswordChange, move |accounts, session, user, now| {
            let codes =
                accounts.change_password(&user.id, &current, &new, Some(&session.id), now)?;
            let user = accounts
                .get_user(&user.id)?
                .ok_or(AuthError::NotAuthenticated)?;
            let profile = profile_of(accounts, user)?;
            Ok(SignedInView::signed_in(profile, codes.as_ref()))
        })
        .await
    }

    /// New recovery codes for the signed-in person (the old ones stop working), after the
    /// password; shown once.
    ///
    /// # Errors
    /// `INVALID_CREDENTIALS` (counted), `TOO_MANY_ATTEMPTS`, `NOT_AUTHENTICATED`, `LOCKED`,
    /// storage codes.
    pub async fn new_recovery_codes(
        &self,
        password: Password,
    ) -> Result<Vec<Zeroizing<String>>, AuthError> {
        self.with_session(Gate::Normal, move |accounts, _, user, now| {
            let codes = accounts.new_recovery_codes(&user.id, &password, now)?;
            Ok(codes_view(&codes))
        })
        .await
    }

    /// Starts turning two-step sign-in on: a new secret for the authenticator app (kept
    /// here, in memory, until a code confirms it).
    ///
    /// # Errors
    /// `NOT_AUTHENTICATED`, `LOCKED`, storage codes.
    pub async fn two_step_begin(&self) -> Result<TwoStepSetupView, AuthError> {
        let (user_id, setup) = self
            .with_session(Gate::TwoStepSetup, |accounts, _, user, _| {
                Ok((user.id.clone(), accounts.two_step_setup(user)?))
            })
            .await?;
        let view = setup_view(&setup)?;
        *self
            .two_step_setup
            .lock()
            .unwrap_or_else(|e| e.into_inner()) = Some((user_id, setup));
        Ok(view)
    }

    /// Turns two-step sign-in on with the secret from [`AuthService::two_step_begin`], after
    /// the person's password, once `code` from the app matches the secret.
    ///
    /// # Errors
    /// `INVALID_CREDENTIALS` for a wrong password and `INVALID_CODE` for a wrong code (both
    /// counted), `TOO_MANY_ATTEMPTS`, `TWO_STEP_ALREADY_ON`; `INVALID_INPUT` when no setup
    /// was begun; `NOT_AUTHENTICATED`, `LOCKED`, storage codes.
    pub async fn two_step_enable(
        &self,
        code: Code,
        password: Password,
    ) -> Result<Profile, AuthError> {
        // Taken out while it is tried; the session (and its lock) is checked before whether
        // a setup was begun, so a locked window answers `LOCKED` either way.
        let setup = self
            .two_step_setup
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        let kept = Arc::new(setup);
        let used = kept.clone();
        let result = self
            .with_session(Gate::TwoStepSetup, move |accounts, _, user, now| {
                let Some((owner, setup)) = used.as_ref() else {
                    return Err(AuthError::InvalidInput);
                };
                if user.id != *owner {
                    return Err(AuthError::InvalidInput);
                }
                accounts.enable_two_step(&user.id, &password, &setup.secret, code.expose(), now)?;
                let user = accounts
                    .get_user(&user.id)?
                    .ok_or(AuthError::NotAuthenticated)?;
                profile_of(accounts, user)
            })
            .await;
        if result.is_err() {
            if let Ok(Some(setup)) = Arc::try_unwrap(kept) {
                *self
                    .two_step_setup
                    .lock()
                    .unwrap_or_else(|e| e.into_inner()) = Some(setup);
            }
        }
        result
    }

    /// Turns two-step sign-in off, with the password and a code (or a recovery code); when
    /// that was the last recovery code, the answer carries a new set, to show once.
    ///
    /// # Errors
    /// `INVALID_CREDENTIALS` for a wrong password and `INVALID_CODE` for a wrong code (both
    /// counted), `TOO_MANY_ATTEMPTS`, `NOT_AUTHENTICATED`, `LOCKED`, storage codes.
    pub async fn two_step_disable(
        &self,
        password: Password,
        code: Code,
    ) -> Result<SignedInView, AuthError> {
        self.with_session(Gate::Normal, move |accounts, _, user, now| {
            let codes = accounts.disable_two_step(&user.id, &password, code.expose(), now)?;
            let user = accounts
                .get_user(&user.id)?
                .ok_or(AuthError::NotAuthenticated)?;
            let profile = profile_of(accounts, user)?;
            Ok(SignedInView::signed_in(profile, codes.as_ref()))
        })
        .await
    }

    /// The signed-in person's live sessions, newest first.
    ///
    /// # Errors
    /// `NOT_AUTHENTICATED`, `PASSWORD_CHANGE_REQUIRED`, storage codes.
    pub async fn list_sessions(&self) -> Result<Vec<SessionInfo>, AuthError> {
        self.with_session(Gate::Normal, |accounts, session, user, now| {
            let policy = accounts.config().session;
            Ok(accounts
                .list_user_sessions(&user.id, now)?
                .into_iter()
                .map(|s| SessionInfo {
                    created_at: s.created_at,
                    last_used_at: s.last_used_at,
                    expires_at: s.idle_expires.min(policy.absolute_end(s.created_at)),
                    current: s.id == session.id,
                    kept: s.remember,
                })
                .collect())
        })
        .await
    }

    /// Ends every other session of the signed-in person; returns how many ended.
    ///
    /// # Errors
    /// `NOT_AUTHENTICATED`, `PASSWORD_CHANGE_REQUIRED`, storage codes.
    pub async fn sign_out_others(&self) -> Result<usize, AuthError> {
        self.with_session(Gate::Normal, |accounts, session, user, _| {
            accounts.invalidate_other_sessions(&user.id, &session.id)
        })
        .await
    }

    /// Usernames recently signed in on this OS account, newest first.
    ///
    /// # Errors
    /// Storage codes.
    pub async fn recent_accounts(&self) -> Result<Vec<String>, AuthError> {
        let accounts = self.accounts().await?;
        blocking(move || accounts.recent_accounts()).await?
    }

    /// Removes a name from the recent list.
    ///
    /// # Errors
    /// `INVALID_USERNAME`, storage codes.
    pub async fn forget_recent_account(&self, username: String) -> Result<(), AuthError> {
        let accounts = self.accounts().await?;
        blocking(move || accounts.forget_recent(&username)).await?
    }
}

/// The setup as the window shows it: the secret in groups of four, the URI and its QR code.
fn setup_view(setup: &TwoStepSetup) -> Result<TwoStepSetupView, AuthError> {
    let grouped: Vec<&str> = setup
        .base32
        .as_bytes()
        .chunks(4)
        .filter_map(|c| std::str::from_utf8(c).ok())
        .collect();
    let code =
        qrcode::QrCode::with_error_correction_level(setup.uri.as_bytes(), qrcode::EcLevel::M)
            .map_err(|_| AuthError::Internal)?;
    let size = code.width();
    let modules = code.to_colors();
    let qr = modules
        .chunks(size)
        .map(|row| {
            row.iter()
                .map(|m| if *m == qrcode::Color::Dark { '1' } else { '0' })
                .collect()
        })
        .collect();
    Ok(TwoStepSetupView {
        secret: Zeroizing::new(grouped.join(" ")),
        uri: setup.uri.clone(),
        qr,
    })
}
