//! An empty Tauri 2 app: one window, one page with a form, nothing else. The start-up
//! benchmark launches it in turn with Latchkey; like Latchkey under
//! `LATCHKEY_STARTUP_PROBE`, it prints when its setup ran and when its page said it was
//! ready (the page focuses its field, then emits `latchkey://ready`).
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::time::{SystemTime, UNIX_EPOCH};
use tauri::Listener;

fn now_ms() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis())
}

fn main() {
    let app = tauri::Builder::default()
        .setup(|app| {
            println!("latchkey-setup {}", now_ms());
            app.listen_any("latchkey://ready", |event| {
                println!("latchkey-ready {} {}", now_ms(), event.payload());
            });
            Ok(())
        })
        .build(tauri::generate_context!());
    match app {
        Ok(app) => app.run(|_, _| {}),
        Err(e) => {
            eprintln!("the empty app could not start: {e}");
            std::process::exit(1);
        }
    }
}
