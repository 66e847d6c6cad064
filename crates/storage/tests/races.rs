//! Writes racing on the same report, through the Store API, on SQLite and
//! PostgreSQL: exactly one of several reviewers wins, the others get the
//! typed conflict, each change has exactly one audit event, the roll-ups
//! stay equal to a fresh computation, and SQLite never answers "database is
//! locked".

use std::sync::Arc;

use tokio::sync::Barrier;
use xhht_domain::access::Role;
use xhht_domain::plan::{self, BUILTIN_BA_DINH, Plan, ValueType};
use xhht_domain::values::DataValue;
use xhht_domain::workflow::{self, Action, Facts, ReportState};
use xhht_storage::{Conflict, Stamp, StorageError, Store, test_support};

const YEAR: i32 = 2026;

async fn with_plan(name: &str) -> Vec<(Store, Arc<Plan>)> {
    let mut out = Vec::new();
    for store in test_support::stores(name).await {
        let plan = plan::builtin();
        store
            .install_plan(&plan, BUILTIN_BA_DINH, &Stamp::now("test"))
            .await
            .unwrap();
        out.push((store, Arc::new(plan)));
    }
    out
}

/// Reporting units of the year, in plan order.
fn units(plan: &Plan, n: usize) -> Vec<String> {
    plan.units_in(YEAR)
        .filter(|u| plan.is_reporting_unit(u))
        .take(n)
        .map(|u| u.code.clone())
        .collect()
}

/// A full set of values for `unit`, varied by `k`.
fn values(plan: &Plan, unit: &str, k: usize) -> Vec<(String, Option<DataValue>)> {
    let u = plan.unit(unit).unwrap();
    plan.elements_for(u)
        .map(|e| {
            let v = match e.value_type {
                ValueType::Count => DataValue::Number((1000 + 37 * k) as f64),
                ValueType::Percentage => DataValue::Number((50 + k % 40) as f64),
                ValueType::YesNo => DataValue::Bool(k.is_multiple_of(2)),
                ValueType::Status => DataValue::Status(e.options[k % e.options.len()].code.clone()),
                ValueType::Text => DataValue::Text(format!("ghi chú {k}")),
            };
            (e.code.clone(), Some(v))
        })
        .collect()
}

/// One workflow action as a person does it: the domain decides.
async fn act(store: &Store, plan: &Plan, unit: &str, action: Action) -> Result<ReportState, StorageError> {
    let (who, role) = match action {
        Action::Save | Action::Submit => (unit.to_string(), Role::Reporter),
        _ => ("chuyenvien".to_string(), Role::Reviewer),
    };
    let mut stamp = Stamp::now(who);
    if action.needs_reason() {
        stamp = stamp.with_reason("Kiểm tra lại");
    }
    let facts = Facts {
        own_unit: role == Role::Reporter,
        has_reason: action.needs_reason(),
        ..Facts::default()
    };
    store
        .transition(&stamp, plan, unit, YEAR, |state, _| {
            workflow::transition(state, action, role, facts)
        })
        .await
}

/// Runs `actions` on `unit` at the same moment; results in the same order.
async fn race(
    store: &Store,
    plan: &Arc<Plan>,
    unit: &str,
    actions: &[Action],
) -> Vec<Result<ReportState, StorageError>> {
    let start = Arc::new(Barrier::new(actions.len()));
    let tasks: Vec<_> = actions
        .iter()
        .map(|&action| {
            let (store, plan, unit, start) = (store.clone(), plan.clone(), unit.to_string(), start.clone());
            tokio::spawn(async move {
                start.wait().await;
                act(&store, &plan, &unit, action).await
            })
        })
        .collect();
    let mut out = Vec::new();
    for t in tasks {
        out.push(t.await.unwrap());
    }
    out
}

/// Workflow moves recorded for `unit`.
async fn moves(store: &Store, unit: &str) -> usize {
    let trail = store.audit_events(unit, YEAR).await.unwrap();
    trail.iter().filter(|e| e.event.change.states().is_some()).count()
}

async fn state(store: &Store, unit: &str) -> ReportState {
    let rows = store.reports(YEAR).await.unwrap();
    rows.into_iter().find(|r| r.org_unit == unit).unwrap().state
}

