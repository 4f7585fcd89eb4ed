//! One list of commands: `COMMANDS` in the plugin's build.rs. The handler list in lib.rs,
//! the permissions granted by default, the JavaScript bindings (guest-js/index.js, which
//! Latchkey's own window loads as `ui/latchkey.js`) and their types (index.d.ts) must name
//! exactly those commands; this fails when one drifts.
use std::collections::BTreeSet;

const PLUGIN: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/src-tauri/plugin");

fn read(path: &str) -> String {
    std::fs::read_to_string(format!("{PLUGIN}/{path}")).unwrap()
}

/// The quoted words between `start` and the first `end` after it.
fn quoted_between(text: &str, start: &str, end: &str) -> BTreeSet<String> {
    let from = text.find(start).unwrap() + start.len();
    let block = &text[from..from + text[from..].find(end).unwrap()];
    block
        .split('"')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect()
}

/// Every `word` in `text` that follows `prefix` up to the first character not in a name.
fn names_after(text: &str, prefix: &str) -> BTreeSet<String> {
    text.match_indices(prefix)
        .map(|(at, _)| {
            text[at + prefix.len()..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect()
        })
        .collect()
}

fn commands() -> BTreeSet<String> {
    let listed = quoted_between(&read("build.rs"), "const COMMANDS: &[&str] = &[", "];");
    assert!(listed.len() > 40, "{listed:?}");
    listed
}

#[test]
fn the_handler_list_names_exactly_the_commands_of_build_rs() {
    let lib = read("src/lib.rs");
    let from = lib.find("generate_handler![").unwrap();
    let block = &lib[from..from + lib[from..].find("])").unwrap()];
    assert_eq!(names_after(block, "commands::"), commands());
}

#[test]
fn the_default_permissions_grant_exactly_the_commands_of_build_rs() {
    let granted: BTreeSet<String> = read("permissions/default.toml")
        .split('"')
        .filter_map(|w| w.strip_prefix("allow-"))
        .map(|w| w.replace('-', "_"))
        .collect();
    assert_eq!(granted, commands());
}

#[test]
fn the_javascript_bindings_call_exactly_the_commands_of_build_rs() {
    let js = read("guest-js/index.js");
    assert_eq!(names_after(&js, "invoke('"), commands());
    // Every exported function has its type, and nothing more.
    let exported = names_after(&js, "export const ");
    let mut declared = names_after(&read("guest-js/index.d.ts"), "export declare function ");
    declared.remove("invoke");
    declared.remove("onLocked");
    declared.remove("screenUrl");
    declared.remove("reportActivity");
    assert_eq!(exported, declared);
    // Latchkey's own window loads the same file.
    let ui =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/ui/latchkey.js")).unwrap();
    assert_eq!(
        ui, js,
        "ui/latchkey.js must be the plugin's guest-js/index.js"
    );
}
