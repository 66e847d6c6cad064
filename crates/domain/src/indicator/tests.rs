//! Indicator engine on a small plan whose values are computed by hand here.

use super::*;
use crate::plan::{self, TargetValue};

const PLAN: &str = r#"
format = 1
[plan]
code = "t"
number = "1/KH"
date = 2022-01-01
issuing_body = "UBND"
place = "X"
title = "Test"
area = "D"
signer_name = "A"
signer_title = "B"

[reporting]
frequency = "yearly"
due_month = 12
due_day = 10
submit_to = "E"
first_year = 2021
last_year = 2030
baseline_year = 2021

[[org_units]]
code = "D"
type = "district"
name = "District"
[[org_units]]
code = "E"
type = "department"
name = "Education"
parent = "D"
[[org_units]]
code = "W1"
type = "ward"
name = "Big ward"
parent = "D"
[[org_units]]
code = "W2"
type = "ward"
name = "Small ward"
parent = "D"
[[org_units]]
code = "W3"
type = "ward"
name = "Silent ward"
parent = "D"
[[org_units]]
code = "C1"
type = "community_learning_centre"
name = "Centre of W1"
parent = "W1"

[[target_groups]]
code = "a"
name = "A"

[[data_elements]]
code = "pop"
name = "People"
value_type = "count"
reported_by = ["ward"]
[[data_elements]]
code = "lit"
name = "Literate"
value_type = "count"
reported_by = ["ward"]
[[data_elements]]
code = "pre"
name = "Universal preschool"
value_type = "yes_no"
reported_by = ["ward"]
[[data_elements]]
code = "lvl"
name = "Literacy level"
value_type = "status"
reported_by = ["ward"]
options = [{ code = "none", name = "-" }, { code = "l1", name = "1" }, { code = "l2", name = "2" }]
[[data_elements]]
code = "title"
name = "Title"
value_type = "status"
reported_by = ["E"]
options = [{ code = "no", name = "-" }, { code = "reg", name = "R" }, { code = "rec", name = "C" }]

[[indicators]]
code = "lit_rate"
number = 1
group = "a"
name = "Literacy rate"
kind = "ratio"
numerator = "lit"
denominator = "pop"
scale = 100
[[indicators]]
code = "pre_share"
number = 2
group = "a"
name = "Wards with preschool"
kind = "share"
unit_type = "ward"
condition = "pre"
[[indicators]]
code = "lvl_kept"
number = 3
group = "a"
name = "Level 2 kept"
kind = "status"
derived = { unit_type = "ward", condition = "lvl >= 'l2'", at_least = 50.0, met = "kept", not_met = "lost" }
options = [{ code = "lost", name = "lost" }, { code = "kept", name = "kept" }]
[[indicators]]
code = "title_status"
number = 4
group = "a"
name = "Title"
kind = "status"
element = "title"
[[indicators]]
code = "illiterate"
number = 5
group = "a"
name = "Illiterate per 1000"
kind = "ratio"
numerator = "pop - lit"
denominator = "pop"
scale = 1000
direction = "decrease"

[[targets]]
indicator = "lit_rate"
year = 2025
value = 99.5
[[targets]]
indicator = "title_status"
year = 2025
status = "reg"
"#;

fn setup() -> (plan::Plan, YearValues) {
    let plan = plan::load(PLAN).unwrap_or_else(|p| panic!("{p:?}"));
    let mut v = YearValues::default();
    // W1: 990 of 1000 literate (99%); W2: 50 of 100 (50%); W3 reports nothing.
    v.set("W1", "pop", DataValue::Number(1000.0));
    v.set("W1", "lit", DataValue::Number(990.0));
    v.set("W2", "pop", DataValue::Number(100.0));
    v.set("W2", "lit", DataValue::Number(50.0));
    v.set("W1", "pre", DataValue::Bool(true));
    v.set("W2", "pre", DataValue::Bool(false));
    v.set("W1", "lvl", DataValue::Status("l2".into()));
    v.set("W2", "lvl", DataValue::Status("l1".into()));
    v.set("E", "title", DataValue::Status("reg".into()));
    (plan, v)
}

fn at(unit: &str, code: &str) -> IndicatorValue {
    let (plan, values) = setup();
    let tree = Hierarchy::new(&plan, 2025);
    let inputs = Inputs {
        plan: &plan,
        tree: &tree,
        year: 2025,
        values: &values,
        prev: None,
    };
    compute(&inputs, plan.indicator(code).unwrap(), unit)
}

#[test]
fn ratio_rolls_up_sums_not_an_average_of_ratios() {
    let r = at("D", "lit_rate");
    // (990 + 50) / (1000 + 100) = 1040 / 1100 = 94.5454…%; the average of the
    // wards' ratios, (99 + 50) / 2 = 74.5%, would be wrong.
    assert_eq!(r.numerator, Some(1040.0));
    assert_eq!(r.denominator, Some(1100.0));
    assert!((r.value.unwrap() - 1040.0 / 1100.0 * 100.0).abs() < 1e-9);
    assert!((r.value.unwrap() - 74.5).abs() > 20.0);
    assert_eq!((r.units_counted, r.units_expected), (2, 3), "W3 is expected but silent");
}

