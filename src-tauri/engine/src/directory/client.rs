//! The LDAP client: one short connection per question, TLS always (ldaps:// or StartTLS,
//! verified against the configured CA), each step under the settings' timeout. Only binds
//! and reads: Latchkey never writes to the directory.

use super::settings::{DirectorySettings, FindPerson, NAME_PLACEHOLDER};
use ldap3::{
    dn_escape, ldap_escape, LdapConn, LdapConnSettings, LdapError, Scope, SearchEntry, StdStream,
};
use std::net::{TcpStream, ToSocketAddrs};
use std::sync::Arc;

/// LDAP's result code for a bind with the wrong password, or a DN that does not exist.
const INVALID_CREDENTIALS: u32 = 49;

/// A person as the directory describes them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectoryPerson {
    /// Their entry's DN.
    pub dn: String,
    /// The name to show (the display-name attribute, else the typed name).
    pub display_name: String,
    /// Whether they are in the administrators' group.
    pub admin: bool,
}

/// What the directory said to a name and password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// The password is theirs.
    Person(DirectoryPerson),
    /// No such person (or disabled, as the search filter leaves them out), or the password
    /// is not theirs: the directory does not say which.
    Refused,
}

/// Why the directory could not answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Unanswered {
    /// Not reachable, or no answer within the timeout: the offline path applies.
    #[error("the directory cannot be reached")]
    Unreachable,
    /// The server's certificate was not accepted (no password was sent).
    #[error("the directory's certificate was not accepted")]
    Certificate,
    /// The settings do not work with this server (a bad service account, a bad base).
    #[error("the directory settings do not work with this server")]
    Misconfigured,
}

/// A directory this computer asks, built from its settings.
#[derive(Clone)]
pub struct Directory {
    settings: DirectorySettings,
    tls: Option<Arc<rustls::ClientConfig>>,
}

impl std::fmt::Debug for Directory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Directory")
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

impl Directory {
    /// Prepares the TLS settings (the configured CA, else the system's roots).
    ///
    /// # Errors
    /// The CA file cannot be read or holds no certificate.
    pub fn new(settings: DirectorySettings) -> Result<Self, super::SettingsError> {
        let tls = if settings.plain {
            None
        } else {
            Some(Arc::new(tls_config(settings.ca_file.as_deref())?))
        };
        Ok(Self { settings, tls })
    }

    /// The settings in force.
    pub fn settings(&self) -> &DirectorySettings {
        &self.settings
    }

    /// Checks `password` for the person named `name` (a valid Latchkey username): a bind as
    /// them, then their display name and groups read as them. An unknown name also costs
    /// one bind (to a DN that cannot exist), so that it answers in the same time.
    ///
    /// # Errors
    /// See [`Unanswered`].
    pub fn authenticate(&self, name: &str, password: &str) -> Result<Answer, Unanswered> {
        let mut ldap = self.connect()?;
        if let FindPerson::Search { .. } = self.settings.find {
            self.bind_service(&mut ldap)?;
        }
        let dn = match self.find_dn(&mut ldap, name)? {
            Some(dn) => dn,
            None => {
                let nobody = format!("cn={},cn=latchkey-nobody", dn_escape(name));
                let _ = self.bind(&mut ldap, &nobody, password)?;
                return Ok(Answer::Refused);
            }
        };
        if password.is_empty() || !self.bind(&mut ldap, &dn, password)? {
            return Ok(Answer::Refused);
        }
        let person = self.describe(&mut ldap, dn, name)?;
        let _ = ldap.unbind();
        Ok(Answer::Person(person))
    }

    /// Looks a name up without the person's password, as the service account: for
    /// refreshing cached people and for names asked for locally. `None`: no such person,
    /// or disabled.
    ///
    /// # Errors
    /// See [`Unanswered`]; `Misconfigured` without a service account, or when the
    /// directory refuses the search.
    pub fn lookup(&self, name: &str) -> Result<Option<DirectoryPerson>, Unanswered> {
        if self.settings.service.is_none() {
            return Err(Unanswered::Misconfigured);
        }
        let mut ldap = self.connect()?;
        self.bind_service(&mut ldap)?;
        let Some(dn) = self.find_dn(&mut ldap, name)? else {
            return Ok(None);
        };
        if let FindPerson::BindDn(_) = self.settings.find {
            // The pattern makes a DN for any name: the entry must be there.
            let found = self.search(&mut ldap, &dn, Scope::Base, "(objectClass=*)", &["1.1"])?;
            if found.is_empty() {
                return Ok(None);
            }
        }
        let person = self.describe(&mut ldap, dn, name)?;
        let _ = ldap.unbind();
        Ok(Some(person))
    }

