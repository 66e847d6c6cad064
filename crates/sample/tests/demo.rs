//! The demo database is the same on SQLite and PostgreSQL.

use xhht_domain::indicator::{Hierarchy, Inputs, compute_all};
use xhht_sample::{SEED, load_demo};
use xhht_storage::test_support;

#[tokio::test]
async fn demo_loads_once_and_gives_the_same_indicators_on_every_backend() {
    let mut results = Vec::new();
    for store in test_support::stores("sample_demo_same_everywhere").await {
        assert!(load_demo(&store, SEED).await.unwrap(), "first load fills the store");
        assert!(!load_demo(&store, SEED).await.unwrap(), "second load leaves it alone");
        assert!(store.is_sample().await.unwrap());
        let (plan, _) = store.load_plan().await.unwrap().unwrap();
        let mut per_year = Vec::new();
        for year in 2021..=2026 {
            let values = store.approved_values(&plan, year).await.unwrap();
            let tree = Hierarchy::new(&plan, year);
            let inputs = Inputs {
                plan: &plan,
                tree: &tree,
                year,
                values: &values,
                prev: None,
            };
            per_year.push(compute_all(&inputs, &plan.info.area));
        }
        // Every 2021-2025 district figure exists (but target 10's, which
        // applies to no unit of the district); 2026 has only the approved few.
        let applicable = |v: &&xhht_domain::indicator::IndicatorValue| v.indicator != "hei_digital_university";
        assert!(
            per_year[0].iter().filter(applicable).all(|v| v.has_data()),
            "{:?}",
            per_year[0]
        );
        assert!(per_year[4].iter().filter(applicable).all(|v| v.has_data()));
        let lit_2026 = per_year[5]
            .iter()
            .find(|v| v.indicator == "literacy_rate_15_60")
            .unwrap();
        assert_eq!(lit_2026.units_counted, 2, "two wards approved in 2026");
        results.push((store.backend(), per_year));
    }
    if let [(_, first), rest @ ..] = results.as_slice() {
        for (backend, other) in rest {
            assert_eq!(first, other, "{backend:?} differs from SQLite");
        }
    }
}

/// The roll-ups kept by difference at every approval equal a fresh
/// computation from the approved values, for every area and year, and equal
/// what a full rebuild writes.
#[tokio::test]
async fn rollups_kept_by_difference_equal_a_fresh_computation() {
    for store in test_support::stores("sample_rollups_consistent").await {
        load_demo(&store, SEED).await.unwrap();
        let (plan, _) = store.load_plan().await.unwrap().unwrap();
        test_support::assert_rollups_consistent(&store, &plan, 2021..=2026, "kept by difference").await;
        store.rebuild_rollups(&plan).await.unwrap();
        test_support::assert_rollups_consistent(&store, &plan, 2021..=2026, "rebuilt").await;
    }
}
