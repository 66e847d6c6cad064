//! `xhht-bench`: loads a nation-sized synthetic plan (Vietnam's 2025 map,
//! 10 years of values) and the Ba Đình demo into SQLite and PostgreSQL, and
//! measures the server time of the pages through the real router.
//!
//! `cargo run --release -p xhht-bench -- --write BENCHMARKS.md`

mod bulk;
mod db;
mod fixture;
mod http;
mod measure;
mod memory;
mod report;
mod rush;
mod work;

use std::path::PathBuf;

use anyhow::Context;
use clap::Parser;
use xhht_domain::plan::Plan;
use xhht_domain::values::YearValues;
use xhht_storage::{Stamp, Store};
use xhht_web::AppState;

use crate::db::Target;
use crate::measure::once;
use crate::report::{Fixture as FixtureFacts, Report, Run};

const DEFAULT_POSTGRES_URL: &str = "postgres://postgres@127.0.0.1:5432/test";
const ACTOR: &str = "xhht-bench";

#[derive(Parser, Debug)]
#[command(about = "XHHT load benchmark: national synthetic plan and Ba Đình demo, SQLite and PostgreSQL")]
pub struct Args {
    /// The 2025 map (CSV). Default: ../shared/data/vn-admin-units/units-2025.csv beside the repository.
    #[arg(long)]
    units: Option<PathBuf>,
    /// PostgreSQL server; the bench creates (and afterwards drops) schemas bench_national and bench_ba_dinh.
    #[arg(long, env = "XHHT_BENCH_POSTGRES_URL", default_value = DEFAULT_POSTGRES_URL)]
    postgres_url: String,
    /// Measure SQLite only.
    #[arg(long)]
    no_postgres: bool,
    /// Measure PostgreSQL only (the deadline rush, --only-rush).
    #[arg(long)]
    no_sqlite: bool,
    /// Timed requests per page.
    #[arg(long, default_value_t = 50)]
    iterations: usize,
    /// Requests discarded after the first, before timing.
    #[arg(long, default_value_t = 5)]
    warmup: usize,
    /// The year the pages show.
    #[arg(long, default_value_t = 2025)]
    year: i32,
    /// Seed of the synthetic values.
    #[arg(long, default_value_t = xhht_sample::SEED)]
    seed: u64,
    /// Write the full report (BENCHMARKS.md body) to this file.
    #[arg(long)]
    write: Option<PathBuf>,
    /// Also write the generated national plan (TOML) to this file.
    #[arg(long)]
    plan_out: Option<PathBuf>,
    /// Keep the databases (SQLite files, PostgreSQL schemas) afterwards.
    #[arg(long)]
    keep: bool,
    /// Only the public dashboard against nginx (needs nginx-light and wrk):
    /// replaces that section of the --write file, leaves the rest.
    #[arg(long)]
    only_http: bool,
    /// Only the bulk load against `sqlite3 .import` and `COPY` (needs the
    /// sqlite3 and psql programs): replaces that section of the --write file.
    #[arg(long)]
    only_bulk: bool,
    /// Only the deadline rush (needs wrk): replaces that section of the --write file.
    #[arg(long)]
    only_rush: bool,
    /// Only the server's own memory against nginx (needs the release xhht
    /// binary beside this one, nginx-light and wrk).
    #[arg(long)]
    only_memory: bool,
    /// Only the logged-in work one request at a time (form, save, review
    /// list, Word report) at national size and on the demo.
    #[arg(long)]
    only_work: bool,
    /// Reporter accounts in the rush, and its wrk connections and seconds.
    #[arg(long, default_value_t = 1_000)]
    rush_accounts: usize,
    #[arg(long, default_value_t = 50)]
    rush_connections: u32,
    #[arg(long, default_value_t = 10)]
    rush_seconds: u32,
    /// Seconds per wrk run, connections, and alternating rounds.
    #[arg(long, default_value_t = 10)]
    http_seconds: u32,
    #[arg(long, default_value_t = 50)]
    http_connections: u32,
    #[arg(long, default_value_t = 3)]
    http_rounds: u32,
}

/// The markers around the HTTP section of BENCHMARKS.md.
const HTTP_START: &str = "<!-- http:start -->";
const HTTP_END: &str = "<!-- http:end -->";
const BULK_START: &str = "<!-- bulk:start -->";
const BULK_END: &str = "<!-- bulk:end -->";
const RUSH_START: &str = "<!-- rush:start -->";
const RUSH_END: &str = "<!-- rush:end -->";
const MEMORY_START: &str = "<!-- memory:start -->";
const MEMORY_END: &str = "<!-- memory:end -->";
const WORK_START: &str = "<!-- work:start -->";
const WORK_END: &str = "<!-- work:end -->";