/// Exactly one result is Ok (returned), every other is the typed conflict
/// naming the winner's state.
fn one_winner(results: &[Result<ReportState, StorageError>], backend: xhht_storage::Backend) -> ReportState {
    let won: Vec<ReportState> = results.iter().filter_map(|r| r.as_ref().ok().copied()).collect();
    assert_eq!(won.len(), 1, "{backend:?}: exactly one wins: {results:?}");
    for r in results.iter().filter(|r| r.is_err()) {
        assert!(
            matches!(r, Err(StorageError::Conflict(Conflict::WrongState { found })) if *found == won[0]),
            "{backend:?}: a loser gets the typed conflict: {r:?}"
        );
    }
    won[0]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_reviews_of_one_report_have_exactly_one_winner() {
    use Action::*;
    for (store, plan) in with_plan("races_one_winner").await {
        let b = store.backend();
        let unit_list = units(&plan, 4);
        for (k, unit) in unit_list.iter().enumerate() {
            store
                .save_values(&Stamp::now(unit.as_str()), unit, YEAR, &values(&plan, unit, k))
                .await
                .unwrap();
            act(&store, &plan, unit, Submit).await.unwrap();
        }
        let unit = &unit_list[0];
        // Eight approvals of one submitted report.
        let before = moves(&store, unit).await;
        let won = one_winner(&race(&store, &plan, unit, &[Approve; 8]).await, b);
        assert_eq!(won, ReportState::Approved);
        assert_eq!(moves(&store, unit).await, before + 1, "{b:?}: one event for one change");
        // Eight reopenings of the approved report.
        let won = one_winner(&race(&store, &plan, unit, &[Reopen; 8]).await, b);
        assert_eq!(won, ReportState::Returned);
        assert_eq!(moves(&store, unit).await, before + 2);
        // Approvals and returns mixed, several rounds.
        let mut expected = before + 2;
        for round in 0..4 {
            act(&store, &plan, unit, Submit).await.unwrap();
            let mix = [Approve, Return, Approve, Return, Return, Approve, Return, Approve];
            let won = one_winner(&race(&store, &plan, unit, &mix).await, b);
            expected += 2;
            assert_eq!(state(&store, unit).await, won, "{b:?} round {round}");
            assert_eq!(moves(&store, unit).await, expected, "{b:?} round {round}");
            if won == ReportState::Approved {
                act(&store, &plan, unit, Reopen).await.unwrap();
                expected += 1;
            }
        }
        // Reviewers approving different units at once: every one wins once,
        // and the roll-ups of the areas they share add up.
        let others = &unit_list[1..];
        let tasks: Vec<_> = others
            .iter()
            .flat_map(|u| [u.clone(), u.clone()])
            .map(|u| {
                let (store, plan) = (store.clone(), plan.clone());
                tokio::spawn(async move { (u.clone(), act(&store, &plan, &u, Approve).await) })
            })
            .collect();
        let mut per_unit = std::collections::HashMap::<String, usize>::new();
        for t in tasks {
            let (u, r) = t.await.unwrap();
            match r {
                Ok(_) => *per_unit.entry(u).or_default() += 1,
                Err(StorageError::Conflict(Conflict::WrongState { .. })) => {}
                Err(e) => panic!("{b:?}: {e}"),
            }
        }
        assert!(
            per_unit.values().all(|n| *n == 1) && per_unit.len() == others.len(),
            "{b:?}: {per_unit:?}"
        );
        test_support::assert_rollups_consistent(&store, &plan, YEAR..=YEAR, "after the races").await;
    }
}

/// A unit submitting while a reviewer approves: the approval can only follow
/// the submission, never jump over it.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_submission_racing_an_approval() {
    use Action::*;
    for (store, plan) in with_plan("races_submit_approve").await {
        let b = store.backend();
        let unit = &units(&plan, 1)[0];
        store
            .save_values(&Stamp::now(unit.as_str()), unit, YEAR, &values(&plan, unit, 3))
            .await
            .unwrap();
        act(&store, &plan, unit, Submit).await.unwrap();
        act(&store, &plan, unit, Return).await.unwrap();
        let (mut both, mut only_submit) = (0, 0);
        for _ in 0..10 {
            let before = moves(&store, unit).await;
            let r = race(&store, &plan, unit, &[Submit, Approve]).await;
            assert_eq!(r[0].as_ref().ok(), Some(&ReportState::Submitted), "{b:?}: {r:?}");
            match &r[1] {
                Ok(ReportState::Approved) => {
                    both += 1;
                    assert_eq!(moves(&store, unit).await, before + 2);
                    act(&store, &plan, unit, Reopen).await.unwrap();
                }
                Err(StorageError::Conflict(Conflict::WrongState {
                    found: ReportState::Returned,
                })) => {
                    only_submit += 1;
                    assert_eq!(moves(&store, unit).await, before + 1);
                    act(&store, &plan, unit, Return).await.unwrap();
                }
                other => panic!("{b:?}: {other:?}"),
            }
        }
        assert_eq!(both + only_submit, 10);
        test_support::assert_rollups_consistent(&store, &plan, YEAR..=YEAR, "after submit/approve races").await;
    }
}

