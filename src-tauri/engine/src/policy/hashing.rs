//! argon2id password checks (RustCrypto `argon2`): one computation gives both the stored
//! verifier and the key that wraps the person's data key; older plain PHC hashes are still
//! checked (and replaced at the next correct password). A gate lets at most as many
//! computations run at once as the machine has cores.

use crate::error::AuthError;
use crate::policy::gate::Gate;
use crate::policy::sealing::{PasswordKeys, SecretKey};
use argon2::password_hash::{PasswordHash, PasswordVerifier as _};
use argon2::{Algorithm, Argon2, Params, Version};
use base64::engine::general_purpose::STANDARD_NO_PAD as B64;
use base64::Engine as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant};
use subtle::ConstantTimeEq as _;

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
    ///
    /// # Examples
    ///
    /// ```
    /// use latchkey_engine::HashParams;
    ///
    /// let cheap = HashParams { m_kib: 64, t: 1, p: 1 };
    /// assert_eq!(cheap.at_least_owasp_floor().m_kib, 47_104);
    /// assert_eq!(HashParams::default().at_least_owasp_floor(), HashParams::default());
    /// ```
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

/// The identifier of Latchkey's stored password verifiers (see [`PasswordHasher::hash`]).
pub const VERIFIER_IDENT: &str = "argon2id-hkdf";

/// What a password check found.
pub struct Check {
    /// Whether the password is right.
    pub matched: bool,
    /// The key that wraps the person's data key, when the password is right and the
    /// stored verifier is in Latchkey's format (an old plain PHC hash gives none).
    pub wrap_key: Option<SecretKey>,
}

/// A new stored verifier and the wrapping key from the same argon2id computation.
#[derive(Clone)]
pub struct NewVerifier {
    /// The text to store (see [`PasswordHasher::hash`]).
    pub stored: String,
    /// The key that wraps the person's data key; never stored.
    pub wrap_key: SecretKey,
}

