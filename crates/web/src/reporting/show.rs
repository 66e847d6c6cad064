//! `GET /reports/{year}/{unit}`: the report page.

use axum::extract::State;
use serde::Deserialize;

use super::page::{self, Notice, ReportPage, Sent};
use crate::auth::ReadReport;
use crate::chrome::Chrome;
use crate::paging::PageNo;
use crate::respond::{AppError, Query};
use crate::state::AppState;

#[derive(Deserialize)]
pub struct ShowQuery {
    msg: Option<Notice>,
    /// The page of the history.
    #[serde(default)]
    trang: PageNo,
}

pub async fn show(
    State(state): State<AppState>,
    chrome: Chrome,
    at: ReadReport,
    Query(q): Query<ShowQuery>,
) -> Result<ReportPage, AppError> {
    let data = page::load(&state, &at.unit, at.year, q.trang).await?;
    let sent = Sent {
        notice: q.msg.map(|m| m.text(&state.plan)).unwrap_or_default(),
        ..Sent::default()
    };
    Ok(page::build(&state, chrome, &at, data, sent))
}
