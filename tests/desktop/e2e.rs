//! End-to-end: the real binary in its real webview, driven over WebDriver (tauri-driver in
//! front of WebKitWebDriver) under a private Xvfb, with a private gnome-keyring. Each app
//! launch gets its own tauri-driver on free ports, so it can have its own environment.
//! Screenshots of each screen go to `target/e2e-screenshots/`.
use crate::common::desktop::{PrivateBus, PrivateDisplay};
use crate::common::*;
use fantoccini::{Client, ClientBuilder, Locator};
use latchkey::APP_IDENTIFIER;
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

fn screenshot_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .unwrap()
        .join("e2e-screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Everything one scenario shares: the display, the keyring and a data folder.
struct World {
    display: PrivateDisplay,
    bus: PrivateBus,
}

/// One running app under one tauri-driver.
struct Launch {
    client: Client,
    driver: Child,
    bus_address: String,
}

/// Stops every Latchkey process on the given D-Bus session (there is one bus per test), so
/// that no app outlives its test and a relaunch never meets the previous instance (the
/// single-instance plugin would hand over to it and exit).
fn stop_apps_on_bus(bus_address: &str) {
    let marker = format!("DBUS_SESSION_BUS_ADDRESS={bus_address}");
    let binary = Path::new(env!("CARGO_BIN_EXE_latchkey"))
        .canonicalize()
        .unwrap_or_default();
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
        stop_apps_on_bus(&self.bus_address);
    }
}

/// The real-window tests (these and the launch test) run one at a time: several real
/// windows at once on two cores make WebKit slow enough for WebDriver calls to fail
/// spuriously.
pub(crate) static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

impl World {
    fn new() -> Self {
        Self {
            display: PrivateDisplay::start(),
            bus: PrivateBus::with_secret_service(),
        }
    }

    async fn launch(&self, data: &Path, extra_env: &[(&str, &str)]) -> Launch {
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
            serde_json::json!({ "application": env!("CARGO_BIN_EXE_latchkey") }),
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
        }
    }
}

