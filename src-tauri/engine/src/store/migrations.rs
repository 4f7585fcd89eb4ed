//! Schema migrations, tracked in `PRAGMA user_version`.
//!
//! Each step runs in its own `BEGIN IMMEDIATE` transaction that re-reads the version, so two
//! processes opening one file at once migrate it exactly once. A file whose version is newer
//! than this build knows is refused and left untouched.

use crate::error::AuthError;
use crate::store::storage_error;
use rusqlite::{Connection, TransactionBehavior};

/// The schema steps, oldest first; step `i` takes `user_version` from `i` to `i + 1`.
pub const MIGRATIONS: &[&str] = &[
    // 1: Lucia v2's model: users, keys, sessions. Keys and sessions are looked up by their
    // text primary key, so they are stored in it (WITHOUT ROWID): one B-tree, not two.
    r#"
    CREATE TABLE "user" (
        id            TEXT PRIMARY KEY NOT NULL,
        username      TEXT NOT NULL,
        created_at    INTEGER NOT NULL,
        last_login_at INTEGER
    ) STRICT;
    CREATE TABLE "key" (
        id              TEXT PRIMARY KEY NOT NULL,
        user_id         TEXT NOT NULL REFERENCES "user"(id) ON DELETE CASCADE,
        hashed_password TEXT
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX key_user_id ON "key"(user_id);
    CREATE TABLE "session" (
        id             TEXT PRIMARY KEY NOT NULL,
        user_id        TEXT NOT NULL REFERENCES "user"(id) ON DELETE CASCADE,
        active_expires INTEGER NOT NULL,
        idle_expires   INTEGER NOT NULL,
        created_at     INTEGER NOT NULL,
        last_used_at   INTEGER NOT NULL
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX session_user_id ON "session"(user_id);
    "#,
    // 2: throttling that survives restarts, "keep me signed in", expiry sweeps.
    r#"
    CREATE TABLE login_attempt (
        key_id          TEXT PRIMARY KEY NOT NULL,
        failures        INTEGER NOT NULL,
        last_failure_at INTEGER NOT NULL
    ) STRICT;
    ALTER TABLE "session" ADD COLUMN remember INTEGER NOT NULL DEFAULT 1;
    CREATE INDEX session_idle_expires ON "session"(idle_expires);
    "#,
    // 3: account management on a shared computer: roles, forced password changes, sign-in
    // banners, administrator re-authentication, recent accounts and the audit log. The
    // oldest existing account becomes the administrator.
    r#"
    ALTER TABLE "user" ADD COLUMN role TEXT NOT NULL DEFAULT 'member' CHECK (role IN ('admin', 'member'));
    ALTER TABLE "user" ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE "user" ADD COLUMN previous_login_at INTEGER;
    ALTER TABLE "user" ADD COLUMN failures_before_login INTEGER NOT NULL DEFAULT 0;
    UPDATE "user" SET role = 'admin'
        WHERE id = (SELECT id FROM "user" ORDER BY created_at, rowid LIMIT 1);
    ALTER TABLE "session" ADD COLUMN reauth_at INTEGER NOT NULL DEFAULT 0;
    CREATE TABLE recent_account (
        os_user      TEXT NOT NULL,
        key_id       TEXT NOT NULL,
        last_used_at INTEGER NOT NULL,
        PRIMARY KEY (os_user, key_id)
    ) STRICT;
    CREATE TABLE auth_event (
        id       INTEGER PRIMARY KEY,
        at       INTEGER NOT NULL,
        kind     TEXT NOT NULL,
        username TEXT,
        actor    TEXT
    ) STRICT;
    "#,
    // 4: hardening. Sessions remember which OS account made them (unkept ones of a run
    // that crashed are ended at the next start); a password entered before this version
    // opens no administrator window; temporary passwords expire; names carry their
    // confusable skeleton (filled in by `users::fill_skeletons`); a per-database secret
    // keys the throttle rows of unknown names; failures recorded against unknown names
    // by earlier versions, which held whatever was typed, are forgotten.
    r#"
    ALTER TABLE "session" ADD COLUMN os_user TEXT NOT NULL DEFAULT '';
    DELETE FROM "session" WHERE remember = 0;
    UPDATE "session" SET reauth_at = 0;
    ALTER TABLE "user" ADD COLUMN temporary_password_expires_at INTEGER;
    ALTER TABLE "user" ADD COLUMN skeleton TEXT;
    CREATE INDEX user_skeleton ON "user"(skeleton);
    CREATE TABLE setting (
        name  TEXT PRIMARY KEY NOT NULL,
        value ANY NOT NULL
    ) STRICT;
    DELETE FROM login_attempt WHERE key_id NOT IN (SELECT id FROM "key");
    UPDATE auth_event SET username = NULL
        WHERE kind = 'sign-in-failed'
          AND username NOT IN (SELECT substr(id, 10) FROM "key");
    "#,
    // 5: locking (a locked session answers nothing but unlock, and stays locked across
    // restarts), each person's language, one-time recovery codes (their hashes only) and
    // two-step sign-in (RFC 6238: the secret, when it was turned on, the last step used).
    r#"
    ALTER TABLE "session" ADD COLUMN locked_at INTEGER;
    ALTER TABLE "user" ADD COLUMN language TEXT;
    ALTER TABLE "user" ADD COLUMN totp_secret BLOB;
    ALTER TABLE "user" ADD COLUMN totp_enabled_at INTEGER;
    ALTER TABLE "user" ADD COLUMN totp_last_step INTEGER NOT NULL DEFAULT 0;
    CREATE TABLE recovery_code (
        user_id    TEXT NOT NULL REFERENCES "user"(id) ON DELETE CASCADE,
        code_hash  TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (user_id, code_hash)
    ) STRICT, WITHOUT ROWID;
    "#,
    // 6: the private space. Each person's data key, wrapped by their password's key, each
    // recovery code's key and (optionally) the administrator's escrow key, whose private
    // half is wrapped by that administrator's data key (`escrow-key`); their notes and
    // host apps' values sealed under it; the two-step secret sealed (`totp_sealed`; the
    // clear `totp_secret` of older accounts is sealed and cleared at their next sign-in);
    // `space_sealed_at`: an administrator's reset without escrow left the space sealed
    // until a recovery code opens it.
    r#"
    CREATE TABLE data_key_wrap (
        user_id    TEXT NOT NULL REFERENCES "user"(id) ON DELETE CASCADE,
        kind       TEXT NOT NULL CHECK (kind IN ('password', 'recovery', 'escrow', 'escrow-key')),
        name       TEXT NOT NULL,
        wrapped    BLOB NOT NULL,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (user_id, kind, name)
    ) STRICT, WITHOUT ROWID;
    CREATE TABLE note (
        id         TEXT PRIMARY KEY NOT NULL,
        user_id    TEXT NOT NULL REFERENCES "user"(id) ON DELETE CASCADE,
        title      BLOB NOT NULL,
        body       BLOB NOT NULL,
        updated_at INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX note_user_updated ON note(user_id, updated_at);
    CREATE TABLE private_value (
        user_id    TEXT NOT NULL REFERENCES "user"(id) ON DELETE CASCADE,
        name_id    TEXT NOT NULL,
        sealed     BLOB NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (user_id, name_id)
    ) STRICT, WITHOUT ROWID;
    ALTER TABLE "user" ADD COLUMN totp_sealed BLOB;
    ALTER TABLE "user" ADD COLUMN space_sealed_at INTEGER;
    "#,
    // 7: directory accounts: who came from the directory, until when their cached
    // verifier (the key's hash) signs them in offline, and the verifier before a password
    // change at the directory, until it has reopened their private space.
    r#"
    CREATE TABLE directory_account (
        user_id           TEXT PRIMARY KEY NOT NULL REFERENCES "user"(id) ON DELETE CASCADE,
        dn                TEXT NOT NULL,
        display_name      TEXT NOT NULL,
        cached_until      INTEGER,
        last_contact_at   INTEGER NOT NULL,
        previous_verifier TEXT
    ) STRICT, WITHOUT ROWID;
    "#,
];

/// The schema version this build writes.
pub fn latest_version() -> i64 {
    i64::try_from(MIGRATIONS.len()).unwrap_or(i64::MAX)
}

fn user_version(conn: &Connection) -> rusqlite::Result<i64> {
    conn.pragma_query_value(None, "user_version", |r| r.get(0))
}

/// Brings the schema up to date.
///
/// # Errors
/// `DATABASE_TOO_NEW` for a file from a newer version (nothing is written); a storage
/// code when SQLite fails (the failed step is rolled back).
pub fn migrate(conn: &Connection) -> Result<(), AuthError> {
    migrate_to(conn, MIGRATIONS.len())
}

/// Applies the first `target` steps only (tests build old files with this).
///
/// # Errors
/// As [`migrate`].
pub fn migrate_to(conn: &Connection, target: usize) -> Result<(), AuthError> {
    let target = i64::try_from(target.min(MIGRATIONS.len())).unwrap_or(0);
    if user_version(conn).map_err(storage_error)? > latest_version() {
        return Err(AuthError::DatabaseTooNew);
    }
    loop {
        let tx = rusqlite::Transaction::new_unchecked(conn, TransactionBehavior::Immediate)
            .map_err(storage_error)?;
        let version = user_version(&tx).map_err(storage_error)?;
        if version > latest_version() {
            return Err(AuthError::DatabaseTooNew);
        }
        if version >= target {
            return Ok(());
        }
        let step = usize::try_from(version).unwrap_or(0);
        tx.execute_batch(MIGRATIONS[step]).map_err(storage_error)?;
        tx.pragma_update(None, "user_version", version + 1)
            .map_err(storage_error)?;
        tx.commit().map_err(storage_error)?;
        log::info!("database schema migrated to version {}", version + 1);
    }
}
