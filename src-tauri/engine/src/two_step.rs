//! Two-step sign-in with an authenticator app (TOTP, RFC 6238), which needs no network. A
//! person turns it on with their password and a code from their app (never while it is on:
//! someone at a profile left open must not bind their own phone), and off with their
//! password and a code (or a recovery code). The administrator can require it of administrators, and can
//! turn it off for a member who lost their phone.
//!
//! # Examples
//!
//! ```
//! use latchkey_engine::policy::totp;
//! use latchkey_engine::{Password, SignInStep};
//! # use latchkey_engine::{Accounts, Config, HashParams};
//! # let dir = tempfile::tempdir()?;
//! # let config = Config { hash: HashParams { m_kib: 64, t: 1, p: 1 }, ..Config::default() };
//! # let accounts = Accounts::open(dir.path(), config)?;
//! let now = 1_767_225_600_000; // Unix ms
//! let password = Password::new("violet-Harbor-42");
//! let alice = accounts.sign_up("alice", &password, false, now)?;
//!
//! // `setup.uri` goes into a QR code; `setup.base32` is for typing by hand.
//! let setup = accounts.two_step_setup(&alice.user)?;
//! let code = totp::code_at(&setup.secret, now).ok_or("no code")?; // what the app shows
//! accounts.enable_two_step(&alice.user.id, &password, &setup.secret, &code, now)?;
//!
//! // Signing in now takes the password, then a code (a later one: each works once).
//! let later = now + 30_000;
//! let step = accounts.sign_in_steps("alice", &password, false, later)?;
//! let SignInStep::SecondFactor(pending) = step else {
//!     unreachable!("two-step sign-in is on");
//! };
//! let code = totp::code_at(&setup.secret, later).ok_or("no code")?;
//! let signed = accounts.finish_sign_in(&pending, &code, later)?;
//! assert_eq!(signed.user.two_step_since, Some(now));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use crate::accounts::Accounts;
use crate::credentials::{self, SecondFactor};
use crate::error::AuthError;
use crate::key_wraps;
use crate::model::{Role, Session, User};
use crate::policy::{rules, totp};
use crate::secret::{Password, RecoveryCodes};
use crate::store::audit::{self, EventKind};
use crate::store::{settings, users};
use zeroize::Zeroizing;

/// What a person needs to add Latchkey to their authenticator app. The secret is not stored
/// until a code from the app confirms it.
pub struct TwoStepSetup {
    /// The secret (160 bits).
    pub secret: Zeroizing<Vec<u8>>,
    /// The `otpauth://` URI, for the QR code.
    pub uri: Zeroizing<String>,
    /// The secret in base32, to type in by hand.
    pub base32: Zeroizing<String>,
}

impl std::fmt::Debug for TwoStepSetup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TwoStepSetup(***)")
    }
}

impl Accounts {
    /// A new secret for `user`'s authenticator app (nothing is stored yet).
    ///
    /// # Errors
    /// `TWO_STEP_ALREADY_ON`; `INTERNAL` when the OS random source fails.
    pub fn two_step_setup(&self, user: &User) -> Result<TwoStepSetup, AuthError> {
        if user.two_step_since.is_some() {
            return Err(AuthError::TwoStepAlreadyOn);
        }
        let secret = totp::new_secret()?;
        let (uri, base32) = totp::provisioning(&secret, &user.username)?;
        Ok(TwoStepSetup {
            secret,
            uri,
            base32,
        })
    }

    /// Turns two-step sign-in on with `secret`, after the person's password, once `code`
    /// from the app matches the secret. Refused while it is on.
    ///
    /// # Errors
    /// `INVALID_CREDENTIALS` for a wrong password, `INVALID_CODE` for a code that does not
    /// match (both counted toward throttling); `TWO_STEP_ALREADY_ON`; `PRIVATE_SPACE_SEALED`
    /// (the secret is kept sealed in the private space); `TOO_MANY_ATTEMPTS`,
    /// `ACCOUNT_LOCKED`, `INVALID_PASSWORD`; a storage code.
    pub fn enable_two_step(
        &self,
        user_id: &str,
        password: &Password,
        secret: &[u8],
        code: &str,
        now: i64,
    ) -> Result<(), AuthError> {
        if self.db.read(|c| users::totp(c, user_id))?.is_some() {
            return Err(AuthError::TwoStepAlreadyOn);
        }
        if !rules::code_fits(code) {
            return Err(AuthError::InvalidCode);
        }
        let password = rules::login_password(password)?;
        let key = credentials::password_key(self, user_id)?;
        let verified = credentials::check_password(self, &key, &password, now)?;
        let Some(step) = totp::matching_step(secret, code, now) else {
            credentials::record_failure(self, Some(user_id), now)?;
            return Err(AuthError::InvalidCode);
        };
        self.db.write(|tx| {
            if users::totp(tx, user_id)?.is_some() {
                return Err(AuthError::TwoStepAlreadyOn.into());
            }
            let space = verified.settle(tx)?;
            let Some(data_key) = space.key() else {
                return Err(AuthError::PrivateSpaceSealed.into());
            };
            let sealed = key_wraps::seal_totp(data_key, user_id, secret)?;
            users::set_totp(tx, user_id, Some(&sealed), step, now)?;
            let name = users::username(tx, user_id)?;
            audit::record(tx, now, EventKind::TwoStepOn, name.as_deref(), None)?;
            Ok(())
        })
    }

