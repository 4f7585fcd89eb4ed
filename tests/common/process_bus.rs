//! The one D-Bus session bus of an in-process test binary. libdbus, which the app's keyring
//! and lock watcher use, reads the session bus address once per process, as a desktop app
//! sees one session bus for its whole life. So tests never move the process to another bus:
//! they change what runs on this one — gnome-keyring unlocked, gnome-keyring with its login
//! keyring locked, no Secret Service, or no bus at all (the daemon stopped) — the way a real
//! session's keyring can be locked, crash or come back while the app runs.
#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

/// What runs on the bus.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Scene {
    /// gnome-keyring with its login keyring unlocked.
    SecretService,
    /// gnome-keyring whose login keyring stays locked.
    LockedSecretService,
    /// The bus, and no Secret Service on it (none to activate either).
    NoSecretService,
    /// No bus: its daemon is stopped.
    NoBus,
}

struct Running {
    dbus: Option<Child>,
    keyring: Option<Child>,
    /// gnome-keyring's home: a fresh one each time it starts, so each start is a new keyring.
    keyring_home: Option<tempfile::TempDir>,
}

/// The process's bus: its folder, its fixed address, and what runs on it.
pub struct ProcessBus {
    dir: tempfile::TempDir,
    pub address: String,
    running: Mutex<Running>,
}

/// The bus, started the first time it is asked for; `DBUS_SESSION_BUS_ADDRESS` points at it
/// from then on. Every test that starts the app asks for it first.
pub fn process_bus() -> &'static ProcessBus {
    static BUS: OnceLock<ProcessBus> = OnceLock::new();
    BUS.get_or_init(|| {
        let dir = tempfile::Builder::new()
            .prefix("latchkey-process-bus-")
            .tempdir()
            .expect("bus folder");
        std::fs::create_dir_all(dir.path().join("run")).expect("runtime dir");
        let address = format!("unix:path={}", dir.path().join("bus").display());
        std::env::set_var("DBUS_SESSION_BUS_ADDRESS", &address);
        let bus = ProcessBus {
            dir,
            address,
            running: Mutex::new(Running {
                dbus: None,
                keyring: None,
                keyring_home: None,
            }),
        };
        bus.set(Scene::NoSecretService);
        bus
    })
}