/// Runs the socket comparison and puts its section into `path` (replacing
/// an earlier one), or prints it.
async fn http_section(args: &Args, path: Option<&PathBuf>) -> anyhow::Result<()> {
    let report = http::run(args.http_seconds, args.http_connections, args.http_rounds).await?;
    put_section(path, HTTP_START, HTTP_END, &report.section())
}

/// Loads the national fixture through the store and through each
/// database's own importer, and puts that section into `path`.
async fn bulk_section(args: &Args, fixture: &Fixture, path: Option<&PathBuf>) -> anyhow::Result<()> {
    let dir = tempfile_dir()?;
    let mut targets = vec![Target::sqlite("bulk")];
    if !args.no_postgres {
        targets.push(Target::postgres(&args.postgres_url, "bulk"));
    }
    let mut loads = Vec::new();
    for t in &targets {
        eprintln!("{}: bulk load ({})", t.backend(), t.describe());
        let load = bulk::run(t, fixture, &dir).await;
        t.remove().await?;
        loads.push(load?);
    }
    let _ = std::fs::remove_dir_all(&dir);
    put_section(path, BULK_START, BULK_END, &bulk::section(&loads))
}

/// The deadline rush on each database, into its section of `path`.
async fn rush_section(args: &Args, fixture: &Fixture, path: Option<&PathBuf>) -> anyhow::Result<()> {
    let dir = tempfile_dir()?;
    let mut targets = Vec::new();
    if !args.no_sqlite {
        targets.push(Target::sqlite("rush"));
    }
    if !args.no_postgres {
        targets.push(Target::postgres(&args.postgres_url, "rush"));
    }
    let mut rushes = Vec::new();
    for t in &targets {
        eprintln!("{}: deadline rush ({})", t.backend(), t.describe());
        let rush = rush::run(
            t,
            fixture,
            args.rush_accounts,
            args.rush_connections,
            args.rush_seconds,
            &dir,
        )
        .await;
        if args.keep {
            eprintln!("kept: {}", t.describe());
        } else {
            t.remove().await?;
        }
        rushes.push(rush?);
    }
    let _ = std::fs::remove_dir_all(&dir);
    put_section(path, RUSH_START, RUSH_END, &rush::section(&rushes))
}

/// The logged-in work on each database, at national size and on the demo.
async fn work_section(args: &Args, fixture: &Fixture, path: Option<&PathBuf>) -> anyhow::Result<()> {
    let mut targets = vec![(Target::sqlite("work_national"), Target::sqlite("work_ba_dinh"))];
    if !args.no_postgres {
        targets.push((
            Target::postgres(&args.postgres_url, "work_national"),
            Target::postgres(&args.postgres_url, "work_ba_dinh"),
        ));
    }
    let mut works = Vec::new();
    for (national, demo) in &targets {
        eprintln!(
            "{}: logged-in work, national ({})",
            national.backend(),
            national.describe()
        );
        let w = work::national(national, fixture, args.warmup, args.iterations).await;
        national.remove().await?;
        works.push(w?);
        eprintln!("{}: logged-in work, Ba Đình ({})", demo.backend(), demo.describe());
        let w = work::ba_dinh(demo, args.warmup, args.iterations).await;
        demo.remove().await?;
        works.push(w?);
    }
    put_section(path, WORK_START, WORK_END, &work::section(&works))
}

