//! When the operating system's session locks or the computer suspends, the app locks too.
//!
//! Linux: the screensaver's `ActiveChanged(true)` on the session bus
//! (`org.freedesktop.ScreenSaver`, and `org.gnome.ScreenSaver` which GNOME emits), and on the
//! system bus logind's `Lock` for this session and `PrepareForSleep(true)`, through libdbus.
//! Each bus is watched on a thread of its own; a bus that is missing is logged and skipped.
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
    use dbus::blocking::Connection;
    use dbus::message::MatchRule;
    use std::sync::Arc;
    use std::time::Duration;

    type OnLock = Arc<dyn Fn() + Send + Sync>;

    pub(super) fn watch(on_lock: OnLock) {
        let on_session = on_lock.clone();
        spawn("latchkey-os-lock-session", move || session_bus(on_session));
        spawn("latchkey-os-lock-system", move || system_bus(on_lock));
    }

    fn locked(on_lock: &OnLock) {
        log::info!("the operating system locked or suspended");
        on_lock();
    }

    /// The screensavers' `ActiveChanged(true)`.
    fn session_bus(on_lock: OnLock) -> Result<Connection, dbus::Error> {
        let conn = Connection::new_session()?;
        for interface in ["org.freedesktop.ScreenSaver", "org.gnome.ScreenSaver"] {
            let on_lock = on_lock.clone();
            let rule = MatchRule::new_signal(interface, "ActiveChanged");
            conn.add_match(rule, move |(active,): (bool,), _, _| {
                if active {
                    locked(&on_lock);
                }
                true
            })?;
        }
        Ok(conn)
    }

    /// logind's `PrepareForSleep(true)`, and `Lock` for this process's session when logind
    /// knows it.
    fn system_bus(on_lock: OnLock) -> Result<Connection, dbus::Error> {
        let conn = Connection::new_system()?;
        let sleeping = on_lock.clone();
        let rule = MatchRule::new_signal("org.freedesktop.login1.Manager", "PrepareForSleep");
        conn.add_match(rule, move |(going,): (bool,), _, _| {
            if going {
                locked(&sleeping);
            }
            true
        })?;
        let login = conn.with_proxy(
            "org.freedesktop.login1",
            "/org/freedesktop/login1",
            Duration::from_secs(2),
        );
        let session: Result<(dbus::Path<'static>,), _> = login.method_call(
            "org.freedesktop.login1.Manager",
            "GetSessionByPID",
            (std::process::id(),),
        );
        match session {
            Ok((path,)) => {
                let rule =
                    MatchRule::new_signal("org.freedesktop.login1.Session", "Lock").with_path(path);
                conn.add_match(rule, move |(): (), _, _| {
                    locked(&on_lock);
                    true
                })?;
            }
            Err(e) => log::debug!("no login session to watch for a lock: {e}"),
        }
        Ok(conn)
    }

    /// Connects and subscribes on a thread of its own, then waits there for signals.
    fn spawn(
        name: &str,
        connect: impl FnOnce() -> Result<Connection, dbus::Error> + Send + 'static,
    ) {
        let started = std::thread::Builder::new()
            .name(name.into())
            .spawn(move || {
                let conn = match connect() {
                    Ok(conn) => conn,
                    Err(e) => {
                        log::debug!("not watching an operating-system lock signal: {e}");
                        return;
                    }
                };
                loop {
                    if let Err(e) = conn.process(Duration::from_secs(3600)) {
                        log::debug!("stopped watching an operating-system lock signal: {e}");
                        return;
                    }
                }
            });
        if let Err(e) = started {
            log::warn!("cannot start the operating-system lock watcher: {e}");
        }
    }
}
