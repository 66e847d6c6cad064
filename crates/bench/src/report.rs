//! The results as Markdown: the tables for stdout, and the whole
//! BENCHMARKS.md (what is measured, targets, commands, machine, results).

use std::fmt::Write as _;

use crate::measure::{PageTiming, Stats};

/// Server-time targets of the area dashboard (p95, ms).
pub const NATIONAL_TARGET_MS: f64 = 100.0;
pub const BA_DINH_TARGET_MS: f64 = 10.0;

pub struct Fixture {
    pub csv: String,
    pub provinces: usize,
    pub wards: usize,
    pub communes: usize,
    pub elements: usize,
    pub indicators: usize,
    pub rules: usize,
    pub years: usize,
    pub values: usize,
    pub toml_bytes: usize,
    pub csv_ms: f64,
    pub toml_ms: f64,
    pub parse_ms: f64,
    pub values_ms: f64,
}

/// One fixture loaded into one database and measured.
pub struct Run {
    pub fixture: &'static str,
    pub backend: &'static str,
    pub load: Vec<(String, f64)>,
    pub pages: Vec<PageTiming>,
    pub calls: Vec<(String, Stats)>,
    pub size: u64,
}

pub struct Machine {
    pub date: String,
    pub commit: String,
    pub cpu: String,
    pub nproc: String,
    pub memory: String,
    pub os: String,
    pub rustc: String,
    pub sqlite: String,
    pub postgres: String,
    /// host:port of the PostgreSQL server (no credentials).
    pub postgres_at: String,
    pub profile: &'static str,
}

pub struct Report {
    pub machine: Machine,
    pub fixture: Fixture,
    pub runs: Vec<Run>,
    pub postgres_skipped: Option<String>,
    pub year: i32,
    pub iterations: usize,
    pub warmup: usize,
    pub seed: u64,
}

pub async fn machine(postgres: Result<String, String>, url: &str) -> Machine {
    let read = |p: &str| std::fs::read_to_string(p).unwrap_or_default();
    let field = |text: &str, key: &str| {
        text.lines()
            .find(|l| l.starts_with(key))
            .and_then(|l| l.split_once([':', '=']))
            .map(|(_, v)| v.trim().trim_matches('"').to_string())
            .unwrap_or_else(|| "?".into())
    };
    let cpuinfo = read("/proc/cpuinfo");
    let mem_kb: f64 = field(&read("/proc/meminfo"), "MemTotal")
        .trim_end_matches("kB")
        .trim()
        .parse()
        .unwrap_or(0.0);
    let rustc = std::process::Command::new("rustc")
        .arg("-V")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_else(|| "?".into());
    Machine {
        date: chrono::Utc::now().format("%Y-%m-%d %H:%M UTC").to_string(),
        commit: commit(),
        cpu: field(&cpuinfo, "model name"),
        nproc: std::thread::available_parallelism().map_or("?".into(), |n| n.to_string()),
        memory: format!("{:.1} GiB", mem_kb / 1024.0 / 1024.0),
        os: format!(
            "{} (Linux {})",
            field(&read("/etc/os-release"), "PRETTY_NAME"),
            read("/proc/sys/kernel/osrelease").trim()
        ),
        rustc,
        sqlite: crate::db::sqlite_version().await.unwrap_or_else(|e| format!("? ({e})")),
        postgres: postgres.unwrap_or_else(|why| format!("not measured: {why}")),
        postgres_at: host_of(url),
        profile: if cfg!(debug_assertions) {
            "debug (numbers not representative)"
        } else {
            "release"
        },
    }
}

/// `host:port` of a database URL, without user or password.
fn host_of(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let rest = rest.rsplit_once('@').map_or(rest, |(_, r)| r);
    rest.split(['/', '?']).next().unwrap_or("").to_string()
}

