//! Directory accounts in the real window, against a real OpenLDAP `slapd` on loopback with
//! TLS: a first sign-in online (recovery codes shown once, a note kept), the same person
//! offline after the server is stopped, someone never seen here told that the directory
//! cannot be reached, a password changed at the directory reopening the notes with the
//! previous one, and the administrator's view of the directory.

use crate::common::slapd::Slapd;
use crate::common::*;
use crate::driver::{World, ONE_AT_A_TIME};

const ADA: &str = "ada-Directory-1";
const GRACE: &str = "grace-Directory-1";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn directory_people_sign_in_online_and_offline_in_the_real_window() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let mut ldap = Slapd::start().expect("slapd");
    let data = temp_dir();
    let settings = data.path().join("directory.toml");
    std::fs::write(
        &settings,
        format!(
            "url = \"{}\"\nca_file = {:?}\n\
             bind_dn = \"uid={{name}},ou=people,dc=example,dc=test\"\n\
             admin_group = \"cn=latchkey-admins,ou=groups,dc=example,dc=test\"\n\
             timeout_seconds = 2\n",
            ldap.ldaps_url(),
            ldap.ca_file()
        ),
    )
    .unwrap();
    let settings = settings.to_string_lossy().into_owned();
    let env = [("LATCHKEY_DIRECTORY_CONFIG", settings.as_str())];
    let world = World::new();

    // Online: Adah's first sign-in here makes her account; her codes are shown once.
    let app = world.launch(data.path(), &env).await;
    app.on_page("login.html").await;
    app.submit("adah", ADA, false).await;
    assert_eq!(app.save_codes().await.len(), 10);
    app.write_note("Shift notes", "Ward 3 keys are in the blue box")
        .await;
    app.quit().await;

    // Offline: the server is gone; the cache signs her in, her note is there.
    ldap.stop().unwrap();
    let app = world.launch(data.path(), &env).await;
    app.on_page("login.html").await;
    app.submit("grace", GRACE, false).await;
    assert!(app
        .text_appears("#error")
        .await
        .contains("cannot reach the directory"));
    app.submit("adah", "wrong-guess-1", false).await;
    assert!(app
        .text_appears("#error")
        .await
        .contains("Incorrect username or password"));
    app.submit("adah", ADA, false).await;
    app.on_page("home.html").await;
    assert!(app
        .text_appears("#notes-list")
        .await
        .contains("Shift notes"));
    app.screenshot("directory-offline-home").await;
    app.quit().await;

    // Online again, with a new password set at the directory: asked once for the previous
    // one, which reopens her notes.
    ldap.restart().unwrap();
    ldap.set_password("adah", "ada-Directory-2").unwrap();
    let app = world.launch(data.path(), &env).await;
    app.on_page("login.html").await;
    app.submit("adah", "ada-Directory-2", false).await;
    app.text_appears("#previous-title").await;
    app.screenshot("directory-previous-password").await;
    let mut audited = Vec::new();
    app.audit("the previous-password step", &mut audited).await;
    app.fill("#previous", ADA).await;
    app.click("#previous-form button[type=submit]").await;
    app.on_page("home.html").await;
    assert!(app
        .text_appears("#notes-list")
        .await
        .contains("Shift notes"));

    // Grace, an administrator by the directory's group, sees the directory's status.
    app.switch_user().await;
    app.submit("grace", GRACE, false).await;
    app.save_codes().await;
    app.open_settings().await;
    assert!(app
        .text("#change-directory")
        .await
        .contains("kept by your organisation's directory"));
    assert_eq!(app.text("#profile-directory-name").await, "Grace Hopper");
    app.screenshot("directory-profile").await;
    app.audit("a directory account's profile", &mut audited)
        .await;
    app.click("#admin-link").await;
    app.on_page("admin.html").await;
    app.fill("#reauth-password", GRACE).await;
    app.click("#reauth-form button[type=submit]").await;
    assert!(app
        .text_appears("#directory-state")
        .await
        .contains("Reachable"));
    assert_eq!(app.text("#directory-cached").await, "2");
    assert!(app
        .text("#directory-server")
        .await
        .starts_with("ldaps://localhost:"));
    app.screenshot("directory-admin").await;
    app.audit("the administrator's screen with a directory", &mut audited)
        .await;
    app.quit().await;

    // Grace's password changes at the directory and she answers "Not now": her notes stay
    // sealed, and the home says why in a directory person's words.
    ldap.set_password("grace", "grace-Directory-2").unwrap();
    let app = world.launch(data.path(), &env).await;
    app.on_page("login.html").await;
    app.submit("grace", "grace-Directory-2", false).await;
    app.text_appears("#previous-title").await;
    app.click("#previous-skip").await;
    app.on_page("home.html").await;
    assert!(app
        .text_appears("#sealed-intro")
        .await
        .contains("changed at the directory"));
    app.quit().await;
}
