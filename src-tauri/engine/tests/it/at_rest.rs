//! The private space at rest: after people wrote notes and values and turned two-step
//! sign-in on, no byte of the data folder holds a note, a title, a value, a value's name,
//! the two-step secret or a data key, raw or encoded.
use crate::common::*;
use latchkey_engine::policy::totp::code_at;

#[test]
fn the_file_holds_no_plaintext_of_notes_values_secrets_or_keys() {
    let (dir, a) = engine();
    let ada = a.sign_up("adalove", &pw(GOOD_PW), true, T0).unwrap();
    let key = ada.data_key.unwrap();
    a.save_note(
        &ada.user.id,
        &key,
        None,
        "MARKER-TITLE-7f3a",
        "MARKER-BODY-91c2",
        T0,
    )
    .unwrap();
    a.put_private_value(
        &ada.user.id,
        &key,
        "MARKER-NAME-55ee",
        "\"MARKER-VALUE-0b1d\"",
        T0,
    )
    .unwrap();
    let setup = a.two_step_setup(&ada.user).unwrap();
    a.enable_two_step(
        &ada.user.id,
        &pw(GOOD_PW),
        &setup.secret,
        &code_at(&setup.secret, T0).unwrap(),
        T0,
    )
    .unwrap();
    drop(a);
    let mut needles: Vec<Vec<u8>> = [
        "MARKER-TITLE-7f3a",
        "MARKER-BODY-91c2",
        "MARKER-NAME-55ee",
        "MARKER-VALUE-0b1d",
    ]
    .iter()
    .map(|s| s.as_bytes().to_vec())
    .collect();
    needles.push(setup.secret.to_vec());
    needles.push(setup.base32.as_bytes().to_vec());
    needles.extend(encodings(key.expose()));
    let mut files = 0;
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        files += 1;
        for needle in &needles {
            assert!(
                !bytes.windows(needle.len()).any(|w| w == &needle[..]),
                "found a secret in the data folder"
            );
        }
    }
    assert!(files >= 1);
}

/// A key raw, in hex (both cases), base32 and base64 (with and without padding).
fn encodings(key: &[u8]) -> Vec<Vec<u8>> {
    use base64::Engine as _;
    let hex: String = key.iter().map(|b| format!("{b:02x}")).collect();
    vec![
        key.to_vec(),
        hex.clone().into_bytes(),
        hex.to_uppercase().into_bytes(),
        base64::engine::general_purpose::STANDARD
            .encode(key)
            .into_bytes(),
        base64::engine::general_purpose::STANDARD_NO_PAD
            .encode(key)
            .into_bytes(),
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(key)
            .into_bytes(),
        base32(key).into_bytes(),
    ]
}

fn base32(bytes: &[u8]) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let (mut out, mut buffer, mut bits) = (String::new(), 0u32, 0);
    for &b in bytes {
        buffer = (buffer << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            out.push(ALPHABET[((buffer >> (bits - 5)) & 31) as usize] as char);
            bits -= 5;
        }
    }
    if bits > 0 {
        out.push(ALPHABET[((buffer << (5 - bits)) & 31) as usize] as char);
    }
    out
}
