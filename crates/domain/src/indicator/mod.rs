//! Indicator computation over a hierarchy of org units.
//!
//! Ratios are computed from numerators and denominators summed over every
//! reporting unit of the subtree, then divided once: never an average of the
//! units' ratios (which would weigh a small ward like a large one).

mod hierarchy;
mod progress;

pub use hierarchy::{Hierarchy, active_parent, areas_of};
pub use progress::{Assessment, Progress, ProgressStatus, assess, decisive_decimals, progress};

use serde::Serialize;

use crate::formula::{self, Value};
use crate::plan::{Indicator, IndicatorKind, OrgUnit, Plan};
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

/// Computes one indicator for the subtree rooted at `unit`: the sum of the
/// contributions of every unit below it, read once at the end.
pub fn compute(inputs: &Inputs, indicator: &Indicator, unit: &str) -> IndicatorValue {
    let mut total = Rollup::default();
    let mut expected = 0;
    for u in inputs.tree.subtree(unit) {
        if let Some(c) = contribution(inputs.plan, indicator, u, &inputs.env(&u.code)) {
            expected += 1;
            total.add(&c, 1);
        }
    }
    total.value(indicator, unit, inputs.year, expected)
}

/// Whether `unit` is one of the units an indicator counts (whether or not it
/// has data yet).
pub fn expects(plan: &Plan, indicator: &Indicator, unit: &OrgUnit) -> bool {
    let reports_all = |codes: &[&str]| {
        codes
            .iter()
            .all(|c| plan.element(c).is_some_and(|e| e.reported_by_unit(unit)))
    };
    match &indicator.kind {
        IndicatorKind::Ratio {
            numerator, denominator, ..
        } => {
            let codes: Vec<&str> = numerator
                .expr
                .element_codes()
                .into_iter()
                .chain(denominator.expr.element_codes())
                .collect();
            reports_all(&codes)
        }
        IndicatorKind::Share { unit_type, .. } | IndicatorKind::StatusDerived { unit_type, .. } => {
            unit.unit_type == *unit_type
        }
        IndicatorKind::StatusElement { element } => reports_all(&[element.as_str()]),
    }
}

/// What one unit adds to an indicator of every area above it.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Contribution {
    pub numerator: f64,
    pub denominator: f64,
    /// 1 when the unit's data entered the result.
    pub counted: i64,
    /// For status read from an element: the unit's option rank.
    pub rank: Option<usize>,
}

/// The unit's own contribution, or `None` if the indicator does not count it.
/// A unit counts in a ratio only with both parts, so numerator and
/// denominator stay paired; in a share it adds 1 to the denominator and 1 to
/// the numerator when its condition holds.
pub fn contribution(plan: &Plan, indicator: &Indicator, unit: &OrgUnit, env: &UnitEnv) -> Option<Contribution> {
    if !expects(plan, indicator, unit) {
        return None;
    }
    let mut c = Contribution::default();
    match &indicator.kind {
        IndicatorKind::Ratio {
            numerator, denominator, ..
        } => {
            if let (Some(Value::Number(n)), Some(Value::Number(d))) = (
                formula::eval(&numerator.expr, env),
                formula::eval(&denominator.expr, env),
            ) {
                c = Contribution {
                    numerator: n,
                    denominator: d,
                    counted: 1,
                    rank: None,
                };
            }
        }
        IndicatorKind::Share { condition, .. } | IndicatorKind::StatusDerived { condition, .. } => {
            if let Some(Value::Bool(b)) = formula::eval(&condition.expr, env) {
                c = Contribution {
                    numerator: f64::from(u8::from(b)),
                    denominator: 1.0,
                    counted: 1,
                    rank: None,
                };
            }
        }
        IndicatorKind::StatusElement { element } => {
            let rank = match env.this.and_then(|v| v.get(element)) {
                Some(DataValue::Bool(b)) => Some(usize::from(*b)),
                Some(DataValue::Status(s)) => indicator.option_rank(s),
                _ => None,
            };
            if let Some(r) = rank {
                c = Contribution {
                    numerator: 0.0,
                    denominator: 0.0,
                    counted: 1,
                    rank: Some(r),
                };
            }
        }
    }
    Some(c)
}

/// The sum of contributions over an area: what the database keeps per
/// (area, indicator, year), updated by the difference at each approval.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Rollup {
    pub numerator: f64,
    pub denominator: f64,
    pub counted: i64,
    /// How many counted units have each status rank.
    pub ranks: Vec<i64>,
}

impl Rollup {
    /// Adds (`sign` = 1) or removes (`sign` = -1) a contribution.
    pub fn add(&mut self, c: &Contribution, sign: i64) {
        self.numerator += c.numerator * sign as f64;
        self.denominator += c.denominator * sign as f64;
        self.counted += c.counted * sign;
        if let Some(r) = c.rank {
            if self.ranks.len() <= r {
                self.ranks.resize(r + 1, 0);
            }
            self.ranks[r] += sign;
        }
    }

    /// Adds `share` of another area's sums: numerator and denominator scale
    /// (so a ratio stays a ratio of sums, never an average of ratios); the
    /// units counted and their status ranks do not split, so a part with any
    /// share brings them whole (the weakest status stays the weakest).
    pub fn add_share(&mut self, other: &Rollup, share: f64) {
        if share <= 0.0 {
            return;
        }
        self.numerator += other.numerator * share;
        self.denominator += other.denominator * share;
        self.counted += other.counted;
        if self.ranks.len() < other.ranks.len() {
            self.ranks.resize(other.ranks.len(), 0);
        }
        for (mine, theirs) in self.ranks.iter_mut().zip(&other.ranks) {
            *mine += theirs;
        }
    }

    /// The indicator's value from the sums: divide once; shares in percent;
    /// a derived status by its threshold; a reported status by the weakest
    /// unit (an area keeps a standard only as far as all its units do).
    pub fn value(&self, indicator: &Indicator, unit: &str, year: i32, expected: usize) -> IndicatorValue {
        let mut out = IndicatorValue {
            indicator: indicator.code.clone(),
            org_unit: unit.to_string(),
            year,
            value: None,
            status: None,
            numerator: None,
            denominator: None,
            units_counted: usize::try_from(self.counted).unwrap_or(0),
            units_expected: expected,
        };
        if self.counted <= 0 {
            return out;
        }
        match &indicator.kind {
            IndicatorKind::Ratio { scale, .. } => {
                out.numerator = Some(self.numerator);
                out.denominator = Some(self.denominator);
                out.value = (self.denominator != 0.0).then(|| self.numerator / self.denominator * scale);
            }
            IndicatorKind::Share { .. } | IndicatorKind::StatusDerived { .. } => {
                let pct = self.numerator / self.denominator * 100.0;
                out.numerator = Some(self.numerator);
                out.denominator = Some(self.denominator);
                out.value = Some(pct);
                if let IndicatorKind::StatusDerived {
                    at_least, met, not_met, ..
                } = &indicator.kind
                {
                    out.status = Some(if pct + 1e-9 >= *at_least {
                        met.clone()
                    } else {
                        not_met.clone()
                    });
                }
            }
            IndicatorKind::StatusElement { .. } => {
                let worst = self.ranks.iter().position(|&n| n > 0);
                out.status = worst.and_then(|r| indicator.options.get(r)).map(|o| o.code.clone());
            }
        }
        out
    }
}

#[cfg(test)]
mod tests;
