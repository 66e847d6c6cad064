//! The values themselves: plausible, varied per ward, some wards behind
//! target, some values missing. 2021-2025 approved; 2026 in progress.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use xhht_domain::narrative::NarrativeKind;
use xhht_domain::plan::{OrgUnit, Plan, UnitType};
use xhht_domain::values::{DataValue, UnitValues};
use xhht_domain::workflow::ReportState;

/// The fixed seed of the demo.
pub const SEED: u64 = 56_2022;

/// First and last sample years.
const FIRST: i32 = 2021;
const LAST: i32 = 2026;

/// One unit's report for one year, with how far it went through the workflow.
#[derive(Debug, Clone, PartialEq)]
pub struct SampleReport {
    pub unit: String,
    pub year: i32,
    pub values: Vec<(String, DataValue)>,
    /// ((task group, kind), text): what the unit writes under section III.
    pub narratives: Vec<((i64, NarrativeKind), String)>,
    /// Final state; the loader replays draft → submitted (→ returned) → …
    pub state: ReportState,
    /// The reporter's explanation of the form's warnings, if it has any.
    pub explanation: Option<String>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub decided_at: Option<DateTime<Utc>>,
}

/// A ward's character: size, growth and how well it does (-1 weak … 1 strong).
struct Profile {
    pop: f64,
    growth: f64,
    skill: f64,
    units_total: f64,
}

pub fn generate(plan: &Plan, seed: u64) -> Vec<SampleReport> {
    let mut out = generate_values(plan, seed);
    explain_warnings(plan, &mut out);
    out
}

fn generate_values(plan: &Plan, seed: u64) -> Vec<SampleReport> {
    let mut out = Vec::new();
    // How the education department rated the centres: (good, rated) per year.
    let mut ratings: std::collections::BTreeMap<i32, (usize, usize)> = Default::default();
    let wards: Vec<&OrgUnit> = plan
        .org_units
        .iter()
        .filter(|u| u.unit_type == UnitType::Ward)
        .collect();
    for (i, ward) in wards.iter().enumerate() {
        let mut rng = rng_for(seed, &ward.code);
        let profile = Profile {
            pop: rng.random_range(8_000.0..19_000.0),
            growth: rng.random_range(-0.004..0.012),
            // The last two wards in file order are the weak ones, the first two strong.
            skill: match i {
                0 | 1 => rng.random_range(0.5..1.0),
                _ if i + 2 >= wards.len() => rng.random_range(-1.0..-0.6),
                _ => rng.random_range(-0.5..0.5),
            },
            units_total: rng.random_range(22.0..58.0),
        };
        let centre = plan
            .org_units
            .iter()
            .find(|u| u.parent.as_deref() == Some(&ward.code) && u.unit_type == UnitType::CommunityLearningCentre);
        let centre_luck: f64 = rng.random_range(0.0..1.0);
        for year in FIRST..=LAST {
            if centre.is_some() {
                let r = ratings.entry(year).or_default();
                r.0 += usize::from(centre_rating(&profile, centre_luck, year) == "good");
                r.1 += 1;
            }
            let (state, submitted_at, decided_at) = workflow(i, year, &mut rng);
            if state.is_none() {
                continue;
            }
            let state = state.unwrap_or(ReportState::Draft);
            let mut values = ward_values(&profile, i, year, &mut rng);
            if year == LAST && state == ReportState::Draft {
                values.truncate(values.len() / 2); // a draft half filled in
            }
            let narratives = narratives(plan, &mut rng, year, state);
            out.push(SampleReport {
                unit: ward.code.clone(),
                year,
                values,
                narratives,
                state,
                explanation: None,
                submitted_at,
                decided_at,
            });
            if let Some(c) = centre {
                let values = centre_values(&profile, centre_luck, year);
                let narratives = Vec::new();
                out.push(SampleReport {
                    unit: c.code.clone(),
                    year,
                    values,
                    narratives,
                    state,
                    explanation: None,
                    submitted_at,
                    decided_at,
                });
            }
        }
    }
    // Departments and organisations: the education department with figures,
    // every unit named in section V with its narrative.
    let others = plan
        .org_units
        .iter()
        .filter(|u| matches!(u.unit_type, UnitType::Department | UnitType::Organisation) && plan.is_reporting_unit(u));
    for (i, unit) in others.enumerate() {
        let mut rng = rng_for(seed, &unit.code);
        for year in FIRST..=LAST {
            let (state, submitted_at, decided_at) = match (year == LAST, i % 4) {
                (false, _) => approved(year, i + 3),
                (true, 0) => (ReportState::Draft, None, None),
                (true, 1) => (ReportState::Submitted, Some(at(year, 11, 18 + (i as u32 % 6), 2)), None),
                (true, 2) => (
                    ReportState::Approved,
                    Some(at(year, 11, 17, 2)),
                    Some(at(year, 11, 23, 3)),
                ),
                (true, _) => continue, // not started
            };
            let values = if unit.code == plan.reporting.submit_to {
                education_values(year, ratings.get(&year).copied().unwrap_or_default())
            } else {
                Vec::new()
            };
            let narratives = narratives(plan, &mut rng, year, state);
            out.push(SampleReport {
                unit: unit.code.clone(),
                year,
                values,
                narratives,
                state,
                explanation: None,
                submitted_at,
                decided_at,
            });
        }
    }
    out
}

