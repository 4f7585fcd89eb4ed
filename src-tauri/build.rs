//! Compiles the app's configuration and capabilities (`src-tauri/capabilities/`). The app
//! has no commands of its own: they come with the account plugin, which generates their
//! permissions in its own crate.

use std::fmt::Write as _;

/// Writes `languages.rs` (in `OUT_DIR`): the languages the window has a catalog for, from
/// `ui/i18n/<tag>.json` and each catalog's `language.name`. Adding a language is adding its
/// catalog.
fn languages() {
    let mut found: Vec<(String, String)> = std::fs::read_dir("ui/i18n")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let path = entry.path();
            let tag = path.file_stem()?.to_str()?.to_owned();
            (path.extension()? == "json").then_some(())?;
            let catalog: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(&path).ok()?).ok()?;
            let name = catalog.get("language.name")?.as_str()?.to_owned();
            Some((tag, name))
        })
        .collect();
    found.sort();
    let mut code =
        String::from("/// The window's languages: (tag, name), one per catalog in `ui/i18n`.\n");
    code.push_str("pub const LANGUAGES: &[(&str, &str)] = &[\n");
    for (tag, name) in &found {
        let _ = writeln!(code, "    ({tag:?}, {name:?}),");
    }
    code.push_str("];\n");
    let out = std::env::var("OUT_DIR").unwrap_or_default();
    if let Err(e) = std::fs::write(std::path::Path::new(&out).join("languages.rs"), code) {
        panic!("cannot write languages.rs: {e}");
    }
}

fn main() {
    languages();
    println!("cargo:rerun-if-changed=src-tauri/capabilities");
    println!("cargo:rerun-if-changed=tauri.conf.json");
    println!("cargo:rerun-if-changed=ui");
    let attributes =
        tauri_build::Attributes::new().capabilities_path_pattern("src-tauri/capabilities/**/*");
    if let Err(e) = tauri_build::try_build(attributes) {
        // A build script's failure stops the build with this message; no user ever sees it.
        panic!("tauri-build failed: {e:#}");
    }
}
