//! Indicator values for pages, the API and documents, read from the roll-ups
//! that each approval updates in its own transaction: no batch job and no
//! cache, so an approval shows at the next page load, and a nation-sized area
//! costs a few rows per indicator. Shared by the features; imports none.

pub mod carried;
mod charts;
mod compare;
pub mod shape;

pub use charts::{line_chart, unit_of};
pub use compare::{UnitLine, compared_units, unit_lines};

use std::collections::HashMap;
use std::ops::RangeInclusive;

use xhht_domain::indicator::{self, Assessment, Hierarchy, IndicatorValue, Progress};
use xhht_domain::plan::{Indicator, Plan, Target};
use xhht_storage::StorageError;

use crate::state::AppState;

/// How many units each indicator expects below `unit` in `year` (from the
/// plan alone, so it is computed once per area and year and kept).
pub fn expected(state: &AppState, year: i32, unit: &str) -> Vec<usize> {
    let key = (year, unit.to_string());
    if let Some(v) = state.expected.lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
        return v.clone();
    }
    let plan = &state.plan;
    let tree = Hierarchy::new(plan, year);
    let subtree = tree.subtree(unit);
    let counts: Vec<usize> = plan
        .indicators
        .iter()
        .map(|ind| subtree.iter().filter(|u| indicator::expects(plan, ind, u)).count())
        .collect();
    state
        .expected
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(key, counts.clone());
    counts
}

/// Every indicator of `unit` for each year of `years`: indicator index →
/// values in year order.
pub async fn series(
    state: &AppState,
    unit: &str,
    years: RangeInclusive<i32>,
) -> Result<Vec<Vec<IndicatorValue>>, StorageError> {
    let plan = &state.plan;
    let rollups = state.store.rollups(unit, years.clone()).await?;
    let expected: HashMap<i32, Vec<usize>> = years.clone().map(|y| (y, expected(state, y, unit))).collect();
    Ok(plan
        .indicators
        .iter()
        .enumerate()
        .map(|(i, ind)| {
            years
                .clone()
                .map(|y| {
                    let r = rollups
                        .get(&ind.code)
                        .and_then(|by_year| by_year.get(&y))
                        .cloned()
                        .unwrap_or_default();
                    r.value(ind, unit, y, expected[&y][i])
                })
                .collect()
        })
        .collect())
}

/// An indicator's value in a year, with the target it is measured against.
pub struct Assessed<'a> {
    pub indicator: &'a Indicator,
    pub value: IndicatorValue,
    /// The next milestone's target from this year on.
    pub target: Option<&'a Target>,
    pub progress: Progress,
}

/// Every indicator of `unit` in `year`, assessed against the next target
/// from the plan's baseline.
pub async fn assess_all<'a>(state: &'a AppState, year: i32, unit: &str) -> Result<Vec<Assessed<'a>>, StorageError> {
    let plan: &'a Plan = &state.plan;
    let base_year = plan.reporting.baseline_year;
    let from = base_year.min(year);
    let all = series(state, unit, from..=year).await?;
    let at = |v: &Vec<IndicatorValue>, y: i32| v[usize::try_from(y - from).unwrap_or(0)].clone();
    Ok(plan
        .indicators
        .iter()
        .zip(&all)
        .map(|(ind, values)| {
            let value = at(values, year);
            let base = at(values, base_year.max(from));
            Assessed {
                indicator: ind,
                progress: progress_of(plan, ind, &value, base.value, year).progress(),
                target: target_for(plan, &ind.code, year),
                value,
            }
        })
        .collect())
}

/// Where a value stands as the plan means its targets ([`indicator::assess`]):
/// floors every year, a verdict at the target year, "tạm tính" without a
/// verdict below the plan's coverage, "không áp dụng" where the target does
/// not concern the unit. `baseline` is the unit's value of the baseline year.
/// The assessment also says with how many decimals to show the value so the
/// status reads from the figure shown.
pub fn progress_of(plan: &Plan, ind: &Indicator, v: &IndicatorValue, baseline: Option<f64>, year: i32) -> Assessment {
    debug_assert_eq!(v.year, year, "a value is judged in its own year");
    indicator::assess(plan, ind, v, baseline)
}

/// The plan's milestone years (one column per milestone on pages): the
/// plan's own rule, [`Plan::milestone_years`].
pub fn milestone_years(plan: &Plan) -> Vec<i32> {
    plan.milestone_years()
}

/// The first target at or after `year`, else the last one.
pub fn target_for<'a>(plan: &'a Plan, indicator: &str, year: i32) -> Option<&'a Target> {
    let mut targets: Vec<&Target> = plan.targets_for(indicator).collect();
    targets.sort_by_key(|t| t.year);
    targets.iter().find(|t| t.year >= year).or(targets.last()).copied()
}

/// How many of the year's expected reports are approved.
pub struct Coverage {
    pub approved: usize,
    pub expected: usize,
}

pub async fn coverage(state: &AppState, year: i32) -> Result<Coverage, StorageError> {
    let plan = &state.plan;
    let expected: std::collections::HashSet<&str> = plan
        .units_in(year)
        .filter(|u| plan.is_reporting_unit(u))
        .map(|u| u.code.as_str())
        .collect();
    let approved = state.store.approved_report_units(year).await?;
    let approved = approved.iter().filter(|u| expected.contains(u.as_str())).count();
    Ok(Coverage {
        approved,
        expected: expected.len(),
    })
}

/// The latest year whose reports are all approved, else the latest with any
/// approved report, else the plan's first year.
pub async fn default_year(state: &AppState) -> Result<i32, StorageError> {
    let r = &state.plan.reporting;
    let mut any = None;
    for year in (r.first_year..=r.last_year).rev() {
        let c = coverage(state, year).await?;
        if c.expected > 0 && c.approved == c.expected {
            return Ok(year);
        }
        if c.approved > 0 && any.is_none() {
            any = Some(year);
        }
    }
    Ok(any.unwrap_or(r.first_year))
}

/// The years a page offers: the plan's first year up to the latest year
/// with any report (and at least `year` and, with `include_current`, the
/// reporting year in progress).
pub async fn years_offered(state: &AppState, year: i32, include_current: bool) -> Vec<i32> {
    let r = &state.plan.reporting;
    let mut last = state
        .store
        .latest_report_year()
        .await
        .ok()
        .flatten()
        .unwrap_or(r.first_year)
        .max(year);
    if include_current {
        last = last.max(crate::calendar::current_year(&state.plan));
    }
    (r.first_year..=last.clamp(r.first_year, r.last_year)).collect()
}
