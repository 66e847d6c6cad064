//! A plan of another shape than Ba Đình's: a ward plan for 2026-2030 with no
//! district, residential groups in clusters, a learning centre, a school, two
//! mass organisations, a ward office that reviews, reports due 05/12,
//! milestones 2028 and 2030, baseline 2025 and a ratio that is not a
//! percentage. Every figure below is worked out by hand.

use xhht_domain::formula::CmpOp;
use xhht_domain::indicator::{Hierarchy, IndicatorValue, Inputs, ProgressStatus, assess, compute};
use xhht_domain::plan::{self, Plan, ReviewKind, TargetKind, UnitType};
use xhht_domain::text;
use xhht_domain::values::{DataValue, YearValues};

use ProgressStatus::*;

const WARD_PLAN: &str = include_str!("fixtures/phuong-thanh-khe-2026.toml");

fn plan() -> Plan {
    plan::load(WARD_PLAN).unwrap_or_else(|p| panic!("{p:#?}"))
}

fn n(x: f64) -> DataValue {
    DataValue::Number(x)
}

/// (households, learning households, learning community, people 15-60, literate)
const GROUPS_2026: [(&str, f64, f64, bool, f64, f64); 5] = [
    ("T1", 120.0, 90.0, true, 300.0, 299.0),
    ("T2", 80.0, 50.0, false, 200.0, 197.0),
    ("T3", 100.0, 75.0, true, 250.0, 250.0),
    ("T4", 150.0, 90.0, true, 400.0, 396.0),
    ("T5", 50.0, 20.0, false, 150.0, 149.0),
];

fn values_2026(skip: &[&str]) -> YearValues {
    let mut v = YearValues::default();
    for (code, hh, lhh, community, pop, lit) in GROUPS_2026 {
        if skip.contains(&code) {
            continue;
        }
        v.set(code, "households", n(hh));
        v.set(code, "learning_households", n(lhh));
        v.set(code, "learning_community", DataValue::Bool(community));
        v.set(code, "pop_15_60", n(pop));
        v.set(code, "literate_15_60", n(lit));
    }
    v.set("KH", "members", n(200.0));
    v.set("KH", "members_learning_citizens", n(120.0));
    v.set("PN", "members", n(300.0));
    v.set("PN", "members_learning_citizens", n(150.0));
    v.set("TH", "library_books", n(2300.0));
    v.set("TH", "pupils", n(1000.0));
    v.set("TH", "school_digital_ready", DataValue::Bool(true));
    v.set("VP", "literacy_level", DataValue::Status("level_2".into()));
    v.set("VP", "clc_rating", DataValue::Status("fair".into()));
    v
}

/// The baseline year (2025), entered before the plan's first year.
fn values_2025() -> YearValues {
    let mut v = YearValues::default();
    v.set("KH", "members", n(200.0));
    v.set("KH", "members_learning_citizens", n(90.0));
    v.set("PN", "members", n(300.0));
    v.set("PN", "members_learning_citizens", n(135.0));
    v.set("TH", "library_books", n(2000.0));
    v.set("TH", "pupils", n(1000.0));
    v
}

fn at(plan: &Plan, values: &YearValues, year: i32, indicator: &str, unit: &str) -> IndicatorValue {
    let tree = Hierarchy::new(plan, year);
    let inputs = Inputs {
        plan,
        tree: &tree,
        year,
        values,
        prev: None,
    };
    compute(&inputs, plan.indicator(indicator).unwrap(), unit)
}

fn close(a: Option<f64>, b: f64) -> bool {
    a.is_some_and(|a| (a - b).abs() < 1e-9)
}

