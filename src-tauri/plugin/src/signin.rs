//! Signing up and signing in at this app. Signing in as someone already signed in here
//! (locked, after "Switch user") resumes their session with their password; anyone else
//! gets a new session and joins the people signed in here, at most eight.

use crate::desk::Person;
use crate::models::{Notice, SignedInView};
use crate::service::{blocking, profile_of, AuthService};
use crate::vault::slot_of;
use latchkey_engine::policy::rules::Username;
use latchkey_engine::{
    session_id, Accounts, AuthError, Code, Password, PendingSignIn, SignInStep, SignedIn,
};
use std::sync::Mutex;

impl AuthService {
    /// Creates an account and signs it in.
    ///
    /// # Errors
    /// `INVALID_USERNAME`, `INVALID_PASSWORD`, `WEAK_PASSWORD`, `USERNAME_TAKEN`, storage
    /// codes.
    pub async fn signup(
        &self,
        username: String,
        password: Password,
        remember: bool,
    ) -> Result<SignedInView, AuthError> {
        self.ensure_restored().await?;
        let accounts = self.accounts().await?;
        let now = self.now();
        let signed =
            blocking(move || accounts.sign_up(&username, &password, remember, now)).await??;
        let _turn = self.keyboard().await;
        self.admit(signed, remember).await
    }

    /// Signs in with a username and password; for someone signed in here already, resumes
    /// their session instead (the password unlocks it).
    ///
    /// # Errors
    /// `INVALID_CREDENTIALS`, `TOO_MANY_ATTEMPTS`, `INVALID_USERNAME`, `INVALID_PASSWORD`,
    /// `TEMPORARY_PASSWORD_EXPIRED`, storage codes.
    pub async fn login(
        &self,
        username: String,
        password: Password,
        remember: bool,
    ) -> Result<SignedInView, AuthError> {
        self.ensure_restored().await?;
        let _turn = self.keyboard().await;
        let here = Username::parse(&username)
            .ok()
            .and_then(|name| self.desk().by_name(name.normalized()).cloned());
        if let Some(person) = here {
            if let Some(view) = self.resume(&person, password.clone()).await? {
                return Ok(view);
            }
        }
        let accounts = self.accounts().await?;
        let now = self.now();
        let step = blocking(move || accounts.sign_in_steps(&username, &password, remember, now))
            .await?
            .inspect_err(|e| log::info!("sign-in refused: {}", e.code()))?;
        match step {
            SignInStep::Done(signed) => {
                log::info!("signed in");
                self.admit(signed, remember).await
            }
            step => self.wait_for_next_step(step).await,
        }
    }

    /// Keeps a half-done sign-in for its next step (a code, or the previous password), or
    /// admits the person when it is done.
    pub(crate) async fn wait_for_next_step(
        &self,
        step: SignInStep,
    ) -> Result<SignedInView, AuthError> {
        match step {
            SignInStep::Done(signed) => {
                let remember = signed.session.remember;
                self.admit(signed, remember).await
            }
            SignInStep::SecondFactor(pending) => {
                *self.pending.lock().unwrap_or_else(|e| e.into_inner()) = Some(pending);
                Ok(SignedInView::second_factor())
            }
            SignInStep::PreviousPassword(pending) => {
                *self
                    .pending_previous
                    .lock()
                    .unwrap_or_else(|e| e.into_inner()) = Some(pending);
                Ok(SignedInView::previous_password())
            }
        }
    }

    /// Completes a two-step sign-in begun by [`AuthService::login`] with a code from the
    /// authenticator app or a recovery code.
    ///
    /// # Errors
    /// `NOT_AUTHENTICATED` when no sign-in is waiting for a code; `SECOND_FACTOR_EXPIRED`
    /// after five minutes; `INVALID_CODE`, `TOO_MANY_ATTEMPTS`, `ACCOUNT_LOCKED`;
    /// storage codes.
    pub async fn second_factor(&self, code: Code) -> Result<SignedInView, AuthError> {
        let (signed, pending) = self
            .continue_waiting(&self.pending, move |accounts, pending, now| {
                accounts.finish_sign_in(pending, code.expose(), now)
            })
            .await?;
        log::info!("signed in with a second step");
        let _turn = self.keyboard().await;
        self.admit(signed, pending.remember()).await
    }

