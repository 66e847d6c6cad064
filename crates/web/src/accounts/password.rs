//! `/account/password`: every account changes its own password.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use xhht_storage::Stamp;

use crate::auth::CurrentUser;
use crate::chrome::Chrome;
use crate::respond::{AppError, ErrorKind, Form};
use crate::state::AppState;

/// Shortest password accepted.
const MIN_PASSWORD: usize = 10;

#[derive(Template, WebTemplate)]
#[template(path = "accounts/password.html")]
pub struct PasswordPage {
    pub chrome: Chrome,
    pub error: String,
    pub done: bool,
    /// The account holds a generated password and is kept here until it
    /// changes it.
    pub forced: bool,
}

pub async fn form(chrome: Chrome, user: CurrentUser) -> PasswordPage {
    PasswordPage {
        chrome,
        error: String::new(),
        done: false,
        forced: user.must_change_password,
    }
}

#[derive(Deserialize)]
pub struct PasswordForm {
    current: String,
    new: String,
    confirm: String,
}

pub async fn change(
    State(state): State<AppState>,
    chrome: Chrome,
    user: CurrentUser,
    Form(f): Form<PasswordForm>,
) -> Result<Response, AppError> {
    let refuse = |error: String| {
        let page = PasswordPage {
            chrome: chrome.clone(),
            error,
            done: false,
            forced: user.must_change_password,
        };
        Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
    };
    let busy = |_| AppError::new(ErrorKind::Busy, "");
    if !state.store.password_matches(user.id, &f.current).await.map_err(busy)? {
        return refuse("Mật khẩu hiện tại không đúng.".into());
    }
    if let Err(msg) = check_new_password(&f.new, &f.confirm) {
        return refuse(msg);
    }
    if f.new == f.current {
        return refuse("Mật khẩu mới phải khác mật khẩu đang dùng.".into());
    }
    state
        .store
        .set_password(&Stamp::now(&user.username), user.id, &f.new)
        .await
        .map_err(busy)?;
    // Every session ended with the change; this one must log in again.
    let mut done = PasswordPage {
        chrome,
        error: String::new(),
        done: true,
        forced: false,
    };
    done.chrome.user = None;
    Ok(done.into_response())
}

fn check_new_password(new: &str, confirm: &str) -> Result<(), String> {
    if new.chars().count() < MIN_PASSWORD {
        return Err(format!("Mật khẩu mới cần ít nhất {MIN_PASSWORD} ký tự."));
    }
    if new != confirm {
        return Err("Hai lần nhập mật khẩu mới không giống nhau.".into());
    }
    Ok(())
}
