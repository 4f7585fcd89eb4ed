//! Driving the real app over WebDriver: a private Xvfb and gnome-keyring per scenario
//! (`World`), one tauri-driver per app launch on free ports (`Launch`), and the helpers the
//! scenarios share. Screenshots go to `target/e2e-screenshots/`.

use crate::common::desktop::{PrivateBus, PrivateDisplay};
use fantoccini::{Client, ClientBuilder, Locator};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn tauri_driver_path() -> PathBuf {
    let cargo_home = std::env::var_os("CARGO_HOME").map_or_else(
        || PathBuf::from(std::env::var_os("HOME").unwrap_or_default()).join(".cargo"),
        PathBuf::from,
    );
    let candidate = cargo_home.join("bin").join("tauri-driver");
    if candidate.exists() {
        return candidate;
    }
    PathBuf::from("tauri-driver")
}

pub(crate) fn screenshot_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .unwrap()
        .join("e2e-screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Everything one scenario shares: the display, the keyring and a data folder.
pub(crate) struct World {
    pub(crate) display: PrivateDisplay,
    pub(crate) bus: PrivateBus,
}

/// One running app under one tauri-driver.
pub(crate) struct Launch {
    pub(crate) client: Client,
    driver: Child,
    bus_address: String,
    binary: PathBuf,
}

/// Stops every process of `binary` on the given D-Bus session (there is one bus per test),
/// so that no app outlives its test and a relaunch never meets the previous instance (the
/// single-instance plugin would hand over to it and exit).
fn stop_apps_on_bus(bus_address: &str, binary: &Path) {
    let marker = format!("DBUS_SESSION_BUS_ADDRESS={bus_address}");
    let binary = binary.canonicalize().unwrap_or_default();
    let ours = || -> Vec<String> {
        std::fs::read_dir("/proc")
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|e| {
                let pid = e.file_name().to_string_lossy().into_owned();
                pid.parse::<u32>().ok()?;
                let exe = std::fs::read_link(format!("/proc/{pid}/exe")).ok()?;
                let environ = std::fs::read(format!("/proc/{pid}/environ")).ok()?;
                let on_bus = environ.split(|b| *b == 0).any(|v| v == marker.as_bytes());
                (exe == binary && on_bus).then_some(pid)
            })
            .collect()
    };
    for signal in ["-TERM", "-KILL"] {
        let pids = ours();
        if pids.is_empty() {
            return;
        }
        let _ = Command::new("kill").arg(signal).args(&pids).status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while !ours().is_empty() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Launch {
    /// Cleans up even when the test failed: the driver (SIGTERM, so that it stops its
    /// WebKitWebDriver too) and any app left on this test's bus.
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(self.driver.id().to_string())
            .status();
        let _ = self.driver.wait();
        stop_apps_on_bus(&self.bus_address, &self.binary);
    }
}

/// The real-window tests (these and the launch test) run one at a time: several real
/// windows at once on two cores make WebKit slow enough for WebDriver calls to fail
/// spuriously.
pub(crate) static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

impl World {
    pub(crate) fn new() -> Self {
        Self {
            display: PrivateDisplay::start(),
            bus: PrivateBus::with_secret_service(),
        }
    }

    pub(crate) async fn launch(&self, data: &Path, extra_env: &[(&str, &str)]) -> Launch {
        let latchkey = Path::new(env!("CARGO_BIN_EXE_latchkey"));
        self.launch_binary(latchkey, data, extra_env).await
    }

    /// Launches another Tauri app (the plugin's example) the same way.
    pub(crate) async fn launch_binary(
        &self,
        binary: &Path,
        data: &Path,
        extra_env: &[(&str, &str)],
    ) -> Launch {
        let (port, native_port) = (free_port(), free_port());
        let driver = Command::new(tauri_driver_path())
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native_port.to_string(),
            ])
            .env("DISPLAY", &self.display.display)
            .envs(self.bus.env())
            .env("LATCHKEY_DATA_DIR", data)
            .envs(extra_env.iter().copied())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("tauri-driver (make deps installs it with cargo install tauri-driver)");
        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), "wry".into());
        caps.insert(
            "tauri:options".into(),
            serde_json::json!({ "application": binary }),
        );
        let url = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(30);
        let client = loop {
            let mut builder = ClientBuilder::native();
            builder.capabilities(caps.clone());
            let attempt = builder.connect(&url);
            match tokio::time::timeout(Duration::from_secs(30), attempt).await {
                Ok(Ok(c)) => break c,
                _ if Instant::now() < deadline => {
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
                Ok(Err(e)) => panic!("cannot start a WebDriver session: {e}"),
                Err(_) => panic!("the WebDriver session did not start within 30 s"),
            }
        };
        Launch {
            client,
            driver,
            bus_address: self.bus.address.clone(),
            binary: binary.to_path_buf(),
        }
    }
}

