//! Every type the webview receives, in camelCase. None carries a token, a session id (the
//! token's hash) or a password hash.

use latchkey_engine::{AccountSummary, AuthEvent, Note, NoteSummary, RecoveryCodes, Role, User};
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
    /// Whether two-step sign-in is on.
    pub two_step: bool,
    /// Whether two-step sign-in must be turned on before anything else (administrators, on
    /// a computer that requires it).
    pub two_step_setup_required: bool,
    /// How many unused recovery codes are left.
    pub recovery_codes_left: u32,
    /// For a directory account, the directory's name for the person (its password is
    /// changed at the directory, not here); `null` for a local account.
    pub directory_name: Option<String>,
}

impl Profile {
    /// The profile of `user`, with what else the profile screen shows.
    pub fn new(
        user: User,
        recovery_codes_left: u32,
        two_step_setup_required: bool,
        directory_name: Option<String>,
    ) -> Self {
        Self {
            user_id: user.id,
            username: user.username,
            created_at: user.created_at,
            last_login_at: user.last_login_at,
            previous_login_at: user.previous_login_at,
            failed_attempts_since_last_visit: user.failures_before_login,
            role: user.role,
            must_change_password: user.must_change_password,
            two_step: user.two_step_since.is_some(),
            two_step_setup_required,
            recovery_codes_left,
            directory_name,
        }
    }
}

/// Something the person should be told, as a stable code (the window words it) with its
/// parameters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Notice {
    /// `KEYRING_UNAVAILABLE`: signed in for this run only, the keyring could not be used;
    /// `SIGNED_OUT_TO_MAKE_ROOM`: eight people were signed in, so `username` was signed out;
    /// `SECOND_STEP_FAILED`: someone entered this person's password but not their code.
    pub code: &'static str,
    /// The person concerned, for `SIGNED_OUT_TO_MAKE_ROOM`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
}

impl Notice {
    /// Every notice code (for checks that every one has words in every language).
    pub const CODES: [&'static str; 3] = [
        "KEYRING_UNAVAILABLE",
        "SIGNED_OUT_TO_MAKE_ROOM",
        "SECOND_STEP_FAILED",
    ];

    /// The keyring could not be used: signed in for this run only.
    pub fn keyring_unavailable() -> Self {
        Self {
            code: "KEYRING_UNAVAILABLE",
            username: None,
        }
    }

    /// Someone entered the password but not the code, in sign-ins that never finished:
    /// the owner should change their password.
    pub fn second_step_failed() -> Self {
        Self {
            code: "SECOND_STEP_FAILED",
            username: None,
        }
    }

    /// Eight people were signed in, so `username` was signed out to make room.
    pub fn signed_out_to_make_room(username: String) -> Self {
        Self {
            code: "SIGNED_OUT_TO_MAKE_ROOM",
            username: Some(username),
        }
    }
}

/// The answer to sign-up, sign-in, recovery and the second step.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SignedInView {
    /// Who is now signed in; `null` while the second step is awaited.
    pub profile: Option<Profile>,
    /// Whether the password was right and a code (or a recovery code) is needed next.
    pub second_factor: bool,
    /// Whether the directory took a new password and the previous one (or a recovery
    /// code) is asked for once, to reopen the private space.
    pub previous_password: bool,
    /// New recovery codes, to show once (at sign-up, or when a recovery used the last).
    pub recovery_codes: Option<Vec<Zeroizing<String>>>,
    /// Something to tell the person, if any.
    pub notice: Option<Notice>,
}

impl SignedInView {
    /// Signed in as `profile`.
    pub fn signed_in(profile: Profile, recovery_codes: Option<&RecoveryCodes>) -> Self {
        Self {
            profile: Some(profile),
            second_factor: false,
            previous_password: false,
            recovery_codes: recovery_codes.map(codes_view),
            notice: None,
        }
    }

    /// The password was right; the second step is next.
    pub fn second_factor() -> Self {
        Self {
            profile: None,
            second_factor: true,
            previous_password: false,
            recovery_codes: None,
            notice: None,
        }
    }
}

impl SignedInView {
    /// The directory took a new password; the previous one is asked for next.
    pub fn previous_password() -> Self {
        Self {
            profile: None,
            second_factor: false,
            previous_password: true,
            recovery_codes: None,
            notice: None,
        }
    }
}

/// Recovery codes as the window shows them, once. Wiped from memory once sent.
pub fn codes_view(codes: &RecoveryCodes) -> Vec<Zeroizing<String>> {
    codes
        .expose()
        .map(|c| Zeroizing::new(c.to_owned()))
        .collect()
}

/// What the window needs to add this app to an authenticator app: the QR code of the
/// `otpauth://` URI, and the secret to type in by hand.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TwoStepSetupView {
    /// The secret in base32, in groups of four.
    pub secret: Zeroizing<String>,
    /// The `otpauth://` URI the QR code holds.
    pub uri: Zeroizing<String>,
    /// The QR code's modules: `size` rows of `size` characters, `1` dark and `0` light.
    pub qr: Vec<String>,
}

