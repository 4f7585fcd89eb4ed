fn main() {
    println!("cargo:rerun-if-changed=src-tauri/capabilities");
    println!("cargo:rerun-if-changed=tauri.conf.json");
    println!("cargo:rerun-if-changed=ui");
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .capabilities_path_pattern("src-tauri/capabilities/**/*")
            .app_manifest(tauri_build::AppManifest::new().commands(&[
                "signup",
                "login",
                "profile",
                "logout",
                "session",
                "change_password",
                "list_sessions",
                "sign_out_others",
                "delete_account",
                "recent_accounts",
                "forget_recent_account",
                "admin_list_accounts",
                "admin_reset_password",
                "admin_unlock_account",
                "admin_delete_account",
                "admin_events",
            ])),
    )
    .expect("failed to run tauri-build");
}
