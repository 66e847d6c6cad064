//! Who is asking: sessions from the cookie, CSRF and Origin checks on every
//! state-changing request, login throttling, and the extractors that let a
//! handler run only for the roles ([`roles`]) and units ([`scope`]) allowed.

mod client;
mod roles;
mod scope;
mod throttle;

pub use client::{ClientAddr, TrustedProxy, parse_trusted};
pub use roles::{Admin, AreaReader, AreaViewer, Reviewer};
pub use scope::{PlanYear, ReadReport, ReportUnit, ReviewReport, WriteReport};
pub use throttle::{Limits, LoginThrottle, Ticket, account_key};

use std::sync::Arc;

use axum::body::{Body, to_bytes};
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use xhht_domain::access::{Principal, Role};
use xhht_storage::NoticeRow;

use crate::respond::{AppError, ErrorKind};
use crate::state::AppState;

pub const SESSION_COOKIE: &str = "xhht_session";
/// Name of the hidden form field (or `x-csrf-token` header) carrying the token.
pub const CSRF_FIELD: &str = "_csrf";

/// The logged-in account of a request.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub org_unit: String,
    pub csrf: String,
    pub session_token: String,
    /// Holds a password an administrator generated: every page but the
    /// password page sends it there until it is changed ([`first_login`]).
    pub must_change_password: bool,
    /// Its unread notices, read with the session when it is in its own
    /// plan (`None`: read them when a page needs them).
    pub notices: Option<Arc<Vec<NoticeRow>>>,
}

impl CurrentUser {
    pub fn principal(&self) -> Principal {
        Principal {
            role: self.role,
            org_unit: self.org_unit.clone(),
        }
    }
}

/// Inserted by [`session`] into every request.
#[derive(Debug, Clone, Default)]
pub struct MaybeUser(pub Option<CurrentUser>);

pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// Middleware: loads the session's account, then refuses any state-changing
/// request whose Origin is foreign or, with a session, whose CSRF token is
/// missing or wrong. Refused requests never reach a handler. The account is
/// also put on the response, so an error page can show who is logged in.
pub async fn session(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let user = match load_user(&state, req.headers()).await {
        Ok(u) => MaybeUser(u),
        Err(e) => return e.into_response(),
    };
    let mut res = match guard(req, user.0.as_ref()).await {
        Ok(mut req) => match first_login(&req, user.0.as_ref()) {
            Some(to_password_page) => to_password_page,
            None => {
                req.extensions_mut().insert(user.clone());
                next.run(req).await
            }
        },
        Err(e) => e.into_response(),
    };
    res.extensions_mut().insert(user);
    res
}

pub(crate) async fn load_user(state: &AppState, headers: &HeaderMap) -> Result<Option<CurrentUser>, AppError> {
    let Some(token) = cookie(headers, SESSION_COOKIE) else {
        return Ok(None);
    };
    let found = state.store.session_user(&token).await.map_err(|e| {
        tracing::error!(error = %e, "session lookup failed");
        AppError::new(ErrorKind::Busy, "")
    })?;
    // An account belongs to a unit of its own plan. In another plan it acts
    // for the same administrative unit when that plan covers it (found by
    // the register, never by code: 00004 was Trúc Bạch in 56/KH-UBND and is
    // Phường Ba Đình in the new ward's plan); otherwise it is a visitor.
    let Some(found) = found else {
        return Ok(None);
    };
    let u = found.user;
    let unit = if state.is_own_plan(u.plan_id) {
        u.org_unit_code.clone()
    } else {
        match state.same_unit_here(u.plan_id, &u.org_unit_code) {
            Some(unit) => unit,
            None => return Ok(None),
        }
    };
    Ok(Some(CurrentUser {
        role: u.role,
        id: u.id,
        username: u.username,
        display_name: u.display_name,
        org_unit: unit,
        csrf: found.csrf,
        session_token: token,
        must_change_password: u.must_change_password,
        notices: found.notices.map(Arc::new),
    }))
}

