//! Directory accounts when things go wrong, against a real OpenLDAP `slapd`: a server that
//! hangs, a certificate from another CA, settings that find nobody or cannot be used, and
//! attempts the directory did not refuse; and the commands through IPC.

use crate::common::ipc::{creds, err_code, TestApp};
use crate::common::slapd::{HangingServer, OtherCa, Slapd};
use crate::common::{cheap_config, code, pw, temp_dir, GOOD_PW};
use crate::directory::{engine_with, search, settings, ADA, BIND_DN, DAY, GRACE, NOW};
use latchkey_engine::directory::DirectorySettings;
use latchkey_engine::Accounts;
use serde_json::json;
use std::time::{Duration, Instant};
use tauri_plugin_latchkey::vault::MemoryVault;

#[test]
fn a_server_that_never_answers_gives_the_offline_path_within_the_timeout() {
    let ldap = Slapd::start().expect("slapd");
    let dir = temp_dir();
    let a = engine_with(
        dir.path(),
        settings(&ldap.ldaps_url(), ldap.ca_file(), BIND_DN, ""),
    );
    a.sign_in("adah", &pw(ADA), false, NOW).unwrap();
    drop(a);
    let hanging = HangingServer::start().unwrap();
    for url in [hanging.ldaps_url(), hanging.ldap_url()] {
        let a = engine_with(dir.path(), settings(&url, ldap.ca_file(), BIND_DN, ""));
        let started = Instant::now();
        a.sign_in("adah", &pw(ADA), false, NOW + DAY)
            .expect("offline from the cache");
        let took = started.elapsed();
        assert!(
            took < Duration::from_secs(4),
            "{url}: {took:?}, timeout 2 s"
        );
        assert_eq!(
            code(a.sign_in("grace", &pw(GRACE), false, NOW + DAY)),
            "DIRECTORY_UNREACHABLE"
        );
    }
}

#[test]
fn a_certificate_from_another_ca_is_refused_and_no_password_is_sent() {
    let ldap = Slapd::start().expect("slapd");
    let other = OtherCa::new().unwrap();
    let dir = temp_dir();
    for url in [ldap.ldaps_url(), ldap.ldap_url()] {
        let a = engine_with(dir.path(), settings(&url, &other.path, BIND_DN, ""));
        let refused = a.sign_in("adah", &pw(ADA), false, NOW);
        assert_eq!(code(refused), "DIRECTORY_CERTIFICATE", "{url}");
    }
    assert!(
        !ldap.log().contains("BIND dn=\"uid=adah"),
        "no bind reached the server"
    );
    // (The log does show binds: with the right CA, hers is there.)
    let a = engine_with(
        dir.path(),
        settings(&ldap.ldaps_url(), ldap.ca_file(), BIND_DN, ""),
    );
    a.sign_in("adah", &pw(ADA), false, NOW)
        .expect("the right CA");
    assert!(ldap.log().contains("BIND dn=\"uid=adah"), "{}", ldap.log());
    // Plain LDAP is not a fallback: it is refused at set-up unless a test allows it.
    let plain = format!("url = \"{}\"\nstarttls = false\n{BIND_DN}", ldap.ldap_url());
    assert!(DirectorySettings::parse(&plain).is_err());
}

#[test]
fn the_commands_answer_through_ipc_without_a_directory() {
    let dir = temp_dir();
    let app = TestApp::start(dir.path(), std::sync::Arc::new(MemoryVault::new()));
    app.call("signup", creds("Alice", GOOD_PW, false)).unwrap();
    // Nothing waits for a previous password.
    assert_eq!(
        err_code(app.call("previous_password", json!({"password": GOOD_PW}))),
        "NOT_AUTHENTICATED"
    );
    let status = app
        .call("admin_directory_status", json!({"password": GOOD_PW}))
        .unwrap();
    assert_eq!(status["configured"], false);
    assert_eq!(status["cachedPeople"], 0);
    app.call("logout", json!({})).unwrap();
    app.call("signup", creds("Bobby", GOOD_PW, false)).unwrap();
    assert_eq!(
        err_code(app.call("admin_directory_status", json!({"password": GOOD_PW}))),
        "FORBIDDEN"
    );
}

