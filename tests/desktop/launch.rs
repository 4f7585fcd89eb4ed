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
