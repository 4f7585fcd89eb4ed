//! Start-up and exit: bringing back the people who chose to stay signed in (locked ones open
//! locked), the housekeeping sweep, and ending sessions not to be kept when the app quits.

use crate::desk::Person;
use crate::models::Notice;
use crate::service::{blocking, AuthService};
use crate::vault::{slot_of, LEGACY_SLOT};
use latchkey_engine::policy::rules::Username;
use latchkey_engine::{session_id, AuthError, SessionToken};

impl AuthService {
    /// Opens the database and restores the kept sessions, so that the first screen finds
    /// them ready. Started at launch, while the webview loads; commands that arrive
    /// meanwhile wait for the same work instead of repeating it.
    pub async fn warm_up(&self) {
        if let Err(e) = self.ensure_restored().await {
            log::warn!("start-up preparation failed: {}", e.code());
        }
    }

    /// Sweeps what has expired (dead sessions, sessions of earlier runs not to be kept,
    /// stale throttle rows, the old log) and times one argon2id verification at the current
    /// settings (what answers for hashes made with other settings are padded to). Run once
    /// the first screen is ready, so that it never competes with the window; no command
    /// waits for it.
    pub async fn after_first_screen(&self) {
        let Ok(accounts) = self.accounts().await else {
            return;
        };
        let (now, started_at) = (self.now(), self.started_at);
        let swept = blocking(move || {
            accounts.hasher().warm_up();
            accounts.housekeeping(now, started_at)
        })
        .await;
        match swept {
            Ok(Ok(swept)) => log::debug!("start-up housekeeping: {swept:?}"),
            Ok(Err(e)) => log::warn!("start-up housekeeping failed: {}", e.code()),
            Err(_) => {}
        }
    }

    /// Restores the kept sessions, once per run and before any other command touches who is
    /// signed in.
    pub(crate) async fn ensure_restored(&self) -> Result<(), AuthError> {
        self.restored
            .get_or_try_init(|| self.restore())
            .await
            .map(|_| ())
    }

    /// Reads each kept person's token from the vault (and the one token versions before 0.2
    /// kept), validates it, and brings back those still valid; the one not locked, if any,
    /// is at the keyboard, else the one locked last.
    async fn restore(&self) -> Result<(), AuthError> {
        let accounts = self.accounts().await?;
        let lister = accounts.clone();
        let kept = blocking(move || lister.kept_user_ids()).await??;
        let mut slots: Vec<String> = kept.iter().map(|id| slot_of(id)).collect();
        // Nobody kept signed in: the keyring is not asked (the first screen never waits
        // for it). Otherwise also the one slot versions before 0.2 used.
        if !slots.is_empty() {
            slots.push(LEGACY_SLOT.to_owned());
        }
        let mut read_all = true;
        for slot in slots {
            let from = slot.clone();
            let stored = match self.with_vault(move |vault| vault.load(&from)).await {
                Ok(stored) => stored,
                Err(e) => {
                    log::warn!("cannot read the saved sessions: {e}");
                    self.notify(Notice::keyring_unavailable());
                    read_all = false;
                    break;
                }
            };
            if let Some(token) = stored {
                self.restore_one(&slot, token).await?;
            }
        }
        if read_all {
            self.end_kept_sessions_without_token(kept).await?;
        } else {
            self.hint_kept_unread();
        }
        // At the keyboard: the one not locked, else the one locked last. Everyone else is
        // locked, in the database too: only one person can have been at the keyboard, so
        // a second unlocked session can only come from a lock that was never stored.
        let others = {
            let mut desk = self.desk();
            let at_keyboard = desk
                .people()
                .iter()
                .max_by_key(|p| (p.locked_at.map_or(i64::MAX, |at| at), p.since))
                .map(|p| p.user_id.clone());
            desk.set_active(at_keyboard.as_deref());
            desk.last_activity = self.now();
            desk.people()
                .iter()
                .filter(|p| p.locked_at.is_none() && Some(&p.user_id) != at_keyboard.as_ref())
                .cloned()
                .collect::<Vec<_>>()
        };
        for person in others {
            log::info!("a second unlocked kept session was locked at start-up");
            self.lock_person(&person).await;
        }
        Ok(())
    }

    /// Once every kept person's slot was read: the sessions still marked kept that did not
    /// come back (their token is not in the keyring) can never be used again, so they end,
    /// in the background (nothing waits for it; a failure is logged and tried again at the
    /// next start).
    async fn end_kept_sessions_without_token(&self, kept: Vec<String>) -> Result<(), AuthError> {
        if kept.is_empty() {
            return Ok(());
        }
        let restored: Vec<(String, Option<String>)> = {
            let desk = self.desk();
            kept.into_iter()
                .map(|user_id| {
                    let here = desk
                        .people()
                        .iter()
                        .find(|p| p.user_id == user_id)
                        .map(|p| session_id(&p.token));
                    (user_id, here)
                })
                .collect()
        };
        let accounts = self.accounts().await?;
        let before = self.started_at;
        tauri::async_runtime::spawn(blocking(move || {
            for (user_id, here) in &restored {
                match accounts.end_kept_sessions_without_token(user_id, here.as_deref(), before) {
                    Ok(0) => {}
                    Ok(ended) => log::info!("ended {ended} kept session(s) whose token was gone"),
                    Err(e) => log::warn!("kept sessions without a token stay: {}", e.code()),
                }
            }
        }));
        Ok(())
    }

    /// Brings back one kept session, or empties its slot when it has ended.
    async fn restore_one(&self, slot: &str, token: SessionToken) -> Result<(), AuthError> {
        let accounts = self.accounts().await?;
        let now = self.now();
        let check = token.clone();
        let found = blocking(move || -> Result<_, AuthError> {
            let Some(session) = accounts.restore_session(&check, now)? else {
                return Ok(None);
            };
            let user = accounts.get_user(&session.user_id)?;
            Ok(user.map(|user| (session, user)))
        })
        .await??;
        match found {
            Some((session, user)) if session.remember => {
                let normalized = Username::parse(&user.username)
                    .map(|n| n.normalized().to_owned())
                    .unwrap_or_default();
                self.desk().add(Person {
                    token: token.clone(),
                    user_id: user.id.clone(),
                    username: user.username,
                    normalized,
                    remember: true,
                    since: session.created_at,
                    locked_at: session.locked_at,
                });
                if slot == LEGACY_SLOT {
                    // Moved to the person's own slot.
                    let (to, saved) = (slot_of(&user.id), token);
                    if self
                        .with_vault(move |vault| vault.save(&to, &saved))
                        .await
                        .is_ok()
                    {
                        self.clear_slot(LEGACY_SLOT.to_owned()).await;
                    }
                }
            }
            Some(_) => {
                // A session not to be kept, saved by an earlier version of Latchkey.
                let accounts = self.accounts().await?;
                blocking(move || accounts.invalidate_session(&token)).await??;
                self.clear_slot(slot.to_owned()).await;
            }
            None => self.clear_slot(slot.to_owned()).await,
        }
        Ok(())
    }

    /// At exit: ends every session its person did not ask to keep (their tokens were never
    /// saved). Blocking; call it from the exit handler only.
    pub fn end_unkept_sessions(&self) {
        let people = self.desk().take_all();
        let Some(accounts) = self.accounts_if_open() else {
            return;
        };
        for person in people.iter().filter(|p| !p.remember) {
            if let Err(e) = accounts.invalidate_session(&person.token) {
                log::warn!("cannot end a session at exit: {}", e.code());
            }
        }
    }
}
