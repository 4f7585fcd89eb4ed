//! The real app in its real window, under a private Xvfb and gnome-keyring: a launch test
//! and the end-to-end tests driven over WebDriver.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

#[path = "../common/mod.rs"]
mod common;

mod e2e;
mod launch;
