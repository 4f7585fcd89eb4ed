//! The real binary starts under a private Xvfb and its window appears.
use crate::common::desktop::{PrivateBus, PrivateDisplay};
use crate::common::*;
use std::time::{Duration, Instant};

#[test]
fn the_real_binary_opens_its_window() {
    let _turn = crate::driver::ONE_AT_A_TIME.blocking_lock();
    let display = PrivateDisplay::start();
    let bus = PrivateBus::with_secret_service();
    let data = temp_dir();
    let mut app = std::process::Command::new(env!("CARGO_BIN_EXE_latchkey"))
        .env("DISPLAY", &display.display)
        .envs(bus.env())
        .env("LATCHKEY_DATA_DIR", data.path())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start latchkey");
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut found = false;
    while Instant::now() < deadline {
        // The window, then the page's first command opening the database.
        if display.window_names().contains("\"Latchkey\"")
            && data.path().join("latchkey.db").exists()
        {
            found = true;
            break;
        }
        if let Ok(Some(status)) = app.try_wait() {
            panic!("latchkey exited early: {status}");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = app.kill();
    let _ = app.wait();
    assert!(found, "no window titled Latchkey appeared, or its page never reached the database in LATCHKEY_DATA_DIR");
}

/// One Latchkey per OS account: a second launch asks the first to show its window and exits
/// without opening one; the first keeps its name on the session bus and answers.
#[test]
fn a_second_launch_hands_over_to_the_first_and_exits() {
    let _turn = crate::driver::ONE_AT_A_TIME.blocking_lock();
    let display = PrivateDisplay::start();
    let bus = PrivateBus::with_secret_service();
    let data = temp_dir();
    let start = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_latchkey"))
            .env("DISPLAY", &display.display)
            .envs(bus.env())
            .env("LATCHKEY_DATA_DIR", data.path())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("start latchkey")
    };
    let windows = || display.window_names().matches("\"Latchkey\"").count();
    let mut first = start();
    let deadline = Instant::now() + Duration::from_secs(60);
    while windows() == 0 {
        assert!(Instant::now() < deadline, "the first window never appeared");
        assert!(
            first.try_wait().unwrap().is_none(),
            "the first instance exited"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    // The toolkit may add windows of the same name for a moment after the first one: count
    // once the number has held still for a second.
    let mut before = windows();
    let mut still_since = Instant::now();
    while still_since.elapsed() < Duration::from_secs(1) {
        assert!(
            Instant::now() < deadline,
            "the first instance's windows never settled"
        );
        std::thread::sleep(Duration::from_millis(100));
        let now = windows();
        if now != before {
            before = now;
            still_since = Instant::now();
        }
    }

    let mut second = start();
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(status) = second.try_wait().unwrap() {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "the second instance did not exit"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "the second instance failed: {status}");
    assert!(
        first.try_wait().unwrap().is_none(),
        "the first instance is still running"
    );
    assert_eq!(windows(), before, "the second instance opened no window");

    let answer = std::process::Command::new("dbus-send")
        .args([
            "--session",
            "--print-reply",
            "--dest=org.latchkey.Latchkey",
            "/org/latchkey/Latchkey",
            "org.latchkey.Latchkey.SingleInstance.Activate",
        ])
        .envs(bus.env())
        .output()
        .expect("dbus-send");
    assert!(
        answer.status.success(),
        "the first instance answers Activate: {}",
        String::from_utf8_lossy(&answer.stderr)
    );
    let _ = first.kill();
    let _ = first.wait();
}