#[test]
fn the_plan_says_who_when_and_how() {
    let plan = plan();
    assert_eq!(plan.format, 2);
    assert_eq!(plan.area().name, "Phường Thanh Khê");
    assert_eq!(plan.milestone_years(), vec![2028, 2030]);
    assert_eq!(plan.entry_years(), 2025..=2030, "the 2025 baseline can be entered");
    assert_eq!(plan.due_date(2026).unwrap().to_string(), "2026-12-05");
    assert_eq!(plan.due_day_month(), "05/12");
    assert_eq!(plan.reviewer().name, "Văn phòng HĐND và UBND phường");
    assert_eq!(plan.review(2028).map(|r| r.kind), Some(ReviewKind::MidTerm));
    assert_eq!(plan.review(2030).map(|r| r.kind), Some(ReviewKind::Final));
    assert!(plan.review(2026).is_none());
    // The report is issued by the ward and signed by its vice-chair.
    assert_eq!(plan.report.issuing_body, "Ủy ban nhân dân phường Thanh Khê");
    assert_eq!(plan.report.symbol, "BC-UBND");
    assert_eq!(plan.report.place, "Thanh Khê");
    assert_eq!(plan.report.signer_title, "Phó Chủ tịch");
    assert_eq!(plan.report.signer_name, "Trần Văn Bình");
    assert_eq!(plan.report.recipients.len(), 4);
    // Unit types in the plan's own words.
    let cluster = plan.unit("C1").unwrap().unit_type;
    assert_eq!(cluster, UnitType::of("cluster"));
    assert_eq!(cluster.code(), "cluster");
    assert_eq!(plan.type_name(cluster), "cụm dân cư");
    assert_eq!(plan.type_plural(UnitType::ResidentialGroup), "các tổ dân phố");
    assert_eq!(plan.type_name(plan.unit("TH").unwrap().unit_type), "trường học");
    assert_eq!(plan.type_name(plan.reviewer().unit_type), "cơ quan tham mưu");
    // Task groups name their lead and coordinating units.
    assert_eq!(plan.task_groups[0].lead.as_deref(), Some("KH"));
    assert_eq!(
        plan.task_groups[1].coordinating,
        vec!["TH".to_string(), "VP".to_string()]
    );
    // Targets as written.
    let lit = plan.target("literacy_rate", 2030).unwrap();
    assert_eq!((lit.kind, lit.comparison), (TargetKind::FloorEveryYear, CmpOp::Ge));
    let digital = plan.target("school_digital_share", 2028).unwrap();
    assert_eq!(digital.comparison, CmpOp::Eq);
    // Nothing of the built-in plan's words in what this plan gives outputs.
    let all = serde_json::to_string(&plan).unwrap();
    for word in [
        "Ba Đình",
        "Phòng GD&ĐT",
        "Phòng Giáo dục",
        "56/KH-UBND",
        "quận",
        "Quận",
        "phường Phúc Xá",
    ] {
        assert!(!all.contains(word), "{word}");
    }
}

#[test]
fn ratios_roll_up_through_clusters_from_sums() {
    let plan = plan();
    let v = values_2026(&[]);
    // Cluster 1: (90 + 50 + 75) / (120 + 80 + 100) = 215 / 300 = 71,666…%.
    let c1 = at(&plan, &v, 2026, "learning_household_rate", "C1");
    assert_eq!((c1.numerator, c1.denominator), (Some(215.0), Some(300.0)));
    assert!(close(c1.value, 215.0 / 3.0));
    // Cluster 2: (90 + 20) / (150 + 50) = 55%.
    assert!(close(at(&plan, &v, 2026, "learning_household_rate", "C2").value, 55.0));
    // The ward: 325 / 500 = 65%, not the clusters' average (63,33…%).
    let ward = at(&plan, &v, 2026, "learning_household_rate", "TK");
    assert!(close(ward.value, 65.0));
    assert_eq!((ward.units_counted, ward.units_expected), (5, 5));
    // Literacy: 1.291 / 1.300 = 99,307…%.
    assert!(close(at(&plan, &v, 2026, "literacy_rate", "TK").value, 1291.0 / 13.0));
    // Members of both organisations: (120 + 150) / (200 + 300) = 54%.
    assert!(close(at(&plan, &v, 2026, "member_citizen_rate", "TK").value, 54.0));
    // Not a percentage: 2.300 books / 1.000 pupils = 2,3 books per pupil.
    let books = at(&plan, &v, 2026, "books_per_pupil", "TK");
    assert!(close(books.value, 2.3));
    assert_eq!(
        plan.indicator("books_per_pupil").unwrap().unit.as_deref(),
        Some("cuốn/học sinh")
    );
}

#[test]
fn shares_of_groups_compare_yes_no_with_yes() {
    let plan = plan();
    let v = values_2026(&[]);
    // T1, T3, T4 are learning communities: 3 of 5 = 60%; cluster 1: 2 of 3; cluster 2: 1 of 2.
    let ward = at(&plan, &v, 2026, "learning_community_share", "TK");
    assert_eq!((ward.numerator, ward.denominator), (Some(3.0), Some(5.0)));
    assert!(close(ward.value, 60.0));
    assert!(close(
        at(&plan, &v, 2026, "learning_community_share", "C1").value,
        200.0 / 3.0
    ));
    assert!(close(at(&plan, &v, 2026, "learning_community_share", "C2").value, 50.0));
    assert!(close(at(&plan, &v, 2026, "school_digital_share", "TK").value, 100.0));
}

