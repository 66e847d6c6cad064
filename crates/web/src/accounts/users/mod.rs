//! `/admin/users`: accounts for administrators: list, create, disable or
//! enable, reset a password, and import many from CSV; and check the audit
//! trail again (`audit.rs`).

pub mod act;
pub mod audit;
pub mod create;
pub mod email;
pub mod import;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use xhht_domain::access::Role;
use xhht_storage::{NewUser, Stamp, StorageError, random_password};

use crate::auth::Admin;
use crate::chrome::Chrome;
use crate::i18n;
use crate::respond::AppError;
use crate::state::AppState;

pub struct UserLine {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: &'static str,
    pub unit: String,
    pub disabled: bool,
    /// The account's e-mail for reminders (or what was typed, when refused).
    pub email: String,
    /// Why the e-mail typed for this account was refused.
    pub email_error: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "accounts/users.html")]
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

/// What an action produced, shown above the list.
#[derive(Default)]
pub struct Outcome {
    notice: String,
    error: String,
    problems: Vec<String>,
    passwords: Vec<(String, String)>,
    /// An e-mail refused: (account, what was typed, why).
    email_error: Option<(i64, String, String)>,
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

/// The list with what the last action produced.
async fn render(
    state: &AppState,
    chrome: Chrome,
    Admin(admin): &Admin,
    status: StatusCode,
    out: Outcome,
) -> Result<Response, AppError> {
    let plan = &state.plan;
    let users = state.store.users().await?;
    let mut emails = state.store.account_emails().await?;
    let unit_name = |c: &str| plan.unit(c).map_or_else(|| c.to_string(), |u| u.name.clone());
    let page = UsersPage {
        chrome,
        csrf: admin.csrf.clone(),
        users: users
            .into_iter()
            .map(|u| UserLine {
                id: u.id,
                role: i18n::role(u.role),
                unit: unit_name(&u.org_unit_code),
                username: u.username,
                display_name: u.display_name,
                disabled: u.disabled,
                email: match &out.email_error {
                    Some((id, typed, _)) if *id == u.id => typed.clone(),
                    _ => emails.remove(&u.id).unwrap_or_default(),
                },
                email_error: out
                    .email_error
                    .as_ref()
                    .filter(|(id, ..)| *id == u.id)
                    .map(|(.., why)| why.clone()),
            })
            .collect(),
        units: plan
            .org_units
            .iter()
            .map(|u| (u.code.clone(), u.name.clone()))
            .collect(),
        roles: Role::ALL.iter().map(|r| (r.as_str(), i18n::role(*r))).collect(),
        notice: out.notice,
        error: out.error,
        problems: out.problems,
        passwords: out.passwords,
    };
    Ok((status, page).into_response())
}

pub async fn list(State(state): State<AppState>, chrome: Chrome, admin: Admin) -> Result<Response, AppError> {
    render(&state, chrome, &admin, StatusCode::OK, Outcome::default()).await
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
        .ok_or_else(|| format!("Vai trò “{role}” không hợp lệ (có: admin, reviewer, reporter, viewer)"))?;
    let unit = unit.trim();
    if state.plan.unit(unit).is_none() {
        return Err(format!("Không có đơn vị “{unit}” trong kế hoạch"));
    }
    let display_name =
        xhht_domain::text::clean(xhht_domain::text::TextKind::DisplayName, display_name).map_err(|p| p.message())?;
    Ok(Checked {
        username,
        display_name,
        role,
        org_unit: unit.to_string(),
        password: random_password(),
    })
}

async fn create_all(state: &AppState, Admin(admin): &Admin, accounts: &[Checked]) -> Result<(), StorageError> {
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
        .create_users(&Stamp::now(&admin.username), &new)
        .await
        .map(|_| ())
}