    /// Runs `step` on a blocking thread for the half-done sign-in waiting in `slot` (the
    /// second step's, or the previous password's), and hands it back beside the answer.
    /// When the step fails, the sign-in waits again, unless its five minutes are over.
    ///
    /// # Errors
    /// `NOT_AUTHENTICATED` when no sign-in waits there; what `step` answers.
    pub(crate) async fn continue_waiting<T: Send + 'static>(
        &self,
        slot: &Mutex<Option<PendingSignIn>>,
        step: impl FnOnce(&Accounts, &PendingSignIn, i64) -> Result<T, AuthError> + Send + 'static,
    ) -> Result<(T, PendingSignIn), AuthError> {
        self.ensure_restored().await?;
        let pending = slot
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()
            .ok_or(AuthError::NotAuthenticated)?;
        let accounts = self.accounts().await?;
        let now = self.now();
        let (result, pending) = blocking(move || (step(&accounts, &pending, now), pending)).await?;
        match result {
            Ok(answer) => Ok((answer, pending)),
            Err(e) => {
                if !matches!(e, AuthError::SecondFactorExpired) {
                    *slot.lock().unwrap_or_else(|e| e.into_inner()) = Some(pending);
                }
                Err(e)
            }
        }
    }

    /// "Forgot your password?": one of the account's recovery codes and a new password sign
    /// the person in (see `Accounts::recover_with_code`).
    ///
    /// # Errors
    /// `INVALID_USERNAME`, new-password rule codes, `INVALID_RECOVERY_CODE`,
    /// `TOO_MANY_ATTEMPTS`, storage codes.
    pub async fn recover(
        &self,
        username: String,
        code: Code,
        new_password: Password,
        remember: bool,
    ) -> Result<SignedInView, AuthError> {
        self.ensure_restored().await?;
        let accounts = self.accounts().await?;
        let now = self.now();
        let signed = blocking(move || {
            accounts.recover_with_code(&username, code.expose(), &new_password, remember, now)
        })
        .await??;
        let _turn = self.keyboard().await;
        // Anyone signed in here under that name has just been signed out.
        let gone = self.desk().remove(&signed.user.id);
        if gone.is_some_and(|p| p.remember) {
            self.clear_slot(slot_of(&signed.user.id)).await;
        }
        self.admit(signed, remember).await
    }

    /// Under the keyboard lock: unlocks the session of someone signed in here and puts them
    /// at the keyboard; `None` when their session has ended meanwhile (they are then
    /// forgotten). Whoever was at the keyboard is locked first, and the profile is read
    /// before the session is unlocked in the database, so that nothing can fail between the
    /// database's unlock and memory's.
    async fn resume(
        &self,
        person: &Person,
        password: Password,
    ) -> Result<Option<SignedInView>, AuthError> {
        self.step_away(&person.user_id).await;
        let accounts = self.accounts().await?;
        let now = self.now();
        let token = person.token.clone();
        let resumed = blocking(move || -> Result<_, AuthError> {
            let Some(session) = accounts.validate_session(&token, now)? else {
                return Ok(None);
            };
            let Some(user) = accounts.get_user(&session.user_id)? else {
                return Ok(None);
            };
            let profile = profile_of(&accounts, user)?;
            let space = accounts.unlock_session(&session, &password, now)?;
            Ok(Some((profile, space.into_key())))
        })
        .await?
        .inspect_err(|e| log::info!("resuming refused: {}", e.code()))?;
        let Some((profile, key)) = resumed else {
            self.forget(person).await;
            return Ok(None);
        };
        let mut desk = self.desk();
        if let Some(here) = desk.by_user_mut(&person.user_id) {
            here.locked_at = None;
        }
        self.hold_key(&person.user_id, key);
        desk.set_active(Some(&person.user_id));
        desk.last_activity = now;
        drop(desk);
        log::info!("resumed a signed-in person");
        Ok(Some(SignedInView::signed_in(profile, None)))
    }

    /// Under the keyboard lock: puts a freshly signed-in person at the keyboard: whoever
    /// was there is locked, the oldest locked person leaves if eight are signed in already,
    /// and a kept session's token goes to the vault (when the vault fails, the session is
    /// stored as not kept and the person is told). Notices go with the answer and to the
    /// next screen's `session`.
    async fn admit(&self, mut signed: SignedIn, remember: bool) -> Result<SignedInView, AuthError> {
        let now = self.now();
        let key = signed.data_key.take();
        self.step_away(&signed.user.id).await;
        self.drop_half_done();
        let mut notice = self.make_room().await?;
        let normalized = Username::parse(&signed.user.username)
            .map(|n| n.normalized().to_owned())
            .unwrap_or_default();
        let person = Person {
            token: signed.token.clone(),
            user_id: signed.user.id.clone(),
            username: signed.user.username.clone(),
            normalized,
            remember,
            since: now,
            locked_at: None,
        };
        let replaced = {
            let mut desk = self.desk();
            let replaced = desk.add(person);
            desk.set_active(Some(&signed.user.id));
            desk.last_activity = now;
            replaced
        };
        self.hold_key(&signed.user.id, key);
        if let Some(old) = replaced {
            let accounts = self.accounts().await?;
            blocking(move || accounts.invalidate_session(&old.token)).await??;
        }
        let slot = slot_of(&signed.user.id);
        if remember {
            let token = signed.token.clone();
            if let Err(e) = self
                .with_vault(move |vault| vault.save(&slot, &token))
                .await
            {
                log::warn!("session kept in memory only: {e}");
                self.keep_for_this_run_only(&signed).await?;
                notice = Some(Notice::keyring_unavailable());
            }
        } else {
            self.clear_slot(slot).await;
        }
        let accounts = self.accounts().await?;
        let user = signed.user.clone();
        let profile = blocking(move || profile_of(&accounts, user)).await??;
        if signed.second_step_warning {
            self.notify(Notice::second_step_failed());
        }
        if let Some(notice) = &notice {
            self.notify(notice.clone());
        }
        let mut view = SignedInView::signed_in(profile, signed.recovery_codes.as_ref());
        view.notice = notice;
        Ok(view)
    }

    /// A session whose token has nowhere to be kept is not kept: in memory, and in the
    /// database, so that it ends at exit (or at the next start after a crash).
    async fn keep_for_this_run_only(&self, signed: &SignedIn) -> Result<(), AuthError> {
        if let Some(person) = self.desk().by_user_mut(&signed.user.id) {
            person.remember = false;
        }
        let accounts = self.accounts().await?;
        let id = session_id(&signed.token);
        blocking(move || accounts.set_session_not_kept(&id)).await?
    }

    /// When eight people are signed in here, signs out the one locked the longest ago
    /// (preferring sessions not kept) and says so.
    async fn make_room(&self) -> Result<Option<Notice>, AuthError> {
        let leaving = {
            let mut desk = self.desk();
            let id = desk.to_make_room();
            id.and_then(|id| desk.remove(&id))
        };
        let Some(person) = leaving else {
            return Ok(None);
        };
        if person.remember {
            self.clear_slot(slot_of(&person.user_id)).await;
        }
        let accounts = self.accounts().await?;
        let (token, now) = (person.token.clone(), self.now());
        blocking(move || accounts.sign_out(&token, now)).await??;
        log::info!("a signed-in person was signed out to make room");
        Ok(Some(Notice::signed_out_to_make_room(person.username)))
    }
}
