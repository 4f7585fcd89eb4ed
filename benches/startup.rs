//! Start-up, memory and size of the real app (the binary `cargo bench` builds with the
//! release settings), under a private Xvfb and gnome-keyring:
//! - start-up: from spawning the process to the sign-in screen being ready for input (the
//!   page reports it; goal ≤ 500 ms);
//! - memory: resident memory of the app and its WebKit processes, idle on the profile;
//! - size: the binary and, when `make bundle` has run, the `.deb`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support.rs"]
mod support;

#[path = "../tests/common/desktop.rs"]
mod desktop;

use criterion::Criterion;
use desktop::{PrivateBus, PrivateDisplay};
use latchkey::APP_IDENTIFIER;
use latchkey_engine::{Accounts, Config, Password};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};
use support::{fmt, report};

const BINARY: &str = env!("CARGO_BIN_EXE_latchkey");

struct Running {
    child: Child,
    ready: mpsc::Receiver<String>,
}

fn launch(display: &PrivateDisplay, bus: &PrivateBus, data: &Path) -> Running {
    let mut child = Command::new(BINARY)
        .env("DISPLAY", &display.display)
        .envs(bus.env())
        .env("LATCHKEY_DATA_DIR", data)
        .env("LATCHKEY_STARTUP_PROBE", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start latchkey");
    let (tx, ready) = mpsc::channel();
    let stdout = child.stdout.take().expect("stdout");
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if line.starts_with("latchkey-ready") {
                let _ = tx.send(line);
            }
        }
    });
    Running { child, ready }
}

impl Running {
    fn wait_ready(&self, page: &str) {
        let line = self
            .ready
            .recv_timeout(Duration::from_secs(60))
            .expect("the app never reported a ready screen");
        assert!(
            line.contains(page),
            "expected the {page} screen, got {line}"
        );
    }

    fn stop(mut self) {
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .status();
        let _ = self.child.wait();
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn time_to_sign_in_screen(display: &PrivateDisplay, bus: &PrivateBus) -> Duration {
    let data = tempfile::tempdir().unwrap();
    let start = Instant::now();
    let app = launch(display, bus, data.path());
    app.wait_ready("login");
    let elapsed = start.elapsed();
    app.stop();
    elapsed
}

/// Resident memory (KiB) of a process and all its descendants.
fn tree_rss_kib(root: u32) -> (u64, usize) {
    let mut parents = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
            continue;
        };
        let after = stat.rsplit_once(") ").map_or("", |(_, rest)| rest);
        if let Some(ppid) = after
            .split_whitespace()
            .nth(1)
            .and_then(|p| p.parse::<u32>().ok())
        {
            parents.push((pid, ppid));
        }
    }
    let mut tree = vec![root];
    let mut i = 0;
    while i < tree.len() {
        let p = tree[i];
        tree.extend(parents.iter().filter(|(_, pp)| *pp == p).map(|(c, _)| *c));
        i += 1;
    }
    let rss = tree
        .iter()
        .filter_map(|pid| std::fs::read_to_string(format!("/proc/{pid}/status")).ok())
        .filter_map(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
        })
        .sum();
    (rss, tree.len())
}

fn main() {
    let full = support::full_run();
    let display = PrivateDisplay::start();
    let bus = PrivateBus::with_secret_service();

    let mut samples = Vec::new();
    if full {
        let mut c = Criterion::default()
            .configure_from_args()
            .sample_size(10)
            .measurement_time(Duration::from_secs(15));
        c.bench_function("startup_to_sign_in_screen", |b| {
            b.iter_custom(|iters| {
                (0..iters)
                    .map(|_| time_to_sign_in_screen(&display, &bus))
                    .sum()
            })
        });
        c.final_summary();
        samples.extend((0..15).map(|_| time_to_sign_in_screen(&display, &bus)));
    } else {
        samples.push(time_to_sign_in_screen(&display, &bus));
    }
    samples.sort();
    let median = samples[samples.len() / 2];
    report(
        "startup",
        &format!(
            "start-up to an interactive sign-in screen: median {} (min {}, max {}, {} launches)  goal 500 ms  {}",
            fmt(median),
            fmt(samples[0]),
            fmt(samples[samples.len() - 1]),
            samples.len(),
            if median <= Duration::from_millis(500) { "MET" } else { "MISSED" }
        ),
    );

    // Memory, idle on the profile screen of a kept session.
    let data = tempfile::tempdir().unwrap();
    let signed = Accounts::open(data.path(), Config::default())
        .unwrap()
        .sign_up(
            "Resident",
            &Password::new("violet-Harbor-42"),
            true,
            latchkey_engine::now_ms(),
        )
        .unwrap();
    bus.store(APP_IDENTIFIER, "session", signed.token.expose());
    let app = launch(&display, &bus, data.path());
    app.wait_ready("profile");
    std::thread::sleep(Duration::from_secs(3));
    let (first, _) = tree_rss_kib(app.child.id());
    std::thread::sleep(Duration::from_secs(1));
    let (rss, processes) = tree_rss_kib(app.child.id());
    let main_only = std::fs::read_to_string(format!("/proc/{}/status", app.child.id()))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
        })
        .unwrap_or(0);
    app.stop();
    report(
        "startup",
        &format!(
            "memory idle on the profile: {:.1} MiB in {processes} processes (app process {:.1} MiB); a second earlier {:.1} MiB",
            rss as f64 / 1024.0,
            main_only as f64 / 1024.0,
            first as f64 / 1024.0
        ),
    );

    let binary = std::fs::metadata(BINARY).map(|m| m.len()).unwrap_or(0);
    let deb_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/bundle/deb");
    let deb = std::fs::read_dir(&deb_dir)
        .ok()
        .and_then(|d| {
            d.flatten()
                .find(|e| e.file_name().to_string_lossy().ends_with(".deb"))
        })
        .and_then(|e| e.metadata().ok())
        .map(|m| m.len());
    report(
        "startup",
        &format!(
            "size: binary {:.2} MiB ({}); .deb {}",
            binary as f64 / 1_048_576.0,
            BINARY,
            deb.map_or("not built (run make bundle)".into(), |d| format!(
                "{:.2} MiB",
                d as f64 / 1_048_576.0
            ))
        ),
    );
}
