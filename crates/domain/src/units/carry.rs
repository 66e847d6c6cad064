//! History carried across a change of map: a unit's figures for a year in
//! which it did not exist (or had another shape), from the units that did
//! exist then, each weighted by the share of it the unit took.
//!
//! Counts scale by the share; ratios scale numerator and denominator and
//! divide once (never an average of ratios), through the indicator engine's
//! own [`Rollup`]; statuses and yes/no values do not split — the weakest of
//! the parts is kept, as an area keeps a standard only as far as all its
//! parts do; reported percentages cannot be re-weighted without their parts,
//! so they carry only from a single whole source. Nothing reported is
//! changed: this is a view, so a new share changes the view, not the record.

use std::collections::BTreeMap;

use serde::Serialize;

use super::register::Register;
use super::types::{ShareSource, UnitKey, jan1};
use crate::indicator::{IndicatorValue, Rollup};
use crate::plan::{Indicator, Plan, ValueType};
use crate::values::{DataValue, UnitValues};

/// A unit that existed in the year, and how much of it the target took.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Source {
    pub unit: UnitKey,
    /// Product of the shares along the way (summed over ways).
    pub share: f64,
    /// The least certain share on the way.
    pub share_source: ShareSource,
    /// From the target back to this unit (Ba Đình ← Trúc Bạch ← Nguyễn Trung Trực).
    pub path: Vec<UnitKey>,
}

/// Where a unit's figures for a year come from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sources {
    pub target: UnitKey,
    pub year: i32,
    pub measure: String,
    pub found: Vec<Source>,
    /// Partial links without a share for the measure: (from, to).
    pub no_share: Vec<(UnitKey, UnitKey)>,
}

impl Sources {
    /// True when the figures are simply the target's own report.
    pub fn is_own(&self) -> bool {
        self.no_share.is_empty() && matches!(self.found.as_slice(), [s] if s.unit == self.target && s.share == 1.0)
    }
}

/// The units that existed on 1 January of `year` and make up `target`
/// (as it is, or was, at its start), with their composed shares of
/// `measure`. Walks back through links that took effect after that day, so
/// a chain (Nguyễn Trung Trực → Trúc Bạch on 1/1/2025 → Phường Ba Đình on
/// 1/7/2025) multiplies its shares, and a unit that existed then and later
/// absorbed another brings that one too for earlier years.
pub fn sources(register: &Register, target: &UnitKey, year: i32, measure: &str) -> Sources {
    let mut out = Sources {
        target: target.clone(),
        year,
        measure: measure.to_string(),
        found: Vec::new(),
        no_share: Vec::new(),
    };
    let Some(day) = jan1(year) else { return out };
    let mut found: BTreeMap<UnitKey, Source> = BTreeMap::new();
    let mut stack = vec![(target.clone(), 1.0, ShareSource::Whole, vec![target.clone()])];
    while let Some((key, share, how, path)) = stack.pop() {
        if path.len() > 16 {
            continue; // links go forward in time; this only guards bad data
        }
        if register.unit(&key).is_some_and(|u| u.exists_on(day)) {
            found
                .entry(key.clone())
                .and_modify(|s| {
                    s.share += share;
                    s.share_source = s.share_source.weaker(how);
                })
                .or_insert_with(|| Source {
                    unit: key.clone(),
                    share,
                    share_source: how,
                    path: path.clone(),
                });
        }
        for link in register.predecessors(&key).filter(|l| l.effective > day) {
            match link.share(measure) {
                Some((s, _)) if s <= 0.0 => {}
                Some((s, src)) => {
                    let mut p = path.clone();
                    p.push(link.from.clone());
                    stack.push((link.from.clone(), share * s, how.weaker(src), p));
                }
                None => out.no_share.push((link.from.clone(), link.to.clone())),
            }
        }
    }
    out.found = found.into_values().collect();
    out
}

/// A source as shown with an estimate.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SourceUse {
    pub code: String,
    pub valid_from: Option<chrono::NaiveDate>,
    pub name: String,
    pub share: f64,
    pub share_source: ShareSource,
}

fn source_use(register: &Register, s: &Source) -> SourceUse {
    SourceUse {
        code: s.unit.code.clone(),
        valid_from: s.unit.valid_from,
        name: register.unit(&s.unit).map_or_else(String::new, |u| u.name.clone()),
        share: s.share,
        share_source: s.share_source,
    }
}

/// An indicator's roll-up carried onto a unit.
#[derive(Debug, Clone, PartialEq)]
pub struct CarriedRollup {
    pub rollup: Rollup,
    pub estimated: bool,
    pub used: Vec<SourceUse>,
    /// Sources with no approved figures (e.g. a ward no loaded plan covers).
    pub missing: Vec<SourceUse>,
}

