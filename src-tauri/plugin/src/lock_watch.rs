//! Telling the windows that the person at the keyboard was locked (the idle lock, the OS
//! lock, another window's Lock button, a directory refresh).
//!
//! Pages hear it through a [`Channel`] they give `watch_locked` (the bindings'
//! `onLocked()`), and any listener of the [`LOCKED_EVENT`](crate::LOCKED_EVENT) event hears
//! it too. The screens use the channel rather than `event.listen`: registering an event
//! listener makes Tauri evaluate a script in the page and read back its result, which on
//! Linux starts a JavaScript engine in the app's own process (about 6 MiB, and time on its
//! main thread) as every signed-in screen opens; a channel costs nothing until a lock
//! actually happens.
//!
//! A page's channels are dropped when its window starts loading another page (they could
//! no longer reach anyone).

use crate::args::Arg;
use std::sync::Mutex;
use tauri::ipc::{Channel, JavaScriptChannelId};
use tauri::{AppHandle, Emitter, Manager, Runtime};

/// The pages waiting to hear of a lock: (webview label, channel).
#[derive(Default)]
pub(crate) struct LockWatchers(Mutex<Vec<(String, Channel<()>)>>);

impl LockWatchers {
    fn watchers(&self) -> std::sync::MutexGuard<'_, Vec<(String, Channel<()>)>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Adds a page's channel.
    fn add(&self, webview: &str, channel: Channel<()>) {
        self.watchers().push((webview.to_owned(), channel));
    }

    /// Drops the channels of the page `webview` is leaving.
    pub(crate) fn page_left(&self, webview: &str) {
        self.watchers().retain(|(label, _)| label != webview);
    }

    /// How many pages are waiting (for tests).
    #[cfg(test)]
    fn len(&self) -> usize {
        self.watchers().len()
    }
}

/// Registers `channel` (a channel made by the page) as one the page hears locks on.
///
/// # Errors
/// `INVALID_INPUT` when `channel` is not a channel.
pub(crate) fn watch<R: Runtime>(
    webview: tauri::Webview<R>,
    channel: Option<Arg<JavaScriptChannelId>>,
) -> crate::Result<()> {
    let id = crate::args::required(channel)?;
    let channel = id.channel_on(webview.clone());
    webview
        .state::<LockWatchers>()
        .add(webview.label(), channel);
    Ok(())
}

/// Tells every window that the person at the keyboard is locked: the pages watching with
/// `onLocked()`, and the listeners of [`LOCKED_EVENT`](crate::LOCKED_EVENT).
pub(crate) fn tell_locked<R: Runtime>(app: &AppHandle<R>) {
    let _ = app.emit(crate::LOCKED_EVENT, ());
    if let Some(watchers) = app.try_state::<LockWatchers>() {
        for (_, channel) in watchers.watchers().iter() {
            let _ = channel.send(());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_that_is_left_stops_being_told() {
        let watchers = LockWatchers::default();
        let channel = || Channel::<()>::new(|_| Ok(()));
        watchers.add("main", channel());
        watchers.add("main", channel());
        watchers.add("other", channel());
        assert_eq!(watchers.len(), 3);
        watchers.page_left("main");
        assert_eq!(watchers.len(), 1);
        watchers.page_left("main");
        assert_eq!(watchers.len(), 1);
    }
}