fn tempfile_dir() -> anyhow::Result<PathBuf> {
    let dir = std::env::temp_dir().join(format!("xhht-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).with_context(|| format!("create {}", dir.display()))?;
    Ok(dir)
}

/// Prints `body` between its markers and puts it into the file at `path`,
/// replacing the same section of an earlier run (or before "## Reproduce").
fn put_section(path: Option<&PathBuf>, start: &str, end: &str, body: &str) -> anyhow::Result<()> {
    // When and from what: sections are rewritten one at a time.
    let stamp = format!(
        "Measured on {} at commit {}, {} build, on the machine described below.\n\n",
        chrono::Utc::now().format("%Y-%m-%d %H:%M UTC"),
        report::commit(),
        if cfg!(debug_assertions) { "debug" } else { "release" }
    );
    let body = match body.split_once("\n\n") {
        Some((heading, rest)) if heading.starts_with("## ") => format!("{heading}\n\n{stamp}{rest}"),
        _ => format!("{stamp}{body}"),
    };
    let section = format!("{start}\n{body}{end}\n");
    println!("{section}");
    let Some(path) = path else { return Ok(()) };
    let doc = std::fs::read_to_string(path).unwrap_or_default();
    let doc = match (doc.find(start), doc.find(end)) {
        (Some(a), Some(b)) if b > a => format!(
            "{}{section}{}",
            &doc[..a],
            doc[b + end.len()..].trim_start_matches('\n')
        ),
        _ => match doc.find("## Reproduce") {
            Some(at) => format!("{}{section}\n{}", &doc[..at], &doc[at..]),
            None => format!("{doc}\n{section}"),
        },
    };
    std::fs::write(path, doc).with_context(|| format!("write {}", path.display()))?;
    eprintln!("wrote a section of {}", path.display());
    Ok(())
}

/// The national fixture, built once and loaded into each database.
struct Fixture {
    text: String,
    plan: Plan,
    years: Vec<(i32, YearValues)>,
}

/// The server measured here runs on the runtime `xhht serve` runs on.
fn main() -> anyhow::Result<()> {
    xhht_web::runtime::build()?.block_on(run())
}

async fn run() -> anyhow::Result<()> {
    let args = Args::parse();
    if cfg!(debug_assertions) {
        eprintln!("note: debug build; run with --release for numbers worth keeping");
    }
    if args.only_http {
        return http_section(&args, args.write.as_ref()).await;
    }
    if args.only_memory {
        let report = memory::run(args.http_seconds, args.http_connections)?;
        return put_section(args.write.as_ref(), MEMORY_START, MEMORY_END, &report.section());
    }
    let (fixture, facts) = build_fixture(&args)?;
    if args.only_bulk {
        return bulk_section(&args, &fixture, args.write.as_ref()).await;
    }
    if args.only_rush {
        return rush_section(&args, &fixture, args.write.as_ref()).await;
    }
    if args.only_work {
        return work_section(&args, &fixture, args.write.as_ref()).await;
    }
    let postgres = if args.no_postgres {
        Err("not requested (--no-postgres)".to_string())
    } else {
        db::postgres_version(&args.postgres_url)
            .await
            .map_err(|e| format!("{e:#}"))
    };
    let mut targets = vec![(Target::sqlite("national"), Target::sqlite("ba_dinh"))];
    match &postgres {
        Ok(_) => targets.push((
            Target::postgres(&args.postgres_url, "national"),
            Target::postgres(&args.postgres_url, "ba_dinh"),
        )),
        Err(why) => eprintln!("PostgreSQL skipped: {why}"),
    }
    let mut runs = Vec::new();
    for (national_db, demo_db) in &targets {
        eprintln!(
            "{}: national fixture ({})",
            national_db.backend(),
            national_db.describe()
        );
        runs.push(national(national_db, &fixture, &args).await?);
        eprintln!("{}: Ba Đình demo ({})", demo_db.backend(), demo_db.describe());
        runs.push(ba_dinh(demo_db, &args).await?);
        for t in [national_db, demo_db] {
            if args.keep {
                eprintln!("kept: {}", t.describe());
            } else {
                t.remove().await?;
            }
        }
    }
    let report = Report {
        machine: report::machine(postgres.clone(), &args.postgres_url).await,
        fixture: facts,
        runs,
        postgres_skipped: postgres.err(),
        year: args.year,
        iterations: args.iterations,
        warmup: args.warmup,
        seed: args.seed,
    };
    println!("{}", report.results());
    if let Some(path) = &args.write {
        std::fs::write(path, report.document()).with_context(|| format!("write {}", path.display()))?;
        eprintln!("wrote {}", path.display());
    }
    bulk_section(&args, &fixture, args.write.as_ref()).await?;
    rush_section(&args, &fixture, args.write.as_ref()).await?;
    work_section(&args, &fixture, args.write.as_ref()).await?;
    http_section(&args, args.write.as_ref()).await
}

fn build_fixture(args: &Args) -> anyhow::Result<(Fixture, FixtureFacts)> {
    let path = args.units.clone().unwrap_or_else(fixture::default_units_path);
    let start = std::time::Instant::now();
    let rows = fixture::read_units(&path)?;
    let csv_ms = measure::ms(start.elapsed());
    let start = std::time::Instant::now();
    let text = fixture::plan_toml(&rows);
    let toml_ms = measure::ms(start.elapsed());
    let start = std::time::Instant::now();
    let plan = fixture::check(&text)?;
    let parse_ms = measure::ms(start.elapsed());
    if let Some(out) = &args.plan_out {
        std::fs::write(out, &text).with_context(|| format!("write {}", out.display()))?;
    }
    let start = std::time::Instant::now();
    let pops = fixture::populations(&rows);
    let r = &plan.reporting;
    let years: Vec<(i32, YearValues)> = (r.first_year..=r.last_year)
        .map(|y| (y, fixture::generate_year(&plan, &pops, args.seed, y)))
        .collect();
    let values_ms = measure::ms(start.elapsed());
    let units = |f: &dyn Fn(&xhht_domain::plan::OrgUnit) -> bool| plan.org_units.iter().filter(|u| f(u)).count();
    let facts = FixtureFacts {
        csv: match &args.units {
            Some(p) => p.display().to_string(),
            None => "../shared/data/vn-admin-units/units-2025.csv".to_string(),
        },
        provinces: units(&|u| u.parent.as_deref() == Some(fixture::ROOT)),
        wards: units(&|u| u.unit_type == xhht_domain::plan::UnitType::Ward),
        communes: units(&|u| u.unit_type == xhht_domain::plan::UnitType::Commune),
        elements: plan.data_elements.len(),
        indicators: plan.indicators.len(),
        rules: plan.validation_rules.len(),
        years: years.len(),
        values: years
            .iter()
            .map(|(_, v)| v.units.values().map(|u| u.len()).sum::<usize>())
            .sum(),
        toml_bytes: text.len(),
        csv_ms,
        toml_ms,
        parse_ms,
        values_ms,
    };
    Ok((Fixture { text, plan, years }, facts))
}

async fn national(target: &Target, fx: &Fixture, args: &Args) -> anyhow::Result<Run> {
    let store = target.fresh().await?;
    let stamp = Stamp::now(ACTOR).with_reason("Dữ liệu thử tải (xhht-bench)");
    let mut load = Vec::new();
    let ((), t) = once(async {
        store.install_plan(&fx.plan, &fx.text, &stamp).await?;
        store.mark_sample(&stamp).await?;
        Ok(())
    })
    .await?;
    let units = report::thousands(fx.plan.org_units.len());
    load.push((format!("install plan ({units} units)"), t));
    let mut import_ms = 0.0;
    let mut imported = 0;
    for (year, values) in &fx.years {
        let (n, t) = once(async { Ok(store.import_approved_year(&stamp, &fx.plan, *year, values).await?) }).await?;
        import_ms += t;
        imported += n;
    }
    load.push((
        format!(
            "import values ({} values, {} years)",
            report::thousands(imported),
            fx.years.len()
        ),
        import_ms,
    ));
    let (rows, t) = once(async { Ok(store.rebuild_rollups(&fx.plan).await?) }).await?;
    load.push((format!("rebuild roll-ups ({} rows)", report::thousands(rows)), t));
    measure_run("national", target, store, load, args).await
}

async fn ba_dinh(target: &Target, args: &Args) -> anyhow::Result<Run> {
    let store = target.fresh().await?;
    let (_, t) = once(async { Ok(xhht_sample::load_demo(&store, xhht_sample::SEED).await?) }).await?;
    let load = vec![("load demo (plan, accounts, reports replayed)".to_string(), t)];
    measure_run("Ba Đình", target, store, load, args).await
}

/// Pages and store calls on a loaded store; then its size on disk.
async fn measure_run(
    fixture: &'static str,
    target: &Target,
    store: Store,
    mut load: Vec<(String, f64)>,
    args: &Args,
) -> anyhow::Result<Run> {
    target.analyze().await?;
    let (state, t) = once(async { Ok(AppState::load(store.clone()).await?) }).await?;
    load.push(("start app (AppState::load: plan parsed again)".to_string(), t));
    let area = state.plan.info.area.clone();
    let from = state.plan.reporting.baseline_year.min(args.year);
    let app = xhht_web::router(state);
    let y = args.year;
    let mut pages = Vec::new();
    for uri in [
        format!("/?year={y}"),
        format!("/chi-tieu/literacy_rate_15_60?year={y}"),
        format!("/api/v1/indicators?year={y}"),
    ] {
        pages.push(measure::page(&app, &uri, args.warmup, args.iterations).await?);
    }
    let (w, n) = (args.warmup, args.iterations);
    let calls = vec![
        (
            format!("store.rollups(\"{area}\", {from}..={y})"),
            measure::call(|| store.rollups(&area, from..=y), w, n).await?,
        ),
        (
            format!("store.approved_report_units({y})"),
            measure::call(|| store.approved_report_units(y), w, n).await?,
        ),
        (
            "store.latest_report_year()".to_string(),
            measure::call(|| store.latest_report_year(), w, n).await?,
        ),
    ];
    drop(app);
    store.close().await;
    let size = target.size().await?;
    Ok(Run {
        fixture,
        backend: target.backend(),
        load,
        pages,
        calls,
        size,
    })
}
