//! The one error type every account operation returns, with stable codes for the UI.
//!
//! Messages are written for people. None of them carries SQL, a file path, a hash or
//! a token: internal causes are logged (without secrets) and surface as `INTERNAL` or
//! one of the storage codes.

use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};

/// Everything that can go wrong in an account operation, as the user should hear it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AuthError {
    /// The username breaks a rule; the message says which one.
    #[error("{0}")]
    InvalidUsername(&'static str),
    /// The password is empty or too long to be checked.
    #[error("{0}")]
    InvalidPassword(&'static str),
    /// A new password is too easy to guess; the message says why.
    #[error("{0}")]
    WeakPassword(&'static str),
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
}

impl AuthError {
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
            Self::Internal => "INTERNAL",
        }
    }
}

impl Serialize for AuthError {
    /// `{ "code": "...", "message": "..." }`, plus `retryAfterSecs` for `TOO_MANY_ATTEMPTS`.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let retry = match self {
            Self::TooManyAttempts { retry_after_secs } => Some(*retry_after_secs),
            _ => None,
        };
        let mut s = serializer.serialize_struct("AuthError", 2 + usize::from(retry.is_some()))?;
        s.serialize_field("code", self.code())?;
        s.serialize_field("message", &self.to_string())?;
        if let Some(secs) = retry {
            s.serialize_field("retryAfterSecs", &secs)?;
        }
        s.end()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn serializes_code_and_message() {
        let json = serde_json::to_value(AuthError::InvalidCredentials).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"code": "INVALID_CREDENTIALS", "message": "Incorrect username or password."})
        );
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
