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

/// A goal line for `make bench`'s closing summary: kept in `target/bench-summary/goals-<bench>.txt`,
/// rewritten by each full run of that benchmark.
pub fn goals(bench: &str, lines: &[String]) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target")
        .join("bench-summary");
    let _ = std::fs::create_dir_all(&dir);
    let _ = std::fs::write(
        dir.join(format!("goals-{bench}.txt")),
        lines.join("\n") + "\n",
    );
}

/// This machine, in one line: processor, cores, memory, kernel and WebKitGTK.
pub fn machine() -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let cpu = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .map(|l| l.trim_start_matches([' ', '\t', ':']).to_owned())
        .unwrap_or_else(|| "unknown processor".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let mem_gib = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| {
            m.lines()
                .find_map(|l| l.strip_prefix("MemTotal:"))
                .and_then(|v| v.split_whitespace().next()?.parse::<f64>().ok())
        })
        .map_or(0.0, |kib| kib / 1_048_576.0);
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
    let webkit = std::process::Command::new("dpkg-query")
        .args(["-W", "-f=${Version}", "libwebkit2gtk-4.1-0"])
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default();
    format!(
        "{cpu}, {cores} cores, {mem_gib:.0} GiB, Linux {}, WebKitGTK {webkit}",
        kernel.trim()
    )
}

/// Replaces the block between `<!-- results:<name> -->` and `<!-- /results:<name> -->` in
/// `benches/README.md` with `body`, headed by today's date and this machine. Full runs only.
pub fn write_results(name: &str, body: &str) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/README.md");
    let Ok(text) = std::fs::read_to_string(&path) else {
        return;
    };
    let (open, close) = (
        format!("<!-- results:{name} -->"),
        format!("<!-- /results:{name} -->"),
    );
    let (Some(start), Some(end)) = (text.find(&open), text.find(&close)) else {
        eprintln!("benches/README.md has no {open} … {close} block; results not written");
        return;
    };
    let date = std::process::Command::new("date")
        .args(["-u", "+%Y-%m-%d %H:%M UTC"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default();
    let block = format!(
        "{open}\n_Written by `make bench` on {date}; {}._\n\n{}\n",
        machine(),
        body.trim_end()
    );
    let updated = format!("{}{block}{}", &text[..start], &text[end..]);
    let _ = std::fs::write(&path, updated);
}

/// Median of `n` paired timings (alternating which goes first): the floor's median and the
/// floor's median plus the median of the paired differences.
pub fn paired(n: usize, floor: &mut dyn FnMut(), op: &mut dyn FnMut()) -> (Duration, Duration) {
    let time = |f: &mut dyn FnMut()| {
        let t = Instant::now();
        f();
        t.elapsed()
    };
    let (mut floors, mut diffs) = (Vec::with_capacity(n), Vec::with_capacity(n));
    for k in 0..n {
        let (fl, o) = if k.is_multiple_of(2) {
            let fl = time(floor);
            (fl, time(op))
        } else {
            let o = time(op);
            (time(floor), o)
        };
        floors.push(fl);
        diffs.push(o.as_secs_f64() - fl.as_secs_f64());
    }
    floors.sort();
    diffs.sort_by(f64::total_cmp);
    let floor = floors[n / 2];
    let op = Duration::from_secs_f64((floor.as_secs_f64() + diffs[n / 2]).max(0.0));
    (floor, op)
}
