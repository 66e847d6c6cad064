//! `POST /thong-bao/{id}/da-doc`: the signed-in account marks one of its
//! notices (or its unit's) read, and goes back to the page it was on. A
//! notice addressed to someone else is not found.

use axum::extract::State;
use axum::response::Redirect;
use serde::Deserialize;
use xhht_storage::Stamp;

use super::next::safe_next;
use crate::auth::CurrentUser;
use crate::respond::{AppError, Form, Path};
use crate::state::AppState;

#[derive(Deserialize)]
pub struct ReadForm {
    next: Option<String>,
}

pub async fn mark_read(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<ReadForm>,
) -> Result<Redirect, AppError> {
    let stamp = Stamp::now(&user.username);
    state
        .store
        .mark_notice_read(&stamp, id, &user.org_unit, user.id)
        .await?;
    Ok(Redirect::to(&safe_next(f.next.as_deref())))
}
