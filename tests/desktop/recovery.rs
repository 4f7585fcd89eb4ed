//! Forgotten passwords and two-step sign-in in the real window: a recovery code used once,
//! turning two-step sign-in on with a code computed from the secret the page shows (by
//! Python's pyotp, an independent implementation), and signing in with it.
use crate::common::*;
use crate::driver::{World, ONE_AT_A_TIME};

/// The code for `secret` (base32, as the page shows it) at the step `steps_ahead` steps
/// from now, computed by pyotp.
fn totp(secret: &str, steps_ahead: u64) -> String {
    let at = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        + 30 * steps_ahead;
    let script = "import sys, pyotp; print(pyotp.TOTP(sys.argv[1]).at(int(sys.argv[2])))";
    let out = std::process::Command::new("/usr/bin/python3")
        .args(["-c", script, &secret.replace(' ', ""), &at.to_string()])
        .output()
        .expect("python3 with pyotp (Debian: python3-pyotp)");
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recovery_codes_and_two_step_sign_in_in_the_real_window() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let world = World::new();
    let data = temp_dir();
    let app = world.launch(data.path(), &[]).await;
    app.sign_up("Carol", GOOD_PW, false).await;
    app.screenshot("signup-codes").await;
    let codes = app.save_codes().await;
    assert_eq!(codes.len(), 10);
    app.open_settings().await;
    assert!(app
        .text_appears("#recovery-left")
        .await
        .contains("10 recovery codes left"));

    // Two-step sign-in: the secret from the page, a code from pyotp.
    app.click("#twostep-on").await;
    app.on_page("two-step.html").await;
    let secret = app.text_appears("#secret").await;
    assert_eq!(secret.replace(' ', "").len(), 32, "{secret}");
    assert!(app
        .find("#qr svg path")
        .await
        .attr("d")
        .await
        .unwrap()
        .is_some());
    app.screenshot("two-step-setup").await;
    app.fill("#setup-password", GOOD_PW).await;
    app.fill("#code", "000000").await;
    app.click("#setup-form button[type=submit]").await;
    assert!(app
        .text_appears("#setup-error")
        .await
        .contains("That code is not right."));
    app.fill("#setup-password", GOOD_PW).await;
    app.fill("#code", &totp(&secret, 0)).await;
    app.click("#setup-form button[type=submit]").await;
    app.on_page("profile.html").await;
    assert!(app.text_appears("#twostep-state").await.starts_with("On"));

    // Signing in now asks for a code after the password (the next step's: the current
    // one was just used, and a code is never accepted twice).
    app.click("#logout").await;
    app.on_page("login.html").await;
    app.submit("carol", GOOD_PW, false).await;
    app.text_appears("#code-title").await;
    app.screenshot("signin-code").await;
    app.fill("#code", &totp(&secret, 1)).await;
    app.click("#code-form button[type=submit]").await;
    app.on_page("home.html").await;
    assert_eq!(app.text_appears("#home-username").await, "Carol");

    // Forgot the password: a recovery code sets a new one and signs her in.
    app.click("#logout").await;
    app.on_page("login.html").await;
    app.click("#forgot-link").await;
    app.on_page("recover.html").await;
    app.fill("#username", "carol").await;
    app.fill("#code", &codes[0].to_uppercase()).await;
    app.fill("#new-password", "Fresh-Start-2026").await;
    app.fill("#confirm-password", "Fresh-Start-2026").await;
    app.screenshot("recover").await;
    app.click("#recover-form button[type=submit]").await;
    app.open_settings().await;
    assert!(app
        .text_appears("#recovery-left")
        .await
        .contains("9 recovery codes left"));

    // The same code again: refused, with the answer that does not tell whether the name
    // exists.
    app.click("#logout").await;
    app.on_page("login.html").await;
    app.click("#forgot-link").await;
    app.on_page("recover.html").await;
    app.fill("#username", "carol").await;
    app.fill("#code", &codes[0]).await;
    app.fill("#new-password", "Another-Start-2027").await;
    app.fill("#confirm-password", "Another-Start-2027").await;
    app.click("#recover-form button[type=submit]").await;
    assert!(app
        .text_appears("#error")
        .await
        .contains("Incorrect username or recovery code."));
    app.quit().await;
}
