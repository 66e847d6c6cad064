//! Plan units and the register: which administrative unit a plan's unit
//! stands for, and whether it still exists in a year.
//!
//! A plan names units by its own codes and gives their GSO code; since GSO
//! codes were reused, the GSO code is read on the plan unit's first day (or
//! the plan's date when the unit has none): plan 56/KH-UBND of 2022 means
//! Trúc Bạch by 00004, never Phường Ba Đình.

use super::register::Register;
use super::types::{UnitKey, jan1};
use crate::plan::{OrgUnit, Plan};

/// The register unit `unit` of `plan` stands for, if it has a GSO code the
/// register knows on that day.
pub fn register_key(register: &Register, plan: &Plan, unit: &OrgUnit) -> Option<UnitKey> {
    let code = unit.gso_code.as_deref()?;
    let day = unit.valid_from.unwrap_or(plan.info.date);
    register.find(code, day).map(|u| u.key.clone())
}

/// Whether `unit` can report for `year`: the plan counts it (it exists on
/// 1 January in the plan) and, when it stands for an administrative unit,
/// that unit still exists on 1 January — so Trúc Bạch, abolished on
/// 1/7/2025, cannot report for 2026 even though the 2022 plan never said so.
/// Units without a GSO code (offices, learning centres) follow the plan.
pub fn reports_in(register: &Register, plan: &Plan, unit: &OrgUnit, year: i32) -> bool {
    if !unit.active_in(year) {
        return false;
    }
    match (unit.gso_code.as_deref(), register_key(register, plan, unit)) {
        (None, _) => true,
        (Some(_), Some(key)) => register.unit(&key).is_some_and(|u| u.active_in(year)),
        (Some(_), None) => true, // unknown to the register: the plan decides
    }
}

/// The plan unit that stands for `key` and reports for `year`, if any: how
/// carried figures find a source's approved roll-ups.
pub fn plan_unit_for<'p>(register: &Register, plan: &'p Plan, key: &UnitKey, year: i32) -> Option<&'p OrgUnit> {
    jan1(year)?;
    plan.org_units.iter().find(|u| {
        u.gso_code.as_deref() == Some(key.code.as_str())
            && register_key(register, plan, u).as_ref() == Some(key)
            && reports_in(register, plan, u, year)
    })
}

/// The successors a unit that can no longer report went to (for the
/// message that refuses its form: "Phường Trúc Bạch nay thuộc Phường Ba Đình").
pub fn successor_names(register: &Register, key: &UnitKey) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![key.clone()];
    while let Some(k) = stack.pop() {
        for l in register.successors(&k) {
            match register.unit(&l.to) {
                Some(u) if u.valid_to.is_none() => out.push(u.name.clone()),
                Some(_) if out.len() < 32 => stack.push(l.to.clone()),
                _ => {}
            }
        }
    }
    out.sort();
    out.dedup();
    out
}
