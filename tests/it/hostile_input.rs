//! Hostile input to every command through IPC: arbitrary Unicode (NUL, control and
//! bidi characters), 10 MB strings, wrong JSON types, missing and extra fields. Every
//! answer is a success or a coded error, never a panic or an internal error, and input that
//! is rejected writes nothing.
use crate::common::ipc::*;
use crate::common::*;
use proptest::prelude::*;
use proptest::test_runner::{Config as ProptestConfig, TestRunner};
use serde_json::{json, Map, Value};
use std::sync::Arc;
use tauri::Manager;
use tauri_plugin_latchkey::vault::MemoryVault;
use tauri_plugin_latchkey::AuthService;

/// Every command with its argument names (all 31; `every_command_is_fuzzed` checks the
/// list against the plugin's permissions).
const COMMANDS: &[(&str, &[&str])] = &[
    ("signup", &["username", "password", "remember"]),
    ("login", &["username", "password", "remember"]),
    ("profile", &[]),
    ("logout", &[]),
    ("session", &[]),
    ("change_password", &["currentPassword", "newPassword"]),
    ("list_sessions", &[]),
    ("sign_out_others", &[]),
    ("delete_account", &["password", "confirm"]),
    ("recent_accounts", &[]),
    ("forget_recent_account", &["username"]),
    ("admin_list_accounts", &["password"]),
    ("admin_reset_password", &["userId", "password"]),
    ("admin_unlock_account", &["userId", "password"]),
    ("admin_delete_account", &["userId", "password"]),
    ("admin_events", &["password"]),
    ("second_factor", &["code"]),
    ("previous_password", &["password"]),
    ("recover", &["username", "code", "newPassword", "remember"]),
    ("set_language", &["language"]),
    ("new_recovery_codes", &["password"]),
    ("two_step_begin", &[]),
    ("two_step_enable", &["code", "password"]),
    ("two_step_disable", &["password", "code"]),
    ("lock", &[]),
    ("unlock", &["password"]),
    ("switch_user", &[]),
    ("activity", &[]),
    ("admin_settings", &["password"]),
    ("admin_directory_status", &["password"]),
    ("watch_locked", &["channel"]),
    ("admin_set_lock_after", &["minutes", "password"]),
    ("admin_set_two_step_for_admins", &["required", "password"]),
    ("admin_disable_two_step", &["userId", "password"]),
    ("admin_set_key_escrow", &["on", "password"]),
    ("private_space_status", &[]),
    ("private_space_open", &["password"]),
    ("private_space_unseal", &["code", "password"]),
    ("private_space_start_over", &["password", "confirm"]),
    ("notes_list", &["query"]),
    ("note_get", &["id"]),
    ("note_save", &["id", "title", "body"]),
    ("note_delete", &["id"]),
    ("private_list", &[]),
    ("private_get", &["name"]),
    ("private_put", &["name", "value"]),
    ("private_delete", &["name"]),
];

const CODES: &[&str] = &[
    "INVALID_USERNAME",
    "INVALID_PASSWORD",
    "WEAK_PASSWORD",
    "USERNAME_TAKEN",
    "INVALID_CREDENTIALS",
    "TOO_MANY_ATTEMPTS",
    "NOT_AUTHENTICATED",
    "STORAGE_UNAVAILABLE",
    "STORAGE_READ_ONLY",
    "STORAGE_FULL",
    "STORAGE_CORRUPT",
    "DATABASE_TOO_NEW",
    "FORBIDDEN",
    "REAUTH_REQUIRED",
    "PASSWORD_CHANGE_REQUIRED",
    "ACCOUNT_NOT_FOUND",
    "CANNOT_TARGET_SELF",
    "LAST_ADMINISTRATOR",
    "CONFIRMATION_REQUIRED",
    "TEMPORARY_PASSWORD_EXPIRED",
    "INVALID_INPUT",
    "LOCKED",
    "ACCOUNT_LOCKED",
    "SECOND_FACTOR_REQUIRED",
    "SECOND_FACTOR_EXPIRED",
    "TWO_STEP_SETUP_REQUIRED",
    "INVALID_CODE",
    "INVALID_RECOVERY_CODE",
    "TWO_STEP_ALREADY_ON",
    "DATA_CORRUPTED",
    "PRIVATE_SPACE_SEALED",
    "VALUE_TOO_LARGE",
    "INVALID_VALUE_NAME",
    "NOT_FOUND",
];

