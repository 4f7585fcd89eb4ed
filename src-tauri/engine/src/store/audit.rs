//! The `auth_event` table: what happened to accounts and when (never passwords or tokens).
//! Kept for 90 days, and at most 10,000 events.

use crate::model::AuthEvent;
use rusqlite::{params, Connection};

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
    /// A password was set with a recovery code.
    PasswordRecovered,
    /// New recovery codes replaced the old ones.
    RecoveryCodesRenewed,
    /// Two-step sign-in was turned on.
    TwoStepOn,
    /// Two-step sign-in was turned off (by its owner, or by an administrator).
    TwoStepOff,
    /// An administrator's password was reset from the OS account's shell (the last resort).
    ShellReset,
    /// A person opened their private space, sealed by a reset, with a recovery code.
    SpaceOpened,
    /// A person chose to start again with an empty private space after a reset.
    SpaceStartedOver,
    /// The administrator turned key escrow on: they can recover members' private data.
    EscrowOn,
    /// The administrator turned key escrow off.
    EscrowOff,
    /// The directory refused a cached directory account: its verifier and sessions went.
    DirectoryRefused,
}

impl EventKind {
    /// Every kind of event (for checks that every kind has words in every language).
    pub const ALL: [EventKind; 18] = [
        Self::SignUp,
        Self::SignIn,
        Self::SignInFailed,
        Self::SignOut,
        Self::PasswordChanged,
        Self::PasswordReset,
        Self::Unlocked,
        Self::AccountDeleted,
        Self::PasswordRecovered,
        Self::RecoveryCodesRenewed,
        Self::TwoStepOn,
        Self::TwoStepOff,
        Self::ShellReset,
        Self::SpaceOpened,
        Self::SpaceStartedOver,
        Self::EscrowOn,
        Self::EscrowOff,
        Self::DirectoryRefused,
    ];

    /// The stored name of the event.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SignUp => "sign-up",
            Self::SignIn => "sign-in",
            Self::SignInFailed => "sign-in-failed",
            Self::SignOut => "sign-out",
            Self::PasswordChanged => "password-changed",
            Self::PasswordReset => "password-reset",
            Self::Unlocked => "unlocked",
            Self::AccountDeleted => "account-deleted",
            Self::PasswordRecovered => "password-recovered",
            Self::RecoveryCodesRenewed => "recovery-codes-renewed",
            Self::TwoStepOn => "two-step-on",
            Self::TwoStepOff => "two-step-off",
            Self::ShellReset => "shell-reset",
            Self::SpaceOpened => "space-opened",
            Self::SpaceStartedOver => "space-started-over",
            Self::EscrowOn => "escrow-on",
            Self::EscrowOff => "escrow-off",
            Self::DirectoryRefused => "directory-refused",
        }
    }
}

/// Appends an event.
///
/// # Errors
/// A SQLite failure.
pub fn record(
    c: &Connection,
    at: i64,
    kind: EventKind,
    username: Option<&str>,
    actor: Option<&str>,
) -> rusqlite::Result<()> {
    c.prepare_cached("INSERT INTO auth_event (at, kind, username, actor) VALUES (?1, ?2, ?3, ?4)")?
        .execute(params![at, kind.as_str(), username, actor])
        .map(drop)
}

/// The latest `limit` events, newest first.
///
/// # Errors
/// A SQLite failure.
pub fn latest(c: &Connection, limit: u32) -> rusqlite::Result<Vec<AuthEvent>> {
    c.prepare_cached("SELECT at, kind, username, actor FROM auth_event ORDER BY id DESC LIMIT ?1")?
        .query_map([limit], |r| {
            Ok(AuthEvent {
                at: r.get(0)?,
                kind: r.get(1)?,
                username: r.get(2)?,
                actor: r.get(3)?,
            })
        })?
        .collect()
}

/// Deletes events older than 90 days and all but the newest 10,000; returns how many.
///
/// # Errors
/// A SQLite failure.
pub fn prune(c: &Connection, now: i64) -> rusqlite::Result<usize> {
    let old = c
        .prepare_cached("DELETE FROM auth_event WHERE at < ?1")?
        .execute([now.saturating_sub(KEEP_MS)])?;
    let extra = c
        .prepare_cached(
            "DELETE FROM auth_event WHERE id <= (SELECT id FROM auth_event ORDER BY id DESC LIMIT 1 OFFSET ?1)",
        )?
        .execute(params![KEEP_ROWS])?;
    Ok(old + extra)
}
