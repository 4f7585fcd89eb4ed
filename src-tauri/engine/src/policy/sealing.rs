//! The private space's keys: each person's random 256-bit data key, the keys that wrap it
//! (from the password, from each recovery code, from the administrator's escrow key), and
//! sealing values under it. Only maintained primitives: XChaCha20-Poly1305
//! (`chacha20poly1305`) and HKDF-SHA256 (`hkdf`); every key wipes itself. The
//! administrator's escrow key (X25519) is in [`super::escrow_keys`].
//!
//! A sealed value is `0x01 ‖ 24-byte random nonce ‖ ciphertext ‖ 16-byte tag`. Its
//! associated data binds what it is, whose it is and its name (see [`Aad`]), so a value
//! moved to another person, another name or another purpose fails to open
//! (`DATA_CORRUPTED`) instead of showing as someone else's.
//!
//! # Examples
//!
//! ```
//! use latchkey_engine::policy::sealing::{Aad, Purpose, SecretKey};
//!
//! let key = SecretKey::random()?;
//! let aad = Aad::new(Purpose::NoteBody, "alice-id", "note-1");
//! let sealed = key.seal(&aad, b"the garden")?;
//! assert_eq!(&*key.open(&aad, &sealed)?, b"the garden");
//! // Moved to another person (or name, or purpose), it does not open.
//! let moved = Aad::new(Purpose::NoteBody, "bob-id", "note-1");
//! assert_eq!(key.open(&moved, &sealed).unwrap_err().code(), "DATA_CORRUPTED");
//!
//! // A data key wrapped under another key.
//! let data_key = SecretKey::random()?;
//! let wrapped = key.wrap(&data_key, Purpose::PasswordWrap, "alice-id", "")?;
//! assert_eq!(key.unwrap_key(&wrapped, Purpose::PasswordWrap, "alice-id", "")?, data_key);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use crate::error::AuthError;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hkdf::Hkdf;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use zeroize::{Zeroize, Zeroizing};

/// The first byte of every sealed value: the format's version.
const FORMAT_V1: u8 = 1;
const NONCE_LEN: usize = 24;
const TAG_LEN: usize = 16;
/// Bytes of every key here.
pub const KEY_LEN: usize = 32;

/// What a sealed value is; part of its associated data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// The data key wrapped by the password's key.
    PasswordWrap,
    /// The data key wrapped by one recovery code's key.
    RecoveryWrap,
    /// The data key wrapped for the administrator's escrow key.
    EscrowWrap,
    /// The escrow private key wrapped by the administrator's data key.
    EscrowPrivateKey,
    /// A note's title.
    NoteTitle,
    /// A note's text.
    NoteBody,
    /// A value a host app stores.
    Value,
    /// The two-step sign-in secret.
    TotpSecret,
}

impl Purpose {
    fn label(self) -> &'static str {
        match self {
            Self::PasswordWrap => "password-wrap",
            Self::RecoveryWrap => "recovery-wrap",
            Self::EscrowWrap => "escrow-wrap",
            Self::EscrowPrivateKey => "escrow-private-key",
            Self::NoteTitle => "note-title",
            Self::NoteBody => "note-body",
            Self::Value => "value",
            Self::TotpSecret => "totp-secret",
        }
    }
}

/// The associated data of a sealed value: `latchkey/v1`, the purpose, the owner's user id
/// and the value's name (a note's id, a value's name id, a recovery code's id; empty when
/// the purpose has one value per person), each preceded by its length (4 bytes, big-endian).
pub struct Aad(Vec<u8>);

impl Aad {
    /// The associated data of `owner`'s value `name` for `purpose`.
    pub fn new(purpose: Purpose, owner: &str, name: &str) -> Self {
        let mut out = Vec::with_capacity(64 + owner.len() + name.len());
        for part in ["latchkey/v1", purpose.label(), owner, name] {
            let len = u32::try_from(part.len()).unwrap_or(u32::MAX);
            out.extend_from_slice(&len.to_be_bytes());
            out.extend_from_slice(part.as_bytes());
        }
        Self(out)
    }
}

/// A 256-bit key that wipes itself; `Debug` shows nothing.
#[derive(Clone)]
pub struct SecretKey(Zeroizing<[u8; KEY_LEN]>);

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretKey(***)")
    }
}

impl PartialEq for SecretKey {
    /// Constant-time comparison (tests compare keys).
    fn eq(&self, other: &Self) -> bool {
        use subtle::ConstantTimeEq as _;
        self.0.as_slice().ct_eq(other.0.as_slice()).into()
    }
}

impl SecretKey {
    /// A fresh random key from the OS CSPRNG.
    ///
    /// # Errors
    /// `INTERNAL` when the OS random source fails.
    pub fn random() -> Result<Self, AuthError> {
        let mut key = Zeroizing::new([0u8; KEY_LEN]);
        fill_random(&mut *key)?;
        Ok(Self(key))
    }

