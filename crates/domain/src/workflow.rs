//! The states of a unit's yearly report.
//!
//! draft → submitted → approved, or submitted → returned → submitted again.
//! The transitions (who may move a report, and when) are the reporting
//! issue's; this module names the states every layer shares.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportState {
    Draft,
    Submitted,
    Returned,
    Approved,
}

impl ReportState {
    pub const ALL: [ReportState; 4] =
        [Self::Draft, Self::Submitted, Self::Returned, Self::Approved];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Submitted => "submitted",
            Self::Returned => "returned",
            Self::Approved => "approved",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// Only approved figures count in official results.
    pub fn is_official(self) -> bool {
        self == Self::Approved
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_names_round_trip() {
        for s in ReportState::ALL {
            assert_eq!(ReportState::parse(s.as_str()), Some(s));
        }
        assert_eq!(ReportState::parse("deleted"), None);
    }
}