/// The person at the keyboard while their session is locked: all the lock screen shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LockedView {
    /// Whose session it is.
    pub username: String,
    /// Since when it is locked (Unix ms).
    pub locked_at: i64,
}

/// Someone signed in at this app, as the sign-in screen lists them (a name, no more).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PersonView {
    /// The name as typed at sign-up.
    pub username: String,
    /// Whether their session is locked.
    pub locked: bool,
    /// Whether they are the person at the keyboard.
    pub current: bool,
    /// Whether their session is kept across restarts (the window then opens on it).
    pub kept: bool,
}

/// The answer to `session`: who is here and in what state, for the window's routing.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionView {
    /// Whether someone is signed in at the keyboard and not locked.
    pub signed_in: bool,
    /// Their profile, when so.
    pub profile: Option<Profile>,
    /// The person at the keyboard, when their session is locked.
    pub locked: Option<LockedView>,
    /// Everyone signed in at this app.
    pub people: Vec<PersonView>,
    /// Seconds without input before the window locks; `null` is never.
    pub lock_after_secs: Option<u64>,
    /// The language to show: the signed-in person's choice, else this OS account's, else
    /// the operating system's, among `languages`.
    pub language: String,
    /// The languages the window has words for (tag and name).
    pub languages: Vec<LanguageView>,
    /// Something to tell the person, if any.
    pub notice: Option<Notice>,
    /// Whether key escrow is on: the administrator of this computer can recover everyone's
    /// private data (sign-up and the profile say so).
    pub key_escrow: bool,
}

/// A language the window can be shown in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LanguageView {
    /// The tag (`en`, `ko`).
    pub tag: String,
    /// Its name, in itself (`English`, `한국어`).
    pub name: String,
}

/// The computer's settings as the administrator's screen shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SettingsView {
    /// The idle lock.
    pub lock: LockSettingView,
    /// Whether administrators must use two-step sign-in.
    pub two_step_for_admins: bool,
    /// Whether key escrow is on (the administrator can recover members' private data).
    pub key_escrow: bool,
}

impl SettingsView {
    /// The computer's settings as stored now.
    ///
    /// # Errors
    /// A storage code.
    pub fn read(a: &latchkey_engine::Accounts) -> Result<Self, latchkey_engine::AuthError> {
        Ok(Self {
            lock: a.lock_after()?.into(),
            two_step_for_admins: a.two_step_for_admins()?,
            key_escrow: a.key_escrow_on()?,
        })
    }
}

/// The idle lock as the administrator's screen shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LockSettingView {
    /// Minutes without input before a window locks; `null` is never.
    pub minutes: Option<u64>,
    /// Seconds, as in force (an override may set less than a minute).
    pub secs: Option<u64>,
    /// Whether `LATCHKEY_LOCK_AFTER_SECS` decides (the setting cannot be changed here).
    pub overridden: bool,
}

impl From<latchkey_engine::LockAfter> for LockSettingView {
    fn from(l: latchkey_engine::LockAfter) -> Self {
        Self {
            minutes: l.secs.map(|s| s / 60),
            secs: l.secs,
            overridden: l.overridden,
        }
    }
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
    /// Whether the person's private data was kept (key escrow); otherwise it stays sealed
    /// until they enter one of their recovery codes.
    pub private_data_kept: bool,
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
    /// Whether it uses two-step sign-in.
    pub two_step: bool,
    /// Whether a password reset would keep its private data (key escrow).
    pub private_data_recoverable: bool,
    /// Whether it is a directory account (no reset here: its password is the directory's).
    pub directory: bool,
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
            two_step: a.two_step,
            private_data_recoverable: a.private_data_recoverable,
            directory: a.directory,
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

/// A note: in lists, without its text (`body` is `null`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NoteView {
    /// The note's id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its text, when one note was asked for.
    pub body: Option<String>,
    /// Last change (Unix ms).
    pub updated_at: i64,
}

impl NoteView {
    /// A note as its list shows it.
    pub fn summary(note: NoteSummary) -> Self {
        Self {
            id: note.id,
            title: note.title,
            body: None,
            updated_at: note.updated_at,
        }
    }

    /// A whole note.
    pub fn full(note: Note) -> Self {
        Self {
            id: note.id,
            title: note.title,
            body: Some(note.body),
            updated_at: note.updated_at,
        }
    }
}

/// Where the private space of the person at the keyboard stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SpaceStatusView {
    /// `open` (its key is in memory), `closed` (a kept session: the password opens it) or
    /// `sealed` (an administrator's reset: one of the person's recovery codes opens it).
    pub state: &'static str,
    /// Whether the person's recovery codes open the space (codes made before it existed
    /// do not: a new set does).
    pub codes_open_space: bool,
}

impl SpaceStatusView {
    /// The status from what the service holds and what the database says.
    pub fn new(open: bool, sealed: bool, codes_open_space: bool) -> Self {
        let state = match (open, sealed) {
            (true, _) => "open",
            (false, true) => "sealed",
            (false, false) => "closed",
        };
        Self {
            state,
            codes_open_space,
        }
    }
}
