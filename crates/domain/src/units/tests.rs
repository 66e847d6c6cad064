//! The register read from the shipped lists, and history carried across the
//! 2025 changes on a small register whose figures are computed by hand here.

use std::sync::OnceLock;

use chrono::NaiveDate;

use super::*;
use crate::indicator::{Rollup, contribution};
use crate::plan::{self, Plan};
use crate::values::{DataValue, UnitEnv, UnitValues, YearValues};

fn d(s: &str) -> NaiveDate {
    s.parse().expect("date")
}

fn official() -> &'static Register {
    static R: OnceLock<Register> = OnceLock::new();
    R.get_or_init(|| official::build(&official::EMBEDDED).unwrap_or_else(|p| panic!("{}", p.join("\n"))))
}

const OLD_BA_DINH: [&str; 14] = [
    "00001", "00004", "00006", "00007", "00008", "00010", "00013", "00016", "00019", "00022", "00025", "00028",
    "00031", "00034",
];

// ------------------------------------------------------- the shipped lists

#[test]
fn mid_2024_has_phuc_xa_and_lieu_giai_as_00008() {
    let day = d("2024-06-01");
    assert_eq!(official().find("00001", day).unwrap().name, "Phường Phúc Xá");
    assert_eq!(official().find("00008", day).unwrap().name, "Phường Liễu Giai");
    let ba_dinh = official().find("001", day).unwrap();
    assert_eq!(ba_dinh.name, "Quận Ba Đình");
    assert_eq!(ba_dinh.unit_type, AdminUnitType::UrbanDistrict);
    let view = units_on_date(official(), day, Some("001")).unwrap();
    let codes: Vec<&str> = view.units.iter().map(|u| u.code.as_str()).collect();
    assert_eq!(codes, OLD_BA_DINH, "the 14 wards of quận Ba Đình in 2024");
    assert!(view.units.iter().all(|u| u.parent.as_ref().unwrap().code == "001"));
    let all = units_on_date(official(), day, None).unwrap().units;
    let per_level = |l| all.iter().filter(|u| u.level == l).count();
    // 63 provinces; 700 districts and 5 island districts without communes.
    assert_eq!((per_level(1), per_level(2), per_level(3)), (63, 705, 10_597));
}

#[test]
fn early_2025_has_no_nguyen_trung_truc() {
    let day = d("2025-03-01");
    assert!(official().find("00010", day).is_none());
    assert_eq!(official().find("00004", day).unwrap().name, "Phường Trúc Bạch");
    let wards = units_on_date(official(), day, Some("001")).unwrap().units;
    assert_eq!(wards.len(), 13, "13 wards left after 1/1/2025");
}

#[test]
fn in_2026_ba_dinh_and_ngoc_ha_are_new_wards_and_the_old_ones_are_gone() {
    let day = d("2026-01-01");
    let ba_dinh = official().find("00004", day).unwrap();
    assert_eq!(
        (ba_dinh.name.as_str(), ba_dinh.key.valid_from),
        ("Phường Ba Đình", Some(d("2025-07-01")))
    );
    assert_eq!(ba_dinh.population, Some(65_023));
    assert_eq!(official().find("00008", day).unwrap().name, "Phường Ngọc Hà");
    for code in OLD_BA_DINH {
        assert!(
            official()
                .unit(&UnitKey::new(code, None))
                .is_some_and(|u| !u.exists_on(day)),
            "old ward {code} still exists in 2026"
        );
    }
    assert!(official().find("001", day).is_none(), "districts were abolished");
    let all = units_on_date(official(), day, None).unwrap().units;
    assert_eq!(all.iter().filter(|u| u.level == 1).count(), 34);
    assert_eq!(all.iter().filter(|u| u.level == 2).count(), 0);
    assert_eq!(all.iter().filter(|u| u.level == 3).count(), 3321);
    let hn = units_on_date(official(), day, Some("01")).unwrap();
    assert_eq!(hn.units.len(), 126, "Hà Nội has 126 communes and wards");
}

