//! The plan's shape as pages and documents name it: which of the area's
//! units are compared side by side, which units a compiler collects in one
//! sheet, who reviews, and the plan's own words for them. Nothing here
//! assumes wards or an education office.

use xhht_domain::plan::{OrgUnit, Plan, UnitType, ValueType};

use super::expected;
use crate::state::AppState;

/// The type of the area's children that the comparison sets side by side:
/// the one whose units count in the most indicators (ties: more units).
/// Wards of a district; clusters of residential groups in a ward.
pub fn compared_type(state: &AppState, year: i32) -> Option<UnitType> {
    let plan = &state.plan;
    let area = plan.area();
    let mut best: Option<(UnitType, usize, usize)> = None;
    for u in plan
        .units_in(year)
        .filter(|u| u.parent.as_deref() == Some(area.code.as_str()))
    {
        let counted = expected(state, year, &u.code).iter().filter(|n| **n > 0).count();
        if counted == 0 {
            continue;
        }
        let units = plan
            .units_in(year)
            .filter(|o| o.parent == u.parent && o.unit_type == u.unit_type)
            .count();
        if best.is_none_or(|(_, c, n)| (counted, units) > (c, n)) {
            best = Some((u.unit_type, counted, units));
        }
    }
    best.map(|(t, _, _)| t)
}

/// The area's children of the [`compared_type`]: the comparison's rows.
pub fn compared_children(state: &AppState, year: i32) -> Vec<&OrgUnit> {
    let plan = &state.plan;
    let area = plan.area();
    let Some(t) = compared_type(state, year) else {
        return Vec::new();
    };
    plan.units_in(year)
        .filter(|u| u.parent.as_deref() == Some(area.code.as_str()) && u.unit_type == t)
        .collect()
}

/// The units a compiler collects in one sheet: of the units that enter
/// figures, the type with the most cells to fill (units × figures each);
/// the wards of a district, the residential groups of a ward.
pub fn template_units(plan: &Plan, year: i32) -> Vec<&OrgUnit> {
    let figures = |u: &OrgUnit| plan.elements_for(u).filter(|e| e.value_type != ValueType::Text).count();
    let reporting: Vec<(&OrgUnit, usize)> = plan
        .units_in(year)
        .map(|u| (u, figures(u)))
        .filter(|(_, f)| *f > 0)
        .collect();
    // Cells per type in one pass (per unit, it was quadratic: 1.1 s for
    // the review list of 3,356 units), types in order of first appearance.
    let mut cells: Vec<(UnitType, usize)> = Vec::new();
    for (u, f) in &reporting {
        match cells.iter_mut().find(|(t, _)| *t == u.unit_type) {
            Some((_, c)) => *c += f,
            None => cells.push((u.unit_type, *f)),
        }
    }
    // The most cells; on a tie, the type met first.
    let mut best: Option<(UnitType, usize)> = None;
    for (t, c) in cells {
        if best.is_none_or(|(_, b)| c > b) {
            best = Some((t, c));
        }
    }
    let Some((t, _)) = best else {
        return Vec::new();
    };
    reporting
        .into_iter()
        .filter(|(u, _)| u.unit_type == t)
        .map(|(u, _)| u)
        .collect()
}

/// "các tổ dân phố", "các phường": the plan's plural for a type, or "các
/// đơn vị" when there is none to name.
pub fn plural(plan: &Plan, t: Option<UnitType>) -> String {
    match t.and_then(|t| plan.unit_type_info(t)) {
        Some(info) => info.plural.clone(),
        None => "các đơn vị".into(),
    }
}

/// "Tổ dân phố", "Phường": the plan's name of a type, capitalised for a
/// table cell; the catalogue's word when the plan declares none.
pub fn type_label(plan: &Plan, t: UnitType) -> String {
    match plan.unit_type_info(t) {
        Some(info) => capitalise(&info.name),
        None => crate::i18n::unit_type(t).to_string(),
    }
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}

/// The unit that reviews the reports, as running text names it ("Phòng
/// GD&ĐT", "Văn phòng HĐND-UBND").
pub fn reviewer_name(plan: &Plan) -> &str {
    plan.reviewer().display_name()
}

#[cfg(test)]
mod tests {
    use xhht_domain::plan::{UnitType, builtin, load};

    use super::*;

    const WARD_PLAN: &str = include_str!("../../../domain/tests/fixtures/phuong-thanh-khe-2026.toml");

    /// The compiler's sheet: Ba Đình's 14 wards (not their learning centres,
    /// as many but with fewer figures); Thanh Khê's five residential groups
    /// (not the clusters above them, which enter nothing).
    #[test]
    fn the_summary_template_has_the_plans_reporting_sub_units() {
        let plan = builtin();
        let units = template_units(&plan, 2024);
        assert_eq!(units.len(), 14);
        assert!(units.iter().all(|u| u.unit_type == UnitType::Ward));
        let ward = load(WARD_PLAN).unwrap();
        let codes: Vec<&str> = template_units(&ward, 2026).iter().map(|u| u.code.as_str()).collect();
        assert_eq!(codes, ["T1", "T2", "T3", "T4", "T5"]);
        let t = ward.unit("T1").unwrap().unit_type;
        assert_eq!(plural(&ward, Some(t)), "các tổ dân phố");
        assert_eq!(type_label(&ward, t), "Tổ dân phố");
        assert_eq!(plural(&ward, None), "các đơn vị");
        assert_eq!(reviewer_name(&ward), "Văn phòng HĐND-UBND");
        assert_eq!(reviewer_name(&plan), "Phòng GD&ĐT");
    }
}
