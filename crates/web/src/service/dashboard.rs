//! View models of the dashboards: the area's targets, one indicator across
//! years and units, one unit against its area, and the comparison grid.

use xhht_charts::{Bar, BarChart, LineChart, Unit, sparkline};
use xhht_domain::indicator::{IndicatorValue, Progress, ProgressStatus, progress};
use xhht_domain::plan::{Direction, Indicator, IndicatorKind, OrgUnit, Plan, TargetValue};
use xhht_domain::text;
use xhht_storage::StorageError;

use super::{expected, series, target_for};
use crate::present::{self, Shown};
use crate::state::AppState;

pub fn unit_of(ind: &Indicator) -> Unit {
    let percent = ind.unit.as_deref() == Some("%") || matches!(ind.kind, IndicatorKind::Share { .. });
    if percent { Unit::Percent } else { Unit::Number }
}

/// Progress of a value in `year` against the next target, from the baseline.
pub fn assess(plan: &Plan, ind: &Indicator, v: &IndicatorValue, baseline: Option<f64>, year: i32) -> Progress {
    let base_year = plan.reporting.baseline_year;
    match target_for(plan, &ind.code, year) {
        Some(t) => {
            let fraction = f64::from(year - base_year) / f64::from((t.year - base_year).max(1));
            progress(ind, v.value, v.status.as_deref(), &t.value, baseline, fraction)
        }
        None => Progress {
            status: ProgressStatus::NoData,
            gap: None,
        },
    }
}

/// How full the progress bar is (0-100), for numeric targets.
pub fn bar_percent(plan: &Plan, ind: &Indicator, v: &IndicatorValue, year: i32) -> Option<u32> {
    let t = target_for(plan, &ind.code, year)?;
    let (TargetValue::Number(t), Some(x)) = (&t.value, v.value) else {
        return None;
    };
    let ratio = match ind.direction {
        Direction::Increase if *t > 0.0 => x / t,
        Direction::Decrease if x > 0.0 => t / x,
        _ => 1.0,
    };
    Some((ratio.clamp(0.0, 1.0) * 100.0).round() as u32)
}

/// One target on the area dashboard.
pub struct TargetRow {
    pub code: String,
    pub number: i64,
    pub name: String,
    pub s: Shown,
    pub target_2025: String,
    pub target_2030: String,
    pub gap: String,
    pub bar: Option<u32>,
    pub spark: String,
}

pub struct TargetGroupRows {
    pub code: String,
    pub name: String,
    pub rows: Vec<TargetRow>,
}

/// Every target of `unit` in `year`, grouped as the plan groups them, with a
/// trend from the plan's first year.
pub async fn target_rows(state: &AppState, unit: &str, year: i32) -> Result<Vec<TargetGroupRows>, StorageError> {
    let plan = &state.plan;
    let first = plan.reporting.first_year.min(year);
    let all = series(state, unit, first..=year).await?;
    let base_i = usize::try_from(plan.reporting.baseline_year - first).unwrap_or(0);
    let mut groups: Vec<TargetGroupRows> = plan
        .target_groups
        .iter()
        .map(|g| TargetGroupRows {
            code: g.code.clone(),
            name: g.name.clone(),
            rows: vec![],
        })
        .collect();
    for (ind, values) in plan.indicators.iter().zip(all) {
        let v = values.last().cloned().expect("at least one year");
        let baseline = values.get(base_i).and_then(|b| b.value);
        let p = assess(plan, ind, &v, baseline, year);
        let target = |y: i32| {
            plan.target(&ind.code, y)
                .map_or_else(|| "—".to_string(), |t| present::target(ind, &t.value))
        };
        let points: Vec<Option<f64>> = values.iter().map(|x| x.value).collect();
        let row = TargetRow {
            code: ind.code.clone(),
            number: ind.number,
            name: ind.name.clone(),
            s: Shown::new(ind, &v, &p),
            target_2025: target(2025),
            target_2030: target(2030),
            gap: present::gap(ind, &p),
            bar: bar_percent(plan, ind, &v, year),
            spark: if ind.is_status() {
                String::new()
            } else {
                sparkline(&points, unit_of(ind), &format!("Xu hướng {first}-{year}"))
            },
        };
        if let Some(g) = groups.iter_mut().find(|g| g.code == ind.group) {
            g.rows.push(row);
        }
    }
    groups.retain(|g| !g.rows.is_empty());
    Ok(groups)
}