#[test]
fn reused_codes_are_told_apart_by_date() {
    let r = official();
    let names: Vec<&str> = r.with_code("00004").map(|u| u.name.as_str()).collect();
    assert_eq!(names, ["Phường Trúc Bạch", "Phường Ba Đình"]);
    assert_eq!(r.find("00004", d("2025-06-30")).unwrap().name, "Phường Trúc Bạch");
    assert_eq!(r.find("00004", d("2025-07-01")).unwrap().name, "Phường Ba Đình");
    // The parent is dated too: Trúc Bạch under the district, Ba Đình under the city.
    let old = UnitKey::new("00004", None);
    assert_eq!(r.parent_on(&old, d("2024-06-01")).unwrap().code(), "001");
    let new = UnitKey::new("00004", Some(d("2025-07-01")));
    assert_eq!(r.parent_on(&new, d("2026-01-01")).unwrap().name, "Thành phố Hà Nội");
}

#[test]
fn ha_noi_keeps_one_record_and_merged_provinces_get_new_ones() {
    let r = official();
    assert_eq!(r.with_code("01").count(), 1, "Hà Nội's land did not change");
    let tq: Vec<_> = r.with_code("08").collect();
    assert_eq!(tq.len(), 2, "Tuyên Quang took Hà Giang: a new unit with the old code");
    let ha_giang = UnitKey::new("02", None);
    let to: Vec<_> = r.successors(&ha_giang).map(|l| (&l.to, l.kind)).collect();
    assert_eq!(to, [(&tq[1].key, LinkKind::Full)]);
}

#[test]
fn nguyen_trung_truc_went_into_truc_bach_then_ba_dinh() {
    let r = official();
    let ntt = UnitKey::new("00010", None);
    let links: Vec<_> = r.successors(&ntt).collect();
    assert_eq!(links.len(), 1);
    assert_eq!(links[0].to, UnitKey::new("00004", None));
    assert_eq!((links[0].kind, links[0].effective), (LinkKind::Full, d("2025-01-01")));
    let s = sources(r, &UnitKey::new("00004", Some(d("2025-07-01"))), 2023, POPULATION);
    let ntt_src = s
        .found
        .iter()
        .find(|x| x.unit == ntt)
        .expect("NTT is a source for 2023");
    assert_eq!(ntt_src.share, 1.0);
    let path: Vec<&str> = ntt_src.path.iter().map(|k| k.code.as_str()).collect();
    assert_eq!(path, ["00004", "00004", "00010"]);
    // From 2025 on, Trúc Bạch's own report already covers Nguyễn Trung Trực.
    let s = sources(r, &UnitKey::new("00004", Some(d("2025-07-01"))), 2025, POPULATION);
    assert!(s.found.iter().all(|x| x.unit != ntt));
}

#[test]
fn estimated_shares_split_each_new_ward_evenly_among_its_pieces() {
    let r = official();
    let ngoc_ha_old = UnitKey::new("00016", None);
    let shares: Vec<(String, f64, ShareSource)> = r
        .successors(&ngoc_ha_old)
        .map(|l| {
            let (v, s) = l.share(POPULATION).unwrap();
            (l.to.code.clone(), v, s)
        })
        .collect();
    // Phường Ba Đình: 65,023 people from 10 pieces; Phường Ngọc Hà: 93,536 from 8.
    let (to_ba_dinh, to_ngoc_ha) = (65_023.0 / 10.0, 93_536.0 / 8.0);
    let expect = to_ba_dinh / (to_ba_dinh + to_ngoc_ha);
    let ba_dinh = shares.iter().find(|s| s.0 == "00004").unwrap();
    assert!((ba_dinh.1 - expect).abs() < 1e-12, "{ba_dinh:?} vs {expect}");
    assert_eq!(ba_dinh.2, ShareSource::Estimated);
    // Every old unit's shares add up to the whole of it.
    for u in r.units() {
        let total: f64 = r
            .successors(&u.key)
            .filter_map(|l| l.share(POPULATION))
            .map(|s| s.0)
            .sum();
        let n = r.successors(&u.key).count();
        assert!(n == 0 || (total - 1.0).abs() < 1e-9, "{}: shares sum to {total}", u.key);
    }
}

// --------------------------------------------- a small register, by hand