impl Launch {
    /// Waits until the named page is shown and routed (its body no longer hidden).
    async fn on_page(&self, page: &str) {
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
                .find(Locator::Css("body:not(.routing)"))
                .await
                .is_ok();
            if (url.ends_with(page) || url.contains(&format!("{page}?"))) && ready {
                return;
            }
            assert!(Instant::now() < deadline, "expected {page}, still on {url}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    async fn fill(&self, css: &str, text: &str) {
        let field = self.find(css).await;
        field.clear().await.unwrap();
        field.send_keys(text).await.unwrap();
    }

    async fn click(&self, css: &str) {
        self.find(css).await.click().await.unwrap();
    }

    /// Finds an element, retrying while the page is between two documents (WebKitWebDriver
    /// then answers with a transient error). Actions are not retried: a repeated click
    /// could land on the next page.
    async fn find(&self, css: &str) -> fantoccini::elements::Element {
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
    async fn text(&self, css: &str) -> String {
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
    async fn text_appears(&self, css: &str) -> String {
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
    async fn submit(&self, username: &str, password: &str, remember: bool) {
        self.fill("#username", username).await;
        self.fill("#password", password).await;
        let checked = self.find("#remember").await.prop("checked").await.unwrap();
        if (checked.as_deref() == Some("true")) != remember {
            self.click("#remember").await;
        }
        self.click("button[type=submit]").await;
    }

    async fn screenshot(&self, name: &str) {
        // Let the last DOM change be painted before capturing it.
        tokio::time::sleep(Duration::from_millis(400)).await;
        let png = self.client.screenshot().await.unwrap();
        std::fs::write(screenshot_dir().join(format!("{name}.png")), png).unwrap();
    }

    async fn quit(self) {
        let _ = tokio::time::timeout(Duration::from_secs(10), self.client.clone().close()).await;
        // Dropping stops the driver and waits until no app is left on the bus.
        drop(self);
    }

    async fn sign_up(&self, username: &str, password: &str, remember: bool) {
        self.on_page("login.html").await;
        self.click("a[href='signup.html']").await;
        self.on_page("signup.html").await;
        self.submit(username, password, remember).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_signs_up_signs_in_and_out_in_the_real_window() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let world = World::new();
    let data = temp_dir();

    // Sign up "Alice", kept signed in: the profile shows her name and id.
    let app = world.launch(data.path(), &[]).await;
    app.on_page("login.html").await;
    app.click("a[href='signup.html']").await;
    app.on_page("signup.html").await;
    app.fill("#username", "Alice").await;
    app.fill("#password", GOOD_PW).await;
    app.screenshot("signup").await;
    app.click("#remember").await;
    app.click("button[type=submit]").await;
    app.on_page("profile.html").await;
    assert_eq!(app.text_appears("#profile-username").await, "Alice");
    let alice_id = app.text("#profile-user-id").await;
    assert!(alice_id.len() >= 15, "{alice_id}");
    assert!(!app.text("#profile-created").await.is_empty());
    app.screenshot("profile").await;
    assert!(
        world.bus.lookup(APP_IDENTIFIER, "session").is_some(),
        "token in the keyring"
    );
    app.quit().await;

    // Relaunch: still signed in, from the keyring.
    let app = world.launch(data.path(), &[]).await;
    app.on_page("profile.html").await;
    assert_eq!(app.text_appears("#profile-username").await, "Alice");

    // Sign out: sign-in screen; the keyring item is gone; a relaunch stays signed out.
    app.click("#logout").await;
    app.on_page("login.html").await;
    assert_eq!(world.bus.lookup(APP_IDENTIFIER, "session"), None);
    app.quit().await;
    let app = world.launch(data.path(), &[]).await;
    app.on_page("login.html").await;

    // Wrong password: the generic message; the username is kept, the password cleared.
    app.submit("alice", "not-her-password", false).await;
    assert_eq!(
        app.text_appears("#error").await,
        "Incorrect username or password."
    );
    let kept = app.find("#username").await.prop("value").await.unwrap();
    assert_eq!(kept.as_deref(), Some("alice"));
    let cleared = app.find("#password").await.prop("value").await.unwrap();
    assert_eq!(cleared.as_deref(), Some(""));
    app.screenshot("signin-error").await;

    // Sign in as "ALICE": her profile.
    app.submit("ALICE", GOOD_PW, false).await;
    app.on_page("profile.html").await;
    assert_eq!(app.text_appears("#profile-username").await, "Alice");
    assert_eq!(app.text("#profile-user-id").await, alice_id);
    app.click("#logout").await;
    app.on_page("login.html").await;

    // A duplicate sign-up is refused in plain words.
    app.sign_up("alice", GOOD_PW, false).await;
    assert!(app.text_appears("#error").await.contains("already taken"));

    // Markup as a username is refused and never becomes markup.
    app.fill("#username", "<img src=x onerror=alert(1)>").await;
    app.fill("#password", GOOD_PW).await;
    app.click("button[type=submit]").await;
    assert!(app.text_appears("#error").await.contains("4 to 31"));
    assert!(app.client.find(Locator::Css("img[src='x']")).await.is_err());

    // A second person signs up; each sees only their own profile. ("bob" itself is one
    // character short of the 4-character minimum, and is told so.)
    app.fill("#username", "bob").await;
    app.fill("#password", "another-Good-pw-7").await;
    app.click("button[type=submit]").await;
    assert!(app.text_appears("#error").await.contains("4 to 31"));
    app.fill("#username", "bobby").await;
    app.fill("#password", "another-Good-pw-7").await;
    app.click("button[type=submit]").await;
    app.on_page("profile.html").await;
    assert_eq!(app.text_appears("#profile-username").await, "bobby");
    assert_ne!(app.text("#profile-user-id").await, alice_id);
    app.click("#logout").await;
    app.on_page("login.html").await;
    app.submit("alice", GOOD_PW, false).await;
    app.on_page("profile.html").await;
    assert_eq!(app.text_appears("#profile-username").await, "Alice");
    assert_eq!(app.text("#profile-user-id").await, alice_id);

    // "Keep me signed in" unchecked: the relaunch asks to sign in.
    app.quit().await;
    let app = world.launch(data.path(), &[]).await;
    app.on_page("login.html").await;
    assert_eq!(world.bus.lookup(APP_IDENTIFIER, "session"), None);
    app.quit().await;

    // Sessions made to expire: the relaunch lands on sign-in and the keyring item is gone.
    let short = [
        ("LATCHKEY_SESSION_ACTIVE_SECS", "1"),
        ("LATCHKEY_SESSION_IDLE_SECS", "1"),
    ];
    let fresh = temp_dir();
    let app = world.launch(fresh.path(), &short).await;
    app.sign_up("Brief", GOOD_PW, true).await;
    app.on_page("profile.html").await;
    assert!(world.bus.lookup(APP_IDENTIFIER, "session").is_some());
    app.quit().await;
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let app = world.launch(fresh.path(), &short).await;
    app.on_page("login.html").await;
    assert_eq!(world.bus.lookup(APP_IDENTIFIER, "session"), None);
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_administrator_resets_a_password_and_the_member_chooses_a_new_one() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let world = World::new();
    let data = temp_dir();
    let app = world.launch(data.path(), &[]).await;

    // The first account is the administrator.
    app.sign_up("Admin", GOOD_PW, false).await;
    app.on_page("profile.html").await;
    assert_eq!(app.text_appears("#profile-role").await, "Administrator");
    assert!(app.find("#admin-link").await.is_displayed().await.unwrap());
    app.click("#logout").await;

    // A member: no way into the admin screen, not even by its address.
    app.sign_up("member1", GOOD_PW, false).await;
    app.on_page("profile.html").await;
    assert_eq!(app.text_appears("#profile-role").await, "Member");
    assert!(!app.find("#admin-link").await.is_displayed().await.unwrap());
    let url = app.client.current_url().await.unwrap().to_string();
    app.client
        .goto(&url.replace("profile.html", "admin.html"))
        .await
        .unwrap();
    app.on_page("profile.html").await;
    app.click("#logout").await;

    // Recent accounts on the sign-in screen fill the username.
    app.on_page("login.html").await;
    let recent = app.text_appears("#recent-list").await;
    assert!(
        recent.contains("member1") && recent.contains("Admin"),
        "{recent}"
    );
    app.screenshot("signin-recent").await;
    app.click("#recent-list li:nth-child(2) .recent-name").await;
    let filled = app.find("#username").await.prop("value").await.unwrap();
    assert_eq!(filled.as_deref(), Some("Admin"));

    // The administrator resets member1's password.
    app.fill("#password", GOOD_PW).await;
    app.click("button[type=submit]").await;
    app.on_page("profile.html").await;
    app.click("#admin-link").await;
    app.on_page("admin.html").await;
    // Signing in opened no administrator window: the password is asked for first.
    app.fill("#reauth-password", GOOD_PW).await;
    app.click("#reauth-form button[type=submit]").await;
    app.text_appears("#accounts-body").await;
    // A reset always asks for the administrator's password.
    app.click("tr[data-username='member1'] button.reset").await;
    app.fill("#admin-password", GOOD_PW).await;
    app.click("#confirm-submit").await;
    let temporary = app.text_appears("#temp-password").await;
    assert_eq!(temporary.len(), 19, "{temporary}");
    app.screenshot("admin").await;
    app.click("a[href='profile.html']").await;
    app.on_page("profile.html").await;
    app.click("#logout").await;

    // member1 signs in with it and must choose a new password first.
    app.on_page("login.html").await;
    app.submit("member1", &temporary, false).await;
    app.on_page("change-password.html").await;
    app.fill("#current-password", &temporary).await;
    app.fill("#new-password", "Fresh-Start-2026").await;
    app.fill("#confirm-password", "Fresh-Start-2026").await;
    app.screenshot("forced-change").await;
    app.click("button[type=submit]").await;
    app.on_page("profile.html").await;
    assert_eq!(app.text_appears("#profile-username").await, "member1");

    // Changing the password ends member1's other session (made here, as a second launch
    // sharing the data folder would).
    let other = latchkey_engine::Accounts::open(data.path(), Default::default()).unwrap();
    let elsewhere = other
        .sign_in(
            "member1",
            &pw("Fresh-Start-2026"),
            true,
            latchkey_engine::now_ms(),
        )
        .unwrap();
    app.client.refresh().await.unwrap();
    app.on_page("profile.html").await;
    let deadline = Instant::now() + Duration::from_secs(10);
    while app
        .client
        .find_all(Locator::Css("#sessions-list li"))
        .await
        .unwrap()
        .len()
        < 2
    {
        assert!(
            Instant::now() < deadline,
            "the second session never appeared"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    app.fill("#current-password", "Fresh-Start-2026").await;
    app.fill("#new-password", "Second-Choice-77").await;
    app.fill("#confirm-password", "Second-Choice-77").await;
    app.click("#change-password-form button[type=submit]").await;
    assert!(app
        .text_appears("#change-password-done")
        .await
        .contains("signed out everywhere else"));
    assert!(other
        .validate_session(&elsewhere.token, latchkey_engine::now_ms())
        .unwrap()
        .is_none());
    app.screenshot("profile-management").await;
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_damaged_database_is_reported_in_plain_words_and_left_alone() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let world = World::new();
    let data = temp_dir();
    let garbage = vec![0x5au8; 8192];
    std::fs::write(data.path().join("latchkey.db"), &garbage).unwrap();
    let app = world.launch(data.path(), &[]).await;
    app.on_page("login.html").await;
    let message = app.text_appears("#error").await;
    assert!(message.contains("damaged"), "{message}");
    assert!(!message.contains("latchkey.db") && !message.contains(&*data.path().to_string_lossy()));
    app.screenshot("damaged-database").await;
    // The app keeps answering: a sign-in attempt gets the same plain answer.
    app.submit("alice", GOOD_PW, false).await;
    assert!(app.text_appears("#error").await.contains("damaged"));
    app.quit().await;
    assert_eq!(
        std::fs::read(data.path().join("latchkey.db")).unwrap(),
        garbage
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_only_data_folder_is_reported_in_plain_words() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let world = World::new();
    let data = temp_dir();
    let _read_only = crate::common::mounts::Mounted::read_only_bind(data.path());
    let app = world.launch(data.path(), &[]).await;
    app.on_page("login.html").await;
    let message = app.text_appears("#error").await;
    assert!(message.contains("read-only"), "{message}");
    app.screenshot("read-only-folder").await;
    app.quit().await;
}
