//! Opening a profile's database: pragmas, pool, embedded migrations.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use sqlx::migrate::Migrator;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{ConnectOptions, Connection, Sqlite, SqliteConnection, SqlitePool, Transaction};
use tokio::sync::{MappedMutexGuard, Mutex as AsyncMutex, MutexGuard as AsyncGuard, Notify};

use crate::error::StoreError;
use crate::totals::Totals;

/// The schema, embedded in the binary; each file in `migrations/` is one version.
pub static MIGRATOR: Migrator = sqlx::migrate!("./migrations");

/// How long a connection waits for another writer before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);
/// How long closing waits for the writer connection to be free.
const CLOSE_WAIT: Duration = Duration::from_secs(10);
/// Page cache of the writer connection, KiB. The writer is the only connection that
/// writes, so SQLite never invalidates its cache: left at the readers' size it grew with
/// every row ever written (the intake's memory at 10,000 files vs 1,000 went to 1.7x).
const WRITER_CACHE_KIB: &str = "-2000";
/// Page cache the writer may hold before it is given back, bytes. SQLite shares one page
/// cache among all connections here (this build has SQLITE_ENABLE_MEMORY_MANAGEMENT): a
/// transaction that dirties more pages than `cache_size` grows the writer's part, and it
/// never shrinks back, since only the shared total is enforced. With a backlog of 100,000
/// intake files the writer held 6 MB this way (3.5 MB at 30,000). Between writes its
/// pages are unpinned, so `PRAGMA shrink_memory` gives them back. At 1 MB rather than 3,
/// a backlog's peak is 2 MB lower; bulk local writes (`bench sync`) were ~10% slower.
const WRITER_CACHE_LIMIT: i64 = 1024 * 1024;
/// The writer's cache is looked at every this many hand-outs: a look is a round trip to
/// the connection's thread, and a few writes add little to the cache.
const WRITER_CACHE_CHECK_EVERY: u32 = 8;
/// Connections in the pool: WAL lets readers work while the sync writes.
const MAX_CONNECTIONS: u32 = 4;

/// One profile's cache. Cheap to clone; all clones share the pool, the writer and the
/// feed's bell.
#[derive(Clone, Debug)]
pub struct Store {
    /// Readers (and rare writes).
    pool: SqlitePool,
    /// The one connection that writes (`None` once closed). SQLite takes one writer at a
    /// time anyway: here in-process writers queue on a mutex instead of sleeping in its
    /// busy handler. And it is never handed back to the pool, which costs sqlx a ping (a
    /// round trip to the connection's thread, in a task of its own) after every statement.
    writer: Arc<AsyncMutex<Option<SqliteConnection>>>,
    path: PathBuf,
    written: Arc<Notify>,
    /// Document-list totals per filter, valid while the feed's newest id is unchanged.
    counts: Arc<Mutex<CountCache>>,
    /// Places in the date-sorted document list, for deep pages (see `anchors`).
    pub(crate) anchors: Arc<Mutex<crate::anchors::Anchors>>,
    /// Hook deliveries waiting for the next group commit (see `hook_inbox`).
    pub(crate) hook_batch: Arc<Mutex<crate::hook_inbox::HookBatch>>,
    /// Times the writer was handed out (see [`WRITER_CACHE_CHECK_EVERY`]).
    handed_out: Arc<AtomicU32>,
}

/// Remembered totals: (filter key → (feed id when counted, total)).
#[derive(Debug, Default)]
struct CountCache {
    entries: HashMap<String, (i64, Totals)>,
}

/// Filters whose totals are remembered at most.
const COUNT_CACHE_SIZE: usize = 1024;

/// Where a profile's database lives: `<data>/profiles/<profile, sanitised>/cache.sqlite`.
pub fn profile_database_path(data_folder: &Path, profile: &str) -> PathBuf {
    data_folder
        .join("profiles")
        .join(sanitise_profile(profile))
        .join("cache.sqlite")
}

/// A folder name from a profile name: lower case ASCII letters, digits, `.`, `-`, `_` and `@`
/// kept, anything else `_`; never empty, never `.`/`..`, at most 100 characters.
pub fn sanitise_profile(profile: &str) -> String {
    let mut name: String = profile
        .trim()
        .to_lowercase()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "._-@".contains(c) {
                c
            } else {
                '_'
            }
        })
        .take(100)
        .collect();
    if name.trim_matches('.').is_empty() {
        name = format!("profile{}", name.len());
    }
    name
}

impl Store {
    async fn from_pool(pool: SqlitePool, path: &Path) -> Result<Store, StoreError> {
        let writer = connect_options(path)?
            .pragma("cache_size", WRITER_CACHE_KIB)
            .connect()
            .await?;
        Ok(Store {
            pool,
            writer: Arc::new(AsyncMutex::new(Some(writer))),
            path: path.to_path_buf(),
            written: Arc::new(Notify::new()),
            counts: Arc::new(Mutex::new(CountCache::default())),
            anchors: Arc::default(),
            hook_batch: Arc::default(),
            handed_out: Arc::default(),
        })
    }

