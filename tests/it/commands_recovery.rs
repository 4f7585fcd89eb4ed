//! Recovery codes, two-step sign-in and the language through the commands: each new command's
//! answers and error codes.
use crate::common::ipc::*;
use crate::common::*;
use latchkey_engine::policy::totp::code_at;
use serde_json::{json, Value};

/// RFC 4648 base32 (spaces ignored), as the setup shows the secret.
pub(crate) fn base32(text: &str) -> Vec<u8> {
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let (mut bits, mut value, mut out) = (0u32, 0u32, Vec::new());
    for c in text.bytes().filter(|c| !c.is_ascii_whitespace()) {
        let index = alphabet.iter().position(|a| *a == c).unwrap() as u32;
        value = (value << 5) | index;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((value >> bits) as u8);
            value &= (1 << bits) - 1;
        }
    }
    out
}

fn start(dir: &std::path::Path) -> (TestApp, ManualClock) {
    let clock = ManualClock::at(T0 + 1_000 * 30_000);
    let app = TestApp::start_clocked(dir, &clock, 0);
    (app, clock)
}

#[test]
fn recovery_codes_come_at_sign_up_renew_with_the_password_and_recover_an_account() {
    let dir = temp_dir();
    let (app, clock) = start(dir.path());
    let signed = app.call("signup", creds("Dana", GOOD_PW, false)).unwrap();
    let codes = signed["recoveryCodes"].as_array().unwrap().clone();
    assert_eq!(codes.len(), 10);
    assert_eq!(
        app.call("profile", json!({})).unwrap()["recoveryCodesLeft"],
        10
    );
    assert_eq!(
        err_code(app.call("new_recovery_codes", json!({"password": "not-it"}))),
        "INVALID_CREDENTIALS"
    );
    let fresh = app
        .call("new_recovery_codes", json!({"password": GOOD_PW}))
        .unwrap();
    assert_eq!(fresh.as_array().unwrap().len(), 10);
    assert!(fresh.as_array().unwrap().iter().all(|c| !codes.contains(c)));
    app.call("logout", json!({})).unwrap();
    let recover = |code: &Value, password: &str| {
        app.call(
            "recover",
            json!({"username": "dana", "code": code, "newPassword": password, "remember": false}),
        )
    };
    assert_eq!(
        err_code(recover(&codes[0], "Brand-New-Start-8")),
        "INVALID_RECOVERY_CODE"
    );
    assert_eq!(err_code(recover(&fresh[0], "short")), "WEAK_PASSWORD");
    clock.advance(SECOND);
    let back = recover(&fresh[0], "Brand-New-Start-8").unwrap();
    assert_eq!(back["profile"]["username"], "Dana");
    assert_eq!(back["profile"]["recoveryCodesLeft"], 9);
    assert_eq!(back["recoveryCodes"], Value::Null);
    assert_eq!(
        err_code(app.call("recover", json!({"username": "dana"}))),
        "INVALID_INPUT"
    );
}

#[test]
fn two_step_sign_in_is_turned_on_with_a_code_and_asked_for_after_the_password() {
    let dir = temp_dir();
    let (app, clock) = start(dir.path());
    app.call("signup", creds("Admin", GOOD_PW, false)).unwrap();
    app.call("logout", json!({})).unwrap();
    let member = app.call("signup", creds("Erin", GOOD_PW, false)).unwrap();
    let codes = member["recoveryCodes"].as_array().unwrap().clone();
    assert_eq!(
        err_code(app.call(
            "two_step_enable",
            json!({"code": "123456", "password": GOOD_PW})
        )),
        "INVALID_INPUT",
        "no setup begun"
    );
    let setup = app.call("two_step_begin", json!({})).unwrap();
    assert!(setup["uri"]
        .as_str()
        .unwrap()
        .starts_with("otpauth://totp/Latchkey:Erin?secret="));
    let rows = setup["qr"].as_array().unwrap();
    assert_eq!(
        rows.len(),
        rows[0].as_str().unwrap().len(),
        "a square QR code"
    );
    let secret = base32(setup["secret"].as_str().unwrap());
    assert_eq!(secret.len(), 20, "160 bits");
    assert_eq!(
        err_code(app.call(
            "two_step_enable",
            json!({"code": "000000", "password": GOOD_PW})
        )),
        "INVALID_CODE"
    );
    let code = code_at(&secret, clock.now()).unwrap();
    assert_eq!(
        err_code(app.call(
            "two_step_enable",
            json!({"code": code, "password": "not-it-at-all"})
        )),
        "INVALID_CREDENTIALS",
        "the password is needed to turn it on"
    );
    let profile = app
        .call(
            "two_step_enable",
            json!({"code": code, "password": GOOD_PW}),
        )
        .unwrap();
    assert_eq!(profile["twoStep"], true);

    app.call("logout", json!({})).unwrap();
    let half = app.call("login", creds("erin", GOOD_PW, false)).unwrap();
    assert_eq!(
        half,
        json!({"profile": null, "secondFactor": true, "previousPassword": false, "recoveryCodes": null, "notice": null})
    );
    assert_eq!(
        err_code(app.call("profile", json!({}))),
        "NOT_AUTHENTICATED"
    );
    assert_eq!(
        err_code(app.call("second_factor", json!({"code": code}))),
        "INVALID_CODE",
        "a used code is refused"
    );
    clock.advance(30 * SECOND);
    let next = code_at(&secret, clock.now()).unwrap();
    let signed = app.call("second_factor", json!({"code": next})).unwrap();
    assert_eq!(signed["profile"]["username"], "Erin");
    assert_eq!(
        err_code(app.call("second_factor", json!({"code": next}))),
        "NOT_AUTHENTICATED",
        "nothing waits for a code any more"
    );

    // A recovery code stands in for a lost phone; off needs the password and a code.
    app.call("logout", json!({})).unwrap();
    app.call("login", creds("erin", GOOD_PW, false)).unwrap();
    app.call("second_factor", json!({"code": codes[0]}))
        .unwrap();
    assert_eq!(
        err_code(app.call(
            "two_step_disable",
            json!({"password": GOOD_PW, "code": "000000"})
        )),
        "INVALID_CODE"
    );
    let off = app
        .call(
            "two_step_disable",
            json!({"password": GOOD_PW, "code": codes[1]}),
        )
        .unwrap();
    assert_eq!(off["profile"]["twoStep"], false);
    // The half-done sign-in expires after five minutes.
    app.call("two_step_begin", json!({})).unwrap();
    let setup = app.call("two_step_begin", json!({})).unwrap();
    let secret = base32(setup["secret"].as_str().unwrap());
    clock.advance(60 * SECOND);
    app.call(
        "two_step_enable",
        json!({"code": code_at(&secret, clock.now()).unwrap(), "password": GOOD_PW}),
    )
    .unwrap();
    app.call("logout", json!({})).unwrap();
    app.call("login", creds("erin", GOOD_PW, false)).unwrap();
    clock.advance(5 * 60 * SECOND + 1);
    let late = code_at(&secret, clock.now()).unwrap();
    assert_eq!(
        err_code(app.call("second_factor", json!({"code": late}))),
        "SECOND_FACTOR_EXPIRED"
    );
}

