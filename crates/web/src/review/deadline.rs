//! `POST /review/{year}/{unit}/deadline`: an administrator gives one unit more
//! time. Only a report not yet approved gets more time, and only to a day
//! after the plan's deadline of the year and within the plan's period. The
//! date is typed as dd/mm/yyyy (a date picker shows mm/dd/yyyy in an English
//! browser). A refusal re-renders the list with the message beside the
//! field and what was typed kept; nothing is written.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use xhht_domain::text::{TextKind, clean, date, parse_date};
use xhht_domain::workflow::ReportState;
use xhht_storage::{Conflict, Stamp, StorageError};

use super::filter::ListParams;
use super::list::{ExtendError, build};
use crate::auth::{Admin, AreaViewer, ReportUnit};
use crate::chrome::Chrome;
use crate::respond::{AppError, Form};
use crate::state::AppState;

#[derive(Deserialize)]
pub struct ExtendForm {
    #[serde(default)]
    due: String,
    #[serde(default)]
    reason: String,
    /// The list's view the form was sent from.
    #[serde(flatten)]
    view: ListParams,
}

pub async fn extend(
    State(state): State<AppState>,
    chrome: Chrome,
    Admin(admin): Admin,
    // The list a refusal re-renders, as the administrator sees it.
    viewer: AreaViewer,
    ReportUnit { year, unit }: ReportUnit,
    Form(f): Form<ExtendForm>,
) -> Result<Response, AppError> {
    let plan = &state.plan;
    let refuse = |field: &'static str, message: String| ExtendError {
        unit: unit.code.clone(),
        unit_name: unit.name.clone(),
        field,
        message,
        due: f.due.clone(),
        reason: f.reason.clone(),
    };
    let checked = async {
        let report = state.store.report(&unit.code, year).await?;
        if report.is_some_and(|r| r.state == ReportState::Approved) {
            return Ok(Err(refuse(
                "due",
                format!("Báo cáo năm {year} của {} đã được duyệt, không gia hạn nữa.", unit.name),
            )));
        }
        let due = match parse_date(&f.due) {
            Ok(d) => d,
            Err(m) => return Ok(Err(refuse("due", m))),
        };
        let end = plan.period_end();
        if let Some(plan_due) = plan.due_date(year)
            && (due <= plan_due || due > end)
        {
            return Ok(Err(refuse(
                "due",
                format!(
                    "Ngày gia hạn phải sau hạn chung {} và không quá {}, ngày cuối của kế hoạch {}.",
                    date(plan_due),
                    date(end),
                    plan.info.number
                ),
            )));
        }
        let reason = match clean(TextKind::Reason, &f.reason) {
            Ok(r) if r.is_empty() => return Ok(Err(refuse("reason", "Cần ghi lý do gia hạn.".into()))),
            Ok(r) => r,
            Err(p) => return Ok(Err(refuse("reason", p.message()))),
        };
        match state
            .store
            .extend_deadline(&Stamp::now(&admin.username), &unit.code, year, due, &reason)
            .await
        {
            Ok(()) => Ok(Ok(())),
            // Approved between the check above and the write.
            Err(StorageError::Conflict(Conflict::WrongState { .. })) => Ok(Err(refuse(
                "due",
                format!(
                    "Báo cáo năm {year} của {} vừa được duyệt, không gia hạn nữa.",
                    unit.name
                ),
            ))),
            Err(e) => Err(AppError::from(e)),
        }
    };
    match checked.await? {
        Ok(()) => {
            let unit_param = serde_urlencoded::to_string([("unit", unit.code.as_str())]).unwrap_or_default();
            let to = format!("/review/{year}?msg=extended&{unit_param}&{}", f.view.query());
            Ok(Redirect::to(&to).into_response())
        }
        Err(error) => {
            let page = build(&state, chrome, &viewer, year, f.view.clone(), None, Some(error)).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}
