//! Walk-away protection in the real window: the idle lock, Ctrl+L, the operating system's
//! lock, switching people without signing out, and a kept locked session across a restart.
use crate::common::*;
use crate::driver::{World, ONE_AT_A_TIME};
use fantoccini::Locator;
use latchkey::APP_IDENTIFIER;
use std::time::{Duration, Instant};

/// Control+L, then the key releases (WebDriver key codes).
const CTRL_L: &str = "\u{E009}l\u{E000}";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_lock_shortcut_os_lock_switching_people_and_a_restart() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let world = World::new();
    let data = temp_dir();
    let env = [("LATCHKEY_LOCK_AFTER_SECS", "2")];
    let app = world.launch(data.path(), &env).await;

    // Alice, kept signed in. No input for 2 s: the window locks by itself.
    app.sign_up("Alice", GOOD_PW, true).await;
    app.save_codes().await;
    app.on_page("home.html").await;
    let idle_since = Instant::now();
    app.on_page("lock.html").await;
    println!(
        "idle lock after {:?} (LATCHKEY_LOCK_AFTER_SECS=2)",
        idle_since.elapsed()
    );
    assert!(idle_since.elapsed() < Duration::from_secs(8));
    assert_eq!(app.text_appears("#locked-username").await, "Alice");
    assert!(app.text("#locked-since").await.starts_with("Locked since"));
    app.screenshot("lock").await;
    // While locked, Rust answers nothing else: the account settings send the window back.
    let url = app.client.current_url().await.unwrap().to_string();
    app.client
        .goto(&url.replace("lock.html", "profile.html"))
        .await
        .unwrap();
    app.on_page("lock.html").await;

    // A wrong password gets the generic answer; the right one unlocks.
    app.fill("#password", "Wrong-Guess-1").await;
    app.click("#unlock-form button[type=submit]").await;
    assert!(app
        .text_appears("#error")
        .await
        .contains("Incorrect username or password."));
    app.fill("#password", GOOD_PW).await;
    let unlocking = Instant::now();
    app.click("#unlock-form button[type=submit]").await;
    app.on_page("home.html").await;
    println!("unlock, click to home shown: {:?}", unlocking.elapsed());

    // Ctrl+L locks at once.
    app.keys(CTRL_L).await;
    app.on_page("lock.html").await;

    // Switch user: Alice stays signed in (locked) and is marked so on the sign-in screen.
    app.click("#switch-user").await;
    app.on_page("login.html").await;
    let listed = app.text_appears("#recent-list").await;
    assert!(
        listed.contains("Alice") && listed.contains("signed in, locked"),
        "{listed}"
    );
    app.click("a[href='signup.html']").await;
    app.on_page("signup.html").await;
    app.submit("Bobby", "another-Good-pw-7", false).await;
    app.save_codes().await;
    app.on_page("home.html").await;
    assert_eq!(app.text_appears("#home-username").await, "Bobby");

    // Bobby locks with the button and switches; Alice's password resumes Alice.
    app.click("#lock").await;
    app.on_page("lock.html").await;
    assert_eq!(app.text_appears("#locked-username").await, "Bobby");
    app.click("#switch-user").await;
    app.on_page("login.html").await;
    app.click("#recent-list li[data-signed-in='true']:first-child .recent-name")
        .await;
    let filled = app.find("#username").await.prop("value").await.unwrap();
    assert_eq!(filled.as_deref(), Some("Alice"));
    app.screenshot("signin-switch").await;
    app.fill("#password", GOOD_PW).await;
    app.click("#login-form button[type=submit]").await;
    app.on_page("home.html").await;
    assert_eq!(app.text_appears("#home-username").await, "Alice");
    assert_eq!(
        world.bus.lookup_all(APP_IDENTIFIER).len(),
        1,
        "one keyring item per kept person (Alice), none for Bobby"
    );

    // A restart: Bobby (not kept) is gone; Alice's kept session, locked when Latchkey
    // quit, opens locked (with the idle lock off, so only the stored lock can do it).
    // (The Lock button, unless the 2 s idle lock got there first.)
    let _ = app
        .client
        .execute("document.getElementById('lock')?.click()", vec![])
        .await;
    app.on_page("lock.html").await;
    app.quit().await;
    let app = world
        .launch(data.path(), &[("LATCHKEY_LOCK_AFTER_SECS", "0")])
        .await;
    app.on_page("lock.html").await;
    assert_eq!(app.text_appears("#locked-username").await, "Alice");
    app.click("#logout").await;
    app.on_page("login.html").await;
    assert!(
        world.bus.lookup_all(APP_IDENTIFIER).is_empty(),
        "no keyring item once she signed out"
    );
    assert!(app
        .client
        .find(Locator::Css("#recent-list li[data-signed-in]"))
        .await
        .is_err());
    app.quit().await;

    // With the idle lock off, the window stays open without input, until the operating
    // system locks (its screensaver's signal on the session bus): then Latchkey locks too;
    // the same signal from any other program does nothing.
    let app = world
        .launch(data.path(), &[("LATCHKEY_LOCK_AFTER_SECS", "0")])
        .await;
    app.on_page("login.html").await;
    app.submit("alice", GOOD_PW, false).await;
    app.on_page("home.html").await;
    tokio::time::sleep(Duration::from_millis(3000)).await;
    app.on_page("home.html").await;
    // A signal that only looks like the screensaver's (another program sends it without
    // owning the screensaver's name): ignored.
    world.forged_screensaver_signal();
    tokio::time::sleep(Duration::from_millis(2000)).await;
    let url = app.run("return window.location.pathname").await;
    assert_eq!(url, "/home.html", "a forged signal locked the window");
    world.screensaver_turns_on();
    app.on_page("lock.html").await;
    app.quit().await;
}
