//! Korean and English, and usable by everyone, in the real window: axe-core (WCAG 2 A and
//! AA, 2.1 AA, 2.2 AA) on every screen in both languages and both colour schemes; text
//! that reflows at 200 % and 400 % zoom; the whole of sign-up, sign-out, sign-in and a
//! password change with the keyboard alone; Enter that never submits while an input method
//! composes; and screenshots of every screen in Korean.
use crate::common::*;
use crate::driver::{screenshot_dir, Launch, World, ONE_AT_A_TIME};
use latchkey_engine::policy::totp::code_at;
use latchkey_engine::{Accounts, Config};
use std::path::Path;

const TAGS: &str = "['wcag2a', 'wcag2aa', 'wcag21aa', 'wcag22aa']";

/// Accounts the screens need, made with the engine before the app starts: an administrator,
/// a member with two-step sign-in, and a member whose password was reset.
fn prepare(dir: &Path) -> String {
    let a = Accounts::open(dir, Config::default()).unwrap();
    let now = latchkey_engine::now_ms();
    let admin = a.sign_up("Admin", &pw(GOOD_PW), false, now).unwrap();
    let member = a.sign_up("stepper", &pw(GOOD_PW), false, now).unwrap();
    let setup = a.two_step_setup(&member.user).unwrap();
    let code = code_at(&setup.secret, now).unwrap();
    a.enable_two_step(&member.user.id, &pw(GOOD_PW), &setup.secret, &code, now)
        .unwrap();
    let forced = a.sign_up("forced", &pw(GOOD_PW), false, now).unwrap();
    a.admin_reset_password(&admin.session, &forced.user.id, &pw(GOOD_PW), now)
        .unwrap()
        .expose()
        .to_owned()
}

impl Launch {
    /// Runs axe-core on the page; panics with the violations, if any.
    pub(crate) async fn audit(&self, screen: &str, audited: &mut Vec<String>) {
        let found = self.axe().await;
        let (lang, dark) = (
            self.run("return document.documentElement.lang").await,
            self.run("return matchMedia('(prefers-color-scheme: dark)').matches")
                .await,
        );
        let name = format!(
            "{screen} [{lang} {}]",
            if dark == true { "dark" } else { "light" }
        );
        assert_eq!(found.as_str(), Some("[]"), "axe found violations on {name}");
        audited.push(name);
    }

    /// The control: a field without a label, added for a moment, must be found.
    async fn axe_finds_a_planted_violation(&self) {
        self.run("const i = document.createElement('input'); i.id = 'axe-control'; document.querySelector('main').append(i); return 1;").await;
        let found = self.axe().await;
        self.run("document.getElementById('axe-control').remove(); return 1;")
            .await;
        assert!(
            found
                .as_str()
                .is_some_and(|f| f.contains("\"label\"") && f.contains("axe-control")),
            "axe missed a field without a label: {found}"
        );
    }