/// Where an account that must change its generated password may go: the
/// password page, logging out or in again, the static files, the health
/// check. Anything else is sent to the password page (the API answers 403).
fn first_login(req: &Request, user: Option<&CurrentUser>) -> Option<Response> {
    if !user?.must_change_password {
        return None;
    }
    let path = req.uri().path();
    let open = [PASSWORD_PAGE, "/logout", "/login", "/healthz"].contains(&path) || path.starts_with("/static/");
    if open {
        return None;
    }
    if path == "/api" || path.starts_with("/api/") {
        let e = AppError::forbidden("Tài khoản cần đổi mật khẩu tạm trước khi dùng tiếp (trang /account/password).");
        return Some(e.into_response());
    }
    Some(axum::response::Redirect::to(PASSWORD_PAGE).into_response())
}

/// The page an account with a generated password is sent to.
pub const PASSWORD_PAGE: &str = "/account/password";

/// The Origin and CSRF checks of a state-changing request.
async fn guard(req: Request, user: Option<&CurrentUser>) -> Result<Request, AppError> {
    if is_safe(req.method()) {
        return Ok(req);
    }
    if !same_origin(req.headers()) {
        return Err(AppError::forbidden("Yêu cầu đến từ một trang khác nên bị từ chối."));
    }
    match user {
        Some(u) => check_csrf(req, &u.csrf).await,
        None => Ok(req),
    }
}

fn is_safe(m: &Method) -> bool {
    matches!(*m, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// A browser sends Origin on cross-site posts; when present it must name this host.
fn same_origin(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return true;
    };
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    let origin_host = origin.split_once("://").map_or(origin, |(_, h)| h);
    host.is_some_and(|h| h.eq_ignore_ascii_case(origin_host))
}

/// Finds the token in the `x-csrf-token` header, the query string, or a
/// url-encoded body (which is read and put back).
async fn check_csrf(req: Request, expected: &str) -> Result<Request, AppError> {
    let refused = || {
        AppError::forbidden("Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ. Vui lòng tải lại trang và thử lại.")
    };
    let from_header = req
        .headers()
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
        .map(String::from);
    let from_query = req.uri().query().and_then(|q| {
        serde_urlencoded::from_str::<Vec<(String, String)>>(q)
            .ok()?
            .into_iter()
            .find(|(k, _)| k == CSRF_FIELD)
            .map(|(_, v)| v)
    });
    if let Some(t) = from_header.or(from_query) {
        return if constant_eq(&t, expected) {
            Ok(req)
        } else {
            Err(refused())
        };
    }
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|c| c.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return Err(refused());
    }
    let (parts, body) = req.into_parts();
    let bytes = to_bytes(body, crate::router::BODY_LIMIT)
        .await
        .map_err(|_| AppError::new(ErrorKind::TooLarge, "Dữ liệu gửi lên quá lớn."))?;
    let fields: Vec<(String, String)> = serde_urlencoded::from_bytes(&bytes).unwrap_or_default();
    let ok = fields.iter().any(|(k, v)| k == CSRF_FIELD && constant_eq(v, expected));
    if !ok {
        return Err(refused());
    }
    Ok(Request::from_parts(parts, Body::from(bytes)))
}

/// Compares without stopping at the first difference.
fn constant_eq(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Handlers that need a login take `CurrentUser` (any role); without one the
/// browser is sent to the login page and nothing else happens.
impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, Self::Rejection> {
        match parts.extensions.get::<MaybeUser>().and_then(|m| m.0.clone()) {
            Some(u) => Ok(u),
            None => {
                let next = parts.uri.path_and_query().map_or("/", |p| p.as_str());
                Err(AppError::sign_in(next))
            }
        }
    }
}

pub fn urlencode(s: &str) -> String {
    serde_urlencoded::to_string([("", s)])
        .map(|e| e[1..].to_string())
        .unwrap_or_default()
}
