//! `POST /review/{year}/nhac-nho`: "Nhắc các đơn vị còn thiếu". A reviewer
//! reminds every unit that has not sent its report of the year (not
//! started, draft, returned) at once: one locked write of the notices with
//! one audit event listing the units, then the e-mails. With nothing
//! missing it writes nothing and says so on the list.

use axum::extract::State;
use axum::response::Redirect;

use crate::auth::{PlanYear, Reviewer};
use crate::reminders::remind_missing;
use crate::respond::AppError;
use crate::state::AppState;

pub async fn remind(
    State(state): State<AppState>,
    Reviewer(user): Reviewer,
    PlanYear(year): PlanYear,
) -> Result<Redirect, AppError> {
    let units = remind_missing(&state, &user.username, year).await?;
    Ok(Redirect::to(&match units.len() {
        0 => format!("/review/{year}?msg=nothing_missing"),
        n => format!("/review/{year}?msg=reminded&count={n}"),
    }))
}
