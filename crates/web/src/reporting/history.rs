//! The report's history in words, from its audit trail.
//!
//! Audit actions still travel as strings here (`value.set`, `narrative:1:results`):
//! this is the one reader of them, to be replaced by typed events.

use std::collections::HashMap;

use xhht_domain::plan::{DataElement, Plan, ValueType};
use xhht_domain::text;
use xhht_domain::workflow::ReportState;
use xhht_storage::AuditEvent;

use crate::calendar::local_time;
use crate::narrative::NarrativeKind;

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
            let code = e.element_code.as_deref().unwrap_or("");
            let el = plan.element(code);
            let shown_value = |raw: &Option<String>| match (el, raw) {
                (_, None) => "trống".to_string(),
                (Some(el), Some(raw)) => stored_text(el, raw),
                (None, Some(raw)) => raw.clone(),
            };
            let what = match e.action.as_str() {
                "value.set" => format!(
                    "Sửa «{}»: {} → {}",
                    el.map_or(code, |el| el.name.as_str()),
                    shown_value(&e.old_value),
                    shown_value(&e.new_value)
                ),
                "narrative.set" => format!("Sửa phần viết {}", narrative_label(plan, code)),
                "explanation.set" => "Giải trình cảnh báo".into(),
                "report.state" => format!(
                    "{} → {}",
                    state_words(e.old_value.as_deref()),
                    state_words(e.new_value.as_deref())
                ),
                "deadline.extend" => format!("Gia hạn nộp báo cáo đến {}", e.new_value.as_deref().unwrap_or("")),
                other => other.to_string(),
            };
            HistoryRow {
                at: local_time(&e.at),
                actor: names.get(&e.actor).cloned().unwrap_or_else(|| e.actor.clone()),
                what,
                reason: e.reason.clone().unwrap_or_default(),
            }
        })
        .collect()
}

/// A value as the audit trail stores it (number or code), as people read it.
fn stored_text(el: &DataElement, raw: &str) -> String {
    match el.value_type {
        ValueType::Count | ValueType::Percentage => raw
            .parse::<f64>()
            .map_or_else(|_| raw.to_string(), |n| text::number(n, 2)),
        ValueType::YesNo => if raw == "1" { "Có" } else { "Không" }.to_string(),
        ValueType::Status => el
            .options
            .iter()
            .find(|o| o.code == raw)
            .map_or_else(|| raw.to_string(), |o| o.name.clone()),
        ValueType::Text => raw.to_string(),
    }
}

fn state_words(code: Option<&str>) -> &'static str {
    code.and_then(ReportState::parse)
        .map_or("Không rõ", crate::i18n::report_state_short)
}

/// The comment of the latest return or reopening, with who and when, while
/// the report is returned: the ward sees it first.
pub fn return_note(events: &[AuditEvent], names: &HashMap<String, String>) -> Option<(String, String, String)> {
    let e = events.iter().rev().find(|e| e.action == "report.state")?;
    if e.new_value.as_deref() != Some("returned") {
        return None;
    }
    let who = names.get(&e.actor).cloned().unwrap_or_else(|| e.actor.clone());
    Some((e.reason.clone().unwrap_or_default(), who, local_time(&e.at)))
}

fn narrative_label(plan: &Plan, key: &str) -> String {
    let mut parts = key.split(':').skip(1);
    let group: i64 = parts.next().and_then(|g| g.parse().ok()).unwrap_or(0);
    let kind = parts.next().unwrap_or("");
    let kind = NarrativeKind::parse(kind).map_or(kind, |k| k.label());
    let title = plan
        .task_groups
        .iter()
        .find(|g| g.number == group)
        .map_or("", |g| g.title.as_str());
    format!("«{kind}» của nhiệm vụ {group}. {title}")
}
