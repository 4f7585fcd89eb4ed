//! Administration of a shared computer by its first account: list accounts, reset a
//! password to a temporary one, unlock a throttled account, delete an account, read the
//! audit log. Each action checks the role from the session (never from the UI) and needs
//! the administrator's password again if it was not entered in the last five minutes.

use crate::engine::accounts::{Accounts, Role};
use crate::engine::audit::{self, AuthEvent, EventKind};
use crate::engine::error::AuthError;
use crate::engine::manage::{delete_account, display_name, role_of};
use crate::engine::rules;
use crate::engine::secret::Password;
use crate::engine::sessions::Session;
use crate::engine::throttle;
use rusqlite::params;
use serde::Serialize;

/// How long a password entry covers administrator actions (ms).
pub const REAUTH_WINDOW_MS: i64 = 5 * 60 * 1000;

/// One account as the administrator's list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountSummary {
    /// The account's id.
    pub user_id: String,
    /// The username as typed at sign-up.
    pub username: String,
    /// Administrator or member.
    pub role: Role,
    /// When it was made (Unix ms).
    pub created_at: i64,
    /// Its latest sign-in (Unix ms).
    pub last_login_at: Option<i64>,
    /// Consecutive failed sign-ins.
    pub failed_attempts: u32,
    /// Seconds until it may try again, when it is locked out now.
    pub locked_for_secs: Option<u64>,
    /// Whether it must choose a new password at its next sign-in.
    pub must_change_password: bool,
}

/// Characters of temporary passwords: no look-alikes (0/o, 1/l/i).
const TEMP_ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";

