//! `POST /admin/users/{id}/email`: an administrator sets the address an
//! account's reminders and digests are e-mailed to (empty clears it). A bad
//! address is refused beside its field, what was typed kept.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use xhht_storage::Stamp;

use super::{ListQuery, Outcome, render};
use crate::auth::Admin;
use crate::chrome::Chrome;
use crate::mailer::valid_address;
use crate::respond::{AppError, Form, Path, Query};
use crate::state::AppState;

#[derive(Deserialize)]
pub struct EmailForm {
    #[serde(default)]
    email: String,
}

pub async fn set(
    State(state): State<AppState>,
    chrome: Chrome,
    admin: Admin,
    Path(id): Path<i64>,
    Query(list): Query<ListQuery>,
    Form(f): Form<EmailForm>,
) -> Result<Response, AppError> {
    let target = state
        .store
        .user(id)
        .await?
        .filter(|u| state.is_own_plan(u.plan_id))
        .ok_or_else(|| AppError::not_found("Không có tài khoản này."))?;
    let email = f.email.trim();
    if !email.is_empty() && !valid_address(email) {
        let why = format!("“{email}” không phải địa chỉ e-mail (ví dụ: canbo@phuong.gov.vn).");
        let out = Outcome {
            email_error: Some((id, f.email.clone(), why)),
            ..Outcome::default()
        };
        return render(&state, chrome, &admin, StatusCode::UNPROCESSABLE_ENTITY, out, &list).await;
    }
    let stamp = Stamp::now(&admin.0.username);
    let email = (!email.is_empty()).then_some(email);
    state.store.set_email(&stamp, id, email).await?;
    let name = &target.username;
    let notice = match email {
        Some(e) => format!("Đã lưu e-mail của “{name}”: {e}."),
        None => format!("Đã xóa e-mail của “{name}”."),
    };
    render(
        &state,
        chrome,
        &admin,
        StatusCode::OK,
        Outcome::notice(notice, vec![]),
        &list,
    )
    .await
}