/// Rejections of the input itself: these must write nothing.
const INPUT_REJECTIONS: &[&str] = &[
    "INVALID_INPUT",
    "INVALID_USERNAME",
    "INVALID_PASSWORD",
    "WEAK_PASSWORD",
    "CONFIRMATION_REQUIRED",
];

fn text() -> impl Strategy<Value = String> {
    let nasty = prop_oneof![
        Just('\0'),
        Just('\u{7}'),
        Just('\u{1b}'),
        Just('\u{202e}'),
        Just('\u{feff}'),
        Just('\u{fffd}'),
        Just('é'),
        Just('\u{301}'),
        Just('𝒜'),
        Just('\''),
        Just('"'),
        Just('<'),
        any::<char>(),
    ];
    prop_oneof![
        "[a-zA-Z0-9_.-]{0,34}",
        prop::collection::vec(nasty, 0..300).prop_map(|v| v.into_iter().collect()),
        Just("' OR 1=1 --".to_owned()),
        Just("<img src=x onerror=alert(1)>".to_owned()),
    ]
}

fn value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        3 => text().prop_map(Value::String),
        1 => Just(Value::Null),
        1 => any::<bool>().prop_map(Value::Bool),
        1 => any::<i64>().prop_map(|n| json!(n)),
        1 => any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(|f| json!(f)),
    ];
    leaf.prop_recursive(2, 8, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..3).prop_map(Value::Array),
            prop::collection::btree_map("[a-zA-Z]{1,12}", inner, 0..3)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// A command and its arguments: each named argument present (any value) or missing,
/// sometimes with extra keys. The value strategies are built once and shared by every case
/// (building them parses their regexes, which would otherwise dominate the run).
fn call() -> impl Strategy<Value = (usize, Value)> {
    let value = value().boxed();
    let extra = ("[a-zA-Z]{1,10}", value.clone()).boxed();
    (0..COMMANDS.len()).prop_flat_map(move |i| {
        let names = COMMANDS[i].1;
        (
            Just(i),
            prop::collection::vec(prop::option::weighted(0.85, value.clone()), names.len()),
            prop::option::weighted(0.1, extra.clone()),
        )
            .prop_map(move |(i, values, extra)| {
                let mut args = Map::new();
                for (name, v) in names.iter().zip(values) {
                    if let Some(v) = v {
                        args.insert((*name).to_owned(), v);
                    }
                }
                if let Some((k, v)) = extra {
                    args.insert(k, v);
                }
                (i, Value::Object(args))
            })
    })
}

fn changes(app: &TestApp) -> u64 {
    let service = app.app.state::<AuthService>();
    let accounts = tauri::async_runtime::block_on(service.accounts()).expect("engine");
    accounts
        .database()
        .read(|c| Ok(c.total_changes()))
        .expect("total_changes")
}

fn check_answer(
    cmd: &str,
    args: &Value,
    answer: &Result<Value, Value>,
) -> Result<(), TestCaseError> {
    if let Err(e) = answer {
        let code = e.get("code").and_then(Value::as_str);
        prop_assert!(
            code.is_some_and(|c| CODES.contains(&c)),
            "{cmd}({args}) gave an uncoded error {e}"
        );
        prop_assert_ne!(code, Some("INTERNAL"), "{}({})", cmd, args);
        prop_assert!(e
            .get("message")
            .and_then(Value::as_str)
            .is_some_and(|m| !m.is_empty()));
    }
    Ok(())
}

