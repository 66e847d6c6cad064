//! The three texts a unit writes for each task group of the plan.

/// Stored as its code with the task group's number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NarrativeKind {
    Results,
    Difficulties,
    Proposals,
}

impl NarrativeKind {
    pub const ALL: [NarrativeKind; 3] = [Self::Results, Self::Difficulties, Self::Proposals];

    pub fn code(self) -> &'static str {
        match self {
            Self::Results => "results",
            Self::Difficulties => "difficulties",
            Self::Proposals => "proposals",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Results => "Kết quả đạt được",
            Self::Difficulties => "Khó khăn, hạn chế",
            Self::Proposals => "Đề xuất, kiến nghị",
        }
    }
}
