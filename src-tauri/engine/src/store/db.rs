//! The SQLite file: where it lives, how every connection is configured, and how reads and
//! writes run.
//!
//! Every connection has `foreign_keys=ON`, `journal_mode=WAL`, `synchronous=FULL`,
//! `secure_delete=ON` and a 10 s busy timeout. Writes run in `BEGIN IMMEDIATE` transactions
//! and are retried while another process holds the write lock, so "database is locked"
//! never reaches a user. On Unix the folder is created 0700 and the database and its
//! `-wal`/`-shm` files are 0600.

use crate::error::AuthError;
use crate::store::migrations;
use crate::store::storage_error;
use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The database file's name inside the data folder.
pub const DATABASE_FILE: &str = "latchkey.db";
/// How long SQLite waits on another connection's lock before giving up.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a write keeps retrying after SQLite reports the database busy.
const BUSY_RETRY_FOR: Duration = Duration::from_secs(30);

/// One open database file. The connection is shared behind a mutex that is only ever held
/// for the length of one SQL transaction, never while hashing.
pub struct Database {
    conn: Mutex<Connection>,
    path: PathBuf,
}

impl std::fmt::Debug for Database {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Database").finish_non_exhaustive()
    }
}

impl Database {
    /// Opens (creating if needed) `latchkey.db` in `dir` and brings its schema up to date.
    ///
    /// # Errors
    /// `STORAGE_UNAVAILABLE` when the folder or file cannot be created or opened for
    /// writing; `STORAGE_CORRUPT` when it is not a SQLite database; `DATABASE_TOO_NEW` when a
    /// newer Latchkey wrote it. In each case the existing file is left untouched.
    pub fn open(dir: &Path) -> Result<Self, AuthError> {
        create_private_dir(dir)?;
        let path = dir.join(DATABASE_FILE);
        create_private_file(&path)?;
        ensure_writable(&path)?;
        let conn = retry_busy(|| configure(&path)).map_err(storage_error)?;
        migrations::migrate(&conn)?;
        restrict_sidecar_files(&path);
        Ok(Self {
            conn: Mutex::new(conn),
            path,
        })
    }

    /// The database file's location (for logs and tests; never shown to users).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs a read (or a single autocommitting statement).
    ///
    /// # Errors
    /// The storage code for whatever SQLite reported.
    pub fn read<T>(
        &self,
        f: impl FnOnce(&Connection) -> rusqlite::Result<T>,
    ) -> Result<T, AuthError> {
        let conn = self.conn.lock().unwrap_or_else(|e| e.into_inner());
        f(&conn).map_err(storage_error)
    }

    /// Runs `f` inside a `BEGIN IMMEDIATE` transaction and commits when it returns `Ok`.
    /// While another process holds the write lock the whole transaction is retried.
    ///
    /// # Errors
    /// Whatever `f` returns, or the storage code for a SQLite failure; nothing is
    /// committed on error.
    pub fn write<T>(
        &self,
        mut f: impl FnMut(&Transaction<'_>) -> Result<T, WriteError>,
    ) -> Result<T, AuthError> {
        let mut conn = self.conn.lock().unwrap_or_else(|e| e.into_inner());
        let started = Instant::now();
        loop {
            let attempt = (|| {
                let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
                let value = f(&tx)?;
                tx.commit()?;
                Ok(value)
            })();
            match attempt {
                Err(WriteError::Sqlite(e)) if is_busy(&e) && started.elapsed() < BUSY_RETRY_FOR => {
                    std::thread::sleep(Duration::from_millis(20));
                }
                Err(WriteError::Sqlite(e)) => return Err(storage_error(e)),
                Err(WriteError::Auth(e)) => return Err(e),
                Ok(value) => return Ok(value),
            }
        }
    }
}

impl Database {
    /// Copies the WAL into the database file and empties it, so that page images holding
    /// content just deleted or replaced (an old password hash) are not left in the WAL.
    /// Best effort: while another connection reads an older snapshot, part of the WAL
    /// stays until a later checkpoint; failures are logged, never returned.
    pub fn wipe_replaced(&self) {
        let conn = self.conn.lock().unwrap_or_else(|e| e.into_inner());
        let result = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| {
            r.get::<_, i64>(0)
        });
        match result {
            Ok(0) => {}
            Ok(_) => log::debug!("the WAL is in use; it will be emptied later"),
            Err(e) => log::warn!("WAL checkpoint failed: {e}"),
        }
    }
}

/// What a write closure may fail with: a SQLite error (mapped and maybe retried) or a
/// domain error (returned as it is, after rolling back).
#[derive(Debug)]
pub enum WriteError {
    /// SQLite failed.
    Sqlite(rusqlite::Error),
    /// A domain rule failed.
    Auth(AuthError),
}

