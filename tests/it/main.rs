//! The app's in-process integration tests, in one binary: every command through Tauri's IPC
//! (mock runtime, the real capabilities and setup), the real Secret Service, faults,
//! hostile input and the log.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

#[path = "../common/mod.rs"]
mod common;

mod catalogs;
mod command_list;
mod commands;
mod commands_account;
mod commands_lock;
mod commands_private;
mod commands_recovery;
mod directory;
mod directory_faults;
mod faults_files;
mod faults_keyring;
mod first_screen;
mod hardening;
mod hostile_input;
mod keyboard;
mod keyring_secret_service;
mod log_hygiene;
mod screen_bundles;
