//! The one error every command returns: the engine's
//! [`AuthError`](latchkey_engine::AuthError), serialized to the webview as
//! `{ "code": "USERNAME_TAKEN", "message": "…" }` (plus `retryAfterSecs` when a wait
//! applies). Codes are stable; internal failures are `INTERNAL` with no details.

pub use latchkey_engine::AuthError as Error;

/// A command's result.
pub type Result<T> = std::result::Result<T, Error>;
