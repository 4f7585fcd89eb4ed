//! Directory sign-in against a real OpenLDAP `slapd` on loopback (TLS, the test CA), with
//! its floors measured in the same run:
//! - online sign-in vs one bare argon2id verification plus one bare LDAP bind with `ldap3`
//!   (a connection over TLS, the bind, the unbind); goal ≤ 1.1×;
//! - offline sign-in (the server's port closed) vs a local sign-in; goal ≤ 1.05×;
//! - a lab: 30 app engines (threads, each with its own data folder) signing their people
//!   in against the one slapd at once for a bounded time: sign-ins per second, median and
//!   99th percentile.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

#[path = "support.rs"]
mod support;

#[path = "../tests/common/slapd.rs"]
mod slapd;

use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier as _, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use criterion::Criterion;
use latchkey_engine::directory::{Directory, DirectorySettings};
use latchkey_engine::{Accounts, Config, Password};
use rustls::pki_types::pem::PemObject;
use std::hint::black_box;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::{fmt, paired, report, time_each};

const NOW: i64 = 1_767_225_600_000;
const LAB: usize = 30;

fn settings(url: &str, ca: &Path) -> DirectorySettings {
    DirectorySettings::parse(&format!(
        "url = \"{url}\"\nca_file = {ca:?}\n\
         bind_dn = \"uid={{name}},ou=people,dc=example,dc=test\"\n\
         admin_group = \"cn=latchkey-admins,ou=groups,dc=example,dc=test\"\n"
    ))
    .unwrap()
}

fn engine(dir: &Path, settings: DirectorySettings) -> Accounts {
    Accounts::open(dir, Config::default())
        .unwrap()
        .with_directory(Some(Directory::new(settings).unwrap()))
}

fn person(i: usize) -> (String, String) {
    (format!("lab{i:02}"), format!("lab{i:02}-Directory-Pass"))
}

