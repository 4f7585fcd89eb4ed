//! Real read-only and full file systems for fault tests: tmpfs mounts and read-only bind
//! mounts (the tests run as root, which file modes alone would not stop).
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

pub fn sh(args: &[&str]) {
    let out = Command::new(args[0])
        .args(&args[1..])
        .output()
        .expect("mount tools");
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A mount point that is unmounted when dropped.
pub struct Mounted(PathBuf);

impl Mounted {
    pub fn tmpfs(dir: &Path, size: &str) -> Self {
        std::fs::create_dir_all(dir).unwrap();
        sh(&[
            "mount",
            "-t",
            "tmpfs",
            "-o",
            &format!("size={size},mode=0700"),
            "tmpfs",
            &dir.to_string_lossy(),
        ]);
        Self(dir.to_path_buf())
    }

    pub fn read_only_bind(path: &Path) -> Self {
        let p = path.to_string_lossy();
        sh(&["mount", "--bind", &p, &p]);
        sh(&["mount", "-o", "remount,ro,bind", &p]);
        Self(path.to_path_buf())
    }

    pub fn remount_read_only(&self) {
        sh(&["mount", "-o", "remount,ro", &self.0.to_string_lossy()]);
    }
}

impl Drop for Mounted {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
    }
}
