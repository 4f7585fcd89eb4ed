//! The computer's directory settings: one TOML file that a lab's configuration management
//! deploys (`/etc/latchkey/directory.toml` on Linux, or wherever
//! `LATCHKEY_DIRECTORY_CONFIG` points), read once at start-up and checked here.
//!
//! # Examples
//!
//! ```
//! use latchkey_engine::directory::{DirectorySettings, FindPerson};
//!
//! let settings = DirectorySettings::parse(r#"
//!     url = "ldaps://ldap.example.org"
//!     ca_file = "/etc/latchkey/directory-ca.pem"
//!     bind_dn = "uid={name},ou=people,dc=example,dc=org"
//!     admin_group = "cn=latchkey-admins,ou=groups,dc=example,dc=org"
//! "#)?;
//! assert_eq!(settings.cache_days, 7);
//! assert!(matches!(settings.find, FindPerson::BindDn(_)));
//!
//! // ldap:// means StartTLS; plain LDAP is refused unless a test allows it in so many words.
//! let plain = DirectorySettings::parse(r#"
//!     url = "ldap://ldap.example.org"
//!     starttls = false
//!     bind_dn = "uid={name},ou=people,dc=example,dc=org"
//! "#);
//! assert!(plain.is_err());
//! # Ok::<(), latchkey_engine::directory::SettingsError>(())
//! ```

use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Where the settings file is on Linux when `LATCHKEY_DIRECTORY_CONFIG` is not set.
pub const DEFAULT_PATH: &str = "/etc/latchkey/directory.toml";
/// The environment variable that points at another settings file.
pub const PATH_VARIABLE: &str = "LATCHKEY_DIRECTORY_CONFIG";
/// The placeholder for the typed name in `bind_dn` and `search_filter`.
pub const NAME_PLACEHOLDER: &str = "{name}";

/// How a typed name becomes a directory entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FindPerson {
    /// The entry's DN is a pattern with `{name}` (escaped as a DN value).
    BindDn(String),
    /// A subtree search under `base` with `filter` (`{name}` escaped as a filter value),
    /// as the service account when there is one, else anonymously.
    Search {
        /// The search base.
        base: String,
        /// The filter; it should also leave out disabled people.
        filter: String,
    },
}

/// The directory settings of this computer, checked.
#[derive(Clone, PartialEq, Eq)]
pub struct DirectorySettings {
    /// `ldaps://host[:port]`, or `ldap://host[:port]` with StartTLS.
    pub url: String,
    /// Whether `url` is `ldap://` and StartTLS is used (the default for `ldap://`).
    pub starttls: bool,
    /// Plain LDAP without TLS: only when `allow_plain_ldap_for_tests = true`.
    pub plain: bool,
    /// The CA certificate(s) (PEM) that signed the server's certificate; without it, the
    /// system's trusted roots.
    pub ca_file: Option<PathBuf>,
    /// How a typed name becomes an entry.
    pub find: FindPerson,
    /// A read-only account for searches and refreshes, and its password (read from a file
    /// only root can read).
    pub service: Option<(String, String)>,
    /// The attribute with the name to show.
    pub display_name_attribute: String,
    /// The group whose members are administrators here (`member` holds their DN).
    pub admin_group: Option<String>,
    /// How long a cached verifier signs someone in without the directory (1–30 days).
    pub cache_days: u32,
    /// Each network step's limit (1–30 s).
    pub timeout: Duration,
    /// How often the app checks cached people against the directory (5–1440 minutes).
    pub refresh_minutes: u32,
}

impl std::fmt::Debug for DirectorySettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DirectorySettings")
            .field("url", &self.url)
            .field("starttls", &self.starttls)
            .field("find", &self.find)
            .field("service", &self.service.as_ref().map(|(dn, _)| dn))
            .field("admin_group", &self.admin_group)
            .field("cache_days", &self.cache_days)
            .finish_non_exhaustive()
    }
}

/// Why the settings cannot be used (for the log and the administrator's screen: never the
/// service password).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("directory settings: {0}")]
pub struct SettingsError(pub String);

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    url: String,
    starttls: Option<bool>,
    #[serde(default)]
    allow_plain_ldap_for_tests: bool,
    ca_file: Option<PathBuf>,
    bind_dn: Option<String>,
    search_base: Option<String>,
    search_filter: Option<String>,
    service_dn: Option<String>,
    service_password_file: Option<PathBuf>,
    display_name_attribute: Option<String>,
    admin_group: Option<String>,
    cache_days: Option<u32>,
    timeout_seconds: Option<u64>,
    refresh_minutes: Option<u32>,
}

