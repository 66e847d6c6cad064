//! Charts of figures that pages and the Word report both draw.

use xhht_charts::{LineChart, Unit};
use xhht_domain::indicator::IndicatorValue;
use xhht_domain::plan::{Indicator, IndicatorKind, Plan, TargetValue};

pub fn unit_of(ind: &Indicator) -> Unit {
    let percent = ind.unit.as_deref() == Some("%") || matches!(ind.kind, IndicatorKind::Share { .. });
    if percent { Unit::Percent } else { Unit::Number }
}

/// The indicator over the plan's years, with its targets.
pub fn line_chart(plan: &Plan, ind: &Indicator, area_name: &str, values: &[IndicatorValue]) -> LineChart {
    let years: Vec<i32> = (plan.reporting.first_year..=plan.reporting.last_year).collect();
    let at = |y: i32| values.iter().find(|v| v.year == y);
    let by_year = |y: i32| at(y).and_then(|v| v.value);
    LineChart {
        // Too few units approved: a hollow point, never a verdict.
        provisional: years
            .iter()
            .map(|y| at(*y).is_some_and(|v| v.value.is_some() && plan.is_provisional(v)))
            .collect(),
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
