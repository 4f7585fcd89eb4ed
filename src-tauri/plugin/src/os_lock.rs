//! When the operating system's session locks or the computer suspends, the app locks too.
//!
//! Linux: the screensaver's `ActiveChanged(true)` on the session bus
//! (`org.freedesktop.ScreenSaver`, and `org.gnome.ScreenSaver` which GNOME emits), and on the
//! system bus logind's `Lock` for this session and `PrepareForSleep(true)`. Each is watched
//! on a thread of its own that waits on D-Bus; a bus that is missing is logged and skipped.
//! macOS and Windows: not watched (see the README); the idle lock still applies.

use std::sync::Arc;

/// Calls `on_lock` (from a watcher thread) whenever the operating system locks or suspends.
pub(crate) fn watch(on_lock: impl Fn() + Send + Sync + 'static) {
    #[cfg(target_os = "linux")]
    linux::watch(Arc::new(on_lock));
    #[cfg(not(target_os = "linux"))]
    {
        let _ = Arc::new(on_lock);
        log::debug!("the operating system's lock is not watched on this platform");
    }
}

#[cfg(target_os = "linux")]
mod linux {
    use std::sync::Arc;
    use zbus::blocking::{Connection, MessageIterator};
    use zbus::message::Type;
    use zbus::MatchRule;

    type OnLock = Arc<dyn Fn() + Send + Sync>;

    pub(super) fn watch(on_lock: OnLock) {
        for interface in ["org.freedesktop.ScreenSaver", "org.gnome.ScreenSaver"] {
            spawn(on_lock.clone(), move || {
                let conn = Connection::session()?;
                let rule = signal_rule(interface, "ActiveChanged", None)?;
                Ok((conn, rule, true))
            });
        }
        spawn(on_lock.clone(), || {
            let conn = Connection::system()?;
            let rule = signal_rule("org.freedesktop.login1.Manager", "PrepareForSleep", None)?;
            Ok((conn, rule, true))
        });
        spawn(on_lock, || {
            let conn = Connection::system()?;
            let session: zbus::zvariant::OwnedObjectPath = conn
                .call_method(
                    Some("org.freedesktop.login1"),
                    "/org/freedesktop/login1",
                    Some("org.freedesktop.login1.Manager"),
                    "GetSessionByPID",
                    &(std::process::id()),
                )?
                .body()
                .deserialize()?;
            let rule = signal_rule(
                "org.freedesktop.login1.Session",
                "Lock",
                Some(session.as_str().to_owned()),
            )?;
            Ok((conn, rule, false))
        });
    }

    fn signal_rule(
        interface: &'static str,
        member: &'static str,
        path: Option<String>,
    ) -> zbus::Result<MatchRule<'static>> {
        let rule = MatchRule::builder()
            .msg_type(Type::Signal)
            .interface(interface)?
            .member(member)?;
        match path {
            Some(path) => Ok(rule.path(path)?.build()),
            None => Ok(rule.build()),
        }
    }

    /// Watches one signal on its own thread. `with_flag`: the signal carries a boolean and
    /// only `true` locks; otherwise every occurrence locks.
    fn spawn(
        on_lock: OnLock,
        connect: impl FnOnce() -> zbus::Result<(Connection, MatchRule<'static>, bool)> + Send + 'static,
    ) {
        let started = std::thread::Builder::new()
            .name("latchkey-os-lock".into())
            .spawn(move || {
                let (conn, rule, with_flag) = match connect() {
                    Ok(found) => found,
                    Err(e) => {
                        log::debug!("not watching an operating-system lock signal: {e}");
                        return;
                    }
                };
                let messages = match MessageIterator::for_match_rule(rule, &conn, Some(16)) {
                    Ok(messages) => messages,
                    Err(e) => {
                        log::debug!("cannot subscribe to an operating-system signal: {e}");
                        return;
                    }
                };
                for message in messages.flatten() {
                    let locks = !with_flag || message.body().deserialize::<bool>().unwrap_or(false);
                    if locks {
                        log::info!("the operating system locked or suspended");
                        on_lock();
                    }
                }
            });
        if let Err(e) = started {
            log::warn!("cannot start the operating-system lock watcher: {e}");
        }
    }
}