fn bad(what: impl Into<String>) -> SettingsError {
    SettingsError(what.into())
}

impl DirectorySettings {
    /// Reads the settings file named by `LATCHKEY_DIRECTORY_CONFIG`, else
    /// [`DEFAULT_PATH`] on Linux. `Ok(None)`: no file, no directory accounts.
    ///
    /// # Errors
    /// The file exists but cannot be read or is not valid.
    pub fn from_env() -> Result<Option<Self>, SettingsError> {
        let path = match std::env::var_os(PATH_VARIABLE) {
            Some(p) if !p.is_empty() => PathBuf::from(p),
            _ if cfg!(target_os = "linux") => PathBuf::from(DEFAULT_PATH),
            _ => return Ok(None),
        };
        Self::from_file(&path)
    }

    /// Reads a settings file. `Ok(None)`: there is no such file.
    ///
    /// # Errors
    /// The file exists but cannot be read or is not valid.
    pub fn from_file(path: &Path) -> Result<Option<Self>, SettingsError> {
        match std::fs::read_to_string(path) {
            Ok(text) => Self::parse(&text).map(Some),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(bad(format!("cannot read the settings file ({})", e.kind()))),
        }
    }

    /// Checks the text of a settings file.
    ///
    /// # Errors
    /// What is wrong, in words for an administrator.
    pub fn parse(text: &str) -> Result<Self, SettingsError> {
        let raw: Raw = toml::from_str(text).map_err(|e| bad(e.message().to_owned()))?;
        let (scheme, rest) = raw
            .url
            .split_once("://")
            .ok_or_else(|| bad("url must start with ldaps:// or ldap://"))?;
        let host = rest.split(['/', ':']).next().unwrap_or_default();
        if host.is_empty() || rest.trim_end_matches('/').contains('/') {
            return Err(bad("url must name a server: ldaps://host[:port]"));
        }
        let (starttls, plain) = match (scheme, raw.starttls, raw.allow_plain_ldap_for_tests) {
            ("ldaps", None | Some(false), _) => (false, false),
            ("ldaps", Some(true), _) => return Err(bad("starttls is for ldap:// urls")),
            ("ldap", None | Some(true), _) => (true, false),
            ("ldap", Some(false), true) => (false, true),
            ("ldap", Some(false), false) => {
                return Err(bad(
                    "plain LDAP sends passwords in the clear: use ldaps:// or StartTLS",
                ))
            }
            _ => return Err(bad("url must start with ldaps:// or ldap://")),
        };
        let find = match (raw.bind_dn, raw.search_base, raw.search_filter) {
            (Some(dn), None, None) if dn.contains(NAME_PLACEHOLDER) => FindPerson::BindDn(dn),
            (None, Some(base), Some(filter)) if filter.contains(NAME_PLACEHOLDER) => {
                FindPerson::Search { base, filter }
            }
            _ => {
                return Err(bad(
                    "name people with bind_dn, or with search_base and search_filter; \
                     each holds {name}",
                ))
            }
        };
        let service = match (raw.service_dn, raw.service_password_file) {
            (Some(dn), Some(file)) => {
                let password = std::fs::read_to_string(&file).map_err(|e| {
                    bad(format!("cannot read service_password_file ({})", e.kind()))
                })?;
                Some((dn, password.trim_end_matches(['\r', '\n']).to_owned()))
            }
            (None, None) => None,
            _ => return Err(bad("service_dn and service_password_file go together")),
        };
        let cache_days = raw.cache_days.unwrap_or(7);
        if !(1..=30).contains(&cache_days) {
            return Err(bad("cache_days must be 1 to 30"));
        }
        let timeout = raw.timeout_seconds.unwrap_or(5);
        if !(1..=30).contains(&timeout) {
            return Err(bad("timeout_seconds must be 1 to 30"));
        }
        let refresh_minutes = raw.refresh_minutes.unwrap_or(15);
        if !(5..=1440).contains(&refresh_minutes) {
            return Err(bad("refresh_minutes must be 5 to 1440"));
        }
        Ok(Self {
            url: raw.url,
            starttls,
            plain,
            ca_file: raw.ca_file,
            find,
            service,
            display_name_attribute: raw
                .display_name_attribute
                .unwrap_or_else(|| "displayName".into()),
            admin_group: raw.admin_group,
            cache_days,
            timeout: Duration::from_secs(timeout),
            refresh_minutes,
        })
    }

