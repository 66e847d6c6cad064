//! Errors as responses, in one place. Handlers return `Result<_, AppError>`
//! and use `?`; [`AppError`]'s `IntoResponse` keeps the error in the
//! response, and the [`render`] layer, which knows the request, turns it into
//! a Vietnamese page (with the logged-in user in the header) or, under
//! `/api/`, into `{"error": {"code": …, "message": …}}`.

mod download;
mod extract;
mod page;

use std::any::Any;

use axum::Json;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::json;
use xhht_domain::workflow::Refusal;
use xhht_storage::{Conflict, Missing, StorageError};

pub use download::{Cell, CsvDialect, DOCX, XLSX, attachment, csv_response};
pub use extract::{Form, Path, Query};
pub use page::MessagePage;

use crate::auth::{CurrentUser, MaybeUser};
use crate::chrome::Chrome;
use crate::state::AppState;

/// What went wrong, as far as the person asking is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// 400: a request no page of ours sends (a bad query parameter or action).
    BadRequest,
    /// Not logged in: pages send to the login form, the API answers 401.
    SignIn,
    /// 403
    Forbidden,
    /// 404
    NotFound,
    /// 409: someone else changed the same thing first.
    Conflict,
    /// 413
    TooLarge,
    /// 422: understood, refused; nothing was changed.
    Invalid,
    /// 408: the request took longer than the server waits.
    TimedOut,
    /// 503: the database did not answer in time.
    Busy,
    /// 500: a bug or a broken database. The cause is logged, never shown.
    Internal,
}

impl ErrorKind {
    pub fn status(self) -> StatusCode {
        match self {
            Self::BadRequest => StatusCode::BAD_REQUEST,
            Self::SignIn => StatusCode::UNAUTHORIZED,
            Self::Forbidden => StatusCode::FORBIDDEN,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::Conflict => StatusCode::CONFLICT,
            Self::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::TimedOut => StatusCode::REQUEST_TIMEOUT,
            Self::Invalid => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Busy => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The API's error code.
    pub fn code(self) -> &'static str {
        match self {
            Self::BadRequest => "bad_request",
            Self::SignIn => "sign_in_required",
            Self::Forbidden => "forbidden",
            Self::NotFound => "not_found",
            Self::Conflict => "conflict",
            Self::TooLarge => "too_large",
            Self::TimedOut => "timed_out",
            Self::Invalid => "invalid",
            Self::Busy => "busy",
            Self::Internal => "internal",
        }
    }

    /// A page's title when the handler gives none.
    fn title(self) -> &'static str {
        match self {
            Self::BadRequest => "Yêu cầu không hợp lệ",
            Self::SignIn => "Cần đăng nhập",
            Self::Forbidden => "Không có quyền",
            Self::NotFound => "Không tìm thấy",
            Self::Conflict => "Đã có thay đổi khác",
            Self::TooLarge => "Dữ liệu quá lớn",
            Self::TimedOut => "Quá thời gian chờ",
            Self::Invalid => "Chưa thực hiện được",
            Self::Busy => "Máy chủ đang bận",
            Self::Internal => "Lỗi máy chủ",
        }
    }
}

const INTERNAL_TEXT: &str = "Máy chủ gặp lỗi, chưa lưu gì. Vui lòng thử lại sau.";
const BUSY_TEXT: &str = "Máy chủ đang bận, chưa lưu gì. Vui lòng thử lại.";

/// An error a handler returns. `message` is Vietnamese and shown, except for
/// [`ErrorKind::Internal`], whose message is the logged cause.
#[derive(Debug, Clone)]
pub struct AppError {
    pub kind: ErrorKind,
    pub message: String,
    title: Option<String>,
    /// A link the page offers to go on: (address, words).
    back: Option<(String, String)>,
}

