//! `POST /admin/users/{id}`: `action` = disable | enable | reset.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use xhht_storage::{Stamp, random_password};

use super::{ListQuery, Outcome, render};
use crate::auth::Admin;
use crate::chrome::Chrome;
use crate::respond::{AppError, Form, Path, Query};
use crate::state::AppState;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub enum UserAction {
    Disable,
    Enable,
    Reset,
}

impl TryFrom<String> for UserAction {
    type Error = String;

    fn try_from(raw: String) -> Result<Self, Self::Error> {
        match raw.as_str() {
            "disable" => Ok(Self::Disable),
            "enable" => Ok(Self::Enable),
            "reset" => Ok(Self::Reset),
            _ => Err(format!("thao tác “{raw}” không có")),
        }
    }
}

#[derive(Deserialize)]
pub struct ActionForm {
    action: UserAction,
}

pub async fn act(
    State(state): State<AppState>,
    chrome: Chrome,
    admin: Admin,
    Path(id): Path<i64>,
    Query(list): Query<ListQuery>,
    Form(f): Form<ActionForm>,
) -> Result<Response, AppError> {
    // An account of another plan is not this administrator's.
    let target = state
        .store
        .user(id)
        .await?
        .filter(|u| u.plan_id == state.store.scope())
        .ok_or_else(|| {
            AppError::not_found("Không có tài khoản này.").back_to("/admin/users", "Về danh sách tài khoản")
        })?;
    if target.id == admin.0.id && f.action == UserAction::Disable {
        let out = Outcome::error("Không thể tự khóa tài khoản của mình.");
        return render(&state, chrome, &admin, StatusCode::UNPROCESSABLE_ENTITY, out, &list).await;
    }
    let stamp = Stamp::now(&admin.0.username);
    let name = &target.username;
    let out = match f.action {
        UserAction::Disable => {
            state.store.set_disabled(&stamp, id, true).await?;
            Outcome::notice(format!("Đã khóa tài khoản “{name}”."), vec![])
        }
        UserAction::Enable => {
            state.store.set_disabled(&stamp, id, false).await?;
            Outcome::notice(format!("Đã mở khóa tài khoản “{name}”."), vec![])
        }
        UserAction::Reset => {
            let password = random_password();
            state.store.reset_password(&stamp, id, &password).await?;
            Outcome::notice(
                format!(
                    "Đã đặt lại mật khẩu “{name}”. Mật khẩu chỉ hiện một lần; người dùng phải đổi nó ở lần đăng nhập đầu tiên."
                ),
                vec![(name.clone(), password)],
            )
        }
    };
    render(&state, chrome, &admin, StatusCode::OK, out, &list).await
}