fn unit(code: &str, from: Option<&str>, to: Option<&str>, name: &str, t: AdminUnitType) -> AdminUnit {
    AdminUnit {
        key: UnitKey::new(code, from.map(d)),
        valid_to: to.map(d),
        name: name.to_string(),
        short_name: name.to_string(),
        unit_type: t,
        population: None,
        area_km2: None,
        source: "test".to_string(),
    }
}

fn link(from: &UnitKey, to: &UnitKey, effective: &str, share: Option<(f64, ShareSource)>) -> SuccessorLink {
    SuccessorLink {
        from: from.clone(),
        to: to.clone(),
        kind: if share.is_some() {
            LinkKind::Partial
        } else {
            LinkKind::Full
        },
        effective: d(effective),
        source: "test".to_string(),
        shares: share
            .map(|(value, source)| Share {
                measure: POPULATION.to_string(),
                value,
                source,
            })
            .into_iter()
            .collect(),
    }
}

const JUN30: Option<&str> = Some("2025-06-30");
const JUL1: Option<&str> = Some("2025-07-01");

fn key(code: &str, from: Option<&str>) -> UnitKey {
    UnitKey::new(code, from.map(d))
}

/// Trúc Bạch (absorbing Nguyễn Trung Trực on 1/1/2025), Quán Thánh, 40% of
/// Ngọc Hà and 25% of Hoàn Kiếm's Đồng Xuân make Phường Ba Đình; the other
/// 60% of Ngọc Hà makes Phường Ngọc Hà; Liễu Giai goes whole to Liễu Mới.
fn small() -> Register {
    use AdminUnitType::Ward;
    let units = vec![
        unit("00004", None, JUN30, "Phường Trúc Bạch", Ward),
        unit("00010", None, Some("2024-12-31"), "Phường Nguyễn Trung Trực", Ward),
        unit("00013", None, JUN30, "Phường Quán Thánh", Ward),
        unit("00016", None, JUN30, "Phường Ngọc Hà", Ward),
        unit("00040", None, JUN30, "Phường Đồng Xuân", Ward),
        unit("00008", None, JUN30, "Phường Liễu Giai", Ward),
        unit("00004", JUL1, None, "Phường Ba Đình", Ward),
        unit("00008", JUL1, None, "Phường Ngọc Hà", Ward),
        unit("00070", JUL1, None, "Phường Hoàn Kiếm", Ward),
        unit("99999", JUL1, None, "Phường Liễu Mới", Ward),
    ];
    let (ba_dinh, ngoc_ha, hoan_kiem) = (key("00004", JUL1), key("00008", JUL1), key("00070", JUL1));
    let entered = ShareSource::Entered;
    let links = vec![
        link(&key("00010", None), &key("00004", None), "2025-01-01", None),
        link(&key("00004", None), &ba_dinh, "2025-07-01", None),
        link(&key("00013", None), &ba_dinh, "2025-07-01", None),
        link(&key("00016", None), &ba_dinh, "2025-07-01", Some((0.4, entered))),
        link(&key("00016", None), &ngoc_ha, "2025-07-01", Some((0.6, entered))),
        link(
            &key("00040", None),
            &ba_dinh,
            "2025-07-01",
            Some((0.25, ShareSource::Estimated)),
        ),
        link(
            &key("00040", None),
            &hoan_kiem,
            "2025-07-01",
            Some((0.75, ShareSource::Estimated)),
        ),
        link(&key("00008", None), &key("99999", JUL1), "2025-07-01", None),
    ];
    Register::new(units, Vec::new(), links).unwrap_or_else(|p| panic!("{p:?}"))
}

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
submit_to = "D"
first_year = 2021
last_year = 2030
baseline_year = 2021

[[org_units]]
code = "D"
type = "district"
name = "Quận Ba Đình"
[[org_units]]
code = "00004"
type = "ward"
name = "Trúc Bạch"
parent = "D"
[[org_units]]
code = "00010"
type = "ward"
name = "Nguyễn Trung Trực"
parent = "D"
valid_to = 2024-12-31
[[org_units]]
code = "00013"
type = "ward"
name = "Quán Thánh"
parent = "D"
[[org_units]]
code = "00016"
type = "ward"
name = "Ngọc Hà"
parent = "D"
[[org_units]]
code = "00008"
type = "ward"
name = "Liễu Giai"
parent = "D"

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
code = "pct"
name = "Reported percentage"
value_type = "percentage"
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
code = "lvl_weakest"
number = 2
group = "a"
name = "Literacy level"
kind = "status"
element = "lvl"
"#;

