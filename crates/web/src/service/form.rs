//! The yearly form of one unit: its fields, grouped as the plan groups its
//! targets, with last year's approved value, validation findings and history.

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use xhht_domain::audit::{Change, Recorded};
use xhht_domain::narrative::NarrativeKind;
use xhht_domain::plan::{DataElement, OrgUnit, Plan, Severity, ValueType};
use xhht_domain::text;
use xhht_domain::validation::{Finding, missing_values, validate};
use xhht_domain::values::{DataValue, UnitValues};
use xhht_domain::workflow::ReportState;
use xhht_storage::{AuditEvent, ReportRow};

pub const NARRATIVE_KINDS: [(NarrativeKind, &str); 3] = [
    (NarrativeKind::Results, "Kết quả đạt được"),
    (NarrativeKind::Difficulties, "Khó khăn, hạn chế"),
    (NarrativeKind::Proposals, "Đề xuất, kiến nghị"),
];

pub fn narrative_kind_label(kind: NarrativeKind) -> &'static str {
    NARRATIVE_KINDS.iter().find(|(k, _)| *k == kind).map_or("", |(_, l)| l)
}

/// The name of a report state in running text (history, messages).
pub fn state_name(state: ReportState) -> &'static str {
    match state {
        ReportState::Draft => "đang soạn",
        ReportState::Submitted => "đã gửi",
        ReportState::Returned => "bị trả lại",
        ReportState::Approved => "đã duyệt",
    }
}

pub struct Field {
    pub code: String,
    pub label: String,
    pub unit: String,
    pub help: String,
    /// number | decimal | yes_no | status | text
    pub kind: &'static str,
    pub input: String,
    /// The stored value as people read it (read-only view).
    pub display: String,
    pub prev: String,
    pub options: Vec<(String, String)>,
    pub error: String,
    pub warning: String,
}

pub struct FieldGroup {
    pub name: String,
    pub fields: Vec<Field>,
}