/// Several units saving drafts while reviewers approve and reopen another
/// unit: every write succeeds; on SQLite none fails with "database is locked".
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn drafts_and_reviews_at_once_never_fail() {
    use Action::*;
    for (store, plan) in with_plan("races_drafts_and_reviews").await {
        let b = store.backend();
        let list = units(&plan, 7);
        let (reviewed, writers) = (list[0].clone(), list[1..].to_vec());
        store
            .save_values(
                &Stamp::now(reviewed.as_str()),
                &reviewed,
                YEAR,
                &values(&plan, &reviewed, 1),
            )
            .await
            .unwrap();
        act(&store, &plan, &reviewed, Submit).await.unwrap();
        let start = Arc::new(Barrier::new(writers.len() + 1));
        let mut tasks = Vec::new();
        for (k, unit) in writers.iter().enumerate() {
            let (store, plan, unit, start) = (store.clone(), plan.clone(), unit.clone(), start.clone());
            tasks.push(tokio::spawn(async move {
                start.wait().await;
                for round in 0..12 {
                    store
                        .save_values(
                            &Stamp::now(unit.as_str()),
                            &unit,
                            YEAR,
                            &values(&plan, &unit, k + round),
                        )
                        .await?;
                }
                Ok::<usize, StorageError>(12)
            }));
        }
        let reviewer = {
            let (store, plan, unit, start) = (store.clone(), plan.clone(), reviewed.clone(), start.clone());
            tokio::spawn(async move {
                start.wait().await;
                for _ in 0..6 {
                    act(&store, &plan, &unit, Approve).await?;
                    act(&store, &plan, &unit, Reopen).await?;
                    act(&store, &plan, &unit, Submit).await?;
                }
                act(&store, &plan, &unit, Approve).await?;
                Ok::<usize, StorageError>(19)
            })
        };
        for t in tasks {
            t.await
                .unwrap()
                .unwrap_or_else(|e| panic!("{b:?}: a draft save failed: {e}"));
        }
        reviewer
            .await
            .unwrap()
            .unwrap_or_else(|e| panic!("{b:?}: a review failed: {e}"));
        assert_eq!(moves(&store, &reviewed).await, 1 + 19);
        for (k, unit) in writers.iter().enumerate() {
            let working = store.working_values(&plan, unit, YEAR).await.unwrap();
            let last: std::collections::HashMap<_, _> = values(&plan, unit, k + 11)
                .into_iter()
                .map(|(c, v)| (c, v.unwrap()))
                .collect();
            assert_eq!(working, last, "{b:?}: {unit} keeps its last save");
        }
        test_support::assert_rollups_consistent(&store, &plan, YEAR..=YEAR, "after drafts and reviews").await;
    }
}

/// An extension racing an approval: whichever commits first, an approved
/// report never ends with a new deadline; a refused extension writes
/// neither the deadline nor an audit event.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_extension_racing_an_approval_never_extends_an_approved_report() {
    use Action::*;
    for (store, plan) in with_plan("races_extend_approve").await {
        let b = store.backend();
        let unit = &units(&plan, 1)[0];
        let due = plan.due_date(YEAR).unwrap() + chrono::Duration::days(7);
        store
            .save_values(&Stamp::now(unit.as_str()), unit, YEAR, &values(&plan, unit, 5))
            .await
            .unwrap();
        act(&store, &plan, unit, Submit).await.unwrap();
        let (mut extended_first, mut approved_first) = (0, 0);
        for _ in 0..6 {
            let events = store.audit_events(unit, YEAR).await.unwrap().len();
            let deadlines = store.deadline_extensions(YEAR).await.unwrap();
            let start = Arc::new(Barrier::new(2));
            let extend = {
                let (store, unit, start) = (store.clone(), unit.clone(), start.clone());
                tokio::spawn(async move {
                    start.wait().await;
                    store
                        .extend_deadline(&Stamp::now("admin"), &unit, YEAR, due, "Thay cán bộ")
                        .await
                })
            };
            let approve = {
                let (store, plan, unit, start) = (store.clone(), plan.clone(), unit.clone(), start.clone());
                tokio::spawn(async move {
                    start.wait().await;
                    act(&store, &plan, &unit, Approve).await
                })
            };
            let (extend, approve) = (extend.await.unwrap(), approve.await.unwrap());
            assert_eq!(approve.as_ref().ok(), Some(&ReportState::Approved), "{b:?}");
            let after = store.audit_events(unit, YEAR).await.unwrap().len();
            match extend {
                Ok(()) => {
                    extended_first += 1;
                    assert_eq!(after, events + 2, "{b:?}");
                }
                Err(StorageError::Conflict(Conflict::WrongState {
                    found: ReportState::Approved,
                })) => {
                    approved_first += 1;
                    assert_eq!(after, events + 1, "{b:?}: no event for the refusal");
                    assert_eq!(store.deadline_extensions(YEAR).await.unwrap(), deadlines, "{b:?}");
                }
                other => panic!("{b:?}: {other:?}"),
            }
            // Once approved, an extension is always refused.
            let late = store
                .extend_deadline(&Stamp::now("admin"), unit, YEAR, due, "Thay cán bộ")
                .await;
            assert!(
                matches!(late, Err(StorageError::Conflict(Conflict::WrongState { .. }))),
                "{b:?}: {late:?}"
            );
            act(&store, &plan, unit, Reopen).await.unwrap();
            act(&store, &plan, unit, Submit).await.unwrap();
        }
        assert_eq!(extended_first + approved_first, 6, "{b:?}");
    }
}
