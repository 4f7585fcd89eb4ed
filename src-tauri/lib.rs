//! Latchkey: private local accounts on a shared computer, fully offline.
//!
//! `engine` is the account logic over SQLite and knows nothing of Tauri; `app` is the
//! desktop shell (commands, keyring, window).

pub mod engine;

/// Starts the desktop app.
pub fn run() {}
