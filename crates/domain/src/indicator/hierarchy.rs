//! The org-unit tree as it stood in one reporting year.

use std::collections::HashMap;

use crate::plan::{OrgUnit, Plan};

/// The nearest ancestor of `unit` that exists in `year`, if any.
pub fn active_parent<'p>(plan: &'p Plan, unit: &OrgUnit, year: i32) -> Option<&'p OrgUnit> {
    let mut cur = unit.parent.as_deref().and_then(|p| plan.unit(p));
    let mut steps = 0;
    while let Some(p) = cur {
        if p.active_in(year) {
            return Some(p);
        }
        steps += 1;
        if steps > plan.org_units.len() {
            return None; // a cycle: impossible in a checked plan
        }
        cur = p.parent.as_deref().and_then(|q| plan.unit(q));
    }
    None
}

/// `unit` and the areas above it that exist in `year`, nearest first: the
/// areas whose roll-ups its approved values count in.
pub fn areas_of<'p>(plan: &'p Plan, unit: &'p OrgUnit, year: i32) -> Vec<&'p OrgUnit> {
    let mut out = vec![unit];
    let mut cur = unit;
    while let Some(p) = active_parent(plan, cur, year) {
        if out.iter().any(|u| u.code == p.code) {
            break;
        }
        out.push(p);
        cur = p;
    }
    out
}

pub struct Hierarchy<'a> {
    units: HashMap<&'a str, &'a OrgUnit>,
    children: HashMap<&'a str, Vec<&'a OrgUnit>>,
}

impl<'a> Hierarchy<'a> {
    /// The units active in `year` (see [`OrgUnit::active_in`]) and their
    /// links. A unit whose parent does not exist that year hangs from its
    /// nearest ancestor that does (a group that outlived its merged ward
    /// counts in the district), as [`active_parent`] says.
    pub fn new(plan: &'a Plan, year: i32) -> Self {
        let mut units = HashMap::new();
        let mut children: HashMap<&str, Vec<&OrgUnit>> = HashMap::new();
        for u in plan.units_in(year) {
            units.insert(u.code.as_str(), u);
            if let Some(p) = active_parent(plan, u, year) {
                children.entry(p.code.as_str()).or_default().push(u);
            }
        }
        Self { units, children }
    }

    pub fn unit(&self, code: &str) -> Option<&'a OrgUnit> {
        self.units.get(code).copied()
    }

    pub fn children(&self, code: &str) -> &[&'a OrgUnit] {
        self.children.get(code).map_or(&[], Vec::as_slice)
    }

    /// `code` and everything below it, in file order within each level.
    pub fn subtree(&self, code: &str) -> Vec<&'a OrgUnit> {
        let mut out: Vec<&OrgUnit> = self.unit(code).into_iter().collect();
        let mut i = 0;
        while i < out.len() {
            out.extend_from_slice(self.children(&out[i].code));
            i += 1;
        }
        out
    }
}