#[test]
fn settings_that_find_nobody_never_drop_the_cache() {
    let ldap = Slapd::start().expect("slapd");
    let dir = temp_dir();
    let find = search(dir.path());
    let a = engine_with(
        dir.path(),
        settings(&ldap.ldaps_url(), ldap.ca_file(), &find, ""),
    );
    let adah = a.sign_in("adah", &pw(ADA), true, NOW).unwrap();
    let grace = a.sign_in("grace", &pw(GRACE), true, NOW).unwrap();
    drop(a);
    // A filter that matches nobody: the refresh drops no one.
    let typo = find.replace("(objectClass=inetOrgPerson)", "(objectClass=inetOrgPersn)");
    let a = engine_with(
        dir.path(),
        settings(&ldap.ldaps_url(), ldap.ca_file(), &typo, ""),
    );
    let refreshed = a.refresh_directory_accounts(NOW + 1).unwrap();
    assert!(
        refreshed.refused.is_empty() && refreshed.unanswered,
        "{refreshed:?}"
    );
    assert!(a.validate_session(&adah.token, NOW + 2).unwrap().is_some());
    assert!(a.validate_session(&grace.token, NOW + 2).unwrap().is_some());
    drop(a);
    // A search base that does not exist: the sign-in goes to the cache, not "refused".
    let base = find.replace("ou=people,", "ou=peeple,");
    let a = engine_with(
        dir.path(),
        settings(&ldap.ldaps_url(), ldap.ca_file(), &base, ""),
    );
    a.sign_in("adah", &pw(ADA), false, NOW + 3)
        .expect("from the cache");
    assert!(a
        .refresh_directory_accounts(NOW + 4)
        .unwrap()
        .refused
        .is_empty());
    let status = a
        .admin_directory_status(&grace.session, Some(&pw(GRACE)), NOW + 5)
        .unwrap();
    assert_eq!(status.cached_people, 2);
}

#[test]
fn attempts_the_directory_did_not_refuse_are_not_counted() {
    let ldap = Slapd::start().expect("slapd");
    let other = OtherCa::new().unwrap();
    let dir = temp_dir();
    let a = engine_with(
        dir.path(),
        settings(&ldap.ldaps_url(), &other.path, BIND_DN, ""),
    );
    for i in 0..8 {
        assert_eq!(
            code(a.sign_in("adah", &pw(ADA), false, NOW + i)),
            "DIRECTORY_CERTIFICATE"
        );
    }
    let a = engine_with(
        dir.path(),
        settings(&ldap.ldaps_url(), ldap.ca_file(), BIND_DN, ""),
    );
    a.sign_in("adah", &pw(ADA), false, NOW + 10)
        .expect("no wait: nothing was counted");
}

#[test]
fn unusable_settings_keep_the_cache_and_refuse_new_local_names() {
    let ldap = Slapd::start().expect("slapd");
    let dir = temp_dir();
    let a = engine_with(
        dir.path(),
        settings(&ldap.ldaps_url(), ldap.ca_file(), BIND_DN, ""),
    );
    let grace = a.sign_in("grace", &pw(GRACE), false, NOW).unwrap();
    drop(a);
    let a = Accounts::open(dir.path(), cheap_config(256))
        .unwrap()
        .with_unusable_directory_settings();
    a.sign_in("grace", &pw(GRACE), false, NOW + 1)
        .expect("from the cache");
    assert_eq!(
        code(a.sign_up("newperson", &pw(GOOD_PW), false, NOW)),
        "DIRECTORY_UNREACHABLE"
    );
    assert_eq!(
        code(a.sign_in("adah", &pw(ADA), false, NOW)),
        "DIRECTORY_UNREACHABLE"
    );
    let status = a
        .admin_directory_status(&grace.session, Some(&pw(GRACE)), NOW + 2)
        .unwrap();
    assert_eq!(
        (status.configured, status.problem),
        (true, Some("SETTINGS"))
    );
    // The shell's last resort does not give a directory administrator a local password.
    assert_eq!(
        code(a.reset_administrator_from_shell("grace", NOW + 3)),
        "DIRECTORY_ACCOUNT"
    );
}
