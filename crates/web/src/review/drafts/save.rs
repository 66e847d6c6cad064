//! `POST /review/{year}/bao-cao/luu`: saves the edited sections and issuing
//! lines as a new version, or (`khoi_phuc=N`) a copy of version N as a new
//! version. Nothing is overwritten; every save is audited.

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use xhht_domain::text::{TextKind, clean};
use xhht_storage::Stamp;

use super::compose::{Draft, IssuingText, SavedSection};
use super::{app_error, editor_url, kind_in};
use crate::auth::{PlanYear, Reviewer};
use crate::respond::{AppError, Form};
use crate::review::documents::{self, KindParam};
use crate::state::AppState;

/// The editor's form: up to eight sections (s1…s8), the issuing lines, or
/// the version to restore.
#[derive(Deserialize)]
pub struct SaveForm {
    loai: Option<KindParam>,
    khoi_phuc: Option<i32>,
    s1: Option<String>,
    s2: Option<String>,
    s3: Option<String>,
    s4: Option<String>,
    s5: Option<String>,
    s6: Option<String>,
    s7: Option<String>,
    s8: Option<String>,
    #[serde(default)]
    superior_body: String,
    #[serde(default)]
    issuing_body: String,
    #[serde(default)]
    symbol: String,
    #[serde(default)]
    place: String,
    #[serde(default)]
    authority: String,
    #[serde(default)]
    signer_title: String,
    #[serde(default)]
    signer_name: String,
    #[serde(default)]
    recipients: String,
}

pub async fn save(
    State(state): State<AppState>,
    Reviewer(user): Reviewer,
    PlanYear(year): PlanYear,
    Form(f): Form<SaveForm>,
) -> Result<Response, AppError> {
    let kind = kind_in(&state, year, f.loai)?;
    let back = |e: AppError| e.back_to(editor_url(year, kind, ""), "Quay lại dự thảo");
    let stamp = Stamp::now(&user.username);
    if let Some(from) = f.khoi_phuc {
        let Some(row) = state.store.report_draft(year, kind.code(), Some(from)).await? else {
            return Err(back(AppError::not_found("Không có phiên bản này.")));
        };
        state
            .store
            .save_report_draft(&stamp, year, kind.code(), &row.sections, &row.issuing, Some(from))
            .await?;
        return Ok(Redirect::to(&editor_url(year, kind, "restored")).into_response());
    }
    // The titles stay those of the draft being edited (the data's, at first).
    let titles: Vec<String> = match state.store.report_draft(year, kind.code(), None).await? {
        Some(row) => Draft::from_row(&row)?.sections.into_iter().map(|s| s.title).collect(),
        None => documents::document(&state, year, kind)
            .await
            .map_err(app_error)?
            .sections
            .into_iter()
            .map(|s| s.title)
            .collect(),
    };
    let texts = [&f.s1, &f.s2, &f.s3, &f.s4, &f.s5, &f.s6, &f.s7, &f.s8];
    let mut sections = Vec::new();
    for (title, text) in titles.into_iter().zip(texts) {
        let text = clean(TextKind::ReportSection, text.as_deref().unwrap_or(""))
            .map_err(|p| back(AppError::invalid(format!("Mục “{title}”: {}", p.message())).titled("Chưa lưu")))?;
        sections.push(SavedSection { title, text });
    }
    let issuing = issuing_of(&f).map_err(|m| back(AppError::invalid(m).titled("Chưa lưu")))?;
    let draft = Draft {
        version: 0,
        sections,
        issuing,
    };
    state
        .store
        .save_report_draft(
            &stamp,
            year,
            kind.code(),
            &draft.sections_json(),
            &draft.issuing_json(),
            None,
        )
        .await?;
    Ok(Redirect::to(&editor_url(year, kind, "saved")).into_response())
}

/// The issuing lines, cleaned; the body, symbol, place and signer's title
/// cannot be empty (a document without them cannot be signed).
fn issuing_of(f: &SaveForm) -> Result<IssuingText, String> {
    let line = |label: &str, t: &str, required: bool| -> Result<String, String> {
        let t = clean(TextKind::Reason, t).map_err(|p| format!("{label}: {}", p.message()))?;
        if required && t.trim().is_empty() {
            return Err(format!("Cần ghi {label}."));
        }
        Ok(t)
    };
    let lines = |label: &str, t: &str| clean(TextKind::Explanation, t).map_err(|p| format!("{label}: {}", p.message()));
    Ok(IssuingText {
        superior_body: line("cơ quan chủ quản", &f.superior_body, false)?,
        issuing_body: line("cơ quan ban hành", &f.issuing_body, true)?,
        symbol: line("ký hiệu", &f.symbol, true)?,
        place: line("địa danh", &f.place, true)?,
        authority: lines("thẩm quyền ký", &f.authority)?,
        signer_title: line("chức vụ người ký", &f.signer_title, true)?,
        signer_name: line("họ tên người ký", &f.signer_name, false)?,
        recipients: lines("nơi nhận", &f.recipients)?,
    })
}
