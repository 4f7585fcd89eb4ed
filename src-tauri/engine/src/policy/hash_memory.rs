//! argon2id computed in a working area that goes back to the operating system the moment
//! the hash is done.
//!
//! argon2id needs `m` KiB of working memory per hash (19 MiB by default). Allocated the
//! usual way, glibc serves the first such area from a mapping of its own, gives it back,
//! then raises its mapping threshold to that size, so every later area comes from its heap
//! and stays resident after use: the app idled 19 MiB heavier after its first hash. An area
//! above the highest threshold glibc ever uses (32 MiB on 64-bit systems) is always mapped
//! and unmapped; only the `m` KiB argon2id touches ever become resident.

use argon2::password_hash::{self, Output, ParamsString, PasswordHash, Salt};
use argon2::{Algorithm, Argon2, Block, Params, Version};

/// Blocks (1 KiB each) reserved for every hash: 33 MiB, more than glibc's largest mapping
/// threshold.
const RESERVED_BLOCKS: usize = 33 * 1024;

/// Runs `argon2` over `password` and `salt` into `out`, in a freshly mapped working area.
fn run(
    argon2: &Argon2<'_>,
    params: &Params,
    password: &[u8],
    salt: &[u8],
    out: &mut [u8],
) -> argon2::Result<()> {
    let count = params.block_count();
    let mut blocks: Vec<Block> = Vec::with_capacity(count.max(RESERVED_BLOCKS));
    blocks.resize(count, Block::default());
    argon2.hash_password_into_with_memory(password, salt, out, &mut blocks)
}

/// `password` hashed with `argon2` (whose parameters are `params`) and `salt`, as a PHC string.
///
/// # Errors
/// When argon2 refuses the inputs (a salt or password outside its limits).
pub fn hash(
    argon2: &Argon2<'_>,
    params: &Params,
    password: &[u8],
    salt: Salt<'_>,
) -> password_hash::Result<String> {
    let mut salt_bytes = [0u8; Salt::MAX_LENGTH];
    let raw_salt = salt.decode_b64(&mut salt_bytes)?;
    let length = params.output_len().unwrap_or(Params::DEFAULT_OUTPUT_LEN);
    let output = Output::init_with(length, |out| {
        Ok(run(argon2, params, password, raw_salt, out)?)
    })?;
    let phc = PasswordHash {
        algorithm: argon2::ARGON2ID_IDENT,
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(params)?,
        salt: Some(salt),
        hash: Some(output),
    };
    Ok(phc.to_string())
}

/// Whether `password` matches the argon2id hash `parsed`, recomputed with the parameters,
/// version and salt it records and compared in constant time. Anything malformed is no
/// match.
pub fn verify(parsed: &PasswordHash<'_>, password: &[u8]) -> bool {
    let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
        return false;
    };
    let Ok(params) = Params::try_from(parsed) else {
        return false;
    };
    let version = match parsed.version.map(Version::try_from) {
        None => Version::V0x13,
        Some(Ok(version)) => version,
        Some(Err(_)) => return false,
    };
    let mut salt_bytes = [0u8; Salt::MAX_LENGTH];
    let Ok(raw_salt) = salt.decode_b64(&mut salt_bytes) else {
        return false;
    };
    let argon2 = Argon2::new(Algorithm::Argon2id, version, params.clone());
    Output::init_with(expected.len(), |out| {
        run(&argon2, &params, password, raw_salt, out).map_err(|_| password_hash::Error::Password)
    })
    .is_ok_and(|computed| computed == expected)
}

#[cfg(test)]
mod tests {
    use super::*;
    use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _, SaltString};

    fn cheap() -> (Argon2<'static>, Params) {
        let params = Params::new(64, 1, 1, None).unwrap_or_else(|e| panic!("{e}"));
        (
            Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone()),
            params,
        )
    }

    /// The same PHC string as the argon2 crate's own hasher, and each verifies the other's.
    #[test]
    fn agrees_with_the_argon2_crate() {
        let (argon2, params) = cheap();
        let salt = SaltString::encode_b64(b"sixteen-byte-slt").unwrap_or_else(|e| panic!("{e}"));
        let ours = hash(&argon2, &params, b"violet-Harbor-42", salt.as_salt())
            .unwrap_or_else(|e| panic!("{e}"));
        let theirs = argon2
            .hash_password(b"violet-Harbor-42", &salt)
            .unwrap_or_else(|e| panic!("{e}"))
            .to_string();
        assert_eq!(ours, theirs);
        let parsed = PasswordHash::new(&theirs).unwrap_or_else(|e| panic!("{e}"));
        assert!(verify(&parsed, b"violet-Harbor-42"));
        assert!(!verify(&parsed, b"violet-Harbor-43"));
        assert!(argon2
            .verify_password(
                b"violet-Harbor-42",
                &PasswordHash::new(&ours).unwrap_or_else(|e| panic!("{e}"))
            )
            .is_ok());
    }

    /// Other parameters and version 0x10 hashes are recomputed with what they record.
    #[test]
    fn verifies_hashes_made_with_other_settings() {
        let params = Params::new(128, 2, 2, Some(24)).unwrap_or_else(|e| panic!("{e}"));
        for version in [Version::V0x10, Version::V0x13] {
            let argon2 = Argon2::new(Algorithm::Argon2id, version, params.clone());
            let salt =
                SaltString::encode_b64(b"another-salt-val").unwrap_or_else(|e| panic!("{e}"));
            let phc = argon2
                .hash_password(b"pw-12345678", &salt)
                .unwrap_or_else(|e| panic!("{e}"))
                .to_string();
            let parsed = PasswordHash::new(&phc).unwrap_or_else(|e| panic!("{e}"));
            assert!(verify(&parsed, b"pw-12345678"), "{phc}");
            assert!(!verify(&parsed, b"pw-12345679"), "{phc}");
        }
    }
}
