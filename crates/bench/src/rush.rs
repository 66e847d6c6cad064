//! The deadline rush: many reporting accounts at once, over real sockets.
//! The national fixture with 2021-2025 approved, `accounts` reporter
//! accounts (one per commune-level unit), each with a 2026 draft; every
//! account logged in through the router; then `wrk` with a Lua script that
//! mixes, per request, a form load (`GET /reports/2026/{unit}`), a draft
//! save of one changed figure (`POST … action=save`) and, for a reserved
//! pool of accounts, one submission each (`POST … action=submit` with the
//! whole form). Throughput, p50/p99 and errors (non-2xx/3xx, socket
//! errors) go to BENCHMARKS.md, with the server's resident memory.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context, bail};
use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use tower::ServiceExt;
use xhht_domain::access::Role;
use xhht_domain::plan::{OrgUnit, Plan, ValueType};
use xhht_domain::values::{DataValue, UnitValues};
use xhht_storage::{NewUser, Stamp, Store};

use crate::db::Target;
use crate::http::{self, Load};
use crate::{ACTOR, Fixture};

pub const YEAR: i32 = 2026;
const PASSWORD: &str = "Bench-Rush-2026!";

/// Shares of the request mix (the rest are form loads).
const SAVE_SHARE: f64 = 0.35;
const SUBMIT_SHARE: f64 = 0.02;

/// One backend's rush.
pub struct Rush {
    pub backend: &'static str,
    pub accounts: usize,
    pub submit_pool: usize,
    pub connections: u32,
    pub seconds: u32,
    pub setup_s: f64,
    pub load: Load,
    pub rss_idle_kb: Option<u64>,
    pub rss_after_kb: Option<u64>,
}

/// A logged-in account: what its requests need.
pub struct Session {
    pub cookie: String,
    pub csrf: String,
    pub unit: String,
    /// The figure a save changes, and its last value.
    pub element: String,
    pub value: f64,
    /// The whole form, for a submission (url-encoded).
    submit_body: String,
}

pub async fn run(
    target: &Target,
    fx: &Fixture,
    accounts: usize,
    connections: u32,
    seconds: u32,
    dir: &Path,
) -> anyhow::Result<Rush> {
    let started = std::time::Instant::now();
    let Prepared {
        store,
        state,
        app,
        sessions,
    } = prepare(target, fx, accounts).await?;
    // The submit pool: the last fifth of the accounts submit once each.
    let submit_pool = sessions.len() / 5;
    check_submit(&app, &sessions[sessions.len() - 1]).await?;
    let setup_s = started.elapsed().as_secs_f64();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let server = tokio::spawn(xhht_web::serve(state, listener));
    let script = dir.join("rush.lua");
    std::fs::write(&script, lua(&sessions[..sessions.len() - 1], submit_pool - 1))?;
    let rss_idle_kb = http::rss_kb();
    let load = http::wrk_script(
        "the deadline rush",
        &format!("http://{addr}/"),
        seconds,
        connections,
        &script,
    )?;
    let rss_after_kb = http::rss_kb();
    server.abort();
    store.close().await;
    Ok(Rush {
        backend: target.backend(),
        accounts: sessions.len(),
        submit_pool,
        connections,
        seconds,
        setup_s,
        load,
        rss_idle_kb,
        rss_after_kb,
    })
}

/// The national fixture with 2021-2025 approved, `accounts` reporters with
/// 2026 drafts, each logged in through the router.
pub struct Prepared {
    pub store: Store,
    pub state: xhht_web::AppState,
    pub app: Router,
    pub sessions: Vec<Session>,
}

pub async fn prepare(target: &Target, fx: &Fixture, accounts: usize) -> anyhow::Result<Prepared> {
    let store = target.fresh().await?;
    let stamp = Stamp::now(ACTOR).with_reason("Dữ liệu thử tải (xhht-bench)");
    store.install_plan(&fx.plan, &fx.text, &stamp).await?;
    store.mark_sample(&stamp).await?;
    for (year, v) in fx.years.iter().filter(|(y, _)| *y < YEAR) {
        store.import_approved_year(&stamp, &fx.plan, *year, v).await?;
    }
    store.rebuild_rollups(&fx.plan).await?;
    let last = &fx
        .years
        .iter()
        .find(|(y, _)| *y == YEAR - 1)
        .context("no 2025 values")?
        .1;
    let units: Vec<&OrgUnit> = fx
        .plan
        .org_units
        .iter()
        .filter(|u| fx.plan.elements_for(u).next().is_some() && last.unit(&u.code).is_some())
        .take(accounts)
        .collect();
    if units.len() < accounts {
        bail!("the fixture has {} reporting units, {accounts} asked", units.len());
    }
    create_accounts(&store, &stamp, &units).await?;
    for u in &units {
        let draft = draft_of(&fx.plan, u, last.unit(&u.code).expect("filtered above"));
        store.save_values(&stamp, &u.code, YEAR, &draft).await?;
    }
    target.analyze().await?;
    target.checkpoint().await?;
    let state = xhht_web::AppState::load(store.clone()).await?;
    let app = xhht_web::router(state.clone());
    let mut sessions = Vec::with_capacity(units.len());
    for (i, u) in units.iter().enumerate() {
        let values = last.unit(&u.code).expect("filtered above");
        sessions.push(log_in(&app, &fx.plan, &username(i), u, values).await?);
    }
    Ok(Prepared {
        store,
        state,
        app,
        sessions,
    })
}

