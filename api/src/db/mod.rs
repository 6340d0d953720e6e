//! Storage: one connection type over SQLite and PostgreSQL, a pool, the
//! embedded migrations, and one module per aggregate.

pub mod blocks;
pub mod check_ins;
pub mod encouragements;
pub mod goals;
pub mod groups;
pub mod idempotency;
pub mod members;
pub mod milestones;
pub mod notifications;
pub mod partnerships;
pub mod reports;
pub mod schema;
pub mod sessions;
pub mod strategies;
pub mod throttles;

use crate::config::DatabaseUrl;
use actix_web::web;
use diesel::{
    Connection,
    connection::{AnsiTransactionManager, SimpleConnection, TransactionManager},
    pg::PgConnection,
    result::{DatabaseErrorKind, Error as DieselError},
    sqlite::SqliteConnection,
};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};
use std::{
    path::Path,
    sync::{Mutex, MutexGuard, PoisonError},
    time::Duration,
};

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../migrations/postgres");

/// A connection to whichever database the configuration names.
#[derive(diesel::MultiConnection)]
pub enum DbConn {
    /// The production engine.
    Postgres(PgConnection),
    /// The embedded default.
    Sqlite(SqliteConnection),
}

impl std::fmt::Debug for DbConn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Postgres(_) => "DbConn::Postgres",
            Self::Sqlite(_) => "DbConn::Sqlite",
        })
    }
}

