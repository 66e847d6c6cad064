//! Progress of an indicator value against its target.

use serde::Serialize;

use crate::plan::{Direction, Indicator, TargetValue};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProgressStatus {
    /// The target is reached.
    Achieved,
    /// Not reached, but at or beyond the straight path from the baseline.
    OnTrack,
    Behind,
    NoData,
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

#[cfg(test)]
mod tests {
    use super::*;

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
