//! `/admin/users`: accounts for administrators: list, create, disable or
//! enable, reset a password, and import many from CSV.

use std::collections::HashSet;

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use xhht_domain::access::Role;
use xhht_storage::{NewUser, Stamp, StorageError, random_password};

use super::message;
use crate::auth::CurrentUser;
use crate::chrome::{Chrome, role_label};
use crate::state::AppState;

pub struct UserLine {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: &'static str,
    pub unit: String,
    pub disabled: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "users.html")]
pub struct UsersPage {
    pub chrome: Chrome,
    pub csrf: String,
    pub users: Vec<UserLine>,
    pub units: Vec<(String, String)>,
    pub roles: Vec<(&'static str, &'static str)>,
    pub notice: String,
    pub error: String,
    pub problems: Vec<String>,
    /// Accounts created or reset in this request, with their one-time passwords.
    pub passwords: Vec<(String, String)>,
}

fn deny() -> Response {
    message(
        StatusCode::FORBIDDEN,
        "Không có quyền",
        "Chỉ quản trị viên quản lý được tài khoản.",
    )
}

/// What an action produced, shown above the list.
#[derive(Default)]
struct Outcome {
    notice: String,
    error: String,
    problems: Vec<String>,
    passwords: Vec<(String, String)>,
}

impl Outcome {
    fn error(error: impl Into<String>) -> Self {
        Self {
            error: error.into(),
            ..Self::default()
        }
    }

    fn notice(notice: String, passwords: Vec<(String, String)>) -> Self {
        Self {
            notice,
            passwords,
            ..Self::default()
        }
    }
}

async fn render(state: &AppState, chrome: Chrome, user: &CurrentUser, status: StatusCode, out: Outcome) -> Response {
    let Outcome {
        notice,
        error,
        problems,
        passwords,
    } = out;
    let plan = &state.plan;
    let users = match state.store.users().await {
        Ok(u) => u,
        Err(e) => return super::server_error(&e),
    };
    let unit_name = |c: &str| plan.unit(c).map_or_else(|| c.to_string(), |u| u.name.clone());
    let page = UsersPage {
        chrome,
        csrf: user.csrf.clone(),
        users: users
            .into_iter()
            .map(|u| UserLine {
                id: u.id,
                role: role_label(u.role),
                unit: unit_name(&u.org_unit_code),
                username: u.username,
                display_name: u.display_name,
                disabled: u.disabled,
            })
            .collect(),
        units: plan
            .org_units
            .iter()
            .map(|u| (u.code.clone(), u.name.clone()))
            .collect(),
        roles: Role::ALL.iter().map(|r| (r.as_str(), role_label(*r))).collect(),
        notice,
        error,
        problems,
        passwords,
    };
    (status, page).into_response()
}

pub async fn list(State(state): State<AppState>, chrome: Chrome, user: CurrentUser) -> Response {
    if user.role != Role::Admin {
        return deny();
    }
    render(&state, chrome, &user, StatusCode::OK, Outcome::default()).await
}

#[derive(Deserialize)]
pub struct CreateForm {
    username: String,
    display_name: String,
    role: String,
    org_unit: String,
}

/// One account to create, checked; the password is generated.
struct Checked {
    username: String,
    display_name: String,
    role: Role,
    org_unit: String,
    password: String,
}

fn check(state: &AppState, username: &str, display_name: &str, role: &str, unit: &str) -> Result<Checked, String> {
    let username = xhht_domain::access::username(username)?;
    let role = Role::parse(role.trim())
        .ok_or_else(|| format!("Vai trò «{role}» không hợp lệ (có: admin, reviewer, reporter, viewer)"))?;
    let unit = unit.trim();
    if state.plan.unit(unit).is_none() {
        return Err(format!("Không có đơn vị «{unit}» trong kế hoạch"));
    }
    let display_name = xhht_domain::text::nfc(display_name.trim());
    if display_name.is_empty() {
        return Err("Cần họ tên hoặc tên hiển thị".into());
    }
    Ok(Checked {
        username,
        display_name,
        role,
        org_unit: unit.to_string(),
        password: random_password(),
    })
}

async fn create_all(state: &AppState, user: &CurrentUser, accounts: &[Checked]) -> Result<(), StorageError> {
    let new: Vec<NewUser> = accounts
        .iter()
        .map(|a| NewUser {
            username: &a.username,
            display_name: &a.display_name,
            password: &a.password,
            role: a.role,
            org_unit: &a.org_unit,
        })
        .collect();
    state
        .store
        .create_users(&Stamp::now(&user.username), &new)
        .await
        .map(|_| ())
}

pub async fn create(
    State(state): State<AppState>,
    chrome: Chrome,
    user: CurrentUser,
    Form(f): Form<CreateForm>,
) -> Response {
    if user.role != Role::Admin {
        return deny();
    }
    let checked = match check(&state, &f.username, &f.display_name, &f.role, &f.org_unit) {
        Ok(c) => c,
        Err(msg) => {
            return render(
                &state,
                chrome,
                &user,
                StatusCode::UNPROCESSABLE_ENTITY,
                Outcome::error(msg),
            )
            .await;
        }
    };
    match create_all(&state, &user, std::slice::from_ref(&checked)).await {
        Ok(()) => {
            let notice = format!(
                "Đã tạo tài khoản «{}». Mật khẩu chỉ hiện một lần, hãy gửi cho người dùng.",
                checked.username
            );
            render(
                &state,
                chrome,
                &user,
                StatusCode::OK,
                Outcome::notice(notice, vec![(checked.username, checked.password)]),
            )
            .await
        }
        Err(StorageError::Conflict(c)) => {
            render(
                &state,
                chrome,
                &user,
                StatusCode::UNPROCESSABLE_ENTITY,
                Outcome::error(super::conflict_text(&c)),
            )
            .await
        }
        Err(e) => super::server_error(&e),
    }
}

