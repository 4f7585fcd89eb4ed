//! Signing in (Lucia v2's `useKey`), with a second step for accounts that use two-step
//! sign-in, and the recent accounts the sign-in screen offers.
//!
//! # Examples
//!
//! ```
//! use latchkey_engine::{Password, SignInStep};
//! # use latchkey_engine::{Accounts, Config, HashParams};
//! # let dir = tempfile::tempdir()?;
//! # let config = Config { hash: HashParams { m_kib: 64, t: 1, p: 1 }, ..Config::default() };
//! # let accounts = Accounts::open(dir.path(), config)?;
//! let now = 1_767_225_600_000; // Unix ms
//! let password = Password::new("violet-Harbor-42");
//! accounts.sign_up("alice", &password, false, now)?;
//!
//! let signed = match accounts.sign_in_steps("alice", &password, true, now + 1_000)? {
//!     SignInStep::Done(signed) => signed,
//!     // Two-step sign-in is on: ask for a code (see the `two_step` module).
//!     SignInStep::SecondFactor(pending) => accounts.finish_sign_in(&pending, "123456", now)?,
//!     // A directory account's password changed at the directory: ask for the previous one.
//!     SignInStep::PreviousPassword(_) => unreachable!("no directory here"),
//! };
//! assert_eq!(signed.user.username, "alice");
//! assert_eq!(accounts.recent_accounts()?, ["alice"]);
//!
//! // A wrong password and an unknown name get the same answer.
//! let wrong = accounts.sign_in("alice", &Password::new("wrong-guess"), false, now + 2_000);
//! assert_eq!(wrong.unwrap_err().code(), "INVALID_CREDENTIALS");
//! let unknown = accounts.sign_in("mallory", &password, false, now + 3_000);
//! assert_eq!(unknown.unwrap_err().code(), "INVALID_CREDENTIALS");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use crate::accounts::Accounts;
use crate::credentials::{self, SecondFactor, Verified};
use crate::directory_check::{self, Checked};
use crate::error::AuthError;
use crate::key_wraps::Space;
use crate::model::SignedIn;
use crate::policy::rules::{self, Username};
use crate::policy::sealing::SecretKey;
use crate::policy::tokens;
use crate::secret::{Password, RecoveryCodes};
use crate::store::attempts::{self, ThrottleKey};
use crate::store::audit::{self, EventKind};
use crate::store::{recent, sessions, users, KeyId, WriteError};
use rusqlite::Connection;

/// How long a half-done two-step sign-in waits for its code (ms).
pub const SECOND_FACTOR_WINDOW_MS: i64 = 5 * 60 * 1000;
/// Wrong codes after a right password, in sign-ins that never finished, from which the next
/// sign-in warns the owner that someone else knows their password.
pub const SECOND_STEP_WARNING_FAILURES: u32 = 3;

/// Where a sign-in stands after the password.
#[derive(Debug)]
pub enum SignInStep {
    /// Signed in.
    Done(SignedIn),
    /// The password was right; the account uses two-step sign-in.
    SecondFactor(PendingSignIn),
    /// A directory account whose password was changed at the directory: the private space
    /// is sealed under the previous password, which (or a recovery code) reopens it at
    /// [`Accounts::finish_with_previous_password`].
    PreviousPassword(PendingSignIn),
}

/// A sign-in whose password was right, waiting for the second step. Kept in memory only
/// (by the app), never stored; good for five minutes.
pub struct PendingSignIn {
    verified: Verified,
    remember: bool,
    started_at: i64,
    /// Wrong codes at the second step of earlier sign-ins that never finished.
    earlier_code_failures: u32,
}

impl PendingSignIn {
    /// Whose sign-in it is.
    pub fn user_id(&self) -> &str {
        &self.verified.user_id
    }

    /// When the password was checked (Unix ms).
    pub fn started_at(&self) -> i64 {
        self.started_at
    }

    /// Whether the session is to be kept across restarts.
    pub fn remember(&self) -> bool {
        self.remember
    }
}

impl std::fmt::Debug for PendingSignIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PendingSignIn")
            .field("started_at", &self.started_at)
            .finish_non_exhaustive()
    }
}

impl Accounts {
    /// Checks a username and password [Lucia: `useKey`] and returns the user id.
    ///
    /// Unknown usernames cost one argon2id verification against a dummy hash and are
    /// throttled like real ones, so neither the answer nor its timing tells whether the
    /// account exists.
    ///
    /// # Errors
    /// `INVALID_USERNAME` or `INVALID_PASSWORD` for input no account could have;
    /// `INVALID_CREDENTIALS`; `TOO_MANY_ATTEMPTS` (no hash is run); a storage code.
    pub fn verify_credentials(
        &self,
        username: &str,
        password: &Password,
        now: i64,
    ) -> Result<String, AuthError> {
        let (verified, _) = self.check_login(username, password, now)?;
        self.db
            .write(|tx| record_success(tx, &verified, now).map(drop))?;
        Ok(verified.user_id)
    }