impl AppError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            title: None,
            back: None,
        }
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::BadRequest, message)
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Forbidden, message)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::NotFound, message)
    }

    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Conflict, message)
    }

    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Invalid, message)
    }

    pub fn internal(cause: impl std::fmt::Display) -> Self {
        Self::new(ErrorKind::Internal, cause.to_string())
    }

    /// Pages send to the login form and come back to `next` after it.
    pub fn sign_in(next: impl Into<String>) -> Self {
        Self::new(ErrorKind::SignIn, next)
    }

    pub fn titled(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }

    pub fn back_to(mut self, href: impl Into<String>, words: impl Into<String>) -> Self {
        self.back = Some((href.into(), words.into()));
        self
    }

    /// The text people see.
    pub fn shown(&self) -> &str {
        match self.kind {
            ErrorKind::Internal => INTERNAL_TEXT,
            ErrorKind::Busy if self.message.is_empty() => BUSY_TEXT,
            ErrorKind::SignIn => "Vui lòng đăng nhập.",
            _ => &self.message,
        }
    }

    pub fn title(&self) -> &str {
        self.title.as_deref().unwrap_or(self.kind.title())
    }

    /// The error as a page, for `user` (none on the public pages).
    fn page(&self, chrome: Chrome) -> Response {
        if self.kind == ErrorKind::SignIn {
            let target = format!("/login?next={}", crate::auth::urlencode(&self.message));
            return Redirect::to(&target).into_response();
        }
        let (back, back_words) = self.back.clone().unwrap_or_else(|| ("/".into(), "Về trang chủ".into()));
        let page = MessagePage {
            chrome,
            title: self.title().to_string(),
            text: self.shown().to_string(),
            back,
            back_words,
        };
        (self.kind.status(), page).into_response()
    }

    fn json(&self) -> Response {
        let body = json!({ "error": { "code": self.kind.code(), "message": self.shown() } });
        (self.kind.status(), Json(body)).into_response()
    }
}

impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.kind.code(), self.message)
    }
}

/// The one place storage errors become what people see. Conflicts and
/// refusals are the user's or a race's, never a 500.
impl From<StorageError> for AppError {
    fn from(e: StorageError) -> Self {
        match e {
            StorageError::Conflict(c) => conflict(&c),
            StorageError::Refused(r) => r.into(),
            StorageError::NotFound(m) => Self::not_found(missing_text(&m)),
            StorageError::Busy => Self::new(ErrorKind::Busy, ""),
            other => Self::internal(other),
        }
    }
}

/// A stored state that refused a write, in Vietnamese: 409, nothing changed.
/// Handlers that can show it in context (the form, user creation) catch it.
fn conflict(c: &Conflict) -> AppError {
    use crate::i18n::report_state_short as state;
    match c {
        Conflict::NotEditable { state: s } => AppError::conflict(format!(
            "Báo cáo đang ở trạng thái “{}”, không sửa được; tải lại trang để xem.",
            state(*s)
        )),
        Conflict::WrongState { found } => AppError::conflict(format!(
            "Báo cáo vừa được người khác chuyển sang trạng thái “{}” (duyệt/trả lại); tải lại trang.",
            state(*found)
        ))
        .titled("Báo cáo đã thay đổi"),
        Conflict::PlanInstalled { code } => AppError::conflict(format!(
            "Cơ sở dữ liệu đã có kế hoạch “{code}”; dùng “xhht plan upgrade” để cài phiên bản mới."
        )),
        Conflict::OtherPlan { installed, file } => AppError::conflict(format!(
            "Tệp là kế hoạch “{file}”, không phải phiên bản mới của kế hoạch “{installed}”."
        )),
        Conflict::WouldOrphan { items } => AppError::conflict(format!(
            "Phiên bản mới bỏ những mục đã có số liệu hoặc tài khoản: {}. Không thay đổi gì.",
            items.join(", ")
        )),
        Conflict::UsernameTaken { username } => AppError::conflict(format!("Tên đăng nhập “{username}” đã có.")),
        Conflict::UnknownUnit { code } => AppError::conflict(format!("Không có đơn vị “{code}”.")),
        Conflict::AccountChanged { username, role, unit } => AppError::conflict(format!(
            "Tài khoản “{username}” vừa được người khác sửa (nay là {}, đơn vị {unit}); chưa lưu gì, tải lại trang để xem.",
            crate::i18n::role(*role)
        ))
        .titled("Tài khoản đã thay đổi"),
        Conflict::OwnRole => AppError::invalid("Không thể tự đổi vai trò của mình; nhờ một quản trị viên khác."),
        Conflict::LastAdmin { username } => AppError::invalid(format!(
            "“{username}” là quản trị viên cuối cùng của kế hoạch: cần một quản trị viên khác trước khi đổi vai trò."
        )),
        Conflict::InvalidSplit { problem } => AppError::invalid(format!("Chưa lưu tỷ lệ: {problem}.")),
        Conflict::ReportIssued { year, number, .. } => AppError::conflict(format!(
            "Báo cáo năm {year} loại này đã ban hành (số {number}); văn bản đã ban hành không sửa và không ban hành lại được. \
             Muốn đính chính, lưu một phiên bản dự thảo mới và ban hành bằng văn bản khác."
        ))
        .titled("Báo cáo đã ban hành"),
    }
}

