//! The one way to write. Every change to the database goes through a
//! [`Writer`]: a transaction that is a writer from its first statement, so
//! the state a write decides on cannot change under it.
//!
//! - SQLite: `BEGIN IMMEDIATE` takes the database's write lock at once. A
//!   second writer waits for it (the busy timeout applies) instead of failing
//!   with "database is locked" when its read would have turned into a write.
//! - PostgreSQL: `BEGIN`, then the writer locks the row it decides on
//!   (`SELECT … FOR UPDATE`, see [`Writer::for_update`]) or, for the few
//!   writes with no such row, the table ([`Writer::lock_table`]).
//!
//! Inside, a write reads the state, asks the domain to decide, writes, and
//! appends its audit event with [`Writer::audit`] (the only code that writes
//! `audit_events`) before [`Writer::commit`]. The SQL texts are the same for
//! both backends; only the lock clause above differs.

use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;
use sqlx::{Postgres, Sqlite, Transaction};
use xhht_domain::audit::Change;

use crate::reports::Stamp;
use crate::{Db, Result, Store};

/// One bound parameter, owned, so one list of arguments serves both drivers.
#[derive(Debug, Clone)]
pub(crate) enum Arg {
    Text(Option<String>),
    I32(Option<i32>),
    I64(Option<i64>),
    F64(Option<f64>),
    Bool(bool),
    /// BLOB on SQLite, BYTEA on PostgreSQL: sqlx binds `Vec<u8>` as either.
    Bytes(Vec<u8>),
}

macro_rules! arg_from {
    ($($t:ty => |$v:ident| $e:expr),* $(,)?) => {
        $(impl From<$t> for Arg {
            fn from($v: $t) -> Self {
                $e
            }
        })*
    };
}

arg_from! {
    &str => |v| Arg::Text(Some(v.to_string())),
    String => |v| Arg::Text(Some(v)),
    &String => |v| Arg::Text(Some(v.clone())),
    Option<String> => |v| Arg::Text(v),
    Option<&str> => |v| Arg::Text(v.map(String::from)),
    &Option<String> => |v| Arg::Text(v.clone()),
    i32 => |v| Arg::I32(Some(v)),
    Option<i32> => |v| Arg::I32(v),
    i64 => |v| Arg::I64(Some(v)),
    Option<i64> => |v| Arg::I64(v),
    Option<f64> => |v| Arg::F64(v),
    f64 => |v| Arg::F64(Some(v)),
    bool => |v| Arg::Bool(v),
    Vec<u8> => |v| Arg::Bytes(v),
}

/// `args![a, b, …]`: the parameters `$1, $2, …` of one statement.
macro_rules! args {
    ($($a:expr),* $(,)?) => {
        vec![$($crate::write::Arg::from($a)),*]
    };
}
pub(crate) use args;

macro_rules! bind_all {
    ($query:expr, $args:expr) => {{
        let mut q = $query;
        for a in $args {
            q = match a {
                Arg::Text(v) => q.bind(v),
                Arg::I32(v) => q.bind(v),
                Arg::I64(v) => q.bind(v),
                Arg::F64(v) => q.bind(v),
                Arg::Bool(v) => q.bind(v),
                Arg::Bytes(v) => q.bind(v),
            };
        }
        q
    }};
}

enum Tx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

/// An open write transaction. Dropped without [`Writer::commit`], it rolls back.
pub(crate) struct Writer {
    tx: Tx,
    /// The plan the store is scoped to: every plan-owned row written or
    /// read here carries it (0 before any plan is installed).
    pub(crate) plan: i64,
    /// The store's data version, bumped once this write commits.
    version: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

/// A row type both drivers can decode (tuples of plain types, `FromRow` structs).
pub(crate) trait Row:
    for<'r> sqlx::FromRow<'r, SqliteRow> + for<'r> sqlx::FromRow<'r, PgRow> + Send + Unpin
{
}
impl<T> Row for T where T: for<'r> sqlx::FromRow<'r, SqliteRow> + for<'r> sqlx::FromRow<'r, PgRow> + Send + Unpin {}

impl Store {
    /// Opens the write transaction every change goes through.
    pub(crate) async fn begin_write(&self) -> Result<Writer> {
        let tx = match &self.db {
            Db::Sqlite(pool) => Tx::Sqlite(pool.begin_with("BEGIN IMMEDIATE").await?),
            Db::Postgres(pool) => Tx::Postgres(pool.begin().await?),
        };
        let mut w = Writer {
            tx,
            plan: self.plan,
            version: self.version.clone(),
        };
        if w.plan == 0 {
            // A handle opened before any plan: the first installed one.
            let (id,): (Option<i64>,) = w.fetch_one("SELECT MIN(id) FROM plans", Vec::new()).await?;
            w.plan = id.unwrap_or(0);
        }
        Ok(w)
    }
}

impl Writer {
    /// Appended to the SELECT of the row a write decides on: PostgreSQL
    /// locks that row until commit; SQLite's transaction already holds the
    /// database's write lock (and has no such clause).
    pub(crate) fn for_update(&self) -> &'static str {
        match self.tx {
            Tx::Sqlite(_) => "",
            Tx::Postgres(_) => " FOR UPDATE",
        }
    }

