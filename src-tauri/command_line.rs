//! What the `latchkey` command does besides opening the window: the last-resort reset of an
//! administrator locked out for good, `latchkey --reset-administrator NAME`, for whoever has
//! a shell of the OS account that runs Latchkey (who can copy and edit the database anyway:
//! see the README's threat model). It prints a temporary password, valid for 24 hours, and
//! records the reset in the activity log.

use crate::{Settings, APP_IDENTIFIER};
use std::ffi::OsString;
use std::io::Write;
use tauri_plugin_latchkey::engine::{now_ms, Accounts, AuthError};

/// The option that asks for the reset.
pub const RESET_ADMINISTRATOR: &str = "--reset-administrator";

/// Carries out what the command-line arguments (program name first) ask for, if anything
/// but opening the window; returns the exit code, or `None` to open the app as usual.
pub fn run_from_args(args: impl IntoIterator<Item = OsString>) -> Option<i32> {
    let args: Vec<OsString> = args.into_iter().skip(1).collect();
    if args.first().map(|a| a.as_os_str()) != Some(RESET_ADMINISTRATOR.as_ref()) {
        return None;
    }
    let (Some(name), 2) = (args.get(1).and_then(|n| n.to_str()), args.len()) else {
        eprintln!("Usage: latchkey {RESET_ADMINISTRATOR} NAME");
        return Some(2);
    };
    let settings = Settings::from_env();
    let Some(dir) = settings
        .data_dir
        .or_else(|| dirs::data_dir().map(|d| d.join(APP_IDENTIFIER)))
    else {
        eprintln!("Latchkey's data folder cannot be found: set LATCHKEY_DATA_DIR.");
        return Some(1);
    };
    let reset = Accounts::open(&dir, settings.config)
        .and_then(|accounts| accounts.reset_administrator_from_shell(name, now_ms()));
    match reset {
        Ok(temporary) => {
            let mut out = std::io::stdout().lock();
            let printed = writeln!(
                out,
                "Temporary password for {name}: {}\n\
                 It works for 24 hours. {name} must choose a new password at the next \
                 sign-in; two-step sign-in is off and the old recovery codes no longer work.",
                temporary.expose()
            );
            Some(if printed.is_ok() { 0 } else { 1 })
        }
        Err(e) => {
            eprintln!("{}", explain(name, &e));
            Some(1)
        }
    }
}

/// What went wrong, for the person at the shell.
fn explain(name: &str, error: &AuthError) -> String {
    match error {
        AuthError::AccountNotFound | AuthError::InvalidUsername(_) => {
            format!("No account on this computer is named {name:?}.")
        }
        AuthError::Forbidden => format!(
            "{name:?} is not an administrator. Their password can be reset by an administrator, from the administrator's screen."
        ),
        other => other.to_string(),
    }
}