    /// A remembered total for `key`, if counted at feed id `version`.
    pub(crate) fn cached_count(&self, key: &str, version: i64) -> Option<Totals> {
        let cache = self.counts.lock().ok()?;
        cache
            .entries
            .get(key)
            .filter(|(v, _)| *v == version)
            .map(|(_, n)| n.clone())
    }

    /// Remembers a total (forgetting all when the cache is full).
    pub(crate) fn remember_count(&self, key: String, version: i64, total: Totals) {
        if let Ok(mut cache) = self.counts.lock() {
            if cache.entries.len() >= COUNT_CACHE_SIZE {
                cache.entries.clear();
            }
            cache.entries.insert(key, (version, total));
        }
    }

    /// Refreshes the query planner's statistics (cheap, sampled): after a sync changed many
    /// rows, so that filters pick the right index. Failures only cost speed: logged.
    pub async fn optimize(&self) {
        let result = async {
            let analysed: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM sqlite_master WHERE name = 'sqlite_stat1'",
            )
            .fetch_one(&self.pool)
            .await?;
            sqlx::query("PRAGMA analysis_limit = 1000")
                .execute(&self.pool)
                .await?;
            if analysed == 0 {
                sqlx::query("ANALYZE").execute(&self.pool).await?;
            } else {
                sqlx::query("PRAGMA optimize").execute(&self.pool).await?;
            }
            Ok::<_, sqlx::Error>(())
        }
        .await;
        if let Err(e) = result {
            tracing::warn!(error = %e, "planner statistics not refreshed");
        }
    }

    /// Opens (creating when missing) the database at `path` and brings its schema up to date.
    pub async fn open(path: &Path) -> Result<Store, StoreError> {
        if let Some(parent) = path.parent() {
            tokio::fs::create_dir_all(parent).await?;
        }
        let options = connect_options(path)?;
        let pool = pool_options().connect_with(options).await?;
        MIGRATOR.run(&pool).await?;
        Store::from_pool(pool, path).await
    }

    /// Opens a database at `path` with only the first `versions` migrations applied — for
    /// tests that start from an older schema; the app always uses [`Store::open`].
    pub async fn open_at_version(path: &Path, versions: usize) -> Result<Store, StoreError> {
        if let Some(parent) = path.parent() {
            tokio::fs::create_dir_all(parent).await?;
        }
        let pool = pool_options().connect_with(connect_options(path)?).await?;
        let mut older = Migrator::DEFAULT;
        older.migrations = MIGRATOR.migrations.iter().take(versions).cloned().collect();
        older.run(&pool).await?;
        Store::from_pool(pool, path).await
    }

    /// The schema version (the highest applied migration).
    pub async fn schema_version(&self) -> Result<i64, StoreError> {
        let v: Option<i64> =
            sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations WHERE success = 1")
                .fetch_one(&self.pool)
                .await?;
        Ok(v.unwrap_or(0))
    }

    /// The connection pool, for queries this crate does not offer.
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The writer connection, once the writes queued before it are done. Hold it for a
    /// transaction ([`Writer::begin`]) or use it for single statements; never ask for it
    /// again while holding it.
    pub async fn writer(&self) -> Result<Writer<'_>, StoreError> {
        let mut writer = AsyncGuard::try_map(self.writer.lock().await, Option::as_mut)
            .map(Writer)
            .map_err(|_| StoreError::Database(sqlx::Error::PoolClosed))?;
        if !self
            .handed_out
            .fetch_add(1, Ordering::Relaxed)
            .is_multiple_of(WRITER_CACHE_CHECK_EVERY)
        {
            return Ok(writer);
        }
        // Only memory is at stake: a failure is logged, the write goes on.
        let released = match cache_used(&mut writer).await {
            Ok(used) if used > WRITER_CACHE_LIMIT => sqlx::query("PRAGMA shrink_memory")
                .execute(&mut *writer)
                .await
                .map(drop)
                .map_err(StoreError::from),
            Ok(_) => Ok(()),
            Err(e) => Err(e),
        };
        if let Err(e) = released {
            tracing::warn!(error = %e, "releasing the writer's page cache failed");
        }
        Ok(writer)
    }

    /// Commits a write transaction and wakes whoever follows the change feed.
    pub async fn commit(&self, tx: Transaction<'_, Sqlite>) -> Result<(), StoreError> {
        tx.commit().await?;
        self.written.notify_waiters();
        self.written.notify_one();
        Ok(())
    }

    /// Resolves after the next [`Store::commit`] (or at once when one happened since the
    /// last wait). Writers in other processes do not ring it: followers also poll.
    pub async fn wait_written(&self) {
        self.written.notified().await;
    }

    /// Closes the pool (waits for open connections to be returned) and the writer (an
    /// unfinished transaction on it rolls back). A writer still held after 10 s is left to
    /// close when the last handle goes (and logged): closing must not hang a sign-out.
    pub async fn close(&self) {
        self.pool.close().await;
        match tokio::time::timeout(CLOSE_WAIT, self.writer.lock()).await {
            Ok(mut writer) => {
                if let Some(writer) = writer.take()
                    && let Err(e) = writer.close().await
                {
                    tracing::warn!(error = %e, "closing the writer connection failed");
                }
            }
            Err(_) => tracing::warn!("the writer connection is still in use; not closed"),
        }
    }
}

