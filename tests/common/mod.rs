//! Helpers shared by the app's integration tests: the engine tests' helpers (fresh data
//! folders and engines), the app driven through IPC, and real desktop services.
#![allow(dead_code)]

pub mod desktop;
pub mod ipc;
pub mod mounts;
pub mod process_bus;
pub mod slapd;

#[path = "../../src-tauri/engine/tests/it/common.rs"]
mod engine_common;
pub use engine_common::*;

use std::path::Path;
use std::time::{Duration, Instant};

/// Waits (at most 10 s) until `done` holds, for work the app does in the background
/// (start-up sweeps); fails with `what` when it never does.
pub fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !done() {
        assert!(Instant::now() < deadline, "{what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Asserts that a data folder holds nothing but the database, its WAL files and the
/// first-screen hint (one word): in particular, no token written to a file when the
/// keyring failed.
pub fn assert_no_token_file(dir: &Path) {
    let files: Vec<_> = std::fs::read_dir(dir)
        .expect("data dir")
        .map(|e| e.expect("entry").file_name())
        .collect();
    assert!(
        files.iter().all(|f| {
            let name = f.to_string_lossy();
            name.starts_with("latchkey.db")
                || (name == tauri_plugin_latchkey::HINT_FILE
                    && ["login", "profile"].contains(
                        &std::fs::read_to_string(dir.join(f))
                            .unwrap_or_default()
                            .as_str(),
                    ))
        }),
        "nothing but the database and the hint in the data folder: {files:?}"
    );
}
