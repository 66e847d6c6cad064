//! The Vietnamese names of the three texts a unit writes for each task group
//! of the plan (the kinds themselves live in the domain).

pub use xhht_domain::narrative::NarrativeKind;

pub fn label(kind: NarrativeKind) -> &'static str {
    match kind {
        NarrativeKind::Results => "Kết quả đạt được",
        NarrativeKind::Difficulties => "Khó khăn, hạn chế",
        NarrativeKind::Proposals => "Đề xuất, kiến nghị",
    }
}
