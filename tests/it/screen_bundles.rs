//! The screens' bundles (`src-tauri/plugin/screens/dist/`, one file per page, made by
//! `make screens` with esbuild) are exactly what esbuild makes of the page modules now: a
//! change to a screen's JavaScript without `make screens` fails here, so the window never
//! runs code older than its sources.
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .filter(|e| e.path().is_file())
        .map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            (name, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

#[test]
fn the_screen_bundles_are_what_esbuild_makes_of_the_sources() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let fresh = tempfile::tempdir().unwrap();
    let made = Command::new("make")
        .args(["-s", "bundle-screens"])
        .arg(format!("SCREENS_OUT={}", fresh.path().display()))
        .current_dir(root)
        .status()
        .expect("make runs");
    assert!(made.success(), "esbuild failed (make deps installs it)");
    let committed = files(&root.join("src-tauri/plugin/screens/dist"));
    let fresh = files(fresh.path());
    assert_eq!(
        committed.keys().collect::<Vec<_>>(),
        fresh.keys().collect::<Vec<_>>()
    );
    for (name, contents) in &fresh {
        assert!(
            committed[name] == *contents,
            "dist/{name} is stale: run `make screens`"
        );
    }
    // Every page loads its bundle, and no page loads a module of its own directly.
    let pages: Vec<String> = files(&root.join("ui"))
        .into_keys()
        .filter_map(|name| name.strip_suffix(".html").map(str::to_owned))
        .collect();
    assert_eq!(
        pages.len(),
        committed.len(),
        "one bundle per page: {pages:?}"
    );
    for page in pages {
        let html = std::fs::read_to_string(root.join(format!("ui/{page}.html"))).unwrap();
        assert!(html.contains(&format!(r#"src="dist/{page}.js""#)), "{page}");
        assert!(!html.contains("modulepreload"), "{page}");
    }
}
