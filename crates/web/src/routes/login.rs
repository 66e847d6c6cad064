//! `/login`, `/logout`, `/account/password`.

use std::net::SocketAddr;

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{ConnectInfo, FromRequestParts, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use xhht_storage::Stamp;

use crate::auth::{CurrentUser, MaybeUser, SESSION_COOKIE, cookie};
use crate::chrome::{Chrome, home_of};
use crate::state::AppState;

/// How long a session lasts.
const SESSION_HOURS: i64 = 12;
/// Shortest password accepted.
pub const MIN_PASSWORD: usize = 10;

#[derive(Template, WebTemplate)]
#[template(path = "login.html")]
pub struct LoginPage {
    pub chrome: Chrome,
    pub next: String,
    pub username: String,
    pub error: String,
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

pub async fn form(chrome: Chrome, Query(q): Query<NextQuery>) -> LoginPage {
    LoginPage {
        chrome,
        next: safe_next(q.next.as_deref()),
        username: String::new(),
        error: String::new(),
    }
}

#[derive(Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
    #[serde(default)]
    next: String,
}

/// The client's address, for throttling (the socket's, when served).
pub struct ClientAddr(String);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let addr = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map_or_else(|| "local".to_string(), |c| c.0.ip().to_string());
        Ok(ClientAddr(addr))
    }
}

pub async fn submit(
    State(state): State<AppState>,
    chrome: Chrome,
    ClientAddr(addr): ClientAddr,
    headers: HeaderMap,
    Form(f): Form<LoginForm>,
) -> Response {
    let page = |status: StatusCode, error: &str| {
        let p = LoginPage {
            chrome: chrome.clone(),
            next: safe_next(Some(&f.next)),
            username: f.username.clone(),
            error: error.to_string(),
        };
        (status, p).into_response()
    };
    if let Some(left) = state.throttle.blocked(&f.username, &addr) {
        let minutes = left.as_secs().div_ceil(60);
        return page(
            StatusCode::TOO_MANY_REQUESTS,
            &format!("Bạn đã nhập sai mật khẩu quá nhiều lần. Vui lòng thử lại sau {minutes} phút."),
        );
    }
    let user = match state.store.check_login(&f.username, &f.password).await {
        Ok(u) => u,
        Err(e) => {
            tracing::error!(error = %e, "login failed");
            return page(StatusCode::SERVICE_UNAVAILABLE, "Máy chủ đang bận, vui lòng thử lại.");
        }
    };
    let Some(user) = user else {
        state.throttle.failed(&f.username, &addr);
        return page(StatusCode::UNAUTHORIZED, "Tên đăng nhập hoặc mật khẩu không đúng.");
    };
    state.throttle.succeeded(&f.username, &addr);
    // A new session id at every login: the old one (if any) is dropped.
    if let Some(old) = cookie(&headers, SESSION_COOKIE) {
        let _ = state.store.delete_session(&old).await;
    }
    let session = match state
        .store
        .create_session(user.id, chrono::Duration::hours(SESSION_HOURS))
        .await
    {
        Ok(s) => s,
        Err(e) => {
            tracing::error!(error = %e, "session creation failed");
            return page(StatusCode::SERVICE_UNAVAILABLE, "Máy chủ đang bận, vui lòng thử lại.");
        }
    };
    let current = CurrentUser {
        id: user.id,
        username: user.username,
        display_name: user.display_name,
        role: user.role,
        org_unit: user.org_unit_code,
        csrf: session.csrf_token,
        session_token: session.token.clone(),
    };
    let target = if f.next.is_empty() || f.next == "/" {
        home_of(&state.plan, &current)
    } else {
        safe_next(Some(&f.next))
    };
    let secure = state.secure_cookies || forwarded_https(&headers);
    let set = session_cookie(&session.token, SESSION_HOURS * 3600, secure);
    ([(header::SET_COOKIE, set)], Redirect::to(&target)).into_response()
}

pub fn forwarded_https(headers: &HeaderMap) -> bool {
    headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("https"))
}

fn session_cookie(token: &str, max_age: i64, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}")
}

/// Only paths of this site: no `//host` or `https://…` redirects.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_string(),
        _ => "/".to_string(),
    }
}

pub async fn logout(
    State(state): State<AppState>,
    axum::Extension(user): axum::Extension<MaybeUser>,
    headers: HeaderMap,
) -> Response {
    if let Some(u) = user.0 {
        let _ = state.store.delete_session(&u.session_token).await;
    }
    let secure = state.secure_cookies || forwarded_https(&headers);
    ([(header::SET_COOKIE, session_cookie("", 0, secure))], Redirect::to("/")).into_response()
}

#[derive(Template, WebTemplate)]
#[template(path = "password.html")]
pub struct PasswordPage {
    pub chrome: Chrome,
    pub error: String,
    pub done: bool,
}

pub async fn password_form(chrome: Chrome, _user: CurrentUser) -> PasswordPage {
    PasswordPage {
        chrome,
        error: String::new(),
        done: false,
    }
}

#[derive(Deserialize)]
pub struct PasswordForm {
    current: String,
    new: String,
    confirm: String,
}

pub async fn password_change(
    State(state): State<AppState>,
    chrome: Chrome,
    user: CurrentUser,
    Form(f): Form<PasswordForm>,
) -> Response {
    let fail = |status: StatusCode, error: &str| {
        (
            status,
            PasswordPage {
                chrome: chrome.clone(),
                error: error.into(),
                done: false,
            },
        )
            .into_response()
    };
    match state.store.password_matches(user.id, &f.current).await {
        Ok(true) => {}
        Ok(false) => return fail(StatusCode::UNPROCESSABLE_ENTITY, "Mật khẩu hiện tại không đúng."),
        Err(_) => return fail(StatusCode::SERVICE_UNAVAILABLE, "Máy chủ đang bận, vui lòng thử lại."),
    }
    if let Err(msg) = check_new_password(&f.new, &f.confirm) {
        return fail(StatusCode::UNPROCESSABLE_ENTITY, &msg);
    }
    if state
        .store
        .set_password(&Stamp::now(&user.username), user.id, &f.new)
        .await
        .is_err()
    {
        return fail(StatusCode::SERVICE_UNAVAILABLE, "Máy chủ đang bận, vui lòng thử lại.");
    }
    // Every session ended with the change; this one must log in again.
    let mut done = PasswordPage {
        chrome,
        error: String::new(),
        done: true,
    };
    done.chrome.user = None;
    done.into_response()
}

pub fn check_new_password(new: &str, confirm: &str) -> Result<(), String> {
    if new.chars().count() < MIN_PASSWORD {
        return Err(format!("Mật khẩu mới cần ít nhất {MIN_PASSWORD} ký tự."));
    }
    if new != confirm {
        return Err("Hai lần nhập mật khẩu mới không giống nhau.".into());
    }
    Ok(())
}
