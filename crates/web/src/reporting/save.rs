//! `POST /reports/{year}/{unit}`: `action=save` keeps a draft; `action=submit`
//! saves, validates and submits in the workflow. Bad input saves nothing.

use std::collections::HashMap;

use axum::extract::State;
use axum::http::Uri;
use axum::response::{IntoResponse, Redirect, Response};
use xhht_domain::plan::Severity;
use xhht_domain::text::{self, TextKind};
use xhht_domain::values::UnitValues;
use xhht_domain::workflow::{self, Action, Facts, Refusal, ReportState};
use xhht_storage::{FormChanges, Stamp, StorageError};

use super::form::{self, read_narratives};
use super::page::{self, Sent};
use crate::auth::{ReadReport, WriteReport};
use crate::chrome::Chrome;
use crate::respond::{AppError, ErrorKind, Form};
use crate::state::AppState;

/// The form's two buttons.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Intent {
    Save,
    Submit,
}

impl Intent {
    fn of(posted: &HashMap<String, String>) -> Result<Self, AppError> {
        match posted.get("action").map(String::as_str) {
            None | Some("save") => Ok(Self::Save),
            Some("submit") => Ok(Self::Submit),
            Some(other) => Err(AppError::bad_request(format!("Thao tác “{other}” không có."))),
        }
    }
}

pub async fn save(
    State(state): State<AppState>,
    uri: Uri,
    at: WriteReport,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let at = ReadReport::from(at);
    // The page's frame is read only when the answer is a page.
    let chrome = async || Chrome::signed_in(&state, &at.user, uri.to_string()).await;
    let (year, unit) = (at.year, &at.unit);
    let plan = &state.plan;
    let posted: HashMap<String, String> = fields.into_iter().collect();
    let intent = Intent::of(&posted)?;
    let parsed = form::parse_inputs(plan, unit, &posted);
    let read = read_narratives(plan, &posted);
    let mut problems = read.problems;
    let raw_explanation = posted.get("explanation");
    let explanation = match raw_explanation.map(|e| text::clean(TextKind::Explanation, e)) {
        Some(Err(p)) => {
            problems.push(p.message());
            raw_explanation.cloned()
        }
        cleaned => cleaned.transpose().unwrap_or_default(),
    };
    let narratives = read.texts;
    if !parsed.errors.is_empty() || !problems.is_empty() {
        let mut alert = "Chưa lưu: có ô nhập sai, xem thông báo bên dưới.".to_string();
        for p in &problems {
            alert.push(' ');
            alert.push_str(p);
        }
        let sent = Sent {
            inputs: parsed.inputs,
            pending: parsed.changes,
            field_errors: parsed.errors,
            narratives: narratives.into_iter().collect(),
            explanation,
            ..Sent::default()
        };
        return page::rerender(&state, chrome().await, &at, sent, &alert).await;
    }
    let stamp = Stamp::now(&at.user.username);
    let changes = FormChanges {
        values: parsed.changes,
        narratives,
        explanation: explanation.clone(),
    };
    let saved = state.store.save_form(&stamp, &unit.code, year, &changes).await;
    // A report that may no longer be changed (sent or approved meanwhile):
    // the page again, with the reason.
    if let Err(e) = saved.map_err(AppError::from) {
        return match e.kind {
            ErrorKind::Conflict => page::rerender(&state, chrome().await, &at, Sent::default(), &e.message).await,
            _ => Err(e),
        };
    }
    if intent == Intent::Save {
        return Ok(Redirect::to(&format!("/reports/{year}/{}?msg=saved", unit.code)).into_response());
    }
    let prev = page::previous_year(&state, &unit.code, year).await?;
    let explained = explanation.as_deref().is_some_and(|e| !e.is_empty());
    let role = at.user.role;
    let decide = |st: ReportState, vals: &UnitValues| {
        let found = form::findings(plan, unit, vals, Some(&prev));
        let facts = Facts {
            own_unit: true,
            has_errors: found.iter().any(|f| f.severity == Severity::Error),
            unexplained_warnings: !explained && found.iter().any(|f| f.severity == Severity::Warning),
            has_reason: false,
        };
        workflow::transition(st, Action::Submit, role, facts)
    };
    match state.store.transition(&stamp, plan, &unit.code, year, decide).await {
        Ok(_) => Ok(Redirect::to(&format!("/reports/{year}/{}?msg=submitted", unit.code)).into_response()),
        Err(StorageError::Refused(r)) => {
            page::rerender(&state, chrome().await, &at, Sent::default(), not_sent_because(r)).await
        }
        Err(e) => Err(e.into()),
    }
}

/// Saved, but not submitted: why, in words that say what to do.
fn not_sent_because(r: Refusal) -> &'static str {
    match r {
        Refusal::HasErrors => "Đã lưu nhưng chưa gửi: báo cáo còn lỗi, cần sửa các ô được đánh dấu.",
        Refusal::UnexplainedWarnings => {
            "Đã lưu nhưng chưa gửi: cần ghi giải trình cho các cảnh báo (ô “Giải trình” ngay dưới danh sách cảnh báo ở đầu biểu mẫu)."
        }
        _ => "Đã lưu nhưng chưa gửi được: báo cáo không ở trạng thái cho phép gửi.",
    }
}
