//! Tally: each person who shares the computer keeps their own count, which nobody else sees.
//! Everything about people (sign-up, sign-in, the lock, switching, settings, the private
//! space the count is sealed in) comes from `tauri-plugin-latchkey` and its ready screens;
//! this app is its own page (`dist/index.html`), its colour for the screens
//! (`src/screens.css`) and the one statement that adds the plugin.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    let app = tauri::Builder::default()
        .plugin(
            tauri_plugin_latchkey::Builder::new()
                .screens("index.html")
                .screen_theme(include_str!("screens.css"))
                .build(),
        )
        .build(tauri::generate_context!());
    match app {
        Ok(app) => app.run(|_, _| {}),
        Err(e) => {
            eprintln!("Tally could not start: {e}");
            std::process::exit(1);
        }
    }
}