/// The commit measured, and whether the working tree differed from it.
pub fn commit() -> String {
    let git = |args: &[&str]| {
        std::process::Command::new("git")
            .args(args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
    };
    // The results file itself changes as sections are written: not a change of the code measured.
    let status = git(&["status", "--porcelain", "--", ":/", ":(exclude,top)BENCHMARKS.md"]);
    match (git(&["rev-parse", "--short", "HEAD"]), status) {
        (Some(head), Some(changes)) if !changes.is_empty() => format!("{head} with uncommitted changes"),
        (Some(head), _) => head,
        _ => "?".into(),
    }
}

fn f(ms: f64) -> String {
    if ms >= 100.0 {
        format!("{ms:.0}")
    } else if ms >= 10.0 {
        format!("{ms:.1}")
    } else {
        format!("{ms:.2}")
    }
}

/// 1325743 → "1,325,743".
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn secs(ms: f64) -> String {
    format!("{:.2} s", ms / 1000.0)
}

fn size(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / 1024.0 / 1024.0)
}

fn is_dashboard(p: &PageTiming) -> bool {
    p.uri.starts_with("/?")
}

fn is_pending(p: &PageTiming) -> bool {
    p.uri.starts_with("/chi-tieu/") && p.status == 404
}

fn target_of(run: &Run) -> f64 {
    if run.fixture == "national" {
        NATIONAL_TARGET_MS
    } else {
        BA_DINH_TARGET_MS
    }
}

impl Report {
    /// Verdicts on the dashboard targets, one line per run.
    fn verdicts(&self) -> String {
        let mut t = String::new();
        for run in &self.runs {
            let Some(p) = run.pages.iter().find(|p| is_dashboard(p)) else {
                continue;
            };
            let target = target_of(run);
            let s = p.stats;
            let verdict = if p.status != 200 {
                format!("**not measured**: status {}", p.status)
            } else if s.p95 <= target {
                format!("**met** (p95 {} ms ≤ {target:.0} ms)", f(s.p95))
            } else {
                format!(
                    "**MISSED**: p95 {} ms > {target:.0} ms (by {} ms; median {} ms)",
                    f(s.p95),
                    f(s.p95 - target),
                    f(s.median)
                )
            };
            let _ = writeln!(
                t,
                "- {} dashboard on {}: median {} ms, p95 {} ms: {verdict}",
                run.fixture,
                run.backend,
                f(s.median),
                f(s.p95)
            );
        }
        t
    }

    /// How much of the dashboard's median the store calls explain.
    fn breakdown(&self) -> String {
        let mut t = String::new();
        for run in &self.runs {
            let Some(p) = run.pages.iter().find(|p| is_dashboard(p) && p.status == 200) else {
                continue;
            };
            let db: f64 = run.calls.iter().map(|(_, s)| s.median).sum();
            let parts: Vec<String> = run
                .calls
                .iter()
                .map(|(c, s)| format!("`{c}` {} ms", f(s.median)))
                .collect();
            let rest = p.stats.median - db;
            let rest = if rest > 0.1 * p.stats.median {
                format!(
                    "the rest, about {} ms, is work in the handler (matching the year's reports to the units \
                     expected to report, indicator values, the template)",
                    f(rest)
                )
            } else {
                "they account for nearly all of it (timed apart, so the sum is approximate)".to_string()
            };
            let _ = writeln!(
                t,
                "- {} on {}: dashboard median {} ms; its store calls, timed alone, {} ms ({}); {rest}.",
                run.fixture,
                run.backend,
                f(p.stats.median),
                f(db),
                parts.join(", "),
            );
        }
        t
    }

    /// The measured tables with the verdicts (printed to stdout).
    pub fn results(&self) -> String {
        self.tables(true)
    }

