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
//!
//! Audit events are hash-chained (`domain::audit::chain`): the first event
//! of a write reads and locks the chain's end (the one row of
//! `audit_chain`, `FOR UPDATE` on PostgreSQL; SQLite's write lock is
//! already held), every event takes the next place and links to the one
//! before, and the commit stores the new end. Two writers therefore append
//! one after the other and cannot fork the chain. Since the lock is held
//! from the first event to the commit, a write appends its events after
//! the statements that may wait on another writer (it locks its own rows
//! first), so two writers never wait on each other.

use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;
use sqlx::{Postgres, Sqlite, Transaction};
use xhht_domain::audit::Change;
use xhht_domain::audit::chain::{ChainRow, Head};

use crate::reports::Stamp;
use crate::{Result, Store};

mod group;
pub(crate) mod thread;
pub(crate) use group::Turns;

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

impl Tx {
    /// Runs one statement; returns the number of rows it changed.
    async fn execute(&mut self, sql: &str, args: Vec<Arg>) -> Result<u64> {
        Ok(match self {
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
}

/// An open write: a savepoint in this process's write transaction (see
/// `group`). Dropped without [`Writer::commit`], it rolls back.
pub(crate) struct Writer {
    /// The turn, until the write is committed or dropped.
    turn: Option<group::Turn>,
    /// The plan the store is scoped to: every plan-owned row written or
    /// read here carries it (0 before any plan is installed).
    pub(crate) plan: i64,
    /// The audit chain's end, read and locked at this write's first event
    /// and stored again at commit.
    chain: Option<Head>,
}

/// A foreign key dropped for a bulk load, as PostgreSQL defines it.
pub(crate) struct ForeignKey {
    table: String,
    name: String,
    definition: String,
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
        self.begin(false).await
    }

    /// [`Store::begin_write`] for a write that may take long (an import, a
    /// rebuild, a plan install): the writes already waiting for their
    /// commit are committed first instead of waiting behind it.
    pub(crate) async fn begin_long_write(&self) -> Result<Writer> {
        self.begin(true).await
    }

    async fn begin(&self, solo: bool) -> Result<Writer> {
        let turn = self.turns.take(&self.write_pool, solo).await?;
        let mut w = Writer {
            turn: Some(turn),
            plan: self.plan,
            chain: None,
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
    fn tx(&mut self) -> &mut Tx {
        self.turn.as_mut().expect("an open write holds its turn").tx()
    }

    fn tx_ref(&self) -> &Tx {
        self.turn.as_ref().expect("an open write holds its turn").tx_ref()
    }

    /// Appended to the SELECT of the row a write decides on: PostgreSQL
    /// locks that row until commit; SQLite's transaction already holds the
    /// database's write lock (and has no such clause).
    pub(crate) fn for_update(&self) -> &'static str {
        match self.tx_ref() {
            Tx::Sqlite(_) => "",
            Tx::Postgres(_) => " FOR UPDATE",
        }
    }

    /// For writes with no row to lock (installing the plan, rebuilding the
    /// roll-ups): on PostgreSQL, locks `table` against every other writer
    /// of it until commit (readers go on). SQLite: already locked.
    pub(crate) async fn lock_table(&mut self, table: &str) -> Result<()> {
        if let Tx::Postgres(tx) = self.tx() {
            let sql = format!("LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE");
            sqlx::query(&sql).execute(&mut **tx).await?;
        }
        Ok(())
    }

    /// After a bulk insert into `table` inside this transaction: fresh
    /// planner statistics on PostgreSQL, so the foreign-key checks of the
    /// rows that follow look the new rows up by their key instead of
    /// scanning a whole year (without it a 1.3 M-value import took 400 s).
    /// SQLite's checks always use the key: nothing to do.
    pub(crate) async fn analyze(&mut self, table: &str) -> Result<()> {
        if let Tx::Postgres(tx) = self.tx() {
            sqlx::query(&format!("ANALYZE {table}")).execute(&mut **tx).await?;
        }
        Ok(())
    }

    /// Runs one statement; returns the number of rows it changed.
    pub(crate) async fn execute(&mut self, sql: &str, args: Vec<Arg>) -> Result<u64> {
        self.tx().execute(sql, args).await
    }

    /// Before a bulk load into `tables` on PostgreSQL: drops their foreign
    /// keys until [`Writer::restore_foreign_keys`], in this transaction.
    /// PostgreSQL checks a foreign key row by row, which made a COPY of a
    /// national year's values about five times slower (measured: 1.36 M
    /// rows in 21.3 s with the two keys, 4.5 s without); put back, a key
    /// checks every row in one join. Dropping a key locks the table against
    /// readers until commit, so only loads big enough to pay for it do
    /// this. A rollback puts the keys back as they were. SQLite: nothing
    /// (its keys cost little, and it cannot drop one).
    pub(crate) async fn suspend_foreign_keys(&mut self, tables: &[&str]) -> Result<Vec<ForeignKey>> {
        if matches!(self.tx_ref(), Tx::Sqlite(_)) {
            return Ok(Vec::new());
        }
        let mut keys = Vec::new();
        for table in tables {
            let found: Vec<(String, String)> = self
                .fetch_all(
                    "SELECT conname::text, pg_get_constraintdef(oid) FROM pg_constraint \
                     WHERE contype = 'f' AND conrelid = $1::regclass ORDER BY conname",
                    args![*table],
                )
                .await?;
            for (name, definition) in found {
                self.execute(&format!("ALTER TABLE {table} DROP CONSTRAINT \"{name}\""), Vec::new())
                    .await?;
                keys.push(ForeignKey {
                    table: table.to_string(),
                    name,
                    definition,
                });
            }
        }
        Ok(keys)
    }

    /// Puts back the keys [`Writer::suspend_foreign_keys`] dropped: each
    /// checks the whole table in one join (after fresh statistics, without
    /// which PostgreSQL planned a 1.36 M-row check as a six-minute loop).
    pub(crate) async fn restore_foreign_keys(&mut self, keys: Vec<ForeignKey>) -> Result<()> {
        let mut analyzed: Vec<&str> = Vec::new();
        for key in &keys {
            if !analyzed.contains(&key.table.as_str()) {
                self.analyze(&key.table).await?;
                analyzed.push(&key.table);
            }
            let sql = format!(
                "ALTER TABLE {} ADD CONSTRAINT \"{}\" {}",
                key.table, key.name, key.definition
            );
            self.execute(&sql, Vec::new()).await?;
        }
        Ok(())
    }

    pub(crate) async fn fetch_optional<T: Row>(&mut self, sql: &str, args: Vec<Arg>) -> Result<Option<T>> {
        Ok(match self.tx() {
            Tx::Sqlite(tx) => bind_all!(sqlx::query_as(sql), args).fetch_optional(&mut **tx).await?,
            Tx::Postgres(tx) => bind_all!(sqlx::query_as(sql), args).fetch_optional(&mut **tx).await?,
        })
    }

    pub(crate) async fn fetch_one<T: Row>(&mut self, sql: &str, args: Vec<Arg>) -> Result<T> {
        Ok(match self.tx() {
            Tx::Sqlite(tx) => bind_all!(sqlx::query_as(sql), args).fetch_one(&mut **tx).await?,
            Tx::Postgres(tx) => bind_all!(sqlx::query_as(sql), args).fetch_one(&mut **tx).await?,
        })
    }

    pub(crate) async fn fetch_all<T: Row>(&mut self, sql: &str, args: Vec<Arg>) -> Result<Vec<T>> {
        Ok(match self.tx() {
            Tx::Sqlite(tx) => bind_all!(sqlx::query_as(sql), args).fetch_all(&mut **tx).await?,
            Tx::Postgres(tx) => bind_all!(sqlx::query_as(sql), args).fetch_all(&mut **tx).await?,
        })
    }

    /// Appends one audit event of this plan: the only writer of
    /// `audit_events`. The kind goes to `action` (for queries), the typed
    /// change as its canonical JSON to `payload`; a reason the change
    /// carries itself is not repeated in `reason`, which keeps the stamp's
    /// note. The event takes the next place in the hash chain.
    pub(crate) async fn audit(
        &mut self,
        stamp: &Stamp,
        unit: Option<&str>,
        year: Option<i32>,
        change: &Change,
    ) -> Result<()> {
        let plan = self.plan_arg();
        self.append(stamp, unit, year, change, plan).await
    }

    /// [`Writer::audit`] for an event that belongs to no plan (the unit
    /// register): `plan_id` stays NULL.
    pub(crate) async fn audit_outside_plan(
        &mut self,
        stamp: &Stamp,
        unit: Option<&str>,
        change: &Change,
    ) -> Result<()> {
        self.append(stamp, unit, None, change, None).await
    }

    async fn append(
        &mut self,
        stamp: &Stamp,
        unit: Option<&str>,
        year: Option<i32>,
        change: &Change,
        plan: Option<i64>,
    ) -> Result<()> {
        self.chain_head().await?;
        self.insert_chained(event_row(stamp, unit, year, change, plan)).await
    }

    /// Appends `changes` to the trail as events of one stamp, in order, in
    /// one statement per [`ROWS_PER_STATEMENT`] events: a form's save is one
    /// trip to the database, not one per field.
    pub(crate) async fn audit_all(
        &mut self,
        stamp: &Stamp,
        unit: Option<&str>,
        year: Option<i32>,
        changes: &[Change],
    ) -> Result<()> {
        if changes.is_empty() {
            return Ok(());
        }
        self.chain_head().await?;
        let plan = self.plan_arg();
        let head = self.chain.as_mut().expect("the chain's end is read first");
        let rows = changes
            .iter()
            .map(|change| chained(head, event_row(stamp, unit, year, change, plan)))
            .collect();
        self.insert_events(rows).await
    }

    /// Audit rows (as [`chained`] made them), in statements of up to
    /// [`ROWS_PER_STATEMENT`] rows.
    async fn insert_events(&mut self, rows: Vec<Vec<Arg>>) -> Result<()> {
        for chunk in rows.chunks(ROWS_PER_STATEMENT) {
            let sql = format!(
                "INSERT INTO audit_events ({AUDIT_COLUMNS}) VALUES {}",
                placeholders(chunk)
            );
            self.execute(&sql, chunk.concat()).await?;
        }
        Ok(())
    }

    /// Inserts `rows` into `table`, or updates the rows whose `key` they
    /// carry (every other column set to the new row's), in statements of up
    /// to [`ROWS_PER_STATEMENT`] rows. Each row holds `columns`, in order.
    pub(crate) async fn upsert_rows(
        &mut self,
        table: &str,
        columns: &[&str],
        key: &[&str],
        rows: Vec<Vec<Arg>>,
    ) -> Result<()> {
        let set: Vec<String> = columns
            .iter()
            .filter(|c| !key.contains(c))
            .map(|c| format!("{c} = excluded.{c}"))
            .collect();
        for chunk in rows.chunks(ROWS_PER_STATEMENT) {
            let sql = format!(
                "INSERT INTO {table} ({}) VALUES {} ON CONFLICT ({}) DO UPDATE SET {}",
                columns.join(", "),
                placeholders(chunk),
                key.join(", "),
                set.join(", ")
            );
            self.execute(&sql, chunk.concat()).await?;
        }
        Ok(())
    }

    /// Inserts `row` at the next place of the chain (already read).
    async fn insert_chained(&mut self, row: ChainRow) -> Result<()> {
        let head = self.chain.as_mut().expect("the chain's end is read first");
        let row = chained(head, row);
        self.insert_events(vec![row]).await
    }

    /// Reads and locks the chain's end once per write. A database whose
    /// earlier rows were never chained (made before migration 0060) has
    /// them chained here first, once, as they stand.
    pub(crate) async fn chain_head(&mut self) -> Result<()> {
        if self.chain.is_some() {
            return Ok(());
        }
        // An earlier write of this group left the end in memory: the row
        // is already locked and is written once, at the group's commit.
        if let Some(head) = self.turn.as_ref().and_then(|t| t.chain_head()) {
            self.chain = Some(head);
            return Ok(());
        }
        let sql = format!(
            "SELECT seq, hash, sealed FROM audit_chain WHERE id = 1{}",
            self.for_update()
        );
        let (seq, hash, sealed): (i64, String, bool) = self.fetch_one(&sql, Vec::new()).await?;
        self.chain = Some(Head { seq, hash });
        if !sealed {
            self.seal().await?;
        }
        Ok(())
    }

    /// Chains the rows that have no place yet, in id order, and records
    /// that it did (an `audit_sealed` event) when there were any: the chain
    /// vouches for them from now on, not for what happened to them before.
    async fn seal(&mut self) -> Result<()> {
        let rows: Vec<crate::audit_chain::StoredChainRow> = self
            .fetch_all(
                &format!("{} WHERE hash IS NULL ORDER BY id", crate::audit_chain::SELECT_ROWS),
                Vec::new(),
            )
            .await?;
        let count = rows.len() as u64;
        for row in rows {
            let row = ChainRow::from(row);
            let head = self.chain.as_mut().expect("read above");
            let (seq, prev, hash) = head.append(&row);
            self.execute(
                "UPDATE audit_events SET seq = $1, prev_hash = $2, hash = $3 WHERE id = $4",
                args![seq, prev, hash, row.id],
            )
            .await?;
        }
        self.execute("UPDATE audit_chain SET sealed = TRUE WHERE id = 1", Vec::new())
            .await?;
        if count > 0 {
            let through = self.chain.as_ref().expect("read above").hash.clone();
            let change = Change::AuditSealed { events: count, through };
            self.insert_chained(event_row(&Stamp::now("xhht"), None, None, &change, None))
                .await?;
        }
        Ok(())
    }

    /// The plan id for a nullable column: none before a plan is installed.
    fn plan_arg(&self) -> Option<i64> {
        (self.plan > 0).then_some(self.plan)
    }

    /// Keeps the write; returns once it is committed (with its group). The
    /// chain's new end goes to the group, which stores it before COMMIT.
    pub(crate) async fn commit(mut self) -> Result<()> {
        let head = self.chain.take();
        let turn = self.turn.take().expect("an open write holds its turn");
        turn.done(head).await
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
        match self.tx() {
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
                let tuple = format!("({})", vec!["?"; columns.len()].join(", "));
                let mut rows = rows.into_iter().peekable();
                while rows.peek().is_some() {
                    let chunk: Vec<Vec<Arg>> = rows.by_ref().take(per_insert).collect();
                    // `?`, not `$N`: SQLite finds a named parameter by a
                    // linear search, which made binding n parameters O(n²)
                    // (97% of a 1.3 M-value import); `?` binds in order.
                    let sql = format!(
                        "INSERT INTO {table} ({}) VALUES {}",
                        columns.join(", "),
                        vec![tuple.as_str(); chunk.len()].join(", ")
                    );
                    self.execute(&sql, chunk.into_iter().flatten().collect()).await?;
                }
            }
        }
        Ok(n)
    }
}

/// An audit event as its row: the kind goes to `action` (for queries), the
/// typed change as its canonical JSON to `payload`; a reason the change
/// carries itself is not repeated in `reason`, which keeps the stamp's note.
fn event_row(stamp: &Stamp, unit: Option<&str>, year: Option<i32>, change: &Change, plan: Option<i64>) -> ChainRow {
    let note = if change.reason().is_some() {
        None
    } else {
        stamp.reason.clone()
    };
    ChainRow {
        at: stamp.at_text(),
        actor: stamp.actor.clone(),
        action: change.kind().to_string(),
        unit: unit.map(String::from),
        year,
        reason: note,
        payload: Some(serde_json::to_string(change).expect("a change is plain data")),
        plan_id: plan,
        ..ChainRow::default()
    }
}

/// `row` placed at the chain's next link, as the arguments of [`AUDIT_COLUMNS`].
fn chained(head: &mut Head, row: ChainRow) -> Vec<Arg> {
    let (seq, prev, hash) = head.append(&row);
    args![
        row.at,
        row.actor,
        row.action,
        row.unit,
        row.year,
        row.reason,
        row.payload,
        row.plan_id,
        seq,
        prev,
        hash
    ]
}

/// The columns an audit event is written with.
const AUDIT_COLUMNS: &str = "at, actor, action, org_unit_code, year, reason, payload, plan_id, seq, prev_hash, hash";

/// Rows per statement of a batched write: a form's worth, and at most a
/// few thousand parameters, which SQLite numbers by a linear search.
const ROWS_PER_STATEMENT: usize = 100;

/// `($1, …, $k), ($k+1, …)`: the placeholders of `rows`, numbered in order.
fn placeholders(rows: &[Vec<Arg>]) -> String {
    let mut n = 0;
    let tuples: Vec<String> = rows
        .iter()
        .map(|row| {
            let one: Vec<String> = row
                .iter()
                .map(|_| {
                    n += 1;
                    format!("${n}")
                })
                .collect();
            format!("({})", one.join(", "))
        })
        .collect();
    tuples.join(", ")
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
            Arg::Bytes(v) => write!(buf, "\\x{}", crate::sessions::hex(v)),
        };
    }
    buf.push(b'\n');
}