impl World {
    /// The screensaver of this test's desktop session turns on (as when the OS locks): a
    /// connection that owns `org.freedesktop.ScreenSaver` on the session bus sends
    /// `ActiveChanged(true)`, and keeps the name a few seconds (the app asks who owns it).
    pub(crate) fn screensaver_turns_on(&self) {
        use dbus::blocking::Connection;
        use dbus::channel::{Channel, Sender};
        const NAME: &str = "org.freedesktop.ScreenSaver";
        let mut channel = Channel::open_private(&self.bus.address).expect("the test's bus");
        channel.register().expect("hello");
        let conn = Connection::from(channel);
        conn.request_name(NAME, false, true, true)
            .expect("the screensaver's name");
        let signal =
            dbus::Message::new_signal("/org/freedesktop/ScreenSaver", NAME, "ActiveChanged")
                .expect("signal")
                .append1(true);
        conn.send(signal).expect("send");
        conn.channel().flush();
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_secs(5));
            drop(conn);
        });
    }

    /// Everything this test's keyring gives anyone on the session for `service`: the whole
    /// output (stdout, then stderr) of `secret-tool search --all service <service>`, with
    /// each item's path, label, attributes and secret.
    pub(crate) fn keyring_items(&self, service: &str) -> Vec<u8> {
        let out = Command::new("secret-tool")
            .args(["search", "--all", "service", service])
            .envs(self.bus.env())
            .output()
            .expect("secret-tool (Debian package libsecret-tools) must be installed");
        let mut all = out.stdout;
        all.extend_from_slice(&out.stderr);
        all
    }

    /// Where this test's gnome-keyring keeps its keyrings on disk (`$HOME/.local/share/
    /// keyrings`, `HOME` being the private bus's folder).
    pub(crate) fn keyring_dir(&self) -> PathBuf {
        self.bus.home.path().join(".local/share/keyrings")
    }

    /// Any other program on the session bus sends the same signal, without owning the
    /// screensaver's name (any local account could): it must be ignored.
    pub(crate) fn forged_screensaver_signal(&self) {
        let status = Command::new("dbus-send")
            .args([
                "--session",
                "--type=signal",
                "/org/freedesktop/ScreenSaver",
                "org.freedesktop.ScreenSaver.ActiveChanged",
                "boolean:true",
            ])
            .envs(self.bus.env())
            .status()
            .expect("dbus-send");
        assert!(status.success());
    }
}

impl Launch {
    /// Types `keys` (WebDriver key codes allowed) into whatever has focus.
    pub(crate) async fn keys(&self, keys: &str) {
        self.client
            .active_element()
            .await
            .unwrap()
            .send_keys(keys)
            .await
            .unwrap();
    }

    /// Runs a script in the page and returns its value.
    pub(crate) async fn run(&self, script: &str) -> serde_json::Value {
        self.client.execute(script, vec![]).await.unwrap()
    }

