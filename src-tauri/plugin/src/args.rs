//! Command arguments that accept any JSON value.
//!
//! Tauri rejects an argument of the wrong type (or a missing one) with a plain-text error
//! before the command runs. Taking every argument as `Option<Arg<T>>` (or
//! `Option<SecretArg>` for passwords) instead lets the command answer with a coded
//! `INVALID_INPUT` error, like every other failure.

use latchkey_engine::{AuthError, Password};
use serde::de::{DeserializeOwned, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};
use std::marker::PhantomData;

/// An argument as sent: `Arg(Some(value))` when it had the expected type, `Arg(None)` when
/// it did not.
pub struct Arg<T>(Option<T>);

impl<'de, T: DeserializeOwned> Deserialize<'de> for Arg<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = serde_json::Value::deserialize(deserializer)?;
        Ok(Self(T::deserialize(value).ok()))
    }
}

/// A secret argument: a password, or a one-time code ([`latchkey_engine::Code`]). Read
/// straight from the request into the type that wipes itself, never through an
/// intermediate JSON value that would keep a copy; anything but a string is
/// `SecretArg(None)`.
pub struct SecretArg<T = Password>(Option<T>);

impl<'de, T: From<String>> Deserialize<'de> for SecretArg<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer
            .deserialize_any(SecretVisitor(PhantomData))
            .map(Self)
    }
}

struct SecretVisitor<T>(PhantomData<T>);

impl<'de, T: From<String>> Visitor<'de> for SecretVisitor<T> {
    type Value = Option<T>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Some(T::from(v.to_owned())))
    }
    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(Some(T::from(v)))
    }
    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(None)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(None)
    }
}

/// What an argument wrapper holds, when it had the expected type.
pub trait Lenient {
    /// The value.
    type Value;
    /// The value, or `None` when the argument had another type.
    fn into_value(self) -> Option<Self::Value>;
}

impl<T> Lenient for Arg<T> {
    type Value = T;
    fn into_value(self) -> Option<T> {
        self.0
    }
}

impl<T> Lenient for SecretArg<T> {
    type Value = T;
    fn into_value(self) -> Option<T> {
        self.0
    }
}

/// A required argument.
///
/// # Errors
/// `INVALID_INPUT` when it is missing, null or of the wrong type.
pub fn required<A: Lenient>(arg: Option<A>) -> Result<A::Value, AuthError> {
    arg.and_then(Lenient::into_value)
        .ok_or(AuthError::InvalidInput)
}

/// An optional argument: missing or null is `None`.
///
/// # Errors
/// `INVALID_INPUT` when it is present with the wrong type.
pub fn optional<A: Lenient>(arg: Option<A>) -> Result<Option<A::Value>, AuthError> {
    match arg.map(Lenient::into_value) {
        None => Ok(None),
        Some(Some(v)) => Ok(Some(v)),
        Some(None) => Err(AuthError::InvalidInput),
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

    fn arg<T: DeserializeOwned>(json: &str) -> Option<Arg<T>> {
        serde_json::from_str::<Option<Arg<T>>>(json).unwrap()
    }

    fn secret(json: &str) -> Option<SecretArg> {
        serde_json::from_str::<Option<SecretArg>>(json).unwrap()
    }

    #[test]
    fn codes_are_read_into_the_wiped_type_too() {
        let code: Option<SecretArg<latchkey_engine::Code>> =
            serde_json::from_str("\"123 456\"").unwrap();
        assert_eq!(required(code).unwrap().expose(), "123 456");
        let code: Option<SecretArg<latchkey_engine::Code>> = serde_json::from_str("7").unwrap();
        assert_eq!(required(code).unwrap_err(), AuthError::InvalidInput);
    }

    #[test]
    fn wrong_types_and_missing_values_become_invalid_input() {
        assert_eq!(required::<Arg<String>>(arg("\"alice\"")).unwrap(), "alice");
        assert_eq!(
            required::<Arg<String>>(arg("42")).unwrap_err(),
            AuthError::InvalidInput
        );
        assert_eq!(
            required::<Arg<String>>(arg("null")).unwrap_err(),
            AuthError::InvalidInput
        );
        assert_eq!(
            required::<Arg<String>>(None).unwrap_err(),
            AuthError::InvalidInput
        );
        assert_eq!(
            required(secret("[1,2]")).unwrap_err(),
            AuthError::InvalidInput
        );
        assert_eq!(required(secret(r#""p\u00e4ss""#)).unwrap().expose(), "päss");
        assert_eq!(
            required(secret("{\"a\": [1, {\"b\": null}]}")).unwrap_err(),
            AuthError::InvalidInput
        );
        assert!(flag(arg("true")).unwrap());
        assert!(!flag(None).unwrap());
        assert_eq!(flag(arg("\"yes\"")).unwrap_err(), AuthError::InvalidInput);
        assert_eq!(optional(secret("null")).unwrap(), None);
        assert_eq!(optional(secret("{}")).unwrap_err(), AuthError::InvalidInput);
    }
}