#[derive(Deserialize)]
pub struct ActionForm {
    action: String,
}

/// `POST /admin/users/{id}`: `action` = disable | enable | reset.
pub async fn act(
    State(state): State<AppState>,
    chrome: Chrome,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<ActionForm>,
) -> Response {
    if user.role != Role::Admin {
        return deny();
    }
    let Ok(Some(target)) = state.store.user(id).await else {
        return message(StatusCode::NOT_FOUND, "Không tìm thấy", "Không có tài khoản này.");
    };
    if target.id == user.id && f.action == "disable" {
        return render(
            &state,
            chrome,
            &user,
            StatusCode::UNPROCESSABLE_ENTITY,
            Outcome::error("Không thể tự khóa tài khoản của mình."),
        )
        .await;
    }
    let stamp = Stamp::now(&user.username);
    let (result, notice, passwords) = match f.action.as_str() {
        "disable" => (
            state.store.set_disabled(&stamp, id, true).await,
            format!("Đã khóa tài khoản «{}».", target.username),
            vec![],
        ),
        "enable" => (
            state.store.set_disabled(&stamp, id, false).await,
            format!("Đã mở khóa tài khoản «{}».", target.username),
            vec![],
        ),
        "reset" => {
            let password = random_password();
            let r = state.store.set_password(&stamp, id, &password).await;
            (
                r,
                format!("Đã đặt lại mật khẩu «{}». Mật khẩu chỉ hiện một lần.", target.username),
                vec![(target.username.clone(), password)],
            )
        }
        _ => {
            return message(
                StatusCode::BAD_REQUEST,
                "Thao tác không hợp lệ",
                "Thao tác không hợp lệ.",
            );
        }
    };
    match result {
        Ok(()) => {
            render(
                &state,
                chrome,
                &user,
                StatusCode::OK,
                Outcome::notice(notice, passwords),
            )
            .await
        }
        Err(e) => super::server_error(&e),
    }
}

/// `POST /admin/users/import?_csrf=…` (multipart, field `file`): a CSV with
/// the header `username,display_name,role,org_unit`. All rows or none.
pub async fn import(
    State(state): State<AppState>,
    chrome: Chrome,
    user: CurrentUser,
    mut multipart: Multipart,
) -> Response {
    if user.role != Role::Admin {
        return deny();
    }
    let mut bytes = None;
    while let Ok(Some(field)) = multipart.next_field().await {
        if field.name() == Some("file") {
            bytes = field.bytes().await.ok();
        }
    }
    let fail = |problems: Vec<String>| {
        render(
            &state,
            chrome.clone(),
            &user,
            StatusCode::UNPROCESSABLE_ENTITY,
            Outcome {
                error: "Chưa tạo tài khoản nào: tệp có lỗi.".into(),
                problems,
                ..Outcome::default()
            },
        )
    };
    let Some(bytes) = bytes.filter(|b| !b.is_empty()) else {
        return fail(vec!["Chưa chọn tệp CSV.".into()]).await;
    };
    let (accounts, problems) = parse_csv(&state, &bytes);
    if !problems.is_empty() {
        return fail(problems).await;
    }
    match create_all(&state, &user, &accounts).await {
        Ok(()) => {
            let passwords = accounts
                .into_iter()
                .map(|a| (a.username, a.password))
                .collect::<Vec<_>>();
            let notice = format!("Đã tạo {} tài khoản. Mật khẩu chỉ hiện một lần.", passwords.len());
            render(
                &state,
                chrome,
                &user,
                StatusCode::OK,
                Outcome::notice(notice, passwords),
            )
            .await
        }
        Err(StorageError::Conflict(c)) => fail(vec![super::conflict_text(&c)]).await,
        Err(e) => super::server_error(&e),
    }
}

fn parse_csv(state: &AppState, bytes: &[u8]) -> (Vec<Checked>, Vec<String>) {
    let text = String::from_utf8_lossy(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)).into_owned();
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(true)
        .from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .map(|h| h.iter().map(str::to_lowercase).collect())
        .unwrap_or_default();
    if header != ["username", "display_name", "role", "org_unit"] {
        return (
            vec![],
            vec!["Dòng đầu phải là: username,display_name,role,org_unit".into()],
        );
    }
    let (mut out, mut problems, mut seen) = (Vec::new(), Vec::new(), HashSet::new());
    for (i, record) in reader.records().enumerate() {
        let line = i + 2;
        let Ok(r) = record else {
            problems.push(format!("Dòng {line}: không đọc được."));
            continue;
        };
        if r.len() != 4 {
            problems.push(format!("Dòng {line}: cần đúng 4 cột."));
            continue;
        }
        match check(state, &r[0], &r[1], &r[2], &r[3]) {
            Ok(c) if !seen.insert(c.username.clone()) => {
                problems.push(format!("Dòng {line}: «{}» lặp lại trong tệp.", c.username))
            }
            Ok(c) => out.push(c),
            Err(msg) => problems.push(format!("Dòng {line}: {msg}.")),
        }
    }
    if out.is_empty() && problems.is_empty() {
        problems.push("Tệp không có tài khoản nào.".into());
    }
    (out, problems)
}
