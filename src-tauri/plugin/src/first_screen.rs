//! Where the window opens: the profile when someone was kept signed in as the last run
//! ended, else the sign-in screen. The decision has to be made before the window exists, so
//! without the database or the keyring (the sign-in screen must never wait for them): it
//! is read from a hint file beside the database, `first-screen`, which every `session`
//! answer brings up to date. The hint is no secret and decides nothing: the screen it opens
//! still asks `session` who is here, and routes elsewhere when the hint was stale.

use crate::service::AuthService;
use std::path::Path;

/// The hint's file name, in the data folder.
pub const HINT_FILE: &str = "first-screen";

/// What the hint says.
const SOMEONE_KEPT: &str = "profile";
const NOBODY_KEPT: &str = "login";

/// The page the window opens, from the hint in `dir`:
/// - `profile.html` when someone was kept signed in;
/// - `login.html?here=nobody` when nobody was (the sign-in screen may then draw itself
///   before Rust answers, see `ui/start.js`);
/// - `login.html` when there is no hint yet (the first run, or a folder it cannot be read
///   in): the screen waits for `session` and so never shows a form that must go away.
pub fn first_page(dir: &Path) -> &'static str {
    match std::fs::read_to_string(dir.join(HINT_FILE))
        .as_deref()
        .map(str::trim)
    {
        Ok(SOMEONE_KEPT) => "profile.html",
        Ok(NOBODY_KEPT) => "login.html?here=nobody",
        _ => "login.html",
    }
}

impl AuthService {
    /// The page the window opens at this start (see [`first_page`]).
    pub fn first_page(&self) -> &'static str {
        first_page(self.data_dir())
    }

    /// Brings the hint up to date when who is kept signed in has changed since it was last
    /// written (in the background: a failure only costs the next start its shortcut).
    pub(crate) fn remember_first_screen(&self, someone_kept: bool) {
        let mut written = self
            .first_screen_hint
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if *written == Some(someone_kept) {
            return;
        }
        *written = Some(someone_kept);
        drop(written);
        let path = self.data_dir().join(HINT_FILE);
        let hint = if someone_kept {
            SOMEONE_KEPT
        } else {
            NOBODY_KEPT
        };
        tauri::async_runtime::spawn_blocking(move || {
            if let Err(e) = std::fs::write(&path, hint) {
                log::warn!("cannot write the first-screen hint: {}", e.kind());
            }
        });
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn the_hint_picks_the_first_page_and_anything_else_waits_for_rust() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(first_page(dir.path()), "login.html");
        for (hint, page) in [
            ("profile", "profile.html"),
            ("login\n", "login.html?here=nobody"),
            ("", "login.html"),
            ("admin", "login.html"),
        ] {
            std::fs::write(dir.path().join(HINT_FILE), hint).unwrap();
            assert_eq!(first_page(dir.path()), page, "hint {hint:?}");
        }
        assert_eq!(first_page(&dir.path().join("missing")), "login.html");
    }
}
