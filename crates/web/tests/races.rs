//! Concurrent requests through the real router, on SQLite and PostgreSQL:
//! two reviewers acting on one report at once get one 303 and one 409 page;
//! a mixed load of reporters and reviewers never gets a 5xx.

mod common;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::http::StatusCode;
use common::{Client, Reply, demo_apps};
use xhht_domain::access::Role;
use xhht_domain::plan::{Plan, UnitType, builtin};
use xhht_domain::workflow::ReportState;
use xhht_sample::{DEMO_PASSWORD, demo_accounts};
use xhht_storage::{Stamp, Store, test_support};

const YEAR: i32 = 2026;

/// Wards of `YEAR` whose report is in one of `states` (`None`: not begun),
/// with their reporter's username.
async fn wards_in(store: &Store, plan: &Plan, states: &[Option<ReportState>]) -> Vec<(String, String)> {
    let accounts = demo_accounts(plan);
    let rows = store.reports(YEAR).await.unwrap();
    plan.units_in(YEAR)
        .filter(|u| u.unit_type == UnitType::Ward)
        .filter(|u| states.contains(&rows.iter().find(|r| r.org_unit == u.code).map(|r| r.state)))
        .filter_map(|u| {
            let a = accounts
                .iter()
                .find(|a| a.org_unit == u.code && a.role == Role::Reporter)?;
            Some((u.code.clone(), a.username.clone()))
        })
        .collect()
}

/// Puts `n` ward reports in the submitted state (through the store, as the
/// sample does) and returns their units.
async fn submitted_wards(store: &Store, plan: &Plan, n: usize) -> Vec<String> {
    let mut out: Vec<String> = wards_in(store, plan, &[Some(ReportState::Submitted)])
        .await
        .into_iter()
        .map(|(u, _)| u)
        .collect();
    for (unit, _) in wards_in(store, plan, &[None, Some(ReportState::Draft)]).await {
        if out.len() >= n {
            break;
        }
        let stamp = Stamp::now("test");
        let value = Some(xhht_domain::values::DataValue::Number(9000.0));
        store
            .save_values(&stamp, &unit, YEAR, &[("pop_15_60".to_string(), value)])
            .await
            .unwrap();
        store
            .change_state(&stamp, plan, &unit, YEAR, &[ReportState::Draft], ReportState::Submitted)
            .await
            .unwrap();
        out.push(unit);
    }
    assert!(out.len() >= n, "the sample has {} ward reports to review", out.len());
    out.truncate(n);
    out
}

async fn review(app: &Router, who: &Client, unit: &str, action: &str) -> Reply {
    let uri = format!("/reports/{YEAR}/{unit}/review");
    let reason = if action == "approve" {
        ""
    } else {
        "Kiểm tra lại (kiểm thử)"
    };
    who.post(app, &uri, &[("action", action), ("reason", reason)]).await
}

/// Two requests at the same moment.
async fn both(app: &Router, a: (&Client, &str, &str), b: (&Client, &str, &str)) -> [Reply; 2] {
    let start = Arc::new(tokio::sync::Barrier::new(2));
    let go = |(who, unit, action): (&Client, &str, &str)| {
        let (app, who, unit, action, start) = (
            app.clone(),
            who.clone(),
            unit.to_string(),
            action.to_string(),
            start.clone(),
        );
        tokio::spawn(async move {
            start.wait().await;
            review(&app, &who, &unit, &action).await
        })
    };
    let (ta, tb) = (go(a), go(b));
    [ta.await.unwrap(), tb.await.unwrap()]
}

