//! End-to-end: the real binary in its real webview, driven over WebDriver (tauri-driver in
//! front of WebKitWebDriver) under a private Xvfb, with a private gnome-keyring.

use crate::common::*;
use crate::driver::{World, ONE_AT_A_TIME};
use fantoccini::Locator;
use latchkey::APP_IDENTIFIER;
use std::time::{Duration, Instant};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_signs_up_signs_in_and_out_in_the_real_window() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let world = World::new();
    let data = temp_dir();

    // Sign up "Alice", kept signed in: her notes say who is signed in; the account
    // settings show her name and id.
    let app = world.launch(data.path(), &[]).await;
    app.on_page("login.html").await;
    app.click("a[href='signup.html']").await;
    app.on_page("signup.html").await;
    app.fill("#username", "Alice").await;
    app.fill("#password", GOOD_PW).await;
    app.screenshot("signup").await;
    app.click("#remember").await;
    app.click("button[type=submit]").await;
    let codes = app.save_codes().await;
    assert_eq!(codes.len(), 10, "{codes:?}");
    app.on_page("home.html").await;
    assert_eq!(app.text_appears("#home-username").await, "Alice");
    app.open_settings().await;
    assert_eq!(app.text_appears("#profile-username").await, "Alice");
    let alice_id = app.text("#profile-user-id").await;
    assert!(alice_id.len() >= 15, "{alice_id}");
    assert!(!app.text("#profile-created").await.is_empty());
    app.screenshot("profile").await;
    assert_eq!(
        world.bus.lookup_all(APP_IDENTIFIER).len(),
        1,
        "token in the keyring"
    );
    app.quit().await;

    // Relaunch: still signed in, from the keyring.
    let app = world.launch(data.path(), &[]).await;
    app.on_page("home.html").await;
    assert_eq!(app.text_appears("#home-username").await, "Alice");

    // Sign out: sign-in screen; the keyring item is gone; a relaunch stays signed out.
    app.click("#logout").await;
    app.on_page("login.html").await;
    assert!(world.bus.lookup_all(APP_IDENTIFIER).is_empty());
    app.quit().await;
    let app = world.launch(data.path(), &[]).await;
    app.on_page("login.html").await;

    // Wrong password: the generic message; the username is kept, the password cleared.
    app.submit("alice", "not-her-password", false).await;
    assert!(app
        .text_appears("#error")
        .await
        .contains("Incorrect username or password."));
    let kept = app.find("#username").await.prop("value").await.unwrap();
    assert_eq!(kept.as_deref(), Some("alice"));
    let cleared = app.find("#password").await.prop("value").await.unwrap();
    assert_eq!(cleared.as_deref(), Some(""));
    app.screenshot("signin-error").await;

    // Sign in as "ALICE": her notes, and her account.
    app.submit("ALICE", GOOD_PW, false).await;
    app.on_page("home.html").await;
    assert_eq!(app.text_appears("#home-username").await, "Alice");
    app.open_settings().await;
    assert_eq!(app.text_appears("#profile-username").await, "Alice");
    assert_eq!(app.text("#profile-user-id").await, alice_id);
    app.click("#logout").await;
    app.on_page("login.html").await;

    // A duplicate sign-up is refused in plain words.
    app.sign_up("alice", GOOD_PW, false).await;
    assert!(app.text_appears("#error").await.contains("already taken"));

    // Markup as a username is refused and never becomes markup.
    app.fill("#username", "<img src=x onerror=alert(1)>").await;
    app.fill("#password", GOOD_PW).await;
    app.click("button[type=submit]").await;
    assert!(app.text_appears("#error").await.contains("4 to 31"));
    assert!(app.client.find(Locator::Css("img[src='x']")).await.is_err());

    // A second person signs up; each sees only their own account. ("bob" itself is one
    // character short of the 4-character minimum, and is told so.)
    app.fill("#username", "bob").await;
    app.fill("#password", "another-Good-pw-7").await;
    app.click("button[type=submit]").await;
    assert!(app.text_appears("#error").await.contains("4 to 31"));
    app.fill("#username", "bobby").await;
    app.fill("#password", "another-Good-pw-7").await;
    app.click("button[type=submit]").await;
    app.save_codes().await;
    app.open_settings().await;
    assert_eq!(app.text_appears("#profile-username").await, "bobby");
    assert_ne!(app.text("#profile-user-id").await, alice_id);
    app.click("#logout").await;
    app.on_page("login.html").await;
    app.submit("alice", GOOD_PW, false).await;
    app.open_settings().await;
    assert_eq!(app.text_appears("#profile-username").await, "Alice");
    assert_eq!(app.text("#profile-user-id").await, alice_id);

    // "Keep me signed in" unchecked: the relaunch asks to sign in.
    app.quit().await;
    let app = world.launch(data.path(), &[]).await;
    app.on_page("login.html").await;
    assert!(world.bus.lookup_all(APP_IDENTIFIER).is_empty());
    app.quit().await;

    // Sessions made to expire: the relaunch lands on sign-in and the keyring item is gone.
    let short = [
        ("LATCHKEY_SESSION_ACTIVE_SECS", "1"),
        ("LATCHKEY_SESSION_IDLE_SECS", "1"),
    ];
    let fresh = temp_dir();
    let app = world.launch(fresh.path(), &short).await;
    app.sign_up("Brief", GOOD_PW, true).await;
    app.save_codes().await;
    app.on_page("home.html").await;
    assert_eq!(world.bus.lookup_all(APP_IDENTIFIER).len(), 1);
    app.quit().await;
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let app = world.launch(fresh.path(), &short).await;
    app.on_page("login.html").await;
    assert!(world.bus.lookup_all(APP_IDENTIFIER).is_empty());
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_administrator_resets_a_password_and_the_member_chooses_a_new_one() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let world = World::new();
    let data = temp_dir();
    let app = world.launch(data.path(), &[]).await;

    // The first account is the administrator.
    app.sign_up("Admin", GOOD_PW, false).await;
    app.save_codes().await;
    app.open_settings().await;
    assert_eq!(app.text_appears("#profile-role").await, "Administrator");
    assert!(app.find("#admin-link").await.is_displayed().await.unwrap());
    app.click("#logout").await;

    // A member: no way into the admin screen, not even by its address.
    app.sign_up("member1", GOOD_PW, false).await;
    app.save_codes().await;
    app.open_settings().await;
    assert_eq!(app.text_appears("#profile-role").await, "Member");
    assert!(!app.find("#admin-link").await.is_displayed().await.unwrap());
    let url = app.client.current_url().await.unwrap().to_string();
    app.client
        .goto(&url.replace("profile.html", "admin.html"))
        .await
        .unwrap();
    app.on_page("profile.html").await;
    app.click("#logout").await;

    // Recent accounts on the sign-in screen fill the username.
    app.on_page("login.html").await;
    let recent = app.text_appears("#recent-list").await;
    assert!(
        recent.contains("member1") && recent.contains("Admin"),
        "{recent}"
    );
    app.screenshot("signin-recent").await;
    app.click("#recent-list li:nth-child(2) .recent-name").await;
    let filled = app.find("#username").await.prop("value").await.unwrap();
    assert_eq!(filled.as_deref(), Some("Admin"));

    // The administrator resets member1's password.
    app.fill("#password", GOOD_PW).await;
    app.click("button[type=submit]").await;
    app.open_settings().await;
    app.click("#admin-link").await;
    app.on_page("admin.html").await;
    // Signing in opened no administrator window: the password is asked for first.
    app.fill("#reauth-password", GOOD_PW).await;
    app.click("#reauth-form button[type=submit]").await;
    app.text_appears("#accounts-body").await;
    // A reset always asks for the administrator's password.
    app.click("tr[data-username='member1'] button.reset").await;
    app.fill("#admin-password", GOOD_PW).await;
    app.click("#confirm-submit").await;
    let temporary = app.text_appears("#temp-password").await;
    assert_eq!(temporary.len(), 19, "{temporary}");
    app.screenshot("admin").await;
    app.click("a[href='profile.html']").await;
    app.on_page("profile.html").await;
    app.click("#logout").await;

    // member1 signs in with it and must choose a new password first.
    app.on_page("login.html").await;
    app.submit("member1", &temporary, false).await;
    app.on_page("change-password.html").await;
    app.fill("#current-password", &temporary).await;
    app.fill("#new-password", "Fresh-Start-2026").await;
    app.fill("#confirm-password", "Fresh-Start-2026").await;
    app.screenshot("forced-change").await;
    app.click("button[type=submit]").await;
    // The reset voided member1's recovery codes: new ones come with the new password.
    assert_eq!(app.save_codes().await.len(), 10);
    app.on_page("home.html").await;
    assert_eq!(app.text_appears("#home-username").await, "member1");
    app.open_settings().await;

    // Changing the password ends member1's other session (made here, as a second launch
    // sharing the data folder would).
    let other = latchkey_engine::Accounts::open(data.path(), Default::default()).unwrap();
    let elsewhere = other
        .sign_in(
            "member1",
            &pw("Fresh-Start-2026"),
            true,
            latchkey_engine::now_ms(),
        )
        .unwrap();
    app.client.refresh().await.unwrap();
    app.on_page("profile.html").await;
    let deadline = Instant::now() + Duration::from_secs(10);
    while app
        .client
        .find_all(Locator::Css("#sessions-list li"))
        .await
        .unwrap()
        .len()
        < 2
    {
        assert!(
            Instant::now() < deadline,
            "the second session never appeared"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    app.fill("#current-password", "Fresh-Start-2026").await;
    app.fill("#new-password", "Second-Choice-77").await;
    app.fill("#confirm-password", "Second-Choice-77").await;
    app.click("#change-password-form button[type=submit]").await;
    assert!(app
        .text_appears("#change-password-done")
        .await
        .contains("signed out everywhere else"));
    assert!(other
        .validate_session(&elsewhere.token, latchkey_engine::now_ms())
        .unwrap()
        .is_none());
    app.screenshot("profile-management").await;
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_damaged_database_is_reported_in_plain_words_and_left_alone() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let world = World::new();
    let data = temp_dir();
    let garbage = vec![0x5au8; 8192];
    std::fs::write(data.path().join("latchkey.db"), &garbage).unwrap();
    let app = world.launch(data.path(), &[]).await;
    app.on_page("login.html").await;
    let message = app.text_appears("#error").await;
    assert!(message.contains("damaged"), "{message}");
    assert!(!message.contains("latchkey.db") && !message.contains(&*data.path().to_string_lossy()));
    app.screenshot("damaged-database").await;
    // The app keeps answering: a sign-in attempt gets the same plain answer.
    app.submit("alice", GOOD_PW, false).await;
    assert!(app.text_appears("#error").await.contains("damaged"));
    app.quit().await;
    assert_eq!(
        std::fs::read(data.path().join("latchkey.db")).unwrap(),
        garbage
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_only_data_folder_is_reported_in_plain_words() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let world = World::new();
    let data = temp_dir();
    let _read_only = crate::common::mounts::Mounted::read_only_bind(data.path());
    let app = world.launch(data.path(), &[]).await;
    app.on_page("login.html").await;
    let message = app.text_appears("#error").await;
    assert!(message.contains("read-only"), "{message}");
    app.screenshot("read-only-folder").await;
    app.quit().await;
}
