//! A unit's report as an Excel template (`GET …/mau.xlsx`) and back
//! (`POST …/nhap-excel`, multipart with the file in `file`).

use axum::extract::{Multipart, State};
use axum::response::{IntoResponse, Redirect, Response};
use xhht_office::import::{self, ImportError};
use xhht_storage::{FormChanges, Stamp};

use super::page::previous_year;
use crate::auth::{ReadReport, WriteReport};
use crate::respond::{AppError, ErrorKind, XLSX, attachment};
use crate::state::AppState;

pub async fn template(State(state): State<AppState>, at: ReadReport) -> Result<Response, AppError> {
    let (year, u) = (at.year, &at.unit);
    let prev = previous_year(&state, &u.code, year).await?;
    let current = state.store.working_values(&state.plan, &u.code, year).await?;
    let made = xhht_office::template::unit_template(&state.plan, u, year, &prev, &current);
    attachment(made, XLSX, &format!("bao-cao-{year}-{}.xlsx", u.code), "tệp mẫu")
}

/// Nothing was saved from the file, and why.
fn refused(why: String) -> AppError {
    AppError::invalid(why).titled("Chưa nhập được tệp Excel")
}

/// Reads the uploaded template, checks it as the web form would, and saves
/// every figure as the unit's draft — or saves nothing and lists the problems.
pub async fn upload(
    State(state): State<AppState>,
    at: WriteReport,
    mut multipart: Multipart,
) -> Result<Response, AppError> {
    let plan = &state.plan;
    let (year, unit) = (at.year, &at.unit.code);
    let back = format!("/reports/{year}/{unit}");
    let refused = |why: String| refused(why).back_to(back.clone(), "Quay lại báo cáo");
    let mut bytes = None;
    while let Ok(Some(field)) = multipart.next_field().await {
        if field.name() == Some("file") {
            bytes = field.bytes().await.ok();
        }
    }
    let bytes = bytes
        .filter(|b| !b.is_empty())
        .ok_or_else(|| refused("Chưa chọn tệp.".into()))?;
    let imported = import::read(plan, &bytes).map_err(|e| match e {
        ImportError::Refused(why) => refused(why),
        ImportError::Cells(problems) => refused(list(&problems)),
    })?;
    if imported.unit != *unit || imported.year != year {
        return Err(refused(format!(
            "Tệp này là mẫu của đơn vị «{}» năm {}, không phải của báo cáo này.",
            imported.unit, imported.year
        )));
    }
    let prev = state.store.approved_values(plan, year - 1).await?.units.remove(unit);
    let problems = import::check(plan, &imported, prev.as_ref());
    if !problems.is_empty() {
        return Err(refused(list(&problems)));
    }
    let stamp = Stamp::now(&at.user.username).with_reason("Nhập từ tệp Excel");
    let form = FormChanges {
        values: imported.values,
        ..FormChanges::default()
    };
    match state
        .store
        .save_form(&stamp, unit, year, &form)
        .await
        .map_err(AppError::from)
    {
        Ok(_) => Ok(Redirect::to(&format!("{back}?msg=imported")).into_response()),
        Err(e) if e.kind == ErrorKind::Conflict => Err(refused(e.message)),
        Err(e) => Err(e),
    }
}

fn list(problems: &[import::Problem]) -> String {
    let lines: Vec<String> = problems.iter().map(ToString::to_string).collect();
    format!("Không lưu gì. Các ô cần sửa: {}", lines.join("; "))
}
