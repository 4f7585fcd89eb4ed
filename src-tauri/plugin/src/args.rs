//! Command arguments that accept any JSON value.
//!
//! Tauri rejects an argument of the wrong type (or a missing one) with a plain-text error
//! before the command runs. Taking every argument as `Option<Arg<T>>` instead lets the
//! command answer with a coded `INVALID_INPUT` error, like every other failure.

use latchkey_engine::AuthError;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};

/// An argument as sent: `Arg(Some(value))` when it had the expected type, `Arg(None)` when
/// it did not.
pub struct Arg<T>(Option<T>);

impl<'de, T: DeserializeOwned> Deserialize<'de> for Arg<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = serde_json::Value::deserialize(deserializer)?;
        Ok(Self(T::deserialize(value).ok()))
    }
}

/// A required argument.
///
/// # Errors
/// `INVALID_INPUT` when it is missing, null or of the wrong type.
pub fn required<T>(arg: Option<Arg<T>>) -> Result<T, AuthError> {
    arg.and_then(|a| a.0).ok_or(AuthError::InvalidInput)
}

/// An optional argument: missing or null is `None`.
///
/// # Errors
/// `INVALID_INPUT` when it is present with the wrong type.
pub fn optional<T>(arg: Option<Arg<T>>) -> Result<Option<T>, AuthError> {
    match arg {
        None => Ok(None),
        Some(Arg(Some(v))) => Ok(Some(v)),
        Some(Arg(None)) => Err(AuthError::InvalidInput),
    }
}

/// A checkbox: missing or null is `false`.
///
/// # Errors
/// `INVALID_INPUT` when it is present and not a boolean.
pub fn flag(arg: Option<Arg<bool>>) -> Result<bool, AuthError> {
    optional(arg).map(Option::unwrap_or_default)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use latchkey_engine::Password;

    fn arg<T: DeserializeOwned>(json: &str) -> Option<Arg<T>> {
        serde_json::from_str::<Option<Arg<T>>>(json).unwrap()
    }

    #[test]
    fn wrong_types_and_missing_values_become_invalid_input() {
        assert_eq!(required::<String>(arg("\"alice\"")).unwrap(), "alice");
        assert_eq!(
            required::<String>(arg("42")).unwrap_err(),
            AuthError::InvalidInput
        );
        assert_eq!(
            required::<String>(arg("null")).unwrap_err(),
            AuthError::InvalidInput
        );
        assert_eq!(
            required::<String>(None).unwrap_err(),
            AuthError::InvalidInput
        );
        assert_eq!(
            required::<Password>(arg("[1,2]")).unwrap_err(),
            AuthError::InvalidInput
        );
        assert!(flag(arg("true")).unwrap());
        assert!(!flag(None).unwrap());
        assert_eq!(flag(arg("\"yes\"")).unwrap_err(), AuthError::InvalidInput);
        assert_eq!(optional::<Password>(arg("null")).unwrap(), None);
        assert_eq!(
            optional::<Password>(arg("{}")).unwrap_err(),
            AuthError::InvalidInput
        );
    }
}