    /// Turns two-step sign-in off, after the password and a current code (or a recovery
    /// code). When the code was the last recovery code, a new set comes back, to show once.
    ///
    /// # Errors
    /// `INVALID_CREDENTIALS` for a wrong password, `INVALID_CODE` for a wrong code (both
    /// counted); `TOO_MANY_ATTEMPTS`, `ACCOUNT_LOCKED`, `INVALID_PASSWORD`; a storage code.
    pub fn disable_two_step(
        &self,
        user_id: &str,
        password: &Password,
        code: &str,
        now: i64,
    ) -> Result<Option<RecoveryCodes>, AuthError> {
        if !rules::code_fits(code) {
            return Err(AuthError::InvalidCode);
        }
        let password = rules::login_password(password)?;
        let key = credentials::password_key(self, user_id)?;
        let verified = credentials::check_password(self, &key, &password, now)?;
        let result = self.db.write(|tx| {
            let space = verified.settle(tx)?;
            let key = space.key();
            let codes = match credentials::check_second_factor(tx, user_id, code, now, key)? {
                None => return Err(AuthError::InvalidCode.into()),
                Some(SecondFactor::RecoveryCode) => {
                    credentials::renew_codes_if_used_up(tx, user_id, now, key)?
                }
                Some(SecondFactor::Authenticator) => None,
            };
            users::set_totp(tx, user_id, None, 0, now)?;
            let name = users::username(tx, user_id)?;
            audit::record(tx, now, EventKind::TwoStepOff, name.as_deref(), None)?;
            Ok(codes)
        });
        if let Err(AuthError::InvalidCode) = result {
            credentials::record_failure(self, Some(user_id), now)?;
        }
        result
    }

    /// Whether administrators must use two-step sign-in on this computer.
    ///
    /// # Errors
    /// A storage code.
    pub fn two_step_for_admins(&self) -> Result<bool, AuthError> {
        self.db.read(settings::two_step_for_admins)
    }

    /// Whether `user` must turn two-step sign-in on before anything else (an administrator,
    /// on a computer that requires it, without it).
    ///
    /// # Errors
    /// A storage code.
    pub fn two_step_setup_required(&self, user: &User) -> Result<bool, AuthError> {
        Ok(user.role == Role::Admin
            && user.two_step_since.is_none()
            && self.two_step_for_admins()?)
    }

    /// Administrators: requires (or stops requiring) two-step sign-in of administrators.
    ///
    /// # Errors
    /// As [`Accounts::authorize_admin`].
    pub fn admin_set_two_step_for_admins(
        &self,
        admin: &Session,
        required: bool,
        password: Option<&Password>,
        now: i64,
    ) -> Result<(), AuthError> {
        self.authorize_admin(admin, password, now)?;
        self.db
            .write(|tx| Ok(settings::set_two_step_for_admins(tx, required)?))
    }

    /// Administrators: turns two-step sign-in off for another account (a lost phone);
    /// always needs the administrator's password.
    ///
    /// # Errors
    /// As [`Accounts::authorize_admin`]; `CANNOT_TARGET_SELF`; `ACCOUNT_NOT_FOUND`.
    pub fn admin_disable_two_step(
        &self,
        admin: &Session,
        target: &str,
        password: &Password,
        now: i64,
    ) -> Result<(), AuthError> {
        self.authorize_admin_with_password(admin, password, now)?;
        if target == admin.user_id {
            return Err(AuthError::CannotTargetSelf);
        }
        self.db.write(|tx| {
            let Some(name) = users::username(tx, target)? else {
                return Err(AuthError::AccountNotFound.into());
            };
            users::set_totp(tx, target, None, 0, now)?;
            let actor = users::username(tx, &admin.user_id)?;
            audit::record(
                tx,
                now,
                EventKind::TwoStepOff,
                Some(&name),
                actor.as_deref(),
            )?;
            Ok(())
        })
    }
}