    /// A key from 32 bytes (which are wiped).
    pub fn from_bytes(bytes: &mut [u8; KEY_LEN]) -> Self {
        let key = Zeroizing::new(*bytes);
        bytes.zeroize();
        Self(key)
    }

    /// The raw bytes, to derive from or wrap.
    pub fn expose(&self) -> &[u8; KEY_LEN] {
        &self.0
    }

    /// The key that wraps a data key for a recovery code: HKDF-SHA256 of the normalized
    /// code (79 random bits), salted with the owner's id.
    pub fn from_recovery_code(user_id: &str, normalized_code: &str) -> Self {
        derive(
            normalized_code.as_bytes(),
            user_id.as_bytes(),
            b"latchkey/v1 recovery-code wrap",
        )
    }

    /// A subkey of this key for one use (HKDF-SHA256, `info` names the use).
    pub fn subkey(&self, info: &[u8]) -> Self {
        derive(&*self.0, b"", info)
    }

    /// Seals `plaintext` under this key with a fresh random nonce.
    ///
    /// # Errors
    /// `INTERNAL` when the OS random source or the cipher fails.
    pub fn seal(&self, aad: &Aad, plaintext: &[u8]) -> Result<Vec<u8>, AuthError> {
        let cipher = XChaCha20Poly1305::new(self.0.as_slice().into());
        let mut nonce = [0u8; NONCE_LEN];
        fill_random(&mut nonce)?;
        let sealed = cipher
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: plaintext,
                    aad: &aad.0,
                },
            )
            .map_err(|_| AuthError::Internal)?;
        let mut out = Vec::with_capacity(1 + NONCE_LEN + sealed.len());
        out.push(FORMAT_V1);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        Ok(out)
    }

    /// Opens a value sealed under this key with the same associated data.
    ///
    /// # Errors
    /// `DATA_CORRUPTED` when the value was changed, moved (another owner, name or purpose)
    /// or sealed under another key.
    pub fn open(&self, aad: &Aad, sealed: &[u8]) -> Result<Zeroizing<Vec<u8>>, AuthError> {
        if sealed.len() < 1 + NONCE_LEN + TAG_LEN || sealed[0] != FORMAT_V1 {
            return Err(AuthError::DataCorrupted);
        }
        let (nonce, body) = sealed[1..].split_at(NONCE_LEN);
        XChaCha20Poly1305::new(self.0.as_slice().into())
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: body,
                    aad: &aad.0,
                },
            )
            .map(Zeroizing::new)
            .map_err(|_| AuthError::DataCorrupted)
    }

    /// Wraps `data_key` under this key for `owner`'s wrapping `name` of kind `purpose`.
    ///
    /// # Errors
    /// As [`SecretKey::seal`].
    pub fn wrap(
        &self,
        data_key: &SecretKey,
        purpose: Purpose,
        owner: &str,
        name: &str,
    ) -> Result<Vec<u8>, AuthError> {
        self.seal(&Aad::new(purpose, owner, name), data_key.expose())
    }

    /// Unwraps a key wrapped by [`SecretKey::wrap`] with the same owner, purpose and name.
    ///
    /// # Errors
    /// `DATA_CORRUPTED` (wrong key, or a wrapping changed or moved).
    pub fn unwrap_key(
        &self,
        wrapped: &[u8],
        purpose: Purpose,
        owner: &str,
        name: &str,
    ) -> Result<SecretKey, AuthError> {
        let opened = self.open(&Aad::new(purpose, owner, name), wrapped)?;
        let mut bytes: [u8; KEY_LEN] = opened
            .as_slice()
            .try_into()
            .map_err(|_| AuthError::DataCorrupted)?;
        Ok(Self::from_bytes(&mut bytes))
    }

    /// A keyed digest of `name` (HMAC-SHA256, hex) under this key: how a value's name is
    /// stored, so the file does not show the names a host app uses.
    pub fn name_id(&self, name: &str) -> String {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&*self.0)
            .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
        mac.update(name.as_bytes());
        crate::policy::tokens::hex(&mac.finalize().into_bytes())
    }
}

/// The password verifier and the password's wrapping key, both from one argon2id output
/// (HKDF-SHA256 with two labels): only the verifier is stored.
pub struct PasswordKeys {
    /// Stored, compared in constant time.
    pub verifier: Zeroizing<[u8; KEY_LEN]>,
    /// Wraps the data key; never stored.
    pub wrap_key: SecretKey,
}