/// An indicator value with where it came from; `estimated` is false only
/// for a unit's own report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EstimatedValue {
    #[serde(flatten)]
    pub value: IndicatorValue,
    pub estimated: bool,
    pub shares: Vec<SourceUse>,
    pub missing: Vec<SourceUse>,
}

/// Sums the sources' roll-ups (as the engine sums units), each scaled by
/// its share. `rollup_of` gives a source's approved roll-up for the year, or
/// `None` when nothing approved covers it.
pub fn carry_rollup(
    register: &Register,
    sources: &Sources,
    rollup_of: impl Fn(&UnitKey) -> Option<Rollup>,
) -> CarriedRollup {
    let mut out = CarriedRollup {
        rollup: Rollup::default(),
        estimated: !sources.is_own(),
        used: Vec::new(),
        missing: Vec::new(),
    };
    for s in &sources.found {
        match rollup_of(&s.unit).filter(|r| r.counted > 0) {
            Some(r) => {
                out.rollup.add_share(&r, s.share);
                out.used.push(source_use(register, s));
            }
            None => out.missing.push(source_use(register, s)),
        }
    }
    out
}

impl CarriedRollup {
    pub fn value(&self, indicator: &Indicator, unit: &str, year: i32, expected: usize) -> EstimatedValue {
        EstimatedValue {
            value: self.rollup.value(indicator, unit, year, expected),
            estimated: self.estimated,
            shares: self.used.clone(),
            missing: self.missing.clone(),
        }
    }
}

/// A unit's element values carried from its sources.
#[derive(Debug, Clone, PartialEq)]
pub struct CarriedValues {
    pub values: UnitValues,
    pub estimated: bool,
    /// Elements some sources have and others lack, or percentages from
    /// several sources: shown as "not comparable", not guessed.
    pub not_comparable: Vec<String>,
    pub used: Vec<SourceUse>,
    pub missing: Vec<SourceUse>,
}

/// Carries element values: counts Σ share × value; yes/no and statuses the
/// weakest among the sources; a percentage only from one source taken
/// whole; text never (it speaks for the unit that wrote it).
pub fn carry_values<'v>(
    register: &Register,
    plan: &Plan,
    sources: &Sources,
    values_of: impl Fn(&UnitKey) -> Option<&'v UnitValues>,
) -> CarriedValues {
    let mut out = CarriedValues {
        values: UnitValues::new(),
        estimated: !sources.is_own(),
        not_comparable: Vec::new(),
        used: Vec::new(),
        missing: Vec::new(),
    };
    let mut with_data: Vec<(f64, &UnitValues)> = Vec::new();
    for s in &sources.found {
        match values_of(&s.unit).filter(|v| !v.is_empty()) {
            Some(v) => {
                with_data.push((s.share, v));
                out.used.push(source_use(register, s));
            }
            None => out.missing.push(source_use(register, s)),
        }
    }
    for e in &plan.data_elements {
        let got: Vec<(f64, &DataValue)> = with_data
            .iter()
            .filter_map(|(s, v)| v.get(&e.code).map(|d| (*s, d)))
            .collect();
        if got.is_empty() || e.value_type == ValueType::Text {
            continue;
        }
        let carried = if got.len() < with_data.len() {
            None
        } else {
            carry_one(e, &got)
        };
        match carried {
            Some(v) => {
                out.values.insert(e.code.clone(), v);
            }
            None => out.not_comparable.push(e.code.clone()),
        }
    }
    out
}

fn carry_one(e: &crate::plan::DataElement, got: &[(f64, &DataValue)]) -> Option<DataValue> {
    match e.value_type {
        ValueType::Count => got
            .iter()
            .map(|(s, v)| match v {
                DataValue::Number(n) => Some(s * n),
                _ => None,
            })
            .sum::<Option<f64>>()
            .map(DataValue::Number),
        ValueType::Percentage => match got {
            [(s, v @ DataValue::Number(_))] if *s == 1.0 => Some((*v).clone()),
            _ => None,
        },
        ValueType::YesNo => got
            .iter()
            .map(|(_, v)| match v {
                DataValue::Bool(b) => Some(*b),
                _ => None,
            })
            .collect::<Option<Vec<bool>>>()
            .map(|bs| DataValue::Bool(bs.iter().all(|b| *b))),
        ValueType::Status => got
            .iter()
            .map(|(_, v)| match v {
                DataValue::Status(s) => e.option_rank(s).map(|r| (r, s)),
                _ => None,
            })
            .collect::<Option<Vec<_>>>()
            .and_then(|ranked| ranked.into_iter().min_by_key(|(r, _)| *r))
            .map(|(_, s)| DataValue::Status(s.clone())),
        ValueType::Text => None,
    }
}
