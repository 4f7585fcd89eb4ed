//! The one error type every account operation returns, with stable codes for the UI.
//!
//! Messages are written for people. None of them carries SQL, a file path, a hash or
//! a token: internal causes are logged (without secrets) and surface as `INTERNAL` or
//! one of the storage codes.
//!
//! # Examples
//!
//! ```
//! use latchkey_engine::AuthError;
//!
//! let error = AuthError::TooManyAttempts { retry_after_secs: 8 };
//! assert_eq!(error.code(), "TOO_MANY_ATTEMPTS");
//! assert_eq!(error.to_string(), "Too many failed attempts. Try again in 8 seconds.");
//! let json = serde_json::to_value(&error)?;
//! assert_eq!(json["retryAfterSecs"], 8);
//! # Ok::<(), serde_json::Error>(())
//! ```

use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};

/// Everything that can go wrong in an account operation, as the user should hear it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AuthError {
    /// The username breaks a rule; the problem says which one.
    #[error("{}", .0.message())]
    InvalidUsername(Problem),
    /// The password is empty or too long to be checked.
    #[error("{}", .0.message())]
    InvalidPassword(Problem),
    /// A new password is too easy to guess; the problem says why.
    #[error("{}", .0.message())]
    WeakPassword(Problem),
    /// Another account already uses this name (ignoring case and Unicode form).
    #[error("That username is already taken. Choose another one.")]
    UsernameTaken,
    /// Unknown username or wrong password: deliberately the same answer.
    #[error("Incorrect username or password.")]
    InvalidCredentials,
    /// Too many consecutive failures for this name; wait before trying again.
    #[error("Too many failed attempts. Try again in {retry_after_secs} seconds.")]
    TooManyAttempts {
        /// Whole seconds until the next attempt is allowed (at least 1).
        retry_after_secs: u64,
    },
    /// No live session.
    #[error("You are not signed in.")]
    NotAuthenticated,
    /// The database cannot be opened or written (permissions, missing folder, locked).
    #[error("The account database cannot be opened or written. Check that Latchkey's data folder is writable, then try again.")]
    StorageUnavailable,
    /// The database or its folder is read-only; nothing was changed.
    #[error("Latchkey's data folder is read-only, so nothing can be saved. Ask whoever manages this computer to make it writable.")]
    StorageReadOnly,
    /// The disk is full; nothing was changed.
    #[error("The disk is full, so nothing was saved. Free some space and try again.")]
    StorageFull,
    /// The database file is damaged or is not a Latchkey database; it was left untouched.
    #[error("The account database is damaged or is not a Latchkey database. It was left untouched; restore it from a backup.")]
    StorageCorrupt,
    /// The database was written by a newer Latchkey; it was left untouched.
    #[error(
        "The account database was made by a newer version of Latchkey. Update Latchkey to open it."
    )]
    DatabaseTooNew,
    /// The signed-in person is not allowed to do this (administrators only).
    #[error("Only an administrator can do that.")]
    Forbidden,
    /// An administrator action needs the administrator's password again.
    #[error("For your security, enter your password again to continue.")]
    ReauthRequired,
    /// The person signed in with a temporary password and must choose a new one first.
    #[error("Choose a new password to continue.")]
    PasswordChangeRequired,
    /// The account acted on does not exist (any more).
    #[error("That account no longer exists.")]
    AccountNotFound,
    /// An administrator action aimed at the administrator's own account.
    #[error("Use your profile to change or delete your own account.")]
    CannotTargetSelf,
    /// The last administrator tried to delete their account while others exist.
    #[error("You are the only administrator. Delete the other accounts first, or keep this one.")]
    LastAdministrator,
    /// A hundred failures in a row: the account is locked until an administrator unlocks it
    /// or its owner uses a recovery code.
    #[error("This account is locked after too many failed attempts. Use one of your recovery codes, or ask the administrator to unlock it.")]
    AccountLocked,
    /// The password was right; the two-step code (or a recovery code) is needed next.
    #[error("Enter the 6-digit code from your authenticator app.")]
    SecondFactorRequired,
    /// The half-finished two-step sign-in ended (after 5 minutes); start again.
    #[error("That took too long. Sign in again.")]
    SecondFactorExpired,
    /// Administrators must use two-step sign-in here; it must be turned on first.
    #[error("Turn on two-step sign-in to continue.")]
    TwoStepSetupRequired,
    /// The session is locked: only its owner's password (or signing out) goes on.
    #[error("Latchkey is locked. Enter your password to unlock it.")]
    Locked,
    /// The temporary password an administrator set has expired (after 24 hours).
    #[error("This temporary password has expired. Ask the administrator for a new one.")]
    TemporaryPasswordExpired,
    /// A destructive action was not explicitly confirmed.
    #[error("Confirm that you want to do this.")]
    ConfirmationRequired,
    /// A command received arguments of the wrong shape (a missing field, a number for a
    /// name…); nothing was done.
    #[error("Latchkey did not understand that request, so nothing was changed. Please try again.")]
    InvalidInput,
    /// Anything else. Details go to the log, never to the user.
    #[error("Something went wrong. Please try again.")]
    Internal,
    /// A wrong authenticator or recovery code from someone already known (the second step
    /// of a sign-in, turning two-step sign-in on or off), or a code too long to be one.
    #[error("That code is not right. Check it and try again.")]
    InvalidCode,
    /// "Forgot your password?" with a wrong recovery code, or a name no account has:
    /// deliberately the same answer.
    #[error("Incorrect username or recovery code.")]
    InvalidRecoveryCode,
    /// Two-step sign-in is on already: turning it on again (a new secret) is refused.
    #[error(
        "Two-step sign-in is already on. Turn it off first to set up a new authenticator app."
    )]
    TwoStepAlreadyOn,
    /// A private value, note or key wrapping failed its integrity check: it was changed,
    /// or moved from another person or name. Nothing is shown in its place.
    #[error(
        "Some of your private data is damaged and cannot be opened. Nothing else was changed."
    )]
    DataCorrupted,
    /// The private space is sealed in this run: the password (or, after a reset, a
    /// recovery code) must be entered to open it.
    #[error("Your private space is sealed. Enter your password to open it.")]
    PrivateSpaceSealed,
    /// A private value over 1 MiB, or a note over its limits.
    #[error("That is too large to keep. Make it shorter and try again.")]
    ValueTooLarge,
    /// A private value's name is empty or over 200 characters.
    #[error("That name cannot be used. Names are 1 to 200 characters.")]
    InvalidValueName,
    /// The note or value asked for does not exist (any more).
    #[error("That item no longer exists.")]
    NotFound,
    /// A directory name, and this computer cannot reach the directory: nobody with this
    /// name has signed in here before (or the directory refused them since).
    #[error("This computer cannot reach the directory right now. Try again when it is connected; people who have signed in here before can still sign in.")]
    DirectoryUnreachable,
    /// Offline, with the right password, but the cached sign-in is too old.
    #[error("This computer must reach the directory once before you can sign in here again. Connect it to the network and try again.")]
    DirectoryCacheExpired,
    /// The directory's certificate was not accepted: no password was sent.
    #[error("The directory's certificate was not accepted, so your password was not sent. Ask whoever manages this computer to check the directory settings.")]
    DirectoryCertificate,
    /// A name that belongs to the directory, at a local sign-up; or a directory name that a
    /// local account's name already looks like.
    #[error("That name belongs to an account in the directory, or looks like one here. Choose another name, or ask an administrator.")]
    DirectoryNameTaken,
    /// A directory account's password is the directory's: it cannot be changed, reset or
    /// recovered here.
    #[error("This account's password is kept by the directory. Change it there, or ask whoever manages your organisation's accounts.")]
    DirectoryAccount,
}