/// The units an indicator compares under `area`: its children that count in it.
pub fn compared_units<'a>(state: &'a AppState, ind_index: usize, area: &str, year: i32) -> Vec<&'a OrgUnit> {
    let plan = &state.plan;
    plan.units_in(year)
        .filter(|u| u.parent.as_deref() == Some(area))
        .filter(|u| expected(state, year, &u.code)[ind_index] > 0)
        .collect()
}

/// One unit's line in an indicator's comparison.
pub struct UnitLine {
    pub code: String,
    pub name: String,
    pub value: Option<f64>,
    pub s: Shown,
}

/// The compared units' values of one indicator in `year`, sorted by value
/// (best first) or by Vietnamese alphabetical order.
pub async fn unit_lines(
    state: &AppState,
    ind_index: usize,
    area: &str,
    year: i32,
    by_name: bool,
) -> Result<Vec<UnitLine>, StorageError> {
    let plan = &state.plan;
    let ind = &plan.indicators[ind_index];
    let units = compared_units(state, ind_index, area, year);
    let codes: Vec<&str> = units.iter().map(|u| u.code.as_str()).collect();
    let rollups = state.store.rollups_for_areas(&codes, year).await?;
    let mut lines: Vec<UnitLine> = units
        .iter()
        .map(|u| {
            let r = rollups
                .get(&(u.code.clone(), ind.code.clone()))
                .cloned()
                .unwrap_or_default();
            let v = r.value(ind, &u.code, year, expected(state, year, &u.code)[ind_index]);
            // Without a baseline a unit short of the target reads "behind".
            let p = assess(plan, ind, &v, None, year);
            UnitLine {
                code: u.code.clone(),
                name: u.display_name().to_string(),
                value: v.value,
                s: Shown::new(ind, &v, &p),
            }
        })
        .collect();
    if by_name {
        lines.sort_by_key(|l| text::sort_key(&l.name));
    } else {
        let sign = if ind.direction == Direction::Increase {
            -1.0
        } else {
            1.0
        };
        lines.sort_by(|a, b| {
            let key = |l: &UnitLine| l.value.map_or(f64::INFINITY, |v| v * sign);
            key(a)
                .total_cmp(&key(b))
                .then_with(|| text::sort_key(&a.name).cmp(&text::sort_key(&b.name)))
        });
    }
    Ok(lines)
}

/// The indicator over the plan's years, with its targets.
pub fn line_chart(plan: &Plan, ind: &Indicator, area_name: &str, values: &[IndicatorValue]) -> LineChart {
    let years: Vec<i32> = (plan.reporting.first_year..=plan.reporting.last_year).collect();
    let by_year = |y: i32| values.iter().find(|v| v.year == y).and_then(|v| v.value);
    LineChart {
        title: format!("{} — {area_name}", ind.name),
        y_label: ind.unit.clone().unwrap_or_else(|| "%".into()),
        unit: unit_of(ind),
        values: years.iter().map(|y| by_year(*y)).collect(),
        targets: plan
            .targets_for(&ind.code)
            .filter_map(|t| match t.value {
                TargetValue::Number(n) => Some((t.year, n)),
                TargetValue::Status(_) => None,
            })
            .collect(),
        years,
    }
}

pub fn bar_chart(plan: &Plan, ind: &Indicator, year: i32, lines: &[UnitLine]) -> BarChart {
    BarChart {
        title: format!("{} — năm {year}", ind.name),
        unit: unit_of(ind),
        bars: lines
            .iter()
            .map(|l| Bar {
                label: l.name.clone(),
                value: l.value,
            })
            .collect(),
        target: target_for(plan, &ind.code, year).and_then(|t| match t.value {
            TargetValue::Number(n) => Some(n),
            TargetValue::Status(_) => None,
        }),
    }
}