    /// Waits until the named page is shown and routed (its body no longer hidden) and its
    /// modules have run (`data-screen`: start.js may show a signed-out screen before them).
    pub(crate) async fn on_page(&self, page: &str) {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let url = self
                .client
                .current_url()
                .await
                .map(|u| u.to_string())
                .unwrap_or_default();
            let ready = self
                .client
                .find(Locator::Css("body[data-screen]:not(.routing)"))
                .await
                .is_ok();
            if (url.ends_with(page) || url.contains(&format!("{page}?"))) && ready {
                return;
            }
            assert!(Instant::now() < deadline, "expected {page}, still on {url}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub(crate) async fn fill(&self, css: &str, text: &str) {
        let field = self.find(css).await;
        field.clear().await.unwrap();
        field.send_keys(text).await.unwrap();
    }

    pub(crate) async fn click(&self, css: &str) {
        self.find(css).await.click().await.unwrap();
    }

    /// Finds an element, retrying while the page is between two documents (WebKitWebDriver
    /// then answers with a transient error). Actions are not retried: a repeated click
    /// could land on the next page.
    pub(crate) async fn find(&self, css: &str) -> fantoccini::elements::Element {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            match self.client.find(Locator::Css(css)).await {
                Ok(el) => return el,
                Err(e) if Instant::now() >= deadline => panic!("cannot find {css}: {e}"),
                Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        }
    }

    /// The text of an element, retried briefly: under load the page may replace the element
    /// between finding and reading it.
    pub(crate) async fn text(&self, css: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Ok(el) = self.client.find(Locator::Css(css)).await {
                if let Ok(text) = el.text().await {
                    return text;
                }
            }
            assert!(Instant::now() < deadline, "{css} could not be read");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits until an element shows non-empty text, and returns it.
    pub(crate) async fn text_appears(&self, css: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Ok(el) = self.client.find(Locator::Css(css)).await {
                if el.is_displayed().await.unwrap_or(false) {
                    let t = el.text().await.unwrap_or_default();
                    if !t.is_empty() {
                        return t;
                    }
                }
            }
            if Instant::now() >= deadline {
                // Keep what the window showed, to see why.
                if let Ok(png) = self.client.screenshot().await {
                    let _ = std::fs::write(screenshot_dir().join("failure.png"), png);
                }
                panic!("{css} never showed text (see target/e2e-screenshots/failure.png)");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Submits a credentials form on the current page.
    pub(crate) async fn submit(&self, username: &str, password: &str, remember: bool) {
        self.fill("#username", username).await;
        self.fill("#password", password).await;
        let checked = self.find("#remember").await.prop("checked").await.unwrap();
        if (checked.as_deref() == Some("true")) != remember {
            self.click("#remember").await;
        }
        self.click("button[type=submit]").await;
    }

    pub(crate) async fn screenshot(&self, name: &str) {
        // Let the last DOM change be painted before capturing it.
        tokio::time::sleep(Duration::from_millis(400)).await;
        let png = self.client.screenshot().await.unwrap();
        std::fs::write(screenshot_dir().join(format!("{name}.png")), png).unwrap();
    }

    pub(crate) async fn quit(self) {
        let _ = tokio::time::timeout(Duration::from_secs(10), self.client.clone().close()).await;
        // Dropping stops the driver and waits until no app is left on the bus.
        drop(self);
    }

    /// The value of a field.
    pub(crate) async fn value(&self, css: &str) -> String {
        self.find(css)
            .await
            .prop("value")
            .await
            .unwrap()
            .unwrap_or_default()
    }

    /// From a signed-in screen with a Lock button: Lock, then Switch user (the person stays
    /// signed in, locked).
    pub(crate) async fn switch_user(&self) {
        self.click("#lock").await;
        self.on_page("lock.html").await;
        self.click("#switch-user").await;
        self.on_page("login.html").await;
    }

    /// Waits (at most 10 s) until `script` returns true in the page.
    pub(crate) async fn until(&self, script: &str) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while self.run(script).await != true {
            assert!(Instant::now() < deadline, "never true: {script}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// From the home: a new note, saved; back on the home, which says so. (WebDriver types
    /// no empty text: an empty title is left as the form has it.)
    pub(crate) async fn write_note(&self, title: &str, body: &str) {
        self.on_page("home.html").await;
        self.click("#new-note").await;
        self.on_page("note.html").await;
        if !title.is_empty() {
            self.fill("#note-title", title).await;
        }
        self.fill("#note-body", body).await;
        self.click("#note-form button[type=submit]").await;
        self.on_page("home.html").await;
        self.text_appears("#done").await;
    }

    /// From the home (the person's notes): the account settings, by their link.
    pub(crate) async fn open_settings(&self) {
        self.on_page("home.html").await;
        self.click("#settings-link").await;
        self.on_page("profile.html").await;
    }

    pub(crate) async fn sign_up(&self, username: &str, password: &str, remember: bool) {
        self.on_page("login.html").await;
        self.click("a[href='signup.html']").await;
        self.on_page("signup.html").await;
        self.submit(username, password, remember).await;
    }

    /// After a sign-up (or another step that makes recovery codes): the codes are shown
    /// once; returns them, ticks "I have saved these codes" and continues.
    pub(crate) async fn save_codes(&self) -> Vec<String> {
        self.text_appears("#codes-list").await;
        let mut codes = Vec::new();
        for item in self
            .client
            .find_all(Locator::Css("#codes-list li"))
            .await
            .unwrap()
        {
            codes.push(item.text().await.unwrap());
        }
        self.click("#codes-saved").await;
        self.click("#codes-form button[type=submit]").await;
        codes
    }
}