/// Hashes and verifies passwords with one set of parameters.
pub struct PasswordHasher {
    params: HashParams,
    argon2: Argon2<'static>,
    dummy: OnceLock<String>,
    gate: Gate,
    verifications: AtomicU64,
    computations: AtomicU64,
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
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        Ok(Self {
            params,
            argon2: argon2_with(params)?,
            dummy: OnceLock::new(),
            gate: Gate::new(cores),
            verifications: AtomicU64::new(0),
            computations: AtomicU64::new(0),
            typical_nanos: AtomicU64::new(0),
        })
    }

    /// The parameters new hashes use.
    pub fn params(&self) -> HashParams {
        self.params
    }

    /// A new verifier for `password`, with a fresh 16-byte salt from the OS CSPRNG: one
    /// argon2id computation (32 bytes of output), split by HKDF-SHA256 into the verifier
    /// and the wrapping key (see [`PasswordKeys`]). Stored in PHC syntax as
    /// `$argon2id-hkdf$v=19$m=<KiB>,t=<passes>,p=<lanes>$<salt>$<verifier>` (B64 without
    /// padding); the argon2id output itself is never stored.
    ///
    /// # Errors
    /// `INTERNAL` when the OS random source or argon2 fails.
    pub fn hash(&self, password: &str) -> Result<NewVerifier, AuthError> {
        let mut salt = [0u8; 16];
        getrandom::fill(&mut salt).map_err(|e| {
            log::error!("OS random source failed: {e}");
            AuthError::Internal
        })?;
        let keys = {
            let _permit = self.gate.enter();
            self.derive(&self.argon2, password, &salt)?
        };
        let stored = format!(
            "${VERIFIER_IDENT}$v=19$m={},t={},p={}${}${}",
            self.params.m_kib,
            self.params.t,
            self.params.p,
            B64.encode(salt),
            B64.encode(*keys.verifier)
        );
        Ok(NewVerifier {
            stored,
            wrap_key: keys.wrap_key,
        })
    }

    /// One argon2id computation of `password` with `salt`, split into verifier and key.
    fn derive(
        &self,
        argon2: &Argon2<'_>,
        password: &str,
        salt: &[u8],
    ) -> Result<PasswordKeys, AuthError> {
        self.computations.fetch_add(1, Ordering::Relaxed);
        let mut output = zeroize::Zeroizing::new([0u8; 32]);
        argon2
            .hash_password_into(password.as_bytes(), salt, &mut *output)
            .map_err(|e| {
                log::error!("argon2 hashing failed: {e}");
                AuthError::Internal
            })?;
        Ok(PasswordKeys::from_argon2_output(&mut output))
    }

    /// Whether `password` matches the stored verifier `stored` (Latchkey's format, or an
    /// older plain argon2id PHC string), and the wrapping key it gives. Anything else never
    /// matches.
    pub fn check(&self, stored: &str, password: &str) -> Check {
        let no = Check {
            matched: false,
            wrap_key: None,
        };
        let Ok(parsed) = PasswordHash::new(stored) else {
            log::warn!("stored password verifier is not in PHC syntax");
            return no;
        };
        self.verifications.fetch_add(1, Ordering::Relaxed);
        if parsed.algorithm == argon2::ARGON2ID_IDENT {
            self.computations.fetch_add(1, Ordering::Relaxed);
            let matched = self.timed(params_of(&parsed), || {
                self.argon2
                    .verify_password(password.as_bytes(), &parsed)
                    .is_ok()
            });
            return Check {
                matched,
                wrap_key: None,
            };
        }
        if parsed.algorithm.as_str() != VERIFIER_IDENT {
            log::warn!("stored password verifier is of an unknown kind");
            return no;
        }
        let (Some(params), Some(salt), Some(expected)) =
            (params_of(&parsed), parsed.salt, parsed.hash)
        else {
            log::warn!("stored password verifier is incomplete");
            return no;
        };
        let mut salt_bytes = [0u8; 64];
        let (Ok(salt), Ok(argon2)) = (salt.decode_b64(&mut salt_bytes), argon2_with(params)) else {
            log::warn!("stored password verifier is malformed");
            return no;
        };
        let keys = self.timed(Some(params), || self.derive(&argon2, password, salt));
        match keys {
            Ok(keys) if bool::from(keys.verifier.as_slice().ct_eq(expected.as_bytes())) => Check {
                matched: true,
                wrap_key: Some(keys.wrap_key),
            },
            _ => no,
        }
    }

    /// Runs one check under the gate. At the current parameters its duration is learned
    /// (a moving average); a verifier made with other parameters (cheaper ones, before they
    /// were raised) is made to take as long, so that the time of a wrong answer tells
    /// nothing about the account.
    fn timed<T>(&self, params: Option<HashParams>, run: impl FnOnce() -> T) -> T {
        let (result, took) = {
            let _permit = self.gate.enter();
            let started = Instant::now();
            let result = run();
            (result, started.elapsed())
        };
        let took_nanos = u64::try_from(took.as_nanos()).unwrap_or(u64::MAX);
        if params == Some(self.params) {
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
                // No check at the current parameters timed yet in this run: time one.
                self.warm_up();
            }
            let typical = self.typical_nanos.load(Ordering::Relaxed);
            std::thread::sleep(Duration::from_nanos(typical.saturating_sub(took_nanos)));
        }
        result
    }

    /// Spends the same time as a real check, for unknown usernames. Always false.
    pub fn verify_dummy(&self, password: &str) -> bool {
        let _ = self.check(self.dummy(), password);
        false
    }

    /// How many password checks this hasher has run (real and dummy), so tests can show
    /// that unknown users cost one check and throttled attempts none.
    pub fn verifications(&self) -> u64 {
        self.verifications.load(Ordering::Relaxed)
    }

    /// How many argon2id computations this hasher has run (checks and new verifiers), so
    /// tests can show that one sign-in costs one.
    pub fn computations(&self) -> u64 {
        self.computations.load(Ordering::Relaxed)
    }

    /// The verifier unknown usernames are checked against: the current parameters, a fixed
    /// salt and an all-zero verifier that no password is known to produce. Checking a
    /// password against it costs exactly one computation, and making it costs none (so
    /// nothing is hashed at start-up).
    fn dummy(&self) -> &str {
        self.dummy.get_or_init(|| {
            format!(
                "${VERIFIER_IDENT}$v=19$m={},t={},p={}${}${}",
                self.params.m_kib,
                self.params.t,
                self.params.p,
                B64.encode(b"latchkey-dummy-s"),
                B64.encode([0u8; 32])
            )
        })
    }

    /// Times one check at the current parameters, if none has been timed in this run (the
    /// time that answers to verifiers with other parameters are padded to). The first such
    /// answer does it by itself when needed.
    pub fn warm_up(&self) {
        if self.typical_nanos.load(Ordering::Relaxed) == 0 {
            let _ = self.timed(Some(self.params), || {
                self.derive(&self.argon2, "latchkey-warm-up", b"latchkey-dummy-s")
            });
        }
    }

    /// Whether a stored verifier should be replaced at the next correct password: it is an
    /// older plain PHC hash, or its parameters differ from the current ones, up or down.
    pub fn needs_rehash(&self, stored: &str) -> bool {
        let Ok(parsed) = PasswordHash::new(stored) else {
            return true;
        };
        parsed.algorithm.as_str() != VERIFIER_IDENT
            || parsed.version != Some(0x13)
            || params_of(&parsed) != Some(self.params)
    }
}

/// argon2id v1.3 with `params` and 32 bytes of output.
fn argon2_with(params: HashParams) -> Result<Argon2<'static>, AuthError> {
    let p = Params::new(params.m_kib, params.t, params.p, Some(32)).map_err(|e| {
        log::error!("invalid argon2 parameters: {e}");
        AuthError::Internal
    })?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, p))
}

