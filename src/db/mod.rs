//! The one place that hides the difference between SQLite and PostgreSQL:
//! which backend a URL names, how connections are made and pooled, how
//! writes are serialised, and which migrations run.

pub mod admin_log;
pub mod applications;
pub mod backup;
pub mod blocks;
pub mod calendar_links;
pub mod chat;
pub mod communities;
pub mod consultations;
pub mod directory;
pub mod display_names;
pub mod email_tokens;
pub mod event_series;
pub mod events;
pub mod exports;
mod files;
pub mod follows;
pub mod goals;
mod health;
pub mod instance_settings;
pub mod invitations;
pub mod mail_outbox;
pub mod mail_preferences;
pub mod moderation_log;
pub mod notifications;
pub mod organisers;
pub mod outbox;
pub mod post_heads;
pub mod posts;
pub mod presence;
pub mod queue;
pub mod rate_limits;
pub mod safeguarding;
pub mod sanctions;
pub mod schema;
pub mod search;
pub mod setup_links;
pub mod stories;
pub mod support;
pub mod thread_reads;
pub mod threads;
pub mod users;
pub mod word_filters;
mod writer;

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::r2d2::{self, ManageConnection};
use diesel::{PgConnection, SqliteConnection};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};
use health::WriteProbe;
use writer::{Seen, Writer};

use crate::error::{ApiError, ApiResult};

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// SQLite settings applied to every new connection; `busy_timeout` first so
/// the others wait for a lock instead of failing. Temporary data (the undo
/// copies each write's savepoint keeps) stays in memory, not in a file.
/// Deleted content is overwritten with zeros (`secure_delete`), so an
/// erased member's bytes do not linger in freed pages.
const SQLITE_SETUP: &str = "PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL; \
     PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; PRAGMA temp_store = MEMORY; \
     PRAGMA secure_delete = ON;";

#[derive(diesel::MultiConnection)]
pub enum AnyConnection {
    Postgres(PgConnection),
    Sqlite(SqliteConnection),
}

/// Runs a query on the inner connection: the same text, type-checked once
/// for each backend. For queries that only compile per backend (upserts,
/// full-text search), and for the hottest reads (a thread page, a
/// session): through `AnyConnection` diesel writes out a query's SQL on
/// every run, even when its prepared statement is cached.
macro_rules! on_each_backend {
    ($connection:expr, |$inner:ident| $query:expr) => {
        match $connection {
            $crate::db::AnyConnection::Sqlite($inner) => $query,
            $crate::db::AnyConnection::Postgres($inner) => $query,
        }
    };
}
pub(crate) use on_each_backend;

/// The empty string, to bind as a parameter: it points into the program's
/// data. Rust's own empty string points at address 1, and SQLite hands a
/// bound string to `memcmp`, whose AVX-512 form reads even zero bytes with
/// a masked load; from an unmapped page that load takes a fault
/// suppression, about 130 ns, on every comparison (measured on this
/// project's machine, an AMD EPYC).
pub const EMPTY_TEXT: &str = EMPTY_TEXT_SOURCE.split_at(0).0;
const EMPTY_TEXT_SOURCE: &str = " ";

/// Runs `read`'s statements on one snapshot on SQLite: one deferred
/// transaction, in which they also take the write-ahead log's read lock
/// once (two `fcntl` calls) instead of once each. On PostgreSQL they run as
/// they are, since a transaction would cost two more round trips.
pub fn one_snapshot<T>(
    connection: &mut AnyConnection,
    read: impl FnOnce(&mut AnyConnection) -> ApiResult<T>,
) -> ApiResult<T> {
    match connection {
        AnyConnection::Sqlite(_) => connection.transaction(read),
        AnyConnection::Postgres(_) => read(connection),
    }
}

/// A database location, parsed from its URL before anything connects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    Sqlite(PathBuf),
    Postgres(String),
}