/// One 303 and one 409 page telling the loser to reload.
fn one_wins(replies: &[Reply; 2], what: &str) {
    let mut statuses: Vec<StatusCode> = replies.iter().map(|r| r.status).collect();
    statuses.sort();
    assert_eq!(statuses, [StatusCode::SEE_OTHER, StatusCode::CONFLICT], "{what}");
    let loser = replies.iter().find(|r| r.status == StatusCode::CONFLICT).unwrap();
    assert!(loser.body.contains("tải lại trang"), "{what}: {}", loser.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_reviewers_at_once_one_wins_the_other_gets_409() {
    let plan = builtin();
    for (store, app) in demo_apps("web_races_two_reviewers").await {
        let b = store.backend();
        let units = submitted_wards(&store, &plan, 6).await;
        let reviewer = Client::login(&app, "chuyenvien", DEMO_PASSWORD).await;
        let admin = Client::login(&app, "admin", xhht_sample::DEMO_ADMIN_PASSWORD).await;
        let events = |unit: String| {
            let store = store.clone();
            async move {
                let trail = store.audit_events(&unit, YEAR).await.unwrap();
                trail.iter().filter(|e| e.event.change.states().is_some()).count()
            }
        };
        for unit in &units[..3] {
            let before = events(unit.clone()).await;
            let r = both(&app, (&reviewer, unit, "approve"), (&admin, unit, "approve")).await;
            one_wins(&r, &format!("{b:?}: two approvals of {unit}"));
            assert_eq!(events(unit.clone()).await, before + 1, "{b:?}: one event");
        }
        for (i, unit) in units[3..].iter().enumerate() {
            let (first, second) = if i % 2 == 0 {
                ("approve", "return")
            } else {
                ("return", "approve")
            };
            let before = events(unit.clone()).await;
            let r = both(&app, (&reviewer, unit, first), (&admin, unit, second)).await;
            one_wins(&r, &format!("{b:?}: approve racing return on {unit}"));
            assert_eq!(events(unit.clone()).await, before + 1, "{b:?}: one event");
            let row = store.reports(YEAR).await.unwrap();
            let st = row.iter().find(|r| &r.org_unit == unit).unwrap().state;
            assert!(matches!(st, ReportState::Approved | ReportState::Returned));
        }
        test_support::assert_rollups_consistent(&store, &plan, YEAR..=YEAR, "after the races").await;
    }
}

/// Every field of a ward's form with a value that passes the rules, the
/// warnings explained: a submission that can succeed.
fn full_form(plan: &Plan, unit: &str, k: usize) -> Vec<(String, String)> {
    let mut fields: BTreeMap<String, String> = plan
        .elements_for(plan.unit(unit).unwrap())
        .map(|e| (format!("v_{}", e.code), "1.000".to_string()))
        .collect();
    let literate = format!("8.{:03}", 900 + k % 90);
    for (key, value) in [
        ("v_pop_15_plus", "12.000"),
        ("v_pop_15_60", "9.000"),
        ("v_literate_15_60", literate.as_str()),
        ("v_working_age_pop", "9.500"),
        ("v_literacy_level", "level_2"),
        ("v_primary_universal_level", "level_3"),
        ("v_lower_secondary_universal_level", "level_3"),
        ("v_preschool_universal", "yes"),
        ("explanation", "Số liệu theo điều tra (kiểm thử tải)."),
        ("action", "submit"),
    ] {
        fields.insert(key.into(), value.into());
    }
    fields.into_iter().collect()
}

type Counts = Arc<Mutex<BTreeMap<String, usize>>>;

fn count(counts: &Counts, who: &str, status: StatusCode) {
    *counts
        .lock()
        .unwrap()
        .entry(format!("{who} {}", status.as_u16()))
        .or_default() += 1;
}

/// 5 reporters saving (and now and then submitting) while 2 reviewers
/// approve, return and reopen the same reports, for XHHT_MIXED_LOAD_SECS
/// seconds (3 by default): no response is a server error.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_mixed_load_never_gets_a_server_error() {
    let secs: u64 = std::env::var("XHHT_MIXED_LOAD_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3);
    let plan = Arc::new(builtin());
    for (store, app) in demo_apps("web_races_mixed_load").await {
        let b = store.backend();
        let open = [None, Some(ReportState::Draft), Some(ReportState::Returned)];
        let mut wards = wards_in(&store, &plan, &open).await;
        assert!(wards.len() >= 5, "{b:?}: {wards:?}");
        wards.truncate(5);
        let units: Vec<String> = wards.iter().map(|(u, _)| u.clone()).collect();
        let counts: Counts = Arc::default();
        let until = Instant::now() + Duration::from_secs(secs);
        let mut tasks = Vec::new();
        for (k, (unit, username)) in wards.iter().enumerate() {
            let who = Client::login(&app, username, DEMO_PASSWORD).await;
            let (app, plan, unit, counts) = (app.clone(), plan.clone(), unit.clone(), counts.clone());
            tasks.push(tokio::spawn(async move {
                let uri = format!("/reports/{YEAR}/{unit}");
                let mut i = k;
                while Instant::now() < until {
                    i += 1;
                    let r = if i.is_multiple_of(4) {
                        let form = full_form(&plan, &unit, i);
                        let fields: Vec<(&str, &str)> = form.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
                        who.post(&app, &uri, &fields).await
                    } else {
                        let v = format!("9.{:03}", i % 1000);
                        who.post(&app, &uri, &[("v_pop_15_60", v.as_str()), ("action", "save")])
                            .await
                    };
                    count(&counts, if i.is_multiple_of(4) { "submit" } else { "save" }, r.status);
                }
            }));
        }
        for (name, password) in [
            ("chuyenvien", DEMO_PASSWORD),
            ("admin", xhht_sample::DEMO_ADMIN_PASSWORD),
        ] {
            let who = Client::login(&app, name, password).await;
            let (app, store, units, counts) = (app.clone(), store.clone(), units.clone(), counts.clone());
            tasks.push(tokio::spawn(async move {
                let mut i = 0usize;
                while Instant::now() < until {
                    let rows = store.reports(YEAR).await.unwrap();
                    for unit in &units {
                        i += 1;
                        let state = rows.iter().find(|r| &r.org_unit == unit).map(|r| r.state);
                        let action = match state {
                            Some(ReportState::Submitted) if i.is_multiple_of(3) => "return",
                            Some(ReportState::Submitted) => "approve",
                            Some(ReportState::Approved) => "reopen",
                            _ => continue,
                        };
                        let r = review(&app, &who, unit, action).await;
                        count(&counts, action, r.status);
                    }
                    tokio::time::sleep(Duration::from_millis(5)).await;
                }
            }));
        }
        for t in tasks {
            t.await.unwrap();
        }
        let counts = counts.lock().unwrap().clone();
        test_support::say_uncaptured(&format!("mixed load {secs} s on {b:?}: {counts:?}\n"));
        let server_errors: usize = counts
            .iter()
            .filter(|(k, _)| k.split(' ').nth(1).and_then(|s| s.parse::<u16>().ok()) >= Some(500))
            .map(|(_, n)| n)
            .sum();
        assert_eq!(server_errors, 0, "{b:?}: {counts:?}");
        let n = |key: &str| counts.get(key).copied().unwrap_or(0);
        assert!(n("save 303") > 0, "{b:?}: reporters saved: {counts:?}");
        assert!(n("submit 303") > 0, "{b:?}: reporters submitted: {counts:?}");
        assert!(
            n("approve 303") + n("return 303") > 0,
            "{b:?}: reviewers acted: {counts:?}"
        );
        test_support::assert_rollups_consistent(&store, &plan, YEAR..=YEAR, "after the mixed load").await;
    }
}
