//! A unit's report as an Excel template (`GET …/mau.xlsx`) and back
//! (`POST …/nhap-excel`, multipart with the file in `file`).

use axum::extract::{Multipart, State};
use axum::response::{IntoResponse, Redirect, Response};
use xhht_office::import::{self, Draft, ImportError};
use xhht_storage::{FormChanges, Stamp};

use crate::auth::{ReadReport, WriteReport};
use crate::respond::{AppError, ErrorKind, XLSX, attachment, blocking};
use crate::state::AppState;

pub async fn template(State(state): State<AppState>, at: ReadReport) -> Result<Response, AppError> {
    let (year, u) = (at.year, &at.unit);
    let report = state.store.report(&u.code, year).await?.map(|r| r.state);
    let (current, prev) = state.store.form_values(&state.plan, &u.code, year, report).await?;
    let (plan, unit) = (state.plan.clone(), u.clone());
    let made = blocking(move || xhht_office::template::unit_template(&plan, &unit, year, &prev, &current)).await?;
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
    let current = state.store.working_values(plan, unit, year).await?;
    let prev = Some(state.store.approved_unit_values(plan, unit, year - 1).await?).filter(|v| !v.is_empty());
    // Reading a spreadsheet is CPU work: off the async workers.
    let (plan_arc, unit_code) = (state.plan.clone(), unit.clone());
    let checked = blocking(move || {
        let imported = import::read(&plan_arc, &bytes)?;
        let draft = Draft {
            unit: &unit_code,
            year,
            current: &current,
            prev: prev.as_ref(),
        };
        import::verify(&plan_arc, &imported, &draft).map(|()| imported)
    })
    .await?;
    let imported = checked.map_err(|e| match e {
        ImportError::Refused(why) => refused(why),
        ImportError::Cells(problems) => refused(list(&problems)),
    })?;
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
