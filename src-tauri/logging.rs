//! A small logger for Latchkey's own messages, on stderr by default.
//!
//! `LATCHKEY_LOG` sets the level (`error`, `warn`, `info` (default), `debug`, `trace`,
//! `off`). Only Latchkey's targets are written: dependencies' debug output (D-Bus message
//! dumps and the like) is never passed on, so whatever they might carry cannot reach the log.
//! Latchkey itself never logs passwords, tokens or hashes.

use log::{Level, LevelFilter, Log, Metadata, Record};
use std::io::Write;
use std::sync::Mutex;

struct Logger {
    level: LevelFilter,
    sink: Mutex<Box<dyn Write + Send>>,
}

impl Log for Logger {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        metadata.level() <= self.level
            && (metadata.target().starts_with("latchkey")
                || metadata.target().starts_with("tauri_plugin_latchkey"))
    }

    fn log(&self, record: &Record<'_>) {
        if self.enabled(record.metadata()) {
            let mut sink = self.sink.lock().unwrap_or_else(|e| e.into_inner());
            let _ = writeln!(sink, "[latchkey {}] {}", record.level(), record.args());
        }
    }

    fn flush(&self) {
        let _ = self.sink.lock().unwrap_or_else(|e| e.into_inner()).flush();
    }
}

/// The level named by `LATCHKEY_LOG`, or `info`.
pub fn level_from_env() -> LevelFilter {
    match std::env::var("LATCHKEY_LOG").ok().as_deref().map(str::trim) {
        Some(v) if v.eq_ignore_ascii_case("off") => LevelFilter::Off,
        Some(v) => v
            .parse::<Level>()
            .map_or(LevelFilter::Info, |l| l.to_level_filter()),
        None => LevelFilter::Info,
    }
}

/// Installs the logger on stderr at the `LATCHKEY_LOG` level; later calls do nothing.
pub fn init() {
    init_with(level_from_env(), Box::new(std::io::stderr()));
}

/// Installs the logger writing to `sink` at `level`. Returns `false` when a logger was
/// already installed (then nothing changes).
pub fn init_with(level: LevelFilter, sink: Box<dyn Write + Send>) -> bool {
    let installed = log::set_boxed_logger(Box::new(Logger {
        level,
        sink: Mutex::new(sink),
    }))
    .is_ok();
    if installed {
        log::set_max_level(level);
    }
    installed
}
