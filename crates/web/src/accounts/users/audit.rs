//! `POST /admin/audit/verify`: an administrator checks the audit trail
//! again (the server checks it once at start, and keeps the result for the
//! banner); the page and the banner show the new result.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

use super::{ListQuery, Outcome, render};
use crate::auth::Admin;
use crate::chrome::Chrome;
use crate::respond::AppError;
use crate::state::AppState;

pub async fn verify(State(state): State<AppState>, mut chrome: Chrome, admin: Admin) -> Result<Response, AppError> {
    let problem = state.check_audit().await?;
    // The frame was built from the result before this check.
    chrome.audit_alarm = problem.clone();
    let out = match problem {
        None => Outcome::notice(
            "Đã kiểm tra lại nhật ký kiểm toán: chuỗi mã băm nguyên vẹn, số liệu chính thức khớp nhật ký.".into(),
            Vec::new(),
        ),
        Some(problem) => Outcome::error(problem),
    };
    render(&state, chrome, &admin, StatusCode::OK, out, &ListQuery::default()).await
}
