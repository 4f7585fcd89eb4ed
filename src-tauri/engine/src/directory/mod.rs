//! Directory accounts: the computer's settings for an LDAP directory and the client that
//! asks it. The use cases that cache and check directory people are in
//! [`crate::directory_accounts`] and the sign-in.

mod client;
mod settings;

pub use client::{Answer, Directory, DirectoryPerson, Unanswered};
pub use settings::{
    DirectorySettings, FindPerson, SettingsError, DEFAULT_PATH, NAME_PLACEHOLDER, PATH_VARIABLE,
};
