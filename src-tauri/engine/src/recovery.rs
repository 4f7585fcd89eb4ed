//! Forgotten passwords without a server: one-time recovery codes. A person gets ten at
//! sign-up (and new ones whenever they ask, with their password); a code, their name and a
//! new password set the password, end every other session and sign them in. Wrong codes are
//! throttled with the same counters as sign-in; unknown names cost the same time; a
//! recovery code also opens an account locked after a hundred failures.
//!
//! # Examples
//!
//! ```
//! use latchkey_engine::Password;
//! # use latchkey_engine::{Accounts, Config, HashParams};
//! # let dir = tempfile::tempdir()?;
//! # let config = Config { hash: HashParams { m_kib: 64, t: 1, p: 1 }, ..Config::default() };
//! # let accounts = Accounts::open(dir.path(), config)?;
//! let now = 1_767_225_600_000; // Unix ms
//! let alice = accounts.sign_up("alice", &Password::new("violet-Harbor-42"), false, now)?;
//! let codes = alice.recovery_codes.ok_or("shown at sign-up")?;
//! let code = codes.expose().next().ok_or("ten codes")?; // as written on paper
//!
//! // The password is forgotten: a code and a new password sign the person in.
//! let new = Password::new("amber-Lantern-77");
//! let back = accounts.recover_with_code("alice", code, &new, false, now + 1_000)?;
//! assert!(back.data_key.is_some()); // the code opens the private space too
//! assert_eq!(accounts.recovery_codes_left(&back.user.id)?, 9);
//!
//! // A new set replaces the old one, with the password.
//! let fresh = accounts.new_recovery_codes(&back.user.id, &new, now + 2_000)?;
//! assert_eq!(fresh.len(), 10);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use crate::accounts::Accounts;
use crate::credentials::{self, Reservation};
use crate::error::AuthError;
use crate::key_wraps;
use crate::model::SignedIn;
use crate::policy::rules::{self, Username};
use crate::policy::tokens;
use crate::secret::{Password, RecoveryCodes};
use crate::store::attempts::{self, ThrottleKey};
use crate::store::audit::{self, EventKind};
use crate::store::data_keys::{self, WrapKind};
use crate::store::{keys, recent, recovery_codes, sessions, users, KeyId};

impl Accounts {
    /// New recovery codes for a user, voiding the old ones, after checking the password.
    ///
    /// # Errors
    /// `INVALID_CREDENTIALS`, `TOO_MANY_ATTEMPTS`, `ACCOUNT_LOCKED`, `INVALID_PASSWORD`;
    /// `NOT_AUTHENTICATED` for an unknown user; a storage code.
    pub fn new_recovery_codes(
        &self,
        user_id: &str,
        password: &Password,
        now: i64,
    ) -> Result<RecoveryCodes, AuthError> {
        let password = rules::login_password(password)?;
        let key = credentials::password_key(self, user_id)?;
        let verified = credentials::check_password(self, &key, &password, now)?;
        let codes = self.db.write(|tx| {
            let space = verified.settle(tx)?;
            let codes = credentials::issue_recovery_codes(tx, user_id, now, space.key())?;
            let name = users::username(tx, user_id)?;
            audit::record(
                tx,
                now,
                EventKind::RecoveryCodesRenewed,
                name.as_deref(),
                None,
            )?;
            Ok(codes)
        })?;
        self.db.wipe_replaced();
        Ok(codes)
    }

    /// How many unused recovery codes a user has.
    ///
    /// # Errors
    /// A storage code.
    pub fn recovery_codes_left(&self, user_id: &str) -> Result<u32, AuthError> {
        self.db.read(|c| recovery_codes::count(c, user_id))
    }

