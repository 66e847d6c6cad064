//! `/admin/users`: accounts for administrators: list (filtered by name,
//! unit and role, 50 a page), create, disable or enable, reset a password,
//! edit the role and unit, and import many from CSV; and check the audit
//! trail again (`audit.rs`).

pub mod act;
pub mod audit;
pub mod create;
pub mod edit;
pub mod email;
pub mod import;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use xhht_domain::access::Role;
use xhht_storage::{NewUser, Stamp, StorageError, UserFilter, random_password};

use crate::auth::Admin;
use crate::chrome::Chrome;
use crate::i18n;
use crate::paging::{PAGE_SIZE, PageNo, Pager};
use crate::respond::{AppError, Query};
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
    /// Still holds the password an administrator generated.
    pub must_change_password: bool,
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
    /// The list's filter as typed, and its query string for links and forms.
    pub list: ListQuery,
    pub list_query: String,
    pub pager: Pager,
    /// The account being edited (`?sua=ID`, or a refused edit), if any.
    pub editing: Option<EditCard>,
    /// The create form (as typed, after a refusal).
    pub create: CreateCard,
}

/// The list's query string: filter by name, unit and role, and the page.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub don_vi: String,
    #[serde(default)]
    pub vai_tro: String,
    #[serde(default)]
    pub trang: PageNo,
    /// The account whose role and unit the page offers to edit.
    #[serde(default)]
    pub sua: Option<i64>,
}

impl ListQuery {
    fn filter(&self) -> Result<UserFilter, AppError> {
        let role = match self.vai_tro.trim() {
            "" => None,
            code => Some(Role::parse(code).ok_or_else(|| {
                AppError::bad_request(format!("Vai trò “{code}” không có.")).titled("Địa chỉ không hợp lệ")
            })?),
        };
        Ok(UserFilter {
            name: self.q.clone(),
            unit: self.don_vi.clone(),
            role,
        })
    }

    /// The query string of page `page` of this list (no edit open).
    fn query(&self, page: i64) -> String {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        for (k, v) in [("q", &self.q), ("don_vi", &self.don_vi), ("vai_tro", &self.vai_tro)] {
            if !v.trim().is_empty() {
                pairs.push((k, v.trim().to_string()));
            }
        }
        if page > 1 {
            pairs.push(("trang", page.to_string()));
        }
        serde_urlencoded::to_string(&pairs).unwrap_or_default()
    }
}

/// The edit form of one account: the values shown (as typed after a
/// refusal) and the messages beside its fields.
#[derive(Debug, Clone, Default)]
pub struct EditCard {
    pub id: i64,
    pub username: String,
    /// The role and unit the account had when the page was made.
    pub seen_role: String,
    pub seen_unit: String,
    pub role: String,
    pub unit: String,
    pub role_error: String,
    pub unit_error: String,
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
    editing: Option<EditCard>,
    create: CreateCard,
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

/// The list with what the last action produced: one page of the accounts
/// that pass the filter of `list`.
async fn render(
    state: &AppState,
    chrome: Chrome,
    Admin(admin): &Admin,
    status: StatusCode,
    out: Outcome,
    list: &ListQuery,
) -> Result<Response, AppError> {
    let plan = &state.plan;
    let filter = list.filter()?;
    let (mut users, total) = state.store.users_page(&filter, list.trang.offset(), PAGE_SIZE).await?;
    let pager = Pager::new(list.trang, total, |n| format!("/admin/users?{}", list.query(n)));
    if pager.page() != list.trang {
        // Past the last page: the last page.
        users = state
            .store
            .users_page(&filter, pager.page().offset(), PAGE_SIZE)
            .await?
            .0;
    }
    let editing = match (out.editing, list.sua) {
        (Some(card), _) => Some(card),
        (None, Some(id)) => edit_card(state, id).await?,
        (None, None) => None,
    };
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
                must_change_password: u.must_change_password,
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
        list_query: list.query(pager.number),
        list: list.clone(),
        pager,
        editing,
        create: out.create,
    };
    Ok((status, page).into_response())
}

/// The edit form of account `id` as stored now; none for an account of
/// another plan.
async fn edit_card(state: &AppState, id: i64) -> Result<Option<EditCard>, AppError> {
    let found = state.store.user(id).await?;
    Ok(found.filter(|u| u.plan_id == state.store.scope()).map(|u| EditCard {
        id: u.id,
        username: u.username,
        seen_role: u.role.as_str().into(),
        seen_unit: u.org_unit_code.clone(),
        role: u.role.as_str().into(),
        unit: u.org_unit_code,
        ..EditCard::default()
    }))
}

pub async fn list(
    State(state): State<AppState>,
    chrome: Chrome,
    admin: Admin,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    render(&state, chrome, &admin, StatusCode::OK, Outcome::default(), &q).await
}

/// One account to create, checked; the password is generated.
struct Checked {
    username: String,
    display_name: String,
    role: Role,
    org_unit: String,
    password: String,
}

/// The field of the create form a problem stands beside.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NewField {
    Username,
    DisplayName,
    Role,
    Unit,
}

/// The create form as typed, with the message beside its field after a
/// refusal (open then).
#[derive(Debug, Clone, Default)]
pub struct CreateCard {
    pub open: bool,
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub unit: String,
    pub username_error: String,
    pub display_name_error: String,
    pub role_error: String,
    pub unit_error: String,
}

impl CreateCard {
    /// The form as typed, `message` beside `field`.
    fn refused(username: &str, display_name: &str, role: &str, unit: &str, field: NewField, message: String) -> Self {
        let mut card = Self {
            open: true,
            username: username.into(),
            display_name: display_name.into(),
            role: role.trim().into(),
            unit: unit.trim().into(),
            ..Self::default()
        };
        *match field {
            NewField::Username => &mut card.username_error,
            NewField::DisplayName => &mut card.display_name_error,
            NewField::Role => &mut card.role_error,
            NewField::Unit => &mut card.unit_error,
        } = message;
        card
    }
}

fn check(state: &AppState, username: &str, display_name: &str, role: &str, unit: &str) -> Result<Checked, String> {
    check_fields(state, username, display_name, role, unit).map_err(|(_, message)| message)
}

fn check_fields(
    state: &AppState,
    username: &str,
    display_name: &str,
    role: &str,
    unit: &str,
) -> Result<Checked, (NewField, String)> {
    let username = xhht_domain::access::username(username).map_err(|m| (NewField::Username, m))?;
    let role = Role::parse(role.trim()).ok_or_else(|| {
        (
            NewField::Role,
            format!("Vai trò “{role}” không hợp lệ (có: admin, reviewer, reporter, viewer)"),
        )
    })?;
    let unit = unit.trim();
    if state.plan.unit(unit).is_none() {
        return Err((NewField::Unit, format!("Không có đơn vị “{unit}” trong kế hoạch")));
    }
    let display_name = xhht_domain::text::clean(xhht_domain::text::TextKind::DisplayName, display_name)
        .map_err(|p| (NewField::DisplayName, p.message()))?;
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
            must_change_password: true,
        })
        .collect();
    state
        .store
        .create_users(&Stamp::now(&admin.username), &new)
        .await
        .map(|_| ())
}
