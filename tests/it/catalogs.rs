//! The window's words: every catalog (`ui/i18n/*.json`) has every key the English one has
//! (and the plural forms its language needs) with the same `{placeholders}`; every error
//! code and rule the engine can
//! return, every notice and every kind of logged event has words in each; and every key the
//! pages and scripts name exists.
use latchkey_engine::store::audit::EventKind;
use latchkey_engine::{AuthError, Problem};
use serde_json::{Map, Value};
use std::path::Path;
use tauri_plugin_latchkey::models::Notice;

fn catalogs() -> Vec<(String, Map<String, Value>)> {
    let mut found: Vec<_> = std::fs::read_dir("ui/i18n")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .map(|p| {
            let tag = p.file_stem().unwrap().to_string_lossy().into_owned();
            let json: Value = serde_json::from_str(&std::fs::read_to_string(&p).unwrap())
                .unwrap_or_else(|e| panic!("{tag}.json is not JSON: {e}"));
            (tag, json.as_object().unwrap().clone())
        })
        .collect();
    found.sort_by(|a, b| a.0.cmp(&b.0));
    found
}

fn english() -> Map<String, Value> {
    catalogs().into_iter().find(|(t, _)| t == "en").unwrap().1
}

/// The `{name}` placeholders of a sentence (or of every plural form of one), sorted.
fn placeholders(value: &Value) -> Vec<String> {
    let texts: Vec<&str> = match value {
        Value::String(s) => vec![s.as_str()],
        Value::Object(forms) => forms.values().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    let mut found: Vec<String> = texts
        .iter()
        .flat_map(|t| t.split('{').skip(1))
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name.to_owned()))
        .filter(|name| !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric()))
        .collect();
    found.sort();
    found.dedup();
    found
}

/// A translation fills in what the English sentence fills in: no placeholder lost, none
/// invented (it would show as `{name}` on the screen).
#[test]
fn every_translation_has_the_english_placeholders() {
    let english = english();
    for (tag, catalog) in catalogs() {
        for (key, value) in &english {
            if let Some(words) = catalog.get(key) {
                assert_eq!(
                    placeholders(words),
                    placeholders(value),
                    "{tag} {key}: placeholders differ from English"
                );
            }
        }
    }
}

#[test]
fn every_catalog_has_every_english_key_with_words() {
    let english = english();
    let all = catalogs();
    assert!(all.len() >= 2, "English and Korean at least");
    for (tag, catalog) in &all {
        for (key, value) in &english {
            let words = catalog
                .get(key)
                .unwrap_or_else(|| panic!("{tag}.json has no {key:?}"));
            match (value, words) {
                (Value::String(_), Value::String(w)) => {
                    assert!(!w.trim().is_empty(), "{tag} {key}")
                }
                (Value::Object(_), Value::Object(forms)) => {
                    let other = forms.get("other").and_then(Value::as_str);
                    assert!(
                        other.is_some_and(|w| !w.is_empty()),
                        "{tag} {key}: no 'other' form"
                    );
                }
                _ => panic!("{tag} {key}: not the same shape as English"),
            }
        }
        for key in catalog.keys() {
            assert!(
                english.contains_key(key),
                "{tag}.json has {key:?}, English does not"
            );
        }
        assert!(catalog["language.name"]
            .as_str()
            .is_some_and(|n| !n.is_empty()));
    }
    // English needs "one" as well as "other".
    for (key, value) in &english {
        if let Value::Object(forms) = value {
            assert!(
                forms.contains_key("one") && forms.contains_key("other"),
                "en {key}"
            );
        }
    }
}

#[test]
fn every_code_the_app_can_send_has_words_in_every_language() {
    let mut keys: Vec<String> = AuthError::examples()
        .iter()
        .map(|e| format!("error.{}", e.code()))
        .collect();
    keys.extend(
        Problem::ALL
            .iter()
            .map(|p| format!("reason.{}", p.reason())),
    );
    keys.extend(Notice::CODES.iter().map(|c| format!("notice.{c}")));
    keys.extend(
        EventKind::ALL
            .iter()
            .map(|k| format!("admin.event.{}", k.as_str())),
    );
    for (tag, catalog) in catalogs() {
        for key in &keys {
            assert!(
                catalog.contains_key(key),
                "{tag}.json has no words for {key}"
            );
        }
    }
}

/// Dotted words in quotes that name a catalog key (`'signin.busy'`, `data-i18n="…"`).
fn named_keys(text: &str) -> Vec<String> {
    let namespaces = [
        "common", "signin", "signup", "strength", "codes", "recover", "profile", "change",
        "sessions", "recovery", "twostep", "setup", "delete", "forced", "lock", "admin", "notice",
        "error", "reason",
    ];
    let mut found = Vec::new();
    for quote in ['\'', '"'] {
        for piece in text.split(quote).skip(1).step_by(2) {
            for word in piece
                .split(';')
                .map(|w| w.rsplit(':').next().unwrap_or(w).trim())
            {
                let namespace = word.split('.').next().unwrap_or_default();
                let plain = word
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
                let file = [".js", ".html", ".css", ".svg", ".json"]
                    .iter()
                    .any(|x| word.ends_with(x));
                if word.contains('.') && plain && !file && namespaces.contains(&namespace) {
                    found.push(word.to_owned());
                }
            }
        }
    }
    found
}

#[test]
fn every_key_the_pages_name_exists() {
    let english = english();
    let mut checked = 0;
    for entry in std::fs::read_dir("ui").unwrap() {
        let path = entry.unwrap().path();
        let kind = path
            .extension()
            .and_then(|x| x.to_str())
            .unwrap_or_default();
        if !matches!(kind, "html" | "js") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        for key in named_keys(&text) {
            assert!(
                english.contains_key(&key),
                "{} names {key:?}, which en.json does not have",
                Path::new(&path).display()
            );
            checked += 1;
        }
    }
    assert!(checked > 150, "only {checked} keys found");
}