    /// Checks credentials and creates a session, committing both together.
    ///
    /// # Errors
    /// As [`Accounts::verify_credentials`]; `SECOND_FACTOR_REQUIRED` for an account with
    /// two-step sign-in (use [`Accounts::sign_in_steps`]).
    pub fn sign_in(
        &self,
        username: &str,
        password: &Password,
        remember: bool,
        now: i64,
    ) -> Result<SignedIn, AuthError> {
        let step = match self.sign_in_steps(username, password, remember, now)? {
            // Without anyone to ask for the previous password: the space stays sealed.
            SignInStep::PreviousPassword(pending) => {
                self.finish_with_previous_password(&pending, None, now)?
            }
            step => step,
        };
        match step {
            SignInStep::Done(signed) => Ok(signed),
            _ => Err(AuthError::SecondFactorRequired),
        }
    }

    /// Checks credentials; for an account with two-step sign-in, hands back the half-done
    /// sign-in that [`Accounts::finish_sign_in`] completes with a code, else creates the
    /// session at once.
    ///
    /// # Errors
    /// As [`Accounts::verify_credentials`]; `TEMPORARY_PASSWORD_EXPIRED`.
    pub fn sign_in_steps(
        &self,
        username: &str,
        password: &Password,
        remember: bool,
        now: i64,
    ) -> Result<SignInStep, AuthError> {
        let (verified, previous_password_needed) = self.check_login(username, password, now)?;
        if previous_password_needed {
            return Ok(SignInStep::PreviousPassword(PendingSignIn {
                verified,
                remember,
                started_at: now,
                earlier_code_failures: 0,
            }));
        }
        self.after_password(verified, remember, now)
    }

    /// After a right password: the second step when the account uses it, else the session.
    fn after_password(
        &self,
        verified: Verified,
        remember: bool,
        now: i64,
    ) -> Result<SignInStep, AuthError> {
        if self
            .db
            .read(|c| users::totp(c, &verified.user_id))?
            .is_some()
        {
            // A right password neither counts as a failure nor clears the count: only the
            // whole sign-in does, so codes cannot be guessed between password entries. The
            // reservation is taken back with the time of the failure before it, so that a
            // right password never makes the wait longer.
            let key = ThrottleKey::from(&verified.key);
            let second = ThrottleKey::SecondStep(verified.key.clone());
            let earlier_code_failures = self.db.write(|tx| {
                attempts::take_back(tx, &key, verified.reserved_at, verified.previous_failure_at)?;
                Ok(attempts::get(tx, &second)?.map_or(0, |a| a.failures))
            })?;
            return Ok(SignInStep::SecondFactor(PendingSignIn {
                verified,
                remember,
                started_at: now,
                earlier_code_failures,
            }));
        }
        let user_id = verified.user_id.clone();
        let directory = verified.directory.is_some();
        self.open_session(&verified, remember, now, None, |tx, key| {
            // A directory account's first sign-in here: its recovery codes, shown once.
            match directory {
                true => credentials::renew_codes_if_used_up(tx, &user_id, now, key),
                false => Ok(None),
            }
        })
        .map(SignInStep::Done)
    }

    /// Continues a directory sign-in whose password changed at the directory: `previous`
    /// (the password before, or one of the person's recovery codes) reopens the private
    /// space and rewraps its key for the new password; `None` signs in with the space
    /// sealed (a recovery code can open it later). Counted like a password.
    ///
    /// # Errors
    /// `SECOND_FACTOR_EXPIRED` after five minutes; `INVALID_CREDENTIALS` (counted),
    /// `TOO_MANY_ATTEMPTS`, `ACCOUNT_LOCKED`, `DATA_CORRUPTED`; a storage code.
    pub fn finish_with_previous_password(
        &self,
        pending: &PendingSignIn,
        previous: Option<&Password>,
        now: i64,
    ) -> Result<SignInStep, AuthError> {
        if now.saturating_sub(pending.started_at) > SECOND_FACTOR_WINDOW_MS {
            return Err(AuthError::SecondFactorExpired);
        }
        let verified = pending.verified.clone();
        if let Some(previous) = previous {
            let typed = rules::login_password(previous)?;
            credentials::reserve(self, &verified.key, now, true)?;
            if !crate::directory_check::reopen(self, &verified, &typed, now)? {
                credentials::record_failure(self, Some(&verified.user_id), now)?;
                return Err(AuthError::InvalidCredentials);
            }
        }
        self.after_password(verified, pending.remember, now)
    }

