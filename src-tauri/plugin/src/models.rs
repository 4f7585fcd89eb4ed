//! Every type the webview receives, in camelCase. None carries a token, a session id (the
//! token's hash) or a password hash.

use latchkey_engine::{AccountSummary, AuthEvent, Role, User};
use serde::Serialize;
use zeroize::Zeroizing;

/// The profile of the signed-in person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Profile {
    /// The user's id.
    pub user_id: String,
    /// The username as typed at sign-up.
    pub username: String,
    /// When the account was made (Unix ms).
    pub created_at: i64,
    /// The latest sign-in (Unix ms).
    pub last_login_at: Option<i64>,
    /// The sign-in before this one, for "Last signed in …".
    pub previous_login_at: Option<i64>,
    /// Failed sign-ins between the previous sign-in and this one.
    pub failed_attempts_since_last_visit: u32,
    /// `admin` or `member`.
    pub role: Role,
    /// Whether a new password must be chosen before anything else.
    pub must_change_password: bool,
}

impl From<User> for Profile {
    fn from(u: User) -> Self {
        Self {
            user_id: u.id,
            username: u.username,
            created_at: u.created_at,
            last_login_at: u.last_login_at,
            previous_login_at: u.previous_login_at,
            failed_attempts_since_last_visit: u.failures_before_login,
            role: u.role,
            must_change_password: u.must_change_password,
        }
    }
}

/// The answer to sign-up and sign-in.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SignedInView {
    /// Who is now signed in.
    pub profile: Profile,
    /// A plain notice for the person (for example: the keyring was unavailable).
    pub notice: Option<&'static str>,
}

/// The answer to `session`: who is signed in now, for start-up routing.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionView {
    /// Whether someone is signed in.
    pub signed_in: bool,
    /// Their profile, when signed in.
    pub profile: Option<Profile>,
    /// A plain notice for the person, if any.
    pub notice: Option<&'static str>,
}

/// One live session of the signed-in person, as the profile lists it. It carries no id:
/// the session id is the token's hash and never reaches the webview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionInfo {
    /// When it was made (Unix ms).
    pub created_at: i64,
    /// When it was last used, to the minute (Unix ms).
    pub last_used_at: i64,
    /// When it ends unless used (Unix ms).
    pub expires_at: i64,
    /// Whether it is this app's own session ("this device").
    pub current: bool,
    /// Whether it stays signed in across restarts.
    pub kept: bool,
}

/// A temporary password to hand to the person whose password was reset. Wiped from memory
/// once it has been sent to the window.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TemporaryPassword {
    /// Shown once to the administrator; the person must change it at their next sign-in.
    pub temporary_password: Zeroizing<String>,
}

/// One account in the administrator's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountView {
    /// The account's id (the administrator's commands name their target by it).
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
}

impl From<AccountSummary> for AccountView {
    fn from(a: AccountSummary) -> Self {
        Self {
            user_id: a.user_id,
            username: a.username,
            role: a.role,
            created_at: a.created_at,
            last_login_at: a.last_login_at,
            failed_attempts: a.failed_attempts,
            locked_for_secs: a.locked_for_secs,
            must_change_password: a.must_change_password,
            temporary_password_expires_at: a.temporary_password_expires_at,
        }
    }
}

/// One event of the activity log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EventView {
    /// When (Unix ms).
    pub at: i64,
    /// What happened (`sign-in`, `password-reset`, …).
    pub kind: String,
    /// The account concerned.
    pub username: Option<String>,
    /// The administrator who acted, for administrator actions.
    pub actor: Option<String>,
}

impl From<AuthEvent> for EventView {
    fn from(e: AuthEvent) -> Self {
        Self {
            at: e.at,
            kind: e.kind,
            username: e.username,
            actor: e.actor,
        }
    }
}
