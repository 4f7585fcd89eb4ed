//! Someone who copies the files: two people write notes and one turns two-step sign-in on,
//! all through the real window; the app is quit; the whole data folder (with any `-wal` and
//! `-shm`), everything the keyring holds for the app (its items as `secret-tool` gives them)
//! and the home the app ran with (gnome-keyring's files on disk, and the webview's storage,
//! which an installed app keeps in the same folder as its database) are copied; then every
//! byte of the copy is searched for the notes' titles and texts, the two-step secret and
//! each person's data key, in the encodings a careless program would write them in. None
//! may be there. Each data key is learnt the way only someone with the password can: by
//! signing in on a second copy of the data folder.
use crate::common::*;
use crate::driver::{Launch, World, ONE_AT_A_TIME};
use latchkey::APP_IDENTIFIER;
use latchkey_engine::policy::totp::code_at;
use latchkey_engine::{Accounts, Config, SignInStep};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// No idle lock: the scenario locks only when it means to.
const NO_IDLE_LOCK: (&str, &str) = ("LATCHKEY_LOCK_AFTER_SECS", "0");
const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const BASE64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const BASE64_URL: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn base32(bytes: &[u8], pad: bool) -> String {
    let mut out = String::new();
    let (mut buffer, mut bits) = (0u32, 0u32);
    for &b in bytes {
        buffer = (buffer << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(BASE32[((buffer >> bits) & 31) as usize]));
            buffer &= (1 << bits) - 1;
        }
    }
    if bits > 0 {
        out.push(char::from(BASE32[((buffer << (5 - bits)) & 31) as usize]));
    }
    while pad && !out.len().is_multiple_of(8) {
        out.push('=');
    }
    out
}

/// Base32 as the page shows it (any case, spaces and padding ignored) to bytes.
fn base32_decode(text: &str) -> Vec<u8> {
    let mut out = Vec::new();
    let (mut buffer, mut bits) = (0u32, 0u32);
    for c in text
        .bytes()
        .filter(|c| !c.is_ascii_whitespace() && *c != b'=')
    {
        let value = BASE32
            .iter()
            .position(|&a| a == c.to_ascii_uppercase())
            .expect("a base32 letter");
        buffer = (buffer << 5) | u32::try_from(value).unwrap();
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push(u8::try_from(buffer >> bits).unwrap());
            buffer &= (1 << bits) - 1;
        }
    }
    out
}

fn base64(bytes: &[u8], alphabet: &[u8; 64], pad: bool) -> String {
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let at = |i: usize| u32::from(chunk.get(i).copied().unwrap_or(0));
        let v = (at(0) << 16) | (at(1) << 8) | at(2);
        for i in 0..=chunk.len() {
            out.push(char::from(alphabet[((v >> (18 - 6 * i)) & 63) as usize]));
        }
        for _ in chunk.len()..3 {
            if pad {
                out.push('=');
            }
        }
    }
    out
}

/// The encoders above agree with RFC 4648's test vectors (section 10), so that a needle is
/// never missed for being misspelt.
fn check_encoders() {
    for (input, b64, b32, b16) in [
        ("f", "Zg==", "MY======", "66"),
        ("fo", "Zm8=", "MZXQ====", "666f"),
        ("foo", "Zm9v", "MZXW6===", "666f6f"),
        ("foob", "Zm9vYg==", "MZXW6YQ=", "666f6f62"),
        ("fooba", "Zm9vYmE=", "MZXW6YTB", "666f6f6261"),
        ("foobar", "Zm9vYmFy", "MZXW6YTBOI======", "666f6f626172"),
    ] {
        assert_eq!(base64(input.as_bytes(), BASE64, true), b64);
        assert_eq!(
            base64(input.as_bytes(), BASE64, false),
            b64.trim_end_matches('=')
        );
        assert_eq!(base32(input.as_bytes(), true), b32);
        assert_eq!(base32_decode(b32), input.as_bytes());
        assert_eq!(hex(input.as_bytes()), b16);
    }
    assert_eq!(base64(&[0xfb, 0xff], BASE64, true), "+/8=");
    assert_eq!(base64(&[0xfb, 0xff], BASE64_URL, true), "-_8=");
}

