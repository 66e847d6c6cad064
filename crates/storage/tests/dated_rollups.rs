//! Roll-ups by date: a unit reports for a year when it exists then, and
//! counts in the areas above it that exist that year. Ward A merges into B
//! and ward C splits into C1 and C2 on 1/1/2025; group A3 outlives ward A.
//! The roll-ups kept at each approval equal a fresh computation for every
//! area and year, on both databases, and a rebuild writes the same.

use xhht_domain::plan;
use xhht_domain::values::DataValue;
use xhht_domain::workflow::ReportState::*;
use xhht_storage::{Stamp, test_support};

const PLAN: &str = include_str!("fixtures/dated-merge-split.toml");

#[tokio::test]
async fn rollups_follow_the_units_that_exist_each_year() {
    let plan = plan::load(PLAN).unwrap();
    for store in test_support::stores("dated_rollups").await {
        let store = store.install_plan(&plan, PLAN, &Stamp::now("kiểm thử")).await.unwrap();
        let stamp = Stamp::now("kiểm thử");
        let reports: [(&str, i32, f64, f64); 10] = [
            ("A1", 2024, 1_000.0, 990.0),
            ("A3", 2024, 800.0, 796.0),
            ("B1", 2024, 1_200.0, 1_190.0),
            ("C0", 2024, 900.0, 880.0),
            ("A3", 2025, 820.0, 818.0),
            ("B1", 2025, 1_210.0, 1_205.0),
            ("C11", 2025, 500.0, 495.0),
            ("C21", 2025, 420.0, 419.0),
            ("A3", 2026, 830.0, 829.0),
            ("C11", 2026, 510.0, 509.0),
        ];
        for (unit, year, pop, lit) in reports {
            let values = [
                ("pop".to_string(), Some(DataValue::Number(pop))),
                ("lit".to_string(), Some(DataValue::Number(lit))),
            ];
            store.save_values(&stamp, unit, year, &values).await.unwrap();
            store
                .change_state(&stamp, &plan, unit, year, &[Draft], Submitted)
                .await
                .unwrap();
            store
                .change_state(&stamp, &plan, unit, year, &[Submitted], Approved)
                .await
                .unwrap();
        }
        test_support::assert_rollups_consistent(&store, &plan, 2024..=2026, "kept at each approval").await;
        // A3 counts in the district in 2025, its ward being gone: 818 + 1205 + 495 + 419 of 820 + 1210 + 500 + 420.
        let d = store.rollups("D", 2025..=2025).await.unwrap();
        let r = &d["lit_rate"][&2025];
        assert_eq!(
            (r.numerator, r.denominator),
            (2_937.0, 2_950.0),
            "{:?}",
            store.backend()
        );
        assert!(
            store.rollups("A", 2025..=2025).await.unwrap().is_empty(),
            "no roll-up for a ward that is gone"
        );
        store.rebuild_rollups(&plan).await.unwrap();
        test_support::assert_rollups_consistent(&store, &plan, 2024..=2026, "rebuilt").await;
    }
}