impl DatabaseUrl {
    /// `sqlite://PATH`, `sqlite:PATH` or a bare path name SQLite;
    /// `postgres://` or `postgresql://` name PostgreSQL; any other scheme is refused.
    pub fn parse(url: &str) -> anyhow::Result<Self> {
        let url = url.trim();
        if url.is_empty() {
            anyhow::bail!("the database URL is empty");
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Self::Postgres(url.to_owned()));
        }
        if let Some(path) = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")) {
            if path.is_empty() {
                anyhow::bail!("the SQLite database URL names no file");
            }
            return Ok(Self::Sqlite(PathBuf::from(path)));
        }
        if let Some((scheme, _)) = url.split_once("://") {
            anyhow::bail!("the database URL scheme '{scheme}' is not supported (use sqlite://PATH or postgres://...)");
        }
        Ok(Self::Sqlite(PathBuf::from(url)))
    }

    /// Opens one connection, set up for use; a SQLite file and its folder
    /// are created private to this account (see `files`).
    pub fn connect(&self) -> anyhow::Result<AnyConnection> {
        match self {
            Self::Sqlite(path) => {
                files::make_private(path)?;
                let path_text = path.to_str().ok_or_else(|| anyhow::anyhow!("the SQLite path is not UTF-8"))?;
                let mut connection = SqliteConnection::establish(path_text)
                    .map_err(|error| anyhow::anyhow!("cannot open SQLite database {}: {error}", path.display()))?;
                connection
                    .batch_execute(SQLITE_SETUP)
                    .map_err(|error| anyhow::anyhow!("cannot use {} as a SQLite database: {error}", path.display()))?;
                Ok(AnyConnection::Sqlite(connection))
            }
            Self::Postgres(url) => {
                let connection = establish_postgres(url).map_err(|error| {
                    anyhow::anyhow!("cannot connect to PostgreSQL: {}", one_line(&error.to_string()))
                })?;
                Ok(AnyConnection::Postgres(connection))
            }
        }
    }

    pub fn is_sqlite(&self) -> bool {
        matches!(self, Self::Sqlite(_))
    }
}

/// Connects to PostgreSQL. libpq's OpenSSL is first set up without its
/// exit-time cleanup, which would free TLS state under pool threads still
/// holding connections as the process exits and crash it (diesel#3441).
pub fn establish_postgres(url: &str) -> ConnectionResult<PgConnection> {
    openssl_sys::init();
    PgConnection::establish(url)
}

/// libpq's messages span lines; a startup error should be one.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// On SQLite, merges the write-ahead log into the database file and
/// empties it (see `files::empty_the_log`); nothing to do on PostgreSQL.
pub fn empty_the_log(connection: &mut AnyConnection) -> anyhow::Result<()> {
    match connection {
        AnyConnection::Sqlite(sqlite) => files::empty_the_log(sqlite),
        AnyConnection::Postgres(_) => Ok(()),
    }
}

/// Runs every pending migration of the connection's backend; returns the
/// versions applied, oldest first.
pub fn run_migrations(connection: &mut AnyConnection) -> anyhow::Result<Vec<String>> {
    let applied = match connection {
        AnyConnection::Sqlite(inner) => inner
            .run_pending_migrations(SQLITE_MIGRATIONS)
            .map(|versions| versions.iter().map(ToString::to_string).collect::<Vec<_>>()),
        AnyConnection::Postgres(inner) => inner
            .run_pending_migrations(POSTGRES_MIGRATIONS)
            .map(|versions| versions.iter().map(ToString::to_string).collect::<Vec<_>>()),
    }
    .map_err(|error| anyhow::anyhow!("migration failed: {error}"))?;
    if !applied.is_empty() {
        tracing::info!(applied = applied.len(), "database migrations applied");
    }
    Ok(applied)
}

/// Reverts every applied migration (used by the migration round-trip test).
pub fn revert_all_migrations(connection: &mut AnyConnection) -> anyhow::Result<()> {
    match connection {
        AnyConnection::Sqlite(inner) => inner.revert_all_migrations(SQLITE_MIGRATIONS).map(drop),
        AnyConnection::Postgres(inner) => inner.revert_all_migrations(POSTGRES_MIGRATIONS).map(drop),
    }
    .map_err(|error| anyhow::anyhow!("migration revert failed: {error}"))
}

/// Makes pooled connections from a parsed URL, and counts the times one
/// was found dead: after that, every connection checks it still answers
/// before it is lent again, so a database restart fails one request, not
/// one per pooled connection.
struct Manager {
    url: DatabaseUrl,
    deaths: AtomicU64,
}

/// A pooled connection, whether its last use failed, and when it came back
/// to the pool. A connection the database server ended (a restart,
/// `pg_terminate_backend`) fails every query yet looks whole; the pool
/// checks one that failed before taking it back, and one that sat idle
/// before lending it out, so a dead connection is replaced at once instead
/// of failing a request or waiting to age out.
pub struct Pooled {
    connection: AnyConnection,
    failed: bool,
    returned_at: Instant,
    /// The pool's count of dead connections when this one last answered.
    deaths_seen: u64,
}

/// A connection back in the pool more recently than this is lent out
/// without a check: under load none is checked; after a quiet spell, in
/// which a database restart may have ended them, each is, once.
const TRUSTED_IDLE: Duration = Duration::from_secs(1);