fn username(i: usize) -> String {
    format!("rush{i:05}")
}

pub async fn create_accounts(store: &Store, stamp: &Stamp, units: &[&OrgUnit]) -> anyhow::Result<()> {
    let names: Vec<(String, String)> = units
        .iter()
        .enumerate()
        .map(|(i, u)| (username(i), format!("Cán bộ {}", u.name)))
        .collect();
    let users: Vec<NewUser> = names
        .iter()
        .zip(units)
        .map(|((username, display), u)| NewUser {
            username,
            display_name: display,
            password: PASSWORD,
            role: Role::Reporter,
            org_unit: &u.code,
            must_change_password: false,
        })
        .collect();
    for chunk in users.chunks(200) {
        store.create_users(stamp, chunk).await?;
    }
    Ok(())
}

/// A 2026 draft: last year's figures, the counts a little higher.
fn draft_of(plan: &Plan, unit: &OrgUnit, last: &UnitValues) -> Vec<(String, Option<DataValue>)> {
    plan.elements_for(unit)
        .filter_map(|el| {
            let v = last.get(&el.code)?.clone();
            let v = match (el.value_type, v) {
                (ValueType::Count, DataValue::Number(n)) => DataValue::Number((n * 1.01).round()),
                (_, v) => v,
            };
            Some((el.code.clone(), Some(v)))
        })
        .collect()
}

/// One request through the router (setup only).
pub async fn send(app: &Router, req: Request<Body>) -> anyhow::Result<(StatusCode, Vec<String>, String)> {
    let res = app.clone().oneshot(req).await?;
    let status = res.status();
    let cookies = res
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|c| c.split(';').next())
        .map(str::to_string)
        .collect();
    let body = res.into_body().collect().await?.to_bytes();
    Ok((status, cookies, String::from_utf8_lossy(&body).into_owned()))
}

async fn log_in(app: &Router, plan: &Plan, name: &str, unit: &OrgUnit, last: &UnitValues) -> anyhow::Result<Session> {
    let form = format!("username={name}&password={}&next=", encode(PASSWORD));
    let req = Request::post("/login")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(form))?;
    let (status, cookies, body) = send(app, req).await?;
    if status != StatusCode::SEE_OTHER {
        bail!("login of {name}: {status}: {}", &body[..body.len().min(400)]);
    }
    let cookie = cookies.join("; ");
    let req = Request::get(format!("/reports/{YEAR}/{}", unit.code))
        .header(header::COOKIE, &cookie)
        .body(Body::empty())?;
    let (status, _, page) = send(app, req).await?;
    if status != StatusCode::OK {
        bail!("form of {name}: {status}");
    }
    let csrf = csrf_of(&page).context("no CSRF token on the form")?;
    let (element, value) = plan
        .elements_for(unit)
        .find_map(|el| match (el.value_type, last.get(&el.code)) {
            (ValueType::Count, Some(DataValue::Number(n))) => Some((el.code.clone(), *n)),
            _ => None,
        })
        .context("no count on the form")?;
    Ok(Session {
        cookie,
        csrf,
        unit: unit.code.clone(),
        element,
        value,
        submit_body: submit_body(plan, unit, last),
    })
}

/// The whole form as a reporter sends it on "Gửi báo cáo".
fn submit_body(plan: &Plan, unit: &OrgUnit, last: &UnitValues) -> String {
    let mut body = String::from("action=submit&explanation=");
    body.push_str(&encode("Số liệu thử tải, đã kiểm tra."));
    for el in plan.elements_for(unit) {
        let Some(v) = last.get(&el.code) else { continue };
        let text = match v {
            DataValue::Number(n) if el.value_type == ValueType::Count => xhht_domain::text::number(*n, 0),
            DataValue::Number(n) => xhht_domain::text::number(*n, 2),
            DataValue::Bool(b) => (if *b { "yes" } else { "no" }).to_string(),
            DataValue::Status(s) | DataValue::Text(s) => s.clone(),
        };
        let _ = write!(body, "&v_{}={}", el.code, encode(&text));
    }
    body
}

/// The session's CSRF token, from a page's hidden field.
pub fn csrf_of(page: &str) -> Option<String> {
    let marker = "name=\"_csrf\" value=\"";
    let start = page.find(marker)? + marker.len();
    page[start..].split('"').next().map(str::to_string)
}

