//! Driving the app's commands through Tauri's IPC with the mock runtime.
#![allow(dead_code)]

use latchkey::Settings;
use latchkey_engine::Config;
use serde_json::{json, Value};
use std::path::Path;
use std::sync::Arc;
use tauri::test::{mock_builder, MockRuntime, INVOKE_KEY};
use tauri::{App, Manager, WebviewWindow};
use tauri_plugin_latchkey::vault::TokenVault;
use tauri_plugin_latchkey::AuthService;

/// One running app instance (mock runtime) over `dir`, keeping tokens in `vault`.
pub struct TestApp {
    pub app: App<MockRuntime>,
    pub window: WebviewWindow<MockRuntime>,
}

/// A clock the test moves by hand.
#[derive(Clone)]
pub struct ManualClock(Arc<std::sync::atomic::AtomicI64>);

impl ManualClock {
    pub fn at(ms: i64) -> Self {
        Self(Arc::new(std::sync::atomic::AtomicI64::new(ms)))
    }
    pub fn now(&self) -> i64 {
        self.0.load(std::sync::atomic::Ordering::SeqCst)
    }
    pub fn advance(&self, ms: i64) {
        self.0.fetch_add(ms, std::sync::atomic::Ordering::SeqCst);
    }
    pub fn as_clock(&self) -> tauri_plugin_latchkey::Clock {
        let me = self.clone();
        Arc::new(move || me.now())
    }
}

impl TestApp {
    pub fn start(dir: &Path, vault: Arc<dyn TokenVault>) -> Self {
        Self::start_with(dir, vault, Config::default())
    }

    pub fn start_with(dir: &Path, vault: Arc<dyn TokenVault>, config: Config) -> Self {
        Self::start_full(dir, vault, config, None)
    }

    pub fn start_full(
        dir: &Path,
        vault: Arc<dyn TokenVault>,
        config: Config,
        clock: Option<&ManualClock>,
    ) -> Self {
        // The process's one session bus exists before the app first touches D-Bus.
        super::process_bus::process_bus();
        let settings = Settings {
            data_dir: Some(dir.to_path_buf()),
            config,
            vault: Some(vault),
            clock: clock.map(ManualClock::as_clock),
            startup_probe: false,
        };
        let mut app = latchkey::run_app(mock_builder(), settings).expect("build app");
        // The app's own setup hook (it opens the main window), which the event loop runs
        // first; the mock runtime's iteration does nothing else.
        #[allow(deprecated)]
        app.run_iteration(|_, _| {});
        let window = app
            .get_webview_window("main")
            .expect("the setup hook opens the main window");
        Self { app, window }
    }

    /// An app over `dir` with cheap argon2id, an in-memory vault, the time from `clock` and
    /// the idle lock after `lock_after_secs` (`0`: never).
    pub fn start_clocked(dir: &Path, clock: &ManualClock, lock_after_secs: u64) -> Self {
        let config = Config {
            lock_after_override_secs: Some(lock_after_secs),
            ..super::cheap_config(64)
        };
        let vault = Arc::new(tauri_plugin_latchkey::vault::MemoryVault::new());
        Self::start_full(dir, vault, config, Some(clock))
    }

    /// Calls one of the account plugin's commands (`signup` is `plugin:latchkey|signup`) as the
    /// `main` window would; `Ok(payload)` or `Err(error payload)`.
    pub fn call(&self, cmd: &str, args: Value) -> Result<Value, Value> {
        call_from(&self.window, cmd, args)
    }

    /// Whether the plugin holds a data key in memory now.
    pub fn holds_key(&self) -> bool {
        self.app.state::<AuthService>().holds_data_key()
    }

    /// Simulates a normal quit (the exit handler's work).
    pub fn quit(self) {
        self.app.state::<AuthService>().end_unkept_sessions();
    }
}

pub fn call_from(
    window: &WebviewWindow<MockRuntime>,
    cmd: &str,
    args: Value,
) -> Result<Value, Value> {
    tauri::test::get_ipc_response(
        window,
        tauri::webview::InvokeRequest {
            cmd: if cmd.starts_with("plugin:") {
                cmd.into()
            } else {
                format!("plugin:latchkey|{cmd}")
            },
            callback: tauri::ipc::CallbackFn(0),
            error: tauri::ipc::CallbackFn(1),
            url: "tauri://localhost".parse().expect("url"),
            body: tauri::ipc::InvokeBody::Json(args),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        },
    )
    .map(|body| body.deserialize::<Value>().expect("json payload"))
}

pub fn creds(username: &str, password: &str, remember: bool) -> Value {
    json!({ "username": username, "password": password, "remember": remember })
}

/// The code of an error payload.
pub fn err_code(result: Result<Value, Value>) -> String {
    match result {
        Ok(v) => panic!("expected an error, got {v}"),
        Err(e) => e["code"]
            .as_str()
            .unwrap_or_else(|| panic!("error without a code: {e}"))
            .to_owned(),
    }
}