    /// Connects (and, with a service account, binds as it): whether the directory answers.
    ///
    /// # Errors
    /// See [`Unanswered`].
    pub fn probe(&self) -> Result<(), Unanswered> {
        let mut ldap = self.connect()?;
        self.bind_service(&mut ldap)?;
        let _ = ldap.unbind();
        Ok(())
    }

    /// A connection (TLS set up), each step within the timeout. The TCP connection is made
    /// here, with Nagle's algorithm off: with it on, each small LDAP message waited for the
    /// server's delayed acknowledgement, 40 ms per bind on loopback.
    fn connect(&self) -> Result<LdapConn, Unanswered> {
        let stream = self.tcp()?;
        let mut conn = LdapConnSettings::new()
            .set_conn_timeout(self.settings.timeout)
            .set_starttls(self.settings.starttls)
            .set_std_stream(StdStream::Tcp(stream));
        if let Some(tls) = &self.tls {
            conn = conn.set_config(Arc::clone(tls));
        }
        let mut ldap = LdapConn::with_settings(conn, &self.settings.url).map_err(unanswered)?;
        ldap.with_timeout(self.settings.timeout);
        Ok(ldap)
    }

    /// A TCP connection to the server, trying each of its addresses within the timeout.
    fn tcp(&self) -> Result<TcpStream, Unanswered> {
        let (host, port) = host_and_port(&self.settings.url).ok_or(Unanswered::Misconfigured)?;
        let addresses = (host, port).to_socket_addrs().map_err(|e| {
            log::info!("directory address not found: {e}");
            Unanswered::Unreachable
        })?;
        for address in addresses {
            match TcpStream::connect_timeout(&address, self.settings.timeout) {
                Ok(stream) => {
                    let _ = stream.set_nodelay(true);
                    return Ok(stream);
                }
                Err(e) => log::info!("directory unreachable at one address: {e}"),
            }
        }
        Err(Unanswered::Unreachable)
    }

    /// Binds; `false` when the directory says the credentials are wrong.
    fn bind(&self, ldap: &mut LdapConn, dn: &str, password: &str) -> Result<bool, Unanswered> {
        let result = ldap
            .with_timeout(self.settings.timeout)
            .simple_bind(dn, password)
            .map_err(unanswered)?;
        match result.rc {
            0 => Ok(true),
            INVALID_CREDENTIALS => Ok(false),
            rc => {
                log::warn!("directory bind answered result code {rc}");
                Err(Unanswered::Misconfigured)
            }
        }
    }

    fn bind_service(&self, ldap: &mut LdapConn) -> Result<(), Unanswered> {
        if let Some((dn, password)) = &self.settings.service {
            if !self.bind(ldap, dn, password)? {
                log::warn!("the directory refused the service account");
                return Err(Unanswered::Misconfigured);
            }
        }
        Ok(())
    }

    /// The DN for a typed name: the pattern's, or the one entry the search finds (bound
    /// as the service account, or anonymously, by the caller).
    fn find_dn(&self, ldap: &mut LdapConn, name: &str) -> Result<Option<String>, Unanswered> {
        match &self.settings.find {
            FindPerson::BindDn(pattern) => {
                Ok(Some(pattern.replace(NAME_PLACEHOLDER, &dn_escape(name))))
            }
            FindPerson::Search { base, filter } => {
                let filter = filter.replace(NAME_PLACEHOLDER, &ldap_escape(name));
                let found = self.search(ldap, base, Scope::Subtree, &filter, &["1.1"])?;
                match found.as_slice() {
                    [one] => Ok(Some(one.dn.clone())),
                    [] => Ok(None),
                    _ => {
                        log::warn!("the directory search found several people for one name");
                        Ok(None)
                    }
                }
            }
        }
    }

    /// Reads the display name and the administrators' group membership of `dn`.
    fn describe(
        &self,
        ldap: &mut LdapConn,
        dn: String,
        name: &str,
    ) -> Result<DirectoryPerson, Unanswered> {
        let attr = self.settings.display_name_attribute.as_str();
        let entry = self.search(ldap, &dn, Scope::Base, "(objectClass=*)", &[attr])?;
        let display_name = entry
            .first()
            .and_then(|e| e.attrs.get(attr))
            .and_then(|v| v.first())
            .map(|v| v.trim().chars().take(100).collect::<String>())
            .filter(|v| !v.is_empty())
            .unwrap_or_else(|| name.to_owned());
        let admin = match &self.settings.admin_group {
            Some(group) => {
                let filter = format!("(member={})", ldap_escape(&dn));
                !self
                    .search(ldap, group, Scope::Base, &filter, &["1.1"])?
                    .is_empty()
            }
            None => false,
        };
        Ok(DirectoryPerson {
            dn,
            display_name,
            admin,
        })
    }

