//! Logged-in work timed one request at a time through the router (no
//! socket, nothing else running): a reporter's form and a draft save of one
//! changed figure, the reviewer's list of every unit, and the Word report.
//! At national size (the rush's database: 2021-2025 approved, 2026 drafts)
//! and on the Ba Đình demo, on each database.

use std::fmt::Write as _;
use std::time::Instant;

use anyhow::{Context, bail, ensure};
use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use xhht_domain::access::Role;
use xhht_storage::{NewUser, Stamp};

use crate::db::Target;
use crate::measure::{Stats, ms};
use crate::rush::{self, send};
use crate::{ACTOR, Fixture};

/// The Word report takes seconds at national size: fewer samples.
const WORD_ITERATIONS: usize = 5;

/// One kind of request measured.
pub struct Timed {
    pub what: &'static str,
    pub request: String,
    pub status: u16,
    pub bytes: usize,
    pub first_ms: f64,
    pub stats: Stats,
}

/// One fixture on one database.
pub struct Work {
    pub fixture: &'static str,
    pub backend: &'static str,
    pub units: usize,
    pub timed: Vec<Timed>,
}

/// A logged-in account.
struct Account {
    cookie: String,
    csrf: String,
}

/// Who does the work and where.
struct Spec<'a> {
    reporter: Account,
    unit: &'a str,
    element: &'a str,
    value: f64,
    reviewer: Account,
    form_year: i32,
    report_year: i32,
}

/// The national fixture (a few reporters suffice: the pages' size is the
/// units', not the accounts') on `target`.
pub async fn national(target: &Target, fx: &Fixture, warmup: usize, iterations: usize) -> anyhow::Result<Work> {
    let prepared = rush::prepare(target, fx, 20).await?;
    let root = fx.plan.area().code.clone();
    let stamp = Stamp::now(ACTOR).with_reason("Dữ liệu thử tải (xhht-bench)");
    let password = "Bench-Review-2026!";
    prepared
        .store
        .create_users(
            &stamp,
            &[NewUser {
                username: "benchreview",
                display_name: "Chuyên viên (thử tải)",
                password,
                role: Role::Reviewer,
                org_unit: &root,
                must_change_password: false,
            }],
        )
        .await?;
    let s = &prepared.sessions[0];
    let spec = Spec {
        reporter: Account {
            cookie: s.cookie.clone(),
            csrf: s.csrf.clone(),
        },
        unit: &s.unit,
        element: &s.element,
        value: s.value,
        reviewer: log_in(&prepared.app, "benchreview", password).await?,
        form_year: rush::YEAR,
        report_year: rush::YEAR - 1,
    };
    let timed = measure(&prepared.app, &spec, warmup, iterations).await?;
    prepared.store.close().await;
    Ok(Work {
        fixture: "national",
        backend: target.backend(),
        units: fx.plan.org_units.len(),
        timed,
    })
}

/// The Ba Đình demo: its own accounts, a ward's 2026 form, the 2025 report.
pub async fn ba_dinh(target: &Target, warmup: usize, iterations: usize) -> anyhow::Result<Work> {
    let store = target.fresh().await?;
    xhht_sample::load_demo(&store, xhht_sample::SEED).await?;
    target.analyze().await?;
    let state = xhht_web::AppState::load(store.clone()).await?;
    let units = state.plan.org_units.len();
    let app = xhht_web::router(state);
    let reporter = log_in(&app, "vinhphuc", "xhht-demo").await?;
    let reviewer = log_in(&app, "chuyenvien", "xhht-demo").await?;
    let spec = Spec {
        reporter,
        unit: "00006",
        element: "pop_15_60",
        value: 9_000.0,
        reviewer,
        form_year: 2026,
        report_year: 2025,
    };
    let timed = measure(&app, &spec, warmup, iterations).await?;
    store.close().await;
    Ok(Work {
        fixture: "Ba Đình",
        backend: target.backend(),
        units,
        timed,
    })
}

async fn log_in(app: &Router, name: &str, password: &str) -> anyhow::Result<Account> {
    let form = format!(
        "username={}&password={}&next=",
        rush::encode(name),
        rush::encode(password)
    );
    let req = Request::post("/login")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(form))?;
    let (status, cookies, _) = send(app, req).await?;
    ensure!(status == StatusCode::SEE_OTHER, "login of {name}: {status}");
    let cookie = cookies.join("; ");
    let req = Request::get("/account/password")
        .header(header::COOKIE, &cookie)
        .body(Body::empty())?;
    let (_, _, page) = send(app, req).await?;
    let csrf = rush::csrf_of(&page).context("no CSRF token")?;
    Ok(Account { cookie, csrf })
}