impl PasswordKeys {
    /// Splits one argon2id output (which is wiped) into the verifier and the wrapping key.
    pub fn from_argon2_output(output: &mut [u8; KEY_LEN]) -> Self {
        let verifier = derive(&*output, b"", b"latchkey/v1 password verifier");
        let wrap_key = derive(&*output, b"", b"latchkey/v1 password wrap");
        output.zeroize();
        Self {
            verifier: verifier.0,
            wrap_key,
        }
    }
}

/// HKDF-SHA256 to one 32-byte key.
pub(crate) fn derive(ikm: &[u8], salt: &[u8], info: &[u8]) -> SecretKey {
    let mut out = Zeroizing::new([0u8; KEY_LEN]);
    Hkdf::<Sha256>::new(Some(salt), ikm)
        .expand(info, &mut *out)
        .unwrap_or_else(|_| unreachable!("32 bytes is a valid HKDF-SHA256 length"));
    SecretKey(out)
}

pub(crate) fn fill_random(buf: &mut [u8]) -> Result<(), AuthError> {
    getrandom::fill(buf).map_err(|e| {
        log::error!("OS random source failed: {e}");
        AuthError::Internal
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn sealed_values_open_only_with_the_same_key_owner_name_and_purpose() {
        let key = SecretKey::random().unwrap();
        let aad = Aad::new(Purpose::NoteBody, "alice", "n1");
        let sealed = key.seal(&aad, b"my secret note").unwrap();
        assert_eq!(sealed.len(), 1 + 24 + 14 + 16);
        assert_eq!(&*key.open(&aad, &sealed).unwrap(), b"my secret note");
        for other in [
            Aad::new(Purpose::NoteBody, "bob", "n1"),
            Aad::new(Purpose::NoteBody, "alice", "n2"),
            Aad::new(Purpose::NoteTitle, "alice", "n1"),
        ] {
            assert_eq!(key.open(&other, &sealed), Err(AuthError::DataCorrupted));
        }
        let stranger = SecretKey::random().unwrap();
        assert_eq!(stranger.open(&aad, &sealed), Err(AuthError::DataCorrupted));
        let mut tampered = sealed.clone();
        tampered[30] ^= 1;
        assert_eq!(key.open(&aad, &tampered), Err(AuthError::DataCorrupted));
        assert_eq!(key.open(&aad, &sealed[..20]), Err(AuthError::DataCorrupted));
    }

    #[test]
    fn nonces_are_fresh_each_time() {
        let key = SecretKey::random().unwrap();
        let aad = Aad::new(Purpose::Value, "a", "b");
        assert_ne!(key.seal(&aad, b"x").unwrap(), key.seal(&aad, b"x").unwrap());
    }

    #[test]
    fn associated_data_cannot_be_shifted_between_fields() {
        let a = Aad::new(Purpose::Value, "ab", "c");
        let b = Aad::new(Purpose::Value, "a", "bc");
        assert_ne!(a.0, b.0);
    }

    #[test]
    fn data_keys_wrap_and_unwrap_for_their_owner_only() {
        let data = SecretKey::random().unwrap();
        let code_key = SecretKey::from_recovery_code("alice", "abcdabcdabcdabcd");
        let wrapped = code_key
            .wrap(&data, Purpose::RecoveryWrap, "alice", "id1")
            .unwrap();
        let back = code_key
            .unwrap_key(&wrapped, Purpose::RecoveryWrap, "alice", "id1")
            .unwrap();
        assert!(back == data);
        assert!(code_key
            .unwrap_key(&wrapped, Purpose::RecoveryWrap, "bob", "id1")
            .is_err());
        let other_code = SecretKey::from_recovery_code("alice", "abcdabcdabcdabce");
        assert!(other_code
            .unwrap_key(&wrapped, Purpose::RecoveryWrap, "alice", "id1")
            .is_err());
    }

    #[test]
    fn one_argon2_output_gives_a_verifier_and_a_different_wrapping_key() {
        let mut output = [7u8; 32];
        let keys = PasswordKeys::from_argon2_output(&mut output);
        assert_eq!(output, [0u8; 32], "the argon2id output is wiped");
        assert_ne!(&*keys.verifier, keys.wrap_key.expose());
        assert_ne!(&*keys.verifier, &[7u8; 32]);
        let again = PasswordKeys::from_argon2_output(&mut [7u8; 32]);
        assert_eq!(*keys.verifier, *again.verifier);
        assert!(keys.wrap_key == again.wrap_key);
    }

    #[test]
    fn name_ids_depend_on_the_key() {
        let a = SecretKey::random().unwrap();
        let b = SecretKey::random().unwrap();
        assert_eq!(a.name_id("x"), a.name_id("x"));
        assert_ne!(a.name_id("x"), a.name_id("y"));
        assert_ne!(a.name_id("x"), b.name_id("x"));
    }
}