impl From<rusqlite::Error> for WriteError {
    fn from(e: rusqlite::Error) -> Self {
        Self::Sqlite(e)
    }
}

impl From<AuthError> for WriteError {
    fn from(e: AuthError) -> Self {
        Self::Auth(e)
    }
}

fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
}

fn retry_busy<T>(mut f: impl FnMut() -> rusqlite::Result<T>) -> rusqlite::Result<T> {
    let started = Instant::now();
    loop {
        match f() {
            Err(e) if is_busy(&e) && started.elapsed() < BUSY_RETRY_FOR => {
                std::thread::sleep(Duration::from_millis(20));
            }
            other => return other,
        }
    }
}

fn configure(path: &Path) -> rusqlite::Result<Connection> {
    // No CREATE flag: the file was made (0600) just before, and a vanished file must not
    // silently become an empty database.
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_NO_MUTEX
        | OpenFlags::SQLITE_OPEN_URI;
    let conn = Connection::open_with_flags(path, flags)?;
    // As a pragma: rusqlite's `busy_timeout` needs SQLite 3.44 (client data); the system's
    // SQLite on Linux may be as old as 3.38 (see the engine's Cargo.toml).
    let busy_ms = i64::try_from(BUSY_TIMEOUT.as_millis()).unwrap_or(i64::MAX);
    conn.pragma_update(None, "busy_timeout", busy_ms)?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    let mode: String = conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        log::warn!("SQLite refused WAL mode (got {mode})");
    }
    conn.pragma_update(None, "synchronous", "FULL")?;
    // Deleted and overwritten content (old password hashes, ended sessions) is zeroed in
    // the file rather than left in free space.
    conn.pragma_update(None, "secure_delete", "ON")?;
    // 16 MiB of page cache (SQLite's default is 2 MiB) keeps the inner B-tree pages of even
    // a million sessions in memory, so a lookup costs about one page read. (Not mmap: a file
    // truncated while mapped would crash the app with SIGBUS.)
    conn.pragma_update(None, "cache_size", -16_384)?;
    conn.set_prepared_statement_cache_capacity(64);
    Ok(conn)
}

fn io_error(what: &str, e: &std::io::Error) -> AuthError {
    log::warn!("{what}: {}", e.kind());
    match e.raw_os_error() {
        Some(28) => AuthError::StorageFull,              // ENOSPC
        Some(1 | 13 | 30) => AuthError::StorageReadOnly, // EPERM, EACCES, EROFS
        _ => AuthError::StorageUnavailable,
    }
}

#[cfg(unix)]
fn create_private_dir(dir: &Path) -> Result<(), AuthError> {
    use std::os::unix::fs::DirBuilderExt;
    if dir.is_dir() {
        return Ok(());
    }
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .map_err(|e| io_error("cannot create the data folder", &e))
}

#[cfg(not(unix))]
fn create_private_dir(dir: &Path) -> Result<(), AuthError> {
    std::fs::create_dir_all(dir).map_err(|e| io_error("cannot create the data folder", &e))
}

/// Creates an empty database file readable only by its owner, unless it exists.
fn create_private_file(path: &Path) -> Result<(), AuthError> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(io_error("cannot create the database file", &e)),
    }
}

/// Refuses a database that cannot be written (read-only file, folder or disk) up front, with
/// a precise code, before SQLite opens it read-only and fails later in less clear ways.
fn ensure_writable(path: &Path) -> Result<(), AuthError> {
    std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(path)
        .map(drop)
        .map_err(|e| io_error("the database file is not writable", &e))?;
    let dir = path.parent().unwrap_or(path);
    let probe = dir.join(format!(".latchkey-write-check-{}", std::process::id()));
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe)
    {
        Ok(_) => {
            let _ = std::fs::remove_file(&probe);
            Ok(())
        }
        // A leftover probe from a crashed run still proves the folder was writable.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            let _ = std::fs::remove_file(&probe);
            Ok(())
        }
        Err(e) => Err(io_error("the data folder is not writable", &e)),
    }
}

/// SQLite gives `-wal` and `-shm` the main file's mode; make sure of 0600 anyway.
fn restrict_sidecar_files(path: &Path) {
    #[cfg(unix)]
    for suffix in ["", "-wal", "-shm"] {
        use std::os::unix::fs::PermissionsExt;
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        let file = PathBuf::from(name);
        if let Ok(meta) = std::fs::metadata(&file) {
            if meta.permissions().mode() & 0o077 != 0 {
                let _ = std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600));
            }
        }
    }
    #[cfg(not(unix))]
    let _ = path;
}
