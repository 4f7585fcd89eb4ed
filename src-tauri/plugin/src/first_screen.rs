//! Where the window opens: the person's home (their notes) when someone was kept signed in
//! at Latchkey's last answer of who is here, else the sign-in screen. The decision has to be made before the
//! window exists, so without the database or the keyring (the sign-in screen must never
//! wait for them): it is read from a hint file beside the database, `first-screen`, which
//! every `session` answer brings up to date. The hint is no secret and decides nothing: the
//! screen it opens still asks `session` who is here, and routes elsewhere when the hint was
//! stale.

use crate::held::HintState;
use crate::service::AuthService;
use std::path::Path;
use std::sync::Arc;

/// The hint's file name, in the data folder.
pub const HINT_FILE: &str = "first-screen";

/// What the hint says. (The word for someone kept is still "profile", as written by the
/// versions whose signed-in home was the profile: their hints keep working.)
const SOMEONE_KEPT: &str = "profile";
const NOBODY_KEPT: &str = "login";

/// Whether the hint in `dir` says someone was kept signed in; `None` without a hint.
fn read_hint(dir: &Path) -> Option<bool> {
    match std::fs::read_to_string(dir.join(HINT_FILE))
        .as_deref()
        .map(str::trim)
    {
        Ok(SOMEONE_KEPT) => Some(true),
        Ok(NOBODY_KEPT) => Some(false),
        _ => None,
    }
}

/// The page the window opens, from the hint in `dir`:
/// - `home.html` when someone was kept signed in;
/// - `login.html?here=nobody` when nobody was (the sign-in screen may then draw itself
///   before Rust answers, see `ui/start.js`);
/// - `login.html` when there is no hint yet (the first run, or a folder it cannot be read
///   in): the screen waits for `session` and so never shows a form that must go away.
///
/// ```
/// let fresh = std::env::temp_dir().join(format!("latchkey-first-{}", std::process::id()));
/// assert_eq!(tauri_plugin_latchkey::first_page(&fresh), "login.html");
/// ```
pub fn first_page(dir: &Path) -> &'static str {
    match read_hint(dir) {
        Some(true) => "home.html",
        Some(false) => "login.html?here=nobody",
        None => "login.html",
    }
}

/// Replaces the hint in one step (a new file, readable by its owner only like the
/// database, renamed over the old one).
fn write_hint(dir: &Path, someone_kept: bool) -> std::io::Result<()> {
    use std::io::Write;
    let fresh = dir.join(format!("{HINT_FILE}.new"));
    let word = if someone_kept {
        SOMEONE_KEPT
    } else {
        NOBODY_KEPT
    };
    // A leftover from an interrupted write may have other permissions: made anew.
    let _ = std::fs::remove_file(&fresh);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(&fresh)?.write_all(word.as_bytes())?;
    std::fs::rename(&fresh, dir.join(HINT_FILE))
}

impl AuthService {
    /// The page the window opens at this start (see [`first_page`]); what the hint says is
    /// remembered, so that an unchanged answer is not written again.
    pub fn first_page(&self) -> &'static str {
        let read = read_hint(self.data_dir());
        self.hint()
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .written = read;
        first_page(self.data_dir())
    }

    /// The keyring could not be read at start while kept sessions wait in the database.
    pub(crate) fn hint_kept_unread(&self) {
        self.hint()
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .kept_unread = true;
    }

    /// Brings the hint up to date with a `session` answer (`someone_kept`), in the
    /// background and only when it changes; a failed write is tried again at the next
    /// answer.
    pub(crate) fn remember_first_screen(&self, someone_kept: bool) {
        let wanted = move |state: &HintState| someone_kept || state.kept_unread;
        {
            let state = self.hint().lock().unwrap_or_else(|e| e.into_inner());
            if state.written == Some(wanted(&state)) {
                return;
            }
        }
        let hint = Arc::clone(self.hint());
        let dir = self.data_dir().to_path_buf();
        tauri::async_runtime::spawn_blocking(move || {
            let mut state = hint.lock().unwrap_or_else(|e| e.into_inner());
            let wanted = wanted(&state);
            if state.written == Some(wanted) {
                return;
            }
            state.written = match write_hint(&dir, wanted) {
                Ok(()) => Some(wanted),
                Err(e) => {
                    log::warn!("cannot write the first-screen hint: {}", e.kind());
                    None
                }
            };
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
            ("profile", "home.html"),
            ("login\n", "login.html?here=nobody"),
            ("", "login.html"),
            ("admin", "login.html"),
        ] {
            std::fs::write(dir.path().join(HINT_FILE), hint).unwrap();
            assert_eq!(first_page(dir.path()), page, "hint {hint:?}");
        }
        assert_eq!(first_page(&dir.path().join("missing")), "login.html");
        for kept in [true, false] {
            write_hint(dir.path(), kept).unwrap();
            assert_eq!(read_hint(dir.path()), Some(kept));
        }
        assert!(!dir.path().join(format!("{HINT_FILE}.new")).exists());
    }

    #[cfg(unix)]
    #[test]
    fn the_hint_is_readable_by_its_owner_only_even_over_a_leftover() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let leftover = dir.path().join(format!("{HINT_FILE}.new"));
        std::fs::write(&leftover, "x").unwrap();
        std::fs::set_permissions(&leftover, std::fs::Permissions::from_mode(0o644)).unwrap();
        write_hint(dir.path(), true).unwrap();
        let mode = std::fs::metadata(dir.path().join(HINT_FILE))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}
