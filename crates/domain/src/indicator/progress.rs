//! Progress of an indicator value against its target.
//!
//! [`assess`] reads a value as the plan means its targets; [`progress`] is
//! the bare comparison it is built on.

use serde::Serialize;

use crate::formula::CmpOp;
use crate::plan::{Direction, Indicator, Plan, Target, TargetKind, TargetValue};

use super::IndicatorValue;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProgressStatus {
    /// The target is reached ("Đạt").
    Achieved,
    /// Not reached, but at or beyond the straight path from the baseline
    /// ("Đúng tiến độ"); only before the year of a `by_year` target.
    OnTrack,
    /// Not reached and short of the path ("Chậm tiến độ"); only before the
    /// year of a `by_year` target.
    Behind,
    NoData,
    /// Missed where the plan asks for it: a floor in any year, any target
    /// in or after its year ("Không đạt").
    NotAchieved,
    /// Too few units approved to judge ("Tạm tính"): shown, no verdict.
    Provisional,
    /// The target does not concern this unit ("Không áp dụng").
    NotApplicable,
    /// A year before the plan's first reporting year: the baseline, shown
    /// as the starting point ("Năm gốc").
    Baseline,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Progress {
    pub status: ProgressStatus,
    /// How far from the target, in the indicator's unit (numeric only; > 0).
    pub gap: Option<f64>,
}

/// Where a value stands against a target.
///
/// `baseline` is the value in the plan's baseline year, `fraction` how much of
/// the time from the baseline year to the target year has passed (0..=1). A
/// status target is met when the value's option ranks at least as high.
pub fn progress(
    indicator: &Indicator,
    value: Option<f64>,
    status: Option<&str>,
    target: &TargetValue,
    baseline: Option<f64>,
    fraction: f64,
) -> Progress {
    match target {
        TargetValue::Status(t) => {
            let rank = |s: &str| indicator.option_rank(s);
            let status = match status.and_then(rank) {
                None => ProgressStatus::NoData,
                Some(r) if Some(r) >= rank(t) => ProgressStatus::Achieved,
                Some(_) => ProgressStatus::Behind,
            };
            Progress { status, gap: None }
        }
        TargetValue::Number(t) => numeric(indicator.direction, value, *t, baseline, fraction),
    }
}

fn numeric(direction: Direction, value: Option<f64>, target: f64, baseline: Option<f64>, fraction: f64) -> Progress {
    let Some(v) = value else {
        return Progress {
            status: ProgressStatus::NoData,
            gap: None,
        };
    };
    // Work in "higher is better" terms.
    let sign = if direction == Direction::Increase { 1.0 } else { -1.0 };
    let gap = (target - v) * sign;
    if gap <= 1e-9 {
        return Progress {
            status: ProgressStatus::Achieved,
            gap: None,
        };
    }
    let path = baseline.map(|b| b + (target - b) * fraction.clamp(0.0, 1.0));
    let on_track = path.is_some_and(|p| (v - p) * sign >= -1e-9);
    let status = if on_track {
        ProgressStatus::OnTrack
    } else {
        ProgressStatus::Behind
    };
    Progress { status, gap: Some(gap) }
}

/// A value read against the plan: its status, the target it was judged by,
/// and the decimals that show the figure the status was decided on.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Assessment {
    pub status: ProgressStatus,
    /// Distance to the target in the indicator's unit, when short of it.
    pub gap: Option<f64>,
    /// The governing target ([`Plan::governing_target`]).
    pub target: Option<Target>,
    /// Show the value with this many decimals: at least the indicator's
    /// own, more when rounding would hide which side of the target (or of
    /// the path) it is on. 8.182 / 8.224 = 99,489…% against 99,5% shows
    /// "99,49%", never "99,5%" with "Không đạt" beside it.
    pub decimals: usize,
}

impl Assessment {
    /// The bare progress, for callers that take one.
    pub fn progress(&self) -> Progress {
        Progress {
            status: self.status,
            gap: self.gap,
        }
    }
}

/// How `value` (of `value.org_unit` in `value.year`) stands as the plan means
/// its targets. `baseline` is the unit's value of the plan's baseline year;
/// it starts the path to the first target (later targets start from the
/// target before them).
///
/// In order: no target → no data; before the first reporting year → the
/// baseline; target "không áp dụng" or not for this unit type → not
/// applicable; no value → no data; fewer approved units than the plan's
/// coverage threshold → provisional; then met → achieved; missed on a floor
/// or in/after the target year → not achieved; else on track or behind
/// against the straight path.
pub fn assess(plan: &Plan, indicator: &Indicator, value: &IndicatorValue, baseline: Option<f64>) -> Assessment {
    let year = value.year;
    let target = plan.governing_target(&indicator.code, year);
    let mut out = Assessment {
        status: ProgressStatus::NoData,
        gap: None,
        target: target.cloned(),
        decimals: indicator.decimals,
    };
    let Some(target) = target else {
        return out;
    };
    let applies = plan
        .unit(&value.org_unit)
        .is_none_or(|u| plan.target_applies(target, u));
    out.status = if year < plan.reporting.first_year {
        ProgressStatus::Baseline
    } else if !applies {
        ProgressStatus::NotApplicable
    } else if !value.has_data() {
        ProgressStatus::NoData
    } else if plan.is_provisional(value) {
        ProgressStatus::Provisional
    } else {
        return judge(plan, indicator, value, target, baseline, out);
    };
    out
}

