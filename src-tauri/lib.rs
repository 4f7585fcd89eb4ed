//! Latchkey: private local accounts on a shared computer, fully offline.
//!
//! `engine` is the account logic over SQLite and knows nothing of Tauri; `app` is the
//! desktop shell (commands, keyring, window, life cycle).

pub mod app;
pub mod engine;

pub use app::register;
use app::service::AuthService;
use tauri::{Listener, Manager, RunEvent, Runtime};

/// The app's compiled configuration, assets and capabilities, for any runtime.
pub fn context<R: Runtime>() -> tauri::Context<R> {
    tauri::generate_context!()
}

/// Starts the desktop app and blocks until it exits.
pub fn run() {
    app::logging::init();
    let builder = tauri::Builder::default()
        .plugin(tauri_plugin_single_instance::init(|app, _argv, _cwd| {
            if let Some(window) = app.get_webview_window("main") {
                let _ = window.unminimize();
                let _ = window.show();
                let _ = window.set_focus();
            }
        }))
        .setup(|app| {
            app.manage(app::production_service(app)?);
            let handle = app.handle().clone();
            tauri::async_runtime::spawn(
                async move { handle.state::<AuthService>().warm_up().await },
            );
            if std::env::var_os("LATCHKEY_STARTUP_PROBE").is_some() {
                println!("latchkey-setup {}", engine::now_ms());
                // For the start-up benchmark: say when a screen became ready for input.
                app.listen_any("latchkey://ready", |event| {
                    println!("latchkey-ready {} {}", engine::now_ms(), event.payload());
                });
            }
            Ok(())
        });
    let app = match register(builder).build(context()) {
        Ok(app) => app,
        Err(e) => {
            log::error!("Latchkey could not start: {e}");
            std::process::exit(1);
        }
    };
    app.run(|handle, event| {
        if let RunEvent::Exit = event {
            if let Some(service) = handle.try_state::<AuthService>() {
                service.end_unkept_session();
            }
        }
    });
}