/// 16 random hex digits.
fn random_hex() -> String {
    let mut bytes = [0u8; 8];
    std::fs::File::open("/dev/urandom")
        .unwrap()
        .read_exact(&mut bytes)
        .unwrap();
    hex(&bytes)
}

/// Something that must not be in the copy: what it is (never its value) and its bytes.
struct Needle {
    kind: String,
    bytes: Vec<u8>,
}

fn needle(kind: impl Into<String>, bytes: impl Into<Vec<u8>>) -> Needle {
    Needle {
        kind: kind.into(),
        bytes: bytes.into(),
    }
}

/// A key raw, in hex (both cases), base64 (standard with and without padding, URL-safe
/// with and without) and base32 (with and without padding, both cases).
fn key_needles(whose: &str, key: &[u8]) -> Vec<Needle> {
    let lower = hex(key);
    vec![
        needle(format!("{whose} raw"), key),
        needle(format!("{whose} hex"), lower.clone()),
        needle(format!("{whose} HEX"), lower.to_uppercase()),
        needle(format!("{whose} base64"), base64(key, BASE64, true)),
        needle(
            format!("{whose} base64 unpadded"),
            base64(key, BASE64, false),
        ),
        needle(format!("{whose} base64url"), base64(key, BASE64_URL, true)),
        needle(
            format!("{whose} base64url unpadded"),
            base64(key, BASE64_URL, false),
        ),
        needle(format!("{whose} base32"), base32(key, true)),
        needle(format!("{whose} base32 unpadded"), base32(key, false)),
        needle(
            format!("{whose} base32 lower case"),
            base32(key, false).to_lowercase(),
        ),
    ]
}

/// Text as UTF-8 and as UTF-16 (either byte order), the ways programs keep strings.
fn text_needles(kind: &str, text: &str) -> Vec<Needle> {
    let units: Vec<u16> = text.encode_utf16().collect();
    vec![
        needle(kind, text),
        needle(
            format!("{kind} (UTF-16LE)"),
            units
                .iter()
                .flat_map(|u| u.to_le_bytes())
                .collect::<Vec<_>>(),
        ),
        needle(
            format!("{kind} (UTF-16BE)"),
            units
                .iter()
                .flat_map(|u| u.to_be_bytes())
                .collect::<Vec<_>>(),
        ),
    ]
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Every regular file under `dir`, recursively, with its path relative to `dir`.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(at) = pending.pop() {
        for entry in std::fs::read_dir(&at).unwrap() {
            let entry = entry.unwrap();
            let kind = entry.file_type().unwrap();
            if kind.is_dir() {
                pending.push(entry.path());
            } else if kind.is_file() {
                found.push(entry.path().strip_prefix(dir).unwrap().to_path_buf());
            }
        }
    }
    found.sort();
    found
}

/// Copies every file under `from` to `to`, keeping the folders.
fn copy_tree(from: &Path, to: &Path) -> usize {
    let files = files_under(from);
    for file in &files {
        let target = to.join(file);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::copy(from.join(file), target).unwrap();
    }
    files.len()
}

/// One person, their password and their notes (title, text).
struct Person {
    name: &'static str,
    password: &'static str,
    remember: bool,
    notes: Vec<(String, String)>,
}

