//! argon2id password hashing (RustCrypto `argon2`), PHC strings, and a gate that lets at
//! most as many hashes run at once as the machine has cores.

use crate::error::AuthError;
use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier as _, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Condvar, Mutex, OnceLock};
use std::time::{Duration, Instant};

/// argon2id cost parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HashParams {
    /// Memory in KiB.
    pub m_kib: u32,
    /// Iterations.
    pub t: u32,
    /// Lanes.
    pub p: u32,
}

impl Default for HashParams {
    /// OWASP's argon2id recommendation: m=19456 KiB, t=2, p=1.
    fn default() -> Self {
        Self {
            m_kib: 19_456,
            t: 2,
            p: 1,
        }
    }
}

impl HashParams {
    /// The OWASP argon2id floor: the least memory (KiB) for a given number of passes
    /// (m=47104/t=1, 19456/2, 12288/3, 9216/4, 7168/5 and more).
    fn floor_m_kib(t: u32) -> u32 {
        match t {
            0 | 1 => 47_104,
            2 => 19_456,
            3 => 12_288,
            4 => 9_216,
            _ => 7_168,
        }
    }

    /// These parameters with the memory raised to the OWASP floor for their pass count (and
    /// to argon2's own minimum of 8 KiB per lane).
    pub fn at_least_owasp_floor(self) -> Self {
        let t = self.t.max(1);
        let floor = Self::floor_m_kib(t).max(8 * self.p);
        if self.m_kib < floor {
            log::warn!("argon2id memory raised to {floor} KiB, the floor for t={t}");
        }
        Self {
            m_kib: self.m_kib.max(floor),
            t,
            p: self.p,
        }
    }
}

/// Hashes and verifies passwords with one set of parameters.
pub struct PasswordHasher {
    params: HashParams,
    argon2: Argon2<'static>,
    dummy: OnceLock<String>,
    gate: Gate,
    verifications: AtomicU64,
    typical_nanos: AtomicU64,
}

impl std::fmt::Debug for PasswordHasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PasswordHasher")
            .field("params", &self.params)
            .finish_non_exhaustive()
    }
}

impl PasswordHasher {
    /// A hasher for `params`.
    ///
    /// # Errors
    /// `INTERNAL` when the parameters are outside what argon2 accepts.
    pub fn new(params: HashParams) -> Result<Self, AuthError> {
        let p = Params::new(params.m_kib, params.t, params.p, None).map_err(|e| {
            log::error!("invalid argon2 parameters: {e}");
            AuthError::Internal
        })?;
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        Ok(Self {
            params,
            argon2: Argon2::new(Algorithm::Argon2id, Version::V0x13, p),
            dummy: OnceLock::new(),
            gate: Gate::new(cores),
            verifications: AtomicU64::new(0),
            typical_nanos: AtomicU64::new(0),
        })
    }

    /// The parameters new hashes use.
    pub fn params(&self) -> HashParams {
        self.params
    }