async fn measure(app: &Router, spec: &Spec<'_>, warmup: usize, iterations: usize) -> anyhow::Result<Vec<Timed>> {
    let form = format!("/reports/{}/{}", spec.form_year, spec.unit);
    let list = format!("/review/{}?state=all", spec.form_year);
    let word = format!("/review/{}/bao-cao.docx", spec.report_year);
    let mut out = vec![
        timed(
            app,
            "the reporter's form",
            &spec.reporter,
            &form,
            None,
            warmup,
            iterations,
        )
        .await?,
        timed(
            app,
            "a draft save (one figure changed)",
            &spec.reporter,
            &form,
            Some((spec.element, spec.value)),
            warmup,
            iterations,
        )
        .await?,
        timed(
            app,
            "the review list (every unit)",
            &spec.reviewer,
            &list,
            None,
            warmup,
            iterations,
        )
        .await?,
    ];
    let n = iterations.min(WORD_ITERATIONS);
    out.push(timed(app, "the Word report", &spec.reviewer, &word, None, 1, n).await?);
    Ok(out)
}

/// Times `uri` as `who`: a GET, or with `save` a POST changing that figure
/// on each request (so every save writes).
async fn timed(
    app: &Router,
    what: &'static str,
    who: &Account,
    uri: &str,
    save: Option<(&str, f64)>,
    warmup: usize,
    iterations: usize,
) -> anyhow::Result<Timed> {
    let mut samples = Vec::with_capacity(iterations);
    let (mut status, mut bytes, mut first_ms) = (0, 0, 0.0);
    for i in 0..=(warmup + iterations.max(1)) {
        let req = match save {
            None => Request::get(uri)
                .header(header::COOKIE, &who.cookie)
                .body(Body::empty())?,
            Some((element, value)) => {
                let body = format!("action=save&v_{element}={}", value as i64 + 1 + i as i64);
                Request::post(uri)
                    .header(header::COOKIE, &who.cookie)
                    .header("x-csrf-token", &who.csrf)
                    .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                    .body(Body::from(body))?
            }
        };
        let start = Instant::now();
        let (s, _, body) = send(app, req).await?;
        let t = ms(start.elapsed());
        let ok = if save.is_some() {
            StatusCode::SEE_OTHER
        } else {
            StatusCode::OK
        };
        if s != ok {
            bail!("{what} ({uri}): {s}: {}", &body[..body.len().min(300)]);
        }
        if i == 0 {
            (status, bytes, first_ms) = (s.as_u16(), body.len(), t);
        } else if i > warmup {
            samples.push(t);
        }
    }
    let request = match save {
        None => format!("GET {uri}"),
        Some(_) => format!("POST {uri}"),
    };
    Ok(Timed {
        what,
        request,
        status,
        bytes,
        first_ms,
        stats: Stats::of(&samples),
    })
}

/// The section of BENCHMARKS.md.
pub fn section(works: &[Work]) -> String {
    let mut s = String::from("## Logged-in work, one request at a time (same run)\n\n");
    s.push_str(
        "Server time through the real router (no socket), one request at a time: the first request apart, then warm-up requests discarded and the rest summarised (the Word report: 5). *national*: the rush's database (2021-2025 approved, 2026 drafts, a reporter of a commune-level unit and a reviewer of the whole country); *Ba Đình*: the demo (`vinhphuc` on ward 00006's 2026 form, `chuyenvien`). Each save changes one figure, so each writes its transaction and audit event. The body size is what the router sends (compressed when the client asks; here it does not).\n\n",
    );
    s.push_str("| Fixture | Database | units | request | status | size | first | median | p95 |\n|---|---|--:|---|--:|--:|--:|--:|--:|\n");
    for w in works {
        for t in &w.timed {
            let _ = writeln!(
                s,
                "| {} | {} | {} | {}: `{}` | {} | {:.1} KB | {:.2} ms | {:.2} ms | {:.2} ms |",
                w.fixture,
                w.backend,
                crate::report::thousands(w.units),
                t.what,
                t.request,
                t.status,
                t.bytes as f64 / 1024.0,
                t.first_ms,
                t.stats.median,
                t.stats.p95,
            );
        }
    }
    s
}
