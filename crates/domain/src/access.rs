//! Roles of accounts. Every account is bound to one org unit.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
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
}