/// A report with warnings carries the explanation its reporter would write:
/// the learning-citizen title only existed from 2022 (244/QĐ-KHVN,
/// 28/7/2022), so the first year's jump from none is expected.
fn explain_warnings(plan: &Plan, reports: &mut [SampleReport]) {
    use xhht_domain::validation::{missing_values, validate};
    let values = |r: &SampleReport| -> UnitValues { r.values.iter().cloned().collect() };
    let all: Vec<(String, i32, UnitValues)> = reports.iter().map(|r| (r.unit.clone(), r.year, values(r))).collect();
    for r in reports.iter_mut() {
        let Some(unit) = plan.unit(&r.unit) else { continue };
        let this = values(r);
        let prev = all
            .iter()
            .find(|(u, y, _)| *u == r.unit && *y == r.year - 1)
            .map(|(_, _, v)| v);
        let mut findings = validate(plan, unit, &this, prev);
        findings.extend(missing_values(plan, unit, &this));
        if findings.is_empty() {
            continue;
        }
        let title = findings.iter().any(|f| f.rule == "jump:learning_citizens");
        let jump = findings.iter().any(|f| f.rule.starts_with("jump:"));
        r.explanation = Some(if title {
            "Năm 2022 bắt đầu xét công nhận danh hiệu Công dân học tập theo tiêu chí của Hội Khuyến học Việt Nam; năm 2021 chưa có danh hiệu nên số tăng nhanh (dữ liệu mẫu).".into()
        } else if jump {
            "Số liệu năm nay được rà soát lại theo danh sách hộ và tổ dân phố mới nên thay đổi nhiều so với năm trước (dữ liệu mẫu).".into()
        } else {
            "Một số số liệu chưa thu thập được trong năm, phường sẽ bổ sung khi có (dữ liệu mẫu).".into()
        });
    }
}

