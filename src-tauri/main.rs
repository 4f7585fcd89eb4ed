//! The Latchkey executable.
// Prevents an additional console window on Windows in release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    if let Some(code) = latchkey::command_line::run_from_args(std::env::args_os()) {
        std::process::exit(code);
    }
    latchkey::run();
}
