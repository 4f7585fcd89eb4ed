//! The engine's data: users, roles, sessions and what sign-in hands back. Plain values; the
//! rows they come from are read and written in [`crate::store`].

use crate::secret::{RecoveryCodes, SessionToken};
use serde::Serialize;

/// An account's role on this computer.
///
/// # Examples
///
/// ```
/// use latchkey_engine::Role;
///
/// assert_eq!(Role::parse("admin"), Some(Role::Admin));
/// assert_eq!(Role::Member.as_str(), "member");
/// assert_eq!(Role::parse("root"), None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// The first account made on the computer: can manage the others.
    Admin,
    /// Everyone else.
    Member,
}

impl Role {
    /// The role as stored and as the webview receives it: `admin` or `member`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Member => "member",
        }
    }

    /// The role named by `text`, if any.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "admin" => Some(Self::Admin),
            "member" => Some(Self::Member),
            _ => None,
        }
    }
}

/// A user as the profile shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// Random id (16 characters of `[a-z0-9]` from the OS CSPRNG).
    pub id: String,
    /// The username as typed at sign-up (NFKC form).
    pub username: String,
    /// When the account was made (Unix ms).
    pub created_at: i64,
    /// The latest successful sign-in (Unix ms), if any.
    pub last_login_at: Option<i64>,
    /// The sign-in before the latest one, for "Last signed in …".
    pub previous_login_at: Option<i64>,
    /// Failed sign-ins between the previous sign-in and the latest one.
    pub failures_before_login: u32,
    /// Administrator or member.
    pub role: Role,
    /// Signed in with a temporary password: must choose a new one before anything else.
    pub must_change_password: bool,
    /// Until when the temporary password works (Unix ms), while there is one.
    pub temporary_password_expires_at: Option<i64>,
    /// Since when two-step sign-in is on (Unix ms), while it is.
    pub two_step_since: Option<i64>,
}

/// A session row. Never sent to the webview as is: its `id` is the token's hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// SHA-256 (lowercase hex) of the token.
    pub id: String,
    /// Whose session.
    pub user_id: String,
    /// End of the active period (Unix ms).
    pub active_expires: i64,
    /// End of the idle period (Unix ms).
    pub idle_expires: i64,
    /// When it was made (Unix ms).
    pub created_at: i64,
    /// When it was last used, to the minute (Unix ms).
    pub last_used_at: i64,
    /// Whether the person asked to stay signed in across restarts.
    pub remember: bool,
    /// When the password was last entered in this session (for administrator actions).
    pub reauth_at: i64,
    /// When the session was locked, while it is (only its owner's password unlocks it).
    pub locked_at: Option<i64>,
    /// Whether this validation renewed it (Lucia's `fresh`).
    pub fresh: bool,
}

/// A user with a new session: what sign-up and sign-in hand back.
#[derive(Debug)]
pub struct SignedIn {
    /// Who signed in.
    pub user: User,
    /// The session row (its id is the token's hash).
    pub session: Session,
    /// The bearer token, for the keyring only.
    pub token: SessionToken,
    /// Recovery codes made with this sign-in (at sign-up, or after a password recovery's
    /// codes ran out, or after the last one was used as a second step), to show once.
    pub recovery_codes: Option<RecoveryCodes>,
    /// Whether someone entered this person's password but not their code, in sign-ins that
    /// never finished, since the last sign-in: the owner should change their password.
    pub second_step_warning: bool,
    /// The person's data key, when their private space opened (memory only, wiped on
    /// drop); `None` when it stays sealed (after an administrator's reset).
    pub data_key: Option<crate::policy::sealing::SecretKey>,
}

/// One account as the administrator's list shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountSummary {
    /// The account's id.
    pub user_id: String,
    /// The username as typed at sign-up.
    pub username: String,
    /// Administrator or member.
    pub role: Role,
    /// When it was made (Unix ms).
    pub created_at: i64,
    /// Its latest sign-in (Unix ms).
    pub last_login_at: Option<i64>,
    /// Consecutive failed sign-ins.
    pub failed_attempts: u32,
    /// Seconds until it may try again, when it is locked out now.
    pub locked_for_secs: Option<u64>,
    /// Whether it must choose a new password at its next sign-in.
    pub must_change_password: bool,
    /// Until when its temporary password works (Unix ms), while it has one.
    pub temporary_password_expires_at: Option<i64>,
    /// Whether two-step sign-in is on.
    pub two_step: bool,
    /// Whether a password reset by the administrator who asked would keep its private data
    /// (key escrow is on, its data key is wrapped for it and that administrator holds the
    /// escrow key); otherwise a reset seals it until one of its recovery codes opens it.
    pub private_data_recoverable: bool,
    /// Whether it is a directory account (its password is the directory's).
    pub directory: bool,
}

/// One audit event as the administrator sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
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
