//! Latchkey against an empty Tauri 2 app (`benches/empty-app`, one page with a form, built
//! from the same lock file with the same release profile), launched in turn in one run under
//! a private Xvfb, D-Bus and gnome-keyring:
//! - start-up: from spawning the process to the page reporting itself ready for input
//!   (focus in the username field). Latchkey's sign-in screen (a database with accounts,
//!   nobody kept signed in) goal ≤ 1.05× the empty app; its profile with a kept session
//!   ≤ 1.10×; medians of 15 alternating launches each;
//! - memory idle (resident, all the app's processes) on the sign-in screen and the profile:
//!   ≤ 1.05×;
//! - the stripped binaries: ≤ 1.5×; the `.deb` (when `make bundle` has run): ≤ 4 MiB.
//!
//! Under `cargo test --all-targets` it launches each once, as a smoke test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support.rs"]
mod support;

#[path = "../tests/common/desktop.rs"]
mod desktop;

mod apps;

use apps::{empty_app, ensure_empty_app, launch, median, Running, LATCHKEY};
use desktop::{PrivateBus, PrivateDisplay};
use latchkey::APP_IDENTIFIER;
use latchkey_engine::{Accounts, Config, Password};
use std::path::{Path, PathBuf};
use std::time::Duration;
use support::report;
use tauri_plugin_latchkey::vault::slot_of;

const PASSWORD: &str = "violet-Harbor-42";

/// What is launched: the empty app, or Latchkey on one of two data folders.
#[derive(Clone, Copy, PartialEq)]
enum Case {
    Empty,
    SignIn,
    Profile,
}

struct Bench {
    display: PrivateDisplay,
    bus: PrivateBus,
    /// Three accounts, nobody kept signed in.
    accounts: tempfile::TempDir,
    /// One account kept signed in (its token in the keyring).
    kept: tempfile::TempDir,
    /// A home folder per case: each is a computer account that always opens the same data
    /// (the webview's own storage, which remembers where the window opened, lives there).
    homes: [tempfile::TempDir; 3],
}

impl Bench {
    fn new() -> Self {
        let display = PrivateDisplay::start();
        let bus = PrivateBus::with_secret_service();
        let now = latchkey_engine::now_ms();
        let accounts = support::bench_dir("startup-accounts-");
        let a = Accounts::open(accounts.path(), Config::default()).unwrap();
        for name in ["Ada-L", "Grace", "Linus"] {
            a.sign_up(name, &Password::new(PASSWORD), false, now)
                .unwrap();
        }
        drop(a);
        let kept = support::bench_dir("startup-kept-");
        let signed = Accounts::open(kept.path(), Config::default())
            .unwrap()
            .sign_up("Resident", &Password::new(PASSWORD), true, now)
            .unwrap();
        bus.store(
            APP_IDENTIFIER,
            &slot_of(&signed.user.id),
            signed.token.expose(),
        );
        let homes = [(); 3].map(|_| support::bench_dir("startup-home-"));
        Self {
            display,
            bus,
            accounts,
            kept,
            homes,
        }
    }

    fn start(&self, case: Case) -> (Running, Duration) {
        let (binary, data, page, home): (PathBuf, &Path, &str, &Path) = match case {
            Case::Empty => (
                empty_app(),
                self.accounts.path(),
                "empty",
                self.homes[0].path(),
            ),
            Case::SignIn => (
                LATCHKEY.into(),
                self.accounts.path(),
                "login",
                self.homes[1].path(),
            ),
            // A kept session opens on the person's home (their notes, still sealed in a
            // new run: the form that opens them).
            Case::Profile => (
                LATCHKEY.into(),
                self.kept.path(),
                "home",
                self.homes[2].path(),
            ),
        };
        let mut app = launch(&binary, &self.display, &self.bus, home, data);
        let ready = app.wait_ready(page);
        (app, ready)
    }
}

