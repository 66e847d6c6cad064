//! The router: pages, API, static files, and the layers every request passes.

mod admin;
mod api;
mod dashboard;
mod excel;
mod health;
mod home;
mod login;
mod reports;
mod review;
pub(crate) mod statics;

use std::time::Duration;

use axum::Router;
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::state::AppState;

/// Request bodies above this are refused before a handler runs.
pub const BODY_LIMIT: usize = 2 * 1024 * 1024;

pub fn router(state: AppState) -> Router {
    let security = [
        ("x-content-type-options", "nosniff"),
        ("x-frame-options", "DENY"),
        ("referrer-policy", "same-origin"),
        (
            "content-security-policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'",
        ),
    ];
    let mut router = Router::new()
        .route("/healthz", get(health::check))
        .route("/static/{file}", get(statics::file))
        .route("/login", get(login::form).post(login::submit))
        .route("/logout", post(login::logout))
        .route(
            "/account/password",
            get(login::password_form).post(login::password_change),
        )
        .route("/reports/{year}/{unit}", get(reports::show).post(reports::save))
        .route("/reports/{year}/{unit}/review", post(reports::review))
        .route("/reports/{year}/{unit}/mau.xlsx", get(excel::template))
        .route("/reports/{year}/{unit}/nhap-excel", post(excel::upload))
        .route("/review/{year}", get(review::page))
        .route("/review/{year}/{unit}/deadline", post(review::extend))
        .route("/review/{year}/bao-cao.docx", get(review::report_docx))
        .route("/review/{year}/phu-luc.xlsx", get(review::annex_xlsx))
        .route("/review/{year}/mau-tong-hop.xlsx", get(review::district_template))
        .route("/admin/users", get(admin::list).post(admin::create))
        .route("/admin/users/import", post(admin::import))
        .route("/admin/users/{id}", post(admin::act))
        .merge(
            api::routes()
                .into_iter()
                .fold(Router::new(), |r, (path, handler)| r.route(path, handler)),
        )
        .merge(dashboards(dashboard::Site::INTERNAL))
        .nest("/cong-khai", dashboards(dashboard::Site::PUBLIC))
        .fallback(home::not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::auth::session,
        ))
        .with_state(state);
    for (name, value) in security {
        router = router.layer(SetResponseHeaderLayer::if_not_present(
            HeaderName::from_static(name),
            HeaderValue::from_static(value),
        ));
    }
    router
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(30),
        ))
        .layer(TraceLayer::new_for_http())
}

/// The dashboard pages, mounted twice: internal and public (`/cong-khai`).
fn dashboards(site: dashboard::Site) -> Router<AppState> {
    Router::new()
        .route("/", get(dashboard::overview))
        .route("/chi-tieu/{code}", get(dashboard::indicator))
        .route("/chi-tieu/{code}/bieu-do.svg", get(dashboard::chart_svg))
        .route("/chi-tieu/{code}/du-lieu.csv", get(dashboard::data_csv))
        .route("/don-vi/{code}", get(dashboard::unit))
        .route("/so-sanh", get(dashboard::compare))
        .layer(axum::Extension(site))
}

#[derive(askama::Template, askama_web::WebTemplate)]
#[template(path = "message.html")]
pub struct MessagePage {
    pub chrome: crate::chrome::Chrome,
    pub title: String,
    pub text: String,
}

/// A short page with a title and a sentence, for refusals and errors.
pub fn message(status: StatusCode, title: &str, text: &str) -> Response {
    let chrome = crate::chrome::Chrome {
        is_sample: false,
        user: None,
    };
    (
        status,
        MessagePage {
            chrome,
            title: title.into(),
            text: text.into(),
        },
    )
        .into_response()
}

/// A stored state that refused a write, in Vietnamese.
pub fn conflict_text(c: &xhht_storage::Conflict) -> String {
    use crate::service::form::state_name;
    use xhht_storage::Conflict;
    match c {
        Conflict::NotEditable { state } => {
            format!("Báo cáo đang ở trạng thái «{}», không sửa được.", state_name(*state))
        }
        Conflict::WrongState { found } => format!(
            "Báo cáo vừa được người khác chuyển sang trạng thái «{}» (duyệt/trả lại); tải lại trang.",
            state_name(*found)
        ),
        Conflict::PlanInstalled { code } => format!("Cơ sở dữ liệu đã có kế hoạch «{code}»."),
        Conflict::UsernameTaken { username } => format!("Tên đăng nhập «{username}» đã có."),
        Conflict::UnknownUnit { code } => format!("Không có đơn vị «{code}»."),
    }
}

/// The page for a write that lost a race or met a changed report: 409,
/// nothing saved, reload to see the current state.
pub fn conflict(c: &xhht_storage::Conflict) -> Response {
    message(StatusCode::CONFLICT, "Báo cáo đã thay đổi", &conflict_text(c))
}

pub fn server_error(e: &xhht_storage::StorageError) -> Response {
    tracing::error!(error = %e, "request failed");
    message(
        StatusCode::INTERNAL_SERVER_ERROR,
        "Lỗi máy chủ",
        "Máy chủ gặp lỗi, chưa lưu gì. Vui lòng thử lại sau.",
    )
}

pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
pub const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/// A file to download, or a Vietnamese error page when making it failed.
pub fn attachment<E: std::fmt::Display>(made: Result<Vec<u8>, E>, mime: &str, filename: &str, what: &str) -> Response {
    match made {
        Ok(bytes) => {
            let disposition = format!("attachment; filename=\"{filename}\"");
            (
                [
                    (header::CONTENT_TYPE, mime.to_string()),
                    (header::CONTENT_DISPOSITION, disposition),
                ],
                bytes,
            )
                .into_response()
        }
        Err(e) => {
            tracing::error!(error = %e, "making {what} failed");
            message(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Lỗi máy chủ",
                &format!("Không tạo được {what}."),
            )
        }
    }
}

/// A refusal page for a year outside the plan, if it is.
pub fn year_outside_plan(state: &AppState, year: i32) -> Option<Response> {
    let r = &state.plan.reporting;
    (!(r.first_year..=r.last_year).contains(&year)).then(|| {
        message(
            StatusCode::NOT_FOUND,
            "Không có năm này",
            &format!("Năm {year} nằm ngoài thời gian của kế hoạch."),
        )
    })
}