    fn tables(&self, with_verdicts: bool) -> String {
        let mut t = String::new();
        let _ = writeln!(
            t,
            "### Server time per request (ms; {} timed requests after {} warm-up, year {})\n",
            self.iterations, self.warmup, self.year
        );
        t.push_str("| Fixture | Database | Request | Status | Size | First | Min | Median | p95 | Max |\n");
        t.push_str("|---|---|---|---|--:|--:|--:|--:|--:|--:|\n");
        for run in &self.runs {
            for p in &run.pages {
                let head = format!("| {} | {} | `GET {}` |", run.fixture, run.backend, p.uri);
                if is_pending(p) {
                    let _ = writeln!(t, "{head} 404: page pending | — | — | — | — | — | — |");
                    continue;
                }
                let s = p.stats;
                let _ = writeln!(
                    t,
                    "{head} {} | {:.1} KiB | {} | {} | {} | {} | {} |",
                    p.status,
                    p.bytes as f64 / 1024.0,
                    f(p.first_ms),
                    f(s.min),
                    f(s.median),
                    f(s.p95),
                    f(s.max)
                );
            }
        }
        if with_verdicts {
            t.push_str("\n### Targets (area dashboard, judged at p95)\n\n");
            t.push_str(&self.verdicts());
        }
        if self.runs.iter().flat_map(|r| &r.pages).any(is_pending) {
            t.push_str(
                "\nThe indicator page `/chi-tieu/…` answered 404: it is not in the router yet. It is reported as \
                 pending; `GET /api/v1/indicators` (the same figures as JSON) is measured beside it. The bench \
                 measures the page as soon as it exists.\n",
            );
        }
        let _ = writeln!(
            t,
            "\n### Store calls made by the dashboard (ms, {} calls)\n",
            self.iterations
        );
        t.push_str("| Fixture | Database | Call | Min | Median | p95 | Max |\n|---|---|---|--:|--:|--:|--:|\n");
        for run in &self.runs {
            for (c, s) in &run.calls {
                let _ = writeln!(
                    t,
                    "| {} | {} | `{c}` | {} | {} | {} | {} |",
                    run.fixture,
                    run.backend,
                    f(s.min),
                    f(s.median),
                    f(s.p95),
                    f(s.max)
                );
            }
        }
        t.push('\n');
        t.push_str(&self.breakdown());
        t.push_str("\n### Load times and database sizes\n\n");
        let fx = &self.fixture;
        let _ = writeln!(
            t,
            "Fixture, once: read the CSV {}, write the plan TOML ({:.1} MiB) {}, parse and check it \
             (`xhht_domain::plan::load`) {}, generate the values {}.\n",
            secs(fx.csv_ms),
            fx.toml_bytes as f64 / 1024.0 / 1024.0,
            secs(fx.toml_ms),
            secs(fx.parse_ms),
            secs(fx.values_ms)
        );
        t.push_str("| Fixture | Database | Phase | Time |\n|---|---|---|--:|\n");
        for run in &self.runs {
            for (phase, ms) in &run.load {
                let _ = writeln!(t, "| {} | {} | {phase} | {} |", run.fixture, run.backend, secs(*ms));
            }
        }
        t.push_str("\n| Fixture | Database | Size on disk |\n|---|---|--:|\n");
        for run in &self.runs {
            let _ = writeln!(t, "| {} | {} | {} |", run.fixture, run.backend, size(run.size));
        }
        if let Some(why) = &self.postgres_skipped {
            let _ = writeln!(t, "\nPostgreSQL was not measured: {why}.");
        }
        t
    }

