//! The private space against floors measured in the same run:
//! - sign-in with the private space opened vs one bare argon2id computation at the same
//!   parameters (goal ≤ 1.10×);
//! - reading one note of 4 KiB vs an indexed SQLite read of the same 4 KiB blob plus one
//!   bare XChaCha20-Poly1305 open (goal ≤ 1.5×);
//! - listing 1,000 notes' titles (goal ≤ 50 ms);
//! - changing the password with 10,000 notes vs with none (goal: the same time ±10 %).
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support.rs"]
mod support;

use argon2::{Algorithm, Argon2, Params, Version};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use criterion::Criterion;
use latchkey_engine::{Accounts, Config, Password, SecretKey};
use std::hint::black_box;
use std::time::{Duration, Instant};
use support::{fmt, paired, report};

const NOW: i64 = 1_767_225_600_000;
const PASSWORD: &str = "violet-Harbor-42";
const OTHER: &str = "indigo-Meadow-77";

fn ratio(op: Duration, floor: Duration) -> f64 {
    op.as_secs_f64() / floor.as_secs_f64()
}

/// An account with `notes` notes of 4 KiB; its id and data key.
fn account_with_notes(a: &Accounts, name: &str, notes: usize) -> (String, SecretKey) {
    let mut signed = a
        .sign_up(name, &Password::new(PASSWORD), false, NOW)
        .unwrap();
    let key = signed.data_key.take().unwrap();
    let body = "n".repeat(4096);
    for i in 0..notes {
        a.save_note(
            &signed.user.id,
            &key,
            None,
            &format!("Note {i}"),
            &body,
            NOW + i as i64,
        )
        .unwrap();
    }
    (signed.user.id, key)
}

