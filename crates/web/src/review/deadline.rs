//! `POST /review/{year}/{unit}/deadline`: an administrator gives one unit more time.

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use serde::Deserialize;
use xhht_storage::Stamp;

use crate::auth::{Admin, ReportUnit};
use crate::respond::{AppError, Form};
use crate::state::AppState;

#[derive(Deserialize)]
pub struct ExtendForm {
    #[serde(default)]
    due: String,
    #[serde(default)]
    reason: String,
}

pub async fn extend(
    State(state): State<AppState>,
    Admin(admin): Admin,
    ReportUnit { year, unit }: ReportUnit,
    Form(f): Form<ExtendForm>,
) -> Result<Response, AppError> {
    let back = |e: AppError| e.back_to(format!("/review/{year}"), "Quay lại danh sách báo cáo");
    let due = NaiveDate::parse_from_str(f.due.trim(), "%Y-%m-%d")
        .map_err(|_| back(AppError::invalid("Chọn ngày gia hạn hợp lệ.").titled("Ngày không hợp lệ")))?;
    let reason = xhht_domain::text::clean(xhht_domain::text::TextKind::Reason, &f.reason)
        .map_err(|p| back(AppError::invalid(p.message()).titled("Lý do không hợp lệ")))?;
    let reason = reason.as_str();
    if reason.is_empty() {
        return Err(back(AppError::invalid("Cần ghi lý do gia hạn.").titled("Thiếu lý do")));
    }
    if state.plan.due_date(year).is_some_and(|d| due <= d) {
        return Err(back(
            AppError::invalid("Ngày gia hạn phải sau hạn chung của kế hoạch.").titled("Ngày không hợp lệ"),
        ));
    }
    state
        .store
        .extend_deadline(&Stamp::now(&admin.username), &unit.code, year, due, reason)
        .await?;
    Ok(Redirect::to(&format!("/review/{year}?msg=extended")).into_response())
}