fn plan() -> Plan {
    plan::load(PLAN).unwrap_or_else(|p| panic!("{p:?}"))
}

/// 2023 figures of the old wards (Đồng Xuân: none, no plan covers it).
fn values_2023() -> YearValues {
    let mut v = YearValues::default();
    let rows = [
        ("00004", 8000.0, 7900.0, 61.0, true, "l2"),
        ("00010", 5000.0, 4950.0, 70.0, true, "l2"),
        ("00013", 6000.0, 5700.0, 50.0, true, "l1"),
        ("00016", 10000.0, 9000.0, 40.0, false, "l2"),
        ("00008", 3000.0, 2990.0, 80.0, true, "l2"),
    ];
    for (unit, pop, lit, pct, pre, lvl) in rows {
        v.set(unit, "pop", DataValue::Number(pop));
        v.set(unit, "lit", DataValue::Number(lit));
        v.set(unit, "pct", DataValue::Number(pct));
        v.set(unit, "pre", DataValue::Bool(pre));
        v.set(unit, "lvl", DataValue::Status(lvl.into()));
    }
    v
}

/// A source's roll-up for an indicator: its contribution, as the engine
/// sums it for an area.
fn rollup_of<'a>(
    plan: &'a Plan,
    values: &'a YearValues,
    indicator: &'a str,
) -> impl Fn(&UnitKey) -> Option<Rollup> + 'a {
    move |k: &UnitKey| {
        let unit = plan.unit(&k.code)?;
        let env = UnitEnv {
            plan,
            this: values.unit(&k.code),
            prev: None,
        };
        let c = contribution(plan, plan.indicator(indicator)?, unit, &env)?;
        let mut r = Rollup::default();
        r.add(&c, 1);
        Some(r)
    }
}

fn estimate(register: &Register, target: &UnitKey, year: i32, indicator: &str) -> EstimatedValue {
    let (plan, values) = (plan(), values_2023());
    let s = sources(register, target, year, POPULATION);
    let carried = carry_rollup(register, &s, rollup_of(&plan, &values, indicator));
    carried.value(plan.indicator(indicator).unwrap(), &target.code, year, 1)
}

#[test]
fn ba_dinh_2023_is_the_share_weighted_sum_of_its_predecessors() {
    let r = small();
    let v = estimate(&r, &key("00004", JUL1), 2023, "lit_rate");
    // literate: 7,900 (Trúc Bạch) + 4,950 (Nguyễn Trung Trực, via Trúc Bạch)
    //   + 5,700 (Quán Thánh) + 0.4 × 9,000 (Ngọc Hà) = 22,150
    // people:   8,000 + 5,000 + 6,000 + 0.4 × 10,000 = 23,000
    assert_eq!(v.value.numerator, Some(22_150.0));
    assert_eq!(v.value.denominator, Some(23_000.0));
    assert!((v.value.value.unwrap() - 96.304_347_826).abs() < 1e-6);
    // Not the average of the four wards' rates (98.75, 99, 95, 90 → 95.6875).
    assert!((v.value.value.unwrap() - 95.6875).abs() > 0.5);
    assert!(v.estimated);
    let used: Vec<(&str, f64)> = v.shares.iter().map(|s| (s.code.as_str(), s.share)).collect();
    assert_eq!(used, [("00004", 1.0), ("00010", 1.0), ("00013", 1.0), ("00016", 0.4)]);
    let ngoc_ha = v.shares.iter().find(|s| s.code == "00016").unwrap();
    assert_eq!(ngoc_ha.share_source, ShareSource::Entered);
    // Đồng Xuân is named as missing, with its (estimated) share.
    assert_eq!(v.missing.len(), 1);
    assert_eq!(
        (v.missing[0].name.as_str(), v.missing[0].share),
        ("Phường Đồng Xuân", 0.25)
    );
    assert_eq!(v.missing[0].share_source, ShareSource::Estimated);
    // Status: the weakest of the parts (Quán Thánh's level 1).
    let s = estimate(&r, &key("00004", JUL1), 2023, "lvl_weakest");
    assert_eq!(s.value.status.as_deref(), Some("l1"));
}

