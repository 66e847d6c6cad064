//! Figures carried across the 2025 change of map, two ways: a successor's
//! years before its own plan, estimated from its predecessors' approved
//! roll-ups under the plan it continues; and an old plan's years re-cut to
//! today's units. Each source is weighted by the share of population it
//! gave ("ước tính theo tỷ lệ dân số"). The arithmetic is
//! `domain::units::carry`; this reads the roll-ups.

use xhht_domain::indicator::Rollup;
use xhht_domain::plan::{Indicator, OrgUnit};
use xhht_domain::units::{
    EstimatedValue, POPULATION, SourceUse, UnitKey, carry_rollup, plan_unit_for, register_key, sources,
};
use xhht_storage::StorageError;

use crate::state::{AppState, PlanSlot};

/// One year of one indicator, carried.
pub struct CarriedYear {
    pub year: i32,
    pub value: EstimatedValue,
}

/// The plan this one continues, when it is installed.
pub fn predecessor(state: &AppState) -> Option<&PlanSlot> {
    let code = state.plan.info.predecessor.as_deref()?;
    state.plans.iter().find(|s| s.entry.code == code)
}

/// The years before this plan that its predecessor covers.
pub fn carried_years(state: &AppState) -> Vec<i32> {
    let Some(pred) = predecessor(state) else {
        return Vec::new();
    };
    let first = state.plan.reporting.first_year;
    pred.plan.entry_years().filter(|y| *y < first).collect()
}

/// `indicator` of `unit` for every carried year (empty when the plan
/// continues none, the register is not loaded, or the unit is not in it).
pub async fn history(
    state: &AppState,
    unit: &OrgUnit,
    indicator: &Indicator,
) -> Result<Vec<CarriedYear>, StorageError> {
    let (Some(pred), Some(register)) = (predecessor(state), state.register.as_ref().as_ref()) else {
        return Ok(Vec::new());
    };
    let Some(key) = register_key(register, &state.plan, unit) else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for year in carried_years(state) {
        let found = sources(register, &key, year, POPULATION);
        let codes: Vec<String> = found
            .found
            .iter()
            .filter_map(|s| plan_unit_for(register, &pred.plan, &s.unit, year).map(|u| u.code.clone()))
            .collect();
        let refs: Vec<&str> = codes.iter().map(String::as_str).collect();
        let rollups = pred.store.rollups_for_areas(&refs, year).await?;
        let rollup_of = |k: &UnitKey| -> Option<Rollup> {
            let u = plan_unit_for(register, &pred.plan, k, year)?;
            rollups.get(&(u.code.clone(), indicator.code.clone())).cloned()
        };
        let carried = carry_rollup(register, &found, rollup_of);
        let expected = carried.used.len() + carried.missing.len();
        out.push(CarriedYear {
            year,
            value: carried.value(indicator, &unit.code, year, expected),
        });
    }
    Ok(out)
}

/// "Trúc Bạch 100%, Ngọc Hà 40% (ước tính)": the shares used, in words.
pub fn shares_text(shares: &[SourceUse]) -> String {
    shares
        .iter()
        .map(|s| {
            let how = match s.share_source {
                xhht_domain::units::ShareSource::Estimated => " (ước tính)",
                _ => "",
            };
            format!("{} {}%{how}", s.name, xhht_domain::text::number(s.share * 100.0, 0))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Names of the predecessors no loaded plan covers (their figures are not in).
pub fn missing_text(missing: &[SourceUse]) -> String {
    missing.iter().map(|s| s.name.clone()).collect::<Vec<_>>().join(", ")
}

/// One of today's units, with `indicator` for a past year re-cut from the
/// plan's own approved roll-ups (the "re-cut to today's units" view).
pub struct Recut {
    pub name: String,
    pub value: EstimatedValue,
}

/// Today's units that took in any of this plan's units, each with its
/// share-weighted `indicator` for `year` from this plan's approved figures
/// (empty when the register is not loaded or nothing changed since).
pub async fn recut(state: &AppState, indicator: &Indicator, year: i32) -> Result<Vec<Recut>, StorageError> {
    let Some(register) = state.register.as_ref().as_ref() else {
        return Ok(Vec::new());
    };
    let plan = &state.plan;
    let own: Vec<UnitKey> = plan
        .org_units
        .iter()
        .filter_map(|u| register_key(register, plan, u))
        .collect();
    let mut today: Vec<UnitKey> = Vec::new();
    for key in &own {
        for k in current_successors(register, key) {
            if !today.contains(&k) && !own.contains(&k) {
                today.push(k);
            }
        }
    }
    let mut out = Vec::new();
    for target in today {
        let found = sources(register, &target, year, POPULATION);
        let codes: Vec<String> = found
            .found
            .iter()
            .filter_map(|s| plan_unit_for(register, plan, &s.unit, year).map(|u| u.code.clone()))
            .collect();
        if codes.is_empty() {
            continue;
        }
        let refs: Vec<&str> = codes.iter().map(String::as_str).collect();
        let rollups = state.store.rollups_for_areas(&refs, year).await?;
        let rollup_of = |k: &UnitKey| -> Option<Rollup> {
            let u = plan_unit_for(register, plan, k, year)?;
            rollups.get(&(u.code.clone(), indicator.code.clone())).cloned()
        };
        let carried = carry_rollup(register, &found, rollup_of);
        let expected = carried.used.len() + carried.missing.len();
        out.push(Recut {
            name: register
                .unit(&target)
                .map_or_else(|| target.code.clone(), |u| u.name.clone()),
            value: carried.value(indicator, &target.code, year, expected),
        });
    }
    out.sort_by_cached_key(|r| xhht_domain::text::sort_key(&r.name));
    Ok(out)
}

/// The units `key` went into that still exist (following later changes).
fn current_successors(register: &xhht_domain::units::Register, key: &UnitKey) -> Vec<UnitKey> {
    let mut out = Vec::new();
    let mut stack = vec![key.clone()];
    let mut seen = 0;
    while let Some(k) = stack.pop() {
        seen += 1;
        if seen > 256 {
            break;
        }
        for l in register.successors(&k) {
            match register.unit(&l.to) {
                Some(u) if u.valid_to.is_none() => out.push(l.to.clone()),
                Some(_) => stack.push(l.to.clone()),
                None => {}
            }
        }
    }
    out
}