    /// Hashes a password into a PHC string with a fresh 16-byte salt from the OS CSPRNG.
    ///
    /// # Errors
    /// `INTERNAL` when the OS random source or argon2 fails.
    pub fn hash(&self, password: &str) -> Result<String, AuthError> {
        let mut salt = [0u8; 16];
        getrandom::fill(&mut salt).map_err(|e| {
            log::error!("OS random source failed: {e}");
            AuthError::Internal
        })?;
        let salt = SaltString::encode_b64(&salt).map_err(|_| AuthError::Internal)?;
        let _permit = self.gate.enter();
        self.argon2
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| {
                log::error!("argon2 hashing failed: {e}");
                AuthError::Internal
            })
    }

    /// Whether `password` matches the PHC string `phc`. A malformed or non-argon2id
    /// string never matches.
    pub fn verify(&self, phc: &str, password: &str) -> bool {
        let Ok(parsed) = PasswordHash::new(phc) else {
            log::warn!("stored password hash is not a valid PHC string");
            return false;
        };
        if parsed.algorithm != argon2::ARGON2ID_IDENT {
            log::warn!("stored password hash is not argon2id");
            return false;
        }
        self.verifications.fetch_add(1, Ordering::Relaxed);
        self.timed_check(&parsed, password)
    }

    /// One verification under the gate. At the current parameters its duration is learned
    /// (a moving average); a hash made with other parameters (cheaper ones, before they were
    /// raised) is made to take as long, so that the time of a wrong answer tells nothing
    /// about the account.
    fn timed_check(&self, parsed: &PasswordHash<'_>, password: &str) -> bool {
        let (matched, took) = {
            let _permit = self.gate.enter();
            let started = Instant::now();
            let matched = self
                .argon2
                .verify_password(password.as_bytes(), parsed)
                .is_ok();
            (matched, started.elapsed())
        };
        let took_nanos = u64::try_from(took.as_nanos()).unwrap_or(u64::MAX);
        if params_of(parsed) == Some(self.params) {
            let _ = self
                .typical_nanos
                .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |old| {
                    Some(if old == 0 {
                        took_nanos
                    } else {
                        old / 8 * 7 + took_nanos / 8
                    })
                });
        } else {
            if self.typical_nanos.load(Ordering::Relaxed) == 0 {
                // No verification at the current parameters timed yet in this run: time one.
                self.warm_up();
            }
            let typical = self.typical_nanos.load(Ordering::Relaxed);
            std::thread::sleep(Duration::from_nanos(typical.saturating_sub(took_nanos)));
        }
        matched
    }

    /// Spends the same time as a real verification, for unknown usernames. Always false.
    pub fn verify_dummy(&self, password: &str) -> bool {
        let _ = self.verify(self.dummy(), password);
        false
    }

    /// How many argon2id verifications this hasher has run (real and dummy), so tests can
    /// show that unknown users cost one verification and throttled attempts none.
    pub fn verifications(&self) -> u64 {
        self.verifications.load(Ordering::Relaxed)
    }

    /// The hash unknown usernames are checked against: the current parameters, a fixed salt
    /// and an all-zero hash that no password is known to produce. Checking a password
    /// against it costs exactly one verification, and making it costs none (so nothing is
    /// hashed at start-up).
    fn dummy(&self) -> &str {
        self.dummy.get_or_init(|| {
            let salt = SaltString::encode_b64(b"latchkey-dummy-s")
                .map(|s| s.as_str().to_owned())
                .unwrap_or_default();
            format!(
                "$argon2id$v=19$m={},t={},p={}${salt}$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
                self.params.m_kib, self.params.t, self.params.p
            )
        })
    }

    /// Times one verification at the current parameters, if none has been timed in this
    /// run (the time that answers to hashes with other parameters are padded to). The
    /// first such answer does it by itself when needed.
    pub fn warm_up(&self) {
        if self.typical_nanos.load(Ordering::Relaxed) == 0 {
            if let Ok(parsed) = PasswordHash::new(self.dummy()) {
                let _ = self.timed_check(&parsed, "latchkey-warm-up");
            }
        }
    }

    /// Whether a stored hash should be replaced at the next correct password: its
    /// parameters differ from the current ones, up or down (or it is not argon2id v1.3).
    pub fn needs_rehash(&self, phc: &str) -> bool {
        let Ok(parsed) = PasswordHash::new(phc) else {
            return true;
        };
        parsed.algorithm != argon2::ARGON2ID_IDENT
            || parsed.version != Some(0x13)
            || params_of(&parsed) != Some(self.params)
    }
}

/// The argon2 parameters of a parsed PHC string.
fn params_of(parsed: &PasswordHash<'_>) -> Option<HashParams> {
    Params::try_from(parsed).ok().map(|p| HashParams {
        m_kib: p.m_cost(),
        t: p.t_cost(),
        p: p.p_cost(),
    })
}

/// A counting semaphore for blocking threads.
struct Gate {
    free: Mutex<usize>,
    freed: Condvar,
}

struct Permit<'a>(&'a Gate);

impl Gate {
    fn new(permits: usize) -> Self {
        Self {
            free: Mutex::new(permits.max(1)),
            freed: Condvar::new(),
        }
    }

