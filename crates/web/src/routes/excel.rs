//! A unit's report as an Excel template (`GET …/mau.xlsx`) and back
//! (`POST …/nhap-excel`, multipart with the file in `file`).

use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use xhht_office::import::{self, ImportError};
use xhht_storage::{FormChanges, Stamp, StorageError};

use super::message;
use crate::auth::CurrentUser;
use crate::state::AppState;

pub async fn template(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((year, unit)): Path<(i32, String)>,
) -> Response {
    let plan = &state.plan;
    let Some(u) = plan
        .unit(&unit)
        .filter(|u| u.active_in(year) && plan.is_reporting_unit(u))
    else {
        return message(
            StatusCode::NOT_FOUND,
            "Không tìm thấy",
            &format!("Không có báo cáo năm {year} của đơn vị «{unit}»."),
        );
    };
    if !user.principal().can_read(plan, &u.code) {
        return message(
            StatusCode::FORBIDDEN,
            "Không có quyền",
            "Tài khoản của bạn không được xem báo cáo của đơn vị này.",
        );
    }
    let loaded = async {
        let prev = state
            .store
            .approved_values(plan, year - 1)
            .await?
            .units
            .remove(&u.code)
            .unwrap_or_default();
        let current = state.store.working_values(plan, &u.code, year).await?;
        Ok::<_, StorageError>((prev, current))
    };
    let (prev, current) = match loaded.await {
        Ok(x) => x,
        Err(e) => return super::server_error(&e),
    };
    let made = xhht_office::template::unit_template(plan, u, year, &prev, &current);
    super::attachment(made, super::XLSX, &format!("bao-cao-{year}-{}.xlsx", u.code), "tệp mẫu")
}

/// Reads the uploaded template, checks it as the web form would, and saves
/// every figure as the unit's draft — or saves nothing and lists the problems.
pub async fn upload(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((year, unit)): Path<(i32, String)>,
    mut multipart: Multipart,
) -> Response {
    let plan = &state.plan;
    if !user.principal().can_write(&unit) {
        return message(
            StatusCode::FORBIDDEN,
            "Không có quyền",
            "Tài khoản của bạn không được sửa báo cáo của đơn vị này.",
        );
    }
    let mut bytes = None;
    while let Ok(Some(field)) = multipart.next_field().await {
        if field.name() == Some("file") {
            bytes = field.bytes().await.ok();
        }
    }
    let refuse = |why: String| message(StatusCode::UNPROCESSABLE_ENTITY, "Chưa nhập được tệp Excel", &why);
    let Some(bytes) = bytes.filter(|b| !b.is_empty()) else {
        return refuse("Chưa chọn tệp.".into());
    };
    let imported = match import::read(plan, &bytes) {
        Ok(i) => i,
        Err(ImportError::Refused(why)) => return refuse(why),
        Err(ImportError::Cells(problems)) => return refuse(list(&problems)),
    };
    if imported.unit != unit || imported.year != year {
        return refuse(format!(
            "Tệp này là mẫu của đơn vị «{}» năm {}, không phải của báo cáo này.",
            imported.unit, imported.year
        ));
    }
    let prev = match state.store.approved_values(plan, year - 1).await {
        Ok(mut p) => p.units.remove(&unit),
        Err(e) => return super::server_error(&e),
    };
    let problems = import::check(plan, &imported, prev.as_ref());
    if !problems.is_empty() {
        return refuse(list(&problems));
    }
    let stamp = Stamp::now(&user.username).with_reason("Nhập từ tệp Excel");
    let form = FormChanges {
        values: imported.values,
        ..FormChanges::default()
    };
    match state.store.save_form(&stamp, &unit, year, &form).await {
        Ok(_) => Redirect::to(&format!("/reports/{year}/{unit}?msg=imported")).into_response(),
        Err(StorageError::Conflict(c)) => refuse(super::conflict_text(&c)),
        Err(e) => super::server_error(&e),
    }
}

fn list(problems: &[import::Problem]) -> String {
    let lines: Vec<String> = problems.iter().map(ToString::to_string).collect();
    format!("Không lưu gì. Các ô cần sửa: {}", lines.join("; "))
}
