//! Compiles the app's configuration and capabilities (`src-tauri/capabilities/`). The app
//! has no commands of its own: they come with the account plugin, which generates their
//! permissions in its own crate, and its screens (`ui/` is the plugin's `screens/`) with
//! their languages.

fn main() {
    println!("cargo:rerun-if-changed=src-tauri/capabilities");
    println!("cargo:rerun-if-changed=tauri.conf.json");
    println!("cargo:rerun-if-changed=src-tauri/plugin/screens");
    let attributes =
        tauri_build::Attributes::new().capabilities_path_pattern("src-tauri/capabilities/**/*");
    if let Err(e) = tauri_build::try_build(attributes) {
        // A build script's failure stops the build with this message; no user ever sees it.
        panic!("tauri-build failed: {e:#}");
    }
}
