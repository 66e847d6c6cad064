//! Opening a store from a URL and running the embedded migrations.

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

use crate::{Db, Result, StorageError};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Self::Sqlite => "SQLite",
            Self::Postgres => "PostgreSQL",
        }
    }
}

/// The application's handle on its database.
#[derive(Clone, Debug)]
pub struct Store {
    pub(crate) db: Db,
    /// The plan this handle reads and writes (see `plans.rs`); 0 when the
    /// database holds no plan yet.
    pub(crate) plan: i64,
    /// The writers of this process take turns here, queued in order, and
    /// share commits (`write::group`): instead of each retrying SQLite's
    /// lock in its busy handler, whose sleeps (up to 100 ms a try) made the
    /// tail of a rush of saves, and each waiting for the disk on its own.
    /// Shared by clones and plan handles.
    pub(crate) turns: std::sync::Arc<crate::write::Turns>,
    /// The one connection writes go through, apart from the readers' pool,
    /// so a writer holding the turn never waits for a connection behind a
    /// queue of page loads (on PostgreSQL that wait was most of a save's
    /// p99 in the rush). Not tested before each group: a connection that
    /// broke fails one write, and the next gets a new one.
    pub(crate) write_pool: Db,
}

/// Rows a SQLite query hands back before it waits for the caller: a form's
/// values and last year's (two per element) fit.
const ROW_BUFFER: usize = 1024;

/// The pool of the one connection writes go through (see
/// `Store::write_pool`), the same on both databases: kept open for the
/// life of the store and lent without a ping.
fn write_pool_options<DB: sqlx::Database>() -> sqlx::pool::PoolOptions<DB> {
    sqlx::pool::PoolOptions::new()
        .max_connections(1)
        .test_before_acquire(false)
        .idle_timeout(None)
        .max_lifetime(None)
}