impl Accounts {
    /// Checks that `session` belongs to an administrator whose password was entered in the
    /// last five minutes, or checks `password` now (counted for throttling) and renews that.
    ///
    /// # Errors
    /// `FORBIDDEN` for members; `REAUTH_REQUIRED` when the window passed and no password
    /// was given; `INVALID_CREDENTIALS`, `TOO_MANY_ATTEMPTS`, `INVALID_PASSWORD`.
    pub fn authorize_admin(
        &self,
        session: &Session,
        password: Option<&Password>,
        now: i64,
    ) -> Result<(), AuthError> {
        self.require_admin(session)?;
        let entered_at = self.db.read(|c| {
            c.prepare_cached(r#"SELECT reauth_at FROM "session" WHERE id = ?1"#)?
                .query_row([&session.id], |r| r.get::<_, i64>(0))
        })?;
        if (entered_at..=entered_at.saturating_add(REAUTH_WINDOW_MS)).contains(&now) {
            return Ok(());
        }
        match password {
            Some(password) => self.confirm_password(session, password, now),
            None => Err(AuthError::ReauthRequired),
        }
    }

    fn require_admin(&self, session: &Session) -> Result<(), AuthError> {
        match self.db.read(|c| role_of(c, &session.user_id))? {
            Some(Role::Admin) => Ok(()),
            _ => Err(AuthError::Forbidden),
        }
    }

    /// Checks the session owner's password now (throttled like sign-in) and restarts the
    /// five-minute window.
    fn confirm_password(
        &self,
        session: &Session,
        password: &Password,
        now: i64,
    ) -> Result<(), AuthError> {
        let password = rules::login_password(password)?;
        let key_id = self.key_of(&session.user_id)?;
        self.check_password(&key_id, &password, now)?;
        self.db.write(|tx| {
            tx.prepare_cached(r#"UPDATE "session" SET reauth_at = ?1 WHERE id = ?2"#)?
                .execute(params![now, session.id])?;
            tx.prepare_cached("DELETE FROM login_attempt WHERE key_id = ?1")?
                .execute([&key_id])?;
            Ok(())
        })
    }

    /// Every account on the computer, oldest first.
    ///
    /// # Errors
    /// As [`Accounts::authorize_admin`]; a storage code.
    pub fn admin_list_accounts(
        &self,
        admin: &Session,
        password: Option<&Password>,
        now: i64,
    ) -> Result<Vec<AccountSummary>, AuthError> {
        self.authorize_admin(admin, password, now)?;
        self.db.read(|c| {
            c.prepare_cached(
                r#"SELECT u.id, u.username, u.role, u.created_at, u.last_login_at, u.must_change_password,
                          COALESCE(a.failures, 0), COALESCE(a.last_failure_at, 0)
                   FROM "user" u
                   LEFT JOIN "key" k ON k.user_id = u.id AND k.id LIKE 'username:%'
                   LEFT JOIN login_attempt a ON a.key_id = k.id
                   ORDER BY u.created_at, u.rowid"#,
            )?
            .query_map([], |r| {
                let failures: u32 = r.get(6)?;
                let role: String = r.get(2)?;
                Ok(AccountSummary {
                    user_id: r.get(0)?,
                    username: r.get(1)?,
                    role: if role == "admin" { Role::Admin } else { Role::Member },
                    created_at: r.get(3)?,
                    last_login_at: r.get(4)?,
                    must_change_password: r.get(5)?,
                    failed_attempts: failures,
                    locked_for_secs: throttle::retry_after_secs(failures, r.get(7)?, now),
                })
            })?
            .collect()
        })
    }

    /// Gives another account a temporary password it must change at its next sign-in, and
    /// ends its sessions at once. Returns the temporary password, to tell that person.
    ///
    /// # Errors
    /// As [`Accounts::authorize_admin`]; `CANNOT_TARGET_SELF`; `ACCOUNT_NOT_FOUND`.
    pub fn admin_reset_password(
        &self,
        admin: &Session,
        target: &str,
        password: Option<&Password>,
        now: i64,
    ) -> Result<Password, AuthError> {
        self.authorize_admin(admin, password, now)?;
        if target == admin.user_id {
            return Err(AuthError::CannotTargetSelf);
        }
        let key_id = self
            .key_of(target)
            .map_err(|_| AuthError::AccountNotFound)?;
        let groups: Vec<String> = (0..4)
            .map(|_| crate::engine::accounts::random_string(TEMP_ALPHABET, 4))
            .collect::<Result<_, _>>()?;
        let temporary = Password::new(groups.join("-"));
        let hash = self.hasher.hash(temporary.expose())?;
        self.db.write(|tx| {
            tx.prepare_cached(r#"UPDATE "key" SET hashed_password = ?1 WHERE id = ?2"#)?
                .execute(params![hash, key_id])?;
            tx.prepare_cached(r#"UPDATE "user" SET must_change_password = 1 WHERE id = ?1"#)?
                .execute([target])?;
            tx.prepare_cached(r#"DELETE FROM "session" WHERE user_id = ?1"#)?
                .execute([target])?;
            tx.prepare_cached("DELETE FROM login_attempt WHERE key_id = ?1")?
                .execute([&key_id])?;
            record_admin_action(tx, now, EventKind::PasswordReset, &admin.user_id, target)?;
            Ok(())
        })?;
        log::info!("temporary password set by an administrator");
        Ok(temporary)
    }

    /// Clears an account's failed sign-ins so it may try again at once.
    ///
    /// # Errors
    /// As [`Accounts::authorize_admin`]; `ACCOUNT_NOT_FOUND`.
    pub fn admin_unlock(
        &self,
        admin: &Session,
        target: &str,
        password: Option<&Password>,
        now: i64,
    ) -> Result<(), AuthError> {
        self.authorize_admin(admin, password, now)?;
        let key_id = self
            .key_of(target)
            .map_err(|_| AuthError::AccountNotFound)?;
        self.db.write(|tx| {
            tx.prepare_cached("DELETE FROM login_attempt WHERE key_id = ?1")?
                .execute([&key_id])?;
            record_admin_action(tx, now, EventKind::Unlocked, &admin.user_id, target)?;
            Ok(())
        })
    }

    /// Deletes another account; always needs the administrator's password.
    ///
    /// # Errors
    /// As [`Accounts::authorize_admin`] (with the password checked even inside the window);
    /// `CANNOT_TARGET_SELF`; `ACCOUNT_NOT_FOUND`.
    pub fn admin_delete_account(
        &self,
        admin: &Session,
        target: &str,
        password: &Password,
        now: i64,
    ) -> Result<(), AuthError> {
        self.require_admin(admin)?;
        self.confirm_password(admin, password, now)?;
        if target == admin.user_id {
            return Err(AuthError::CannotTargetSelf);
        }
        let actor = self.db.read(|c| display_name(c, &admin.user_id))?;
        self.db
            .write(|tx| delete_account(tx, target, Some(&actor), now))?;
        log::info!("account deleted by an administrator");
        Ok(())
    }

    /// The latest audit events, newest first.
    ///
    /// # Errors
    /// As [`Accounts::authorize_admin`]; a storage code.
    pub fn admin_events(
        &self,
        admin: &Session,
        password: Option<&Password>,
        now: i64,
        limit: u32,
    ) -> Result<Vec<AuthEvent>, AuthError> {
        self.authorize_admin(admin, password, now)?;
        self.recent_events(limit)
    }
}

/// Records an administrator's action on another account in the audit log.
fn record_admin_action(
    tx: &rusqlite::Transaction<'_>,
    now: i64,
    kind: EventKind,
    admin_id: &str,
    target_id: &str,
) -> rusqlite::Result<()> {
    let actor = display_name(tx, admin_id)?;
    audit::record(
        tx,
        now,
        kind,
        Some(&display_name(tx, target_id)?),
        Some(&actor),
    )
}