    fn enter(&self) -> Permit<'_> {
        let mut free = self.free.lock().unwrap_or_else(|e| e.into_inner());
        while *free == 0 {
            free = self.freed.wait(free).unwrap_or_else(|e| e.into_inner());
        }
        *free -= 1;
        Permit(self)
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        let mut free = self.0.free.lock().unwrap_or_else(|e| e.into_inner());
        *free += 1;
        self.0.freed.notify_one();
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn cheap() -> PasswordHasher {
        PasswordHasher::new(HashParams {
            m_kib: 64,
            t: 1,
            p: 1,
        })
        .unwrap()
    }

    #[test]
    fn hash_is_argon2id_phc_with_the_parameters() {
        let h = PasswordHasher::new(HashParams::default()).unwrap();
        let phc = h.hash("correct horse").unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        assert!(h.verify(&phc, "correct horse"));
        assert!(!h.verify(&phc, "correct horsE"));
    }

    #[test]
    fn verifies_independent_argon2id_vectors() {
        // Both made by the reference C implementation (phc-winner-argon2, through Python's
        // argon2-cffi `hash_secret`), not by this crate.
        let reference = "$argon2id$v=19$m=65536,t=2,p=4$c29tZXNhbHQ$GpZ3sK/oH9p7VIiV56G/64Zo/8GaUw434IimaPqxwCo";
        let at_defaults = "$argon2id$v=19$m=19456,t=2,p=1$bGF0Y2hrZXlzYWx0MDAwMQ$e785aElxA4RB/iOO83kCSv/xXOAdMTf9x2mUGJ+JbNE";
        let h = PasswordHasher::new(HashParams::default()).unwrap();
        assert!(h.verify(reference, "password"));
        assert!(!h.verify(reference, "Password"));
        assert!(h.verify(at_defaults, "pässwörd🔑"));
        assert!(!h.verify(at_defaults, "pässwörd"));
        assert!(!h.needs_rehash(at_defaults));
        assert!(h.needs_rehash("$argon2id$v=19$m=16,t=1,p=1$c29tZXNhbHQ$AAAA"));
    }

    #[test]
    fn malformed_or_foreign_hashes_never_match() {
        let h = cheap();
        assert!(!h.verify("not a hash", "x"));
        assert!(!h.verify(
            "$argon2i$v=19$m=64,t=1,p=1$c29tZXNhbHQ$AAAAAAAAAAAAAAAAAAAAAA",
            "x"
        ));
        assert!(h.needs_rehash("not a hash"));
    }

    #[test]
    fn weaker_parameters_need_a_rehash() {
        let weak = cheap().hash("pw").unwrap();
        let strong = PasswordHasher::new(HashParams::default()).unwrap();
        assert!(strong.needs_rehash(&weak));
        assert!(!strong.needs_rehash(&strong.hash("pw").unwrap()));
    }

    #[test]
    fn dummy_verification_is_always_false() {
        let h = cheap();
        assert!(!h.verify_dummy("latchkey-dummy-password"));
        assert!(!h.verify_dummy(""));
        // A real verification each time, at the current parameters.
        assert_eq!(h.verifications(), 2);
        let parsed = PasswordHash::new(h.dummy()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(params_of(&parsed), Some(h.params()));
        assert!(!h.needs_rehash(h.dummy()));
    }

    #[test]
    fn gate_never_admits_more_than_its_permits() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        use std::sync::Arc;
        let gate = Arc::new(Gate::new(2));
        let inside = Arc::new(AtomicUsize::new(0));
        let peak = Arc::new(AtomicUsize::new(0));
        let threads: Vec<_> = (0..8)
            .map(|_| {
                let (gate, inside, peak) = (gate.clone(), inside.clone(), peak.clone());
                std::thread::spawn(move || {
                    let _p = gate.enter();
                    let now = inside.fetch_add(1, Ordering::SeqCst) + 1;
                    peak.fetch_max(now, Ordering::SeqCst);
                    std::thread::sleep(std::time::Duration::from_millis(5));
                    inside.fetch_sub(1, Ordering::SeqCst);
                })
            })
            .collect();
        threads.into_iter().for_each(|t| t.join().unwrap());
        assert_eq!(peak.load(Ordering::SeqCst), 2);
    }
}