/// The argon2 parameters of a parsed PHC string.
fn params_of(parsed: &PasswordHash<'_>) -> Option<HashParams> {
    Params::try_from(parsed).ok().map(|p| HashParams {
        m_kib: p.m_cost(),
        t: p.t_cost(),
        p: p.p_cost(),
    })
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

    fn matches(h: &PasswordHasher, stored: &str, password: &str) -> bool {
        h.check(stored, password).matched
    }

    #[test]
    fn new_verifiers_are_phc_syntax_with_the_parameters_and_give_a_wrapping_key() {
        let h = PasswordHasher::new(HashParams::default()).unwrap();
        let made = h.hash("correct horse").unwrap();
        assert!(
            made.stored
                .starts_with("$argon2id-hkdf$v=19$m=19456,t=2,p=1$"),
            "{}",
            made.stored
        );
        let right = h.check(&made.stored, "correct horse");
        assert!(right.matched);
        assert!(right.wrap_key.unwrap() == made.wrap_key);
        let wrong = h.check(&made.stored, "correct horsE");
        assert!(!wrong.matched && wrong.wrap_key.is_none());
        // One argon2id computation to make, one to check each time.
        assert_eq!(h.computations(), 3);
    }

    #[test]
    fn the_verifier_is_hkdf_of_the_reference_argon2id_output() {
        // The argon2id output was made by the reference C implementation (phc-winner-argon2,
        // through Python's argon2-cffi `hash_secret`), not by this crate.
        let raw = B64
            .decode("e785aElxA4RB/iOO83kCSv/xXOAdMTf9x2mUGJ+JbNE")
            .unwrap();
        let mut raw: [u8; 32] = raw.try_into().unwrap();
        let keys = PasswordKeys::from_argon2_output(&mut raw);
        let stored = format!(
            "$argon2id-hkdf$v=19$m=19456,t=2,p=1$bGF0Y2hrZXlzYWx0MDAwMQ${}",
            B64.encode(*keys.verifier)
        );
        let h = PasswordHasher::new(HashParams::default()).unwrap();
        let check = h.check(&stored, "pässwörd🔑");
        assert!(check.matched);
        assert!(check.wrap_key.unwrap() == keys.wrap_key);
        assert!(!matches(&h, &stored, "pässwörd"));
        assert!(!h.needs_rehash(&stored));
    }

    #[test]
    fn old_plain_argon2id_hashes_still_match_and_need_replacing() {
        // Both made by the reference C implementation, not by this crate.
        let reference = "$argon2id$v=19$m=65536,t=2,p=4$c29tZXNhbHQ$GpZ3sK/oH9p7VIiV56G/64Zo/8GaUw434IimaPqxwCo";
        let at_defaults = "$argon2id$v=19$m=19456,t=2,p=1$bGF0Y2hrZXlzYWx0MDAwMQ$e785aElxA4RB/iOO83kCSv/xXOAdMTf9x2mUGJ+JbNE";
        let h = PasswordHasher::new(HashParams::default()).unwrap();
        assert!(matches(&h, reference, "password"));
        assert!(!matches(&h, reference, "Password"));
        let old = h.check(at_defaults, "pässwörd🔑");
        assert!(old.matched && old.wrap_key.is_none());
        assert!(!matches(&h, at_defaults, "pässwörd"));
        assert!(h.needs_rehash(at_defaults));
    }

    #[test]
    fn malformed_or_foreign_verifiers_never_match() {
        let h = cheap();
        assert!(!matches(&h, "not a hash", "x"));
        assert!(!matches(
            &h,
            "$argon2i$v=19$m=64,t=1,p=1$c29tZXNhbHQ$AAAAAAAAAAAAAAAAAAAAAA",
            "x"
        ));
        assert!(!matches(
            &h,
            "$argon2id-hkdf$v=19$m=64,t=1,p=1$c29tZXNhbHQ",
            "x"
        ));
        assert!(h.needs_rehash("not a hash"));
    }

    #[test]
    fn other_parameters_need_a_rehash() {
        let weak = cheap().hash("pw").unwrap().stored;
        let strong = PasswordHasher::new(HashParams::default()).unwrap();
        assert!(strong.needs_rehash(&weak));
        assert!(matches(&strong, &weak, "pw"));
        assert!(!strong.needs_rehash(&strong.hash("pw").unwrap().stored));
    }

    #[test]
    fn dummy_verification_is_always_false() {
        let h = cheap();
        assert!(!h.verify_dummy("latchkey-dummy-password"));
        assert!(!h.verify_dummy(""));
        // A real computation each time, at the current parameters.
        assert_eq!(h.verifications(), 2);
        assert_eq!(h.computations(), 2);
        let parsed = PasswordHash::new(h.dummy()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(params_of(&parsed), Some(h.params()));
        assert!(!h.needs_rehash(h.dummy()));
    }
}