impl AuthError {
    /// One error of each kind (for checks that every code has words in every language).
    pub fn examples() -> Vec<Self> {
        vec![
            Self::InvalidUsername(Problem::UsernameRules),
            Self::InvalidPassword(Problem::PasswordEmpty),
            Self::WeakPassword(Problem::PasswordTooShort),
            Self::UsernameTaken,
            Self::InvalidCredentials,
            Self::TooManyAttempts {
                retry_after_secs: 1,
            },
            Self::NotAuthenticated,
            Self::StorageUnavailable,
            Self::StorageReadOnly,
            Self::StorageFull,
            Self::StorageCorrupt,
            Self::DatabaseTooNew,
            Self::Forbidden,
            Self::ReauthRequired,
            Self::PasswordChangeRequired,
            Self::AccountNotFound,
            Self::CannotTargetSelf,
            Self::LastAdministrator,
            Self::AccountLocked,
            Self::SecondFactorRequired,
            Self::SecondFactorExpired,
            Self::TwoStepSetupRequired,
            Self::Locked,
            Self::TemporaryPasswordExpired,
            Self::ConfirmationRequired,
            Self::InvalidInput,
            Self::Internal,
            Self::InvalidCode,
            Self::InvalidRecoveryCode,
            Self::TwoStepAlreadyOn,
            Self::DataCorrupted,
            Self::PrivateSpaceSealed,
            Self::ValueTooLarge,
            Self::InvalidValueName,
            Self::NotFound,
            Self::DirectoryUnreachable,
            Self::DirectoryCacheExpired,
            Self::DirectoryCertificate,
            Self::DirectoryNameTaken,
            Self::DirectoryAccount,
        ]
    }