#[test]
fn a_single_partial_source_keeps_its_ratio() {
    // 60% of Ngọc Hà: 5,400 / 6,000 = 90%, Ngọc Hà's own rate.
    let v = estimate(&small(), &key("00008", JUL1), 2023, "lit_rate");
    assert_eq!((v.value.numerator, v.value.denominator), (Some(5_400.0), Some(6_000.0)));
    assert!((v.value.value.unwrap() - 90.0).abs() < 1e-9);
}

#[test]
fn a_full_link_gives_exactly_the_predecessors_value() {
    let r = small();
    let carried = estimate(&r, &key("99999", JUL1), 2023, "lit_rate");
    let own = estimate(&r, &key("00008", None), 2023, "lit_rate");
    assert!(!own.estimated, "Liễu Giai's own report");
    assert_eq!(carried.value.value, own.value.value);
    assert_eq!(carried.value.numerator, own.value.numerator);
    assert_eq!(carried.value.denominator, own.value.denominator);
    assert!(carried.estimated, "still labelled: it is another unit's figure");
}

#[test]
fn from_2025_truc_bach_already_covers_nguyen_trung_truc() {
    let s = sources(&small(), &key("00004", JUL1), 2025, POPULATION);
    let codes: Vec<&str> = s.found.iter().map(|x| x.unit.code.as_str()).collect();
    assert_eq!(codes, ["00004", "00013", "00016", "00040"]);
    // And in 2026 Phường Ba Đình reports for itself.
    let own = sources(&small(), &key("00004", JUL1), 2026, POPULATION);
    assert!(own.is_own());
}

#[test]
fn element_values_carry_counts_by_share_and_statuses_by_the_weakest() {
    let (r, plan, values) = (small(), plan(), values_2023());
    let s = sources(&r, &key("00004", JUL1), 2023, POPULATION);
    let c = carry_values(&r, &plan, &s, |k| values.unit(&k.code));
    assert_eq!(c.values.get("pop"), Some(&DataValue::Number(23_000.0)));
    assert_eq!(c.values.get("lit"), Some(&DataValue::Number(22_150.0)));
    assert_eq!(
        c.values.get("pre"),
        Some(&DataValue::Bool(false)),
        "Ngọc Hà had no preschool standard"
    );
    assert_eq!(c.values.get("lvl"), Some(&DataValue::Status("l1".into())));
    assert_eq!(c.not_comparable, ["pct"], "a reported percentage is not re-weighted");
    assert_eq!(c.missing.len(), 1);
    // One whole source: the percentage is carried as it was.
    let s = sources(&r, &key("99999", JUL1), 2023, POPULATION);
    let one: UnitValues = carry_values(&r, &plan, &s, |k| values.unit(&k.code)).values;
    assert_eq!(one.get("pct"), Some(&DataValue::Number(80.0)));
}

#[test]
fn a_partial_link_without_a_share_is_reported_not_guessed() {
    let mut links = small().links().to_vec();
    for l in &mut links {
        l.shares.retain(|s| s.source != ShareSource::Estimated);
    }
    let r = Register::new(small().units().to_vec(), Vec::new(), links).unwrap();
    let s = sources(&r, &key("00004", JUL1), 2023, POPULATION);
    assert_eq!(s.no_share, [(key("00040", None), key("00004", JUL1))]);
    assert!(s.found.iter().all(|x| x.unit.code != "00040"));
}