fn stop(child: &mut Child) {
    let _ = Command::new("kill")
        .arg("-TERM")
        .arg(child.id().to_string())
        .status();
    let deadline = Instant::now() + Duration::from_secs(3);
    while Instant::now() < deadline {
        if let Ok(Some(_)) = child.try_wait() {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
}

impl ProcessBus {
    fn socket(&self) -> PathBuf {
        self.dir.path().join("bus")
    }

    /// Puts `scene` on the bus, stopping what ran before.
    pub fn set(&self, scene: Scene) {
        let mut running = self.running.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(mut keyring) = running.keyring.take() {
            stop(&mut keyring);
        }
        running.keyring_home = None;
        if scene == Scene::NoBus {
            if let Some(mut shell) = running.dbus.take() {
                // The daemon, not the shell watching it (whose command line holds the same
                // words after `bash -c`).
                let daemon = format!(
                    "^dbus-daemon --config-file={}",
                    self.dir.path().join("bus.conf").display()
                );
                let _ = Command::new("pkill")
                    .args(["-TERM", "-f", &daemon])
                    .status();
                stop(&mut shell);
            }
            let _ = std::fs::remove_file(self.socket());
            return;
        }
        if running.dbus.is_none() {
            running.dbus = Some(self.start_daemon());
        }
        if scene == Scene::NoSecretService {
            return;
        }
        let home = tempfile::Builder::new()
            .prefix("latchkey-keyring-home-")
            .tempdir()
            .expect("keyring home");
        let mut args = vec!["--foreground", "--components=secrets"];
        if scene == Scene::SecretService {
            args.push("--unlock");
        }
        let mut keyring = Command::new("gnome-keyring-daemon")
            .args(&args)
            .env("DBUS_SESSION_BUS_ADDRESS", &self.address)
            .env("HOME", home.path())
            .env("XDG_RUNTIME_DIR", self.dir.path().join("run"))
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("gnome-keyring-daemon (Debian package gnome-keyring) must be installed");
        if let Some(mut stdin) = keyring.stdin.take() {
            if scene == Scene::SecretService {
                stdin
                    .write_all(b"test-keyring-password")
                    .expect("unlock password");
            }
        }
        running.keyring = Some(keyring);
        running.keyring_home = Some(home);
        drop(running);
        let deadline = Instant::now() + Duration::from_secs(15);
        while !self.has_name("org.freedesktop.secrets") {
            assert!(
                Instant::now() < deadline,
                "gnome-keyring did not appear on the bus"
            );
            std::thread::sleep(Duration::from_millis(25));
        }
    }

    /// A session bus daemon at the fixed address, with no service to activate (the stock
    /// session bus would start gnome-keyring on demand).
    fn start_daemon(&self) -> Child {
        let _ = std::fs::remove_file(self.socket());
        let config = self.dir.path().join("bus.conf");
        std::fs::write(
            &config,
            format!(
                r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>{}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"#,
                self.address
            ),
        )
        .expect("bus config");
        // Through a shell that stops the daemon when this test process is gone (a static is
        // never dropped), or ends when the daemon is stopped.
        let dbus = Command::new("bash")
            .arg("-c")
            .arg(format!(
                "dbus-daemon --config-file={} --nofork --nopidfile & d=$!; \
                 while kill -0 {} 2>/dev/null && kill -0 $d 2>/dev/null; do sleep 0.5; done; \
                 kill $d 2>/dev/null; wait $d",
                config.display(),
                std::process::id()
            ))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("bash and dbus-daemon (Debian package dbus) must be installed");
        let deadline = Instant::now() + Duration::from_secs(10);
        while !(self.socket().exists() && self.has_name("org.freedesktop.DBus")) {
            assert!(Instant::now() < deadline, "the session bus did not start");
            std::thread::sleep(Duration::from_millis(20));
        }
        dbus
    }

    /// Whether a well-known name is owned on the bus.
    pub fn has_name(&self, name: &str) -> bool {
        Command::new("dbus-send")
            .args([
                "--session",
                "--print-reply",
                "--dest=org.freedesktop.DBus",
                "/org/freedesktop/DBus",
                "org.freedesktop.DBus.NameHasOwner",
                &format!("string:{name}"),
            ])
            .env("DBUS_SESSION_BUS_ADDRESS", &self.address)
            .output()
            .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("boolean true"))
    }

    fn secret_tool(&self, args: &[&str]) -> std::process::Output {
        Command::new("secret-tool")
            .args(args)
            .env("DBUS_SESSION_BUS_ADDRESS", &self.address)
            .output()
            .expect("secret-tool (Debian package libsecret-tools) must be installed")
    }

    /// `secret-tool lookup service <service> username <account>`.
    pub fn lookup(&self, service: &str, account: &str) -> Option<String> {
        let out = self.secret_tool(&["lookup", "service", service, "username", account]);
        let text = String::from_utf8_lossy(&out.stdout)
            .trim_end_matches('\n')
            .to_owned();
        (out.status.success() && !text.is_empty()).then_some(text)
    }

    /// Every secret stored for `service`, whatever the account.
    pub fn lookup_all(&self, service: &str) -> Vec<String> {
        let out = self.secret_tool(&["search", "--all", "service", service]);
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter_map(|l| l.strip_prefix("secret = "))
            .map(str::to_owned)
            .collect()
    }

    /// Stores a value behind the app's back.
    pub fn store(&self, service: &str, account: &str, value: &str) {
        let mut child = Command::new("secret-tool")
            .args([
                "store",
                "--label=test",
                "service",
                service,
                "username",
                account,
            ])
            .env("DBUS_SESSION_BUS_ADDRESS", &self.address)
            .stdin(Stdio::piped())
            .spawn()
            .expect("secret-tool");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(value.as_bytes())
            .expect("write");
        assert!(child.wait().expect("secret-tool").success());
    }

    /// Deletes an item behind the app's back.
    pub fn clear(&self, service: &str, account: &str) {
        let out = self.secret_tool(&["clear", "service", service, "username", account]);
        assert!(out.status.success());
    }

    /// The bus's folder.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }
}