/// A submission accepted (303) before the load starts: the mix measures
/// work, not refusals.
async fn check_submit(app: &Router, s: &Session) -> anyhow::Result<()> {
    let req = Request::post(format!("/reports/{YEAR}/{}", s.unit))
        .header(header::COOKIE, &s.cookie)
        .header("x-csrf-token", &s.csrf)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(s.submit_body.clone()))?;
    let (status, _, body) = send(app, req).await?;
    if status != StatusCode::SEE_OTHER {
        let at = body.find("alert").unwrap_or(0);
        bail!(
            "a rush submission is refused: {status}: {}",
            &body[at..body.len().min(at + 600)]
        );
    }
    Ok(())
}

/// Percent-encoding for a form body.
pub fn encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(b as char),
            _ => {
                let _ = write!(out, "%{b:02X}");
            }
        }
    }
    out
}

/// A Lua string literal.
fn lua_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The wrk script: sessions as a table; each thread submits from its own
/// slice of the pool (`submit_pool` accounts at the front), once each.
fn lua(sessions: &[Session], submit_pool: usize) -> String {
    let mut s = String::from("local sessions = {\n");
    for x in sessions {
        let _ = writeln!(
            s,
            "{{c={},t={},u={},e={},v={},b={}}},",
            lua_str(&x.cookie),
            lua_str(&x.csrf),
            lua_str(&x.unit),
            lua_str(&x.element),
            x.value,
            lua_str(&x.submit_body)
        );
    }
    let _ = write!(
        s,
        r#"}}
local pool = {submit_pool}
local save_share, submit_share = {SAVE_SHARE}, {SUBMIT_SHARE}
local threads = 0
function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end
local next_submit = nil
function init(args)
  math.randomseed(562022 + tid)
  next_submit = tid + 1
end
local function post(x, body)
  return wrk.format("POST", "/reports/{YEAR}/" .. x.u, {{
    ["Cookie"] = x.c, ["x-csrf-token"] = x.t,
    ["Content-Type"] = "application/x-www-form-urlencoded"}}, body)
end
function request()
  local r = math.random()
  if r < submit_share and next_submit <= pool then
    local x = sessions[next_submit]
    next_submit = next_submit + 2
    return post(x, x.b)
  end
  local x = sessions[math.random(pool + 1, #sessions)]
  if r < submit_share + save_share then
    x.v = x.v + 1
    return post(x, "action=save&v_" .. x.e .. "=" .. string.format("%d", x.v))
  end
  return wrk.format("GET", "/reports/{YEAR}/" .. x.u, {{["Cookie"] = x.c}})
end
"#
    );
    s
}

/// The section of BENCHMARKS.md.
pub fn section(rushes: &[Rush]) -> String {
    let mut s = String::from("## Deadline rush (same run)\n\n");
    if let Some(r) = rushes.first() {
        let _ = write!(
            s,
            "The national fixture with 2021-2025 approved and {} reporter accounts (one per commune-level unit), each with a 2026 draft, all logged in; then `wrk -t2 -c{} -d{}s` with a Lua script mixing form loads (`GET /reports/2026/{{unit}}`, {:.0}%), draft saves of one changed figure ({:.0}%) and submissions of the whole form ({:.0}%, each of {} reserved accounts once; after that, form loads). The server runs inside the bench process, which also holds the generated national fixture (hundreds of MB), so of its resident memory only the growth during the rush is the server's. Setup (accounts with Argon2 hashes, drafts, one login each, then a checkpoint of what the load left in the database's log) is timed apart.\n\n",
            crate::report::thousands(r.accounts),
            r.connections,
            r.seconds,
            (1.0 - SAVE_SHARE - SUBMIT_SHARE) * 100.0,
            SAVE_SHARE * 100.0,
            SUBMIT_SHARE * 100.0,
            crate::report::thousands(r.submit_pool - 1),
        );
    }
    s.push_str("| Database | accounts | req/s | p50 | p99 | errors | process memory before / after (growth) | setup |\n|---|--:|--:|--:|--:|--:|--:|--:|\n");
    let mb = |kb: Option<u64>| kb.map_or("?".to_string(), |k| format!("{:.1} MB", k as f64 / 1024.0));
    for r in rushes {
        let _ = writeln!(
            s,
            "| {} | {} | {:.0} | {:.2} ms | **{:.2} ms** | {} | {} / {} ({}) | {:.0} s |",
            r.backend,
            crate::report::thousands(r.accounts),
            r.load.rps,
            r.load.p50_ms,
            r.load.p99_ms,
            r.load.errors,
            mb(r.rss_idle_kb),
            mb(r.rss_after_kb),
            match (r.rss_idle_kb, r.rss_after_kb) {
                (Some(a), Some(b)) => format!("{:+.1} MB", (b as f64 - a as f64) / 1024.0),
                _ => "?".to_string(),
            },
            r.setup_s
        );
    }
    s.push_str(
        "\nTarget: p99 ≤ 50 ms with 0 errors at 50 connections on both databases; the server's memory ≤ 200 MB at the end.\n",
    );
    s
}