fn main() {
    let full = support::full_run();
    let mut c = Criterion::default()
        .configure_from_args()
        .sample_size(10)
        .measurement_time(Duration::from_secs(if full { 5 } else { 1 }));
    let runs = if full { 41 } else { 3 };
    let config = Config::default();
    let dir = support::bench_dir("private-");
    let a = Accounts::open(dir.path(), config).unwrap();
    let (user_id, key) = account_with_notes(&a, "reader", if full { 1000 } else { 20 });
    a.hasher().warm_up();

    // Floor 1: one bare argon2id computation at the same parameters (32 bytes out).
    let params = Params::new(config.hash.m_kib, config.hash.t, config.hash.p, Some(32)).unwrap();
    let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
    let bare_argon2 = || {
        let mut out = [0u8; 32];
        argon
            .hash_password_into(PASSWORD.as_bytes(), b"latchkey-bench-s", &mut out)
            .unwrap();
        black_box(out);
    };
    let sign_in = || {
        let signed = a
            .sign_in("reader", &Password::new(PASSWORD), false, NOW)
            .unwrap();
        assert!(signed.data_key.is_some());
        black_box(signed);
    };

    // Floor 2: an indexed read of a 4 KiB blob plus one XChaCha20-Poly1305 open.
    let raw = rusqlite::Connection::open(dir.path().join("latchkey.db")).unwrap();
    raw.execute_batch(
        "CREATE TABLE IF NOT EXISTS bench_blob (id TEXT PRIMARY KEY, body BLOB) STRICT;",
    )
    .unwrap();
    let cipher = XChaCha20Poly1305::new((&[7u8; 32]).into());
    let nonce = [9u8; 24];
    let sealed_blob = cipher
        .encrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: &[b'n'; 4096],
                aad: b"bench",
            },
        )
        .unwrap();
    raw.execute(
        "INSERT OR REPLACE INTO bench_blob VALUES ('x', ?1)",
        [&sealed_blob],
    )
    .unwrap();
    let mut floor_read = || {
        let blob: Vec<u8> = raw
            .prepare_cached("SELECT body FROM bench_blob WHERE id = ?1")
            .unwrap()
            .query_row(["x"], |r| r.get(0))
            .unwrap();
        let plain = cipher
            .decrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: &blob,
                    aad: b"bench",
                },
            )
            .unwrap();
        black_box(plain);
    };
    let some_id = a.list_notes(&user_id, &key, None).unwrap()[0].id.clone();
    let mut read_note = || {
        black_box(a.get_note(&user_id, &key, &some_id).unwrap());
    };
    let mut list_titles = || {
        black_box(a.list_notes(&user_id, &key, None).unwrap());
    };

    let mut group = c.benchmark_group("private");
    group.bench_function("floor_argon2id", |b| b.iter(bare_argon2));
    group.bench_function("sign_in_with_private_space", |b| b.iter(sign_in));
    group.bench_function("floor_indexed_read_plus_open", |b| b.iter(&mut floor_read));
    group.bench_function("read_one_4k_note", |b| b.iter(&mut read_note));
    group.bench_function("list_1000_titles", |b| b.iter(&mut list_titles));
    group.finish();

    let (argon_floor, signin) = paired(runs, &mut { bare_argon2 }, &mut { sign_in });
    let (read_floor, read) = paired(runs * 25, &mut floor_read, &mut read_note);
    let list = support::time_each(runs, &mut list_titles).median;

    // Password change with 10,000 notes and with none, alternating.
    let dir_many = support::bench_dir("private-many-");
    let many = Accounts::open(dir_many.path(), config).unwrap();
    let many_notes = if full { 10_000 } else { 50 };
    let (many_id, _) = account_with_notes(&many, "hoarder", many_notes);
    let (none_id, _) = account_with_notes(&many, "minimal", 0);
    let change = |id: &str, k: usize| {
        let (from, to) = if k.is_multiple_of(2) {
            (PASSWORD, OTHER)
        } else {
            (OTHER, PASSWORD)
        };
        many.change_password(id, &Password::new(from), &Password::new(to), None, NOW)
            .unwrap();
    };
    let (mut with_none, mut with_many) = (Vec::new(), Vec::new());
    for k in 0..runs.max(5) {
        let t = Instant::now();
        change(&none_id, k);
        with_none.push(t.elapsed());
        let t = Instant::now();
        change(&many_id, k);
        with_many.push(t.elapsed());
    }
    with_none.sort();
    with_many.sort();
    let (change_none, change_many) = (
        with_none[with_none.len() / 2],
        with_many[with_many.len() / 2],
    );

    let goals = vec![
        format!(
            "sign-in with the private space opened: {} vs one bare argon2id {} = {:.3}x (goal <= 1.10x) {}",
            fmt(signin),
            fmt(argon_floor),
            ratio(signin, argon_floor),
            if ratio(signin, argon_floor) <= 1.10 { "MET" } else { "MISSED" }
        ),
        format!(
            "read one 4 KiB note: {} vs indexed read + one XChaCha20-Poly1305 open {} = {:.3}x (goal <= 1.5x) {}",
            fmt(read),
            fmt(read_floor),
            ratio(read, read_floor),
            if ratio(read, read_floor) <= 1.5 { "MET" } else { "MISSED" }
        ),
        format!(
            "list {} notes' titles: {} (goal <= 50 ms) {}",
            if full { 1000 } else { 20 },
            fmt(list),
            if list <= Duration::from_millis(50) { "MET" } else { "MISSED" }
        ),
        format!(
            "change password with {many_notes} notes: {} vs with none {} = {:.3}x (goal 0.90x-1.10x) {}",
            fmt(change_many),
            fmt(change_none),
            ratio(change_many, change_none),
            if (0.9..=1.1).contains(&ratio(change_many, change_none)) { "MET" } else { "MISSED" }
        ),
    ];
    for line in &goals {
        report("private", line);
    }
    if full {
        support::goals("private", &goals);
        support::write_results(
            "private",
            &goals
                .iter()
                .map(|l| format!("- {l}"))
                .collect::<Vec<_>>()
                .join("\n"),
        );
    }
    c.final_summary();
}
