//! `/login` and `/logout`.

use std::net::SocketAddr;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{ConnectInfo, FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::auth::{CurrentUser, MaybeUser, SESSION_COOKIE, cookie};
use crate::chrome::{Chrome, home_of};
use crate::respond::{AppError, ErrorKind, Form, Query};
use crate::state::AppState;

/// How long a session lasts.
const SESSION_HOURS: i64 = 12;

#[derive(Template, WebTemplate)]
#[template(path = "accounts/login.html")]
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

fn busy(e: xhht_storage::StorageError) -> AppError {
    tracing::error!(error = %e, "login failed");
    AppError::new(ErrorKind::Busy, "")
}

pub async fn submit(
    State(state): State<AppState>,
    chrome: Chrome,
    ClientAddr(addr): ClientAddr,
    headers: HeaderMap,
    Form(f): Form<LoginForm>,
) -> Result<Response, AppError> {
    let refuse = |status: StatusCode, error: String| {
        let page = LoginPage {
            chrome: chrome.clone(),
            next: safe_next(Some(&f.next)),
            username: f.username.clone(),
            error,
        };
        Ok((status, page).into_response())
    };
    if let Some(left) = state.throttle.blocked(&f.username, &addr) {
        let minutes = left.as_secs().div_ceil(60);
        return refuse(
            StatusCode::TOO_MANY_REQUESTS,
            format!("Bạn đã nhập sai mật khẩu quá nhiều lần. Vui lòng thử lại sau {minutes} phút."),
        );
    }
    let user = state.store.check_login(&f.username, &f.password).await.map_err(busy)?;
    let Some(user) = user else {
        state.throttle.failed(&f.username, &addr);
        return refuse(
            StatusCode::UNAUTHORIZED,
            "Tên đăng nhập hoặc mật khẩu không đúng.".into(),
        );
    };
    state.throttle.succeeded(&f.username, &addr);
    // A new session id at every login: the old one (if any) is dropped.
    if let Some(old) = cookie(&headers, SESSION_COOKIE) {
        let _ = state.store.delete_session(&old).await;
    }
    let session = state
        .store
        .create_session(user.id, chrono::Duration::hours(SESSION_HOURS))
        .await
        .map_err(busy)?;
    let current = CurrentUser {
        id: user.id,
        username: user.username,
        display_name: user.display_name,
        role: user.role,
        org_unit: user.org_unit_code,
        csrf: session.csrf_token,
        session_token: session.token.clone(),
    };
    // The account works in its own plan: the site switches to it.
    let own = state.plans.iter().find(|p| p.store.scope() == user.plan_id);
    let plan = own.map_or(&state.plan, |p| &p.plan);
    let target = if f.next.is_empty() || f.next == "/" || own.is_some_and(|p| p.plan.info.code != state.plan.info.code)
    {
        home_of(plan, &current)
    } else {
        safe_next(Some(&f.next))
    };
    let secure = state.secure_cookies || forwarded_https(&headers);
    let set = session_cookie(&session.token, SESSION_HOURS * 3600, secure);
    let pick = format!(
        "{}={}; Path=/; SameSite=Lax; HttpOnly",
        crate::plan_pick::PLAN_COOKIE,
        plan.info.code
    );
    let mut res = ([(header::SET_COOKIE, set)], Redirect::to(&target)).into_response();
    if let Ok(v) = header::HeaderValue::from_str(&pick) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(res)
}

fn forwarded_https(headers: &HeaderMap) -> bool {
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