    fn search(
        &self,
        ldap: &mut LdapConn,
        base: &str,
        scope: Scope,
        filter: &str,
        attrs: &[&str],
    ) -> Result<Vec<SearchEntry>, Unanswered> {
        let result = ldap
            .with_timeout(self.settings.timeout)
            .search(base, scope, filter, attrs.to_vec())
            .map_err(unanswered)?;
        match (result.1.rc, scope) {
            (0, _) => Ok(result.0.into_iter().map(SearchEntry::construct).collect()),
            // No such object: for one person's entry, nobody; for the configured search
            // base, a mistake in the settings (which must never look like "everyone left").
            (32, Scope::Base) => Ok(Vec::new()),
            (rc, _) => {
                log::warn!("directory search answered result code {rc}");
                Err(Unanswered::Misconfigured)
            }
        }
    }
}

/// The host and port of an `ldaps://` or `ldap://` URL (the settings checked its form).
fn host_and_port(url: &str) -> Option<(&str, u16)> {
    let (scheme, rest) = url.split_once("://")?;
    let authority = rest.split('/').next()?;
    let default = if scheme == "ldaps" { 636 } else { 389 };
    let (host, port) = match authority.strip_prefix('[') {
        Some(v6) => {
            let (host, after) = v6.split_once(']')?;
            (host, after.strip_prefix(':'))
        }
        None => match authority.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        },
    };
    let port = match port {
        Some(p) => p.parse().ok()?,
        None => default,
    };
    Some((host, port))
}

/// The TLS client settings: the CA file's certificates, else the system's roots.
fn tls_config(
    ca_file: Option<&std::path::Path>,
) -> Result<rustls::ClientConfig, super::SettingsError> {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::CertificateDer;
    let bad = |what: String| super::SettingsError(what);
    let mut roots = rustls::RootCertStore::empty();
    match ca_file {
        Some(path) => {
            let certs = CertificateDer::pem_file_iter(path)
                .map_err(|_| bad("cannot read ca_file".into()))?;
            for cert in certs {
                let cert = cert.map_err(|_| bad("ca_file is not PEM certificates".into()))?;
                roots
                    .add(cert)
                    .map_err(|_| bad("ca_file holds a certificate that cannot be used".into()))?;
            }
        }
        None => {
            let found = rustls_native_certs_roots();
            roots.add_parsable_certificates(found);
        }
    }
    if roots.is_empty() {
        return Err(bad(
            "no CA certificate to check the directory's certificate with".into(),
        ));
    }
    // ring's provider, named rather than the process default (which panics when the build
    // has two providers). Deprecated in 0.23.48 only for lacking post-quantum key exchange,
    // which LDAP servers do not offer yet.
    #[allow(deprecated)]
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map(|b| b.with_root_certificates(roots).with_no_client_auth())
        .map_err(|_| bad("TLS cannot be set up".into()))
}

/// The system's trusted roots (Debian: /etc/ssl/certs/ca-certificates.crt).
fn rustls_native_certs_roots() -> Vec<rustls::pki_types::CertificateDer<'static>> {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::CertificateDer;
    [
        "/etc/ssl/certs/ca-certificates.crt",
        "/etc/pki/tls/certs/ca-bundle.crt",
    ]
    .iter()
    .find_map(|p| CertificateDer::pem_file_iter(p).ok())
    .map(|certs| certs.filter_map(Result::ok).collect())
    .unwrap_or_default()
}

/// Sorts an LDAP client failure: a certificate problem, or the directory out of reach.
fn unanswered(e: LdapError) -> Unanswered {
    let certificate = match &e {
        LdapError::Io { source } => source
            .get_ref()
            .and_then(|inner| inner.downcast_ref::<rustls::Error>())
            .is_some(),
        LdapError::Rustls { .. } | LdapError::DNSName { .. } => true,
        _ => false,
    };
    if certificate {
        log::warn!("directory TLS refused: {e}");
        Unanswered::Certificate
    } else {
        log::info!("directory unreachable: {e}");
        Unanswered::Unreachable
    }
}

#[cfg(test)]
mod tests {
    use super::host_and_port;

    #[test]
    fn urls_give_their_host_and_port_or_the_scheme_s_default() {
        assert_eq!(
            host_and_port("ldaps://ldap.example.org"),
            Some(("ldap.example.org", 636))
        );
        assert_eq!(
            host_and_port("ldap://ldap.example.org/"),
            Some(("ldap.example.org", 389))
        );
        assert_eq!(
            host_and_port("ldaps://localhost:6360"),
            Some(("localhost", 6360))
        );
        assert_eq!(host_and_port("ldaps://[::1]:6360"), Some(("::1", 6360)));
        assert_eq!(host_and_port("ldaps://[::1]"), Some(("::1", 636)));
        assert_eq!(host_and_port("ldaps://h:port"), None);
    }
}
