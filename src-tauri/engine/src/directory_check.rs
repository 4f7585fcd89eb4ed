//! The password check of a directory account, which sign-in uses in place of the local
//! check for names that belong to the directory.
//!
//! Every attempt is reserved under the same throttling as a local one and costs one bind
//! and one argon2id computation, whatever the answer, so that answers and their timing do
//! not tell names apart. Online, the directory decides and the cached verifier follows it:
//! a new person gets an account and a verifier, a changed password replaces the verifier
//! (the old one is kept until it has reopened the private space), and a person the
//! directory refuses with the cached password loses the verifier and every session here.
//! Offline (no answer within the timeout), the cached verifier signs them in until
//! `cached_until`.

use crate::accounts::Accounts;
use crate::credentials::{self, Reservation, Verified};
use crate::directory::{Answer, Unanswered};
use crate::directory_facts::DirectoryFacts;
use crate::error::AuthError;
use crate::key_wraps;
use crate::model::{Role, User};
use crate::policy::rules::Username;
use crate::policy::sealing::Purpose;
use crate::policy::tokens;
use crate::store::attempts;
use crate::store::audit::{self, EventKind};
use crate::store::data_keys::{self, WrapKind};
use crate::store::directory_accounts as accounts_table;
use crate::store::{keys, sessions, users, KeyId, WriteError};
use rusqlite::Connection;

/// Where a directory password check ended.
pub(crate) enum Checked {
    /// Right (online, or offline within the cache): settle it as a local check.
    Verified(Verified),
    /// The directory took a new password; the private space is sealed under the previous
    /// one, which (or a recovery code) reopens it.
    PreviousPasswordNeeded(Verified),
}

/// Whether sign-in with `key` goes to the directory: a directory account, or an unknown
/// name while a directory is set up. A local account keeps its name.
///
/// # Errors
/// A storage code.
pub(crate) fn applies(accounts: &Accounts, key: &KeyId) -> Result<bool, AuthError> {
    accounts.db.read(|c| match keys::find(c, key)? {
        Some(row) => Ok(accounts_table::get(c, &row.user_id)?.is_some()),
        None => Ok(accounts.directory.is_some() || accounts.directory_settings_unusable),
    })
}

