//! Directory accounts in the app: the step that asks once for the previous password after
//! a password change at the directory, the administrator's view of the directory, and the
//! refresh that checks cached people against it every few minutes.

use crate::service::{blocking, AuthService, Gate};
use latchkey_engine::directory_accounts::DirectoryStatus;
use latchkey_engine::{AuthError, Password};
use std::time::Duration;
use tauri::{AppHandle, Manager, Runtime};

use crate::models::SignedInView;

impl AuthService {
    /// Continues a directory sign-in whose password changed at the directory: `previous`
    /// (the password before, or a recovery code) reopens the private space; `None` signs in
    /// with it sealed.
    ///
    /// # Errors
    /// `NOT_AUTHENTICATED` when no sign-in waits for it; `SECOND_FACTOR_EXPIRED` after five
    /// minutes; `INVALID_CREDENTIALS` (counted; the sign-in still waits),
    /// `TOO_MANY_ATTEMPTS`, `ACCOUNT_LOCKED`; storage codes.
    pub async fn previous_password(
        &self,
        previous: Option<Password>,
    ) -> Result<SignedInView, AuthError> {
        let (step, _) = self
            .continue_waiting(&self.pending_previous, move |accounts, pending, now| {
                accounts.finish_with_previous_password(pending, previous.as_ref(), now)
            })
            .await?;
        let _turn = self.keyboard().await;
        self.wait_for_next_step(step).await
    }

    /// The directory's status for the administrator's screen (asks the server now).
    ///
    /// # Errors
    /// `FORBIDDEN`, `REAUTH_REQUIRED`, `NOT_AUTHENTICATED`, `LOCKED`; storage codes.
    pub async fn admin_directory_status(
        &self,
        password: Option<Password>,
    ) -> Result<DirectoryStatus, AuthError> {
        self.with_session(Gate::Normal, move |a, s, _, now| {
            a.admin_directory_status(s, password.as_ref(), now)
        })
        .await
    }

    /// Checks the cached directory people against the directory; `true` when someone lost
    /// their sessions here.
    pub(crate) async fn refresh_directory(&self) -> bool {
        let Ok(accounts) = self.accounts().await else {
            return false;
        };
        let now = self.now();
        match blocking(move || accounts.refresh_directory_accounts(now)).await {
            Ok(Ok(done)) => {
                log::info!(
                    "directory refresh: {} confirmed, {} refused{}",
                    done.confirmed,
                    done.refused.len(),
                    if done.unanswered {
                        ", directory unreachable"
                    } else {
                        ""
                    }
                );
                !done.refused.is_empty()
            }
            Ok(Err(e)) => {
                log::warn!("directory refresh failed: {}", e.code());
                false
            }
            Err(_) => false,
        }
    }

    /// How often the refresh runs, when there is a directory.
    pub(crate) async fn refresh_every(&self) -> Option<Duration> {
        let accounts = self.accounts().await.ok()?;
        let minutes = accounts.directory()?.settings().refresh_minutes;
        Some(Duration::from_secs(u64::from(minutes) * 60))
    }
}

/// Refreshes the directory people at start-up and then every `refresh_minutes`; when
/// someone's sessions ended, the windows are told (as after a lock) so that they ask who
/// is here again.
pub(crate) async fn refresh_watch<R: Runtime>(app: AppHandle<R>) {
    let Some(every) = app.state::<AuthService>().refresh_every().await else {
        return;
    };
    loop {
        if app.state::<AuthService>().refresh_directory().await {
            crate::lock_watch::tell_locked(&app);
        }
        tokio::time::sleep(every).await;
    }
}