#[test]
fn ratio_of_one_ward() {
    let r = at("W2", "lit_rate");
    assert_eq!(r.value, Some(50.0));
    assert_eq!((r.units_counted, r.units_expected), (1, 1));
    let silent = at("W3", "lit_rate");
    assert_eq!(silent.value, None);
    assert_eq!((silent.units_counted, silent.units_expected), (0, 1));
}

#[test]
fn ratio_with_an_arithmetic_numerator() {
    // (1000 - 990 + 100 - 50) / 1100 × 1000 = 60 / 1100 × 1000 = 54.5454…
    let r = at("D", "illiterate");
    assert_eq!(r.numerator, Some(60.0));
    assert!((r.value.unwrap() - 54.545_454_545).abs() < 1e-6);
}

#[test]
fn share_counts_units_not_values() {
    // W1 yes, W2 no, W3 unknown: 1 of the 2 that reported = 50%.
    let r = at("D", "pre_share");
    assert_eq!(r.value, Some(50.0));
    assert_eq!((r.numerator, r.denominator), (Some(1.0), Some(2.0)));
    assert_eq!(r.units_expected, 3);
}

#[test]
fn derived_status_from_the_share_of_wards() {
    // 1 of 2 reporting wards at level 2 = 50% ≥ 50% → kept.
    let r = at("D", "lvl_kept");
    assert_eq!(r.status.as_deref(), Some("kept"));
    assert_eq!(r.value, Some(50.0));
    // The small ward alone is at level 1: lost.
    assert_eq!(at("W2", "lvl_kept").status.as_deref(), Some("lost"));
}

#[test]
fn status_read_from_the_reporting_unit() {
    let r = at("D", "title_status");
    assert_eq!(r.status.as_deref(), Some("reg"));
    // A ward's subtree has no unit reporting the title.
    let w = at("W1", "title_status");
    assert_eq!((w.status, w.units_expected), (None, 0));
}

#[test]
fn progress_against_targets() {
    let (plan, _) = setup();
    let lit = plan.indicator("lit_rate").unwrap();
    let t = &plan.target("lit_rate", 2025).unwrap().value;
    // 94.5% in 2023 against 99.5% in 2025 from a 94% baseline in 2021:
    // the path is at 96.75% half way, so behind, 5 points short.
    let p = progress(lit, Some(94.5), None, t, Some(94.0), 0.5);
    assert_eq!(p.status, ProgressStatus::Behind);
    assert!((p.gap.unwrap() - 5.0).abs() < 1e-9);
    let title = plan.indicator("title_status").unwrap();
    let t = &plan.target("title_status", 2025).unwrap().value;
    assert_eq!(t, &TargetValue::Status("reg".into()));
    assert_eq!(
        progress(title, None, Some("rec"), t, None, 1.0).status,
        ProgressStatus::Achieved
    );
    assert_eq!(
        progress(title, None, Some("no"), t, None, 1.0).status,
        ProgressStatus::Behind
    );
}

#[test]
fn rollups_add_and_remove_contributions_exactly() {
    let (plan, values) = setup();
    let tree = Hierarchy::new(&plan, 2025);
    let inputs = Inputs {
        plan: &plan,
        tree: &tree,
        year: 2025,
        values: &values,
        prev: None,
    };
    for ind in &plan.indicators {
        // Sum the wards' own contributions by hand; compare with the engine.
        let mut r = Rollup::default();
        let mut expected = 0;
        for u in tree.subtree("D") {
            let env = UnitEnv {
                plan: &plan,
                this: values.unit(&u.code),
                prev: None,
            };
            if let Some(c) = contribution(&plan, ind, u, &env) {
                r.add(&c, 1);
                expected += 1;
            }
        }
        assert_eq!(
            r.value(ind, "D", 2025, expected),
            compute(&inputs, ind, "D"),
            "{}",
            ind.code
        );
        // Replacing W2's contribution by itself (remove, add) changes nothing.
        let w2 = plan.unit("W2").unwrap();
        let env = UnitEnv {
            plan: &plan,
            this: values.unit("W2"),
            prev: None,
        };
        if let Some(c) = contribution(&plan, ind, w2, &env) {
            let before = r.clone();
            r.add(&c, -1);
            r.add(&c, 1);
            assert_eq!(r, before);
        }
    }
}

#[test]
fn a_format_1_plan_loads_with_the_defaults_it_implied() {
    use crate::formula::CmpOp;
    use crate::plan::{TargetKind, UnitType};
    let (plan, _) = setup();
    assert_eq!(plan.format, 1);
    assert_eq!(plan.type_name(UnitType::Ward), "phường");
    assert_eq!(
        plan.type_plural(UnitType::CommunityLearningCentre),
        "các trung tâm học tập cộng đồng"
    );
    assert!(
        plan.unit_type_info(UnitType::Province).is_none(),
        "only the types the plan uses"
    );
    assert_eq!(plan.report.symbol, "BC-UBND");
    assert_eq!(plan.report.signer_title, "B");
    assert_eq!(plan.reporting.min_coverage, 100.0);
    let t = plan.target("lit_rate", 2025).unwrap();
    assert_eq!(
        (t.kind, t.comparison, t.not_applicable),
        (TargetKind::ByYear, CmpOp::Ge, false)
    );
    assert_eq!(plan.milestone_years(), vec![2025]);
}