impl std::ops::Deref for Pooled {
    type Target = AnyConnection;

    fn deref(&self) -> &AnyConnection {
        &self.connection
    }
}

impl std::ops::DerefMut for Pooled {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        &mut self.connection
    }
}

impl ManageConnection for Manager {
    type Connection = Pooled;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<Pooled, r2d2::Error> {
        let connection = self
            .url
            .connect()
            .map_err(|error| r2d2::Error::ConnectionError(diesel::ConnectionError::BadConnection(error.to_string())))?;
        Ok(Pooled { connection, failed: false, returned_at: Instant::now(), deaths_seen: self.deaths() })
    }

    /// Whether a connection about to be lent out still answers, asked only
    /// of one that sat idle (see `TRUSTED_IDLE`) or that last answered
    /// before another connection was found dead.
    fn is_valid(&self, pooled: &mut Pooled) -> Result<(), r2d2::Error> {
        if pooled.returned_at.elapsed() < TRUSTED_IDLE && pooled.deaths_seen == self.deaths() {
            return Ok(());
        }
        pooled.deaths_seen = self.deaths();
        answers(pooled).inspect_err(|_| self.found_dead())
    }

    /// A connection left in a transaction is broken; one whose last use
    /// failed is broken if it cannot answer `SELECT 1` (a round trip only
    /// after a failure, so the common path pays nothing).
    fn has_broken(&self, pooled: &mut Pooled) -> bool {
        use diesel::r2d2::R2D2Connection;
        pooled.returned_at = Instant::now();
        if pooled.connection.is_broken() {
            return true;
        }
        let dead = std::mem::take(&mut pooled.failed) && answers(pooled).is_err();
        if dead {
            self.found_dead();
        }
        dead
    }
}

impl Manager {
    fn deaths(&self) -> u64 {
        self.deaths.load(Ordering::Acquire)
    }

    fn found_dead(&self) {
        self.deaths.fetch_add(1, Ordering::AcqRel);
    }
}

/// One round trip: `SELECT 1`.
fn answers(pooled: &mut Pooled) -> Result<(), r2d2::Error> {
    pooled.connection.batch_execute("SELECT 1").map_err(r2d2::Error::QueryError)
}

type Pool = r2d2::Pool<Manager>;

/// How long the health check waits for a pooled connection.
const HEALTH_WAIT: Duration = Duration::from_secs(2);

/// The application's database: a pool for reads and, on SQLite, the one
/// writer connection every write goes through (SQLite allows one writer).
#[derive(Clone)]
pub struct Db {
    pool: Pool,
    sqlite_writer: Option<Writer>,
    /// Counts this process's committed writes, so what was read from the
    /// database can be known stale (see `pages`).
    generation: Arc<AtomicU64>,
    probe: WriteProbe,
}

impl Db {
    /// Connects, runs migrations and builds the pool; fails with a sentence
    /// naming what is wrong (an unreachable server, an unwritable file).
    pub fn open(url: &DatabaseUrl, pool_size: u32) -> anyhow::Result<Self> {
        let mut first = url.connect()?;
        run_migrations(&mut first)?;
        let pool = r2d2::Pool::builder()
            .max_size(pool_size.max(1))
            .min_idle(Some(1))
            .test_on_check_out(true)
            .connection_timeout(Duration::from_secs(10))
            .build(Manager { url: url.clone(), deaths: AtomicU64::new(0) })
            .map_err(|error| anyhow::anyhow!("cannot open the database pool: {error}"))?;
        let generation = Arc::<AtomicU64>::default();
        let sqlite_writer = match first {
            AnyConnection::Sqlite(_) => Some(Writer::start(first, generation.clone())?),
            AnyConnection::Postgres(_) => None,
        };
        Ok(Self { pool, sqlite_writer, generation, probe: WriteProbe::default() })
    }

