//! Roles and what each may see and do. Every account is bound to one org unit.

use serde::{Deserialize, Serialize};

use crate::plan::Plan;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Phòng GD&ĐT administrator: accounts, deadlines, everything a reviewer does.
    Admin,
    /// Phòng GD&ĐT specialist: reviews, returns and approves reports.
    Reviewer,
    /// A ward, department or organisation entering its own figures.
    Reporter,
    /// Leaders: read-only everywhere.
    Viewer,
}

impl Role {
    pub const ALL: [Role; 4] = [Self::Admin, Self::Reviewer, Self::Reporter, Self::Viewer];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Reviewer => "reviewer",
            Self::Reporter => "reporter",
            Self::Viewer => "viewer",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }

    pub fn reviews(self) -> bool {
        matches!(self, Self::Admin | Self::Reviewer)
    }
}

/// Normalises a username (trimmed, lowercase) and checks it: 3-40 characters,
/// ASCII letters, digits and `. _ -` only, so it can be typed on any keyboard.
pub fn username(raw: &str) -> Result<String, String> {
    let name = raw.trim().to_lowercase();
    let ok = (3..=40).contains(&name.len()) && name.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c));
    if ok {
        Ok(name)
    } else {
        Err(format!(
            "Tên đăng nhập “{name}” không hợp lệ: 3-40 ký tự, chỉ gồm chữ không dấu, số và . _ -"
        ))
    }
}

/// An account as access rules see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub role: Role,
    pub org_unit: String,
}

impl Principal {
    /// Whether the account may read `unit`'s report, drafts included.
    /// Reporters see their own unit; reviewers and administrators see every
    /// unit of the plan's area; a leader sees their own unit and the units
    /// below it (the district's leader the whole area, a ward's leader the
    /// ward and what belongs to it).
    pub fn can_read(&self, plan: &Plan, unit: &str) -> bool {
        match self.role {
            Role::Reporter => self.org_unit == unit,
            Role::Admin | Role::Reviewer => in_area(plan, unit),
            Role::Viewer => in_area(plan, unit) && within(plan, unit, &self.org_unit),
        }
    }

    /// Whether the account reads the whole area: the area's documents (the
    /// Word report, its annex) speak for all of it.
    pub fn reads_whole_area(&self, plan: &Plan) -> bool {
        match self.role {
            Role::Admin | Role::Reviewer => true,
            Role::Viewer => within(plan, &plan.info.area, &self.org_unit),
            Role::Reporter => false,
        }
    }

    /// Whether the account may enter values for `unit`: only its own reporter.
    pub fn can_write(&self, unit: &str) -> bool {
        self.role == Role::Reporter && self.org_unit == unit
    }

    /// Whether the account may review (return, approve, reopen) `unit`'s
    /// report: a reviewer or administrator of the area, never of their own
    /// unit (no one approves their own figures).
    pub fn can_review(&self, plan: &Plan, unit: &str) -> bool {
        self.role.reviews() && in_area(plan, unit) && !self.is_own_unit(unit)
    }

    /// Whether `unit` is the account's own unit.
    pub fn is_own_unit(&self, unit: &str) -> bool {
        self.org_unit == unit
    }
}

/// `unit` is the plan's area or below it.
fn in_area(plan: &Plan, unit: &str) -> bool {
    within(plan, unit, &plan.info.area)
}

/// `unit` is `top` or below it.
fn within(plan: &Plan, unit: &str, top: &str) -> bool {
    let mut cur = plan.unit(unit);
    while let Some(u) = cur {
        if u.code == top {
            return true;
        }
        cur = u.parent.as_deref().and_then(|p| plan.unit(p));
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::builtin;

    fn who(role: Role, unit: &str) -> Principal {
        Principal {
            role,
            org_unit: unit.into(),
        }
    }

    #[test]
    fn nobody_reviews_their_own_unit() {
        let plan = builtin();
        let own = plan.reporting.submit_to.clone();
        for role in [Role::Admin, Role::Reviewer] {
            let p = who(role, &own);
            assert!(in_area(&plan, &own), "the reviewing unit is in the area");
            assert!(!p.can_review(&plan, &own), "{role:?} of its own unit");
            assert!(p.can_review(&plan, "00001"), "{role:?} of a ward");
            assert!(p.can_read(&plan, &own));
        }
    }

    #[test]
    fn usernames() {
        assert_eq!(username(" PhucXa "), Ok("phucxa".into()));
        assert!(username("Tên có dấu").is_err());
        assert!(username("ab").is_err());
    }

    #[test]
    fn reporters_reach_only_their_own_unit() {
        let plan = builtin();
        let p = who(Role::Reporter, "00001");
        assert!(p.can_read(&plan, "00001") && p.can_write("00001"));
        assert!(!p.can_read(&plan, "00004") && !p.can_write("00004"));
        assert!(!p.can_read(&plan, "TTHTCD-00001"), "not even the ward's own centre");
        assert!(!p.can_review(&plan, "00001"));
    }

    #[test]
    fn reviewers_and_viewers_cover_the_area() {
        let plan = builtin();
        let r = who(Role::Reviewer, "PGDDT");
        assert!(r.can_read(&plan, "00034") && r.can_review(&plan, "TTHTCD-00034"));
        assert!(!r.can_write("00034"));
        assert!(!r.can_read(&plan, "01"), "the city is above the plan's area");
        let v = who(Role::Viewer, "001");
        assert!(v.can_read(&plan, "00010") && !v.can_review(&plan, "00010") && !v.can_write("001"));
        assert!(v.reads_whole_area(&plan));
    }

    #[test]
    fn a_ward_leader_sees_the_ward_only() {
        let plan = builtin();
        let v = who(Role::Viewer, "00001");
        assert!(v.can_read(&plan, "00001") && v.can_read(&plan, "TTHTCD-00001"));
        assert!(!v.can_read(&plan, "00004") && !v.can_read(&plan, "TTHTCD-00004"));
        assert!(!v.reads_whole_area(&plan) && !v.can_review(&plan, "00001"));
    }
}
