//! A small stderr logger for Latchkey's own messages.
//!
//! `LATCHKEY_LOG` sets the level (`error`, `warn`, `info` (default), `debug`, `trace`).
//! Only Latchkey's targets are printed: dependencies' debug output (D-Bus message dumps and
//! the like) is never shown, so secrets they might carry cannot reach the log.

use log::{Level, LevelFilter, Log, Metadata, Record};

struct StderrLogger {
    level: LevelFilter,
}

impl Log for StderrLogger {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        metadata.level() <= self.level && metadata.target().starts_with("latchkey")
    }

    fn log(&self, record: &Record<'_>) {
        if self.enabled(record.metadata()) {
            eprintln!("[latchkey {}] {}", record.level(), record.args());
        }
    }

    fn flush(&self) {}
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

/// Installs the logger once; later calls do nothing.
pub fn init() {
    let level = level_from_env();
    if log::set_boxed_logger(Box::new(StderrLogger { level })).is_ok() {
        log::set_max_level(level);
    }
}