    /// For writes with no row to lock (installing the plan, rebuilding the
    /// roll-ups): on PostgreSQL, locks `table` against every other writer
    /// of it until commit (readers go on). SQLite: already locked.
    pub(crate) async fn lock_table(&mut self, table: &str) -> Result<()> {
        if let Tx::Postgres(tx) = &mut self.tx {
            let sql = format!("LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE");
            sqlx::query(&sql).execute(&mut **tx).await?;
        }
        Ok(())
    }

    /// Runs one statement; returns the number of rows it changed.
    pub(crate) async fn execute(&mut self, sql: &str, args: Vec<Arg>) -> Result<u64> {
        Ok(match &mut self.tx {
            Tx::Sqlite(tx) => bind_all!(sqlx::query(sql), args)
                .execute(&mut **tx)
                .await?
                .rows_affected(),
            Tx::Postgres(tx) => bind_all!(sqlx::query(sql), args)
                .execute(&mut **tx)
                .await?
                .rows_affected(),
        })
    }

    pub(crate) async fn fetch_optional<T: Row>(&mut self, sql: &str, args: Vec<Arg>) -> Result<Option<T>> {
        Ok(match &mut self.tx {
            Tx::Sqlite(tx) => bind_all!(sqlx::query_as(sql), args).fetch_optional(&mut **tx).await?,
            Tx::Postgres(tx) => bind_all!(sqlx::query_as(sql), args).fetch_optional(&mut **tx).await?,
        })
    }

    pub(crate) async fn fetch_one<T: Row>(&mut self, sql: &str, args: Vec<Arg>) -> Result<T> {
        Ok(match &mut self.tx {
            Tx::Sqlite(tx) => bind_all!(sqlx::query_as(sql), args).fetch_one(&mut **tx).await?,
            Tx::Postgres(tx) => bind_all!(sqlx::query_as(sql), args).fetch_one(&mut **tx).await?,
        })
    }

    pub(crate) async fn fetch_all<T: Row>(&mut self, sql: &str, args: Vec<Arg>) -> Result<Vec<T>> {
        Ok(match &mut self.tx {
            Tx::Sqlite(tx) => bind_all!(sqlx::query_as(sql), args).fetch_all(&mut **tx).await?,
            Tx::Postgres(tx) => bind_all!(sqlx::query_as(sql), args).fetch_all(&mut **tx).await?,
        })
    }

    /// Appends one audit event: the only writer of `audit_events`. The kind
    /// goes to `action` (for queries), the typed change as its canonical JSON
    /// to `payload`; a reason the change carries itself is not repeated in
    /// `reason`, which keeps the stamp's note.
    pub(crate) async fn audit(
        &mut self,
        stamp: &Stamp,
        unit: Option<&str>,
        year: Option<i32>,
        change: &Change,
    ) -> Result<()> {
        let payload = serde_json::to_string(change).expect("a change is plain data");
        let note = if change.reason().is_some() {
            None
        } else {
            stamp.reason.clone()
        };
        self.execute(
            "INSERT INTO audit_events (at, actor, action, org_unit_code, year, reason, payload, plan_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            args![stamp.at_text(), &stamp.actor, change.kind(), unit, year, note, payload, self.plan_arg()],
        )
        .await?;
        Ok(())
    }

    /// The plan id for a nullable column: none before a plan is installed.
    fn plan_arg(&self) -> Option<i64> {
        (self.plan > 0).then_some(self.plan)
    }

