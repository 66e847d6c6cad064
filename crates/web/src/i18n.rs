//! Vietnamese labels for the domain's codes (English names come from the plan file).

use xhht_domain::indicator::ProgressStatus;

pub fn progress(status: ProgressStatus) -> &'static str {
    match status {
        ProgressStatus::Achieved => "Đạt",
        ProgressStatus::OnTrack => "Đúng tiến độ",
        ProgressStatus::Behind => "Chậm tiến độ",
        ProgressStatus::NoData => "Chưa có số liệu",
        ProgressStatus::NotAchieved => "Không đạt",
        ProgressStatus::Provisional => "Tạm tính",
        ProgressStatus::NotApplicable => "Không áp dụng",
        ProgressStatus::Baseline => "Năm gốc",
    }
}

/// A CSS class per status; the label is always shown too, so colour is never
/// the only signal.
pub fn progress_class(status: ProgressStatus) -> &'static str {
    match status {
        ProgressStatus::Achieved => "st-achieved",
        ProgressStatus::OnTrack => "st-on-track",
        ProgressStatus::Behind => "st-behind",
        ProgressStatus::NoData => "st-no-data",
        ProgressStatus::NotAchieved => "st-behind",
        ProgressStatus::Provisional | ProgressStatus::NotApplicable | ProgressStatus::Baseline => "st-no-data",
    }
}
