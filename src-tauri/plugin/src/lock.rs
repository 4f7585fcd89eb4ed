//! Walk-away protection: locking at once (a button, Ctrl+L, the operating system's own lock
//! or suspend), locking after the window has seen no input for a while (the clock is kept
//! here, in Rust: a page that stops reporting input is idle), unlocking with the password,
//! and stepping aside so that someone else can sign in ("Switch user").
//!
//! Every change of who is at the keyboard, or of whether they are locked, happens under the
//! service's keyboard lock ([`AuthService::keyboard`]), so that a lock that arrives during
//! an unlock waits for it and then locks, and memory and the database never disagree about
//! who is locked. A lock takes effect in memory first and is then stored, with retries: a
//! database that cannot be written never leaves the window open.

use crate::desk::Person;
use crate::models::Profile;
use crate::service::{blocking, profile_of, AuthService};
use latchkey_engine::{session_id, AuthError, LockAfter, Password};
use std::time::Duration;

/// Input reports closer together than this are not recorded again (ms).
const ACTIVITY_RESOLUTION_MS: i64 = 500;
/// How many times a lock is written to the database before it stays in memory only.
const LOCK_WRITE_TRIES: u32 = 3;
/// The pause before the first retry of a lock's write; it doubles after each.
const LOCK_RETRY_PAUSE: Duration = Duration::from_millis(50);

impl AuthService {
    /// Locks the person at the keyboard now, if they are signed in and not locked yet;
    /// returns whether someone was locked.
    ///
    /// # Errors
    /// A storage code when the database cannot be opened (nobody is signed in then).
    pub async fn lock(&self) -> Result<bool, AuthError> {
        self.ensure_restored().await?;
        let _turn = self.keyboard().await;
        self.lock_at_keyboard().await
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
        let _turn = self.keyboard().await;
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
            let space = accounts.unlock_session(&session, &password, now)?;
            let profile = accounts
                .get_user(&session.user_id)?
                .map(|user| profile_of(&accounts, user))
                .transpose()?;
            Ok(profile.map(|profile| (profile, space.into_key())))
        })
        .await??;
        let Some((profile, key)) = unlocked else {
            self.forget(&person).await;
            return Err(AuthError::NotAuthenticated);
        };
        let mut desk = self.desk();
        if let Some(here) = desk.by_user_mut(&person.user_id) {
            if here.token == person.token {
                here.locked_at = None;
                self.hold_key(&person.user_id, key);
            }
        }
        desk.last_activity = now;
        Ok(profile)
    }

    /// Steps aside for someone else: the person at the keyboard is locked (and stays signed
    /// in), and nobody is at the keyboard until someone signs in. A half-done two-step
    /// sign-in or set-up is dropped.
    ///
    /// # Errors
    /// A storage code when the database cannot be opened.
    pub async fn switch_user(&self) -> Result<(), AuthError> {
        self.ensure_restored().await?;
        let _turn = self.keyboard().await;
        self.lock_at_keyboard().await?;
        self.desk().set_active(None);
        self.drop_key();
        self.drop_half_done();
        Ok(())
    }

    /// Records input in the window (keys, pointer), which keeps the idle lock away; input
    /// that comes after the idle delay has run out locks instead (a lock that could not be
    /// made on time is never undone by the next key press). Returns whether it locked.
    ///
    /// # Errors
    /// A storage code when the idle delay cannot be read.
    pub async fn activity(&self) -> Result<bool, AuthError> {
        if self.lock_if_idle().await? {
            return Ok(true);
        }
        let now = self.now();
        self.drop_expired_sign_in(now);
        let mut desk = self.desk();
        if desk.active().is_some_and(|p| {
            p.locked_at.is_none() && now - desk.last_activity >= ACTIVITY_RESOLUTION_MS
        }) {
            desk.last_activity = now;
        }
        Ok(false)
    }

    /// Locks the person at the keyboard when the window has had no input for the idle lock's
    /// delay; returns whether it did.
    ///
    /// # Errors
    /// A storage code when the idle delay cannot be read.
    pub async fn lock_if_idle(&self) -> Result<bool, AuthError> {
        let LockAfter {
            secs: Some(secs), ..
        } = self.lock_after().await?
        else {
            return Ok(false);
        };
        let limit = i64::try_from(secs).unwrap_or(i64::MAX).saturating_mul(1000);
        let idle = |service: &Self| {
            let now = service.now();
            let desk = service.desk();
            desk.active()
                .is_some_and(|p| p.locked_at.is_none() && now - desk.last_activity >= limit)
        };
        if !idle(self) {
            return Ok(false);
        }
        let _turn = self.keyboard().await;
        if !idle(self) {
            return Ok(false);
        }
        log::info!("locked after {secs} s without input");
        self.lock_at_keyboard().await
    }

    /// Under the keyboard lock: locks the person at the keyboard, if any and not locked.
    async fn lock_at_keyboard(&self) -> Result<bool, AuthError> {
        // A half-done two-step sign-in holds the password's key: any lock drops it.
        self.drop_half_done();
        let person = self.desk().active().cloned();
        match person.filter(|p| p.locked_at.is_none()) {
            Some(person) => {
                self.lock_person(&person).await;
                Ok(true)
            }
            None => Ok(false),
        }
    }

    /// Under the keyboard lock: locks one person's session, in memory at once (from then
    /// on nothing of theirs answers), then in the database, tried a few times. A lock that
    /// cannot be stored stays in memory for this run; a session that has ended is forgotten.
    pub(crate) async fn lock_person(&self, person: &Person) {
        let now = self.now();
        {
            let mut desk = self.desk();
            match desk.by_user_mut(&person.user_id) {
                Some(here) if here.token == person.token => {
                    here.locked_at.get_or_insert(now);
                }
                _ => return,
            }
        }
        // Nobody locked holds a data key.
        self.drop_key_of(&person.user_id);
        let mut pause = LOCK_RETRY_PAUSE;
        for attempt in 1..=LOCK_WRITE_TRIES {
            let stored = match self.accounts().await {
                Ok(accounts) => {
                    let id = session_id(&person.token);
                    blocking(move || accounts.lock_session(&id, now))
                        .await
                        .and_then(|r| r)
                }
                Err(e) => Err(e),
            };
            match stored {
                Ok(_) => return,
                Err(AuthError::NotAuthenticated) => {
                    self.forget(person).await;
                    return;
                }
                Err(e) if attempt == LOCK_WRITE_TRIES => {
                    log::warn!(
                        "locked for this run only; the lock was not stored: {}",
                        e.code()
                    );
                }
                Err(_) => {
                    tokio::time::sleep(pause).await;
                    pause *= 2;
                }
            }
        }
    }

    /// Under the keyboard lock, before someone else takes the keyboard: locks the person
    /// there, unless it is `incoming` themselves.
    pub(crate) async fn step_away(&self, incoming: &str) {
        let leaving = self
            .desk()
            .active()
            .filter(|p| p.user_id != incoming && p.locked_at.is_none())
            .cloned();
        if let Some(person) = leaving {
            self.lock_person(&person).await;
        }
    }
}