/// Checks a directory account's password (see the module's documentation).
///
/// # Errors
/// `INVALID_CREDENTIALS`, `TOO_MANY_ATTEMPTS`, `ACCOUNT_LOCKED`; `DIRECTORY_UNREACHABLE`
/// (offline, and no cached verifier); `DIRECTORY_CACHE_EXPIRED` (offline, right password,
/// cache too old); `DIRECTORY_CERTIFICATE`; `DIRECTORY_NAME_TAKEN` (a local account's name
/// looks the same); a storage code.
/// `typed` is the password as typed, for the directory; `password`, its normalized form,
/// for the verifier (as for local accounts).
pub(crate) fn check(
    accounts: &Accounts,
    name: &Username,
    key: &KeyId,
    typed: &str,
    password: &str,
    now: i64,
) -> Result<Checked, AuthError> {
    let reservation = credentials::reserve(accounts, key, now, true)?;
    let cached = reservation
        .row
        .as_ref()
        .and_then(|r| r.hashed_password.clone().map(|h| (r.user_id.clone(), h)));
    let hasher = &accounts.hasher;
    // The directory is asked while the cached verifier is checked (one argon2id computation
    // whatever the answer): a sign-in takes the longer of the two, not their sum.
    let (answer, check) = std::thread::scope(|scope| {
        let asked = scope.spawn(|| match &accounts.directory {
            Some(directory) => directory.authenticate(name.normalized(), typed),
            None => Err(Unanswered::Unreachable),
        });
        let check = match &cached {
            Some((_, hash)) => hasher.check(hash, password),
            None => crate::policy::hashing::Check {
                matched: hasher.verify_dummy(password),
                wrap_key: None,
            },
        };
        let answer = asked.join().unwrap_or(Err(Unanswered::Unreachable));
        (answer, check)
    });
    let user_id = reservation.row.as_ref().map(|r| r.user_id.clone());
    let refuse = |accounts: &Accounts| {
        credentials::record_failure(accounts, user_id.as_deref(), now)?;
        Err(AuthError::InvalidCredentials)
    };
    match answer {
        Ok(Answer::Person(person)) => {
            let facts = DirectoryFacts {
                person,
                cached_until: now.saturating_add(cache_ms(accounts)),
                now,
            };
            let base = |user_id: String, old_hash: String, wrap_key| Verified {
                user_id,
                key: key.clone(),
                old_hash,
                wrap_key,
                rehash: None,
                failures_before: reservation.failures_before,
                previous_failure_at: reservation.previous_failure_at,
                reserved_at: now,
                directory: Some(facts.clone()),
            };
            match (cached, check.matched) {
                (Some((user_id, hash)), true) => {
                    let rehash = hasher
                        .needs_rehash(&hash)
                        .then(|| hasher.hash(password).ok())
                        .flatten();
                    Ok(Checked::Verified(Verified {
                        rehash,
                        ..base(user_id, hash, check.wrap_key)
                    }))
                }
                (Some((user_id, hash)), false) => {
                    let fresh = hasher.hash(password)?;
                    accounts
                        .db
                        .write(|tx| new_password(tx, key, &user_id, &hash, &fresh.stored, now))?;
                    log::info!("directory password changed: private space to reopen");
                    Ok(Checked::PreviousPasswordNeeded(base(
                        user_id,
                        fresh.stored,
                        Some(fresh.wrap_key),
                    )))
                }
                (None, _) => {
                    let fresh = hasher.hash(password)?;
                    let user_id = match &reservation.row {
                        // A key without a verifier: the directory refused them once.
                        Some(row) => {
                            let id = row.user_id.clone();
                            accounts
                                .db
                                .write(|tx| Ok(keys::set_hash(tx, key, &fresh.stored)?))?;
                            id
                        }
                        None => match first_sign_in(accounts, name, key, &fresh.stored, &facts) {
                            Ok(id) => id,
                            Err(e @ AuthError::DirectoryNameTaken) => {
                                return not_counted(accounts, &reservation, now, e);
                            }
                            Err(e) => return Err(e),
                        },
                    };
                    Ok(Checked::Verified(base(
                        user_id,
                        fresh.stored,
                        Some(fresh.wrap_key),
                    )))
                }
            }
        }
        Ok(Answer::Refused) => {
            if let (Some((user_id, _)), true) = (&cached, check.matched) {
                accounts.db.write(|tx| refused(tx, user_id, now))?;
                log::info!("the directory refused a cached password: verifier and sessions gone");
            }
            refuse(accounts)
        }
        Err(Unanswered::Certificate) => {
            not_counted(accounts, &reservation, now, AuthError::DirectoryCertificate)
        }
        Err(Unanswered::Unreachable | Unanswered::Misconfigured) => {
            let Some((user_id, hash)) = cached else {
                return not_counted(accounts, &reservation, now, AuthError::DirectoryUnreachable);
            };
            if !check.matched {
                return refuse(accounts);
            }
            let until = accounts.db.read(|c| accounts_table::get(c, &user_id))?;
            if until
                .and_then(|d| d.cached_until)
                .is_none_or(|until| now > until)
            {
                return not_counted(
                    accounts,
                    &reservation,
                    now,
                    AuthError::DirectoryCacheExpired,
                );
            }
            log::info!("signed in from the directory cache (offline)");
            Ok(Checked::Verified(Verified {
                user_id,
                key: key.clone(),
                old_hash: hash,
                wrap_key: check.wrap_key,
                rehash: None,
                failures_before: reservation.failures_before,
                previous_failure_at: reservation.previous_failure_at,
                reserved_at: now,
                directory: None,
            }))
        }
    }
}

fn cache_ms(accounts: &Accounts) -> i64 {
    accounts
        .directory
        .as_ref()
        .map_or(0, |d| d.settings().cache_ms())
}

/// An attempt the directory did not refuse (a right password past the cache, a directory
/// out of reach or a certificate refused, a name taken locally) does not count as a
/// failure: its reservation is taken back, and `error` is answered.
fn not_counted(
    accounts: &Accounts,
    reservation: &Reservation,
    now: i64,
    error: AuthError,
) -> Result<Checked, AuthError> {
    accounts.db.write(|tx| {
        Ok(attempts::take_back(
            tx,
            &reservation.throttle,
            now,
            reservation.previous_failure_at,
        )?)
    })?;
    Err(error)
}

/// The directory took a new password: the verifier becomes the new one (if the checked one
/// is still in place), the old one is kept (the earliest, when it changed twice) and the
/// private space is sealed until it reopens.
fn new_password(
    tx: &Connection,
    key: &KeyId,
    user_id: &str,
    old: &str,
    new: &str,
    now: i64,
) -> Result<(), WriteError> {
    if !keys::replace_hash(tx, key, old, new)? {
        return Err(AuthError::InvalidCredentials.into());
    }
    if accounts_table::previous_verifier(tx, user_id)?.is_none()
        && data_keys::get(tx, user_id, WrapKind::Password, "")?.is_some()
    {
        accounts_table::set_previous_verifier(tx, user_id, Some(old))?;
    }
    if data_keys::exists(tx, user_id)? {
        users::set_space_sealed(tx, user_id, Some(now))?;
    }
    Ok(())
}

