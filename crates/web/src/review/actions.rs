//! `POST /reports/{year}/{unit}/review`: return (with a comment), approve, or
//! reopen an approved report (with a reason). Done: back to the report. Not
//! done: a page that says why, with a link back; a report someone else moved
//! first is a 409.

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use xhht_domain::values::UnitValues;
use xhht_domain::workflow::{self, Action, Facts, Refusal, ReportState};
use xhht_storage::{Stamp, StorageError};

use crate::auth::ReviewReport;
use crate::respond::{AppError, Form};
use crate::state::AppState;

/// The review form's buttons.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub enum ReviewAction {
    Approve,
    Return,
    Reopen,
}

impl TryFrom<String> for ReviewAction {
    type Error = String;

    fn try_from(raw: String) -> Result<Self, Self::Error> {
        match raw.as_str() {
            "approve" => Ok(Self::Approve),
            "return" => Ok(Self::Return),
            "reopen" => Ok(Self::Reopen),
            _ => Err(format!("thao tác “{raw}” không có")),
        }
    }
}

impl ReviewAction {
    fn workflow(self) -> Action {
        match self {
            Self::Approve => Action::Approve,
            Self::Return => Action::Return,
            Self::Reopen => Action::Reopen,
        }
    }

    /// The report page's `?msg=` once done.
    fn done(self) -> &'static str {
        match self {
            Self::Approve => "approved",
            Self::Return => "returned",
            Self::Reopen => "reopened",
        }
    }
}

#[derive(Deserialize)]
pub struct ReviewForm {
    action: ReviewAction,
    #[serde(default)]
    reason: String,
}

pub async fn act(
    State(state): State<AppState>,
    at: ReviewReport,
    Form(f): Form<ReviewForm>,
) -> Result<Response, AppError> {
    let (year, unit) = (at.year, &at.unit.code);
    let report = format!("/reports/{year}/{unit}");
    let reason = xhht_domain::text::clean(xhht_domain::text::TextKind::Reason, &f.reason)
        .map_err(|p| AppError::invalid(p.message()).back_to(report.clone(), "Quay lại báo cáo"))?;
    let mut stamp = Stamp::now(&at.user.username);
    if !reason.is_empty() {
        stamp = stamp.with_reason(reason.clone());
    }
    let facts = Facts {
        has_reason: !reason.is_empty(),
        ..Facts::default()
    };
    let (action, role) = (f.action.workflow(), at.user.role);
    let decide = |st: ReportState, _: &UnitValues| workflow::transition(st, action, role, facts);
    let done = state.store.transition(&stamp, &state.plan, unit, year, decide).await;
    match done {
        Ok(_) => Ok(Redirect::to(&format!("{report}?msg={}", f.action.done())).into_response()),
        Err(e) => Err(explain(e).back_to(report, "Quay lại báo cáo")),
    }
}

/// The refusal in the reviewer's words; the rest as every page says it.
fn explain(e: StorageError) -> AppError {
    match e {
        StorageError::Refused(Refusal::MissingReason) => {
            AppError::invalid("Cần ghi rõ lý do (nhận xét) khi trả lại hoặc mở lại báo cáo.").titled("Chưa ghi lý do")
        }
        StorageError::Refused(Refusal::WrongState) => AppError::conflict(
            "Báo cáo không còn ở trạng thái cho phép thao tác này: có thể vừa được người khác duyệt, trả lại hoặc mở lại. Hãy tải lại trang báo cáo.",
        ),
        StorageError::NotFound(_) => AppError::invalid("Đơn vị chưa có báo cáo năm này."),
        other => other.into(),
    }
}