/// A port on loopback where nothing listens (the directory is "down").
fn closed_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn main() {
    let full = support::full_run();
    let mut c = Criterion::default()
        .configure_from_args()
        .sample_size(10)
        .measurement_time(Duration::from_secs(if full { 8 } else { 1 }));
    let runs = if full { 101 } else { 3 };
    let ldap = slapd::Slapd::start().expect("slapd (make deps installs it)");
    for i in 0..LAB {
        let (name, password) = person(i);
        ldap.add_person(&name, &format!("Lab person {i}"), &password)
            .unwrap();
    }
    let online = settings(&ldap.ldaps_url(), ldap.ca_file());

    // Floors: one bare argon2id verification at the engine's parameters, one bare bind.
    let hash = Config::default().hash;
    let params = Params::new(hash.m_kib, hash.t, hash.p, None).unwrap();
    let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
    let salt = SaltString::encode_b64(b"latchkey-bench-s").unwrap();
    let (name, password) = person(0);
    let phc = argon
        .hash_password(password.as_bytes(), &salt)
        .unwrap()
        .to_string();
    let parsed = PasswordHash::new(&phc).unwrap();
    let bare_verify = || assert!(argon.verify_password(password.as_bytes(), &parsed).is_ok());
    let mut roots = rustls::RootCertStore::empty();
    for cert in rustls::pki_types::CertificateDer::pem_file_iter(ldap.ca_file()).unwrap() {
        roots.add(cert.unwrap()).unwrap();
    }
    #[allow(deprecated)]
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let tls = Arc::new(
        rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(roots)
            .with_no_client_auth(),
    );
    let dn = format!("uid={name},ou=people,dc=example,dc=test");
    let url = ldap.ldaps_url();
    // The bind as fast as ldap3 makes it: over a TCP connection with Nagle's algorithm off,
    // as the engine's (ldap3's own connection leaves it on, and then every bind waits 40 ms
    // for a delayed acknowledgement; that figure is reported beside).
    let port = ldap.ldaps_port();
    let bind = |nodelay: bool| {
        let mut settings = ldap3::LdapConnSettings::new().set_config(Arc::clone(&tls));
        if nodelay {
            let stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
            stream.set_nodelay(true).unwrap();
            settings = settings.set_std_stream(ldap3::StdStream::Tcp(stream));
        }
        let mut conn = ldap3::LdapConn::with_settings(settings, &url).unwrap();
        conn.simple_bind(&dn, &password).unwrap().success().unwrap();
        conn.unbind().unwrap();
    };
    let bare_bind = || bind(true);
    let ldap3_default_bind = || bind(false);

    // One engine online; the same folder offline (the port closed); a local account there.
    let dir = support::bench_dir("directory-");
    let a = engine(dir.path(), online.clone());
    a.sign_in(&name, &Password::new(&password), false, NOW)
        .unwrap();
    let offline = engine(
        dir.path(),
        settings(
            &format!("ldaps://localhost:{}", closed_port()),
            ldap.ca_file(),
        ),
    );
    offline
        .create_user("local_person", &Password::new("violet-Harbor-42"), NOW)
        .unwrap();
    let typed = Password::new(&password);
    let sign_in_online = || {
        black_box(a.sign_in(&name, &typed, false, NOW).unwrap());
    };
    let sign_in_offline = || {
        black_box(offline.sign_in(&name, &typed, false, NOW).unwrap());
    };
    let local = Password::new("violet-Harbor-42");
    let sign_in_local = || {
        black_box(offline.sign_in("local_person", &local, false, NOW).unwrap());
    };

    let mut group = c.benchmark_group("directory");
    group.bench_function("floor_argon2id_verify", |b| b.iter(bare_verify));
    group.bench_function("floor_ldap_bind", |b| b.iter(bare_bind));
    group.bench_function("sign_in_online", |b| b.iter(sign_in_online));
    group.bench_function("sign_in_local", |b| b.iter(sign_in_local));
    group.bench_function("sign_in_offline", |b| b.iter(sign_in_offline));
    group.finish();

    let mut floor_online = || {
        bare_verify();
        bare_bind();
    };
    let (floor, online_median) = paired(runs, &mut floor_online, &mut { sign_in_online });
    let online_tail = time_each(runs, sign_in_online);
    let bind_alone = time_each(runs, bare_bind).median;
    let bind_default = time_each(runs.min(21), ldap3_default_bind).median;
    let (local_median, offline_median) =
        paired(runs, &mut { sign_in_local }, &mut { sign_in_offline });

    // The lab: 30 engines at once, each its own folder and person, for a bounded time.
    let lab_time = Duration::from_secs(if full { 30 } else { 3 });
    let folders: Vec<_> = (0..LAB)
        .map(|i| support::bench_dir(&format!("lab{i:02}-")))
        .collect();
    let started = Instant::now();
    let threads: Vec<_> = folders
        .iter()
        .enumerate()
        .map(|(i, folder)| {
            let (path, settings) = (folder.path().to_path_buf(), online.clone());
            std::thread::spawn(move || {
                let a = engine(&path, settings);
                let (name, password) = person(i);
                let password = Password::new(&password);
                a.sign_in(&name, &password, false, NOW).unwrap();
                let mut took = Vec::new();
                let end = Instant::now() + lab_time;
                while Instant::now() < end {
                    let t = Instant::now();
                    a.sign_in(&name, &password, false, NOW).unwrap();
                    took.push(t.elapsed());
                }
                took
            })
        })
        .collect();
    let mut all: Vec<Duration> = threads
        .into_iter()
        .flat_map(|t| t.join().unwrap())
        .collect();
    let elapsed = started.elapsed();
    all.sort();
    let per_second = all.len() as f64 / elapsed.as_secs_f64();
    let lab_median = all[all.len() / 2];
    let lab_p99 = all[(all.len() * 99 / 100).min(all.len() - 1)];

    let ratio = |a: Duration, b: Duration| a.as_secs_f64() / b.as_secs_f64();
    let verdict = |r: f64, goal: f64| if r <= goal { "MET" } else { "MISSED" };
    let online_ratio = ratio(online_median, floor);
    let offline_ratio = ratio(offline_median, local_median);
    let lines = vec![
        format!(
            "- online sign-in: {} (alone: median {}, p99 {}) vs one bare argon2id verify + one bare LDAP bind {} (the bind alone {}; {} with ldap3's own connection, Nagle on) = {online_ratio:.3}x (goal <= 1.10x) {}",
            fmt(online_median),
            fmt(online_tail.median),
            fmt(online_tail.p99),
            fmt(floor),
            fmt(bind_alone),
            fmt(bind_default),
            verdict(online_ratio, 1.10)
        ),
        format!(
            "- offline sign-in (the server's port closed): {} vs a local sign-in {} = {offline_ratio:.3}x (goal <= 1.05x) {}",
            fmt(offline_median),
            fmt(local_median),
            verdict(offline_ratio, 1.05)
        ),
        format!(
            "- a lab of {LAB} engines at once against one slapd for {} s: {} sign-ins, {per_second:.1} per second; median {}, p99 {} (on {} cores: argon2id is the limit)",
            lab_time.as_secs(),
            all.len(),
            fmt(lab_median),
            fmt(lab_p99),
            std::thread::available_parallelism().map_or(0, |n| n.get())
        ),
    ];
    for line in &lines {
        report("directory", line);
    }
    if full {
        support::goals("directory", &lines);
        support::write_results("directory", &lines.join("\n"));
    }
}