#[test]
fn every_command_answers_arbitrary_arguments_with_a_code() {
    let dir = temp_dir();
    let app = TestApp::start_with(dir.path(), Arc::new(MemoryVault::new()), cheap_config(8));
    // Some state to act on: an administrator and a member, the member signed in.
    app.call("signup", creds("Admin", GOOD_PW, false)).unwrap();
    app.call("logout", json!({})).unwrap();
    app.call("signup", creds("member", GOOD_PW, true)).unwrap();

    let cases: u32 = std::env::var("LATCHKEY_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let mut runner = TestRunner::new(ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    });
    let stats = [
        std::sync::atomic::AtomicU64::new(0),
        std::sync::atomic::AtomicU64::new(0),
    ];
    runner
        .run(&call(), |(i, args)| {
            let cmd = COMMANDS[i].0;
            let before = changes(&app);
            let answer = app.call(cmd, args.clone());
            check_answer(cmd, &args, &answer)?;
            stats[usize::from(answer.is_err())].fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            if let Err(e) = &answer {
                if INPUT_REJECTIONS.contains(&e["code"].as_str().unwrap_or_default()) {
                    prop_assert_eq!(
                        changes(&app),
                        before,
                        "{}({}) was rejected but wrote",
                        cmd,
                        args
                    );
                }
            }
            Ok(())
        })
        .unwrap();
    println!(
        "{cases} cases: {:?} accepted, {:?} refused with a code",
        stats[0], stats[1]
    );
    let conn = rusqlite::Connection::open(dir.path().join("latchkey.db")).unwrap();
    let integrity: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(integrity, "ok");
}

#[test]
fn ten_megabyte_arguments_are_refused_quickly_and_write_nothing() {
    let dir = temp_dir();
    let app = TestApp::start_with(dir.path(), Arc::new(MemoryVault::new()), cheap_config(8));
    app.call("signup", creds("Admin", GOOD_PW, true)).unwrap();
    let huge = [
        "a".repeat(10 * 1024 * 1024),
        "\0".repeat(10 * 1024 * 1024),
        "é".repeat(5 * 1024 * 1024),
    ];
    for big in &huge {
        for (cmd, names) in COMMANDS {
            for name in *names {
                let mut args = Map::new();
                for other in *names {
                    args.insert((*other).to_owned(), json!(GOOD_PW));
                }
                args.insert((*name).to_owned(), json!(big));
                let before = changes(&app);
                let started = std::time::Instant::now();
                let answer = app.call(cmd, Value::Object(args));
                if let Err(e) = &answer {
                    assert!(
                        CODES.contains(&e["code"].as_str().unwrap_or_default()),
                        "{cmd}.{name}: {e}"
                    );
                    if INPUT_REJECTIONS.contains(&e["code"].as_str().unwrap_or_default()) {
                        assert_eq!(changes(&app), before, "{cmd}.{name}");
                    }
                }
                assert!(
                    started.elapsed() < std::time::Duration::from_secs(5),
                    "{cmd}.{name} took {:?}",
                    started.elapsed()
                );
                assert!(
                    !matches!(*cmd, "signup" | "login") || answer.is_err(),
                    "{cmd} accepted a 10 MB {name}"
                );
            }
        }
    }
    assert_eq!(count(dir.path(), r#"SELECT count(*) FROM "user""#), 1);
}

/// The list above names every command the plugin grants (its `default` permission set).
#[test]
fn every_command_is_fuzzed() {
    let granted = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/src-tauri/plugin/permissions/default.toml"
    ))
    .unwrap();
    let mut granted: Vec<String> = granted
        .split('"')
        .filter_map(|w| w.strip_prefix("allow-"))
        .map(|w| w.replace('-', "_"))
        .collect();
    granted.sort();
    let mut fuzzed: Vec<String> = COMMANDS.iter().map(|(c, _)| (*c).to_owned()).collect();
    fuzzed.sort();
    assert_eq!(fuzzed, granted);
}