    /// "Forgot your password?": with one of the account's recovery codes, sets a new
    /// password (same rules as ever), uses the code up, ends every session of the account,
    /// and signs the person in. When the last code was used, a new set comes with the
    /// answer.
    ///
    /// # Errors
    /// `INVALID_USERNAME`, the new-password rule codes (nothing is counted);
    /// `INVALID_RECOVERY_CODE` for an unknown name or a wrong code (counted; also, not
    /// counted, for a code over 64 characters);
    /// `TOO_MANY_ATTEMPTS`; a storage code.
    pub fn recover_with_code(
        &self,
        username: &str,
        code: &str,
        new_password: &Password,
        remember: bool,
        now: i64,
    ) -> Result<SignedIn, AuthError> {
        let name = Username::parse(username)?;
        let new_password = rules::new_password(new_password, name.normalized())?;
        let key = KeyId::username(&name);
        if !rules::code_fits(code) {
            return Err(AuthError::InvalidRecoveryCode);
        }
        let Reservation {
            row,
            failures_before,
            ..
        } = credentials::reserve(self, &key, now, false)?;
        // Always hash: a wrong code or an unknown name costs what a success does.
        let hash = self.hasher.hash(&new_password)?;
        drop(new_password);
        let Some(user_id) = row.map(|r| r.user_id) else {
            credentials::record_failure(self, None, now)?;
            return Err(AuthError::InvalidRecoveryCode);
        };
        let token = tokens::new_token()?;
        let session = self
            .config
            .session
            .new_session(&token, &user_id, remember, now);
        let signed = self.db.write(|tx| {
            // The code's wrapping first (taking the code deletes it); a code that does not
            // sign in undoes this with the rest of the transaction.
            let opened = key_wraps::open_with_code(tx, &user_id, code)?;
            if !credentials::use_recovery_code(tx, &user_id, code)? {
                return Err(AuthError::InvalidRecoveryCode.into());
            }
            // Only with a right code: a directory account's password is the directory's
            // (the transaction is undone, so the code is not used up).
            if crate::store::directory_accounts::get(tx, &user_id)?.is_some() {
                return Err(AuthError::DirectoryAccount.into());
            }
            let data_key = match opened {
                Some(opened) => {
                    key_wraps::wrap_for_password(tx, &user_id, &opened, &hash.wrap_key, now)?;
                    users::set_space_sealed(tx, &user_id, None)?;
                    Some(opened)
                }
                None if !data_keys::exists(tx, &user_id)? => {
                    Some(key_wraps::create(tx, &user_id, &hash.wrap_key, now)?)
                }
                None => {
                    // A code made before the private space (or while it was sealed): the
                    // password is set; the space stays sealed (the old password's wrapping
                    // no longer matches) until another wrapping opens it, and two-step
                    // sign-in, whose secret is sealed in it, is turned off.
                    data_keys::delete(tx, &user_id, WrapKind::Password, "")?;
                    users::set_space_sealed(tx, &user_id, Some(now))?;
                    users::set_totp(tx, &user_id, None, 0, now)?;
                    None
                }
            };
            keys::set_hash(tx, &key, &hash.stored)?;
            users::set_temporary_password(tx, &user_id, None)?;
            sessions::delete_for_user(tx, &user_id, None)?;
            attempts::clear(tx, &ThrottleKey::from(&key))?;
            users::record_sign_in(tx, &user_id, now, failures_before)?;
            recent::note(tx, &self.os_user, &key, now)?;
            sessions::insert(tx, &session, &self.os_user)?;
            let codes = credentials::renew_codes_if_used_up(tx, &user_id, now, data_key.as_ref())?;
            let user = users::get(tx, &user_id)?.ok_or(AuthError::InvalidRecoveryCode)?;
            audit::record(
                tx,
                now,
                EventKind::PasswordRecovered,
                Some(&user.username),
                None,
            )?;
            Ok((user, codes, data_key))
        });
        let (user, recovery_codes, data_key) = match signed {
            Ok(signed) => signed,
            Err(AuthError::InvalidRecoveryCode) => {
                credentials::record_failure(self, Some(&user_id), now)?;
                return Err(AuthError::InvalidRecoveryCode);
            }
            Err(e) => return Err(e),
        };
        self.db.wipe_replaced();
        log::info!("password recovered with a recovery code");
        Ok(SignedIn {
            user,
            session,
            token,
            recovery_codes,
            second_step_warning: false,
            data_key,
        })
    }
}