/// A few sentences under two task groups of section III, made from phrases
/// and numbers; every one says it is sample data.
pub(crate) fn narratives(
    plan: &Plan,
    rng: &mut ChaCha8Rng,
    year: i32,
    state: ReportState,
) -> Vec<((i64, NarrativeKind), String)> {
    const RESULTS: [&str; 6] = [
        "Tổ chức {n} buổi tuyên truyền về học tập suốt đời, Tuần lễ hưởng ứng học tập suốt đời và Ngày Sách, thu hút khoảng {m} lượt người tham gia",
        "Rà soát, đề xuất {n} chính sách hỗ trợ người lao động, người cao tuổi, người khuyết tật học tập; hỗ trợ {m} lượt người",
        "Triển khai {n} lớp học trực tuyến và đưa {m} tài liệu lên kho học liệu mở",
        "Trung tâm học tập cộng đồng mở {n} lớp chuyên đề (kỹ năng số, pháp luật, nghề ngắn hạn) với {m} lượt học viên",
        "Công nhận {n} gia đình học tập, dòng họ học tập và {m} công dân học tập mới",
        "Phối hợp {n} hoạt động giao lưu về học tập suốt đời, có {m} lượt người tham gia",
    ];
    const DIFFICULTIES: &str = "Kinh phí cho hoạt động còn hạn chế; một số tổ dân phố chưa cập nhật kịp số liệu";
    const PROPOSALS: &str = "Đề nghị bổ sung kinh phí và tổ chức tập huấn nhập liệu cho cán bộ phụ trách";
    let groups = plan.task_groups.len();
    let skip = year == LAST && state == ReportState::Draft && rng.random_range(0.0..1.0) < 0.5;
    if groups == 0 || skip {
        return Vec::new();
    }
    let mut out = Vec::new();
    for _ in 0..2 {
        let g = &plan.task_groups[rng.random_range(0..groups)];
        let phrase = RESULTS[usize::try_from(g.number - 1).unwrap_or(0) % RESULTS.len()];
        let n = rng.random_range(2..15).to_string();
        let m = rng.random_range(80..1200).to_string();
        let text = phrase.replace("{n}", &n).replace("{m}", &m);
        out.push((
            (g.number, NarrativeKind::Results),
            format!("{text} (dữ liệu mẫu năm {year})."),
        ));
    }
    let g = plan.task_groups[rng.random_range(0..groups)].number;
    out.push((
        (g, NarrativeKind::Difficulties),
        format!("{DIFFICULTIES} (dữ liệu mẫu)."),
    ));
    out.push(((g, NarrativeKind::Proposals), format!("{PROPOSALS} (dữ liệu mẫu).")));
    out.sort();
    out.dedup_by(|a, b| a.0 == b.0);
    out
}

/// A deterministic stream per unit (FNV-1a of its code mixed into the seed),
/// so adding a unit does not change the others' values.
pub(crate) fn rng_for(seed: u64, code: &str) -> ChaCha8Rng {
    let h = code.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    });
    ChaCha8Rng::seed_from_u64(seed ^ h)
}

pub(crate) fn at(year: i32, month: u32, day: u32, hour: u32) -> DateTime<Utc> {
    let d = NaiveDate::from_ymd_opt(year, month, day)
        .and_then(|d| d.and_hms_opt(hour, 0, 0))
        .expect("valid sample date");
    Utc.from_utc_datetime(&d)
}

fn approved(year: i32, i: usize) -> (ReportState, Option<DateTime<Utc>>, Option<DateTime<Utc>>) {
    // Most submit in the first week of December; every seventh unit is a few days late.
    let day = if i % 7 == 6 { 12 } else { 1 + (i as u32 % 8) };
    (
        ReportState::Approved,
        Some(at(year, 12, day, 2 + (i as u32 % 6))),
        Some(at(year, 12, 16 + (i as u32 % 5), 3)),
    )
}

/// 2021-2025 approved; in 2026 (the year in progress) most wards have not submitted.
fn workflow(
    i: usize,
    year: i32,
    rng: &mut ChaCha8Rng,
) -> (Option<ReportState>, Option<DateTime<Utc>>, Option<DateTime<Utc>>) {
    let _ = rng.random::<u32>(); // keep the stream aligned whatever the branch
    if year < LAST {
        let (s, a, b) = approved(year, i);
        return (Some(s), a, b);
    }
    let sub = Some(at(year, 11, 16 + (i as u32 % 8), 2));
    match i % 14 {
        0 | 5 => (Some(ReportState::Approved), sub, Some(at(year, 11, 24, 3))),
        1 | 8 | 11 => (Some(ReportState::Submitted), sub, None),
        3 => (Some(ReportState::Returned), sub, Some(at(year, 11, 25, 1))),
        2 | 4 | 9 | 12 | 13 => (Some(ReportState::Draft), None, None),
        _ => (None, None, None), // not started
    }
}