/// From the home: every note of `person`, opened; the window shows its title and text (the
/// markers really were written, so that not finding them later means something).
async fn notes_show_in_the_window(app: &Launch, person: &Person) {
    for (title, body) in &person.notes {
        app.on_page("home.html").await;
        let clicked = app
            .run(&format!(
                "const a = [...document.querySelectorAll('#notes-list li a')]
                   .find((a) => a.textContent === {title:?});
                 if (a) a.click(); return !!a;"
            ))
            .await;
        assert_eq!(clicked, true, "a note of {} is not listed", person.name);
        app.on_page("note.html").await;
        assert_eq!(app.value("#note-title").await, *title);
        assert_eq!(app.value("#note-body").await, *body);
        app.click("#back-link").await;
    }
    app.on_page("home.html").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_copy_of_the_files_and_the_keyring_holds_no_note_secret_or_key() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let started = Instant::now();
    check_encoders();
    let world = World::new();
    let data = temp_dir();
    let mut people = [
        Person {
            name: "Annika",
            password: GOOD_PW,
            remember: true,
            notes: Vec::new(),
        },
        Person {
            name: "Bruno",
            password: "another-Good-pw-7",
            remember: false,
            notes: Vec::new(),
        },
    ];
    for person in &mut people {
        for _ in 0..2 {
            person.notes.push((
                format!("TITLE-MARKER-{}", random_hex()),
                format!("Some words, then BODY-MARKER-{} and more.", random_hex()),
            ));
        }
    }

    // The first person, kept signed in (a session token goes to the keyring): two notes,
    // then two-step sign-in turned on with a code computed from the key the page shows.
    let app = world.launch(data.path(), &[NO_IDLE_LOCK]).await;
    let annika = &people[0];
    app.sign_up(annika.name, annika.password, annika.remember)
        .await;
    app.save_codes().await;
    for (title, body) in &annika.notes {
        app.write_note(title, body).await;
    }
    notes_show_in_the_window(&app, annika).await;
    app.open_settings().await;
    app.click("#twostep-on").await;
    app.on_page("two-step.html").await;
    let shown_secret = app.text_appears("#secret").await;
    let secret_base32 = shown_secret.replace(' ', "");
    let secret = base32_decode(&secret_base32);
    assert_eq!(secret.len(), 20, "a 160-bit two-step secret");
    assert_eq!(
        base32(&secret, false),
        secret_base32,
        "this test's base32 is the app's"
    );
    app.fill("#setup-password", annika.password).await;
    let code = code_at(&secret, latchkey_engine::now_ms()).unwrap();
    app.fill("#code", &code).await;
    app.click("#setup-form button[type=submit]").await;
    app.on_page("profile.html").await;
    assert!(app.text_appears("#twostep-state").await.starts_with("On"));

    // Locked in the background; the second person, not kept signed in, writes two notes.
    app.click("#lock").await;
    app.on_page("lock.html").await;
    app.click("#switch-user").await;
    app.on_page("login.html").await;
    let bruno = &people[1];
    app.sign_up(bruno.name, bruno.password, bruno.remember)
        .await;
    app.save_codes().await;
    for (title, body) in &bruno.notes {
        app.write_note(title, body).await;
    }
    notes_show_in_the_window(&app, bruno).await;
    let tokens = world.bus.lookup_all(APP_IDENTIFIER);
    assert_eq!(
        tokens.len(),
        1,
        "the first person's token, and nothing else, in the keyring"
    );
    app.quit().await;

    // The attacker's copy: the data folder, the keyring's items and its files on disk.
    let copy = temp_dir();
    let data_files = copy_tree(data.path(), &copy.path().join("data"));
    assert!(
        files_under(&copy.path().join("data"))
            .iter()
            .any(|f| f.as_os_str() == "latchkey.db"),
        "the database was copied"
    );
    let items = world.keyring_items(APP_IDENTIFIER);
    let items_text = String::from_utf8_lossy(&items);
    assert_eq!(
        items_text.matches("secret = ").count(),
        1,
        "secret-tool listed the token's item (its secret included)"
    );
    assert!(items_text.contains(APP_IDENTIFIER), "with its attributes");
    std::fs::write(copy.path().join("keyring-items.txt"), &items).unwrap();
    // The private home the app and the keyring ran with: gnome-keyring's files on disk,
    // and the webview's storage (in an installed app, the same folder as the database).
    let keyring_files = files_under(&world.keyring_dir()).len();
    assert!(
        keyring_files >= 1,
        "gnome-keyring keeps its keyrings under {}",
        world.keyring_dir().display()
    );
    let webview = Path::new(".local/share").join(APP_IDENTIFIER);
    assert!(
        files_under(&world.bus.home.path().join(&webview))
            .iter()
            .any(|f| f.starts_with("localstorage")),
        "the webview's storage is in the private home"
    );
    let home_files = copy_tree(world.bus.home.path(), &copy.path().join("home"));

    // The password's view, from a second copy (opening the attacker's copy would change it):
    // each person's data key, which opens their notes, markers and all.
    let second = temp_dir();
    copy_tree(data.path(), second.path());
    let accounts = Accounts::open(second.path(), Config::default()).unwrap();
    let now = latchkey_engine::now_ms();
    let mut needles = Vec::new();
    for (n, person) in people.iter().enumerate() {
        let two_step = n == 0;
        let signed = match accounts
            .sign_in_steps(person.name, &pw(person.password), false, now)
            .unwrap()
        {
            SignInStep::Done(signed) => {
                assert!(!two_step, "{} signed in without a code", person.name);
                signed
            }
            SignInStep::SecondFactor(pending) => {
                assert!(two_step, "{} was asked for a code", person.name);
                // The next step's code: the current one may be the one just used.
                let code = code_at(&secret, now + 30_000).unwrap();
                accounts.finish_sign_in(&pending, &code, now).unwrap()
            }
            SignInStep::PreviousPassword(_) => panic!("local accounts have no directory"),
        };
        let key = signed.data_key.expect("the password opens the space");
        let listed = accounts.list_notes(&signed.user.id, &key, None).unwrap();
        assert_eq!(listed.len(), 2, "{}'s notes", person.name);
        for summary in listed {
            let note = accounts
                .get_note(&signed.user.id, &key, &summary.id)
                .unwrap();
            assert!(
                person.notes.contains(&(note.title, note.body)),
                "{}'s notes open with the key",
                person.name
            );
        }
        needles.extend(key_needles(
            &format!("{}'s data key", person.name),
            key.expose(),
        ));
    }
    drop(accounts);
    for person in &people {
        for (n, (title, body)) in person.notes.iter().enumerate() {
            let marker = |text: &str, prefix: &str| {
                let at = text.find(prefix).unwrap();
                text[at..at + prefix.len() + 16].to_owned()
            };
            needles.extend(text_needles(
                &format!("{}'s title {n}", person.name),
                &marker(title, "TITLE-MARKER-"),
            ));
            needles.extend(text_needles(
                &format!("{}'s text {n}", person.name),
                &marker(body, "BODY-MARKER-"),
            ));
        }
    }
    needles.extend([
        needle("two-step secret raw", secret.clone()),
        needle("two-step secret base32 as shown", shown_secret.clone()),
        needle("two-step secret base32", secret_base32.clone()),
        needle(
            "two-step secret base32 lower case",
            secret_base32.to_lowercase(),
        ),
        needle("two-step secret hex", hex(&secret)),
        needle("two-step secret HEX", hex(&secret).to_uppercase()),
        needle("two-step secret base64", base64(&secret, BASE64, false)),
        needle(
            "two-step secret base64url",
            base64(&secret, BASE64_URL, false),
        ),
    ]);

    // Every byte of the attacker's copy.
    let searched = files_under(copy.path());
    let mut bytes_searched = 0;
    let mut found = Vec::new();
    let mut usernames_seen = [false, false];
    let mut token_seen = false;
    for file in &searched {
        let bytes = std::fs::read(copy.path().join(file)).unwrap();
        bytes_searched += bytes.len();
        for needle in &needles {
            if let Some(at) = find(&bytes, &needle.bytes) {
                found.push(format!("{} in {} at {at}", needle.kind, file.display()));
            }
        }
        token_seen |= find(&bytes, tokens[0].as_bytes()).is_some();
        if file.starts_with("data") {
            for (seen, person) in usernames_seen.iter_mut().zip(&people) {
                *seen |= find(&bytes, person.name.as_bytes()).is_some();
            }
        }
    }
    println!(
        "attacker: {} needles, {} files, {bytes_searched} bytes: the data folder's {data_files}, \
         the keyring's items as secret-tool lists them, and the private home's {home_files} \
         ({keyring_files} keyring files, the webview's storage): {searched:?}",
        needles.len(),
        searched.len(),
    );
    // The search does find what is there: the usernames are stored in the clear, and the
    // kept session's token is in the keyring's listing.
    assert_eq!(
        usernames_seen,
        [true, true],
        "the usernames were found in the data folder"
    );
    assert!(token_seen, "the token was found in the keyring's items");
    assert!(found.is_empty(), "found in the copy: {found:#?}");
    println!("attacker: nothing found, in {:?}", started.elapsed());
}
