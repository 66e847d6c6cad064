//! Stores for tests, so every storage test runs on SQLite and PostgreSQL.
//!
//! PostgreSQL comes from `XHHT_TEST_POSTGRES_URL` (default
//! `postgres://postgres@127.0.0.1:5432/test`); each test gets a schema of its
//! own, dropped and re-created at the start. Without a server the PostgreSQL
//! run is skipped with a message, unless `XHHT_REQUIRE_POSTGRES=1` (set by
//! `.ci/run`), in which case the test fails.

use std::io::Write;
use std::str::FromStr;
use std::time::Duration;

use sqlx::Connection;
use sqlx::postgres::{PgConnectOptions, PgConnection};
use xhht_domain::indicator::{Hierarchy, Inputs, compute};
use xhht_domain::plan::Plan;

use crate::Store;

pub const POSTGRES_URL_VAR: &str = "XHHT_TEST_POSTGRES_URL";
pub const REQUIRE_POSTGRES_VAR: &str = "XHHT_REQUIRE_POSTGRES";
const DEFAULT_POSTGRES_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

/// A fresh SQLite store and, when available, a fresh PostgreSQL one.
pub async fn stores(name: &str) -> Vec<Store> {
    let mut out = vec![sqlite(name).await];
    out.extend(postgres(name).await);
    out
}

/// Fresh stores (as [`stores`]) migrated only up to migration `last`: a
/// database as an earlier release left it. [`upgrade`] then migrates it as
/// opening it with this release does.
pub async fn stores_at(name: &str, last: i64) -> Vec<Store> {
    let mut out = vec![sqlite_at(name, Some(last)).await];
    out.extend(postgres_at(name, Some(last)).await);
    out
}

/// Runs the remaining migrations, as [`Store::open`] does.
pub async fn upgrade(store: &Store) -> crate::Result<()> {
    store.migrate().await
}

/// Runs one SQL statement as is:
/// for writing rows in an earlier release's format in tests.
pub async fn execute(store: &Store, sql: &str) {
    crate::with_db!(&store.db, pool => {
        sqlx::query(sql).execute(pool).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
    });
}

/// Every table's columns: table → [(column, type class, not null)], with the
/// type classes `integer`, `real`, `text`, `boolean` (what both backends mean
/// by a column's type), leaving out sqlx's own bookkeeping.
pub async fn columns(store: &Store) -> std::collections::BTreeMap<String, Vec<(String, String, bool)>> {
    let mut out: std::collections::BTreeMap<String, Vec<(String, String, bool)>> = Default::default();
    let rows: Vec<(String, String, String, bool)> = match &store.db {
        crate::Db::Sqlite(pool) => sqlx::query_as(
            "SELECT m.name, p.name, p.type, p.\"notnull\" OR p.pk > 0 FROM sqlite_master m JOIN pragma_table_info(m.name) p \
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> '_sqlx_migrations' ORDER BY m.name, p.cid",
        )
        .fetch_all(pool)
        .await
        .expect("SQLite columns"),
        crate::Db::Postgres(pool) => sqlx::query_as(
            "SELECT table_name::text, column_name::text, data_type::text, is_nullable = 'NO' FROM information_schema.columns \
             WHERE table_schema = current_schema() AND table_name <> '_sqlx_migrations' ORDER BY table_name, ordinal_position",
        )
        .fetch_all(pool)
        .await
        .expect("PostgreSQL columns"),
    };
    for (table, column, ty, not_null) in rows {
        let class = match ty.to_lowercase().as_str() {
            "integer" | "bigint" | "smallint" => "integer",
            "double precision" | "real" => "real",
            "text" => "text",
            "boolean" => "boolean",
            // BLOB on SQLite, BYTEA on PostgreSQL: both hold bytes (issued reports).
            "blob" | "bytea" => "bytes",
            other => panic!("{table}.{column}: type “{other}” has no class here; add it"),
        };
        out.entry(table)
            .or_default()
            .push((column, class.to_string(), not_null));
    }
    out
}

/// A fresh SQLite database in a temporary file.
pub async fn sqlite(name: &str) -> Store {
    sqlite_at(name, None).await
}