    /// The whole BENCHMARKS.md.
    pub fn document(&self) -> String {
        let fx = &self.fixture;
        let m = &self.machine;
        let mut t = String::new();
        t.push_str("# Benchmarks\n\n");
        t.push_str(
            "Generated by `xhht-bench` (crates/bench); do not edit by hand, run it again.\n\n\
             ## What is measured\n\n\
             Server time of pages through the real router (`xhht_web::router` over `AppState::load`), \
             called with `tower::ServiceExt::oneshot`, without a socket: from the request to the last \
             byte of the body. No network, no TLS, no browser. Every request is anonymous (no session).\n\n",
        );
        let _ = writeln!(
            t,
            "- **national**: a synthetic plan over Vietnam's 2025 map (`{}`): a root unit `VN`, {} provinces \
             and centrally run cities, {} commune-level units ({} wards, {} communes and special zones); \
             {} data elements (the 16 ward figures of the Ba Đình plan and 12 synthetic count pairs), \
             {} indicators, {} validation rules; {} years (2021-2030) of approved values for every \
             commune-level unit, {} values in all, generated from seed {} (`crates/bench/src/fixture`). \
             Loaded with `install_plan`, `import_approved_year` per year and `rebuild_rollups`.",
            fx.csv,
            fx.provinces,
            thousands(fx.wards + fx.communes),
            thousands(fx.wards),
            thousands(fx.communes),
            fx.elements,
            fx.indicators,
            fx.rules,
            fx.years,
            thousands(fx.values),
            self.seed
        );
        t.push_str(
            "- **Ba Đình**: the demo (`xhht_sample::load_demo`): the built-in plan 56/KH-UBND, 14 wards, \
             their centres, departments and organisations, reports replayed through the normal workflow.\n\
             - Each fixture on SQLite (a file in the temporary directory, WAL, `synchronous = FULL`, as the \
             application opens it) and on PostgreSQL (a schema of its own, `ANALYZE`d after loading as \
             autovacuum would).\n\
             - Requests: the area dashboard `GET /?year=Y`, the indicator page \
             `GET /chi-tieu/literacy_rate_15_60?year=Y`, and `GET /api/v1/indicators?year=Y`. \
             *First* is the first request after start (it fills the per-area cache of expected unit \
             counts); then warm-up requests are discarded and the timed ones summarised (nearest-rank \
             percentiles). *Size* is the response body.\n\
             - The store calls the dashboard makes, timed alone, to show where its time goes.\n\n\
             These are the numbers of one run. On a small shared machine repeated runs differ by tens of \
             percent; compare the medians of several runs before concluding that a change helped.\n\n\
             ## Targets\n\n\
             - National area dashboard: ≤ 100 ms server time (p95).\n\
             - Ba Đình area dashboard: ≤ 10 ms server time (p95).\n\n",
        );
        t.push_str(&self.verdicts());
        t.push_str(
            "\n## Reproduce\n\n\
             ```sh\n\
             # needs ../shared/data/vn-admin-units/units-2025.csv beside the repository (or --units FILE)\n\
             # and a PostgreSQL server where it may create schemas bench_national and bench_ba_dinh\n\
             cargo run --release -p xhht-bench -- --write BENCHMARKS.md\n\
             # another server:            --postgres-url postgres://USER@HOST:5432/DB\n\
             # SQLite only:               --no-postgres\n\
             # only the public page against nginx (apt-get install nginx-light wrk):  --only-http\n\
             # only the bulk load against sqlite3 .import and psql \\copy (apt-get install sqlite3):  --only-bulk\n\
             # only the deadline rush (wrk; --rush-accounts 1000 --rush-connections 50 --rush-seconds 10):  --only-rush\n\
             #   on PostgreSQL only: --no-sqlite; keep its database for EXPLAIN: --keep\n\
             # only the server's memory beside nginx (after cargo build --release -p xhht):  --only-memory\n\
             # only the logged-in form, save, review list and Word report, one at a time:  --only-work\n\
             # more or fewer requests:    --iterations 50 --warmup 5\n\
             # the fixture's own test (builds and checks the plan, validates one year of values):\n\
             cargo test -p xhht-bench\n\
             ```\n\n",
        );
        let _ = writeln!(
            t,
            "## Machine\n\n\
             | | |\n|---|---|\n\
             | Date | {} |\n| Code | {} |\n| CPU | {} |\n| Cores (nproc) | {} |\n| Memory | {} |\n| OS | {} |\n\
             | Rust | {} |\n| Build | {} |\n| SQLite | {} |\n| PostgreSQL | {} (at {}) |\n",
            m.date, m.commit, m.cpu, m.nproc, m.memory, m.os, m.rustc, m.profile, m.sqlite, m.postgres, m.postgres_at
        );
        t.push_str("## Results\n\n");
        t.push_str(&self.tables(false));
        t
    }
}
