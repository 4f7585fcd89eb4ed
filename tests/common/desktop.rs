//! Real desktop services for tests: a private D-Bus session with gnome-keyring's Secret
//! Service, and a private Xvfb display. Each is started on a fresh name and stopped (even
//! when the test fails) when its guard is dropped.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn stop(child: &mut Child) {
    // SIGTERM first so daemons clean up their sockets, then make sure.
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

/// A private D-Bus session bus, optionally with an unlocked gnome-keyring on it.
pub struct PrivateBus {
    pub address: String,
    pub home: tempfile::TempDir,
    dbus: Child,
    keyring: Option<Child>,
}

impl PrivateBus {
    /// A bus with gnome-keyring's Secret Service, its login keyring unlocked.
    pub fn with_secret_service() -> Self {
        let mut bus = Self::bare();
        bus.start_keyring();
        bus
    }

    /// A bus with gnome-keyring's Secret Service whose login keyring stays locked.
    pub fn with_locked_secret_service() -> Self {
        let mut bus = Self::bare();
        let keyring = Command::new("gnome-keyring-daemon")
            .args(["--foreground", "--components=secrets"])
            .envs(bus.env())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("gnome-keyring-daemon (Debian package gnome-keyring) must be installed");
        bus.keyring = Some(keyring);
        bus.wait_for_secrets();
        bus
    }

    fn wait_for_secrets(&self) {
        let deadline = Instant::now() + Duration::from_secs(15);
        while !self.has_name("org.freedesktop.secrets") {
            assert!(
                Instant::now() < deadline,
                "gnome-keyring did not appear on the bus"
            );
            std::thread::sleep(Duration::from_millis(25));
        }
    }

    /// Deletes an item behind the app's back.
    pub fn clear(&self, service: &str, account: &str) {
        let status = Command::new("secret-tool")
            .args(["clear", "service", service, "username", account])
            .envs(self.env())
            .status()
            .expect("secret-tool");
        assert!(status.success());
    }

    /// A bus with no Secret Service on it, and none to activate: its configuration has
    /// no service directories (the stock session bus would start gnome-keyring on demand).
    pub fn bare() -> Self {
        let home = tempfile::Builder::new()
            .prefix("latchkey-bus-")
            .tempdir()
            .expect("temp home");
        std::fs::create_dir_all(home.path().join("run")).expect("runtime dir");
        let config = home.path().join("bus.conf");
        std::fs::write(
            &config,
            r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:tmpdir=/tmp</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"#,
        )
        .expect("bus config");
        let mut dbus = Command::new("dbus-daemon")
            .arg(format!("--config-file={}", config.display()))
            .args(["--nofork", "--nopidfile", "--print-address=1"])
            .env("HOME", home.path())
            .env("XDG_RUNTIME_DIR", home.path().join("run"))
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("dbus-daemon (Debian package dbus) must be installed");
        let mut line = String::new();
        BufReader::new(dbus.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("bus address");
        let address = line.trim().to_owned();
        assert!(
            address.starts_with("unix:"),
            "unexpected bus address {address:?}"
        );
        Self {
            address,
            home,
            dbus,
            keyring: None,
        }
    }

    fn start_keyring(&mut self) {
        let mut keyring = Command::new("gnome-keyring-daemon")
            .args(["--foreground", "--unlock", "--components=secrets"])
            .envs(self.env())
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("gnome-keyring-daemon (Debian package gnome-keyring) must be installed");
        if let Some(mut stdin) = keyring.stdin.take() {
            stdin
                .write_all(b"test-keyring-password")
                .expect("unlock password");
        }
        self.keyring = Some(keyring);
        self.wait_for_secrets();
    }

    /// Whether a well-known name is owned on this bus.
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
            .envs(self.env())
            .output()
            .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("boolean true"))
    }

    /// The environment a child needs to use this bus.
    pub fn env(&self) -> Vec<(String, String)> {
        vec![
            ("DBUS_SESSION_BUS_ADDRESS".into(), self.address.clone()),
            (
                "HOME".into(),
                self.home.path().to_string_lossy().into_owned(),
            ),
            (
                "XDG_RUNTIME_DIR".into(),
                self.home.path().join("run").to_string_lossy().into_owned(),
            ),
        ]
    }

    /// `secret-tool lookup service <service> username <account>` on this bus.
    pub fn lookup(&self, service: &str, account: &str) -> Option<String> {
        let out = Command::new("secret-tool")
            .args(["lookup", "service", service, "username", account])
            .envs(self.env())
            .output()
            .expect("secret-tool (Debian package libsecret-tools) must be installed");
        let text = String::from_utf8_lossy(&out.stdout)
            .trim_end_matches('\n')
            .to_owned();
        (out.status.success() && !text.is_empty()).then_some(text)
    }

    /// Every secret stored for `service` (whatever the account), via `secret-tool search`.
    pub fn lookup_all(&self, service: &str) -> Vec<String> {
        let out = Command::new("secret-tool")
            .args(["search", "--all", "service", service])
            .envs(self.env())
            .output()
            .expect("secret-tool (Debian package libsecret-tools) must be installed");
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
            .envs(self.env())
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
}

impl Drop for PrivateBus {
    fn drop(&mut self) {
        if let Some(k) = self.keyring.as_mut() {
            stop(k);
        }
        stop(&mut self.dbus);
    }
}

/// A private X server on a free display number.
pub struct PrivateDisplay {
    pub display: String,
    xvfb: Child,
}

impl PrivateDisplay {
    pub fn start() -> Self {
        for n in 120..400 {
            if PathBuf::from(format!("/tmp/.X11-unix/X{n}")).exists()
                || PathBuf::from(format!("/tmp/.X{n}-lock")).exists()
            {
                continue;
            }
            let display = format!(":{n}");
            let mut xvfb = Command::new("Xvfb")
                .args([
                    display.as_str(),
                    "-screen",
                    "0",
                    "1280x800x24",
                    "-nolisten",
                    "tcp",
                ])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("Xvfb (Debian package xvfb) must be installed");
            let deadline = Instant::now() + Duration::from_secs(10);
            while Instant::now() < deadline {
                if let Ok(Some(_)) = xvfb.try_wait() {
                    break; // lost a race for this display; try the next
                }
                if PathBuf::from(format!("/tmp/.X11-unix/X{n}")).exists() {
                    return Self { display, xvfb };
                }
                std::thread::sleep(Duration::from_millis(25));
            }
            stop(&mut xvfb);
        }
        panic!("no free X display");
    }

    /// Titles of the top-level windows on this display.
    pub fn window_names(&self) -> String {
        Command::new("xwininfo")
            .args(["-root", "-tree"])
            .env("DISPLAY", &self.display)
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
            .unwrap_or_default()
    }
}

impl Drop for PrivateDisplay {
    fn drop(&mut self) {
        stop(&mut self.xvfb);
    }
}

/// Tests that point the process's `DBUS_SESSION_BUS_ADDRESS` at their own bus take turns:
/// the variable is process-wide, and these tests share one test binary.
pub fn exclusive_session_bus() -> std::sync::MutexGuard<'static, ()> {
    static TURN: std::sync::Mutex<()> = std::sync::Mutex::new(());
    TURN.lock().unwrap_or_else(|e| e.into_inner())
}
