//! The second plan (a ward, 2026-2030, groups in clusters) through storage on
//! every backend: installed, reported, approved, rolled up, baseline included.
//! Figures are worked out by hand (see crates/domain/tests/ward_plan.rs).

use xhht_domain::indicator::{ProgressStatus, assess};
use xhht_domain::plan::{self, Plan};
use xhht_domain::values::DataValue;
use xhht_domain::workflow::ReportState;
use xhht_storage::{FormChanges, Stamp, Store, test_support};

const WARD_PLAN: &str = include_str!("../../domain/tests/fixtures/phuong-thanh-khe-2026.toml");

fn n(x: f64) -> DataValue {
    DataValue::Number(x)
}

async fn report(store: &Store, plan: &Plan, unit: &str, year: i32, values: &[(&str, DataValue)]) {
    let stamp = Stamp::now("kiểm thử").with_reason("Kế hoạch phường (kiểm thử)");
    let form = FormChanges {
        values: values.iter().map(|(c, v)| (c.to_string(), Some(v.clone()))).collect(),
        narratives: Vec::new(),
        explanation: None,
    };
    store.save_form(&stamp, unit, year, &form).await.unwrap();
    use ReportState::*;
    store
        .change_state(&stamp, plan, unit, year, &[Draft], Submitted)
        .await
        .unwrap();
    store
        .change_state(&stamp, plan, unit, year, &[Submitted], Approved)
        .await
        .unwrap();
}

async fn group(store: &Store, plan: &Plan, code: &str, hh: f64, lhh: f64, community: bool) {
    let values = [
        ("households", n(hh)),
        ("learning_households", n(lhh)),
        ("learning_community", DataValue::Bool(community)),
    ];
    report(store, plan, code, 2026, &values).await;
}

/// The stored roll-up's value of `indicator` for `area` in `year`.
async fn stored(
    store: &Store,
    plan: &Plan,
    area: &str,
    indicator: &str,
    year: i32,
    expected: usize,
) -> (Option<f64>, usize) {
    let r = store.rollups(area, year..=year).await.unwrap();
    let r = r.get(indicator).and_then(|y| y.get(&year)).cloned().unwrap_or_default();
    let v = r.value(plan.indicator(indicator).unwrap(), area, year, expected);
    (v.value, v.units_counted)
}

fn close(a: Option<f64>, b: f64) -> bool {
    a.is_some_and(|a| (a - b).abs() < 1e-9)
}

#[tokio::test]
async fn a_ward_plan_is_installed_reported_approved_and_rolled_up() {
    let plan = plan::load(WARD_PLAN).unwrap_or_else(|p| panic!("{p:#?}"));
    for store in test_support::stores("sample_ward_plan").await {
        let stamp = Stamp::now("kiểm thử").with_reason("Kế hoạch phường (kiểm thử)");
        store.install_plan(&plan, WARD_PLAN, &stamp).await.unwrap();
        let (loaded, _) = store.load_plan().await.unwrap().unwrap();
        assert_eq!(loaded.milestone_years(), vec![2028, 2030]);
        assert_eq!(loaded.type_name(loaded.unit("C1").unwrap().unit_type), "cụm dân cư");

        // The 2025 baseline, before the plan's first year, is entered and approved.
        report(
            &store,
            &plan,
            "KH",
            2025,
            &[("members", n(200.0)), ("members_learning_citizens", n(90.0))],
        )
        .await;
        report(
            &store,
            &plan,
            "PN",
            2025,
            &[("members", n(300.0)), ("members_learning_citizens", n(135.0))],
        )
        .await;
        let base = stored(&store, &plan, "TK", "member_citizen_rate", 2025, 2).await;
        assert!(close(base.0, 45.0), "(90 + 135) / 500 = 45%: {base:?}");

        // 2026: four of the five groups approved.
        group(&store, &plan, "T1", 120.0, 90.0, true).await;
        group(&store, &plan, "T2", 80.0, 50.0, false).await;
        group(&store, &plan, "T3", 100.0, 75.0, true).await;
        group(&store, &plan, "T4", 150.0, 90.0, true).await;
        let (v, counted) = stored(&store, &plan, "TK", "learning_household_rate", 2026, 5).await;
        assert!(close(v, 305.0 / 4.5), "305 / 450: {v:?}");
        assert_eq!(counted, 4);
        let values = store.approved_values(&plan, 2026).await.unwrap();
        let tree = xhht_domain::indicator::Hierarchy::new(&plan, 2026);
        let inputs = xhht_domain::indicator::Inputs {
            plan: &plan,
            tree: &tree,
            year: 2026,
            values: &values,
            prev: None,
        };
        let ind = plan.indicator("learning_household_rate").unwrap();
        let ward = xhht_domain::indicator::compute(&inputs, ind, "TK");
        assert_eq!(assess(&plan, ind, &ward, None).status, ProgressStatus::Provisional);
        // Cluster 1 is complete: 215 / 300 = 71,67% ≥ 70% (2028).
        let c1 = xhht_domain::indicator::compute(&inputs, ind, "C1");
        assert!(close(
            stored(&store, &plan, "C1", "learning_household_rate", 2026, 3).await.0,
            215.0 / 3.0
        ));
        assert_eq!(assess(&plan, ind, &c1, None).status, ProgressStatus::Achieved);

        // The fifth group: 325 / 500 = 65%; 3 of 5 groups are learning communities.
        group(&store, &plan, "T5", 50.0, 20.0, false).await;
        let (v, counted) = stored(&store, &plan, "TK", "learning_household_rate", 2026, 5).await;
        assert!(close(v, 65.0) && counted == 5, "{v:?} {counted}");
        assert!(close(
            stored(&store, &plan, "TK", "learning_community_share", 2026, 5).await.0,
            60.0
        ));
        assert!(close(
            stored(&store, &plan, "C2", "learning_community_share", 2026, 2).await.0,
            50.0
        ));

        // A rebuild (over the entry years, baseline included) writes the same.
        store.rebuild_rollups(&plan).await.unwrap();
        assert!(close(
            stored(&store, &plan, "TK", "member_citizen_rate", 2025, 2).await.0,
            45.0
        ));
        assert!(close(
            stored(&store, &plan, "TK", "learning_household_rate", 2026, 5).await.0,
            65.0
        ));
    }
}
