//! The register: every unit, parent link and successor link, indexed for
//! lookups by date, and checked when built.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::types::{AdminUnit, LinkKind, ParentLink, SuccessorLink, UnitKey, day_before};

/// Why a register cannot be built (each names the unit or link at fault).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RegisterProblem {
    #[error("đơn vị {0} xuất hiện hai lần")]
    Duplicate(UnitKey),
    #[error("liên kết {0} → {1} xuất hiện hai lần")]
    DuplicateLink(UnitKey, UnitKey),
    #[error("đơn vị {0} có hai liên kết cấp trên cùng bắt đầu một ngày")]
    DuplicateParent(UnitKey),
    #[error("đơn vị {0} kết thúc trước khi bắt đầu")]
    EndsBeforeStart(UnitKey),
    #[error("mã {code}: hai đơn vị cùng tồn tại ngày {date}")]
    Overlap { code: String, date: NaiveDate },
    #[error("liên kết tới đơn vị không có trong danh mục: {0}")]
    UnknownUnit(UnitKey),
    #[error("{child} không thuộc {parent} trong thời gian đã ghi (một trong hai không tồn tại)")]
    ParentOutsideLife { child: UnitKey, parent: UnitKey },
    #[error("{from} → {to}: đơn vị cũ phải còn tồn tại ngày trước {effective} và đơn vị mới tồn tại ngày {effective}")]
    LinkOutsideLife {
        from: UnitKey,
        to: UnitKey,
        effective: NaiveDate,
    },
    #[error("{from} → {to}: tỷ lệ {value} phải nằm trong khoảng 0..1")]
    ShareOutOfRange { from: UnitKey, to: UnitKey, value: f64 },
}

/// The register, read-only once built.
#[derive(Debug, Clone, Default)]
pub struct Register {
    units: Vec<AdminUnit>,
    parents: Vec<ParentLink>,
    links: Vec<SuccessorLink>,
    by_key: HashMap<UnitKey, usize>,
    by_code: HashMap<String, Vec<usize>>,
    parents_of: HashMap<UnitKey, Vec<usize>>,
    successors: HashMap<UnitKey, Vec<usize>>,
    predecessors: HashMap<UnitKey, Vec<usize>>,
}

impl Register {
    /// Builds and checks a register: unique keys, no two units with one code
    /// on the same day, and every link between units alive when it holds.
    pub fn new(
        units: Vec<AdminUnit>,
        parents: Vec<ParentLink>,
        links: Vec<SuccessorLink>,
    ) -> Result<Self, Vec<RegisterProblem>> {
        let mut r = Self {
            units,
            parents,
            links,
            ..Self::default()
        };
        let mut problems = r.index_units();
        problems.extend(r.check_overlaps());
        problems.extend(r.index_parents());
        problems.extend(r.index_links());
        if problems.is_empty() { Ok(r) } else { Err(problems) }
    }

    fn index_units(&mut self) -> Vec<RegisterProblem> {
        let mut problems = Vec::new();
        for (i, u) in self.units.iter().enumerate() {
            if let (Some(f), Some(t)) = (u.key.valid_from, u.valid_to)
                && t < f
            {
                problems.push(RegisterProblem::EndsBeforeStart(u.key.clone()));
            }
            if self.by_key.insert(u.key.clone(), i).is_some() {
                problems.push(RegisterProblem::Duplicate(u.key.clone()));
            }
            self.by_code.entry(u.key.code.clone()).or_default().push(i);
        }
        for list in self.by_code.values_mut() {
            list.sort_by_key(|&i| self.units[i].key.valid_from);
        }
        problems
    }

    fn check_overlaps(&self) -> Vec<RegisterProblem> {
        let mut problems = Vec::new();
        for (code, list) in &self.by_code {
            for pair in list.windows(2) {
                let (a, b) = (&self.units[pair[0]], &self.units[pair[1]]);
                let Some(start) = b.key.valid_from else { continue };
                if a.valid_to.is_none_or(|end| end >= start) {
                    problems.push(RegisterProblem::Overlap {
                        code: code.clone(),
                        date: start,
                    });
                }
            }
        }
        problems
    }

    fn index_parents(&mut self) -> Vec<RegisterProblem> {
        let mut problems = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for (i, p) in self.parents.iter().enumerate() {
            if !seen.insert((&p.child, p.from)) {
                problems.push(RegisterProblem::DuplicateParent(p.child.clone()));
            }
            let (Some(child), Some(parent)) = (self.unit(&p.child), self.unit(&p.parent)) else {
                let missing = if self.unit(&p.child).is_none() {
                    &p.child
                } else {
                    &p.parent
                };
                problems.push(RegisterProblem::UnknownUnit(missing.clone()));
                continue;
            };
            // The parent must exist on the first and last day the link holds.
            let first = p.from.or(child.key.valid_from);
            let last = p.to.or(child.valid_to);
            let alive = |d: Option<NaiveDate>, end_of_time: bool| match d {
                Some(d) => parent.exists_on(d),
                None if end_of_time => parent.valid_to.is_none(),
                None => parent.key.valid_from.is_none(),
            };
            if !alive(first, false) || !alive(last, true) {
                problems.push(RegisterProblem::ParentOutsideLife {
                    child: p.child.clone(),
                    parent: p.parent.clone(),
                });
            }
            self.parents_of.entry(p.child.clone()).or_default().push(i);
        }
        problems
    }

