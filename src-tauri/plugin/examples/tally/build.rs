//! Tauri's build step: the configuration, the page and the capability.
fn main() {
    tauri_build::build();
}