    /// The stable SCREAMING_SNAKE code the frontend branches on.
    pub fn code(&self) -> &'static str {
        match self {
            Self::InvalidUsername(_) => "INVALID_USERNAME",
            Self::InvalidPassword(_) => "INVALID_PASSWORD",
            Self::WeakPassword(_) => "WEAK_PASSWORD",
            Self::UsernameTaken => "USERNAME_TAKEN",
            Self::InvalidCredentials => "INVALID_CREDENTIALS",
            Self::TooManyAttempts { .. } => "TOO_MANY_ATTEMPTS",
            Self::NotAuthenticated => "NOT_AUTHENTICATED",
            Self::StorageUnavailable => "STORAGE_UNAVAILABLE",
            Self::StorageFull => "STORAGE_FULL",
            Self::StorageReadOnly => "STORAGE_READ_ONLY",
            Self::InvalidInput => "INVALID_INPUT",
            Self::StorageCorrupt => "STORAGE_CORRUPT",
            Self::DatabaseTooNew => "DATABASE_TOO_NEW",
            Self::Forbidden => "FORBIDDEN",
            Self::ReauthRequired => "REAUTH_REQUIRED",
            Self::PasswordChangeRequired => "PASSWORD_CHANGE_REQUIRED",
            Self::AccountNotFound => "ACCOUNT_NOT_FOUND",
            Self::CannotTargetSelf => "CANNOT_TARGET_SELF",
            Self::LastAdministrator => "LAST_ADMINISTRATOR",
            Self::ConfirmationRequired => "CONFIRMATION_REQUIRED",
            Self::TemporaryPasswordExpired => "TEMPORARY_PASSWORD_EXPIRED",
            Self::Locked => "LOCKED",
            Self::AccountLocked => "ACCOUNT_LOCKED",
            Self::SecondFactorRequired => "SECOND_FACTOR_REQUIRED",
            Self::SecondFactorExpired => "SECOND_FACTOR_EXPIRED",
            Self::TwoStepSetupRequired => "TWO_STEP_SETUP_REQUIRED",
            Self::Internal => "INTERNAL",
            Self::InvalidCode => "INVALID_CODE",
            Self::InvalidRecoveryCode => "INVALID_RECOVERY_CODE",
            Self::TwoStepAlreadyOn => "TWO_STEP_ALREADY_ON",
            Self::DataCorrupted => "DATA_CORRUPTED",
            Self::PrivateSpaceSealed => "PRIVATE_SPACE_SEALED",
            Self::ValueTooLarge => "VALUE_TOO_LARGE",
            Self::InvalidValueName => "INVALID_VALUE_NAME",
            Self::NotFound => "NOT_FOUND",
            Self::DirectoryUnreachable => "DIRECTORY_UNREACHABLE",
            Self::DirectoryCacheExpired => "DIRECTORY_CACHE_EXPIRED",
            Self::DirectoryCertificate => "DIRECTORY_CERTIFICATE",
            Self::DirectoryNameTaken => "DIRECTORY_NAME_TAKEN",
            Self::DirectoryAccount => "DIRECTORY_ACCOUNT",
        }
    }
}

