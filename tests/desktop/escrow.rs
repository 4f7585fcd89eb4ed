//! Key escrow through the real window: the administrator turns it on in the admin screen
//! (with their password); sign-up and account settings then tell every member; the reset's
//! confirmation says the member's data will be kept, the result says it was, and the member
//! finds their notes after choosing a new password.
use crate::common::*;
use crate::driver::{World, ONE_AT_A_TIME};

const NO_IDLE_LOCK: (&str, &str) = ("LATCHKEY_LOCK_AFTER_SECS", "0");
const NOTICE: &str = "The administrator of this computer can recover your private data.";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_escrow_on_a_reset_keeps_the_members_notes_and_everyone_is_told() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let world = World::new();
    let data = temp_dir();
    let app = world.launch(data.path(), &[NO_IDLE_LOCK]).await;

    // The administrator turns escrow on.
    app.sign_up("Admin", GOOD_PW, false).await;
    app.save_codes().await;
    app.open_settings().await;
    assert!(!app
        .find("#escrow-notice")
        .await
        .is_displayed()
        .await
        .unwrap());
    app.click("#admin-link").await;
    app.on_page("admin.html").await;
    app.fill("#reauth-password", GOOD_PW).await;
    app.click("#reauth-form button[type=submit]").await;
    app.text_appears("#accounts-body").await;
    assert!(app.text_appears("#escrow-state").await.starts_with("Off."));
    app.fill("#escrow-password", "Wrong-Guess-1").await;
    app.click("#escrow-form button[type=submit]").await;
    app.text_appears("#escrow-password-error").await;
    app.fill("#escrow-password", GOOD_PW).await;
    app.click("#escrow-form button[type=submit]").await;
    assert!(app
        .text_appears("#escrow-done")
        .await
        .starts_with("Turned on."));
    assert!(app.text("#escrow-state").await.starts_with("On."));
    app.screenshot("admin-escrow-on").await;
    app.switch_user().await;

    // Sign-up tells the new member before they make their account.
    app.click("#signup-link").await;
    app.on_page("signup.html").await;
    assert_eq!(app.text_appears("#escrow-notice").await, NOTICE);
    app.fill("#username", "Member").await;
    app.fill("#password", GOOD_PW).await;
    app.click("button[type=submit]").await;
    app.save_codes().await;
    app.write_note("Kept through a reset", "still here").await;
    app.open_settings().await;
    assert_eq!(app.text_appears("#escrow-notice").await, NOTICE);
    app.click("#logout").await;

    // The administrator resets the member: told before, and after, that the data is kept.
    app.on_page("login.html").await;
    app.submit("Admin", GOOD_PW, false).await;
    app.open_settings().await;
    app.click("#admin-link").await;
    app.on_page("admin.html").await;
    // (Her session was resumed, so her password from a minute ago still counts.)
    app.text_appears("#accounts-body").await;
    app.click("tr[data-username='Member'] button.reset").await;
    assert!(app
        .text_appears("#confirm-hint")
        .await
        .ends_with("Their private data will be kept."));
    app.fill("#admin-password", GOOD_PW).await;
    app.click("#confirm-submit").await;
    let temporary = app.text_appears("#temp-password").await;
    assert_eq!(app.text("#temp-data").await, "Their private data was kept.");
    app.click("a[href='profile.html']").await;
    app.on_page("profile.html").await;
    app.click("#logout").await;

    // The member chooses a new password and finds their note.
    app.on_page("login.html").await;
    app.submit("Member", &temporary, false).await;
    app.on_page("change-password.html").await;
    app.fill("#current-password", &temporary).await;
    app.fill("#new-password", "Fresh-Start-2026").await;
    app.fill("#confirm-password", "Fresh-Start-2026").await;
    app.click("button[type=submit]").await;
    app.save_codes().await;
    app.on_page("home.html").await;
    app.until(
        "return [...document.querySelectorAll('#notes-list li a')]
            .some((a) => a.textContent === 'Kept through a reset')",
    )
    .await;
    app.quit().await;
}
