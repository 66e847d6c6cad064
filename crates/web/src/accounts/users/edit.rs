//! `POST /admin/users/{id}/sua`: an administrator moves an account to
//! another role or unit. The form carries the role and unit its page showed,
//! so an edit made meanwhile by another administrator is noticed (409, a
//! message, nothing changed); a refusal shows its message beside the field
//! with what was chosen.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use xhht_domain::access::Role;
use xhht_storage::{AccountEdit, Conflict, Stamp, StorageError};

use super::{EditCard, ListQuery, Outcome, render};
use crate::auth::Admin;
use crate::chrome::Chrome;
use crate::i18n;
use crate::respond::{AppError, Form, Path, Query};
use crate::state::AppState;

#[derive(Deserialize)]
pub struct EditForm {
    #[serde(default)]
    role: String,
    #[serde(default)]
    org_unit: String,
    seen_role: String,
    seen_unit: String,
}

pub async fn edit(
    State(state): State<AppState>,
    chrome: Chrome,
    admin: Admin,
    Path(id): Path<i64>,
    Query(list): Query<ListQuery>,
    Form(f): Form<EditForm>,
) -> Result<Response, AppError> {
    let target = state
        .store
        .user(id)
        .await?
        .filter(|u| u.plan_id == state.store.scope())
        .ok_or_else(|| {
            AppError::not_found("Không có tài khoản này.").back_to("/admin/users", "Về danh sách tài khoản")
        })?;
    let mut card = EditCard {
        id,
        username: target.username.clone(),
        seen_role: f.seen_role.clone(),
        seen_unit: f.seen_unit.clone(),
        role: f.role.trim().to_string(),
        unit: f.org_unit.trim().to_string(),
        ..EditCard::default()
    };
    let refused = |card: EditCard| Outcome {
        editing: Some(card),
        ..Outcome::default()
    };
    let unprocessable = StatusCode::UNPROCESSABLE_ENTITY;
    let (Some(role), Some(seen_role)) = (Role::parse(&card.role), Role::parse(&f.seen_role)) else {
        card.role_error = "Chọn một vai trò trong danh sách.".into();
        let out = refused(card);
        return render(&state, chrome, &admin, unprocessable, out, &list).await;
    };
    if let Err((field, msg)) = check(&state, &admin, target.id, role, seen_role, &card.unit) {
        *field.of(&mut card) = msg;
        let out = refused(card);
        return render(&state, chrome, &admin, unprocessable, out, &list).await;
    }
    if (role, card.unit.as_str()) == (seen_role, f.seen_unit.as_str()) {
        let out = Outcome::notice(format!("Tài khoản “{}” không có gì thay đổi.", target.username), vec![]);
        return render(&state, chrome, &admin, StatusCode::OK, out, &list).await;
    }
    let edit = AccountEdit {
        role,
        unit: &card.unit,
        seen_role,
        seen_unit: &f.seen_unit,
    };
    let done = state
        .store
        .edit_account(&Stamp::now(&admin.0.username), id, &edit)
        .await;
    let out = match done {
        Ok(()) => Outcome::notice(
            format!(
                "Đã đổi tài khoản “{}”: vai trò {}, đơn vị {}.",
                target.username,
                i18n::role(role),
                unit_name(&state, &card.unit)
            ),
            vec![],
        ),
        Err(StorageError::Conflict(c)) => {
            let (status, out) = storage_refusal(c, card);
            return render(&state, chrome, &admin, status, out, &list).await;
        }
        Err(e) => return Err(e.into()),
    };
    render(&state, chrome, &admin, StatusCode::OK, out, &list).await
}

/// Which field a message stands beside.
#[derive(Clone, Copy)]
enum Field {
    Role,
    Unit,
}

impl Field {
    fn of(self, card: &mut EditCard) -> &mut String {
        match self {
            Self::Role => &mut card.role_error,
            Self::Unit => &mut card.unit_error,
        }
    }
}

/// The refusals the page can tell before writing (storage checks them
/// again under its lock).
fn check(
    state: &AppState,
    Admin(admin): &Admin,
    target: i64,
    role: Role,
    seen_role: Role,
    unit: &str,
) -> Result<(), (Field, String)> {
    if target == admin.id && role != seen_role {
        return Err((
            Field::Role,
            "Không thể tự đổi vai trò của mình; nhờ một quản trị viên khác.".into(),
        ));
    }
    if unit.is_empty() {
        return Err((
            Field::Unit,
            format!(
                "Vai trò “{}” cần một đơn vị: chọn đơn vị của tài khoản.",
                i18n::role(role)
            ),
        ));
    }
    if state.plan.unit(unit).is_none() {
        return Err((
            Field::Unit,
            format!("Không có đơn vị “{unit}” trong danh mục đơn vị của kế hoạch."),
        ));
    }
    Ok(())
}

/// A refusal decided under the lock, beside its field; an edit by another
/// administrator meanwhile shows the account as it is now (409).
fn storage_refusal(c: Conflict, mut card: EditCard) -> (StatusCode, Outcome) {
    let message = AppError::from(StorageError::Conflict(c.clone())).message;
    let mut out = Outcome::default();
    let status = match c {
        Conflict::AccountChanged { role, unit, .. } => {
            card.seen_role = role.as_str().into();
            card.seen_unit = unit.clone();
            card.role = role.as_str().into();
            card.unit = unit;
            out.error = message;
            StatusCode::CONFLICT
        }
        Conflict::UnknownUnit { .. } => {
            card.unit_error = message;
            StatusCode::UNPROCESSABLE_ENTITY
        }
        _ => {
            card.role_error = message;
            StatusCode::UNPROCESSABLE_ENTITY
        }
    };
    out.editing = Some(card);
    (status, out)
}

fn unit_name(state: &AppState, code: &str) -> String {
    state
        .plan
        .unit(code)
        .map_or_else(|| code.to_string(), |u| u.name.clone())
}
