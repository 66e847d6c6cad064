//! Vietnamese labels for the domain's codes (English names come from the plan file).

use xhht_domain::access::Role;
use xhht_domain::indicator::ProgressStatus;
use xhht_domain::plan::UnitType;
use xhht_domain::workflow::ReportState;

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
        ProgressStatus::Provisional => "st-provisional",
        ProgressStatus::NotApplicable | ProgressStatus::Baseline => "st-no-data",
    }
}

/// A report's state in words, with its CSS class; `None` is "not started".
pub fn report_state(s: Option<ReportState>) -> (&'static str, &'static str) {
    match s {
        None => ("Chưa báo cáo", "state-none"),
        Some(ReportState::Draft) => ("Đang soạn", "state-draft"),
        Some(ReportState::Submitted) => ("Đã gửi, chờ duyệt", "state-submitted"),
        Some(ReportState::Returned) => ("Bị trả lại, cần sửa", "state-returned"),
        Some(ReportState::Approved) => ("Đã duyệt", "state-approved"),
    }
}

/// A state's short name, as the history writes a change ("Đã gửi → Đã duyệt").
pub fn report_state_short(s: ReportState) -> &'static str {
    match s {
        ReportState::Draft => "Đang soạn",
        ReportState::Submitted => "Đã gửi",
        ReportState::Returned => "Bị trả lại",
        ReportState::Approved => "Đã duyệt",
    }
}

pub fn role(role: Role) -> &'static str {
    match role {
        Role::Admin => "Quản trị",
        Role::Reviewer => "Chuyên viên",
        Role::Reporter => "Đơn vị báo cáo",
        Role::Viewer => "Lãnh đạo",
    }
}

pub fn unit_type(t: UnitType) -> &'static str {
    match t {
        UnitType::Province => "Tỉnh",
        UnitType::City => "Thành phố",
        UnitType::District => "Quận/huyện",
        UnitType::Commune => "Xã",
        UnitType::Ward => "Phường",
        UnitType::ResidentialGroup => "Tổ dân phố",
        UnitType::Department => "Phòng, ban",
        UnitType::Organisation => "Tổ chức, đoàn thể",
        UnitType::EducationInstitution => "Cơ sở giáo dục",
        UnitType::CommunityLearningCentre => "TTHTCĐ",
        UnitType::Declared(code) => code,
    }
}
