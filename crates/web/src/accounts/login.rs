//! `/login` and `/logout`.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use xhht_domain::audit::Change;
use xhht_storage::Stamp;

use super::next::safe_next;
use crate::auth::{ClientAddr, CurrentUser, MaybeUser, SESSION_COOKIE, Ticket, account_key, cookie};
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
    /// The unit whose administrators reset passwords, when the plan's
    /// administrators all belong to one (see [`admin_office`]).
    pub admin_office: String,
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

pub async fn form(State(state): State<AppState>, chrome: Chrome, Query(q): Query<NextQuery>) -> LoginPage {
    LoginPage {
        chrome,
        next: safe_next(q.next.as_deref()),
        username: String::new(),
        error: String::new(),
        admin_office: admin_office(&state).await,
    }
}

/// Who resets a forgotten password: the unit of the plan's enabled
/// administrators when they all belong to one (the office that runs the
/// plan), else nothing and the page says "the administrator".
async fn admin_office(state: &AppState) -> String {
    let admins = xhht_storage::UserFilter {
        role: Some(xhht_domain::access::Role::Admin),
        ..Default::default()
    };
    let Ok((rows, _)) = state.store.users_page(&admins, 0, crate::paging::PAGE_SIZE).await else {
        return String::new();
    };
    let mut units: Vec<&str> = rows
        .iter()
        .filter(|u| !u.disabled)
        .map(|u| u.org_unit_code.as_str())
        .collect();
    units.sort_unstable();
    units.dedup();
    match units.as_slice() {
        [one] => state.plan.unit(one).map(|u| u.name.clone()).unwrap_or_default(),
        _ => String::new(),
    }
}

#[derive(Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
    #[serde(default)]
    next: String,
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
    let office = admin_office(&state).await;
    let refuse = |status: StatusCode, error: String| {
        let page = LoginPage {
            chrome: chrome.clone(),
            next: safe_next(Some(&f.next)),
            // Echo what a username can be, not what was typed (maybe a megabyte).
            username: name_start(&f.username),
            error,
            admin_office: office.clone(),
        };
        Ok((status, page).into_response())
    };
    // A try is reserved before the password is verified: parallel tries
    // cannot overshoot the limits.
    let ticket = match state.throttle.reserve(account_key(&f.username), addr) {
        Ok(ticket) => ticket,
        Err(wait) => return refuse(StatusCode::TOO_MANY_REQUESTS, wait_message(wait)),
    };
    let user = state.store.check_login(&f.username, &f.password).await.map_err(busy)?;
    let Some(user) = user else {
        failed(&state, ticket, &f.username, addr).await;
        return refuse(
            StatusCode::UNAUTHORIZED,
            "Tên đăng nhập hoặc mật khẩu không đúng.".into(),
        );
    };
    ticket.succeeded();
    // A new session id at every login: the old one (if any) is dropped.
    if let Some(old) = cookie(&headers, SESSION_COOKIE) {
        let _ = state.store.delete_session(&old).await;
    }
    let now = chrono::Utc::now();
    if let Err(e) = state.store.purge_sessions(now).await {
        tracing::warn!(error = %e, "expired sessions not purged");
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
        must_change_password: user.must_change_password,
        notices: None,
    };
    // The account works in its own plan: the site switches to it.
    let own = state.plans.iter().find(|p| p.store.scope() == user.plan_id);
    let plan = own.map_or(&state.plan, |p| &p.plan);
    let own_store = own.map_or(&state.store, |p| &p.store);
    let change = Change::LoginSucceeded {
        username: current.username.clone(),
    };
    audit(own_store, &current.username, Some(&current.org_unit), &change).await;
    let target = if current.must_change_password {
        crate::auth::PASSWORD_PAGE.to_string()
    } else if f.next.is_empty() || f.next == "/" || own.is_some_and(|p| p.plan.info.code != state.plan.info.code) {
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

fn wait_message(wait: std::time::Duration) -> String {
    let secs = wait.as_secs().max(1);
    let when = if secs < 60 {
        format!("{secs} giây")
    } else {
        format!("{} phút", secs.div_ceil(60))
    };
    format!("Bạn đã nhập sai mật khẩu quá nhiều lần. Vui lòng thử lại sau {when}.")
}

/// A refused login: counted, and recorded with a digest of the name and
/// its first characters only.
async fn failed(state: &AppState, ticket: Ticket, username: &str, addr: std::net::IpAddr) {
    ticket.failed();
    let digest: String = account_key(username).iter().map(|b| format!("{b:02x}")).collect();
    let change = Change::LoginFailed {
        name_digest: digest,
        name_start: name_start(username),
        address: addr.to_string(),
    };
    audit(&state.store, "", None, &change).await;
}

/// At most 40 characters of a typed name, without control characters.
fn name_start(typed: &str) -> String {
    typed.trim().chars().filter(|c| !c.is_control()).take(40).collect()
}

/// An audit failure does not stop a login or logout; it is logged.
async fn audit(store: &xhht_storage::Store, actor: &str, unit: Option<&str>, change: &Change) {
    if let Err(e) = store.audit_login(&Stamp::now(actor), unit, change).await {
        tracing::error!(error = %e, kind = change.kind(), "login event not recorded");
    }
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

pub async fn logout(
    State(state): State<AppState>,
    axum::Extension(user): axum::Extension<MaybeUser>,
    headers: HeaderMap,
) -> Response {
    if let Some(u) = user.0 {
        let _ = state.store.delete_session(&u.session_token).await;
        let change = Change::LoggedOut {
            username: u.username.clone(),
        };
        audit(&state.store, &u.username, Some(&u.org_unit), &change).await;
    }
    let secure = state.secure_cookies || forwarded_https(&headers);
    ([(header::SET_COOKIE, session_cookie("", 0, secure))], Redirect::to("/")).into_response()
}
