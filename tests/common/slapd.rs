//! A real OpenLDAP server for directory tests: Debian's `slapd` as a foreground child
//! process on loopback, from a temporary folder holding everything (a throwaway CA and
//! server certificate made with `openssl`, `slapd.conf`, the database, the ldapi socket,
//! the log); nothing from /etc/ldap, no system service, root or not. The directory
//! (`slapd/seed.ldif`): `uid=adah`, `uid=grace`, `uid=linus` (passwords
//! `ada-Directory-1`, `grace-…`, `linus-…`); groups `cn=latchkey-admins` (grace),
//! `cn=staff` (all three); a read-only service account. Changes are made as the rootdn
//! with `ldapmodify` over ldapi. Also here: [`HangingServer`] (never answers) and
//! [`OtherCa`] (a CA that did not sign the server's certificate).
#![allow(dead_code)]

use std::fs::{self, File};
use std::io::{self, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// The directory's base DN.
pub const BASE: &str = "dc=example,dc=test";
/// Where the people are.
pub const PEOPLE: &str = "ou=people,dc=example,dc=test";
/// Where the groups are.
pub const GROUPS: &str = "ou=groups,dc=example,dc=test";
/// The rootdn, allowed everything.
pub const ROOT_DN: &str = "cn=admin,dc=example,dc=test";
/// The rootdn's password.
pub const ROOT_PASSWORD: &str = "admin-Secret-1";
/// The read-only service account: reads people and groups.
pub const SERVICE_DN: &str = "cn=latchkey,ou=services,dc=example,dc=test";
/// The service account's password.
pub const SERVICE_PASSWORD: &str = "service-Secret-1";

const SLAPD: &str = "/usr/sbin/slapd";
const SLAPADD: &str = "/usr/sbin/slapadd";
const SLAPD_CONF: &str = include_str!("slapd/slapd.conf");
const SCHEMA: &str = include_str!("slapd/test.schema");
const SEED: &str = include_str!("slapd/seed.ldif");
const OPENSSL_CNF: &str = include_str!("slapd/openssl.cnf");

/// A person's DN: `uid=<uid>,ou=people,dc=example,dc=test`.
pub fn person_dn(uid: &str) -> String {
    format!("uid={uid},{PEOPLE}")
}

/// A group's DN: `cn=<cn>,ou=groups,dc=example,dc=test`.
pub fn group_dn(cn: &str) -> String {
    format!("cn={cn},{GROUPS}")
}

/// A running OpenLDAP server (killed when dropped) and its temporary folder.
pub struct Slapd {
    child: Option<Child>,
    ldap_port: u16,
    ldaps_port: u16,
    ldapi: String,
    conf: PathBuf,
    log: PathBuf,
    ca: PathBuf,
    // Last: the folder is removed after `drop` has killed slapd.
    dir: tempfile::TempDir,
}

impl Slapd {
    /// Makes a test CA and a server certificate (localhost, 127.0.0.1), writes
    /// `slapd.conf`, loads the seed directory with `slapadd` and starts slapd on
    /// `ldap://127.0.0.1:<p1>/`, `ldaps://127.0.0.1:<p2>/` and an ldapi socket in the
    /// temporary folder; returns once it answers (at most 10 s). Takes about 0.2 s.
    pub fn start() -> io::Result<Self> {
        let dir = tempfile::Builder::new().prefix("slapd-").tempdir()?;
        let d = dir.path();
        make_ca(d, "Latchkey test CA")?;
        run(
            openssl_req(d).args(
                "-subj /CN=localhost -extensions server_ext -CA ca.pem -CAkey ca.key \
                 -keyout server.key -out server.pem"
                    .split_whitespace(),
            ),
            "",
        )?;
        fs::write(d.join("test.schema"), SCHEMA)?;
        let conf = d.join("slapd.conf");
        fs::write(&conf, SLAPD_CONF.replace("@DIR@", &d.to_string_lossy()))?;
        fs::create_dir(d.join("db"))?;
        run(Command::new(SLAPADD).arg("-f").arg(&conf), SEED)?;
        let mut slapd = Self {
            child: None,
            ldap_port: 0,
            ldaps_port: 0,
            ldapi: ldapi_url(&d.join("ldapi"))?,
            conf,
            log: d.join("slapd.log"),
            ca: d.join("ca.pem"),
            dir,
        };
        // Another test may take a port between our probe and slapd's bind: try again.
        let mut attempts = 0;
        loop {
            attempts += 1;
            let ldap = TcpListener::bind("127.0.0.1:0")?;
            let ldaps = TcpListener::bind("127.0.0.1:0")?;
            slapd.ldap_port = ldap.local_addr()?.port();
            slapd.ldaps_port = ldaps.local_addr()?.port();
            drop((ldap, ldaps));
            File::create(&slapd.log)?;
            match slapd.spawn() {
                Err(e) if attempts < 3 && e.to_string().contains("Address already in use") => {}
                result => return result.map(|()| slapd),
            }
        }
    }

    /// `ldaps://localhost:<port>`.
    pub fn ldaps_url(&self) -> String {
        format!("ldaps://localhost:{}", self.ldaps_port)
    }

    /// `ldap://localhost:<port>`: plain LDAP, for StartTLS.
    pub fn ldap_url(&self) -> String {
        format!("ldap://localhost:{}", self.ldap_port)
    }

    /// The LDAPS port (slapd listens on 127.0.0.1 only).
    pub fn ldaps_port(&self) -> u16 {
        self.ldaps_port
    }

    /// The test CA's certificate (PEM), which signed the server's certificate.
    pub fn ca_file(&self) -> &Path {
        &self.ca
    }

    /// What slapd has logged (its stderr at debug level `stats`: connections and
    /// operations, binds included).
    pub fn log(&self) -> String {
        fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Kills slapd and waits for it: its ports are then closed (the server is gone).
    pub fn stop(&mut self) -> io::Result<()> {
        if let Some(mut child) = self.child.take() {
            child.kill()?;
            child.wait()?;
        }
        Ok(())
    }

    /// Starts slapd again (stopping it first if need be) on the same ports, with the
    /// same data; returns once it answers.
    pub fn restart(&mut self) -> io::Result<()> {
        self.stop()?;
        self.spawn()
    }

    /// Applies LDIF (with `changetype:` lines) as the rootdn with `ldapmodify` over
    /// ldapi; the error includes the tool's stderr.
    pub fn modify(&self, ldif: &str) -> io::Result<()> {
        let mut cmd = self.tool("ldapmodify", &self.ldapi);
        run(cmd.args(["-D", ROOT_DN, "-w", ROOT_PASSWORD]), ldif)?;
        Ok(())
    }

    /// Binds as `dn` with `password` over LDAPS (checking the server's certificate
    /// against the test CA) and returns the `ldapwhoami` answer (`dn:<dn>`); a refused
    /// bind's error contains `Invalid credentials (49)`.
    pub fn whoami(&self, dn: &str, password: &str) -> io::Result<String> {
        let mut cmd = self.tool("ldapwhoami", &self.ldaps_url_ip());
        Ok(run(cmd.args(["-D", dn, "-w", password]), "")?
            .trim()
            .to_owned())
    }

    /// Applies one change (`changetype: <change>` and what follows) to `dn`.
    pub fn change(&self, dn: &str, change: &str) -> io::Result<()> {
        self.modify(&format!("dn: {dn}\nchangetype: {change}\n"))
    }

    /// Sets a person's password (slapd stores it hashed, `{SSHA}`).
    pub fn set_password(&self, uid: &str, password: &str) -> io::Result<()> {
        let value = ldif_line("userPassword", password);
        self.change(
            &person_dn(uid),
            &format!("modify\nreplace: userPassword\n{value}"),
        )
    }

    /// Locks a person's account the OpenLDAP way (ppolicy's `pwdAccountLockedTime:
    /// 000001010000Z`): every bind as them then fails with invalid credentials (49),
    /// whatever the password; their entry stays searchable.
    pub fn disable(&self, uid: &str) -> io::Result<()> {
        let lock = "modify\nreplace: pwdAccountLockedTime\npwdAccountLockedTime: 000001010000Z";
        self.change(&person_dn(uid), lock)
    }

    /// Unlocks an account [`Slapd::disable`] locked.
    pub fn enable(&self, uid: &str) -> io::Result<()> {
        self.change(&person_dn(uid), "modify\ndelete: pwdAccountLockedTime")
    }

    /// Deletes a person's entry. Groups keep naming them (no referential integrity
    /// overlay), as in many real directories.
    pub fn remove(&self, uid: &str) -> io::Result<()> {
        self.change(&person_dn(uid), "delete")
    }

    /// Adds a person to a group (`member`).
    pub fn add_to_group(&self, uid: &str, group_cn: &str) -> io::Result<()> {
        let member = format!("modify\nadd: member\nmember: {}", person_dn(uid));
        self.change(&group_dn(group_cn), &member)
    }

    /// Takes a person out of a group; fails (object class violation) if they are its
    /// last member, as a `groupOfNames` must have one.
    pub fn remove_from_group(&self, uid: &str, group_cn: &str) -> io::Result<()> {
        let member = format!("modify\ndelete: member\nmember: {}", person_dn(uid));
        self.change(&group_dn(group_cn), &member)
    }

    /// Adds an `inetOrgPerson` under `ou=people` (cn and displayName `display_name`, sn
    /// its last word, mail `<uid>@example.test`) in no group, with a password.
    pub fn add_person(&self, uid: &str, display_name: &str, password: &str) -> io::Result<()> {
        let sn = display_name.split_whitespace().next_back().unwrap_or(uid);
        let add = format!(
            "add\nobjectClass: inetOrgPerson\n{}\n{}\n{}\n{}\n{}\nmail: {uid}@example.test",
            ldif_line("uid", uid),
            ldif_line("cn", display_name),
            ldif_line("sn", sn),
            ldif_line("displayName", display_name),
            ldif_line("userPassword", password)
        );
        self.change(&person_dn(uid), &add)
    }

    /// `ldaps://127.0.0.1:<port>`, for OpenLDAP's own client tools: they check the
    /// certificate against this machine's host name when given `localhost`.
    fn ldaps_url_ip(&self) -> String {
        format!("ldaps://127.0.0.1:{}", self.ldaps_port)
    }

    /// An OpenLDAP client tool for `url` with a simple bind, trusting only the test CA.
    fn tool(&self, name: &str, url: &str) -> Command {
        let mut cmd = Command::new(name);
        cmd.args(["-x", "-H", url])
            .env("LDAPTLS_CACERT", &self.ca)
            .env("LDAPTLS_REQCERT", "demand");
        cmd
    }

    /// Starts slapd (foreground: `-d`; log to the folder) and waits until it answers an
    /// anonymous `ldapwhoami` over ldapi, then over LDAPS.
    fn spawn(&mut self) -> io::Result<()> {
        let log = File::options().create(true).append(true).open(&self.log)?;
        let urls = format!(
            "ldap://127.0.0.1:{}/ ldaps://127.0.0.1:{}/ {}",
            self.ldap_port, self.ldaps_port, self.ldapi
        );
        self.child = Some(
            Command::new(SLAPD)
                .args(["-d", "stats", "-f"])
                .arg(&self.conf)
                .args(["-h", &urls])
                .stdin(Stdio::null())
                .stdout(log.try_clone()?)
                .stderr(log)
                .spawn()
                .map_err(|e| io::Error::other(format!("{SLAPD}: {e}")))?,
        );
        let deadline = Instant::now() + Duration::from_secs(10);
        while run(&mut self.tool("ldapwhoami", &self.ldapi), "").is_err() {
            let exited = self.child.as_mut().map(Child::try_wait).transpose()?;
            if let Some(status) = exited.flatten() {
                self.child = None;
                return Err(self.failure(&format!("slapd exited ({status})")));
            }
            if Instant::now() > deadline {
                self.stop()?;
                return Err(self.failure("slapd did not answer in 10 s"));
            }
            thread::sleep(Duration::from_millis(20));
        }
        run(&mut self.tool("ldapwhoami", &self.ldaps_url_ip()), "")?;
        Ok(())
    }

    /// An error saying `what`, with slapd's log.
    fn failure(&self, what: &str) -> io::Error {
        io::Error::other(format!("{what}; slapd's log:\n{}", self.log()))
    }
}

impl Drop for Slapd {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            // Best effort: nothing to do about a failure while dropping.
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// A TCP server on 127.0.0.1 that accepts connections and never answers, keeping them
/// open (a server that hangs, for timeouts); stops and closes them when dropped.
pub struct HangingServer {
    /// Its port on 127.0.0.1.
    pub port: u16,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl HangingServer {
    /// Listens on a free port, accepting in a background thread.
    pub fn start() -> io::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let port = listener.local_addr()?.port();
        let stop = Arc::new(AtomicBool::new(false));
        let stopping = Arc::clone(&stop);
        let thread = thread::Builder::new()
            .name("hanging-server".to_owned())
            .spawn(move || {
                let mut held = Vec::new();
                for stream in listener.incoming() {
                    if stopping.load(Ordering::SeqCst) {
                        break;
                    }
                    held.extend(stream.ok());
                }
            })?;
        Ok(Self {
            port,
            stop,
            thread: Some(thread),
        })
    }

    /// `ldaps://localhost:<port>`.
    pub fn ldaps_url(&self) -> String {
        format!("ldaps://localhost:{}", self.port)
    }

    /// `ldap://localhost:<port>`.
    pub fn ldap_url(&self) -> String {
        format!("ldap://localhost:{}", self.port)
    }
}

impl Drop for HangingServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wakes the accepting thread so that it sees `stop`.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// A second CA, unrelated to the server's: trusting only it, a client must refuse the
/// server's certificate (the "bad certificate" case). Removed when dropped.
pub struct OtherCa {
    dir: tempfile::TempDir,
    /// The CA's certificate (PEM).
    pub path: PathBuf,
}

impl OtherCa {
    /// Makes the CA with `openssl` in its own temporary folder.
    pub fn new() -> io::Result<Self> {
        let dir = tempfile::Builder::new().prefix("other-ca-").tempdir()?;
        let path = make_ca(dir.path(), "Latchkey other test CA")?;
        Ok(Self { dir, path })
    }
}

/// `openssl req -x509` with the fixture configuration (written into `dir`) and a new
/// EC P-256 key, valid 7 days, working in `dir`.
fn openssl_req(dir: &Path) -> Command {
    let mut cmd = Command::new("openssl");
    cmd.current_dir(dir).args(
        "req -config openssl.cnf -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -noenc \
         -days 7"
            .split_whitespace(),
    );
    cmd
}

/// Makes a self-signed CA (`ca.key`, `ca.pem`) in `dir`; returns the certificate's path.
fn make_ca(dir: &Path, name: &str) -> io::Result<PathBuf> {
    fs::write(dir.join("openssl.cnf"), OPENSSL_CNF)?;
    let subject = format!("/CN={name}");
    run(
        openssl_req(dir)
            .args(["-subj", &subject])
            .args("-extensions ca_ext -keyout ca.key -out ca.pem".split_whitespace()),
        "",
    )?;
    Ok(dir.join("ca.pem"))
}

/// Runs a command with `input` on its stdin; returns its stdout, or an error with its
/// stderr and stdout when it fails.
fn run(cmd: &mut Command, input: &str) -> io::Result<String> {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| io::Error::other(format!("{cmd:?}: {e}")))?;
    // A tool that fails early may not read its input: its status and stderr say more.
    let written = match child.stdin.take() {
        Some(mut stdin) => stdin.write_all(input.as_bytes()),
        None => Ok(()),
    };
    let out = child.wait_with_output()?;
    if !out.status.success() {
        return Err(io::Error::other(format!(
            "{cmd:?} failed ({}): {}{}",
            out.status,
            String::from_utf8_lossy(&out.stderr),
            String::from_utf8_lossy(&out.stdout)
        )));
    }
    written?;
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// An ldapi URL for a socket path (percent-encoded). Fails for a path too long for a
/// Unix socket (a long `TMPDIR`).
fn ldapi_url(path: &Path) -> io::Result<String> {
    let path = path.to_string_lossy();
    if path.len() > 100 {
        return Err(io::Error::other(format!(
            "socket path too long (TMPDIR?): {path}"
        )));
    }
    let mut url = String::from("ldapi://");
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            url.push(char::from(b));
        } else {
            url.push_str(&format!("%{b:02X}"));
        }
    }
    Ok(url)
}

/// One LDIF attribute line: `attr: value`, or `attr:: <base64>` when the value is not a
/// plain LDIF string (non-ASCII, control characters, a leading space, colon or `<`, a
/// trailing space).
fn ldif_line(attr: &str, value: &str) -> String {
    let plain = value.bytes().all(|b| (0x20..0x7f).contains(&b))
        && !value.starts_with([' ', ':', '<'])
        && !value.ends_with(' ');
    if plain {
        format!("{attr}: {value}")
    } else {
        format!("{attr}:: {}", base64(value.as_bytes()))
    }
}

/// Standard base64 with padding.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | (u32::from(b) << (16 - 8 * i)));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}