fn missing_text(m: &Missing) -> String {
    match m {
        Missing::Report { unit, year } => format!("Chưa có báo cáo năm {year} của đơn vị “{unit}”."),
        Missing::Account { .. } => "Không có tài khoản này.".into(),
        Missing::Unit { code } => format!("Không có đơn vị “{code}”."),
        Missing::Plan => "Chưa có kế hoạch trong cơ sở dữ liệu (chạy `xhht init`).".into(),
        Missing::DraftVersion { year, version, .. } => {
            format!("Dự thảo báo cáo năm {year} không có phiên bản {version}.")
        }
        Missing::Notice { .. } => "Không có thông báo này.".into(),
    }
}

/// A workflow refusal: a report moved under the user's feet is a conflict
/// (409), anything else is a request the user can fix (422) or may not make.
impl From<Refusal> for AppError {
    fn from(r: Refusal) -> Self {
        let kind = match r {
            Refusal::WrongState => ErrorKind::Conflict,
            Refusal::NotAllowed => ErrorKind::Forbidden,
            Refusal::HasErrors | Refusal::UnexplainedWarnings | Refusal::MissingReason => ErrorKind::Invalid,
        };
        Self::new(kind, r.to_string())
    }
}

impl IntoResponse for AppError {
    /// A page without the user; [`render`] replaces it with the full page or
    /// JSON once it knows the request.
    fn into_response(self) -> Response {
        if self.kind == ErrorKind::Internal {
            tracing::error!(cause = %self.message, "request failed");
        }
        let chrome = Chrome {
            is_sample: false,
            audit_alarm: None,
            user: None,
            plan: Default::default(),
            notices: Vec::new(),
            here: "/".into(),
        };
        let mut res = self.page(chrome);
        res.extensions_mut().insert(self);
        res
    }
}

/// Middleware: renders the [`AppError`] a response carries for the request
/// that got it: JSON under `/api/`, otherwise a page whose header shows the
/// logged-in user (never on the public pages).
pub async fn render(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    let res = next.run(req).await;
    let Some(err) = res.extensions().get::<AppError>().cloned() else {
        return res;
    };
    let user = res.extensions().get::<MaybeUser>().and_then(|m| m.0.as_ref());
    shown(&state, &err, &path, user)
}

/// An error as the request at `path` gets it: JSON under `/api/`, else a
/// page whose header shows `user` (never on the public pages).
fn shown(state: &AppState, err: &AppError, path: &str, user: Option<&CurrentUser>) -> Response {
    if is_api(path) {
        return err.json();
    }
    let public = path == "/cong-khai" || path.starts_with("/cong-khai/");
    err.page(Chrome::new(state, user.filter(|_| !public)))
}

fn is_api(path: &str) -> bool {
    path == "/api" || path.starts_with("/api/")
}

/// Middleware outside the body limit and the timeout: their refusals are
/// tower-http's plain text; this makes them the same Vietnamese page (with
/// the logged-in header) or JSON as every other error. Only the session
/// cookie is kept from the request, and the account is looked up only when
/// such a refusal happens.
pub async fn plain_refusals(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    let cookie = req.headers().get(axum::http::header::COOKIE).cloned();
    let res = next.run(req).await;
    let kind = match res.status() {
        StatusCode::PAYLOAD_TOO_LARGE => ErrorKind::TooLarge,
        StatusCode::REQUEST_TIMEOUT => ErrorKind::TimedOut,
        _ => return res,
    };
    if res.extensions().get::<AppError>().is_some() {
        return res;
    }
    let message = match kind {
        ErrorKind::TooLarge => format!(
            "Dữ liệu gửi lên quá lớn (tối đa {} MB), chưa lưu gì. Tệp Excel của một báo cáo chỉ vài chục KB: hãy kiểm tra lại tệp đã chọn.",
            crate::router::BODY_LIMIT / (1024 * 1024)
        ),
        _ => "Máy chủ xử lý quá lâu nên đã dừng yêu cầu, chưa lưu gì. Vui lòng thử lại.".into(),
    };
    let err = AppError::new(kind, message);
    let mut headers = axum::http::HeaderMap::new();
    if let Some(c) = cookie.filter(|_| !is_api(&path)) {
        headers.insert(axum::http::header::COOKIE, c);
    }
    let user = crate::auth::load_user(&state, &headers).await.ok().flatten();
    shown(&state, &err, &path, user.as_ref())
}

/// Runs CPU-heavy work (documents, spreadsheets, charts) on tokio's blocking
/// pool, so the async workers keep answering (`/healthz` during a download).
pub async fn blocking<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Result<T, AppError> {
    tokio::task::spawn_blocking(work).await.map_err(AppError::internal)
}

/// For the panic-catching layer: a bug answers 500 with a page, and the
/// connection stays up.
pub fn panicked(payload: Box<dyn Any + Send + 'static>) -> Response {
    let what = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic".into());
    AppError::internal(format!("handler panicked: {what}")).into_response()
}
