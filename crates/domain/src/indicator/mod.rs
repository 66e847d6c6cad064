//! Indicator computation over a hierarchy of org units.
//!
//! Ratios are computed from numerators and denominators summed over every
//! reporting unit of the subtree, then divided once: never an average of the
//! units' ratios (which would weigh a small ward like a large one).

mod hierarchy;
mod progress;

pub use hierarchy::Hierarchy;
pub use progress::{Progress, ProgressStatus, progress};

use serde::Serialize;

use crate::formula::{self, Expr, Value};
use crate::plan::{Indicator, IndicatorKind, OrgUnit, Plan, UnitType};
use crate::values::{DataValue, UnitEnv, YearValues};

/// The value of one indicator for one org unit and year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndicatorValue {
    pub indicator: String,
    pub org_unit: String,
    pub year: i32,
    /// Numeric result (percent for ratios with scale 100 and for shares).
    pub value: Option<f64>,
    /// Status option code, for status indicators.
    pub status: Option<String>,
    pub numerator: Option<f64>,
    pub denominator: Option<f64>,
    /// Units whose data entered the result, of those expected to report.
    pub units_counted: usize,
    pub units_expected: usize,
}

impl IndicatorValue {
    pub fn has_data(&self) -> bool {
        self.value.is_some() || self.status.is_some()
    }
}

/// Inputs of a computation: the plan, the org-unit tree of the year, and the
/// values of that year and the one before (for `prev`).
pub struct Inputs<'a> {
    pub plan: &'a Plan,
    pub tree: &'a Hierarchy<'a>,
    pub year: i32,
    pub values: &'a YearValues,
    pub prev: Option<&'a YearValues>,
}

impl Inputs<'_> {
    fn env<'b>(&'b self, unit: &str) -> UnitEnv<'b> {
        UnitEnv {
            plan: self.plan,
            this: self.values.unit(unit),
            prev: self.prev.and_then(|p| p.unit(unit)),
        }
    }
}

/// Computes every indicator of the plan for `unit`.
pub fn compute_all(inputs: &Inputs, unit: &str) -> Vec<IndicatorValue> {
    inputs
        .plan
        .indicators
        .iter()
        .map(|i| compute(inputs, i, unit))
        .collect()
}

/// Computes one indicator for the subtree rooted at `unit`.
pub fn compute(inputs: &Inputs, indicator: &Indicator, unit: &str) -> IndicatorValue {
    let mut out = IndicatorValue {
        indicator: indicator.code.clone(),
        org_unit: unit.to_string(),
        year: inputs.year,
        value: None,
        status: None,
        numerator: None,
        denominator: None,
        units_counted: 0,
        units_expected: 0,
    };
    let subtree = inputs.tree.subtree(unit);
    match &indicator.kind {
        IndicatorKind::Ratio {
            numerator,
            denominator,
            scale,
        } => ratio(inputs, &subtree, &numerator.expr, &denominator.expr, *scale, &mut out),
        IndicatorKind::Share { unit_type, condition } => {
            share(inputs, &subtree, *unit_type, &condition.expr, &mut out);
        }
        IndicatorKind::StatusDerived {
            unit_type,
            condition,
            at_least,
            met,
            not_met,
        } => {
            if let Some(pct) = share(inputs, &subtree, *unit_type, &condition.expr, &mut out) {
                out.status = Some(if pct + 1e-9 >= *at_least {
                    met.clone()
                } else {
                    not_met.clone()
                });
            }
        }
        IndicatorKind::StatusElement { element } => status_element(inputs, indicator, &subtree, element, &mut out),
    }
    out
}

fn ratio(inputs: &Inputs, subtree: &[&OrgUnit], num: &Expr, den: &Expr, scale: f64, out: &mut IndicatorValue) {
    let codes: Vec<&str> = num.element_codes().into_iter().chain(den.element_codes()).collect();
    let (mut n_sum, mut d_sum) = (0.0, 0.0);
    for unit in subtree {
        let reports_all = codes
            .iter()
            .all(|c| inputs.plan.element(c).is_some_and(|e| e.reported_by_unit(unit)));
        if !reports_all {
            continue;
        }
        out.units_expected += 1;
        let env = inputs.env(&unit.code);
        // A unit counts only with both parts, so numerator and denominator stay paired.
        if let (Some(Value::Number(n)), Some(Value::Number(d))) = (formula::eval(num, &env), formula::eval(den, &env)) {
            n_sum += n;
            d_sum += d;
            out.units_counted += 1;
        }
    }
    if out.units_counted > 0 {
        out.numerator = Some(n_sum);
        out.denominator = Some(d_sum);
        out.value = (d_sum != 0.0).then(|| n_sum / d_sum * scale);
    }
}

/// Share (in %) of the units of `unit_type` meeting `condition`; returns it.
fn share(
    inputs: &Inputs,
    subtree: &[&OrgUnit],
    unit_type: UnitType,
    condition: &Expr,
    out: &mut IndicatorValue,
) -> Option<f64> {
    let mut met = 0usize;
    for unit in subtree.iter().filter(|u| u.unit_type == unit_type) {
        out.units_expected += 1;
        if let Some(Value::Bool(b)) = formula::eval(condition, &inputs.env(&unit.code)) {
            out.units_counted += 1;
            met += usize::from(b);
        }
    }
    if out.units_counted == 0 {
        return None;
    }
    let pct = met as f64 / out.units_counted as f64 * 100.0;
    out.numerator = Some(met as f64);
    out.denominator = Some(out.units_counted as f64);
    out.value = Some(pct);
    Some(pct)
}

/// The status of the reporting units of the subtree: the weakest one, since
/// an area keeps a standard only as far as every unit reporting it does.
fn status_element(
    inputs: &Inputs,
    indicator: &Indicator,
    subtree: &[&OrgUnit],
    element: &str,
    out: &mut IndicatorValue,
) {
    let Some(el) = inputs.plan.element(element) else {
        return;
    };
    let mut worst: Option<usize> = None;
    for unit in subtree.iter().filter(|u| el.reported_by_unit(u)) {
        out.units_expected += 1;
        let rank = match inputs.values.get(&unit.code, element) {
            Some(DataValue::Bool(b)) => Some(usize::from(*b)),
            Some(DataValue::Status(s)) => indicator.option_rank(s),
            _ => None,
        };
        if let Some(r) = rank {
            out.units_counted += 1;
            worst = Some(worst.map_or(r, |w| w.min(r)));
        }
    }
    out.status = worst.map(|r| indicator.options[r].code.clone());
}

#[cfg(test)]
mod tests;
