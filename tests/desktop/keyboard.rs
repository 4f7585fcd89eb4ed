//! The keyboard alone (Tab, Shift+Tab, Space, Enter and typing) through sign-up, sign-out,
//! sign-in and a password change, with the focus always visible; and Enter that never
//! submits while an input method is composing (Hangul, kana…).
use crate::common::*;
use crate::driver::{Launch, World, ONE_AT_A_TIME};

const TAB: &str = "\u{E004}";
const SHIFT_TAB: &str = "\u{E008}\u{E004}\u{E000}";
const ENTER: &str = "\u{E007}";
const SPACE: &str = " ";

impl Launch {
    /// Presses `key` until the focused element matches `selector` (at most 40 times); the
    /// focus must be visible there.
    async fn press_until(&self, key: &str, selector: &str) {
        for _ in 0..40 {
            let here = self
                .run(&format!(
                    "return !!document.activeElement && document.activeElement.matches({selector:?})"
                ))
                .await;
            if here == true {
                let outline = self
                    .run("return getComputedStyle(document.activeElement).outlineStyle")
                    .await;
                assert_ne!(outline, "none", "no visible focus on {selector}");
                return;
            }
            self.keys(key).await;
        }
        panic!("the keyboard never reached {selector}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_up_out_in_and_change_the_password_with_the_keyboard_alone() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let world = World::new();
    let data = temp_dir();
    let app = world.launch(data.path(), &[]).await;
    app.on_page("login.html").await;
    app.press_until(TAB, "#signup-link").await;
    app.keys(ENTER).await;
    app.on_page("signup.html").await;
    app.press_until(TAB, "#username").await;
    app.keys("Keyboarder").await;
    app.press_until(TAB, "#password").await;
    app.keys(GOOD_PW).await;
    app.press_until(TAB, "#remember").await;
    app.keys(SPACE).await;
    app.press_until(SHIFT_TAB, "#password").await;
    app.press_until(TAB, "#signup-form button[type=submit]")
        .await;
    app.keys(ENTER).await;
    app.text_appears("#codes-list").await;
    app.press_until(TAB, "#codes-saved").await;
    app.keys(SPACE).await;
    app.press_until(TAB, "#codes-form button[type=submit]")
        .await;
    app.keys(ENTER).await;
    app.on_page("home.html").await;
    app.press_until(TAB, "#logout").await;
    app.keys(ENTER).await;
    app.on_page("login.html").await;
    app.press_until(TAB, "#username").await;
    app.keys("keyboarder").await;
    app.press_until(TAB, "#password").await;
    app.keys(GOOD_PW).await;
    app.press_until(TAB, "#login-form button[type=submit]")
        .await;
    app.keys(ENTER).await;
    app.on_page("home.html").await;
    assert_eq!(app.text_appears("#home-username").await, "Keyboarder");
    app.press_until(TAB, "#settings-link").await;
    app.keys(ENTER).await;
    app.on_page("profile.html").await;
    assert_eq!(app.text_appears("#profile-username").await, "Keyboarder");
    app.press_until(TAB, "#current-password").await;
    app.keys(GOOD_PW).await;
    app.press_until(TAB, "#new-password").await;
    app.keys("Keys-Only-Pass-9").await;
    app.press_until(TAB, "#confirm-password").await;
    app.keys("Keys-Only-Pass-9").await;
    app.press_until(TAB, "#change-password-form button[type=submit]")
        .await;
    app.keys(ENTER).await;
    assert!(app
        .text_appears("#change-password-done")
        .await
        .contains("Password changed"));
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enter_never_submits_while_an_input_method_composes() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let world = World::new();
    let data = temp_dir();
    let app = world.launch(data.path(), &[("LANG", "ko_KR.UTF-8")]).await;
    app.on_page("login.html").await;
    let composing = app
        .run(
            "const u = document.getElementById('username');
             u.focus();
             u.dispatchEvent(new CompositionEvent('compositionstart', { bubbles: true, data: '' }));
             u.value = '김';
             u.dispatchEvent(new CompositionEvent('compositionupdate', { bubbles: true, data: '김' }));
             const enter = new KeyboardEvent('keydown', { key: 'Enter', isComposing: true, bubbles: true, cancelable: true });
             const stopped = !u.dispatchEvent(enter);
             document.getElementById('password').value = 'whatever-it-is';
             document.getElementById('login-form').requestSubmit();
             const form = document.getElementById('login-form');
             return { stopped, busy: form.classList.contains('busy'), shown: !document.getElementById('error').hidden };",
        )
        .await;
    assert_eq!(composing["stopped"], true, "{composing}");
    assert_eq!(composing["busy"], false, "{composing}");
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let after = app
        .run("return { shown: !document.getElementById('error').hidden, url: location.href }")
        .await;
    assert_eq!(after["shown"], false, "nothing was submitted: {after}");
    // The composition ends: now Enter submits (and is refused, for an unknown name).
    app.run(
        "const u = document.getElementById('username');
         u.value = '김민준서';
         u.dispatchEvent(new CompositionEvent('compositionend', { bubbles: true, data: '김' }));
         document.getElementById('login-form').requestSubmit(); return 1;",
    )
    .await;
    assert!(app.text_appears("#error").await.contains("올바르지 않아요"));
    app.quit().await;
}