pub(crate) fn count(x: f64) -> DataValue {
    DataValue::Number(x.round().max(0.0))
}

fn status(code: &str) -> DataValue {
    DataValue::Status(code.to_string())
}

fn ward_values(p: &Profile, i: usize, year: i32, rng: &mut ChaCha8Rng) -> Vec<(String, DataValue)> {
    let t = f64::from(year - FIRST);
    let mut noise = |sd: f64| rng.random_range(-sd..sd);
    let pop = (p.pop * (1.0 + p.growth).powf(t)).round();
    let pop_15_60 = (pop * (0.77 + 0.002 * t)).round();
    // Literate 15-60: at or above the 99,5% floor for most wards from 2021,
    // the weakest just under it; rising towards 99,6% by 2030.
    let literate = (pop_15_60 * (99.57 + 0.012 * t + 0.1 * p.skill + noise(0.03)).clamp(99.3, 99.95) / 100.0).round();
    // A few people completed the literacy programme; most of them keep learning.
    let graduates = (pop_15_60 * 0.0012).round();
    let keep = graduates * (92.5 + 0.6 * t + 2.5 * p.skill + noise(0.4)).clamp(80.0, 100.0) / 100.0;
    // Working age (15 to the retirement age, 55-61 and rising) is a part of 15-60.
    let working = (pop_15_60 * (0.935 + 0.002 * t)).round();
    let rate =
        |base: f64, slope: f64, weight: f64, n: f64| (base + slope * t + weight * p.skill + n).clamp(3.0, 97.0) / 100.0;
    let info = working * rate(33.0, 5.0, 7.0, noise(1.0));
    let life = working * rate(35.0, 4.2, 6.0, noise(1.0));
    let trained_rate = rate(44.0, 1.4, 4.0, noise(0.5));
    let trained = pop * trained_rate;
    let university = pop * (trained_rate * 100.0 * 0.24 + 0.1 * t).min(trained_rate * 100.0) / 100.0;
    let citizens = pop * learning_citizen_share(p, year, noise(0.5));
    let units_total = (p.units_total + t.min(3.0)).round();
    let recognised = units_total * rate(36.0, 6.5, 10.0, noise(2.0));
    let weakest = i == 13;
    let mut v = vec![
        ("pop_15_plus", count(pop)),
        ("pop_15_60", count(pop_15_60)),
        ("literate_15_60", count(literate)),
        ("literacy_graduates", count(graduates)),
        ("graduates_keep_learning", count(keep)),
        (
            "literacy_level",
            status(if weakest && year <= 2022 { "level_1" } else { "level_2" }),
        ),
        ("preschool_universal", DataValue::Bool(!(i == 12 && year == 2021))),
        ("primary_universal_level", status("level_3")),
        (
            "lower_secondary_universal_level",
            status(if weakest && year <= 2023 { "level_2" } else { "level_3" }),
        ),
        ("working_age_pop", count(working)),
        ("working_age_info_competent", count(info)),
        ("working_age_life_skills", count(life)),
        ("pop_15_plus_trained", count(trained)),
        ("pop_university", count(university)),
        ("learning_citizens", count(citizens)),
        ("learning_units_total", count(units_total)),
        ("learning_units_recognised", count(recognised)),
    ];
    // A few values never reported (about one in twenty of those that may be missing).
    v.retain(|(code, _)| {
        let optional = matches!(
            *code,
            "working_age_life_skills" | "pop_university" | "graduates_keep_learning" | "learning_citizens"
        );
        !(optional && rng.random_range(0.0..1.0) < 0.05)
    });
    v.into_iter().map(|(c, x)| (c.to_string(), x)).collect()
}