fn judge(
    plan: &Plan,
    indicator: &Indicator,
    value: &IndicatorValue,
    target: &Target,
    baseline: Option<f64>,
    mut out: Assessment,
) -> Assessment {
    let year = value.year;
    let due = target.kind == TargetKind::FloorEveryYear || year >= target.year;
    match (&target.value, value.value, value.status.as_deref()) {
        (TargetValue::Status(t), _, Some(s)) => {
            let met = match (indicator.option_rank(s), indicator.option_rank(t)) {
                (Some(a), Some(b)) => target.comparison.holds(a.cmp(&b)),
                _ => false,
            };
            out.status = match (met, due) {
                (true, _) => ProgressStatus::Achieved,
                (false, true) => ProgressStatus::NotAchieved,
                (false, false) => ProgressStatus::Behind,
            };
        }
        (TargetValue::Number(t), Some(v), _) => {
            let sign = if target.comparison == CmpOp::Le { -1.0 } else { 1.0 };
            let path = (!due).then(|| path_at(plan, target, baseline, year)).flatten();
            let mut thresholds = vec![*t];
            thresholds.extend(path);
            out.decimals = decisive_decimals(v, &thresholds, target.comparison, indicator.decimals);
            if target.met_by(v) {
                out.status = ProgressStatus::Achieved;
                return out;
            }
            out.gap = (target.comparison != CmpOp::Eq).then_some((t - v) * sign);
            out.status = match (due, path) {
                (true, _) => ProgressStatus::NotAchieved,
                (false, Some(p)) if (v - p) * sign >= -1e-9 && target.comparison != CmpOp::Eq => {
                    ProgressStatus::OnTrack
                }
                _ => ProgressStatus::Behind,
            };
        }
        _ => out.status = ProgressStatus::NoData,
    }
    out
}

/// Where the straight path to `target` stands in `year`: from the target
/// before it (its year and value), else from the baseline year's value.
fn path_at(plan: &Plan, target: &Target, baseline: Option<f64>, year: i32) -> Option<f64> {
    let TargetValue::Number(end) = target.value else {
        return None;
    };
    let (from_year, from) = match plan.previous_target(target).map(|p| (p.year, &p.value)) {
        Some((y, TargetValue::Number(x))) => (y, *x),
        _ => (plan.reporting.baseline_year, baseline?),
    };
    let span = f64::from((target.year - from_year).max(1));
    let fraction = (f64::from(year - from_year) / span).clamp(0.0, 1.0);
    Some(from + (end - from) * fraction)
}

/// The fewest decimals (from `min`, at most 4) at which `value`, rounded as
/// shown, gets the same verdict (`value op threshold`) as the value itself
/// against every threshold.
pub fn decisive_decimals(value: f64, thresholds: &[f64], op: CmpOp, min: usize) -> usize {
    let verdict = |x: f64, t: f64| crate::plan::compare_num(op, x, t);
    (min..=4.max(min))
        .find(|&d| {
            let f = 10f64.powi(d as i32);
            let shown = (value * f).round() / f;
            thresholds.iter().all(|&t| verdict(shown, t) == verdict(value, t))
        })
        .unwrap_or(4.max(min))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_that_decide() {
        // 8.182 / 8.224 = 99,4893…%: "99,5" would read as met.
        let v = 8182.0 / 8224.0 * 100.0;
        assert_eq!(decisive_decimals(v, &[99.5], CmpOp::Ge, 1), 2);
        assert_eq!(crate::text::number(v, 2), "99,49");
        // 8.183 / 8.224 = 99,5014…%: "99,5" is met, and so is the value.
        assert_eq!(decisive_decimals(8183.0 / 8224.0 * 100.0, &[99.5], CmpOp::Ge, 1), 1);
        // Exactly on the target, floating-point noise aside.
        assert_eq!(decisive_decimals(199.0 / 200.0 * 100.0, &[99.5], CmpOp::Ge, 1), 1);
        assert_eq!(decisive_decimals(42.0, &[50.0], CmpOp::Ge, 1), 1);
        // "= 100%": 99,96% must not read as 100%.
        assert_eq!(decisive_decimals(99.96, &[100.0], CmpOp::Eq, 1), 2);
    }

    #[test]
    fn numeric_progress() {
        // baseline 40 in 2021, target 50 in 2025; in 2023 (half way) the path is at 45.
        let p = numeric(Direction::Increase, Some(46.0), 50.0, Some(40.0), 0.5);
        assert_eq!(p.status, ProgressStatus::OnTrack);
        assert!((p.gap.unwrap() - 4.0).abs() < 1e-9);
        assert_eq!(
            numeric(Direction::Increase, Some(44.0), 50.0, Some(40.0), 0.5).status,
            ProgressStatus::Behind
        );
        assert_eq!(
            numeric(Direction::Increase, Some(50.0), 50.0, Some(40.0), 0.5).status,
            ProgressStatus::Achieved
        );
        assert_eq!(
            numeric(Direction::Increase, None, 50.0, Some(40.0), 0.5).status,
            ProgressStatus::NoData
        );
        // without a baseline a value short of the target is behind
        assert_eq!(
            numeric(Direction::Increase, Some(49.0), 50.0, None, 0.5).status,
            ProgressStatus::Behind
        );
        // lower is better
        assert_eq!(
            numeric(Direction::Decrease, Some(4.0), 5.0, Some(9.0), 0.5).status,
            ProgressStatus::Achieved
        );
        assert_eq!(
            numeric(Direction::Decrease, Some(6.0), 5.0, Some(9.0), 0.5).status,
            ProgressStatus::OnTrack
        );
    }
}