/// Bytes of page cache a connection holds now (`SQLITE_DBSTATUS_CACHE_USED`): for
/// diagnostics and for tests that memory stays bounded.
pub async fn cache_used(conn: &mut SqliteConnection) -> Result<i64, StoreError> {
    unsafe extern "C" {
        // Linked in by libsqlite3-sys (bundled) through sqlx.
        fn sqlite3_db_status(
            db: *mut std::ffi::c_void,
            op: i32,
            current: *mut i32,
            highwater: *mut i32,
            reset: i32,
        ) -> i32;
    }
    /// `SQLITE_DBSTATUS_CACHE_USED`.
    const CACHE_USED: i32 = 1;
    let mut handle = conn.lock_handle().await?;
    let db = handle.as_raw_handle().as_ptr().cast::<std::ffi::c_void>();
    let (mut now, mut peak) = (0i32, 0i32);
    // SAFETY: `db` is the connection's open handle, locked (no other use) for this call;
    // both out pointers are to live locals.
    let rc = unsafe { sqlite3_db_status(db, CACHE_USED, &mut now, &mut peak, 0) };
    if rc != 0 {
        return Err(StoreError::InvalidInput(format!("sqlite3_db_status: {rc}")));
    }
    Ok(i64::from(now))
}

/// The store's writer connection, held: see [`Store::writer`].
pub struct Writer<'a>(MappedMutexGuard<'a, SqliteConnection>);

impl Writer<'_> {
    /// Starts a write transaction with `BEGIN IMMEDIATE`: it takes SQLite's write lock at
    /// once (waiting up to the busy timeout for another process), so it never has to upgrade
    /// a read transaction, which SQLite refuses with "database is locked" at once.
    pub async fn begin(&mut self) -> Result<Transaction<'_, Sqlite>, StoreError> {
        Ok(self.0.begin_with("BEGIN IMMEDIATE").await?)
    }
}

impl std::ops::Deref for Writer<'_> {
    type Target = SqliteConnection;
    fn deref(&self) -> &SqliteConnection {
        &self.0
    }
}

impl std::ops::DerefMut for Writer<'_> {
    fn deref_mut(&mut self) -> &mut SqliteConnection {
        &mut self.0
    }
}

/// The pool: a few connections, handed out without a test query first. A connection to a
/// local SQLite file cannot go stale, and the test (a round trip to the connection's worker
/// thread) doubled the cost of every short query, such as a page of the document list.
fn pool_options() -> SqlitePoolOptions {
    SqlitePoolOptions::new()
        .max_connections(MAX_CONNECTIONS)
        .test_before_acquire(false)
}

fn connect_options(path: &Path) -> Result<SqliteConnectOptions, StoreError> {
    let url = format!("sqlite://{}", path.display());
    let options = SqliteConnectOptions::from_str(&url)
        .map_err(|e| StoreError::InvalidInput(format!("database path {path:?}: {e}")))?
        .filename(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        // WAL + NORMAL: a power cut may lose the last commits, never corrupt the file; the
        // cache can always be fetched again.
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(BUSY_TIMEOUT)
        // A sync commits once per page; checkpointing (which also syncs the file to disk)
        // every 40 MB of WAL instead of every 4 MB copies each hot page far fewer times.
        .pragma("wal_autocheckpoint", "10000")
        .pragma("temp_store", "memory")
        .pragma("cache_size", "-32000");
    Ok(options)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profile_names_become_safe_folder_names() {
        assert_eq!(
            sanitise_profile("sandbox/Demo@Voorbeeld.nl"),
            "sandbox_demo@voorbeeld.nl"
        );
        assert_eq!(sanitise_profile(".."), "profile2");
        assert_eq!(sanitise_profile(""), "profile0");
        assert_eq!(sanitise_profile("a\\..\\b"), "a_.._b");
        let p = profile_database_path(Path::new("/d"), "x y");
        assert_eq!(p, Path::new("/d/profiles/x_y/cache.sqlite"));
    }
}
