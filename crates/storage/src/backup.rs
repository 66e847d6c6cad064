//! Backups of a SQLite database while it serves, and restoring one.
//! `VACUUM INTO` writes a consistent snapshot (one read transaction) to a
//! new file without stopping writers. PostgreSQL has `pg_dump` for this.

use std::path::{Path, PathBuf};
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
use xhht_domain::audit::Change;

use crate::{Db, Result, Stamp, StorageError, Store};

/// Why a backup or restore was not done (worded by the CLI).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BackupRefusal {
    /// The database is PostgreSQL: `pg_dump` is the tool.
    Postgres,
    /// The output file exists already; a backup never overwrites.
    OutputExists { path: PathBuf },
    /// The database to restore into holds data and `--force` was not given.
    TargetNotEmpty { path: PathBuf },
    /// The file to restore from is not an XHHT database.
    NotABackup { path: PathBuf },
}

impl From<BackupRefusal> for StorageError {
    fn from(r: BackupRefusal) -> Self {
        Self::Backup(r)
    }
}

impl Store {
    /// Writes a consistent copy of the whole database (every plan) to
    /// `out`, then records the copy in the audit trail.
    pub async fn backup_to(&self, stamp: &Stamp, out: &Path) -> Result<()> {
        let Db::Sqlite(pool) = &self.db else {
            return Err(BackupRefusal::Postgres.into());
        };
        if out.exists() {
            return Err(BackupRefusal::OutputExists { path: out.into() }.into());
        }
        sqlx::query("VACUUM INTO $1")
            .bind(out.to_string_lossy().into_owned())
            .execute(pool)
            .await?;
        let change = Change::BackupMade {
            file: out.display().to_string(),
        };
        let mut w = self.begin_write().await?;
        w.audit(stamp, None, None, &change).await?;
        w.commit().await
    }

    /// Replaces the SQLite database at `target` by the backup at `from`,
    /// refusing a target that holds data unless `force`; then opens it
    /// (migrating an older backup) and records the restore.
    pub async fn restore(stamp: &Stamp, from: &Path, target: &Path, force: bool) -> Result<Store> {
        let source = open_read_only(from).await?;
        if !force && holds_data(target).await? {
            return Err(BackupRefusal::TargetNotEmpty { path: target.into() }.into());
        }
        for suffix in ["", "-wal", "-shm"] {
            let mut p = target.as_os_str().to_owned();
            p.push(suffix);
            match std::fs::remove_file(&p) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(StorageError::Database(sqlx::Error::Io(e))),
            }
        }
        sqlx::query("VACUUM INTO $1")
            .bind(target.to_string_lossy().into_owned())
            .execute(&source)
            .await?;
        source.close().await;
        let store = Store::open(&format!("sqlite:{}", target.display())).await?;
        let change = Change::Restored {
            from: from.display().to_string(),
        };
        let mut w = store.begin_write().await?;
        w.audit(stamp, None, None, &change).await?;
        w.commit().await?;
        Ok(store)
    }
}

/// The backup, opened without writing to it; refused unless it has the
/// tables of an XHHT database.
async fn open_read_only(path: &Path) -> Result<sqlx::SqlitePool> {
    let not_a_backup = || StorageError::from(BackupRefusal::NotABackup { path: path.into() });
    if !path.is_file() {
        return Err(not_a_backup());
    }
    let opts = SqliteConnectOptions::new()
        .filename(path)
        .read_only(true)
        .busy_timeout(Duration::from_secs(10));
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(opts)
        .await
        .map_err(|_| not_a_backup())?;
    let plans: std::result::Result<(i64,), _> = sqlx::query_as("SELECT COUNT(*) FROM plans").fetch_one(&pool).await;
    if plans.is_err() {
        return Err(not_a_backup());
    }
    Ok(pool)
}

/// Whether the file at `path` is a database with any table in it.
async fn holds_data(path: &Path) -> Result<bool> {
    if std::fs::metadata(path).map_or(true, |m| m.len() == 0) {
        return Ok(false);
    }
    let pool = open_read_only_any(path).await?;
    let (tables,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'")
        .fetch_one(&pool)
        .await?;
    pool.close().await;
    Ok(tables > 0)
}

async fn open_read_only_any(path: &Path) -> Result<sqlx::SqlitePool> {
    let opts = SqliteConnectOptions::new().filename(path).read_only(true);
    Ok(SqlitePoolOptions::new().max_connections(1).connect_with(opts).await?)
}