/// The directory refused a person's cached password (disabled, removed or a new password):
/// their verifier, its wrapping of the data key and every session here go; their data
/// stays sealed (a recovery code reopens it).
pub(crate) fn refused(tx: &Connection, user_id: &str, now: i64) -> Result<(), WriteError> {
    keys::remove_hashes(tx, user_id)?;
    accounts_table::end_cache(tx, user_id, now)?;
    accounts_table::set_previous_verifier(tx, user_id, None)?;
    data_keys::delete(tx, user_id, WrapKind::Password, "")?;
    if data_keys::exists(tx, user_id)? {
        users::set_space_sealed(tx, user_id, Some(now))?;
    }
    sessions::delete_for_user(tx, user_id, None)?;
    let name = users::username(tx, user_id)?;
    audit::record(tx, now, EventKind::DirectoryRefused, name.as_deref(), None)?;
    Ok(())
}

/// A directory person's first sign-in here: their account, flagged as a directory one.
fn first_sign_in(
    accounts: &Accounts,
    name: &Username,
    key: &KeyId,
    verifier: &str,
    facts: &DirectoryFacts,
) -> Result<String, AuthError> {
    let id = tokens::new_user_id()?;
    let skeleton = name.skeleton();
    accounts.db.write(|tx| {
        if keys::exists(tx, key)? || users::skeleton_taken(tx, &skeleton)? {
            return Err(AuthError::DirectoryNameTaken.into());
        }
        let user = User {
            id: id.clone(),
            username: name.display().to_owned(),
            created_at: facts.now,
            last_login_at: None,
            previous_login_at: None,
            failures_before_login: 0,
            role: if facts.person.admin {
                Role::Admin
            } else {
                Role::Member
            },
            must_change_password: false,
            temporary_password_expires_at: None,
            two_step_since: None,
        };
        users::insert(tx, &user, &skeleton)?;
        keys::insert(tx, key, &id, verifier)?;
        facts.record(tx, &id)?;
        audit::record(tx, facts.now, EventKind::SignUp, Some(&user.username), None)?;
        Ok(())
    })?;
    log::info!("directory account cached here for the first time");
    Ok(id)
}

/// After a password change at the directory: `typed`, the previous password (checked
/// against the verifier kept from before) or one of the person's recovery codes (used up),
/// opens the data key, which is rewrapped for the new verifier of `verified`. `false`:
/// neither opens it.
///
/// # Errors
/// `DATA_CORRUPTED`; `INTERNAL`; a storage code.
pub(crate) fn reopen(
    accounts: &Accounts,
    verified: &Verified,
    typed: &str,
    now: i64,
) -> Result<bool, AuthError> {
    let uid = verified.user_id.as_str();
    let previous = accounts
        .db
        .read(|c| accounts_table::previous_verifier(c, uid))?;
    let check = match &previous {
        Some(hash) => accounts.hasher.check(hash, typed),
        None => crate::policy::hashing::Check {
            matched: accounts.hasher.verify_dummy(typed),
            wrap_key: None,
        },
    };
    let new_key = verified.wrap_key.as_ref().ok_or(AuthError::Internal)?;
    let old_key = check.wrap_key.filter(|_| check.matched);
    accounts.db.write(|tx| {
        let data_key = match &old_key {
            Some(old) => match data_keys::get(tx, uid, WrapKind::Password, "")? {
                Some(wrapped) => old.unwrap_key(&wrapped, Purpose::PasswordWrap, uid, "")?,
                None => return Ok(false),
            },
            None => match key_wraps::open_with_code(tx, uid, typed)? {
                Some(key) => {
                    credentials::use_recovery_code(tx, uid, typed)?;
                    key
                }
                None => return Ok(false),
            },
        };
        key_wraps::wrap_for_password(tx, uid, &data_key, new_key, now)?;
        users::set_space_sealed(tx, uid, None)?;
        accounts_table::set_previous_verifier(tx, uid, None)?;
        let name = users::username(tx, uid)?;
        audit::record(tx, now, EventKind::SpaceOpened, name.as_deref(), None)?;
        Ok(true)
    })
}
