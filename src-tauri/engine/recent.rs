//! Recent accounts on the sign-in screen: the usernames that signed in on this OS account,
//! most recent first, at most eight. Names only, never secrets.

use crate::engine::accounts::Accounts;
use crate::engine::error::AuthError;
use crate::engine::rules::Username;
use rusqlite::{params, Transaction};

/// The most names kept per OS account.
pub const MAX_RECENT: i64 = 8;

/// Notes a sign-in for `key_id` on `os_user`, keeping only the newest eight.
pub(crate) fn note(
    tx: &Transaction<'_>,
    os_user: &str,
    key_id: &str,
    now: i64,
) -> rusqlite::Result<()> {
    tx.prepare_cached(
        "INSERT INTO recent_account (os_user, key_id, last_used_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (os_user, key_id) DO UPDATE SET last_used_at = excluded.last_used_at",
    )?
    .execute(params![os_user, key_id, now])?;
    tx.prepare_cached(
        "DELETE FROM recent_account WHERE os_user = ?1 AND key_id NOT IN
           (SELECT key_id FROM recent_account WHERE os_user = ?1 ORDER BY last_used_at DESC, key_id LIMIT ?2)",
    )?
    .execute(params![os_user, MAX_RECENT])?;
    Ok(())
}

impl Accounts {
    /// The usernames (as typed at sign-up) recently signed in on this OS account, newest
    /// first. Deleted accounts are left out.
    ///
    /// # Errors
    /// A storage code.
    pub fn recent_accounts(&self) -> Result<Vec<String>, AuthError> {
        self.db.read(|c| {
            c.prepare_cached(
                r#"SELECT u.username FROM recent_account r
                   JOIN "key" k ON k.id = r.key_id JOIN "user" u ON u.id = k.user_id
                   WHERE r.os_user = ?1 ORDER BY r.last_used_at DESC, r.key_id LIMIT ?2"#,
            )?
            .query_map(params![self.os_user, MAX_RECENT], |r| r.get(0))?
            .collect()
        })
    }

    /// Removes a name from this OS account's recent list. Unknown names are fine.
    ///
    /// # Errors
    /// `INVALID_USERNAME` for a name no account could have; a storage code.
    pub fn forget_recent(&self, username: &str) -> Result<(), AuthError> {
        let key_id = Username::parse(username)?.key_id();
        self.db.write(|tx| {
            tx.prepare_cached("DELETE FROM recent_account WHERE os_user = ?1 AND key_id = ?2")?
                .execute(params![self.os_user, key_id])?;
            Ok(())
        })
    }
}
