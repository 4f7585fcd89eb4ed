//! One Latchkey per OS account on Linux. The first instance owns the session-bus name
//! [`APP_IDENTIFIER`](crate::APP_IDENTIFIER); a second one asks it to show its window and
//! exits before opening one of its own. Without a session bus, every instance runs.
//!
//! Through libdbus, which the window's toolkit loads anyway (on other systems the app uses
//! Tauri's single-instance plugin instead).

use dbus::blocking::SyncConnection;
use dbus::channel::{MatchingReceiver, Sender};
use dbus::message::MatchRule;
use dbus::Message;
use std::time::Duration;
use tauri::{AppHandle, Manager, Runtime};

const PATH: &str = "/org/latchkey/Latchkey";
const INTERFACE: &str = "org.latchkey.Latchkey.SingleInstance";

/// What [`claim`] found.
pub enum Claim {
    /// This is the first instance; keep the name while the app runs ([`Claim::serve`]).
    First(SyncConnection),
    /// Another instance runs and was asked to show its window: exit.
    Second,
    /// No session bus (or it refused): run without the single-instance guard.
    Unavailable,
}

/// Takes the app's name on the session bus, or hands over to the instance that holds it.
pub fn claim(name: &str) -> Claim {
    let conn = match SyncConnection::new_session() {
        Ok(conn) => conn,
        Err(e) => {
            log::debug!("no session bus for the single-instance guard: {e}");
            return Claim::Unavailable;
        }
    };
    use dbus::blocking::stdintf::org_freedesktop_dbus::RequestNameReply;
    match conn.request_name(name, false, false, true) {
        Ok(RequestNameReply::PrimaryOwner | RequestNameReply::AlreadyOwner) => Claim::First(conn),
        Ok(_) => {
            let running = conn.with_proxy(name, PATH, Duration::from_secs(2));
            let shown: Result<(), dbus::Error> = running.method_call(INTERFACE, "Activate", ());
            if let Err(e) = shown {
                log::warn!("Latchkey is already running and did not answer: {e}");
            }
            Claim::Second
        }
        Err(e) => {
            log::debug!("the single-instance guard is not available: {e}");
            Claim::Unavailable
        }
    }
}

impl Claim {
    /// Answers `Activate` from later instances (showing and focusing the window) on a thread
    /// of its own, for as long as the app runs.
    pub fn serve<R: Runtime>(self, app: &AppHandle<R>) {
        let Claim::First(conn) = self else {
            return;
        };
        let app = app.clone();
        conn.start_receive(
            MatchRule::new_method_call(),
            Box::new(move |call: Message, conn: &SyncConnection| {
                let reply = if call.path().as_deref() == Some(PATH)
                    && call.interface().as_deref() == Some(INTERFACE)
                    && call.member().as_deref() == Some("Activate")
                {
                    show(&app);
                    call.method_return()
                } else {
                    call.error(
                        &"org.freedesktop.DBus.Error.UnknownMethod".into(),
                        c"Latchkey answers only Activate here",
                    )
                };
                let _ = conn.send(reply);
                true
            }),
        );
        let started = std::thread::Builder::new()
            .name("latchkey-single-instance".into())
            .spawn(move || loop {
                if let Err(e) = conn.process(Duration::from_secs(3600)) {
                    log::debug!("the single-instance guard stopped: {e}");
                    return;
                }
            });
        if let Err(e) = started {
            log::warn!("cannot start the single-instance guard: {e}");
        }
    }
}

/// Brings the main window back to the front.
pub fn show<R: Runtime>(app: &AppHandle<R>) {
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
}