    /// axe-core's violations on the page, as JSON text.
    async fn axe(&self) -> serde_json::Value {
        let axe = std::fs::read_to_string("target/e2e-tools/node_modules/axe-core/axe.min.js")
            .expect("axe-core (make deps installs it into target/e2e-tools)");
        self.client
            .execute(&format!("{axe}\nreturn true;"), vec![])
            .await
            .unwrap();
        let script = format!(
            "const done = arguments[arguments.length - 1];
             axe.run(document, {{ runOnly: {{ type: 'tag', values: {TAGS} }} }})
               .then((r) => done(JSON.stringify(r.violations.map((v) =>
                 ({{ id: v.id, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')) }})))))
               .catch((e) => done('axe failed: ' + e));"
        );
        self.client.execute_async(&script, vec![]).await.unwrap()
    }

    /// Zooms to `steps` × 20 % more (Ctrl +) and checks that nothing scrolls sideways.
    pub(crate) async fn reflows_at(&self, steps: usize, screen: &str) {
        self.client
            .execute("window.scrollTo(0, 0); return 1;", vec![])
            .await
            .unwrap();
        for _ in 0..steps {
            self.keys("\u{E009}=\u{E000}").await;
        }
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        let overflow = self
            .run("return document.documentElement.scrollWidth - document.documentElement.clientWidth")
            .await;
        let percent = 100 + 20 * steps;
        let slug = screen.replace(' ', "-");
        self.screenshot(&format!("zoom-{percent}-{slug}")).await;
        assert!(
            overflow.as_i64().unwrap_or(1) <= 0,
            "{screen} scrolls sideways by {overflow} px at {percent}%"
        );
        self.keys("\u{E009}0\u{E000}").await;
    }
}

/// Every screen, audited, in the language the app is in (and, for Korean, photographed).
async fn walk(app: &Launch, temporary: &str, tag: &str, audited: &mut Vec<String>) {
    let shot = |name: &str| format!("{tag}-{name}");
    app.on_page("login.html").await;
    app.audit("sign-in", audited).await;
    app.screenshot(&shot("signin")).await;
    app.click("a[href='signup.html']").await;
    app.on_page("signup.html").await;
    app.audit("sign-up", audited).await;
    app.screenshot(&shot("signup")).await;
    // A field's own error, the GOV.UK way: the summary has the focus and links to the
    // field, which is marked invalid and described by its own message.
    app.fill("#username", "fieldcheck").await;
    app.fill("#password", "short").await;
    app.click("#signup-form button[type=submit]").await;
    app.text_appears("#password-error").await;
    assert_eq!(
        app.run("return document.getElementById('password').getAttribute('aria-invalid')")
            .await,
        "true"
    );
    assert_eq!(
        app.run("return document.getElementById('password').getAttribute('aria-describedby').split(' ').includes('password-error')")
            .await,
        true
    );
    assert_eq!(
        app.run("return document.activeElement.classList.contains('error-summary')")
            .await,
        true,
        "the summary has the focus"
    );
    assert_eq!(
        app.run(
            "return document.querySelector('#signup-form .error-summary a').getAttribute('href')"
        )
        .await,
        "#password"
    );
    app.audit("sign-up with a field error", audited).await;
    app.click("a[href='login.html']").await;
    app.on_page("login.html").await;
    app.click("#forgot-link").await;
    app.on_page("recover.html").await;
    app.audit("recovery", audited).await;
    app.screenshot(&shot("recover")).await;
    app.click("a[href='login.html']").await;
    app.on_page("login.html").await;

    // A wrong password: the error summary and the field's message.
    app.submit("admin", "Wrong-Guess-1", false).await;
    app.text_appears("#error").await;
    app.audit("sign-in with an error", audited).await;
    app.screenshot(&shot("signin-error")).await;

    app.submit("stepper", GOOD_PW, false).await;
    app.text_appears("#code-title").await;
    app.audit("two-step code", audited).await;
    app.screenshot(&shot("signin-code")).await;
    app.click("#code-cancel").await;

    app.submit("forced", temporary, false).await;
    app.on_page("change-password.html").await;
    app.audit("forced password change", audited).await;
    app.screenshot(&shot("forced-change")).await;
    app.click("#logout").await;
    app.on_page("login.html").await;

    let name = format!("person-{tag}");
    app.sign_up(&name, GOOD_PW, false).await;
    app.text_appears("#codes-list").await;
    app.audit("recovery codes", audited).await;
    app.screenshot(&shot("codes")).await;
    app.save_codes().await;
    app.open_settings().await;
    app.audit("profile", audited).await;
    app.screenshot(&shot("profile")).await;
    app.click("#twostep-on").await;
    app.on_page("two-step.html").await;
    app.text_appears("#secret").await;
    app.audit("two-step setup", audited).await;
    app.screenshot(&shot("two-step")).await;
    app.click("#lock").await;
    app.on_page("lock.html").await;
    app.audit("lock", audited).await;
    app.screenshot(&shot("lock")).await;
    let gap = app.run(GAP_UNDER_UNLOCK).await.as_f64().unwrap_or(0.0);
    assert!(gap >= 8.0, "the row under Unlock sits {gap} px below it");
    app.click("#logout").await;
    app.on_page("login.html").await;

    app.submit("admin", GOOD_PW, false).await;
    app.open_settings().await;
    app.click("#admin-link").await;
    app.on_page("admin.html").await;
    app.text_appears("#reauth-form").await;
    app.audit("administrator, password again", audited).await;
    app.fill("#reauth-password", GOOD_PW).await;
    app.click("#reauth-form button[type=submit]").await;
    app.text_appears("#accounts-body").await;
    app.audit("administrator", audited).await;
    app.screenshot(&shot("admin")).await;
    let events = app.text_appears("#events-list").await;
    assert!(
        !events.is_empty() && !events.contains("::") && !has_time_then_colon(&events),
        "an activity line reads badly: {events}"
    );
    app.click("tr[data-username='stepper'] button.reset").await;
    app.text_appears("#confirm-title").await;
    app.audit("administrator, confirming", audited).await;
    assert_eq!(
        app.run(LINES_OF_CANCEL).await,
        1,
        "Cancel breaks across lines"
    );
    app.click("#confirm-cancel").await;
    app.click("#lock").await;
    app.on_page("lock.html").await;
    app.click("#logout").await;
    app.on_page("login.html").await;
    // Each "Forget" button's accessible name holds its visible words in one piece (WCAG
    // 2.5.3, label in name).
    app.text_appears("#recent-list .forget").await;
    assert_eq!(app.run(LABEL_IN_NAME).await, true, "a Forget button's name");
}

/// How many lines the administrator's confirmation's Cancel button takes.
const LINES_OF_CANCEL: &str = "const b = document.getElementById('confirm-cancel');
    const r = document.createRange(); r.selectNodeContents(b);
    return new Set([...r.getClientRects()].map((x) => Math.round(x.top))).size;";

/// The space between the lock screen's Unlock button and the row beneath it, in pixels.
const GAP_UNDER_UNLOCK: &str =
    "const unlock = document.querySelector('#unlock-form button[type=submit]');
    const row = document.getElementById('switch-user');
    return row.getBoundingClientRect().top - unlock.getBoundingClientRect().bottom;";

/// Whether every Forget button's accessible name contains its visible text.
const LABEL_IN_NAME: &str = "return [...document.querySelectorAll('#recent-list .forget')]
    .every((b) => (b.getAttribute('aria-label') || b.textContent).includes(b.textContent.trim()));";

/// Whether a time such as 7:28 is followed at once by another colon (\"7:28: …\").
fn has_time_then_colon(text: &str) -> bool {
    let chars: Vec<char> = text.chars().collect();
    chars.windows(5).any(|w| {
        w[0].is_ascii_digit()
            && w[1] == ':'
            && w[2].is_ascii_digit()
            && w[3].is_ascii_digit()
            && w[4] == ':'
    })
}

/// Picks a language with the sign-in screen's picker (remembered for this OS account).
pub(crate) async fn choose_language(app: &Launch, tag: &str) {
    app.on_page("login.html").await;
    app.find(&format!("#language option[value='{tag}']"))
        .await
        .click()
        .await
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while app.run("return document.documentElement.lang").await != tag {
        assert!(
            std::time::Instant::now() < deadline,
            "the page never became {tag}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_screen_passes_axe_in_both_languages_and_both_colour_schemes() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let world = World::new();
    let data = temp_dir();
    let temporary = prepare(data.path());
    let mut audited = Vec::new();
    for (theme, scheme) in [("Adwaita", "light"), ("Adwaita:dark", "dark")] {
        // The system says Korean: the window follows it.
        let app = world
            .launch(
                data.path(),
                &[("GTK_THEME", theme), ("LANG", "ko_KR.UTF-8")],
            )
            .await;
        app.on_page("login.html").await;
        app.axe_finds_a_planted_violation().await;
        assert_eq!(app.run("return document.documentElement.lang").await, "ko");
        assert_eq!(app.text("h1").await, "로그인");
        assert_eq!(
            app.run("return matchMedia('(prefers-color-scheme: dark)').matches")
                .await,
            scheme == "dark",
            "the page is in the {scheme} scheme"
        );
        walk(&app, &temporary, &format!("ko-{scheme}"), &mut audited).await;
        // Chosen on the sign-in screen, English replaces it.
        choose_language(&app, "en").await;
        walk(&app, &temporary, &format!("en-{scheme}"), &mut audited).await;
        choose_language(&app, "ko").await;
        app.quit().await;
    }
    println!(
        "axe: 0 violations on {} audits ({:?})",
        audited.len(),
        audited
    );
    // 14 screens and states × 2 languages × 2 colour schemes.
    assert_eq!(audited.len(), 56);
    assert!(screenshot_dir().join("ko-light-admin.png").exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn text_reflows_at_200_and_400_percent_without_sideways_scrolling() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let world = World::new();
    let data = temp_dir();
    let temporary = prepare(data.path());
    let app = world.launch(data.path(), &[("LANG", "ko_KR.UTF-8")]).await;
    app.on_page("login.html").await;
    app.reflows_at(5, "sign-in").await;
    app.reflows_at(15, "sign-in").await;
    app.submit("forced", &temporary, false).await;
    app.on_page("change-password.html").await;
    app.reflows_at(15, "forced password change").await;
    app.click("#logout").await;
    app.on_page("login.html").await;
    app.submit("admin", GOOD_PW, false).await;
    app.open_settings().await;
    app.reflows_at(5, "profile").await;
    app.reflows_at(15, "profile").await;
    app.click("#admin-link").await;
    app.on_page("admin.html").await;
    app.fill("#reauth-password", GOOD_PW).await;
    app.click("#reauth-form button[type=submit]").await;
    app.text_appears("#accounts-body").await;
    app.reflows_at(5, "administrator").await;
    app.reflows_at(15, "administrator").await;
    app.quit().await;
}
