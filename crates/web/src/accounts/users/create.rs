//! `POST /admin/users`: one account, its password generated and shown once.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::{ListQuery, Outcome, check, create_all, render};
use crate::auth::Admin;
use crate::chrome::Chrome;
use crate::respond::{AppError, ErrorKind, Form};
use crate::state::AppState;

#[derive(Deserialize)]
pub struct CreateForm {
    username: String,
    display_name: String,
    role: String,
    org_unit: String,
}

pub async fn create(
    State(state): State<AppState>,
    chrome: Chrome,
    admin: Admin,
    Form(f): Form<CreateForm>,
) -> Result<Response, AppError> {
    let checked = match check(&state, &f.username, &f.display_name, &f.role, &f.org_unit) {
        Ok(c) => c,
        Err(msg) => {
            return render(
                &state,
                chrome,
                &admin,
                StatusCode::UNPROCESSABLE_ENTITY,
                Outcome::error(msg),
                &ListQuery::default(),
            )
            .await;
        }
    };
    match create_all(&state, &admin, std::slice::from_ref(&checked))
        .await
        .map_err(AppError::from)
    {
        Ok(()) => {
            let notice = format!(
                "Đã tạo tài khoản “{}”. Mật khẩu chỉ hiện một lần, hãy gửi cho người dùng.",
                checked.username
            );
            let out = Outcome::notice(notice, vec![(checked.username, checked.password)]);
            render(&state, chrome, &admin, StatusCode::OK, out, &ListQuery::default()).await
        }
        // A taken username is shown above the list, with the form still there.
        Err(e) if e.kind == ErrorKind::Conflict => {
            render(
                &state,
                chrome,
                &admin,
                StatusCode::UNPROCESSABLE_ENTITY,
                Outcome::error(e.message),
                &ListQuery::default(),
            )
            .await
        }
        Err(e) => Err(e),
    }
}