pub struct NarrativeBlock {
    pub number: i64,
    pub title: String,
    pub texts: Vec<(String, &'static str, String)>,
}

/// Findings of a unit's values: the plan's rules and the missing values.
pub fn findings(plan: &Plan, unit: &OrgUnit, values: &UnitValues, prev: Option<&UnitValues>) -> Vec<Finding> {
    let mut out = validate(plan, unit, values, prev);
    out.extend(missing_values(plan, unit, values));
    out
}

/// The text a value shows in its input.
pub fn input_text(el: &DataElement, v: &DataValue) -> String {
    match v {
        DataValue::Number(n) if el.value_type == ValueType::Count => text::number(*n, 0),
        DataValue::Number(n) => text::number(*n, 2),
        DataValue::Bool(b) => if *b { "yes" } else { "no" }.to_string(),
        DataValue::Status(s) | DataValue::Text(s) => s.clone(),
    }
}

/// The value as people read it (for last year's column and read-only views).
pub fn shown(el: &DataElement, v: Option<&DataValue>) -> String {
    match v {
        None => "—".into(),
        Some(DataValue::Bool(b)) => if *b { "Có" } else { "Không" }.into(),
        Some(DataValue::Status(s)) => el
            .options
            .iter()
            .find(|o| &o.code == s)
            .map_or_else(|| s.clone(), |o| o.name.clone()),
        Some(v) => input_text(el, v),
    }
}

/// Builds the field groups. `inputs` overrides stored values (a form sent
/// back with errors shows what was typed); `errors` are per-field messages.
pub fn groups(
    plan: &Plan,
    unit: &OrgUnit,
    values: &UnitValues,
    prev: Option<&UnitValues>,
    inputs: &HashMap<String, String>,
    field_errors: &HashMap<String, String>,
    found: &[Finding],
) -> Vec<FieldGroup> {
    let mut groups: Vec<FieldGroup> = plan
        .target_groups
        .iter()
        .map(|g| FieldGroup {
            name: format!("{}) {}", g.code, g.name),
            fields: Vec::new(),
        })
        .collect();
    groups.push(FieldGroup {
        name: "Số liệu khác".into(),
        fields: Vec::new(),
    });
    for el in plan.elements_for(unit) {
        let messages = |sev: Severity| {
            found
                .iter()
                .filter(|f| f.severity == sev && f.elements.contains(&el.code))
                .map(|f| f.message.as_str())
                .collect::<Vec<_>>()
                .join(" ")
        };
        let field = Field {
            code: el.code.clone(),
            label: el.name.clone(),
            unit: el.unit.clone().unwrap_or_default(),
            help: el.help.clone().unwrap_or_default(),
            kind: match el.value_type {
                ValueType::Count => "number",
                ValueType::Percentage => "decimal",
                ValueType::YesNo => "yes_no",
                ValueType::Status => "status",
                ValueType::Text => "text",
            },
            input: inputs
                .get(&el.code)
                .cloned()
                .unwrap_or_else(|| values.get(&el.code).map(|v| input_text(el, v)).unwrap_or_default()),
            display: shown(el, values.get(&el.code)),
            prev: shown(el, prev.and_then(|p| p.get(&el.code))),
            options: el.options.iter().map(|o| (o.code.clone(), o.name.clone())).collect(),
            error: field_errors
                .get(&el.code)
                .cloned()
                .unwrap_or_else(|| messages(Severity::Error)),
            warning: messages(Severity::Warning),
        };
        let at = el
            .group
            .as_ref()
            .and_then(|g| plan.target_groups.iter().position(|t| &t.code == g))
            .unwrap_or(groups.len() - 1);
        groups[at].fields.push(field);
    }
    groups.retain(|g| !g.fields.is_empty());
    groups
}

/// What a form sent, read: the changes to save, per-field errors, and the
/// raw inputs (to show again when there are errors).
#[derive(Default)]
pub struct Parsed {
    pub changes: Vec<(String, Option<DataValue>)>,
    pub errors: HashMap<String, String>,
    pub inputs: HashMap<String, String>,
}

/// Parses what the form sent for `unit`'s elements. Absent keys are left
/// alone; an empty input clears the value. Errors are per field, in Vietnamese.
pub fn parse_inputs(plan: &Plan, unit: &OrgUnit, posted: &HashMap<String, String>) -> Parsed {
    let mut out = Parsed::default();
    let Parsed {
        changes,
        errors,
        inputs,
    } = &mut out;
    for el in plan.elements_for(unit) {
        let Some(raw) = posted.get(&format!("v_{}", el.code)) else {
            continue;
        };
        inputs.insert(el.code.clone(), raw.clone());
        let raw = raw.trim();
        if raw.is_empty() {
            changes.push((el.code.clone(), None));
            continue;
        }
        let parsed = match el.value_type {
            ValueType::Count | ValueType::Percentage => {
                text::parse_number(raw, el.value_type == ValueType::Count).map(DataValue::Number)
            }
            ValueType::YesNo => match raw {
                "yes" => Ok(DataValue::Bool(true)),
                "no" => Ok(DataValue::Bool(false)),
                _ => Err("chọn Có hoặc Không".to_string()),
            },
            ValueType::Status => {
                if el.option_rank(raw).is_some() {
                    Ok(DataValue::Status(raw.to_string()))
                } else {
                    Err("mức không hợp lệ".to_string())
                }
            }
            ValueType::Text => Ok(DataValue::Text(text::nfc(raw))),
        };
        match parsed {
            Ok(v) => changes.push((el.code.clone(), Some(v))),
            Err(msg) => {
                errors.insert(el.code.clone(), format!("«{}»: {msg}.", el.name));
            }
        }
    }
    out
}

/// The deadline of a unit's report: its own extension or the plan's.
pub fn due_date(plan: &Plan, year: i32, extension: Option<NaiveDate>) -> Option<NaiveDate> {
    extension.or_else(|| plan.due_date(year))
}

/// "05/12/2026 14:30" in Vietnam time, from a stored UTC timestamp.
pub fn local_time(stamp: &str) -> String {
    DateTime::parse_from_rfc3339(stamp)
        .map(|t| {
            (t.with_timezone(&Utc) + Duration::hours(7))
                .format("%d/%m/%Y %H:%M")
                .to_string()
        })
        .unwrap_or_else(|_| stamp.to_string())
}

pub fn parse_time(stamp: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(stamp).ok().map(|t| t.with_timezone(&Utc))
}

/// "Đúng hạn" / "Trễ hạn" for a submitted report, "" otherwise.
pub fn timeliness(row: Option<&ReportRow>, due: Option<NaiveDate>) -> &'static str {
    match (
        row.and_then(|r| r.first_submitted_at.as_deref()).and_then(parse_time),
        due,
    ) {
        (Some(t), Some(d)) if xhht_domain::workflow::is_late(t, d) => "Trễ hạn",
        (Some(_), Some(_)) => "Đúng hạn",
        _ => "",
    }
}

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
            .map(|(from, to)| format!("{} → {}", capitalised(state_name(from)), capitalised(state_name(to))))
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
            format!("Sửa «{name}»: {} → {}", shown(old), shown(new))
        }
        Change::NarrativeSet {
            task_group, narrative, ..
        } => format!("Sửa phần viết {}", narrative_label(plan, *task_group, *narrative)),
        Change::ExplanationSet { .. } => "Giải trình cảnh báo".into(),
        Change::DeadlineExtended { due, .. } => format!("Gia hạn nộp báo cáo đến {}", text::date(*due)),
        Change::UserCreated { username, .. } => format!("Tạo tài khoản «{username}»"),
        Change::UserDisabled { username } => format!("Khóa tài khoản «{username}»"),
        Change::UserEnabled { username } => format!("Mở khóa tài khoản «{username}»"),
        Change::PasswordReset { username } => format!("Đặt lại mật khẩu «{username}»"),
        Change::PlanInstalled { number, .. } => format!("Cài kế hoạch {number}"),
        Change::SampleGenerated => "Tạo dữ liệu mẫu".into(),
        Change::ValuesImported { values, units } => format!("Nhập {values} số liệu của {units} đơn vị"),
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

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map_or_else(String::new, |f| f.to_uppercase().chain(c).collect())
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
    format!("«{}» của nhiệm vụ {group}. {title}", narrative_kind_label(kind))
}