#[test]
fn the_register_refuses_overlaps_and_links_outside_a_units_life() {
    use AdminUnitType::Ward;
    let units = vec![
        unit("00004", None, JUN30, "Phường Trúc Bạch", Ward),
        unit("00004", Some("2025-06-01"), None, "Phường Ba Đình", Ward),
    ];
    let problems = Register::new(units, Vec::new(), Vec::new()).unwrap_err();
    assert!(matches!(problems[0], RegisterProblem::Overlap { .. }), "{problems:?}");
    let units = vec![
        unit("00010", None, Some("2024-12-31"), "Phường Nguyễn Trung Trực", Ward),
        unit("00004", JUL1, None, "Phường Ba Đình", Ward),
    ];
    let links = vec![link(&key("00010", None), &key("00004", JUL1), "2025-07-01", None)];
    let problems = Register::new(units, Vec::new(), links).unwrap_err();
    assert!(
        matches!(problems[0], RegisterProblem::LinkOutsideLife { .. }),
        "{problems:?}"
    );
}

// ------------------------------------------------- the 2022 plan and the register

#[test]
fn the_2022_plan_means_truc_bach_by_00004_and_it_cannot_report_for_2026() {
    let (r, plan) = (official(), plan::builtin());
    let truc_bach = plan.unit("00004").unwrap();
    assert_eq!(register_key(r, &plan, truc_bach), Some(UnitKey::new("00004", None)));
    assert!(reports_in(r, &plan, truc_bach, 2025));
    assert!(!reports_in(r, &plan, truc_bach, 2026), "abolished on 1/7/2025");
    assert!(
        !reports_in(r, &plan, plan.unit("00010").unwrap(), 2025),
        "merged on 1/1/2025"
    );
    assert_eq!(successor_names(r, &UnitKey::new("00004", None)), ["Phường Ba Đình"]);
    assert_eq!(successor_names(r, &UnitKey::new("00010", None)), ["Phường Ba Đình"]);
    // Carried figures find their sources among the plan's units.
    let ba_dinh = UnitKey::new("00004", Some(d("2025-07-01")));
    let s = sources(r, &ba_dinh, 2023, POPULATION);
    let covered: Vec<&str> = s
        .found
        .iter()
        .filter_map(|x| plan_unit_for(r, &plan, &x.unit, 2023))
        .map(|u| u.code.as_str())
        .collect();
    assert_eq!(covered, ["00004", "00010", "00013", "00016", "00019", "00022", "00028"]);
    assert!(
        plan_unit_for(r, &plan, &UnitKey::new("00040", None), 2023).is_none(),
        "Đồng Xuân: no plan"
    );
    assert!(plan_unit_for(r, &plan, &ba_dinh, 2026).is_none());
}

// ----------------------------------------------- the part a server keeps

/// The part around two plans' units answers every question the server asks
/// of the register for those units exactly as the whole register does.
#[test]
fn the_part_around_plans_answers_as_the_whole() {
    let whole = official();
    let plans = [
        plan::builtin(),
        plan::load(plan::SAMPLE_WARD_BA_DINH).unwrap_or_else(|p| panic!("{p:?}")),
    ];
    let codes: Vec<&str> = plans
        .iter()
        .flat_map(|p| p.org_units.iter().filter_map(|u| u.gso_code.as_deref()))
        .collect();
    let part = whole.around(codes.iter().copied());
    assert!(
        part.units().len() < whole.units().len() / 20,
        "{} of {} units kept",
        part.units().len(),
        whole.units().len()
    );
    let sorted = |s: Sources| {
        let mut v: Vec<(UnitKey, u64)> = s.found.iter().map(|f| (f.unit.clone(), f.share.to_bits())).collect();
        v.sort();
        (v, s.no_share)
    };
    let mut carried = 0;
    for p in &plans {
        for u in &p.org_units {
            let key = register_key(whole, p, u);
            assert_eq!(register_key(&part, p, u), key, "{}", u.code);
            let Some(key) = key else { continue };
            assert_eq!(successor_names(&part, &key), successor_names(whole, &key), "{}", u.code);
            for year in 2021..=2027 {
                assert_eq!(
                    reports_in(&part, p, u, year),
                    reports_in(whole, p, u, year),
                    "{} {year}",
                    u.code
                );
                let (a, b) = (
                    sources(&part, &key, year, POPULATION),
                    sources(whole, &key, year, POPULATION),
                );
                carried += usize::from(!b.found.iter().all(|f| f.unit == key));
                assert_eq!(sorted(a), sorted(b), "{} {year}", u.code);
            }
        }
    }
    assert!(carried > 0, "the successor ward's history comes from other units");
}
