//! The one error every command returns: the engine's
//! [`AuthError`](latchkey_engine::AuthError), serialized to the webview as
//! `{ "code": "USERNAME_TAKEN", "message": "…" }` (plus `retryAfterSecs` when a wait
//! applies). Codes are stable; internal failures are `INTERNAL` with no details.
//!
//! ```
//! use tauri_plugin_latchkey::Error;
//!
//! let json = serde_json::to_value(Error::InvalidCredentials)?;
//! assert_eq!(json["code"], "INVALID_CREDENTIALS");
//! assert_eq!(json["message"], "Incorrect username or password.");
//! # Ok::<(), serde_json::Error>(())
//! ```

pub use latchkey_engine::AuthError as Error;

/// A command's result.
pub type Result<T> = std::result::Result<T, Error>;
