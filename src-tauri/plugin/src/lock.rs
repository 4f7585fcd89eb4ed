//! Walk-away protection: locking at once (a button, Ctrl+L, the operating system's own lock
//! or suspend), locking after the window has seen no input for a while (the clock is kept
//! here, in Rust: a page that stops reporting input is idle), unlocking with the password,
//! and stepping aside so that someone else can sign in ("Switch user").

use crate::desk::Person;
use crate::models::Profile;
use crate::service::{blocking, profile_of, AuthService};
use latchkey_engine::{session_id, AuthError, LockAfter, Password};

/// Input reports closer together than this are not recorded again (ms).
const ACTIVITY_RESOLUTION_MS: i64 = 500;

impl AuthService {
    /// Locks the person at the keyboard now, if they are signed in and not locked yet;
    /// returns whether someone was locked.
    ///
    /// # Errors
    /// A storage code.
    pub async fn lock(&self) -> Result<bool, AuthError> {
        self.ensure_restored().await?;
        let person = self.desk().active().cloned();
        match person.filter(|p| p.locked_at.is_none()) {
            Some(person) => self.lock_person(&person).await.map(|()| true),
            None => Ok(false),
        }
    }

    /// Unlocks the person at the keyboard with their password (a wrong one counts toward
    /// their throttling exactly as a sign-in does) and returns their profile. Nothing but
    /// the lock is renewed.
    ///
    /// # Errors
    /// `INVALID_CREDENTIALS`, `TOO_MANY_ATTEMPTS`, `INVALID_PASSWORD`; `NOT_AUTHENTICATED`
    /// when nobody is at the keyboard or the session has ended; storage codes.
    pub async fn unlock(&self, password: Password) -> Result<Profile, AuthError> {
        self.ensure_restored().await?;
        let person = self
            .desk()
            .active()
            .cloned()
            .ok_or(AuthError::NotAuthenticated)?;
        let accounts = self.accounts().await?;
        let now = self.now();
        let token = person.token.clone();
        let unlocked = blocking(move || -> Result<_, AuthError> {
            let Some(session) = accounts.validate_session(&token, now)? else {
                return Ok(None);
            };
            accounts.unlock_session(&session, &password, now)?;
            accounts
                .get_user(&session.user_id)?
                .map(|user| profile_of(&accounts, user))
                .transpose()
        })
        .await??;
        let Some(profile) = unlocked else {
            self.forget(&person).await;
            return Err(AuthError::NotAuthenticated);
        };
        let mut desk = self.desk();
        if let Some(here) = desk.active_mut() {
            here.locked_at = None;
        }
        desk.last_activity = now;
        Ok(profile)
    }

    /// Steps aside for someone else: the person at the keyboard is locked (and stays signed
    /// in), and nobody is at the keyboard until someone signs in.
    ///
    /// # Errors
    /// A storage code.
    pub async fn switch_user(&self) -> Result<(), AuthError> {
        self.lock().await?;
        self.desk().set_active(None);
        Ok(())
    }

    /// Records input in the window (keys, pointer), which keeps the idle lock away.
    pub fn activity(&self) {
        let now = self.now();
        let mut desk = self.desk();
        if desk.active().is_some_and(|p| {
            p.locked_at.is_none() && now - desk.last_activity >= ACTIVITY_RESOLUTION_MS
        }) {
            desk.last_activity = now;
        }
    }

    /// Locks the person at the keyboard when the window has had no input for the idle lock's
    /// delay; returns whether it did.
    ///
    /// # Errors
    /// A storage code.
    pub async fn lock_if_idle(&self) -> Result<bool, AuthError> {
        let LockAfter {
            secs: Some(secs), ..
        } = self.lock_after().await?
        else {
            return Ok(false);
        };
        let limit = i64::try_from(secs).unwrap_or(i64::MAX).saturating_mul(1000);
        let now = self.now();
        let idle = {
            let desk = self.desk();
            desk.active()
                .filter(|p| p.locked_at.is_none() && now - desk.last_activity >= limit)
                .cloned()
        };
        match idle {
            Some(person) => {
                log::info!("locked after {secs} s without input");
                self.lock_person(&person).await.map(|()| true)
            }
            None => Ok(false),
        }
    }

    /// Locks one person's session, in the database and here.
    async fn lock_person(&self, person: &Person) -> Result<(), AuthError> {
        let accounts = self.accounts().await?;
        let (id, now) = (session_id(&person.token), self.now());
        let since = blocking(move || accounts.lock_session(&id, now)).await?;
        match since {
            Ok(since) => {
                if let Some(here) = self.desk().by_user_mut(&person.user_id) {
                    here.locked_at = Some(since);
                }
                Ok(())
            }
            Err(AuthError::NotAuthenticated) => {
                self.forget(person).await;
                Ok(())
            }
            Err(e) => Err(e),
        }
    }

    /// Before someone else takes the keyboard: locks the person there, unless it is
    /// `incoming` themselves.
    pub(crate) async fn step_away(&self, incoming: &str) -> Result<(), AuthError> {
        let leaving = self
            .desk()
            .active()
            .filter(|p| p.user_id != incoming && p.locked_at.is_none())
            .cloned();
        if let Some(person) = leaving {
            self.lock_person(&person).await?;
        }
        Ok(())
    }
}