/// Which rule a username or password broke, for `INVALID_USERNAME`, `INVALID_PASSWORD` and
/// `WEAK_PASSWORD` (sent to the window as `reason`, so that it can say it in its language).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Problem {
    /// Not 4–31 letters, digits, `_`, `-` or `.`.
    UsernameRules,
    /// Spaces before or after the name.
    UsernameSpaces,
    /// Letters of more than one script.
    UsernameMixedScripts,
    /// No password typed.
    PasswordEmpty,
    /// Over 255 characters.
    PasswordTooLong,
    /// Under 8 characters.
    PasswordTooShort,
    /// One of the 10,000 most common passwords.
    PasswordCommon,
    /// Contains the username.
    PasswordContainsUsername,
    /// The same as the current password.
    PasswordUnchanged,
}

impl Problem {
    /// Every problem (for checks that every reason has words in every language).
    pub const ALL: [Problem; 9] = [
        Self::UsernameRules,
        Self::UsernameSpaces,
        Self::UsernameMixedScripts,
        Self::PasswordEmpty,
        Self::PasswordTooLong,
        Self::PasswordTooShort,
        Self::PasswordCommon,
        Self::PasswordContainsUsername,
        Self::PasswordUnchanged,
    ];

    /// The stable reason code.
    pub fn reason(self) -> &'static str {
        match self {
            Self::UsernameRules => "USERNAME_RULES",
            Self::UsernameSpaces => "USERNAME_SPACES",
            Self::UsernameMixedScripts => "USERNAME_MIXED_SCRIPTS",
            Self::PasswordEmpty => "PASSWORD_EMPTY",
            Self::PasswordTooLong => "PASSWORD_TOO_LONG",
            Self::PasswordTooShort => "PASSWORD_TOO_SHORT",
            Self::PasswordCommon => "PASSWORD_COMMON",
            Self::PasswordContainsUsername => "PASSWORD_CONTAINS_USERNAME",
            Self::PasswordUnchanged => "PASSWORD_UNCHANGED",
        }
    }

    /// The rule, in English (for logs and callers without a catalog).
    pub fn message(self) -> &'static str {
        match self {
            Self::UsernameRules => "Usernames are 4 to 31 characters: letters, digits, underscore (_), hyphen (-) and dot (.), with no spaces.",
            Self::UsernameSpaces => "A username cannot start or end with a space. Usernames are 4 to 31 characters: letters, digits, _, - and .",
            Self::UsernameMixedScripts => "A username must be written in one alphabet: do not mix, for example, Latin and Cyrillic letters.",
            Self::PasswordEmpty => "Enter your password.",
            Self::PasswordTooLong => "Passwords are at most 255 characters.",
            Self::PasswordTooShort => "Use at least 8 characters.",
            Self::PasswordCommon => "That password is one of the most common passwords. Choose something less predictable.",
            Self::PasswordContainsUsername => "A password cannot contain the username.",
            Self::PasswordUnchanged => "Choose a password different from the current one.",
        }
    }
}