#[test]
fn the_administrator_requires_two_step_and_turns_it_off_for_a_member() {
    let dir = temp_dir();
    let (app, clock) = start(dir.path());
    app.call("signup", creds("Admin", GOOD_PW, false)).unwrap();
    let settings = app
        .call(
            "admin_set_two_step_for_admins",
            json!({"required": true, "password": GOOD_PW}),
        )
        .unwrap();
    assert_eq!(settings["twoStepForAdmins"], true);
    assert_eq!(
        settings["lock"],
        json!({"minutes": null, "secs": null, "overridden": true})
    );
    // The administrator must now turn it on before anything else.
    let profile = app.call("profile", json!({})).unwrap();
    assert_eq!(profile["twoStepSetupRequired"], true);
    assert_eq!(
        err_code(app.call("list_sessions", json!({}))),
        "TWO_STEP_SETUP_REQUIRED"
    );
    let setup = app.call("two_step_begin", json!({})).unwrap();
    let secret = base32(setup["secret"].as_str().unwrap());
    app.call(
        "two_step_enable",
        json!({"code": code_at(&secret, clock.now()).unwrap(), "password": GOOD_PW}),
    )
    .unwrap();
    assert!(app.call("list_sessions", json!({})).is_ok());

    app.call("logout", json!({})).unwrap();
    let member = app.call("signup", creds("Frank", GOOD_PW, false)).unwrap();
    let setup = app.call("two_step_begin", json!({})).unwrap();
    let member_secret = base32(setup["secret"].as_str().unwrap());
    app.call(
        "two_step_enable",
        json!({"code": code_at(&member_secret, clock.now()).unwrap(), "password": GOOD_PW}),
    )
    .unwrap();
    assert_eq!(
        err_code(app.call(
            "admin_disable_two_step",
            json!({"userId": member["profile"]["userId"], "password": GOOD_PW})
        )),
        "FORBIDDEN"
    );
    app.call("logout", json!({})).unwrap();
    app.call("login", creds("admin", GOOD_PW, false)).unwrap();
    clock.advance(30 * SECOND);
    app.call(
        "second_factor",
        json!({"code": code_at(&secret, clock.now()).unwrap(), "password": GOOD_PW}),
    )
    .unwrap();
    let user_id = member["profile"]["userId"].clone();
    assert_eq!(
        err_code(app.call("admin_disable_two_step", json!({"userId": user_id}))),
        "INVALID_INPUT",
        "always with the administrator's password"
    );
    app.call(
        "admin_disable_two_step",
        json!({"userId": user_id, "password": GOOD_PW}),
    )
    .unwrap();
    let listed = app
        .call("admin_list_accounts", json!({"password": GOOD_PW}))
        .unwrap();
    assert_eq!(listed[1]["twoStep"], false);
    assert_eq!(listed[0]["twoStep"], true);
}

#[test]
fn the_language_follows_the_choice_of_the_os_account_then_the_person() {
    let dir = temp_dir();
    let (app, _clock) = start(dir.path());
    let state = app.call("session", json!({})).unwrap();
    assert!(state["languages"]
        .as_array()
        .unwrap()
        .iter()
        .any(|l| l == &json!({"tag": "ko", "name": "한국어"})));
    assert_eq!(
        app.call("set_language", json!({"language": "ko"})).unwrap(),
        "ko"
    );
    assert_eq!(app.call("session", json!({})).unwrap()["language"], "ko");
    assert_eq!(
        err_code(app.call("set_language", json!({"language": "xx"}))),
        "INVALID_INPUT"
    );
    // Signed in, the person's own choice wins; signed out, the OS account's again.
    app.call("signup", creds("Gita", GOOD_PW, false)).unwrap();
    assert_eq!(app.call("session", json!({})).unwrap()["language"], "ko");
    app.call("set_language", json!({"language": "en"})).unwrap();
    assert_eq!(app.call("session", json!({})).unwrap()["language"], "en");
    app.call("logout", json!({})).unwrap();
    assert_eq!(app.call("session", json!({})).unwrap()["language"], "ko");
    app.call("login", creds("gita", GOOD_PW, false)).unwrap();
    assert_eq!(app.call("session", json!({})).unwrap()["language"], "en");
}
