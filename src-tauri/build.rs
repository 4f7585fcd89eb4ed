fn main() {
    println!("cargo:rerun-if-changed=src-tauri/capabilities");
    println!("cargo:rerun-if-changed=src-tauri/permissions");
    println!("cargo:rerun-if-changed=tauri.conf.json");
    println!("cargo:rerun-if-changed=ui");
    // The app's command permissions are written by hand in src-tauri/permissions/ rather than
    // listed in AppManifest::commands, which would make tauri-build write them into a
    // `permissions/` folder at the top of the repository.
    let attributes = tauri_build::Attributes::new()
        .capabilities_path_pattern("src-tauri/capabilities/**/*")
        .app_manifest(
            tauri_build::AppManifest::new()
                .permissions_path_pattern("src-tauri/permissions/*.toml"),
        );
    if let Err(e) = tauri_build::try_build(attributes) {
        // A build script's failure stops the build with this message; no user ever sees it.
        panic!("tauri-build failed: {e:#}");
    }
}