impl Serialize for AuthError {
    /// `{ "code": "...", "message": "..." }`, plus `retryAfterSecs` for `TOO_MANY_ATTEMPTS`
    /// and `reason` for the rule codes.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let retry = match self {
            Self::TooManyAttempts { retry_after_secs } => Some(*retry_after_secs),
            _ => None,
        };
        let reason = match self {
            Self::InvalidUsername(p) | Self::InvalidPassword(p) | Self::WeakPassword(p) => {
                Some(p.reason())
            }
            _ => None,
        };
        let fields = 2 + usize::from(retry.is_some()) + usize::from(reason.is_some());
        let mut s = serializer.serialize_struct("AuthError", fields)?;
        s.serialize_field("code", self.code())?;
        s.serialize_field("message", &self.to_string())?;
        if let Some(secs) = retry {
            s.serialize_field("retryAfterSecs", &secs)?;
        }
        if let Some(reason) = reason {
            s.serialize_field("reason", reason)?;
        }
        s.end()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// Which variant an error is: an exhaustive match, so that a new variant does not
    /// compile until it is counted here (and then must be among the examples).
    fn variant(e: &AuthError) -> usize {
        match e {
            AuthError::InvalidUsername(_) => 0,
            AuthError::InvalidPassword(_) => 1,
            AuthError::WeakPassword(_) => 2,
            AuthError::UsernameTaken => 3,
            AuthError::InvalidCredentials => 4,
            AuthError::TooManyAttempts { .. } => 5,
            AuthError::NotAuthenticated => 6,
            AuthError::StorageUnavailable => 7,
            AuthError::StorageReadOnly => 8,
            AuthError::StorageFull => 9,
            AuthError::StorageCorrupt => 10,
            AuthError::DatabaseTooNew => 11,
            AuthError::Forbidden => 12,
            AuthError::ReauthRequired => 13,
            AuthError::PasswordChangeRequired => 14,
            AuthError::AccountNotFound => 15,
            AuthError::CannotTargetSelf => 16,
            AuthError::LastAdministrator => 17,
            AuthError::AccountLocked => 18,
            AuthError::SecondFactorRequired => 19,
            AuthError::SecondFactorExpired => 20,
            AuthError::TwoStepSetupRequired => 21,
            AuthError::Locked => 22,
            AuthError::TemporaryPasswordExpired => 23,
            AuthError::ConfirmationRequired => 24,
            AuthError::InvalidInput => 25,
            AuthError::Internal => 26,
            AuthError::InvalidCode => 27,
            AuthError::InvalidRecoveryCode => 28,
            AuthError::TwoStepAlreadyOn => 29,
            AuthError::DataCorrupted => 30,
            AuthError::PrivateSpaceSealed => 31,
            AuthError::ValueTooLarge => 32,
            AuthError::InvalidValueName => 33,
            AuthError::NotFound => 34,
            AuthError::DirectoryUnreachable => 35,
            AuthError::DirectoryCacheExpired => 36,
            AuthError::DirectoryCertificate => 37,
            AuthError::DirectoryNameTaken => 38,
            AuthError::DirectoryAccount => 39,
        }
    }

    #[test]
    fn the_examples_hold_every_variant_and_distinct_codes() {
        let examples = AuthError::examples();
        let variants: std::collections::HashSet<usize> = examples.iter().map(variant).collect();
        assert_eq!(variants.len(), 40);
        let codes: std::collections::HashSet<&str> = examples.iter().map(AuthError::code).collect();
        assert_eq!(codes.len(), examples.len());
        let reasons: std::collections::HashSet<&str> =
            Problem::ALL.iter().map(|p| p.reason()).collect();
        assert_eq!(reasons.len(), Problem::ALL.len());
    }

    #[test]
    fn serializes_code_and_message() {
        let json = serde_json::to_value(AuthError::InvalidCredentials).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"code": "INVALID_CREDENTIALS", "message": "Incorrect username or password."})
        );
    }

    #[test]
    fn rule_errors_carry_their_reason() {
        let json = serde_json::to_value(AuthError::WeakPassword(Problem::PasswordCommon)).unwrap();
        assert_eq!(json["code"], "WEAK_PASSWORD");
        assert_eq!(json["reason"], "PASSWORD_COMMON");
        assert!(json["message"].as_str().unwrap().contains("most common"));
    }

    #[test]
    fn too_many_attempts_carries_the_wait() {
        let json = serde_json::to_value(AuthError::TooManyAttempts {
            retry_after_secs: 8,
        })
        .unwrap();
        assert_eq!(json["code"], "TOO_MANY_ATTEMPTS");
        assert_eq!(json["retryAfterSecs"], 8);
        assert!(json["message"].as_str().unwrap().contains("8 seconds"));
    }
}
