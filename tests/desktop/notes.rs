//! The private space's screens in the real window: the notes (the signed-in home) and one
//! note; locking, switching people and a restart, each person seeing only their own notes;
//! a space sealed by an administrator's reset, opened with a recovery code or started over;
//! and axe-core on every state of both screens in English and Korean.
use crate::common::*;
use crate::driver::{Launch, World, ONE_AT_A_TIME};
use latchkey_engine::{Accounts, Config};
use std::path::Path;
use std::time::{Duration, Instant};

/// No idle lock: these scenarios lock only when they mean to.
const NO_IDLE_LOCK: (&str, &str) = ("LATCHKEY_LOCK_AFTER_SECS", "0");
/// Escape (WebDriver key code).
const ESCAPE: &str = "\u{E00C}";

/// The titles the home lists, top to bottom.
async fn titles(app: &Launch) -> Vec<String> {
    let listed = app
        .run("return [...document.querySelectorAll('#notes-list li a')].map((a) => a.textContent)")
        .await;
    serde_json::from_value(listed).unwrap()
}

/// Waits (at most 10 s) until the home lists exactly `expected`, top to bottom.
async fn titles_become(app: &Launch, expected: &[&str]) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let now = titles(app).await;
        if now == expected {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "the home lists {now:?}, not {expected:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Whether the element is shown.
async fn shown(app: &Launch, css: &str) -> bool {
    app.find(css).await.is_displayed().await.unwrap()
}

/// From the home: the note listed with `title`, opened.
async fn open_note(app: &Launch, title: &str) {
    app.on_page("home.html").await;
    let clicked = app
        .run(&format!(
            "const a = [...document.querySelectorAll('#notes-list li a')].find((a) => a.textContent === {title:?});
             if (a) a.click(); return !!a;"
        ))
        .await;
    assert_eq!(clicked, true, "no note titled {title:?} on the home");
    app.on_page("note.html").await;
    assert_eq!(app.value("#note-title").await, title);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn notes_are_written_listed_searched_edited_and_deleted() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let world = World::new();
    let data = temp_dir();
    let app = world.launch(data.path(), &[NO_IDLE_LOCK]).await;

    // A new person, kept signed in: an empty home that says who is signed in.
    app.sign_up("Annie", GOOD_PW, true).await;
    app.save_codes().await;
    app.on_page("home.html").await;
    assert_eq!(app.text_appears("#home-username").await, "Annie");
    assert!(app.text("#home-signed-in").await.contains("Signed in as"));
    assert!(app
        .text_appears("#notes-empty")
        .await
        .starts_with("You have no notes yet."));
    assert!(titles(&app).await.is_empty());
    assert!(
        !shown(&app, "#codes-prompt").await,
        "codes made with the space open it"
    );

    // Two notes: the newest first, each with when it last changed.
    app.write_note("Shopping list", "Milk, bread, eggs.").await;
    assert_eq!(app.text("#done").await, "Note saved.");
    app.write_note("Holiday plans", "Jeju in May.").await;
    titles_become(&app, &["Holiday plans", "Shopping list"]).await;
    assert!(!shown(&app, "#notes-empty").await);
    let when = app.text("#notes-list li:first-child .tags").await;
    assert!(when.starts_with("Last changed "), "{when}");
    app.screenshot("notes-home").await;

    // The search filters by title, whatever the case; a search nothing matches says so;
    // "Show all notes" brings the list back.
    app.fill("#search", "SHOP").await;
    app.click("#search-form button[type=submit]").await;
    titles_become(&app, &["Shopping list"]).await;
    assert!(app
        .text_appears("#search-status")
        .await
        .contains("1 note has “SHOP” in its title."));
    app.fill("#search", "eggs").await;
    app.click("#search-form button[type=submit]").await;
    titles_become(&app, &[]).await;
    assert!(app
        .text_appears("#search-status")
        .await
        .contains("No note has “eggs” in its title."));
    assert!(
        !shown(&app, "#notes-empty").await,
        "no match is not 'no notes'"
    );
    app.click("#show-all").await;
    titles_become(&app, &["Holiday plans", "Shopping list"]).await;
    assert_eq!(app.value("#search").await, "");

    // Edit one: its words are loaded; saved, it is the newest.
    open_note(&app, "Shopping list").await;
    assert_eq!(app.text("h1").await, "Edit note");
    assert_eq!(app.value("#note-body").await, "Milk, bread, eggs.");
    assert!(app
        .text_appears("#note-changed")
        .await
        .starts_with("Last changed "));
    app.fill("#note-title", "Groceries").await;
    app.fill("#note-body", "Milk, bread, eggs, rice.").await;
    app.screenshot("notes-edit").await;
    app.click("#note-form button[type=submit]").await;
    app.on_page("home.html").await;
    titles_become(&app, &["Groceries", "Holiday plans"]).await;

    // Delete asks first: Escape (or Cancel) keeps the note, "Yes, delete" deletes it.
    open_note(&app, "Holiday plans").await;
    assert!(!shown(&app, "#delete-confirm").await);
    app.click("#delete-note").await;
    assert!(shown(&app, "#delete-confirm").await);
    assert_eq!(
        app.run("return document.activeElement.id").await,
        "delete-question",
        "the question has the focus"
    );
    app.screenshot("notes-delete-confirm").await;
    app.keys(ESCAPE).await;
    assert!(!shown(&app, "#delete-confirm").await);
    assert_eq!(
        app.run("return document.activeElement.id").await,
        "delete-note"
    );
    app.click("#delete-note").await;
    app.click("#delete-yes").await;
    app.on_page("home.html").await;
    assert_eq!(app.text_appears("#done").await, "Note deleted.");
    titles_become(&app, &["Groceries"]).await;

    // A new note with no title is listed as untitled.
    app.write_note("", "Just a thought.").await;
    titles_become(&app, &["Untitled note", "Groceries"]).await;
    app.quit().await;

    // A restart: Annie was kept signed in, so the window opens on her home, but her notes
    // stay sealed until she gives her password.
    let app = world.launch(data.path(), &[NO_IDLE_LOCK]).await;
    app.on_page("home.html").await;
    assert_eq!(app.text_appears("#home-username").await, "Annie");
    assert!(shown(&app, "#space-closed").await);
    assert!(!shown(&app, "#space-open").await);
    assert!(app
        .text("#open-intro")
        .await
        .contains("Your private space is sealed. Enter your password to open it."));
    assert!(titles(&app).await.is_empty(), "no title shown while sealed");
    assert_eq!(
        app.run("return document.activeElement.id").await,
        "open-password"
    );
    app.screenshot("notes-closed").await;
    app.fill("#open-password", "Wrong-Guess-1").await;
    app.click("#open-form button[type=submit]").await;
    assert!(app
        .text_appears("#open-password-error")
        .await
        .contains("Incorrect"));
    assert!(!shown(&app, "#space-open").await);
    app.fill("#open-password", GOOD_PW).await;
    app.click("#open-form button[type=submit]").await;
    titles_become(&app, &["Untitled note", "Groceries"]).await;
    assert!(!shown(&app, "#space-closed").await);
    open_note(&app, "Groceries").await;
    assert_eq!(app.value("#note-body").await, "Milk, bread, eggs, rice.");
    app.click("#back-link").await;
    app.on_page("home.html").await;
    app.click("#logout").await;
    app.on_page("login.html").await;
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_person_sees_only_their_own_notes_across_locks_and_switches() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let world = World::new();
    let data = temp_dir();
    let app = world.launch(data.path(), &[NO_IDLE_LOCK]).await;

    app.sign_up("Annie", GOOD_PW, false).await;
    app.save_codes().await;
    app.write_note("Annie's diary", "Dear diary.").await;
    app.write_note("Annie's list", "Tea.").await;
    titles_become(&app, &["Annie's list", "Annie's diary"]).await;

    // Locked and unlocked with the password: the notes are still there.
    app.click("#lock").await;
    app.on_page("lock.html").await;
    app.fill("#password", GOOD_PW).await;
    app.click("#unlock-form button[type=submit]").await;
    app.on_page("home.html").await;
    titles_become(&app, &["Annie's list", "Annie's diary"]).await;

    // While she is locked, a note's address sends the window to the lock screen.
    app.click("#lock").await;
    app.on_page("lock.html").await;
    let url = app.client.current_url().await.unwrap().to_string();
    app.client
        .goto(&url.replace("lock.html", "note.html"))
        .await
        .unwrap();
    app.on_page("lock.html").await;

    // Switch user: Bobby's home has none of Annie's notes; he writes his own.
    app.click("#switch-user").await;
    app.on_page("login.html").await;
    app.sign_up("Bobby", "another-Good-pw-7", false).await;
    app.save_codes().await;
    app.on_page("home.html").await;
    assert_eq!(app.text_appears("#home-username").await, "Bobby");
    assert!(titles(&app).await.is_empty());
    assert!(shown(&app, "#notes-empty").await);
    app.fill("#search", "Annie").await;
    app.click("#search-form button[type=submit]").await;
    app.text_appears("#search-status").await;
    assert!(titles(&app).await.is_empty());
    app.write_note("Bobby's note", "Mine.").await;
    titles_become(&app, &["Bobby's note"]).await;

    // Switch back: Annie signs in with her password and sees only her notes.
    app.switch_user().await;
    app.submit("annie", GOOD_PW, false).await;
    app.on_page("home.html").await;
    assert_eq!(app.text_appears("#home-username").await, "Annie");
    titles_become(&app, &["Annie's list", "Annie's diary"]).await;
    app.fill("#search", "Bobby").await;
    app.click("#search-form button[type=submit]").await;
    titles_become(&app, &[]).await;
    app.click("#show-all").await;
    titles_become(&app, &["Annie's list", "Annie's diary"]).await;

    // And Bobby, back in turn, still has his.
    app.click("#switch-user").await;
    app.on_page("login.html").await;
    app.submit("bobby", "another-Good-pw-7", false).await;
    app.on_page("home.html").await;
    titles_become(&app, &["Bobby's note"]).await;
    app.quit().await;
}

/// What the sealed-space scenarios start from, made with the engine before the app starts:
/// an administrator, and two members with a note each whose passwords the administrator
/// reset (their private spaces sealed). Returns the first member's recovery codes (from
/// before the reset) and the two temporary passwords.
fn prepare_sealed(dir: &Path) -> (Vec<String>, String, String) {
    let a = Accounts::open(dir, Config::default()).unwrap();
    let now = latchkey_engine::now_ms();
    let admin = a.sign_up("Admin", &pw(GOOD_PW), false, now).unwrap();
    let mut temporary = Vec::new();
    let mut codes = Vec::new();
    for (name, title) in [
        ("member", "Before the reset"),
        ("member2", "Sealed for good"),
    ] {
        let member = a.sign_up(name, &pw(GOOD_PW), false, now).unwrap();
        let key = member.data_key.as_ref().expect("an open space at sign-up");
        a.save_note(&member.user.id, key, None, title, "Written before.", now)
            .unwrap();
        if codes.is_empty() {
            codes = member
                .recovery_codes
                .as_ref()
                .unwrap()
                .expose()
                .map(str::to_owned)
                .collect();
        }
        let reset = a
            .admin_reset_password(&admin.session, &member.user.id, &pw(GOOD_PW), now)
            .unwrap();
        temporary.push(reset.expose().to_owned());
    }
    let second = temporary.pop().unwrap();
    (codes, temporary.pop().unwrap(), second)
}

/// Signs in with a temporary password and chooses `new_password`: the new recovery codes
/// are saved, and the window goes on to the home.
async fn choose_new_password(app: &Launch, name: &str, temporary: &str, new_password: &str) {
    app.on_page("login.html").await;
    app.submit(name, temporary, false).await;
    app.on_page("change-password.html").await;
    app.fill("#current-password", temporary).await;
    app.fill("#new-password", new_password).await;
    app.fill("#confirm-password", new_password).await;
    app.click("button[type=submit]").await;
    app.save_codes().await;
    app.on_page("home.html").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_space_sealed_by_a_reset_opens_with_a_recovery_code_or_starts_over() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let world = World::new();
    let data = temp_dir();
    let (codes, temporary, temporary2) = prepare_sealed(data.path());
    let app = world.launch(data.path(), &[NO_IDLE_LOCK]).await;

    // After the reset and a new password: the notes stay sealed, with the two ways out.
    choose_new_password(&app, "member", &temporary, "Fresh-Start-2026").await;
    assert!(shown(&app, "#space-sealed").await);
    assert!(!shown(&app, "#space-open").await);
    assert!(app
        .text("#sealed-intro")
        .await
        .contains("An administrator reset your password."));
    assert!(titles(&app).await.is_empty());
    app.screenshot("notes-sealed").await;

    // Starting over needs the box ticked; a code that is not hers does not open it.
    app.fill("#start-over-password", "Fresh-Start-2026").await;
    app.click("#start-over-form button[type=submit]").await;
    assert!(app
        .text_appears("#start-over-confirm-error")
        .await
        .contains("Confirm"));
    app.fill("#unseal-code", "aaaa-bbbb-cccc-dddd").await;
    app.fill("#unseal-password", "Fresh-Start-2026").await;
    app.click("#unseal-form button[type=submit]").await;
    let said = app.text_appears("#unseal-code-error").await;
    assert!(said.contains("does not open your private space"), "{said}");
    assert_eq!(
        app.run("return document.getElementById('unseal-code').getAttribute('aria-invalid')")
            .await,
        "true"
    );

    // One of her codes from before the reset, with her current password: new codes,
    // shown once, then her notes.
    app.fill("#unseal-code", &codes[0]).await;
    app.fill("#unseal-password", "Fresh-Start-2026").await;
    app.click("#unseal-form button[type=submit]").await;
    assert_eq!(app.save_codes().await.len(), 10);
    titles_become(&app, &["Before the reset"]).await;
    assert!(!shown(&app, "#space-sealed").await);
    assert!(!shown(&app, "#codes-prompt").await);
    app.click("#logout").await;

    // The other member starts over: an empty space, and new codes.
    choose_new_password(&app, "member2", &temporary2, "Second-Start-2026").await;
    assert!(shown(&app, "#space-sealed").await);
    app.fill("#start-over-password", "Second-Start-2026").await;
    app.click("#start-over-confirm").await;
    app.click("#start-over-form button[type=submit]").await;
    assert_eq!(app.save_codes().await.len(), 10);
    app.text_appears("#notes-empty").await;
    assert!(titles(&app).await.is_empty());
    app.write_note("After the reset", "A fresh start.").await;
    titles_become(&app, &["After the reset"]).await;
    app.click("#logout").await;

    // The administrator's log says what each did, in words.
    app.on_page("login.html").await;
    app.submit("admin", GOOD_PW, false).await;
    app.open_settings().await;
    app.click("#admin-link").await;
    app.on_page("admin.html").await;
    app.fill("#reauth-password", GOOD_PW).await;
    app.click("#reauth-form button[type=submit]").await;
    let events = app.text_appears("#events-list").await;
    assert!(
        events.contains("private space opened with a recovery code"),
        "{events}"
    );
    assert!(
        events.contains("private space emptied to start over"),
        "{events}"
    );
    app.quit().await;
}

/// Every state of the home and of a note, audited in the language the app is in: writes a
/// note as `writer` (kept signed in), and ends with the app quit while `writer` is still
/// signed in.
async fn walk_writing(app: &Launch, writer: &str, audited: &mut Vec<String>, reflow: bool) {
    app.sign_up(writer, GOOD_PW, true).await;
    app.save_codes().await;
    app.on_page("home.html").await;
    app.text_appears("#notes-empty").await;
    app.audit("home, no notes", audited).await;
    app.click("#new-note").await;
    app.on_page("note.html").await;
    app.audit("new note", audited).await;
    app.fill("#note-title", "Recipe").await;
    app.fill("#note-body", "Kimchi fried rice.").await;
    app.click("#note-form button[type=submit]").await;
    app.on_page("home.html").await;
    app.text_appears("#done").await;
    titles_become(app, &["Recipe"]).await;
    app.audit("home with a note", audited).await;
    let lang = app.run("return document.documentElement.lang").await;
    app.screenshot(&format!("notes-{}-home", lang.as_str().unwrap_or("")))
        .await;
    if reflow {
        app.reflows_at(5, "home").await;
        app.reflows_at(15, "home").await;
    }
    app.fill("#search", "zzz").await;
    app.click("#search-form button[type=submit]").await;
    app.text_appears("#search-status").await;
    app.audit("home, nothing found", audited).await;
    app.click("#show-all").await;
    titles_become(app, &["Recipe"]).await;

    open_note(app, "Recipe").await;
    app.audit("note", audited).await;
    app.screenshot(&format!("notes-{}-note", lang.as_str().unwrap_or("")))
        .await;
    if reflow {
        app.reflows_at(15, "note").await;
    }
    app.click("#delete-note").await;
    app.audit("note, asking before deleting", audited).await;
    app.click("#delete-cancel").await;
    // Text over the limit: the error on the field, the GOV.UK way.
    app.run("document.getElementById('note-body').value = 'x'.repeat(1100000); return 1;")
        .await;
    app.click("#note-form button[type=submit]").await;
    app.text_appears("#note-body-error").await;
    assert_eq!(
        app.run("return document.getElementById('note-body').getAttribute('aria-invalid')")
            .await,
        "true"
    );
    assert_eq!(
        app.run("return document.activeElement.classList.contains('error-summary')")
            .await,
        true
    );
    app.audit("note with a field error", audited).await;
    app.click("#back-link").await;
    app.on_page("home.html").await;
}

/// After a restart with `writer` kept: the home with the space closed (audited), opened
/// with the password; then the sealed member's home (audited, also with an error), and
/// signed out.
async fn walk_sealed(
    app: &Launch,
    sealed_password: &str,
    temporary: Option<&str>,
    audited: &mut Vec<String>,
) {
    app.on_page("home.html").await;
    app.find("#open-password").await;
    app.audit("home, closed", audited).await;
    app.fill("#open-password", "Wrong-Guess-1").await;
    app.click("#open-form button[type=submit]").await;
    app.text_appears("#open-password-error").await;
    app.audit("home, closed with an error", audited).await;
    app.fill("#open-password", GOOD_PW).await;
    app.click("#open-form button[type=submit]").await;
    titles_become(app, &["Recipe"]).await;
    app.click("#logout").await;

    match temporary {
        Some(temporary) => choose_new_password(app, "member", temporary, sealed_password).await,
        None => {
            app.on_page("login.html").await;
            app.submit("member", sealed_password, false).await;
            app.on_page("home.html").await;
        }
    }
    app.text_appears("#sealed-intro").await;
    app.audit("home, sealed", audited).await;
    let lang = app.run("return document.documentElement.lang").await;
    app.screenshot(&format!("notes-{}-sealed", lang.as_str().unwrap_or("")))
        .await;
    app.click("#start-over-form button[type=submit]").await;
    app.text_appears("#start-over-confirm-error").await;
    app.audit("home, sealed with an error", audited).await;
    app.click("#logout").await;
    app.on_page("login.html").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_notes_screens_pass_axe_in_english_and_korean() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let world = World::new();
    let data = temp_dir();
    let (_, temporary, _) = prepare_sealed(data.path());
    let korean = [NO_IDLE_LOCK, ("LANG", "ko_KR.UTF-8")];
    let mut audited = Vec::new();

    // The system says Korean: the window follows it.
    let app = world.launch(data.path(), &korean).await;
    app.on_page("login.html").await;
    assert_eq!(app.run("return document.documentElement.lang").await, "ko");
    walk_writing(&app, "writer-ko", &mut audited, true).await;
    assert_eq!(app.text("h1").await, "내 메모");
    app.quit().await;
    let app = world.launch(data.path(), &korean).await;
    walk_sealed(&app, "Fresh-Start-2026", Some(&temporary), &mut audited).await;

    // English, chosen on the sign-in screen (and remembered at the restart).
    crate::a11y::choose_language(&app, "en").await;
    walk_writing(&app, "writer-en", &mut audited, false).await;
    assert_eq!(app.text("h1").await, "Your notes");
    app.quit().await;
    let app = world.launch(data.path(), &korean).await;
    walk_sealed(&app, "Fresh-Start-2026", None, &mut audited).await;
    app.quit().await;

    println!(
        "axe: 0 violations on {} audits ({:?})",
        audited.len(),
        audited
    );
    // 11 states × 2 languages, each in the language it was meant to be in.
    assert_eq!(audited.len(), 22, "{audited:?}");
    assert_eq!(
        audited.iter().filter(|a| a.contains("[\"ko\" ")).count(),
        11
    );
    assert_eq!(
        audited.iter().filter(|a| a.contains("[\"en\" ")).count(),
        11
    );
}
