//! Log hygiene: a full scenario at the most verbose level writes no password, token,
//! session hash or password hash to the log.
use crate::common::ipc::*;
use crate::common::process_bus::{process_bus, ProcessBus, Scene};
use crate::common::*;
use latchkey::APP_IDENTIFIER;
use latchkey_engine::session_id;
use latchkey_engine::SessionToken;
use serde_json::json;
use std::io::Write;
use std::sync::{Arc, Mutex};
use tauri_plugin_latchkey::vault::KeyringVault;

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn the_most_verbose_log_holds_no_secret() {
    let _bus_turn = crate::common::desktop::exclusive_session_bus();
    let log = Captured::default();
    assert!(latchkey::logging::init_with(
        log::LevelFilter::Trace,
        Box::new(log.clone())
    ));
    let bus = process_bus();
    bus.set(Scene::SecretService);
    let dir = temp_dir();
    let mut secrets: Vec<String> = vec![
        GOOD_PW.into(),
        "Wrong-Canary-991".into(),
        "Next-Canary-552".into(),
    ];
    let token_of = |bus: &ProcessBus, secrets: &mut Vec<String>| {
        if let Some(token) = bus.lookup_all(APP_IDENTIFIER).into_iter().next() {
            secrets.push(session_id(&SessionToken::new(token.clone())));
            secrets.push(token);
        }
    };

    let app = TestApp::start(dir.path(), Arc::new(KeyringVault::new(APP_IDENTIFIER)));
    app.call("signup", creds("Admin", GOOD_PW, true)).unwrap();
    token_of(bus, &mut secrets);
    app.call("logout", json!({})).unwrap();
    app.call("signup", creds("member", GOOD_PW, true)).unwrap();
    token_of(bus, &mut secrets);
    for _ in 0..6 {
        let _ = app.call("login", creds("member", "Wrong-Canary-991", true));
    }
    app.call("logout", json!({})).unwrap();
    app.call("login", creds("admin", GOOD_PW, true)).unwrap();
    token_of(bus, &mut secrets);
    let member = app
        .call("admin_list_accounts", json!({"password": GOOD_PW}))
        .unwrap()[1]["userId"]
        .clone();
    app.call("admin_unlock_account", json!({"userId": member}))
        .unwrap();
    let temporary = app
        .call(
            "admin_reset_password",
            json!({"userId": member, "password": GOOD_PW}),
        )
        .unwrap()["temporaryPassword"]
        .as_str()
        .unwrap()
        .to_owned();
    secrets.push(temporary.clone());
    app.call("logout", json!({})).unwrap();
    app.call("login", creds("member", &temporary, false))
        .unwrap();
    token_of(bus, &mut secrets);
    app.call(
        "change_password",
        json!({"currentPassword": temporary, "newPassword": "Next-Canary-552"}),
    )
    .unwrap();
    let conn = rusqlite::Connection::open(dir.path().join("latchkey.db")).unwrap();
    let hashes: Vec<String> = conn
        .prepare(r#"SELECT hashed_password FROM "key""#)
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    secrets.extend(hashes.iter().cloned());
    // Hash parts on their own (salt and digest) must not appear either.
    secrets.extend(
        hashes
            .iter()
            .flat_map(|h| h.rsplit('$').take(2).map(str::to_owned).collect::<Vec<_>>()),
    );
    app.call(
        "delete_account",
        json!({"password": "Next-Canary-552", "confirm": true}),
    )
    .unwrap();
    app.quit();
    // Keyring failures are logged too.
    bus.set(Scene::NoBus);
    let offline = TestApp::start(dir.path(), Arc::new(KeyringVault::new(APP_IDENTIFIER)));
    offline.call("session", json!({})).unwrap();
    offline
        .call("login", creds("admin", GOOD_PW, true))
        .unwrap();
    offline.quit();
    log::logger().flush();

    let text = String::from_utf8(log.0.lock().unwrap().clone()).unwrap();
    assert!(
        text.contains("account created") && text.contains("signed out"),
        "the log is not empty:\n{text}"
    );
    assert!(
        text.contains("DEBUG") && text.contains("WARN"),
        "debug and warning lines were written:\n{text}"
    );
    assert!(secrets.len() >= 12, "collected the secrets to look for");
    for secret in &secrets {
        assert!(
            !text.contains(secret.as_str()),
            "the log holds a secret ({} characters):\n{text}",
            secret.len()
        );
    }
    println!(
        "{} log lines checked against {} secrets",
        text.lines().count(),
        secrets.len()
    );
}
