//! The written part of a report: per task group of section III, three kinds
//! of text.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NarrativeKind {
    Results,
    Difficulties,
    Proposals,
}

impl NarrativeKind {
    /// In the order the report lays them out.
    pub const ALL: [NarrativeKind; 3] = [Self::Results, Self::Difficulties, Self::Proposals];

    /// The stored name (the `narratives.kind` column, form field names).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Results => "results",
            Self::Difficulties => "difficulties",
            Self::Proposals => "proposals",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_match_serde() {
        for k in NarrativeKind::ALL {
            assert_eq!(NarrativeKind::parse(k.as_str()), Some(k));
            assert_eq!(serde_json::to_string(&k).unwrap(), format!("\"{}\"", k.as_str()));
        }
        assert_eq!(NarrativeKind::parse("summary"), None);
    }
}