    /// How long a cached verifier lasts, in ms.
    pub fn cache_ms(&self) -> i64 {
        i64::from(self.cache_days) * 24 * 3600 * 1000
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const DN: &str = r#"bind_dn = "uid={name},ou=people,dc=example,dc=test""#;

    #[test]
    fn ldaps_and_starttls_are_accepted_and_plain_only_when_allowed() {
        let s = DirectorySettings::parse(&format!("url = \"ldaps://h:636\"\n{DN}")).unwrap();
        assert!(!s.starttls && !s.plain);
        let s = DirectorySettings::parse(&format!("url = \"ldap://h\"\n{DN}")).unwrap();
        assert!(s.starttls && !s.plain);
        let plain = format!("url = \"ldap://h\"\nstarttls = false\n{DN}");
        assert!(DirectorySettings::parse(&plain).is_err());
        let allowed = format!("{plain}\nallow_plain_ldap_for_tests = true");
        assert!(DirectorySettings::parse(&allowed).unwrap().plain);
    }

    #[test]
    fn bad_files_are_refused_with_what_is_wrong() {
        for (text, words) in [
            ("url = \"http://h\"\nbind_dn = \"uid={name}\"", "ldaps://"),
            (
                "url = \"ldaps://\"\nbind_dn = \"uid={name}\"",
                "name a server",
            ),
            ("url = \"ldaps://h\"\nbind_dn = \"uid=x\"", "{name}"),
            ("url = \"ldaps://h\"\nsearch_base = \"dc=x\"", "{name}"),
            (
                &format!("url = \"ldaps://h\"\n{DN}\ncache_days = 31"),
                "1 to 30",
            ),
            (
                &format!("url = \"ldaps://h\"\n{DN}\ncache_days = 0"),
                "1 to 30",
            ),
            (
                &format!("url = \"ldaps://h\"\n{DN}\ntimeout_seconds = 0"),
                "1 to 30",
            ),
            (
                &format!("url = \"ldaps://h\"\n{DN}\nservice_dn = \"cn=s\""),
                "together",
            ),
            (
                &format!("url = \"ldaps://h\"\n{DN}\ncolour = \"red\""),
                "unknown field",
            ),
        ] {
            let e = DirectorySettings::parse(text).unwrap_err();
            assert!(e.0.contains(words), "{text}: {e}");
        }
    }

    #[test]
    fn the_defaults_are_a_week_five_seconds_and_display_name() {
        let s = DirectorySettings::parse(&format!("url = \"ldaps://h\"\n{DN}")).unwrap();
        assert_eq!(s.cache_days, 7);
        assert_eq!(s.cache_ms(), 7 * 86_400_000);
        assert_eq!(s.timeout, Duration::from_secs(5));
        assert_eq!(s.display_name_attribute, "displayName");
        assert_eq!(s.refresh_minutes, 15);
    }

    #[test]
    fn a_missing_file_means_no_directory() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(
            DirectorySettings::from_file(&dir.path().join("none.toml")),
            Ok(None)
        );
    }

    #[test]
    fn the_service_password_is_never_in_debug_output() {
        let dir = tempfile::tempdir().unwrap();
        let secret = dir.path().join("secret");
        std::fs::write(&secret, "service-Secret-1\n").unwrap();
        let text = format!(
            "url = \"ldaps://h\"\nsearch_base = \"dc=x\"\nsearch_filter = \"(uid={{name}})\"\n\
             service_dn = \"cn=s\"\nservice_password_file = {secret:?}"
        );
        let s = DirectorySettings::parse(&text).unwrap();
        assert_eq!(
            s.service.as_ref().map(|(_, p)| p.as_str()),
            Some("service-Secret-1")
        );
        assert!(!format!("{s:?}").contains("service-Secret-1"));
    }
}