    fn index_links(&mut self) -> Vec<RegisterProblem> {
        let mut problems = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for (i, l) in self.links.iter().enumerate() {
            if !seen.insert((&l.from, &l.to)) {
                problems.push(RegisterProblem::DuplicateLink(l.from.clone(), l.to.clone()));
            }
            let (Some(from), Some(to)) = (self.unit(&l.from), self.unit(&l.to)) else {
                let missing = if self.unit(&l.from).is_none() { &l.from } else { &l.to };
                problems.push(RegisterProblem::UnknownUnit(missing.clone()));
                continue;
            };
            if !from.exists_on(day_before(l.effective)) || !to.exists_on(l.effective) {
                problems.push(RegisterProblem::LinkOutsideLife {
                    from: l.from.clone(),
                    to: l.to.clone(),
                    effective: l.effective,
                });
            }
            for s in &l.shares {
                if !(0.0..=1.0).contains(&s.value) || (l.kind == LinkKind::Full && s.value != 1.0) {
                    problems.push(RegisterProblem::ShareOutOfRange {
                        from: l.from.clone(),
                        to: l.to.clone(),
                        value: s.value,
                    });
                }
            }
            self.successors.entry(l.from.clone()).or_default().push(i);
            self.predecessors.entry(l.to.clone()).or_default().push(i);
        }
        problems
    }

    /// The part of the register a set of units can reach: every unit that
    /// ever bore one of `codes`, everything linked to those by successor
    /// links (forward and back, to the end of the chain), and their
    /// ancestors. What a server for a few plans needs of a national register
    /// (15,185 units, most of its idle memory) to place its own units in time.
    pub fn around<'c>(&self, codes: impl IntoIterator<Item = &'c str>) -> Self {
        let mut keep = vec![false; self.units.len()];
        let mut stack: Vec<usize> = codes
            .into_iter()
            .flat_map(|c| self.by_code.get(c).into_iter().flatten().copied())
            .collect();
        while let Some(i) = stack.pop() {
            if std::mem::replace(&mut keep[i], true) {
                continue;
            }
            let key = &self.units[i].key;
            let linked = self
                .successors(key)
                .map(|l| &l.to)
                .chain(self.predecessors(key).map(|l| &l.from));
            let parents = self
                .parents_of
                .get(key)
                .into_iter()
                .flatten()
                .map(|&p| &self.parents[p].parent);
            stack.extend(linked.chain(parents).filter_map(|k| self.by_key.get(k).copied()));
        }
        let kept = |k: &UnitKey| self.by_key.get(k).is_some_and(|&i| keep[i]);
        let units = self
            .units
            .iter()
            .zip(&keep)
            .filter(|(_, k)| **k)
            .map(|(u, _)| u.clone())
            .collect();
        let parents = self
            .parents
            .iter()
            .filter(|p| kept(&p.child) && kept(&p.parent))
            .cloned()
            .collect();
        let links = self
            .links
            .iter()
            .filter(|l| kept(&l.from) && kept(&l.to))
            .cloned()
            .collect();
        Self::new(units, parents, links).expect("a closed part of a checked register is itself valid")
    }

    pub fn units(&self) -> &[AdminUnit] {
        &self.units
    }

    pub fn parents(&self) -> &[ParentLink] {
        &self.parents
    }

    pub fn links(&self) -> &[SuccessorLink] {
        &self.links
    }

    pub fn unit(&self, key: &UnitKey) -> Option<&AdminUnit> {
        self.by_key.get(key).map(|&i| &self.units[i])
    }

    /// The unit that bore `code` on `date` (codes were reused, so the date
    /// decides).
    pub fn find(&self, code: &str, date: NaiveDate) -> Option<&AdminUnit> {
        self.by_code
            .get(code)?
            .iter()
            .map(|&i| &self.units[i])
            .find(|u| u.exists_on(date))
    }

    /// Every unit of that code, oldest first.
    pub fn with_code(&self, code: &str) -> impl Iterator<Item = &AdminUnit> {
        self.by_code.get(code).into_iter().flatten().map(|&i| &self.units[i])
    }

    /// Units existing on `date`, in register order.
    pub fn on(&self, date: NaiveDate) -> impl Iterator<Item = &AdminUnit> {
        self.units.iter().filter(move |u| u.exists_on(date))
    }

    /// The unit `key` lay within on `date`.
    pub fn parent_on(&self, key: &UnitKey, date: NaiveDate) -> Option<&AdminUnit> {
        self.parents_of
            .get(key)?
            .iter()
            .map(|&i| &self.parents[i])
            .find(|p| p.holds_on(date))
            .and_then(|p| self.unit(&p.parent))
    }

    /// Links out of `key` (where it went).
    pub fn successors(&self, key: &UnitKey) -> impl Iterator<Item = &SuccessorLink> {
        self.successors.get(key).into_iter().flatten().map(|&i| &self.links[i])
    }

    /// Links into `key` (what it was made of).
    pub fn predecessors(&self, key: &UnitKey) -> impl Iterator<Item = &SuccessorLink> {
        self.predecessors
            .get(key)
            .into_iter()
            .flatten()
            .map(|&i| &self.links[i])
    }

    /// Whether `key` lay within `area` on `date`, climbing the parent links
    /// valid that day.
    pub fn is_within(&self, key: &UnitKey, area: &UnitKey, date: NaiveDate) -> bool {
        let mut cur = key.clone();
        for _ in 0..8 {
            if &cur == area {
                return true;
            }
            match self.parent_on(&cur, date) {
                Some(p) => cur = p.key.clone(),
                None => return false,
            }
        }
        false
    }
}