    /// Completes a two-step sign-in with a code from the authenticator app, or one of the
    /// person's recovery codes. A wrong code counts toward the account's throttling like a
    /// wrong password; the half-done sign-in lasts five minutes.
    ///
    /// # Errors
    /// `SECOND_FACTOR_EXPIRED`; `INVALID_CODE` (also, not counted, for a code over 64
    /// characters), `TOO_MANY_ATTEMPTS` (from the second step's own counter),
    /// `ACCOUNT_LOCKED`; `INVALID_CREDENTIALS` when the password changed meanwhile; a
    /// storage code.
    pub fn finish_sign_in(
        &self,
        pending: &PendingSignIn,
        code: &str,
        now: i64,
    ) -> Result<SignedIn, AuthError> {
        if now.saturating_sub(pending.started_at) > SECOND_FACTOR_WINDOW_MS {
            return Err(AuthError::SecondFactorExpired);
        }
        if !rules::code_fits(code) {
            return Err(AuthError::InvalidCode);
        }
        let verified = &pending.verified;
        credentials::reserve_second_step(self, &verified.key, now)?;
        let user_id = verified.user_id.clone();
        let earlier = Some(pending.earlier_code_failures);
        let result = self.open_session(verified, pending.remember, now, earlier, |tx, key| {
            match credentials::check_second_factor(tx, &user_id, code, now, key)? {
                Some(SecondFactor::RecoveryCode) => {
                    credentials::renew_codes_if_used_up(tx, &user_id, now, key)
                }
                Some(SecondFactor::Authenticator) => Ok(None),
                None => Err(AuthError::InvalidCode.into()),
            }
        });
        if let Err(AuthError::InvalidCode) = result {
            credentials::record_failure(self, Some(&verified.user_id), now)?;
        }
        result
    }

    /// After every check passed: in one transaction, the password check settled (which
    /// opens the private space), `second_step` with the data key (which may hand back new
    /// recovery codes; its failure undoes everything), the second step's own counter read
    /// and cleared, the sign-in stamped, the session created. `earlier_code_failures`: what
    /// the second step's counter held at the password step (`None`: read it now).
    fn open_session(
        &self,
        verified: &Verified,
        remember: bool,
        now: i64,
        earlier_code_failures: Option<u32>,
        second_step: impl Fn(
            &Connection,
            Option<&SecretKey>,
        ) -> Result<Option<RecoveryCodes>, WriteError>,
    ) -> Result<SignedIn, AuthError> {
        let token = tokens::new_token()?;
        let session = self
            .config
            .session
            .new_session(&token, &verified.user_id, remember, now);
        let second = ThrottleKey::SecondStep(verified.key.clone());
        let (user, recovery_codes, code_failures, space) = self.db.write(|tx| {
            let space = record_success(tx, verified, now)?;
            let codes = second_step(tx, space.key())?;
            let counted = attempts::get(tx, &second)?.map_or(0, |a| a.failures);
            attempts::clear(tx, &second)?;
            recent::note(tx, &self.os_user, &verified.key, now)?;
            sessions::insert(tx, &session, &self.os_user)?;
            let user = users::get(tx, &verified.user_id)?
                .ok_or_else(|| WriteError::from(AuthError::InvalidCredentials))?;
            Ok((user, codes, earlier_code_failures.unwrap_or(counted), space))
        })?;
        Ok(SignedIn {
            user,
            session,
            token,
            recovery_codes,
            second_step_warning: code_failures >= SECOND_STEP_WARNING_FAILURES,
            data_key: space.into_key(),
        })
    }

    /// The password check: the directory's for directory names, else the local one;
    /// `true` beside it when the password changed at the directory.
    fn check_login(
        &self,
        username: &str,
        password: &Password,
        now: i64,
    ) -> Result<(Verified, bool), AuthError> {
        let name = Username::parse(username)?;
        let typed = password.expose();
        let password = rules::login_password(password)?;
        let key = KeyId::username(&name);
        if directory_check::applies(self, &key)? {
            return Ok(
                match directory_check::check(self, &name, &key, typed, &password, now)? {
                    Checked::Verified(v) => (v, false),
                    Checked::PreviousPasswordNeeded(v) => (v, true),
                },
            );
        }
        credentials::check_password(self, &key, &password, now).map(|v| (v, false))
    }

    /// The usernames (as typed at sign-up) recently signed in on this OS account, newest
    /// first. Deleted accounts are left out.
    ///
    /// # Errors
    /// A storage code.
    pub fn recent_accounts(&self) -> Result<Vec<String>, AuthError> {
        self.db.read(|c| recent::names(c, &self.os_user))
    }

    /// Removes a name from this OS account's recent list. Unknown names are fine.
    ///
    /// # Errors
    /// `INVALID_USERNAME` for a name no account could have; a storage code.
    pub fn forget_recent(&self, username: &str) -> Result<(), AuthError> {
        let key = KeyId::username(&Username::parse(username)?);
        self.db
            .write(|tx| Ok(recent::forget(tx, &self.os_user, &key)?))
    }
}

/// After a correct password at sign-in: settle the check (the password must still be the
/// current one; the private space opens), refuse an expired temporary password, stamp the
/// sign-in with the failures since the last visit (for the banner).
fn record_success(tx: &Connection, v: &Verified, now: i64) -> Result<Space, WriteError> {
    let space = v.settle(tx)?;
    let Some(user) = users::get(tx, &v.user_id)? else {
        return Err(AuthError::InvalidCredentials.into());
    };
    if user
        .temporary_password_expires_at
        .is_some_and(|until| now > until)
    {
        return Err(AuthError::TemporaryPasswordExpired.into());
    }
    users::record_sign_in(tx, &v.user_id, now, v.failures_before)?;
    let name = Some(user.username);
    audit::record(tx, now, EventKind::SignIn, name.as_deref(), None)?;
    Ok(space)
}
