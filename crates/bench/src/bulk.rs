//! Bulk loading against the databases' own importers, in the same run: the
//! national fixture's values loaded by `Store::import_approved_years` (each
//! value once, as the approved copy, plus one report per unit and year, all
//! years in one transaction), and the very same rows as a
//! CSV file loaded by `sqlite3 .import` and by PostgreSQL's `COPY` (psql
//! `\copy`) into one table shaped like `approved_values`, in the same
//! database. The ratio compares values per second.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, bail};
use xhht_domain::values::YearValues;
use xhht_storage::Stamp;

use crate::db::Target;
use crate::measure::once;
use crate::{ACTOR, Fixture, report};

/// One backend's figures.
pub struct Load {
    pub backend: &'static str,
    pub values: usize,
    pub import_ms: f64,
    pub rollups: usize,
    pub rollups_ms: f64,
    pub anchor: &'static str,
    pub anchor_ms: f64,
}

impl Load {
    fn per_second(n: usize, ms: f64) -> f64 {
        n as f64 / (ms / 1000.0)
    }

    pub fn ratio(&self) -> f64 {
        self.anchor_ms / self.import_ms
    }
}

/// Loads the fixture into `target` through the store, then the same rows
/// through the database's own importer.
pub async fn run(target: &Target, fx: &Fixture, dir: &Path) -> anyhow::Result<Load> {
    let store = target.fresh().await?;
    let stamp = Stamp::now(ACTOR).with_reason("Dữ liệu thử tải (xhht-bench)");
    store.install_plan(&fx.plan, &fx.text, &stamp).await?;
    let years: Vec<(i32, &YearValues)> = fx.years.iter().map(|(y, v)| (*y, v)).collect();
    let (values, import_ms) = once(async { Ok(store.import_approved_years(&stamp, &fx.plan, &years).await?) }).await?;
    let (rollups, rollups_ms) = once(async { Ok(store.rebuild_rollups(&fx.plan).await?) }).await?;
    let csv = dir.join("values.csv");
    let written = write_csv(fx, &stamp, &csv)?;
    if written != values {
        bail!("the CSV holds {written} rows, the store imported {values} values");
    }
    store.close().await;
    let (anchor, anchor_ms) = match target {
        Target::Sqlite(db) => ("sqlite3 .import", sqlite_import(db, &csv)?),
        Target::Postgres { url, schema } => ("COPY (psql \\copy)", postgres_copy(url, schema, &csv)?),
    };
    Ok(Load {
        backend: target.backend(),
        values,
        import_ms,
        rollups,
        rollups_ms,
        anchor,
        anchor_ms,
    })
}

/// The rows `import_approved_year` writes to `approved_values`, as CSV.
fn write_csv(fx: &Fixture, stamp: &Stamp, path: &Path) -> anyhow::Result<usize> {
    use std::io::Write;
    let file = std::fs::File::create(path).with_context(|| format!("create {}", path.display()))?;
    let mut out = std::io::BufWriter::new(file);
    let at = stamp.at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let mut n = 0;
    for (year, v) in &fx.years {
        for (unit, vals) in &v.units {
            for (code, value) in vals {
                if fx.plan.element(code).is_none() {
                    continue;
                }
                let (num, text) = value.to_columns();
                let num = num.map(|x| x.to_string()).unwrap_or_default();
                let text = text
                    .map(|t| format!("\"{}\"", t.replace('"', "\"\"")))
                    .unwrap_or_default();
                writeln!(out, "{unit},{code},{year},{num},{text},{at},{ACTOR},1")?;
                n += 1;
            }
        }
    }
    out.flush()?;
    Ok(n)
}

/// Runs a command; its wall time in ms.
fn timed(cmd: &mut Command) -> anyhow::Result<f64> {
    let start = std::time::Instant::now();
    let out = cmd.output().with_context(|| format!("run {cmd:?}"))?;
    let ms = crate::measure::ms(start.elapsed());
    if !out.status.success() {
        bail!("{cmd:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    Ok(ms)
}

/// `sqlite3 .import` into a table made like `approved_values` (same
/// columns, key and index) in the same database file.
fn sqlite_import(db: &Path, csv: &Path) -> anyhow::Result<f64> {
    let schema = Command::new("sqlite3")
        .arg(db)
        .arg("SELECT sql FROM sqlite_master WHERE tbl_name = 'approved_values' AND sql IS NOT NULL")
        .output()
        .context("run sqlite3 (apt-get install sqlite3)")?;
    let ddl = String::from_utf8(schema.stdout)?
        .lines()
        .collect::<Vec<_>>()
        .join("\n")
        .replace("approved_values", "bench_anchor");
    let ddl = ddl.replace(")\nCREATE", ");\nCREATE");
    timed(Command::new("sqlite3").arg(db).arg(format!("{ddl};")))?;
    timed(
        Command::new("sqlite3")
            .arg(db)
            .arg(".mode csv")
            .arg(format!(".import {} bench_anchor", csv.display())),
    )
}

/// psql `\copy` into a table made like `approved_values` in the same schema.
fn postgres_copy(url: &str, schema: &str, csv: &Path) -> anyhow::Result<f64> {
    timed(Command::new("psql").arg(url).arg("-qc").arg(format!(
        "CREATE TABLE {schema}.bench_anchor (LIKE {schema}.approved_values INCLUDING ALL)"
    )))?;
    timed(Command::new("psql").arg(url).arg("-qc").arg(format!(
        "\\copy {schema}.bench_anchor FROM '{}' WITH (FORMAT csv)",
        csv.display()
    )))
}

/// The section of BENCHMARKS.md.
pub fn section(loads: &[Load]) -> String {
    let mut s = String::from("## Bulk load against the database's own import (same run)\n\n");
    s.push_str("The national fixture's values loaded by `Store::import_approved_years` (every year in one transaction; one report per unit and year; each value written once, as the approved copy, which is an approved report's working copy until it is reopened; through `COPY` on PostgreSQL and INSERTs of 32,000 parameters in key order on SQLite; on PostgreSQL the approved copy's foreign keys are dropped for the load and put back after it, which checks them in one join), then the same rows as one CSV file loaded by the database's own importer into a table made like `approved_values` (same columns, key and indexes) in the same database. Values per second; roll-ups rebuilt once after the load, shown apart.\n\n");
    s.push_str("| Database | values | XHHT import | XHHT values/s | anchor | anchor time | anchor rows/s | ratio | roll-ups rebuilt |\n|---|--:|--:|--:|---|--:|--:|--:|--:|\n");
    for l in loads {
        s.push_str(&format!(
            "| {} | {} | {:.2} s | {} | {} | {:.2} s | {} | **{:.2}** | {} rows in {:.2} s |\n",
            l.backend,
            report::thousands(l.values),
            l.import_ms / 1000.0,
            report::thousands(Load::per_second(l.values, l.import_ms) as usize),
            l.anchor,
            l.anchor_ms / 1000.0,
            report::thousands(Load::per_second(l.values, l.anchor_ms) as usize),
            l.ratio(),
            report::thousands(l.rollups),
            l.rollups_ms / 1000.0,
        ));
    }
    s.push_str("\nTarget: ≥ 0.5 × the anchor's rows per second on each database.\n");
    s
}