/// Share of people 15+ holding the learning-citizen title: none before the
/// title's criteria were issued in 2022, then growing by at most half a year.
fn learning_citizen_share(p: &Profile, year: i32, noise: f64) -> f64 {
    if year < 2022 {
        return 0.0;
    }
    let start = 15.0 + 4.0 * p.skill + noise;
    let growth = 1.38 + 0.05 * p.skill;
    (start * growth.powi(year - 2022)).min(75.0) / 100.0
}

fn centre_values(p: &Profile, luck: f64, year: i32) -> Vec<(String, DataValue)> {
    let t = f64::from(year - FIRST);
    // Monotone in time: once a centre uses IT it keeps doing so.
    let uses_it = luck < 0.45 + 0.1 * t + 0.15 * p.skill;
    vec![("clc_uses_it".to_string(), DataValue::Bool(uses_it))]
}

/// How the education department rates a centre in `year`.
fn centre_rating(p: &Profile, luck: f64, year: i32) -> &'static str {
    let t = f64::from(year - FIRST);
    match 0.3 + 0.09 * t + 0.2 * p.skill + 0.25 * luck {
        s if s > 0.75 => "good",
        s if s > 0.5 => "fair",
        _ => "average",
    }
}

/// The education department's figures; `(good, rated)` are its centre ratings.
fn education_values(year: i32, (good, rated): (usize, usize)) -> Vec<(String, DataValue)> {
    let t = f64::from(year - FIRST);
    let total = 58.0 + (t / 2.0).floor();
    vec![
        ("edu_institutions_total".to_string(), count(total)),
        (
            "edu_institutions_digital".to_string(),
            count(total * (0.41 + 0.075 * t)),
        ),
        ("clc_total".to_string(), count(rated as f64)),
        ("clc_rated_good".to_string(), count(good as f64)),
        (
            "learning_district_status".to_string(),
            status(if year >= 2024 { "registered" } else { "not_registered" }),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use xhht_domain::plan::{Severity, builtin};
    use xhht_domain::validation::validate;
    use xhht_domain::values::UnitValues;

    #[test]
    fn same_seed_same_data() {
        let plan = builtin();
        assert_eq!(generate(&plan, SEED), generate(&plan, SEED));
        assert_ne!(generate(&plan, SEED), generate(&plan, SEED + 1));
    }

    #[test]
    fn sample_data_pass_every_error_rule_of_the_plan() {
        let plan = builtin();
        let reports = generate(&plan, SEED);
        let map = |r: &SampleReport| -> UnitValues { r.values.iter().cloned().collect() };
        for r in &reports {
            let unit = plan.unit(&r.unit).unwrap();
            let prev = reports
                .iter()
                .find(|p| p.unit == r.unit && p.year == r.year - 1)
                .map(map);
            let findings = validate(&plan, unit, &map(r), prev.as_ref());
            let errors: Vec<_> = findings.iter().filter(|f| f.severity == Severity::Error).collect();
            assert!(errors.is_empty(), "{} {}: {errors:?}", r.unit, r.year);
        }
    }

    #[test]
    fn shape_of_the_years() {
        let plan = builtin();
        let reports = generate(&plan, SEED);
        let is_ward = |r: &&SampleReport| plan.unit(&r.unit).is_some_and(|u| u.unit_type == UnitType::Ward);
        let wards_2026: Vec<_> = reports.iter().filter(|r| r.year == 2026).filter(is_ward).collect();
        let submitted = wards_2026
            .iter()
            .filter(|r| matches!(r.state, ReportState::Submitted | ReportState::Approved))
            .count();
        assert!(submitted * 2 < 14, "most wards have not submitted 2026");
        assert!(
            reports
                .iter()
                .filter(|r| r.year < 2026)
                .all(|r| r.state == ReportState::Approved)
        );
        // some values are missing
        let partial = reports
            .iter()
            .filter(|r| r.year < 2026)
            .filter(is_ward)
            .filter(|r| r.values.len() < 16)
            .count();
        assert!(partial > 0);
        // every unit named in section V reports, with narrative
        for unit in plan.org_units.iter().filter(|u| plan.is_reporting_unit(u)) {
            let r = reports.iter().find(|r| r.unit == unit.code && r.year == 2025);
            assert!(r.is_some(), "{} has no 2025 report", unit.code);
        }
        assert!(reports.iter().any(|r| r.unit == "HKH" && !r.narratives.is_empty()));
    }
}

#[cfg(test)]
mod plausibility {
    use super::*;
    use xhht_domain::indicator::{Hierarchy, Inputs, ProgressStatus, assess, compute};
    use xhht_domain::plan::builtin;
    use xhht_domain::values::YearValues;

    fn year(plan: &Plan, reports: &[SampleReport], y: i32) -> YearValues {
        let mut v = YearValues::default();
        for r in reports.iter().filter(|r| r.year == y) {
            for (c, x) in &r.values {
                v.set(&r.unit, c, x.clone());
            }
        }
        let _ = plan;
        v
    }

    fn num(v: &YearValues, unit: &str, code: &str) -> Option<f64> {
        match v.get(unit, code) {
            Some(DataValue::Number(x)) => Some(*x),
            _ => None,
        }
    }

    #[test]
    fn working_age_is_a_part_of_15_to_60() {
        let plan = builtin();
        let reports = generate(&plan, SEED);
        for r in reports
            .iter()
            .filter(|r| plan.unit(&r.unit).is_some_and(|u| u.unit_type == UnitType::Ward))
        {
            let v: UnitValues = r.values.iter().cloned().collect();
            if let (Some(DataValue::Number(a)), Some(DataValue::Number(w))) =
                (v.get("pop_15_60"), v.get("working_age_pop"))
            {
                assert!(a > w, "{} {}: 15-60 {a} ≤ working age {w}", r.unit, r.year);
            }
        }
    }

    #[test]
    fn no_learning_citizens_before_the_title_existed() {
        let plan = builtin();
        let reports = generate(&plan, SEED);
        let y2021 = year(&plan, &reports, 2021);
        let y2022 = year(&plan, &reports, 2022);
        for w in plan.org_units.iter().filter(|u| u.unit_type == UnitType::Ward) {
            assert!(
                num(&y2021, &w.code, "learning_citizens").is_none_or(|x| x == 0.0),
                "{}",
                w.code
            );
        }
        let any_2022 = plan
            .org_units
            .iter()
            .any(|w| num(&y2022, &w.code, "learning_citizens").is_some_and(|x| x > 0.0));
        assert!(any_2022, "the title is awarded from 2022");
        // The 2022 jump from none is explained, as a reporter would.
        let r = reports.iter().find(|r| r.year == 2022 && r.unit == "00001").unwrap();
        assert!(r.explanation.as_deref().is_some_and(|e| e.contains("2022")));
    }

    #[test]
    fn literacy_meets_the_floor_for_the_district_from_2021() {
        let plan = builtin();
        let reports = generate(&plan, SEED);
        let ind = plan.indicator("literacy_rate_15_60").unwrap();
        for y in 2021..=2025 {
            let values = year(&plan, &reports, y);
            let tree = Hierarchy::new(&plan, y);
            let inputs = Inputs {
                plan: &plan,
                tree: &tree,
                year: y,
                values: &values,
                prev: None,
            };
            let v = compute(&inputs, ind, &plan.info.area);
            assert!(v.value.unwrap() >= 99.5, "{y}: {:?}", v.value);
            assert_eq!(assess(&plan, ind, &v, None).status, ProgressStatus::Achieved, "{y}");
        }
    }
}
