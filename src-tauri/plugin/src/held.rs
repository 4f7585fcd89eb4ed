//! What the service holds in memory beside the desk, each for the module that works with
//! it: the open private space's key (`private.rs`), what this run knows of the first-screen
//! hint (`first_screen.rs`) and the first page's prepared answers (`first_answers.rs`).
//! Defined here, below the service, so that the service holds them without importing the
//! modules that build on it.

use latchkey_engine::SecretKey;
use std::sync::{Arc, Mutex};

/// The data key of the person at the keyboard, while their private space is open.
pub(crate) struct OpenSpace {
    pub(crate) user_id: String,
    pub(crate) key: SecretKey,
}

/// What this run knows of the first-screen hint.
#[derive(Debug, Default)]
pub(crate) struct HintState {
    /// What the file says (read at start, then as last written); `None`: unknown, or the
    /// last write failed (the next answer tries again).
    pub(crate) written: Option<bool>,
    /// Kept sessions stayed in the database because the keyring could not be read at
    /// start: the hint keeps saying "profile" for this run, so that the next start, with
    /// the keyring back, does not draw a sign-in form that must go away.
    pub(crate) kept_unread: bool,
}

/// The shared hint state (the background writes hold it while they write).
pub(crate) type Hint = Arc<Mutex<HintState>>;

/// The answers for the first page: `json`, `{ "session": …, "space": … }`, and the
/// `language` they are in (the page wants its catalog, and English's).
#[derive(Debug, Clone)]
pub struct FirstAnswers {
    /// The answers as a JSON object.
    pub json: String,
    /// The language tag of `session`'s answer.
    pub language: String,
}

/// Answers prepared at start-up, with who was here then (the desk's fingerprint).
pub(crate) struct Prepared {
    pub(crate) answers: FirstAnswers,
    pub(crate) desk: (Option<String>, Vec<(String, Option<i64>)>),
}
