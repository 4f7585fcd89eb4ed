//! What a signed-in person can do with their own account, and the recent-accounts list on
//! the sign-in screen (as [`AuthService`] methods, over the engine).

use crate::models::{Profile, SessionInfo};
use crate::service::{blocking, AuthService};
use latchkey_engine::{now_ms, session_id, AuthError, Password};

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
    ) -> Result<Profile, AuthError> {
        self.with_session(true, move |accounts, session, user| {
            accounts.change_password(&user.id, &current, &new, Some(&session.id), now_ms())?;
            accounts
                .get_user(&user.id)?
                .map(Profile::from)
                .ok_or(AuthError::NotAuthenticated)
        })
        .await
    }

    /// The signed-in person's live sessions, newest first.
    ///
    /// # Errors
    /// `NOT_AUTHENTICATED`, `PASSWORD_CHANGE_REQUIRED`, storage codes.
    pub async fn list_sessions(&self) -> Result<Vec<SessionInfo>, AuthError> {
        self.with_session(false, |accounts, session, user| {
            Ok(accounts
                .list_user_sessions(&user.id, now_ms())?
                .into_iter()
                .map(|s| SessionInfo {
                    created_at: s.created_at,
                    last_used_at: s.last_used_at,
                    expires_at: s.idle_expires,
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
        self.with_session(false, |accounts, session, user| {
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

    /// The id of this app's current session, if any (for tests and diagnostics; never sent
    /// to the webview).
    pub fn current_session_id(&self) -> Option<String> {
        self.current_token().map(|t| session_id(&t))
    }
}