#[test]
fn statuses_read_as_the_ward_plan_means_them() {
    let plan = plan();
    let v = values_2026(&[]);
    let base = values_2025();
    let judge = |code: &str, unit: &str, baseline: Option<f64>| {
        let value = at(&plan, &v, 2026, code, unit);
        assess(&plan, plan.indicator(code).unwrap(), &value, baseline)
    };
    let baseline = |code: &str| at(&plan, &base, 2025, code, "TK").value;
    // The literacy floor (99%) holds for the ward (99,31%) but not for T2 (197 / 200 = 98,5%).
    assert_eq!(judge("literacy_rate", "TK", None).status, Achieved);
    let t2 = judge("literacy_rate", "T2", None);
    assert_eq!(t2.status, NotAchieved);
    assert!((t2.gap.unwrap() - 0.5).abs() < 1e-9);
    // Members: baseline 2025 = (90 + 135) / 500 = 45%; path to 70% in 2030
    // stands at 45 + 25 × 1/5 = 50% in 2026; 54% is on track.
    assert!(close(baseline("member_citizen_rate"), 45.0));
    assert_eq!(
        judge("member_citizen_rate", "TK", baseline("member_citizen_rate")).status,
        OnTrack
    );
    // Books: baseline 2,0; path to 3 in 2028 is at 2 + 1 × 1/3 = 2,333… in
    // 2026; 2,3 is behind, shown with the plan's 2 decimals.
    let books = judge("books_per_pupil", "TK", baseline("books_per_pupil"));
    assert_eq!((books.status, books.decimals), (Behind, 2));
    assert_eq!(text::number(2.3, books.decimals), "2,3");
    assert_eq!(books.target.map(|t| t.year), Some(2028));
    // Households: 65% against 70% by 2028, no baseline entered: behind.
    assert_eq!(judge("learning_household_rate", "TK", None).status, Behind);
    // "= 100%" of schools by 2028: met. It speaks of the ward, not the school itself.
    assert_eq!(judge("school_digital_share", "TK", None).status, Achieved);
    assert_eq!(judge("school_digital_share", "TH", None).status, NotApplicable);
    // Learning communities speak of the ward and its clusters, not one group:
    // cluster 1 has 2 of 3 = 66,7% ≥ 60% (2028) already.
    assert_eq!(judge("learning_community_share", "C1", None).status, Achieved);
    assert_eq!(judge("learning_community_share", "T1", None).status, NotApplicable);
    // Status floor: level 2 kept; the centre is "Khá", not yet "Tốt" (2030).
    assert_eq!(judge("literacy_standard", "TK", None).status, Achieved);
    assert_eq!(judge("clc_rated", "TK", None).status, Behind);
    // The baseline year is shown as such, with no verdict.
    let v2025 = at(&plan, &base, 2025, "member_citizen_rate", "TK");
    assert_eq!(
        assess(&plan, plan.indicator("member_citizen_rate").unwrap(), &v2025, None).status,
        Baseline
    );
}

#[test]
fn a_missing_group_makes_the_ward_value_provisional() {
    let plan = plan();
    let v = values_2026(&["T5"]);
    let ward = at(&plan, &v, 2026, "learning_household_rate", "TK");
    // 4 of the 5 groups: (90 + 50 + 75 + 90) / (120 + 80 + 100 + 150) = 305 / 450.
    assert_eq!((ward.units_counted, ward.units_expected), (4, 5));
    assert!(close(ward.value, 305.0 / 4.5));
    let ind = plan.indicator("learning_household_rate").unwrap();
    assert_eq!(assess(&plan, ind, &ward, None).status, Provisional);
    // Cluster 1 is complete and judged (71,7% ≥ 70%); cluster 2 is not.
    let c1 = at(&plan, &v, 2026, "learning_household_rate", "C1");
    assert_eq!(assess(&plan, ind, &c1, None).status, Achieved);
    let c2 = at(&plan, &v, 2026, "learning_household_rate", "C2");
    assert_eq!(assess(&plan, ind, &c2, None).status, Provisional);
}
