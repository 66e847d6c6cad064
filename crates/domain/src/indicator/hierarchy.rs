//! The org-unit tree as it stood in one reporting year.

use std::collections::HashMap;

use crate::plan::{OrgUnit, Plan};

pub struct Hierarchy<'a> {
    units: HashMap<&'a str, &'a OrgUnit>,
    children: HashMap<&'a str, Vec<&'a OrgUnit>>,
}

impl<'a> Hierarchy<'a> {
    /// The units active in `year` (see [`OrgUnit::active_in`]) and their links.
    pub fn new(plan: &'a Plan, year: i32) -> Self {
        let mut units = HashMap::new();
        let mut children: HashMap<&str, Vec<&OrgUnit>> = HashMap::new();
        for u in plan.units_in(year) {
            units.insert(u.code.as_str(), u);
            if let Some(p) = &u.parent {
                children.entry(p.as_str()).or_default().push(u);
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
