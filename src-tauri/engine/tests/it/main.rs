//! The engine's integration tests, on real temporary SQLite files, in one binary (no Tauri
//! is linked: the engine does not depend on it).
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

mod common;

mod accounts;
mod admin;
mod at_rest;
mod concurrency;
mod crash;
mod crash_private;
mod escrow;
mod hardening;
mod lock;
mod private_space;
mod races;
mod recovery;
mod resets;
mod second_step;
mod sessions;
mod storage;
mod two_step;