async fn sqlite_at(name: &str, last: Option<i64>) -> Store {
    let path = std::env::temp_dir().join(format!("xhht-test-{}-{}.sqlite", safe(name), std::process::id()));
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    let store = Store::open_sqlite(&path.display().to_string())
        .await
        .expect("open SQLite test database");
    store.migrate_to(last).await.expect("migrate SQLite test database");
    store
}

/// A fresh PostgreSQL schema, or `None` (with a message) when no server answers.
pub async fn postgres(name: &str) -> Option<Store> {
    postgres_at(name, None).await
}

async fn postgres_at(name: &str, last: Option<i64>) -> Option<Store> {
    let url = std::env::var(POSTGRES_URL_VAR).unwrap_or_else(|_| DEFAULT_POSTGRES_URL.to_string());
    let required = std::env::var(REQUIRE_POSTGRES_VAR).is_ok_and(|v| v == "1");
    let schema = format!("t_{}", safe(name));
    let connect = tokio::time::timeout(Duration::from_secs(5), PgConnection::connect(&url)).await;
    let mut admin = match connect {
        Ok(Ok(c)) => c,
        failed if required => {
            panic!("PostgreSQL is required ({REQUIRE_POSTGRES_VAR}=1) but {url} is unreachable: {failed:?}")
        }
        failed => {
            let why = match failed {
                Ok(Err(e)) => e.to_string(),
                _ => "no answer in 5 s".to_string(),
            };
            say_uncaptured(&format!(
                "SKIPPED: PostgreSQL run of “{name}”: no server at {url} ({why}); set {POSTGRES_URL_VAR} to run it\n"
            ));
            return None;
        }
    };
    for sql in [
        format!("DROP SCHEMA IF EXISTS {schema} CASCADE"),
        format!("CREATE SCHEMA {schema}"),
    ] {
        sqlx::query(&sql)
            .execute(&mut admin)
            .await
            .expect("prepare test schema");
    }
    let opts = PgConnectOptions::from_str(&url)
        .expect("valid URL")
        .options([("search_path", schema.as_str())]);
    let store = Store::open_postgres(opts).await.expect("connect to PostgreSQL");
    store.migrate_to(last).await.expect("migrate PostgreSQL test schema");
    Some(store)
}

/// Checks that the roll-ups kept by difference at every approval equal a
/// fresh computation from the approved values, for every area, indicator and
/// year of `years`; panics naming the first difference (`label` says when).
pub async fn assert_rollups_consistent(store: &Store, plan: &Plan, years: std::ops::RangeInclusive<i32>, label: &str) {
    let mut per_year = Vec::new();
    for year in years.clone() {
        per_year.push((
            year,
            store.approved_values(plan, year).await.expect("read approved values"),
        ));
    }
    for area in &plan.org_units {
        let stored = store.rollups(&area.code, years.clone()).await.expect("read roll-ups");
        for (year, values) in &per_year {
            let tree = Hierarchy::new(plan, *year);
            let inputs = Inputs {
                plan,
                tree: &tree,
                year: *year,
                values,
                prev: None,
            };
            for ind in &plan.indicators {
                let fresh = compute(&inputs, ind, &area.code);
                let r = stored
                    .get(&ind.code)
                    .and_then(|y| y.get(year))
                    .cloned()
                    .unwrap_or_default();
                let kept = r.value(ind, &area.code, *year, fresh.units_expected);
                assert_eq!(
                    kept,
                    fresh,
                    "{label}: {} {} {year} on {:?}",
                    area.code,
                    ind.code,
                    store.backend()
                );
            }
        }
    }
}

fn safe(name: &str) -> String {
    let s: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    s.chars().take(50).collect()
}

/// Writes to the process's real standard error. The test harness captures
/// `eprintln!` and `io::stderr()` of passing tests, but a skipped PostgreSQL
/// run must be visible in a plain `cargo test`.
pub fn say_uncaptured(message: &str) {
    #[cfg(unix)]
    {
        use std::os::fd::FromRawFd;
        // SAFETY: descriptor 2 stays open for the whole process; ManuallyDrop
        // keeps this File from closing it.
        let mut fd2 = std::mem::ManuallyDrop::new(unsafe { std::fs::File::from_raw_fd(2) });
        let _ = fd2.write_all(message.as_bytes());
    }
    #[cfg(not(unix))]
    eprint!("{message}");
}
