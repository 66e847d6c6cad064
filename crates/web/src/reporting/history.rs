//! The report's history in words, from its typed audit trail.

use std::collections::HashMap;

use xhht_domain::audit::{Change, Recorded};
use xhht_domain::plan::{DataElement, Plan, ValueType};
use xhht_domain::text;
use xhht_domain::workflow::ReportState;
use xhht_storage::AuditEvent;

use crate::calendar::local_time;
use crate::i18n::report_state_short;
use crate::narrative::{self, NarrativeKind};

pub struct HistoryRow {
    pub at: String,
    pub actor: String,
    pub what: String,
    pub reason: String,
}

/// The report's history, newest first, in words: values in Vietnamese
/// format, options by name, people by their display name.
pub fn history(plan: &Plan, events: &[AuditEvent], names: &HashMap<String, String>) -> Vec<HistoryRow> {
    events
        .iter()
        .rev()
        .map(|e| {
            let ev = &e.event;
            HistoryRow {
                at: local_time(&ev.at),
                actor: names.get(&ev.actor).cloned().unwrap_or_else(|| ev.actor.clone()),
                what: describe(plan, &ev.change),
                reason: ev.why().unwrap_or_default().to_string(),
            }
        })
        .collect()
}

/// One change in words.
fn describe(plan: &Plan, change: &Change) -> String {
    match change {
        Change::Submitted { .. } | Change::Approved | Change::Returned { .. } | Change::Reopened { .. } => change
            .states()
            .map(|(from, to)| format!("{} → {}", report_state_short(from), report_state_short(to)))
            .unwrap_or_default(),
        Change::ValueSet { element, old, new } => {
            let el = plan.element(element);
            let shown = |v: &Option<Recorded>| match (el, v) {
                (_, None) => "trống".to_string(),
                (Some(el), Some(v)) => recorded_text(el, v),
                (None, Some(Recorded::Number(n))) => text::number(*n, 2),
                (None, Some(Recorded::Text(t))) => t.clone(),
            };
            let name = el.map_or(element.as_str(), |el| el.name.as_str());
            format!("Sửa “{name}”: {} → {}", shown(old), shown(new))
        }
        Change::NarrativeSet {
            task_group, narrative, ..
        } => format!("Sửa phần viết {}", narrative_label(plan, *task_group, *narrative)),
        Change::ExplanationSet { .. } => "Giải trình cảnh báo".into(),
        Change::DeadlineExtended { due, .. } => format!("Gia hạn nộp báo cáo đến {}", text::date(*due)),
        Change::UserCreated { username, .. } => format!("Tạo tài khoản “{username}”"),
        Change::UserDisabled { username } => format!("Khóa tài khoản “{username}”"),
        Change::UserEnabled { username } => format!("Mở khóa tài khoản “{username}”"),
        Change::PasswordReset { username } => format!("Đặt lại mật khẩu “{username}”"),
        Change::AccountEdited {
            username,
            old_role,
            new_role,
            old_unit,
            new_unit,
        } => format!(
            "Đổi tài khoản “{username}”: vai trò {} → {}, đơn vị {old_unit} → {new_unit}",
            crate::i18n::role(*old_role),
            crate::i18n::role(*new_role)
        ),
        Change::PlanInstalled { number, .. } => format!("Cài kế hoạch {number}"),
        Change::PlanEnded { code, on, .. } => format!("Kết thúc kế hoạch “{code}” ngày {}", on.format("%d/%m/%Y")),
        Change::PlanUpgraded { code, version } => format!("Cập nhật kế hoạch “{code}” lên phiên bản {version}"),
        Change::SampleGenerated => "Tạo dữ liệu mẫu".into(),
        Change::ValuesImported { values, units } => format!("Nhập {values} số liệu của {units} đơn vị"),
        Change::UnitsImported { units, links, .. } => {
            format!("Nạp danh mục đơn vị hành chính: {units} đơn vị, {links} liên kết kế thừa")
        }
        Change::UnitShareSet { from, to, new, .. } => {
            format!("Tỷ lệ của {from} chuyển sang {to}: {}", text::percent(new * 100.0))
        }
        Change::LoginSucceeded { username } => format!("Đăng nhập “{username}”"),
        Change::LoginFailed {
            name_start, address, ..
        } => {
            format!("Đăng nhập không thành công “{name_start}” từ {address}")
        }
        Change::LoggedOut { username } => format!("Đăng xuất “{username}”"),
        Change::BackupMade { file } => format!("Sao lưu cơ sở dữ liệu vào {file}"),
        Change::Restored { from } => format!("Khôi phục cơ sở dữ liệu từ {from}"),
        Change::ReportDraftSaved {
            year,
            version,
            restored_from,
            ..
        } => match restored_from {
            Some(v) => format!("Khôi phục dự thảo báo cáo năm {year} từ phiên bản {v} (phiên bản {version})"),
            None => format!("Lưu dự thảo báo cáo năm {year}, phiên bản {version}"),
        },
        Change::ReportIssued { year, number, .. } => format!("Ban hành báo cáo năm {year}, số {number}"),
        Change::AuditSealed { events, .. } => format!("Niêm phong {events} sự kiện ghi trước khi có chuỗi mã băm"),
        Change::RemindersSent {
            year,
            days_before,
            units,
        } => match days_before {
            Some(d) => format!(
                "Nhắc {} đơn vị nộp báo cáo năm {year} ({d} ngày trước hạn)",
                units.len()
            ),
            None => format!("Nhắc {} đơn vị còn thiếu báo cáo năm {year}", units.len()),
        },
        Change::DigestSent { year, usernames } => {
            format!(
                "Gửi tin tổng hợp báo cáo năm {year} cho {} chuyên viên",
                usernames.len()
            )
        }
        Change::EmailSet { username, email } => match email {
            Some(e) => format!("Đặt e-mail của “{username}”: {e}"),
            None => format!("Xóa e-mail của “{username}”"),
        },
        Change::Unrecognised { action, .. } => action.clone(),
    }
}

/// A value as the audit trail records it (number or code), as people read it.
fn recorded_text(el: &DataElement, v: &Recorded) -> String {
    match (el.value_type, v) {
        (ValueType::YesNo, Recorded::Number(n)) => if *n != 0.0 { "Có" } else { "Không" }.to_string(),
        (_, Recorded::Number(n)) => text::number(*n, 2),
        (ValueType::Status, Recorded::Text(code)) => el
            .options
            .iter()
            .find(|o| o.code == *code)
            .map_or_else(|| code.clone(), |o| o.name.clone()),
        (_, Recorded::Text(t)) => t.clone(),
    }
}

/// The comment of the latest return or reopening, with who and when, while
/// the report is returned: the ward sees it first.
pub fn return_note(events: &[AuditEvent], names: &HashMap<String, String>) -> Option<(String, String, String)> {
    let e = &events.iter().rev().find(|e| e.event.change.states().is_some())?.event;
    if e.change.states()?.1 != ReportState::Returned {
        return None;
    }
    let who = names.get(&e.actor).cloned().unwrap_or_else(|| e.actor.clone());
    Some((e.why().unwrap_or_default().to_string(), who, local_time(&e.at)))
}

fn narrative_label(plan: &Plan, group: i64, kind: NarrativeKind) -> String {
    let title = plan
        .task_groups
        .iter()
        .find(|g| g.number == group)
        .map_or("", |g| g.title.as_str());
    format!("“{}” của nhiệm vụ {group}. {title}", narrative::label(kind))
}
