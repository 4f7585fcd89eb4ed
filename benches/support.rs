//! Helpers shared by the benchmarks: full-run detection, percentile timing and a summary
//! written next to criterion's own reports.
#![allow(dead_code)]

use std::io::Write;
use std::time::{Duration, Instant};

/// `cargo bench` passes `--bench`; `cargo test --all-targets` does not, and then every
/// benchmark runs a small smoke version of itself.
pub fn full_run() -> bool {
    std::env::args().any(|a| a == "--bench")
}

/// Median and 99th percentile of many single timings.
#[derive(Debug, Clone, Copy)]
pub struct Stats {
    pub median: Duration,
    pub p99: Duration,
}

/// Times `n` calls of `f` one by one.
pub fn time_each(n: usize, mut f: impl FnMut()) -> Stats {
    let mut samples: Vec<Duration> = (0..n)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .collect();
    samples.sort();
    Stats {
        median: samples[n / 2],
        p99: samples[(n * 99 / 100).min(n - 1)],
    }
}

pub fn fmt(d: Duration) -> String {
    let us = d.as_secs_f64() * 1e6;
    if us >= 10_000.0 {
        format!("{:.1} ms", us / 1000.0)
    } else {
        format!("{us:.1} µs")
    }
}

/// Prints a summary line and appends it to `target/bench-summary/<bench>.txt`.
pub fn report(bench: &str, line: &str) {
    println!("{line}");
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target")
        .join("bench-summary");
    let _ = std::fs::create_dir_all(&dir);
    if let Ok(mut f) = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(dir.join(format!("{bench}.txt")))
    {
        let _ = writeln!(f, "{line}");
    }
}

/// A fresh folder for a benchmark database, under `target/` (not a RAM-backed /tmp).
pub fn bench_dir(name: &str) -> tempfile::TempDir {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target")
        .join("bench-data");
    std::fs::create_dir_all(&root).expect("bench data dir");
    tempfile::Builder::new()
        .prefix(name)
        .tempdir_in(root)
        .expect("temp dir")
}