    pub(crate) async fn commit(self) -> Result<()> {
        match self.tx {
            Tx::Sqlite(tx) => tx.commit().await?,
            Tx::Postgres(tx) => tx.commit().await?,
        }
        // After the commit: a page rendered from here on sees the change.
        self.version.fetch_add(1, std::sync::atomic::Ordering::AcqRel);
        Ok(())
    }
}

impl Writer {
    /// Appends many rows to `table` at the database's own loading speed:
    /// PostgreSQL through `COPY … FROM STDIN` (CSV), SQLite through
    /// multi-row INSERTs of up to [`SQLITE_PARAMS`] parameters, the same
    /// statement text reused for every full chunk (sqlx keeps it prepared).
    /// Inside this transaction, like any other write.
    pub(crate) async fn insert_rows(&mut self, table: &str, columns: &[&str], rows: Vec<Vec<Arg>>) -> Result<u64> {
        let n = rows.len() as u64;
        match &mut self.tx {
            Tx::Postgres(tx) => {
                let sql = format!("COPY {table} ({}) FROM STDIN WITH (FORMAT csv)", columns.join(", "));
                let mut copy = tx.copy_in_raw(&sql).await?;
                let mut buf = Vec::with_capacity(COPY_BUFFER + 1024);
                for row in &rows {
                    csv_line(&mut buf, row);
                    if buf.len() >= COPY_BUFFER {
                        copy.send(std::mem::take(&mut buf)).await?;
                        buf.reserve(COPY_BUFFER + 1024);
                    }
                }
                if !buf.is_empty() {
                    copy.send(buf).await?;
                }
                copy.finish().await?;
            }
            Tx::Sqlite(_) => {
                let per_insert = (SQLITE_PARAMS / columns.len().max(1)).max(1);
                let mut rows = rows.into_iter().peekable();
                while rows.peek().is_some() {
                    let chunk: Vec<Vec<Arg>> = rows.by_ref().take(per_insert).collect();
                    let sql = format!(
                        "INSERT INTO {table} ({}) VALUES {}",
                        columns.join(", "),
                        values_list(chunk.len(), columns.len())
                    );
                    self.execute(&sql, chunk.into_iter().flatten().collect()).await?;
                }
            }
        }
        Ok(n)
    }
}

/// Bytes handed to PostgreSQL's COPY at a time.
const COPY_BUFFER: usize = 1 << 20;

/// Bound parameters per INSERT on SQLite, under its limit of 32,766.
const SQLITE_PARAMS: usize = 32_000;

/// One row as a line of PostgreSQL's CSV: an unquoted empty field is NULL, a
/// quoted one the empty string, quotes doubled.
fn csv_line(buf: &mut Vec<u8>, row: &[Arg]) {
    use std::io::Write;
    for (i, a) in row.iter().enumerate() {
        if i > 0 {
            buf.push(b',');
        }
        let _ = match a {
            Arg::Text(None) | Arg::I32(None) | Arg::I64(None) | Arg::F64(None) => Ok(()),
            Arg::Text(Some(s)) => {
                buf.push(b'"');
                buf.extend_from_slice(s.replace('"', "\"\"").as_bytes());
                buf.push(b'"');
                Ok(())
            }
            Arg::I32(Some(v)) => write!(buf, "{v}"),
            Arg::I64(Some(v)) => write!(buf, "{v}"),
            // Rust prints the shortest text that reads back as the same f64.
            Arg::F64(Some(v)) => write!(buf, "{v}"),
            Arg::Bool(v) => write!(buf, "{}", if *v { "t" } else { "f" }),
            Arg::Bytes(v) => {
                let _ = write!(buf, "\\x");
                v.iter().try_for_each(|b| write!(buf, "{b:02x}"))
            }
        };
    }
    buf.push(b'\n');
}

/// `($1, $2, …), ($k+1, …), …` for `rows` rows of `cols` parameters: a
/// multi-row VALUES list both drivers accept.
pub(crate) fn values_list(rows: usize, cols: usize) -> String {
    let mut out = String::new();
    for r in 0..rows {
        if r > 0 {
            out.push_str(", ");
        }
        out.push('(');
        for c in 0..cols {
            if c > 0 {
                out.push_str(", ");
            }
            out.push_str(&format!("${}", r * cols + c + 1));
        }
        out.push(')');
    }
    out
}
