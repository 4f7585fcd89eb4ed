//! The audit log: what happened to accounts and when (never passwords or tokens). Kept for
//! 90 days, and at most 10,000 events.

use crate::engine::accounts::Accounts;
use crate::engine::error::AuthError;
use rusqlite::{params, Transaction};
use serde::Serialize;

/// How long events are kept (ms).
pub const KEEP_MS: i64 = 90 * 24 * 3600 * 1000;
/// The most events kept.
pub const KEEP_ROWS: i64 = 10_000;

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    /// An account was created.
    SignUp,
    /// A correct password at sign-in.
    SignIn,
    /// A wrong password (or unknown name) at sign-in or at a password check.
    SignInFailed,
    /// A session was ended by its owner.
    SignOut,
    /// A user changed their password.
    PasswordChanged,
    /// An administrator set a temporary password.
    PasswordReset,
    /// An administrator cleared an account's throttling.
    Unlocked,
    /// An account was deleted.
    AccountDeleted,
}

impl EventKind {
    fn as_str(self) -> &'static str {
        match self {
            Self::SignUp => "sign-up",
            Self::SignIn => "sign-in",
            Self::SignInFailed => "sign-in-failed",
            Self::SignOut => "sign-out",
            Self::PasswordChanged => "password-changed",
            Self::PasswordReset => "password-reset",
            Self::Unlocked => "unlocked",
            Self::AccountDeleted => "account-deleted",
        }
    }
}

/// One event as the administrator sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthEvent {
    /// When (Unix ms).
    pub at: i64,
    /// What: `sign-up`, `sign-in`, `sign-in-failed`, `sign-out`, `password-changed`,
    /// `password-reset`, `unlocked`, `account-deleted`.
    pub kind: String,
    /// The account concerned (the attempted normalized name for failures).
    pub username: Option<String>,
    /// The administrator who acted, for administrator actions.
    pub actor: Option<String>,
}

/// Appends an event inside an open write transaction.
pub(crate) fn record(
    tx: &Transaction<'_>,
    at: i64,
    kind: EventKind,
    username: Option<&str>,
    actor: Option<&str>,
) -> rusqlite::Result<()> {
    tx.prepare_cached(
        "INSERT INTO auth_event (at, kind, username, actor) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![at, kind.as_str(), username, actor])?;
    Ok(())
}

impl Accounts {
    /// The latest `limit` events, newest first.
    ///
    /// # Errors
    /// A storage code.
    pub fn recent_events(&self, limit: u32) -> Result<Vec<AuthEvent>, AuthError> {
        self.db.read(|c| {
            c.prepare_cached(
                "SELECT at, kind, username, actor FROM auth_event ORDER BY id DESC LIMIT ?1",
            )?
            .query_map([limit], |r| {
                Ok(AuthEvent {
                    at: r.get(0)?,
                    kind: r.get(1)?,
                    username: r.get(2)?,
                    actor: r.get(3)?,
                })
            })?
            .collect()
        })
    }

    /// Deletes events older than 90 days and all but the newest 10,000; returns how many.
    ///
    /// # Errors
    /// A storage code.
    pub fn prune_events(&self, now: i64) -> Result<usize, AuthError> {
        self.db.write(|tx| {
            let old = tx.prepare_cached("DELETE FROM auth_event WHERE at < ?1")?.execute([now - KEEP_MS])?;
            let extra = tx
                .prepare_cached(
                    "DELETE FROM auth_event WHERE id <= (SELECT id FROM auth_event ORDER BY id DESC LIMIT 1 OFFSET ?1)",
                )?
                .execute(params![KEEP_ROWS])?;
            Ok(old + extra)
        })
    }
}
