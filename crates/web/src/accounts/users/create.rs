//! `POST /admin/users`: one account, its password generated and shown once.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use xhht_storage::{Conflict, StorageError};

use super::{CreateCard, ListQuery, NewField, Outcome, check_fields, create_all, render};
use crate::auth::Admin;
use crate::chrome::Chrome;
use crate::respond::{AppError, Form};
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
    let refused = |field: NewField, message: String| Outcome {
        create: CreateCard::refused(&f.username, &f.display_name, &f.role, &f.org_unit, field, message),
        ..Outcome::default()
    };
    let status = StatusCode::UNPROCESSABLE_ENTITY;
    let list = ListQuery::default();
    let checked = match check_fields(&state, &f.username, &f.display_name, &f.role, &f.org_unit) {
        Ok(c) => c,
        Err((field, msg)) => return render(&state, chrome, &admin, status, refused(field, msg), &list).await,
    };
    match create_all(&state, &admin, std::slice::from_ref(&checked)).await {
        Ok(()) => {
            let notice = format!(
                "Đã tạo tài khoản “{}”. Mật khẩu chỉ hiện một lần, hãy gửi cho người dùng; người dùng phải đổi nó ở lần đăng nhập đầu tiên.",
                checked.username
            );
            let out = Outcome::notice(notice, vec![(checked.username, checked.password)]);
            render(&state, chrome, &admin, StatusCode::OK, out, &list).await
        }
        // A taken username (or a unit gone meanwhile): beside its field, the form as typed.
        Err(StorageError::Conflict(c @ (Conflict::UsernameTaken { .. } | Conflict::UnknownUnit { .. }))) => {
            let field = match c {
                Conflict::UsernameTaken { .. } => NewField::Username,
                _ => NewField::Unit,
            };
            let message = AppError::from(StorageError::Conflict(c)).message;
            render(&state, chrome, &admin, status, refused(field, message), &list).await
        }
        Err(e) => Err(e.into()),
    }
}
