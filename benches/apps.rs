//! Launching the two apps the start-up benchmark compares — Latchkey's release binary and
//! the empty Tauri app built beside it with the same profile — and reading what they print
//! (`latchkey-setup <ms>`, `latchkey-ready <ms> <payload>`) and how much memory their
//! processes hold.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use crate::desktop::{PrivateBus, PrivateDisplay};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Latchkey's binary, as cargo built it for this benchmark.
pub const LATCHKEY: &str = env!("CARGO_BIN_EXE_latchkey");

/// The empty app's binary: beside Latchkey's, built with the same profile.
pub fn empty_app() -> PathBuf {
    Path::new(LATCHKEY).with_file_name("latchkey-empty-app")
}

/// Builds the empty app with the profile this benchmark was built with (nothing to do when
/// it is up to date: `make bench` builds it first).
pub fn ensure_empty_app() {
    let release = Path::new(LATCHKEY)
        .parent()
        .and_then(Path::file_name)
        .is_some_and(|d| d == "release");
    let mut cargo = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cargo
        .args(["build", "-p", "latchkey-empty-app"])
        .current_dir(env!("CARGO_MANIFEST_DIR"));
    if release {
        cargo.arg("--release");
    }
    let built = cargo.status().expect("cargo");
    assert!(
        built.success() && empty_app().exists(),
        "building the empty app failed"
    );
}

fn wall_ms() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis())
}

/// One running app and what it has printed.
pub struct Running {
    pub child: Child,
    spawned_ms: u128,
    started: Instant,
    lines: mpsc::Receiver<String>,
    pub setup_after: Option<Duration>,
    /// When the page's navigation began (its `performance.timeOrigin`), after spawn.
    pub navigation_after: Option<Duration>,
    /// When the page said it was ready, in milliseconds since its navigation began.
    pub page_ready_ms: Option<u64>,
    /// Every mark the page sent with it (`response`, `parsed`, `modules`, `session`,
    /// `words`, `shown`, `ready`), in milliseconds since its navigation began, and `origin`,
    /// the wall-clock millisecond it began.
    pub marks: Vec<(String, u64)>,
}

/// The `"name":<ms>` pairs of a ready line's payload.
fn marks_of(line: &str) -> Vec<(String, u64)> {
    line.split('"')
        .collect::<Vec<_>>()
        .windows(2)
        .filter_map(|w| {
            let n = w[1].strip_prefix(':')?;
            let digits: String = n.chars().take_while(char::is_ascii_digit).collect();
            Some((w[0].to_owned(), digits.parse().ok()?))
        })
        .collect()
}

/// Starts `binary` on the private display and bus, as an OS account whose home is `home`;
/// Latchkey keeps its data in `data`.
pub fn launch(
    binary: &Path,
    display: &PrivateDisplay,
    bus: &PrivateBus,
    home: &Path,
    data: &Path,
) -> Running {
    let spawned_ms = wall_ms();
    let started = Instant::now();
    let mut child = Command::new(binary)
        .env("DISPLAY", &display.display)
        .envs(bus.env())
        .env("HOME", home)
        .env("LATCHKEY_DATA_DIR", data)
        .env("LATCHKEY_STARTUP_PROBE", "1")
        .env("LANG", "en_US.UTF-8")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the app");
    let (tx, lines) = mpsc::channel();
    let stdout = child.stdout.take().expect("stdout");
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if line.starts_with("latchkey-") && tx.send(line).is_err() {
                break;
            }
        }
    });
    Running {
        child,
        spawned_ms,
        started,
        lines,
        setup_after: None,
        navigation_after: None,
        page_ready_ms: None,
        marks: Vec::new(),
    }
}

impl Running {
    /// Waits for the page to report ready and checks it is `page`; the time since spawn.
    pub fn wait_ready(&mut self, page: &str) -> Duration {
        loop {
            let line = self
                .lines
                .recv_timeout(Duration::from_secs(60))
                .expect("the app never reported a ready screen");
            let elapsed = self.started.elapsed();
            let mut words = line.split_whitespace();
            let (kind, at) = (
                words.next(),
                words.next().and_then(|w| w.parse::<u128>().ok()),
            );
            if kind == Some("latchkey-setup") {
                self.setup_after =
                    at.map(|at| Duration::from_millis(at.saturating_sub(self.spawned_ms) as u64));
                continue;
            }
            assert!(
                line.contains(page),
                "expected the {page} screen, got {line}"
            );
            self.marks = marks_of(&line);
            self.navigation_after = self.marks.iter().find(|(name, _)| name == "origin").map(
                |(_, at)| {
                    Duration::from_millis(u128::from(*at).saturating_sub(self.spawned_ms) as u64)
                },
            );
            self.page_ready_ms = self
                .marks
                .iter()
                .find(|(name, _)| name == "ready")
                .map(|(_, ms)| *ms);
            return elapsed;
        }
    }

    /// Resident memory (KiB) of each of the app's processes, by process name.
    pub fn memory(&self) -> Vec<(String, u64)> {
        tree_rss_kib(self.child.id())
    }

    /// Ends the app and waits for it.
    pub fn stop(mut self) {
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        std::thread::sleep(Duration::from_millis(150));
    }
}

/// Resident memory (KiB) of a process and each of its descendants, with their names.
pub fn tree_rss_kib(root: u32) -> Vec<(String, u64)> {
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
    tree.iter()
        .filter_map(|pid| std::fs::read_to_string(format!("/proc/{pid}/status")).ok())
        .filter_map(|s| {
            let field = |name: &str| {
                s.lines()
                    .find(|l| l.starts_with(name))
                    .and_then(|l| l.split_whitespace().nth(1).map(str::to_owned))
            };
            Some((field("Name:")?, field("VmRSS:")?.parse::<u64>().ok()?))
        })
        .collect()
}

/// The median of some durations (sorted in place).
pub fn median(samples: &mut [Duration]) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}