impl Store {
    /// Opens (creating if needed) the database at `url` and migrates it.
    /// `sqlite:PATH` (or a bare path) or `postgres://…`.
    pub async fn open(url: &str) -> Result<Self> {
        let store = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let opts = PgConnectOptions::from_str(url).map_err(|_| StorageError::BadUrl(url.into()))?;
            Self::open_postgres(opts).await?
        } else {
            let path = url
                .strip_prefix("sqlite://")
                .or_else(|| url.strip_prefix("sqlite:"))
                .unwrap_or(url);
            if path.is_empty() || path.contains("://") {
                return Err(StorageError::BadUrl(url.into()));
            }
            Self::open_sqlite(path).await?
        };
        store.migrate().await?;
        store.scoped_to_default().await
    }

    /// SQLite in WAL mode with `synchronous = FULL`: a committed transaction
    /// survives a crash or a power cut; foreign keys are enforced.
    pub(crate) async fn open_sqlite(path: &str) -> Result<Self> {
        let opts = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10))
            // A result's rows go to the caller through a channel this big: at
            // sqlx's 50, the database's thread stopped after every row past
            // the 50th and was woken again, a thread switch per row.
            .row_buffer_size(ROW_BUFFER);
        // No ping before each acquire: an embedded database's connection
        // cannot go stale, and the ping is a trip to its thread.
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .test_before_acquire(false)
            .connect_with(opts.clone())
            .await?;
        let write_pool = write_pool_options().connect_with(opts).await?;
        Ok(Self {
            db: Db::Sqlite(pool),
            plan: 0,
            turns: Default::default(),
            write_pool: Db::Sqlite(write_pool),
        })
    }

    pub(crate) async fn open_postgres(opts: PgConnectOptions) -> Result<Self> {
        // No ping before each acquire, as on SQLite: it was a trip to the
        // server per query (the rush went 1,403 → 1,536 req/s without it).
        // sqlx still pings a connection when it comes back, so one broken
        // in use is dropped there; one the server dropped while idle (a
        // restart) fails one read, then goes (a test checks both).
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .test_before_acquire(false)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(opts.clone())
            .await?;
        // Opened on the write thread, whose runtime then watches its socket:
        // a write's answers do not wait for the page loads' runtime to look.
        let write_pool = crate::write::thread::run(async move {
            Ok(write_pool_options()
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(opts)
                .await?)
        })
        .await?;
        Ok(Self {
            db: Db::Postgres(pool),
            plan: 0,
            turns: Default::default(),
            write_pool: Db::Postgres(write_pool),
        })
    }

    pub(crate) async fn migrate(&self) -> Result<()> {
        self.migrate_to(None).await
    }

    /// Runs the migrations up to and including `last` (all when `None`):
    /// tests build databases of earlier releases this way.
    pub(crate) async fn migrate_to(&self, last: Option<i64>) -> Result<()> {
        let upto = |mut m: sqlx::migrate::Migrator| {
            if let Some(last) = last {
                m.migrations = m.migrations.iter().filter(|x| x.version <= last).cloned().collect();
            }
            m
        };
        match &self.db {
            Db::Sqlite(p) => upto(sqlx::migrate!("./migrations/sqlite")).run(p).await?,
            Db::Postgres(p) => upto(sqlx::migrate!("./migrations/postgres")).run(p).await?,
        }
        if last.is_none() {
            // Rows of a release before the audit chain get their place now,
            // before anything else is written (migration 0060).
            self.seal_audit_chain().await?;
        }
        Ok(())
    }

    /// The data version: changes after every committed write (`write::Turns::version`).
    pub fn data_version(&self) -> u64 {
        self.turns.version.load(std::sync::atomic::Ordering::Acquire)
    }

    pub fn backend(&self) -> Backend {
        match &self.db {
            Db::Sqlite(_) => Backend::Sqlite,
            Db::Postgres(_) => Backend::Postgres,
        }
    }

    /// A cheap round trip, for `/healthz`.
    pub async fn ping(&self) -> Result<()> {
        crate::with_db!(&self.db, pool => {
            sqlx::query("SELECT 1").execute(pool).await?;
        });
        Ok(())
    }

    pub async fn close(&self) {
        crate::with_db!(&self.write_pool, pool => pool.close().await);
        crate::with_db!(&self.db, pool => pool.close().await)
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    /// SQLite as `.cargo/config.toml` builds it: without the shared page
    /// cache and the allocation counting, whose two process-wide mutexes
    /// the reading connections queued on. A build that lost the flags
    /// (another config, a changed libsqlite3-sys) fails here, not in a rush.
    #[tokio::test]
    async fn sqlite_is_built_without_its_process_wide_mutexes() {
        let store = crate::test_support::sqlite("compile-options").await;
        let crate::Db::Sqlite(pool) = &store.db else {
            unreachable!("a SQLite store")
        };
        let options: Vec<(String,)> = sqlx::query_as("PRAGMA compile_options")
            .fetch_all(pool)
            .await
            .expect("compile options");
        let options: Vec<String> = options.into_iter().map(|(o,)| o).collect();
        assert!(
            !options.iter().any(|o| o == "ENABLE_MEMORY_MANAGEMENT"),
            "the page caches share one group: {options:?}"
        );
        assert!(
            options.iter().any(|o| o == "DEFAULT_MEMSTATUS=0"),
            "SQLite counts every allocation: {options:?}"
        );
    }

    /// The readers' pool lends PostgreSQL connections without a ping (a
    /// trip per query): a connection the server dropped while it was idle
    /// fails one read, is discarded, and a later read opens a new one.
    #[tokio::test]
    async fn a_reading_connection_the_server_dropped_fails_one_read_at_most() {
        let Some(store) = crate::test_support::postgres("dropped-reader").await else {
            return;
        };
        let (crate::Db::Postgres(readers), crate::Db::Postgres(writer)) = (&store.db, &store.write_pool) else {
            unreachable!("a PostgreSQL store")
        };
        // Every connection of the readers' pool, held at once for its pid.
        let mut held = Vec::new();
        for _ in 0..readers.size().max(1) {
            held.push(readers.acquire().await.expect("a reader"));
        }
        let mut pids = Vec::new();
        for conn in &mut held {
            let (pid,): (i32,) = sqlx::query_as("SELECT pg_backend_pid()")
                .fetch_one(&mut **conn)
                .await
                .expect("pid");
            pids.push(pid);
        }
        drop(held);
        while readers.num_idle() < pids.len() {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        for pid in &pids {
            sqlx::query("SELECT pg_terminate_backend($1)")
                .bind(pid)
                .execute(writer)
                .await
                .expect("terminate");
        }
        let gone = "SELECT COUNT(*) FROM pg_stat_activity WHERE pid = ANY($1)";
        loop {
            let (left,): (i64,) = sqlx::query_as(gone).bind(&pids).fetch_one(writer).await.unwrap();
            if left == 0 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        let mut failed = 0;
        for _ in 0..pids.len() {
            if store.plans().await.is_err() {
                failed += 1;
            }
        }
        assert!(
            failed <= pids.len(),
            "{failed} failures for {} dropped connections",
            pids.len()
        );
        for _ in 0..5 {
            store
                .plans()
                .await
                .expect("a read once the dropped connections are gone");
        }
    }
}