/// `a / b` with its goal, as one line of the summary.
fn ratio_line(what: &str, a: f64, b: f64, unit: &str, goal: f64) -> (String, bool) {
    let ratio = a / b;
    let met = ratio <= goal;
    (
        format!(
            "{what}: {a:.1} {unit} vs empty app {b:.1} {unit} = {ratio:.3}x (goal <= {goal}x) {}",
            if met { "MET" } else { "MISSED" }
        ),
        met,
    )
}

fn main() {
    let full = support::full_run();
    ensure_empty_app();
    let bench = Bench::new();
    let cases = [Case::Empty, Case::SignIn, Case::Profile];

    // Start-up: rounds of one launch each, the order rotating from round to round.
    // STARTUP_ROUNDS: fewer (or more) rounds, to try a change quickly; 15 otherwise.
    let rounds = match std::env::var("STARTUP_ROUNDS")
        .ok()
        .and_then(|r| r.parse::<usize>().ok())
    {
        Some(r) if full => r.max(1),
        _ if full => 15,
        _ => 1,
    };
    let mut times: [Vec<Duration>; 3] = Default::default();
    let mut setups: [Vec<Duration>; 3] = Default::default();
    let mut navigations: [Vec<Duration>; 3] = Default::default();
    let mut in_page: [Vec<Duration>; 3] = Default::default();
    let mut marks: [std::collections::BTreeMap<String, Vec<Duration>>; 3] = Default::default();
    for round in 0..rounds {
        for k in 0..3 {
            let i = (round + k) % 3;
            let (app, ready) = bench.start(cases[i]);
            times[i].push(ready);
            setups[i].extend(app.setup_after);
            navigations[i].extend(app.navigation_after);
            in_page[i].extend(app.page_ready_ms.map(Duration::from_millis));
            for (name, at) in &app.marks {
                marks[i]
                    .entry(name.clone())
                    .or_default()
                    .push(Duration::from_millis(*at));
            }
            app.stop();
        }
    }
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let [empty_t, signin_t, profile_t] = times.each_mut().map(|t| ms(median(t)));
    let page = in_page.each_mut().map(|s| {
        if s.is_empty() {
            "-".to_owned()
        } else {
            format!("{:.0} ms", ms(median(s)))
        }
    });
    let median_ms = |s: &mut Vec<Duration>| {
        if s.is_empty() {
            "-".to_owned()
        } else {
            format!("{:.0} ms", ms(median(s)))
        }
    };
    let setup = setups.each_mut().map(median_ms);
    let navigation = navigations.each_mut().map(median_ms);
    report(
        "startup",
        &format!(
            "start-up, medians of {rounds} alternating launches: empty app {empty_t:.1} ms, sign-in {signin_t:.1} ms, kept profile {profile_t:.1} ms; setup hook reached at {} / {} / {}; the page's navigation began at {} / {} / {}; the page ready {} / {} / {} after its navigation began",
            setup[0], setup[1], setup[2], navigation[0], navigation[1], navigation[2], page[0], page[1], page[2]
        ),
    );

    // Where the page's own time goes: each mark's median, in ms since navigation began.
    let names = ["empty app", "sign-in", "kept profile"];
    let in_page_marks: Vec<String> = marks
        .iter_mut()
        .zip(names)
        .map(|(m, name)| {
            let each: Vec<String> = [
                "response", "parsed", "modules", "session", "words", "shown", "ready",
            ]
            .iter()
            .filter_map(|k| {
                // Only marks most launches sent: start.js's early ready has no module or
                // session marks, and a mark at 0 was not reached before the page said it
                // was ready.
                let at = m.get_mut(*k)?;
                if at.len() * 2 <= rounds {
                    return None;
                }
                let at = median(at);
                (!at.is_zero()).then(|| format!("{k} {:.0}", ms(at)))
            })
            .collect();
            format!("{name}: {}", each.join(", "))
        })
        .collect();
    report(
        "startup",
        &format!(
            "in-page marks (ms since navigation began, medians): {}",
            in_page_marks.join("; ")
        ),
    );

    // Memory, idle: three seconds after the screen is ready, then a second reading.
    let samples = if full { 5 } else { 1 };
    let mut memory: [Vec<u64>; 3] = Default::default();
    // Each process's share, by name (the app, WebKit's web and network processes).
    let mut shares: [std::collections::BTreeMap<String, Vec<u64>>; 3] = Default::default();
    let mut processes = [0usize; 3];
    for round in 0..samples {
        for k in 0..3 {
            let i = (round + k) % 3;
            let (app, _) = bench.start(cases[i]);
            std::thread::sleep(Duration::from_secs(3));
            let each = app.memory();
            memory[i].push(each.iter().map(|(_, kib)| kib).sum());
            processes[i] = each.len();
            for (name, kib) in each {
                // Both binaries' names start with "latchkey" (cut at 15 characters).
                let name = if name.starts_with("latchkey") {
                    "app".into()
                } else {
                    name
                };
                shares[i].entry(name).or_default().push(kib);
            }
            app.stop();
        }
    }
    let mib = memory.each_mut().map(|m| {
        m.sort_unstable();
        m[m.len() / 2] as f64 / 1024.0
    });
    let split: Vec<String> = shares
        .iter_mut()
        .zip(["empty app", "sign-in", "profile"])
        .map(|(by_name, case)| {
            let each: Vec<String> = by_name
                .iter_mut()
                .map(|(name, kib)| {
                    kib.sort_unstable();
                    format!("{name} {:.1}", kib[kib.len() / 2] as f64 / 1024.0)
                })
                .collect();
            format!("{case}: {}", each.join(", "))
        })
        .collect();
    report(
        "startup",
        &format!(
            "memory idle, medians of {samples}: empty app {:.1} MiB ({} processes), sign-in {:.1} MiB ({}), profile {:.1} MiB ({}); by process (MiB): {}",
            mib[0], processes[0], mib[1], processes[1], mib[2], processes[2], split.join("; ")
        ),
    );

    let size = |p: &Path| std::fs::metadata(p).map_or(0, |m| m.len()) as f64 / 1_048_576.0;
    let (ours, theirs) = (size(Path::new(LATCHKEY)), size(&empty_app()));
    let deb =
        std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/bundle/deb"))
            .ok()
            .and_then(|d| {
                d.flatten()
                    .find(|e| e.file_name().to_string_lossy().ends_with(".deb"))
            })
            .map(|e| size(&e.path()));

    let lines = [
        ratio_line(
            "start-up to the sign-in screen",
            signin_t,
            empty_t,
            "ms",
            1.05,
        ),
        ratio_line(
            "start-up to the kept profile",
            profile_t,
            empty_t,
            "ms",
            1.10,
        ),
        ratio_line(
            "memory idle on the sign-in screen",
            mib[1],
            mib[0],
            "MiB",
            1.05,
        ),
        ratio_line("memory idle on the profile", mib[2], mib[0], "MiB", 1.05),
        ratio_line("stripped binary", ours, theirs, "MiB", 1.5),
    ];
    let mut goals: Vec<String> = lines.iter().map(|(l, _)| l.clone()).collect();
    goals.push(match deb {
        Some(deb) => format!(
            ".deb: {deb:.2} MiB (goal <= 4 MiB) {}",
            if deb <= 4.0 { "MET" } else { "MISSED" }
        ),
        None => ".deb: not built (run make bundle first)".into(),
    });
    for line in &goals {
        report("startup", line);
    }
    if full {
        support::goals("startup", &goals);
        let body = format!(
            "Medians of {rounds} alternating launches (start-up) and {samples} (memory). Tauri's setup hook reached {} (empty app) / {} (sign-in) / {} (profile) after spawn, and the page's navigation began at {} / {} / {}; the page ready {} / {} / {} after its navigation began. In-page marks (ms since navigation began): {}. Memory by process (MiB): {}.\n\n{}",
            setup[0],
            setup[1],
            setup[2],
            navigation[0],
            navigation[1],
            navigation[2],
            page[0],
            page[1],
            page[2],
            in_page_marks.join("; "),
            split.join("; "),
            goals.iter().map(|l| format!("- {l}")).collect::<Vec<_>>().join("\n")
        );
        support::write_results("startup", &body);
    }
}
