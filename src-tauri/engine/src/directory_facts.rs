//! What the directory said about a person at an online sign-in, carried by the password
//! check (`credentials::Verified`) and recorded in the write that settles it.

use crate::directory::DirectoryPerson;
use crate::model::Role;
use crate::store::directory_accounts as accounts_table;
use crate::store::{users, WriteError};
use rusqlite::Connection;

/// What the directory said about a person at this sign-in, recorded when it is settled.
#[derive(Debug, Clone)]
pub(crate) struct DirectoryFacts {
    /// The person's entry, display name and group membership.
    pub(crate) person: DirectoryPerson,
    /// Until when the verifier now signs them in offline (Unix ms).
    pub(crate) cached_until: i64,
    /// When the directory answered (Unix ms).
    pub(crate) now: i64,
}

impl DirectoryFacts {
    /// Records the facts: the entry, a fresh cache lifetime, the contact, and the role the
    /// administrators' group gives.
    ///
    /// # Errors
    /// A SQLite failure.
    pub(crate) fn record(&self, c: &Connection, user_id: &str) -> Result<(), WriteError> {
        let p = &self.person;
        accounts_table::upsert(
            c,
            user_id,
            &p.dn,
            &p.display_name,
            self.cached_until,
            self.now,
        )?;
        users::set_role(c, user_id, if p.admin { Role::Admin } else { Role::Member })?;
        Ok(())
    }
}
