//! When the operating system's session locks or the computer suspends, the app locks too.
//!
//! Linux: the screensaver's `ActiveChanged(true)` on the session bus
//! (`org.freedesktop.ScreenSaver`, and `org.gnome.ScreenSaver` which GNOME emits), and on the
//! system bus logind's `Lock` for this session and `PrepareForSleep(true)`, through libdbus.
//! Each bus is watched on a thread of its own; a bus that is missing is logged and skipped.
//! A signal counts only when it comes from the connection that owns the name it speaks for
//! (`org.freedesktop.login1`, the screensaver's name on the session bus), asked of the bus
//! when it arrives: any program of any local account can send a signal that looks the
//! same, and must not be able to lock every Latchkey window with it.
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
    use dbus::Message;
    use std::sync::{Arc, Mutex};
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

    /// Asks the bus which connection owns well-known names, on a connection of its own (the
    /// watching one is busy delivering the signal).
    #[derive(Clone)]
    struct Owners(Arc<Mutex<Connection>>);

    impl Owners {
        fn new(conn: Connection) -> Self {
            Self(Arc::new(Mutex::new(conn)))
        }

        /// Whether `message` was sent by the current owner of `name`.
        fn sent_by(&self, message: &Message, name: &str) -> bool {
            let Some(sender) = message.sender() else {
                return false;
            };
            let conn = self.0.lock().unwrap_or_else(|e| e.into_inner());
            let bus = conn.with_proxy(
                "org.freedesktop.DBus",
                "/org/freedesktop/DBus",
                Duration::from_secs(2),
            );
            let owner: Result<(String,), _> =
                bus.method_call("org.freedesktop.DBus", "GetNameOwner", (name,));
            match owner {
                Ok((owner,)) if owner == *sender => true,
                _ => {
                    log::warn!("ignored a lock signal from a program that does not own {name}");
                    false
                }
            }
        }
    }

    /// The screensavers' `ActiveChanged(true)`, from the owner of the screensaver's name.
    fn session_bus(on_lock: OnLock) -> Result<Connection, dbus::Error> {
        let conn = Connection::new_session()?;
        let owners = Owners::new(Connection::new_session()?);
        for interface in ["org.freedesktop.ScreenSaver", "org.gnome.ScreenSaver"] {
            let (on_lock, owners) = (on_lock.clone(), owners.clone());
            let rule = MatchRule::new_signal(interface, "ActiveChanged");
            conn.add_match(rule, move |(active,): (bool,), _, message| {
                if active && owners.sent_by(message, interface) {
                    locked(&on_lock);
                }
                true
            })?;
        }
        Ok(conn)
    }

    /// logind's `PrepareForSleep(true)`, and `Lock` for this process's session when logind
    /// knows it, from logind itself.
    fn system_bus(on_lock: OnLock) -> Result<Connection, dbus::Error> {
        const LOGIND: &str = "org.freedesktop.login1";
        let conn = Connection::new_system()?;
        let owners = Owners::new(Connection::new_system()?);
        let (sleeping, sleep_owners) = (on_lock.clone(), owners.clone());
        let rule = MatchRule::new_signal("org.freedesktop.login1.Manager", "PrepareForSleep");
        conn.add_match(rule, move |(going,): (bool,), _, message| {
            if going && sleep_owners.sent_by(message, LOGIND) {
                locked(&sleeping);
            }
            true
        })?;
        let login = conn.with_proxy(LOGIND, "/org/freedesktop/login1", Duration::from_secs(2));
        let session: Result<(dbus::Path<'static>,), _> = login.method_call(
            "org.freedesktop.login1.Manager",
            "GetSessionByPID",
            (std::process::id(),),
        );
        match session {
            Ok((path,)) => {
                let rule =
                    MatchRule::new_signal("org.freedesktop.login1.Session", "Lock").with_path(path);
                conn.add_match(rule, move |(): (), _, message| {
                    if owners.sent_by(message, LOGIND) {
                        locked(&on_lock);
                    }
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