/// What can go wrong talking to the database. Nothing of it reaches a
/// client but the fact that something did.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// No connection could be had from the pool in time.
    #[error("no database connection available")]
    Pool(#[from] r2d2::Error),
    /// A unique index refused the row: the caller decides what that means.
    #[error("a unique constraint was violated")]
    Duplicate,
    /// Any other failure of a statement.
    #[error("database statement failed")]
    Query(#[source] DieselError),
    /// The blocking task running the unit of work was cancelled.
    #[error("database task was cancelled")]
    Cancelled,
    /// Stored data that does not parse: a bug or a hand edit, never user input.
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    /// The database could not be reached at start-up.
    #[error("cannot connect: {0}")]
    Connect(String),
    /// Migrations could not be applied.
    #[error("migrations failed: {0}")]
    Migration(String),
}

impl From<DieselError> for DbError {
    fn from(error: DieselError) -> Self {
        match error {
            DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => Self::Duplicate,
            other => Self::Query(other),
        }
    }
}

/// Opens connections for the pool, picking the backend from the URL alone
/// (diesel's derived `establish` would try one engine after the other).
#[derive(Debug)]
struct Manager(DatabaseUrl);

/// Why a connection could not be opened.
#[derive(Debug, thiserror::Error)]
enum ConnectError {
    #[error(transparent)]
    Connect(#[from] diesel::ConnectionError),
    #[error(transparent)]
    Setup(#[from] DieselError),
}

impl r2d2::ManageConnection for Manager {
    type Connection = DbConn;
    type Error = ConnectError;

    fn connect(&self) -> Result<DbConn, ConnectError> {
        match &self.0 {
            DatabaseUrl::Postgres(url) => {
                let mut conn = PgConnection::establish(url)?;
                // Dates read as text (a goal's history) must be
                // YYYY-MM-DD whatever the server's default style. Our
                // prepared statements look rows up by key, so one generic
                // plan serves every call, where the default would plan
                // them again at each call to see whether the values
                // change the plan.
                conn.batch_execute(
                    "SET DateStyle = ISO; SET plan_cache_mode = force_generic_plan",
                )?;
                Ok(DbConn::Postgres(conn))
            }
            DatabaseUrl::Sqlite(path) => {
                let mut conn = SqliteConnection::establish(&path.to_string_lossy())?;
                // WAL lets readers go on while one writer writes; the busy
                // timeout makes a second writer wait instead of failing.
                conn.batch_execute(
                    "PRAGMA journal_mode = WAL;
                     PRAGMA synchronous = NORMAL;
                     PRAGMA busy_timeout = 5000;
                     PRAGMA foreign_keys = ON;",
                )?;
                Ok(DbConn::Sqlite(conn))
            }
        }
    }

    fn is_valid(&self, conn: &mut DbConn) -> Result<(), ConnectError> {
        Ok(conn.batch_execute("SELECT 1")?)
    }

    fn has_broken(&self, conn: &mut DbConn) -> bool {
        // A connection handed back inside a transaction (a panic mid-unit)
        // must not be reused.
        let status = match conn {
            DbConn::Postgres(c) => AnsiTransactionManager::transaction_manager_status_mut(c),
            DbConn::Sqlite(c) => AnsiTransactionManager::transaction_manager_status_mut(c),
        };
        !matches!(status.transaction_depth(), Ok(None))
    }
}

/// The pool, shared by every request; cheap to clone.
#[derive(Clone)]
pub struct Db {
    pool: r2d2::Pool<Manager>,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Db").finish_non_exhaustive()
    }
}

impl Db {
    /// Connects, applies pending migrations, and opens the pool.
    pub fn open(url: &DatabaseUrl, pool_size: u32) -> Result<Self, DbError> {
        if let DatabaseUrl::Sqlite(path) = url {
            keep_private(path)
                .map_err(|error| DbError::Connect(format!("{}: {error}", path.display())))?;
        }
        let manager = Manager(url.clone());
        // One direct connection first: r2d2 would retry until its timeout and
        // then report only that, where this reports why (no such database,
        // a wrong password, an unwritable folder).
        let mut conn = r2d2::ManageConnection::connect(&manager)
            // libpq's messages end in a newline and may span lines: keep one.
            .map_err(|error| {
                let message = error.to_string();
                let one_line = message.split_whitespace().collect::<Vec<_>>().join(" ");
                // libpq may quote a malformed part of the URL, password
                // included.
                DbError::Connect(url.redact(&one_line))
            })?;
        let applied = match &mut conn {
            DbConn::Postgres(c) => c
                .run_pending_migrations(POSTGRES_MIGRATIONS)
                .map(|v| v.len()),
            DbConn::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS).map(|v| v.len()),
        }
        .map_err(|error| DbError::Migration(error.to_string()))?;
        tracing::info!(applied, "migrations are up to date");
        let pool = r2d2::Pool::builder()
            .max_size(pool_size)
            // A `SELECT 1` before every unit of work is a round trip on
            // every request; a connection that died is found by the
            // statement that uses it, and `has_broken` keeps a connection
            // left mid-transaction out of the pool.
            .test_on_check_out(false)
            // Connections beyond the one kept close after a minute without
            // work: each holds about a megabyte here and a backend there.
            .idle_timeout(Some(Duration::from_secs(60)))
            .min_idle(Some(1))
            .connection_timeout(Duration::from_secs(5))
            .build(manager)?;
        Ok(Self { pool })
    }

    /// Runs one unit of work on a pooled connection, off the async workers.
    pub async fn run<T, E, F>(&self, work: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConn) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<DbError> + Send + 'static,
    {
        let pool = self.pool.clone();
        web::block(move || {
            let mut conn = pool.get().map_err(DbError::from)?;
            work(&mut conn)
        })
        .await
        .map_err(|_| E::from(DbError::Cancelled))?
    }

    /// Whether the database answers and holds Tether's schema: a query on
    /// the migration table, which a wrong or emptied database lacks.
    pub async fn ping(&self) -> Result<(), DbError> {
        self.run(|conn| {
            conn.batch_execute("SELECT version FROM __diesel_schema_migrations LIMIT 1")
                .map_err(DbError::from)
        })
        .await
    }
}

/// Creates the SQLite file readable by its owner only, or takes group and
/// world access away from one that exists, with its `-wal` and `-shm`
/// files: they hold health data. SQLite gives the files it creates beside
/// a database the database's own mode, so a private database keeps them
/// private.
fn keep_private(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .open(path)?;
    for suffix in ["", "-wal", "-shm"] {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        let file = Path::new(&name);
        match std::fs::metadata(file) {
            Ok(meta) if meta.permissions().mode() & 0o077 != 0 => {
                std::fs::set_permissions(file, std::fs::Permissions::from_mode(0o600))?;
                tracing::warn!(file = %file.display(), "others could read this database file; it is now private");
            }
            Ok(_) => {}
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
            Err(error) => return Err(error),
        }
    }
    Ok(())
}

/// Runs `work` in a write transaction: `BEGIN IMMEDIATE` on SQLite, so the
/// write lock is taken up front (a deferred transaction that reads and then
/// writes fails at once under concurrency, whatever the busy timeout); READ
/// COMMITTED on PostgreSQL whatever the server's default, because the locks
/// taken in it (a member's row, a throttle key) guard reads that must see
/// what the lock's last holder committed.
///
/// On SQLite, writers of this process also queue on a mutex before they
/// ask for the lock: SQLite's own busy handler would have them sleep and
/// retry in steps of up to 100 ms, which under many writers turns a
/// millisecond's write into a tail of hundreds. The mutex wakes the next
/// writer the moment the last one commits. (One process serves an SQLite
/// file; others that write to it, such as `tether migrate`, still meet the
/// busy timeout.)
pub fn write<T, E, F>(conn: &mut DbConn, work: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConn) -> Result<T, E>,
    E: From<DbError>,
{
    let _turn = sqlite_writer_turn(conn);
    match conn {
        DbConn::Postgres(c) => {
            AnsiTransactionManager::begin_transaction_sql(c, "BEGIN ISOLATION LEVEL READ COMMITTED")
        }
        DbConn::Sqlite(c) => AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE"),
    }
    .map_err(DbError::from)?;
    let outcome = work(conn);
    let end = match (&outcome, &mut *conn) {
        (Ok(_), DbConn::Postgres(c)) => AnsiTransactionManager::commit_transaction(c),
        (Ok(_), DbConn::Sqlite(c)) => AnsiTransactionManager::commit_transaction(c),
        (Err(_), DbConn::Postgres(c)) => AnsiTransactionManager::rollback_transaction(c),
        (Err(_), DbConn::Sqlite(c)) => AnsiTransactionManager::rollback_transaction(c),
    };
    match (outcome, end) {
        (Ok(value), Ok(())) => Ok(value),
        (Ok(_), Err(error)) => Err(DbError::from(error).into()),
        (Err(error), Ok(())) => Err(error),
        (Err(error), Err(rollback)) => {
            tracing::error!(error = %rollback, "rollback failed");
            Err(error)
        }
    }
}

/// The in-process turn of SQLite's single writer (see [`write`]); none is
/// needed on PostgreSQL.
fn sqlite_writer_turn(conn: &DbConn) -> Option<MutexGuard<'static, ()>> {
    static SQLITE_WRITER: Mutex<()> = Mutex::new(());
    matches!(conn, DbConn::Sqlite(_))
        .then(|| SQLITE_WRITER.lock().unwrap_or_else(PoisonError::into_inner))
}

/// Runs `work`, which issues exactly one statement that writes, as that
/// statement's own transaction: one round trip where [`write`] takes
/// three, with the same guarantee, since a single statement is atomic on
/// both engines. On SQLite it waits for the writer's turn like [`write`].
pub fn write_one<T, E, F>(conn: &mut DbConn, work: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConn) -> Result<T, E>,
    E: From<DbError>,
{
    let _turn = sqlite_writer_turn(conn);
    work(conn)
}
