//! Statuses of the built-in plan (56/KH-UBND, Ba Đình) as the plan means its
//! targets, on 2021-2026 figures whose results are worked out by hand here.

use xhht_domain::indicator::{Hierarchy, IndicatorValue, Inputs, ProgressStatus, assess, compute};
use xhht_domain::plan::{Plan, UnitType, builtin};
use xhht_domain::text;
use xhht_domain::values::{DataValue, YearValues};

use ProgressStatus::*;

fn wards(plan: &Plan) -> Vec<String> {
    plan.org_units
        .iter()
        .filter(|u| u.unit_type == UnitType::Ward)
        .map(|u| u.code.clone())
        .collect()
}

/// Every ward reports the same figures `f(ward index)`.
fn year_values(plan: &Plan, f: impl Fn(usize) -> Vec<(&'static str, DataValue)>) -> YearValues {
    let mut v = YearValues::default();
    for (i, w) in wards(plan).iter().enumerate() {
        for (code, x) in f(i) {
            v.set(w, code, x);
        }
    }
    v
}

fn n(x: f64) -> DataValue {
    DataValue::Number(x)
}

fn value(plan: &Plan, values: &YearValues, year: i32, indicator: &str, unit: &str) -> IndicatorValue {
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

#[test]
fn a_floor_is_checked_every_year() {
    // "Duy trì 99,5% trở lên người trong độ tuổi 15-60 biết chữ" [KH56 dòng 36].
    // 14 wards × 8.940 literate of 9.000 = 125.160 / 126.000 = 99,333…%.
    let plan = builtin();
    let values = year_values(&plan, |_| vec![("pop_15_60", n(9000.0)), ("literate_15_60", n(8940.0))]);
    for year in [2021, 2022, 2023] {
        let v = value(&plan, &values, year, "literacy_rate_15_60", "001");
        assert!((v.value.unwrap() - 125_160.0 / 126_000.0 * 100.0).abs() < 1e-9);
        // Below the floor even from a lower baseline: never "Đúng tiến độ".
        let a = assess(&plan, plan.indicator("literacy_rate_15_60").unwrap(), &v, Some(99.2));
        assert_eq!(a.status, NotAchieved, "{year}");
        assert!((a.gap.unwrap() - (99.5 - 99.333_333_333)).abs() < 1e-6);
        assert_eq!(text::number(v.value.unwrap(), a.decimals), "99,3");
        // A ward alone, the same.
        let w = value(&plan, &values, year, "literacy_rate_15_60", "00001");
        assert_eq!(
            assess(&plan, plan.indicator("literacy_rate_15_60").unwrap(), &w, None).status,
            NotAchieved
        );
    }
    // 8.960 / 9.000 = 99,555…% meets the floor.
    let values = year_values(&plan, |_| vec![("pop_15_60", n(9000.0)), ("literate_15_60", n(8960.0))]);
    let v = value(&plan, &values, 2022, "literacy_rate_15_60", "001");
    assert_eq!(
        assess(&plan, plan.indicator("literacy_rate_15_60").unwrap(), &v, None).status,
        Achieved
    );
}

#[test]
fn the_shown_figure_decides_as_the_status_does() {
    // Ngọc Hà: 8.182 / 8.224 = 99,489…%: shown "99,49", not "99,5", and missed.
    let plan = builtin();
    let ind = plan.indicator("literacy_rate_15_60").unwrap();
    let mut values = YearValues::default();
    values.set("00016", "pop_15_60", n(8224.0));
    values.set("00016", "literate_15_60", n(8182.0));
    values.set("00013", "pop_15_60", n(8224.0));
    values.set("00013", "literate_15_60", n(8183.0));
    let missed = value(&plan, &values, 2023, "literacy_rate_15_60", "00016");
    let a = assess(&plan, ind, &missed, None);
    assert_eq!((a.status, a.decimals), (NotAchieved, 2));
    assert_eq!(text::percent_with(missed.value.unwrap(), a.decimals), "99,49%");
    // Quán Thánh: 8.183 / 8.224 = 99,501…%: "99,5%" and met.
    let met = value(&plan, &values, 2023, "literacy_rate_15_60", "00013");
    let a = assess(&plan, ind, &met, None);
    assert_eq!((a.status, a.decimals), (Achieved, 1));
    assert_eq!(text::percent_with(met.value.unwrap(), a.decimals), "99,5%");
}

#[test]
fn a_target_year_reads_achieved_or_not_achieved() {
    // "50% số người trong độ tuổi lao động được trang bị năng lực thông tin"
    // by 2025 [KH56 dòng 43]. 14 × 4.300 of 9.000 = 47,777…%.
    let plan = builtin();
    let ind = plan.indicator("info_competency_rate").unwrap();
    let figures = |info: f64| {
        year_values(&plan, move |_| {
            vec![("working_age_pop", n(9000.0)), ("working_age_info_competent", n(info))]
        })
    };
    let short = figures(4300.0);
    let v2025 = value(&plan, &short, 2025, "info_competency_rate", "001");
    let a = assess(&plan, ind, &v2025, Some(33.0));
    assert_eq!(a.status, NotAchieved, "at the target year a miss is “Không đạt”");
    assert!((a.gap.unwrap() - (50.0 - 4300.0 / 90.0)).abs() < 1e-9);
    // In 2023 the path from 33% (2021) to 50% (2025) is at 33 + 17 × 2/4 = 41,5%.
    let v2023 = value(&plan, &short, 2023, "info_competency_rate", "001");
    assert_eq!(assess(&plan, ind, &v2023, Some(33.0)).status, OnTrack);
    // 3.600 / 9.000 = 40% is short of 41,5%.
    let v = value(&plan, &figures(3600.0), 2023, "info_competency_rate", "001");
    assert_eq!(assess(&plan, ind, &v, Some(33.0)).status, Behind);
    // 4.500 / 9.000 = 50% in 2025: met.
    let v = value(&plan, &figures(4500.0), 2025, "info_competency_rate", "001");
    assert_eq!(assess(&plan, ind, &v, Some(33.0)).status, Achieved);
    // After 2025 the 2030 target (70%) governs, its path starting at the
    // 2025 target: 50 + 20 × 2/5 = 58% in 2027. 5.400 / 9.000 = 60% is on track.
    let v = value(&plan, &figures(5400.0), 2027, "info_competency_rate", "001");
    let a = assess(&plan, ind, &v, Some(33.0));
    assert_eq!((a.status, a.target.map(|t| t.year)), (OnTrack, Some(2030)));
}

#[test]
fn a_status_floor_is_kept_or_not_every_year() {
    // "Duy trì kết quả đạt chuẩn xóa mù chữ mức độ 2" [KH56 dòng 35]: the
    // district keeps it when at least 90% of its wards are at level 2.
    // 12 of 14 = 85,7%: not kept, in 2023 already “Không đạt”.
    let plan = builtin();
    let ind = plan.indicator("literacy_standard_kept").unwrap();
    let level = |ok: usize| {
        year_values(&plan, move |i| {
            let l = if i < ok { "level_2" } else { "level_1" };
            vec![("literacy_level", DataValue::Status(l.into()))]
        })
    };
    let v = value(&plan, &level(12), 2023, "literacy_standard_kept", "001");
    assert_eq!(v.status.as_deref(), Some("not_kept"));
    assert_eq!(assess(&plan, ind, &v, None).status, NotAchieved);
    // 13 of 14 = 92,9%: kept.
    let v = value(&plan, &level(13), 2023, "literacy_standard_kept", "001");
    assert_eq!(assess(&plan, ind, &v, None).status, Achieved);
}

#[test]
fn a_status_target_before_and_at_its_year() {
    // "Đăng ký danh hiệu Quận Ba Đình học tập" by 2025 [KH56 dòng 56].
    let plan = builtin();
    let ind = plan.indicator("learning_district_title").unwrap();
    let title = |s: &str| {
        let mut v = YearValues::default();
        v.set("PGDDT", "learning_district_status", DataValue::Status(s.into()));
        v
    };
    let at = |s: &str, year: i32| {
        let v = value(&plan, &title(s), year, "learning_district_title", "001");
        assess(&plan, ind, &v, None).status
    };
    assert_eq!(at("not_registered", 2023), Behind);
    assert_eq!(at("not_registered", 2025), NotAchieved);
    assert_eq!(at("registered", 2025), Achieved);
    // 2026 onwards: "được công nhận" by 2030.
    assert_eq!(at("registered", 2026), Behind);
    assert_eq!(at("recognised", 2030), Achieved);
}

#[test]
fn too_few_approved_units_make_a_value_provisional() {
    // 2026: only 2 of the 14 wards approved. The share of centres using IT
    // reads 100% (both centres do) but is “tạm tính”, never “Đạt”.
    let plan = builtin();
    let mut values = YearValues::default();
    values.set("TTHTCD-00001", "clc_uses_it", DataValue::Bool(true));
    values.set("TTHTCD-00013", "clc_uses_it", DataValue::Bool(true));
    values.set("00001", "pop_15_60", n(9000.0));
    values.set("00001", "literate_15_60", n(8990.0));
    values.set("00013", "pop_15_60", n(8000.0));
    values.set("00013", "literate_15_60", n(7990.0));
    let v = value(&plan, &values, 2026, "clc_it_rate", "001");
    assert_eq!((v.value, v.units_counted, v.units_expected), (Some(100.0), 2, 14));
    assert!(plan.is_provisional(&v));
    let a = assess(&plan, plan.indicator("clc_it_rate").unwrap(), &v, None);
    assert_eq!((a.status, a.gap), (Provisional, None));
    let v = value(&plan, &values, 2026, "literacy_rate_15_60", "001");
    assert_eq!(
        assess(&plan, plan.indicator("literacy_rate_15_60").unwrap(), &v, None).status,
        Provisional
    );
    // A ward's own value is complete: it gets its verdict.
    let w = value(&plan, &values, 2026, "literacy_rate_15_60", "00001");
    assert_eq!((w.units_counted, w.units_expected), (1, 1));
    assert!(!plan.is_provisional(&w));
}

#[test]
fn not_applicable_is_its_own_status() {
    let plan = builtin();
    let empty = YearValues::default();
    // Target 10: no district unit runs a university [KH56 dòng 49].
    let v = value(&plan, &empty, 2025, "hei_digital_university", "001");
    assert_eq!(v.units_expected, 0, "nobody is asked for it");
    let a = assess(&plan, plan.indicator("hei_digital_university").unwrap(), &v, None);
    assert_eq!(a.status, NotApplicable);
    // "100% các phường …" speaks of the district, not of one ward.
    let values = year_values(&plan, |_| vec![("preschool_universal", DataValue::Bool(true))]);
    let w = value(&plan, &values, 2025, "preschool_universal_wards", "00001");
    let ind = plan.indicator("preschool_universal_wards").unwrap();
    assert_eq!(assess(&plan, ind, &w, None).status, NotApplicable);
    let d = value(&plan, &values, 2025, "preschool_universal_wards", "001");
    assert_eq!(assess(&plan, ind, &d, None).status, Achieved);
}
