//! Storage: every SQL statement of the engine, one module per table, over one SQLite file.
//!
//! Functions here take a connection (or an open write transaction) and do one thing to one
//! table; the use cases compose them inside [`Database::write`] transactions. SQLite's
//! failures become the engine's storage codes here, and unique violations become domain
//! codes, so no SQL text or path reaches a caller.

pub mod attempts;
pub mod audit;
pub mod data_keys;
pub mod db;
pub mod directory_accounts;
pub mod keys;
pub mod migrations;
pub mod notes;
pub mod private_values;
pub mod recent;
pub mod recovery_codes;
pub mod sessions;
pub mod settings;
pub mod users;

pub use db::{Database, WriteError};
pub use keys::KeyId;

use crate::error::AuthError;

/// Maps a SQLite failure to what the user can act on, logging the cause.
///
/// The cause is rusqlite's text (constraint names, result codes): it never holds bound
/// parameter values, so no password, hash or token can reach the log this way.
pub(crate) fn storage_error(err: rusqlite::Error) -> AuthError {
    use rusqlite::ErrorCode as C;
    let mapped = match err.sqlite_error_code() {
        Some(C::DiskFull) => AuthError::StorageFull,
        Some(C::NotADatabase | C::DatabaseCorrupt) => AuthError::StorageCorrupt,
        Some(C::ReadOnly) => AuthError::StorageReadOnly,
        Some(
            C::CannotOpen
            | C::PermissionDenied
            | C::DatabaseBusy
            | C::DatabaseLocked
            | C::SystemIoFailure
            | C::NoLargeFileSupport,
        ) => AuthError::StorageUnavailable,
        _ => AuthError::Internal,
    };
    log::warn!("storage error mapped to {}: {err}", mapped.code());
    mapped
}

/// Whether a failure is a primary-key or unique constraint violation.
pub(crate) fn is_unique_violation(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(f, _)
        if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY
            || f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE)
}

/// Whether a failure is a foreign-key constraint violation.
pub(crate) fn is_foreign_key_violation(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(f, _)
        if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_FOREIGNKEY)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_codes_map_to_storage_codes() {
        let err = |code| rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(code), None);
        assert_eq!(
            storage_error(err(rusqlite::ffi::SQLITE_FULL)),
            AuthError::StorageFull
        );
        assert_eq!(
            storage_error(err(rusqlite::ffi::SQLITE_NOTADB)),
            AuthError::StorageCorrupt
        );
        assert_eq!(
            storage_error(err(rusqlite::ffi::SQLITE_READONLY)),
            AuthError::StorageReadOnly
        );
        assert_eq!(
            storage_error(rusqlite::Error::QueryReturnedNoRows),
            AuthError::Internal
        );
    }
}