    /// Runs `query` on a pooled connection, off the async threads.
    pub async fn read<T, F>(&self, query: F) -> ApiResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut AnyConnection) -> ApiResult<T> + Send + 'static,
    {
        let pool = self.pool.clone();
        blocking(move || {
            let mut pooled = pool.get().map_err(ApiError::unavailable)?;
            let result = query(&mut pooled);
            pooled.failed = result.is_err();
            result
        })
        .await
    }

    /// `read`, for a query that takes well under a millisecond (a page of a
    /// thread, a session by its token): on SQLite, when a pooled connection
    /// is free, it runs on the calling thread, sparing the two thread
    /// switches of the blocking pool, which cost about as much as such a
    /// query; otherwise (PostgreSQL's round trips, or no connection free) as `read`.
    pub async fn read_quick<T, F>(&self, query: F) -> ApiResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut AnyConnection) -> ApiResult<T> + Send + 'static,
    {
        if self.sqlite_writer.is_some()
            && let Some(mut pooled) = self.pool.try_get()
        {
            let result = query(&mut pooled);
            pooled.failed = result.is_err();
            return result;
        }
        self.read(query).await
    }

    /// Runs `change` in one transaction that commits only if it returns Ok.
    /// On SQLite the one writer thread runs it (see `writer`), so it never
    /// fails half-way for want of the lock.
    pub async fn write<T, F>(&self, change: F) -> ApiResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut AnyConnection) -> ApiResult<T> + Send + 'static,
    {
        self.write_seen(Seen::OnPages, change).await
    }

    /// `write`, for a change no cached page shows (chat, presence, sessions,
    /// counters, notifications), or one thread's content whose pages the
    /// caller makes stale (`AppState::write_thread`): pages stay cached.
    pub async fn write_unseen<T, F>(&self, change: F) -> ApiResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut AnyConnection) -> ApiResult<T> + Send + 'static,
    {
        self.write_seen(Seen::Elsewhere, change).await
    }

    async fn write_seen<T, F>(&self, seen: Seen, change: F) -> ApiResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut AnyConnection) -> ApiResult<T> + Send + 'static,
    {
        if let Some(writer) = &self.sqlite_writer {
            return writer.write(seen, change).await;
        }
        let pool = self.pool.clone();
        let generation = self.generation.clone();
        blocking(move || {
            let mut pooled = pool.get().map_err(ApiError::unavailable)?;
            let connection: &mut AnyConnection = &mut pooled;
            let written = connection.transaction(change);
            if seen == Seen::OnPages {
                generation.fetch_add(1, Ordering::Release);
            }
            pooled.failed = written.is_err();
            written
        })
        .await
    }

    /// Whether the database answers a query within `HEALTH_WAIT` (the
    /// health check asks; a request would wait the pool's full timeout).
    pub async fn answers_now(&self) -> bool {
        let pool = self.pool.clone();
        blocking(move || {
            let mut pooled = pool.get_timeout(HEALTH_WAIT).map_err(ApiError::unavailable)?;
            let answered = answers(&mut pooled);
            pooled.failed = answered.is_err();
            answered.map_err(ApiError::unavailable)
        })
        .await
        .is_ok()
    }

    /// Whether a small write commits now (the health check asks).
    pub async fn writes_commit(&self) -> bool {
        self.probe.writes_commit(self).await
    }

    /// On SQLite, merges the write-ahead log into the database file and
    /// empties it (see `files::empty_the_log`); nothing to do on PostgreSQL.
    pub async fn empty_the_log(&self) -> ApiResult<()> {
        if self.sqlite_writer.is_none() {
            return Ok(());
        }
        self.read(|connection| empty_the_log(connection).map_err(ApiError::internal)).await
    }

    /// Moves on with every write this process makes (committed or not) that
    /// a cached page may show.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }
}

/// Runs `statement` inside a write so that its failing (a unique violation
/// the caller handles) leaves the write usable: a savepoint on PostgreSQL,
/// where a failed statement would abort the transaction; on SQLite a failed
/// statement leaves the transaction as it was, and writes are serialised.
pub fn recoverable<T>(
    connection: &mut AnyConnection,
    statement: impl FnOnce(&mut AnyConnection) -> diesel::QueryResult<T>,
) -> diesel::QueryResult<T> {
    match connection {
        AnyConnection::Sqlite(_) => statement(connection),
        AnyConnection::Postgres(_) => connection.transaction(statement),
    }
}

async fn blocking<T: Send + 'static>(work: impl FnOnce() -> ApiResult<T> + Send + 'static) -> ApiResult<T> {
    actix_web::web::block(work).await.map_err(ApiError::internal)?
}

#[cfg(test)]
mod tests {
    use super::EMPTY_TEXT;

    #[test]
    fn the_empty_text_to_bind_points_into_mapped_memory() {
        assert!(EMPTY_TEXT.is_empty());
        // The first page of memory is never mapped; Rust's own "" points into it.
        assert!(EMPTY_TEXT.as_ptr() as usize >= 4096, "{:p}", EMPTY_TEXT.as_ptr());
        assert!(("".as_ptr() as usize) < 4096, "if Rust's own empty string moved, EMPTY_TEXT may go");
    }
}
