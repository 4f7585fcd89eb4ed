//! Latchkey: private local accounts on a shared computer, fully offline.
//!
//! The app is a thin shell over [`tauri_plugin_latchkey`] (which holds the commands, the
//! keyring and the service) and its engine. This file builds the window, reads the app's
//! settings from the environment and runs the app.

pub mod command_line;
pub mod logging;
#[cfg(target_os = "linux")]
pub mod single_instance;

use std::borrow::Cow;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use tauri::{
    App, AppHandle, Builder, Listener, Manager, Runtime, WebviewUrl, WebviewWindowBuilder,
};
use tauri_plugin_latchkey::engine::{now_ms, Config};
use tauri_plugin_latchkey::vault::TokenVault;
use tauri_plugin_latchkey::AuthService;

/// The app identifier: also the keyring service name.
pub const APP_IDENTIFIER: &str = "org.latchkey.Latchkey";

/// What the app is told by its environment.
#[derive(Default)]
pub struct Settings {
    /// `LATCHKEY_DATA_DIR`: keep the database here instead of the OS app-data folder.
    pub data_dir: Option<PathBuf>,
    /// The engine's settings (`LATCHKEY_SESSION_*`, `LATCHKEY_ARGON2_*`).
    pub config: Config,
    /// Where tokens are kept; `None` is the OS keyring. Tests pass an in-memory vault.
    pub vault: Option<std::sync::Arc<dyn TokenVault>>,
    /// The time source; `None` is the system clock. Tests pass one they move by hand.
    pub clock: Option<tauri_plugin_latchkey::Clock>,
    /// `LATCHKEY_STARTUP_PROBE`: print when setup ran and when a screen became ready (the
    /// start-up benchmark and the package check read this).
    pub startup_probe: bool,
}

impl Settings {
    /// The settings from the `LATCHKEY_*` environment variables.
    pub fn from_env() -> Self {
        Self {
            data_dir: std::env::var_os("LATCHKEY_DATA_DIR")
                .filter(|d| !d.is_empty())
                .map(PathBuf::from),
            config: Config::from_env(),
            vault: None,
            clock: None,
            startup_probe: std::env::var_os("LATCHKEY_STARTUP_PROBE").is_some(),
        }
    }
}

/// The app's compiled configuration, assets and capabilities, for any runtime.
pub fn context<R: Runtime>() -> tauri::Context<R> {
    tauri::generate_context!()
}

/// Builds the app on `builder` (the real one, or `tauri::test::mock_builder()` in tests):
/// the account plugin with `settings`, and the start-up probe.
///
/// # Errors
/// When Tauri cannot build the app (no display, a broken configuration).
pub fn run_app<R: Runtime>(builder: Builder<R>, settings: Settings) -> tauri::Result<App<R>> {
    let mut accounts = tauri_plugin_latchkey::Builder::new()
        .config(settings.config)
        .keyring_service(APP_IDENTIFIER);
    if let Some(dir) = settings.data_dir {
        accounts = accounts.data_dir(dir);
    }
    if let Some(vault) = settings.vault {
        accounts = accounts.vault(vault);
    }
    if let Some(clock) = settings.clock {
        accounts = accounts.clock(clock);
    }
    let probe = settings.startup_probe;
    builder
        .plugin(accounts.build())
        .setup(move |app| {
            open_main_window(app)?;
            if probe {
                println!("latchkey-setup {}", now_ms());
                app.listen_any("latchkey://ready", |event| {
                    println!("latchkey-ready {} {}", now_ms(), event.payload());
                });
            }
            Ok(())
        })
        .build(context())
}

/// Opens the main window as `tauri.conf.json` describes it (where it is not created by
/// Tauri), on the page the account plugin picks: the person's home (their notes) when
/// someone was kept signed in, else the sign-in screen. That first page is served with the
/// answers it would ask for when they are ready and still true
/// (`tauri_plugin_latchkey::first_answers`). Built before the setup hook's probe
/// line, as Tauri builds the windows it creates itself.
///
/// # Errors
/// When the window cannot be created.
fn open_main_window<R: Runtime>(app: &App<R>) -> tauri::Result<()> {
    let Some(mut config) = app
        .config()
        .app
        .windows
        .iter()
        .find(|w| w.label == "main" && !w.create)
        .cloned()
    else {
        return Ok(());
    };
    let service = app.state::<AuthService>();
    let page = service.first_page();
    config.url = WebviewUrl::App(page.into());
    // The answers the first page would ask for, prepared once the start-up work is done.
    let preparing = app.handle().clone();
    tauri::async_runtime::spawn(async move {
        preparing
            .state::<AuthService>()
            .prepare_first_answers()
            .await;
    });
    let handle = app.handle().clone();
    let first_served = AtomicBool::new(false);
    WebviewWindowBuilder::from_config(app.handle(), &config)?
        .on_web_resource_request(move |_request, response| {
            let html = response
                .headers()
                .get(tauri::http::header::CONTENT_TYPE)
                .and_then(|t| t.to_str().ok())
                .is_some_and(|t| t.starts_with("text/html"));
            if html && !first_served.swap(true, Ordering::SeqCst) {
                with_first_answers(&handle, response.body_mut());
            }
        })
        .build()?;
    Ok(())
}

/// Writes the prepared answers (if still true) into the window's first page, `body`, with
/// the catalogs of their language and of English (the screens' fallback) from the app's own
/// files, so that the page needs neither a question nor a fetch before it draws.
fn with_first_answers<R: Runtime>(app: &AppHandle<R>, body: &mut Cow<'static, [u8]>) {
    let Some(answers) = app.state::<AuthService>().take_first_answers() else {
        return;
    };
    let Ok(page) = std::str::from_utf8(body) else {
        return;
    };
    let assets = app.asset_resolver();
    let mut tags = vec!["en"];
    if answers.language != "en" {
        tags.push(answers.language.as_str());
    }
    let catalogs: Vec<(&str, Vec<u8>)> = tags
        .into_iter()
        .filter_map(|tag| Some((tag, assets.get(format!("i18n/{tag}.json"))?.bytes)))
        .collect();
    let catalogs: Vec<(&str, &[u8])> = catalogs.iter().map(|(t, b)| (*t, b.as_slice())).collect();
    let page = tauri_plugin_latchkey::first_answers::with_answers(page, &answers, &catalogs);
    *body = Cow::Owned(page.into_bytes());
}

/// Starts the desktop app and blocks until it exits. A second instance shows the first
/// one's window and exits.
pub fn run() {
    logging::init();
    #[cfg(target_os = "linux")]
    let (builder, claim) = match single_instance::claim(APP_IDENTIFIER) {
        single_instance::Claim::Second => return,
        claim => (tauri::Builder::default(), claim),
    };
    #[cfg(not(target_os = "linux"))]
    let builder =
        tauri::Builder::default().plugin(tauri_plugin_single_instance::init(|app, _argv, _cwd| {
            if let Some(window) = app.get_webview_window("main") {
                let _ = window.unminimize();
                let _ = window.show();
                let _ = window.set_focus();
            }
        }));
    match run_app(builder, Settings::from_env()) {
        Ok(app) => {
            #[cfg(target_os = "linux")]
            claim.serve(app.handle());
            app.run(|_, _| {});
        }
        Err(e) => {
            log::error!("Latchkey could not start: {e}");
            std::process::exit(1);
        }
    }
}
