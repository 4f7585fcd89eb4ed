//! The administrator's escrow: an X25519 key pair (`x25519-dalek`) whose private half is
//! wrapped by the administrator's data key, and for each member their data key wrapped to
//! its public half (an ephemeral X25519 key agreement, HKDF-SHA256 of the shared secret
//! salted with both public keys, XChaCha20-Poly1305): `ephemeral public key (32) ‖ sealed
//! data key`.
//!
//! # Examples
//!
//! ```
//! use latchkey_engine::policy::escrow_keys;
//! use latchkey_engine::SecretKey;
//!
//! let (private, public) = escrow_keys::new_pair()?;
//! let data_key = SecretKey::random()?;
//! let wrapped = escrow_keys::wrap(&data_key, &public, "bob-id")?;
//! assert_eq!(escrow_keys::unwrap(&private, &wrapped, "bob-id")?, data_key);
//! assert!(escrow_keys::unwrap(&private, &wrapped, "carol-id").is_err());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use super::sealing::{derive, fill_random, Purpose, SecretKey, KEY_LEN};
use crate::error::AuthError;
use x25519_dalek::{PublicKey, StaticSecret};

/// A new escrow key pair: the private half (to be wrapped) and the public half (stored
/// as is).
///
/// # Errors
/// `INTERNAL` when the OS random source fails.
pub fn new_pair() -> Result<(SecretKey, [u8; KEY_LEN]), AuthError> {
    let private = SecretKey::random()?;
    let public = PublicKey::from(&StaticSecret::from(*private.expose()));
    Ok((private, public.to_bytes()))
}

fn wrapping_key(shared: &[u8; 32], ephemeral: &[u8; 32], recipient: &[u8; 32]) -> SecretKey {
    let mut salt = [0u8; 64];
    salt[..32].copy_from_slice(ephemeral);
    salt[32..].copy_from_slice(recipient);
    derive(shared, &salt, b"latchkey/v1 escrow wrap")
}

/// `data_key` of `owner` wrapped to the escrow public key.
///
/// # Errors
/// `INTERNAL` when the OS random source fails.
pub fn wrap(
    data_key: &SecretKey,
    escrow_public: &[u8; KEY_LEN],
    owner: &str,
) -> Result<Vec<u8>, AuthError> {
    let mut ephemeral_bytes = [0u8; KEY_LEN];
    fill_random(&mut ephemeral_bytes)?;
    let ephemeral = StaticSecret::from(ephemeral_bytes);
    zeroize::Zeroize::zeroize(&mut ephemeral_bytes);
    let ephemeral_public = PublicKey::from(&ephemeral).to_bytes();
    let shared = ephemeral.diffie_hellman(&PublicKey::from(*escrow_public));
    if !shared.was_contributory() {
        // A low-order "public key" (written into the file by someone) would make the
        // wrapping key computable by anyone: refuse it.
        log::error!("the escrow public key is not a valid X25519 key; nothing wrapped");
        return Err(AuthError::DataCorrupted);
    }
    let key = wrapping_key(shared.as_bytes(), &ephemeral_public, escrow_public);
    let mut out = ephemeral_public.to_vec();
    out.extend(key.wrap(data_key, Purpose::EscrowWrap, owner, "")?);
    Ok(out)
}

/// Unwraps `owner`'s data key with the escrow private key.
///
/// # Errors
/// `DATA_CORRUPTED` when the wrapping was changed, moved or made for another key.
pub fn unwrap(
    escrow_private: &SecretKey,
    wrapped: &[u8],
    owner: &str,
) -> Result<SecretKey, AuthError> {
    if wrapped.len() < KEY_LEN {
        return Err(AuthError::DataCorrupted);
    }
    let (ephemeral_public, sealed) = wrapped.split_at(KEY_LEN);
    let ephemeral_public: [u8; 32] = ephemeral_public
        .try_into()
        .map_err(|_| AuthError::DataCorrupted)?;
    let private = StaticSecret::from(*escrow_private.expose());
    let own_public = PublicKey::from(&private).to_bytes();
    let shared = private.diffie_hellman(&PublicKey::from(ephemeral_public));
    if !shared.was_contributory() {
        return Err(AuthError::DataCorrupted);
    }
    let key = wrapping_key(shared.as_bytes(), &ephemeral_public, &own_public);
    key.unwrap_key(sealed, Purpose::EscrowWrap, owner, "")
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn a_low_order_public_key_is_refused() {
        let data = SecretKey::random().unwrap();
        assert_eq!(
            wrap(&data, &[0u8; 32], "bob"),
            Err(AuthError::DataCorrupted)
        );
        let mut one = [0u8; 32];
        one[0] = 1;
        assert_eq!(wrap(&data, &one, "bob"), Err(AuthError::DataCorrupted));
    }

    #[test]
    fn escrow_unwraps_with_the_private_half_only() {
        let data = SecretKey::random().unwrap();
        let (private, public) = new_pair().unwrap();
        let wrapped = wrap(&data, &public, "bob").unwrap();
        assert!(unwrap(&private, &wrapped, "bob").unwrap() == data);
        assert!(unwrap(&private, &wrapped, "carol").is_err());
        let (other, _) = new_pair().unwrap();
        assert!(unwrap(&other, &wrapped, "bob").is_err());
        assert!(unwrap(&private, &wrapped[..10], "bob").is_err());
    }
}
