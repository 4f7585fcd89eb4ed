//! The real app in its real window, under a private Xvfb and gnome-keyring: a launch test
//! and the end-to-end tests driven over WebDriver.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

#[path = "../common/mod.rs"]
mod common;

mod a11y;
mod attacker;
mod directory;
mod driver;
mod e2e;
mod escrow;
mod example_app;
mod keyboard;
mod launch;
mod lock;
mod notes;
mod recovery;
mod review;
mod startup;
