//! Fresh databases for each run: a SQLite file in the temporary directory, or
//! a PostgreSQL schema of its own (dropped and re-created, selected through
//! `search_path`, as `xhht_storage::test_support` does); their sizes.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use sqlx::Connection;
use sqlx::postgres::PgConnection;
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection, SqliteJournalMode};
use xhht_storage::Store;

/// Where one run's data live.
pub enum Target {
    Sqlite(PathBuf),
    Postgres { url: String, schema: String },
}

const SQLITE_SUFFIXES: [&str; 3] = ["", "-wal", "-shm"];

impl Target {
    pub fn sqlite(name: &str) -> Self {
        let file = format!("xhht-bench-{name}-{}.sqlite", std::process::id());
        Self::Sqlite(std::env::temp_dir().join(file))
    }

    pub fn postgres(url: &str, name: &str) -> Self {
        Self::Postgres {
            url: url.to_string(),
            schema: format!("bench_{name}"),
        }
    }

    pub fn backend(&self) -> &'static str {
        match self {
            Self::Sqlite(_) => "SQLite",
            Self::Postgres { .. } => "PostgreSQL",
        }
    }

    /// The file or the schema, for people.
    pub fn describe(&self) -> String {
        match self {
            Self::Sqlite(path) => path.display().to_string(),
            Self::Postgres { schema, .. } => format!("schema {schema}"),
        }
    }

    /// An empty, migrated store.
    pub async fn fresh(&self) -> anyhow::Result<Store> {
        self.remove().await?;
        let url = match self {
            Self::Sqlite(path) => path.display().to_string(),
            Self::Postgres { url, schema } => {
                let mut admin = admin(url).await?;
                sqlx::query(&format!("CREATE SCHEMA {schema}"))
                    .execute(&mut admin)
                    .await?;
                let sep = if url.contains('?') { '&' } else { '?' };
                format!("{url}{sep}options%5Bsearch_path%5D={schema}")
            }
        };
        Store::open(&url)
            .await
            .with_context(|| format!("open {}", self.describe()))
    }

    /// Updates the planner statistics after a bulk load, as autovacuum soon
    /// would (PostgreSQL); SQLite is used as the application leaves it.
    pub async fn analyze(&self) -> anyhow::Result<()> {
        if let Self::Postgres { url, schema } = self {
            let mut admin = admin(url).await?;
            let tables: Vec<(String,)> = sqlx::query_as("SELECT tablename::text FROM pg_tables WHERE schemaname = $1")
                .bind(schema)
                .fetch_all(&mut admin)
                .await?;
            for (t,) in tables {
                sqlx::query(&format!("ANALYZE {schema}.{t}"))
                    .execute(&mut admin)
                    .await?;
            }
        }
        Ok(())
    }

    /// Writes out what a bulk setup left in the logs (SQLite's WAL into the
    /// file, PostgreSQL's checkpoint), so a measurement that follows meets
    /// the database as a server meets it days after a history load, not the
    /// checkpoint of 1.3 M fresh rows landing in the middle of it (a rush
    /// measured without it had p99s of 0.75-0.8 s in two runs of five).
    pub async fn checkpoint(&self) -> anyhow::Result<()> {
        match self {
            Self::Sqlite(path) => {
                let opts = SqliteConnectOptions::new()
                    .filename(path)
                    .journal_mode(SqliteJournalMode::Wal)
                    .busy_timeout(Duration::from_secs(30));
                let mut c = SqliteConnection::connect_with(&opts).await?;
                sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(&mut c).await?;
                c.close().await?;
            }
            Self::Postgres { url, .. } => {
                let mut admin = admin(url).await?;
                sqlx::query("CHECKPOINT").execute(&mut admin).await?;
            }
        }
        Ok(())
    }

    /// Bytes on disk: the SQLite file (after the store is closed, so the WAL
    /// is checkpointed), or every table of the schema with its indexes.
    pub async fn size(&self) -> anyhow::Result<u64> {
        match self {
            Self::Sqlite(path) => {
                // Move what the WAL still holds into the file, so the size
                // does not depend on when the pool's last connection closed.
                self.checkpoint().await?;
                Ok(SQLITE_SUFFIXES
                    .iter()
                    .filter_map(|s| std::fs::metadata(format!("{}{s}", path.display())).ok())
                    .map(|m| m.len())
                    .sum())
            }
            Self::Postgres { url, schema } => {
                let mut admin = admin(url).await?;
                let (n,): (i64,) = sqlx::query_as(
                    "SELECT COALESCE(SUM(pg_total_relation_size(c.oid)), 0)::bigint FROM pg_class c \
                     JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind = 'r'",
                )
                .bind(schema)
                .fetch_one(&mut admin)
                .await?;
                Ok(u64::try_from(n).unwrap_or(0))
            }
        }
    }

    /// Deletes the file or drops the schema.
    pub async fn remove(&self) -> anyhow::Result<()> {
        match self {
            Self::Sqlite(path) => {
                for s in SQLITE_SUFFIXES {
                    let _ = std::fs::remove_file(format!("{}{s}", path.display()));
                }
            }
            Self::Postgres { url, schema } => {
                let mut admin = admin(url).await?;
                sqlx::query(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))
                    .execute(&mut admin)
                    .await?;
            }
        }
        Ok(())
    }
}

async fn admin(url: &str) -> anyhow::Result<PgConnection> {
    let connect = tokio::time::timeout(Duration::from_secs(5), PgConnection::connect(url)).await;
    match connect {
        Ok(c) => c.with_context(|| format!("connect to {url}")),
        Err(_) => anyhow::bail!("connect to {url}: no answer in 5 s"),
    }
}

/// The PostgreSQL server's version, or why it cannot be reached.
pub async fn postgres_version(url: &str) -> anyhow::Result<String> {
    let mut c = admin(url).await?;
    let (v,): (String,) = sqlx::query_as("SHOW server_version").fetch_one(&mut c).await?;
    Ok(v)
}

/// The SQLite library the application is linked with.
pub async fn sqlite_version() -> anyhow::Result<String> {
    let mut c = SqliteConnection::connect("sqlite::memory:").await?;
    let (v,): (String,) = sqlx::query_as("SELECT sqlite_version()").fetch_one(&mut c).await?;
    Ok(v)
}
