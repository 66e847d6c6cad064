//! The draft as Word, issuing (the file frozen in the database) and the
//! issued file as stored.

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use serde::Deserialize;
use xhht_domain::text::{TextKind, clean};
use xhht_office::report::render_document;
use xhht_storage::{IssueFacts, Stamp};

use super::{VersionQuery, app_error, compose, editor_url, kind_in};
use crate::auth::{AreaReader, PlanYear, Reviewer};
use crate::respond::{AppError, DOCX, Form, Query, attachment, blocking};
use crate::review::documents::KindParam;
use crate::state::AppState;

/// `GET /review/{year}/bao-cao/du-thao.docx?loai=&phien-ban=`: a version
/// (the latest by default) laid out, number and date left for the clerk.
pub async fn draft_docx(
    State(state): State<AppState>,
    _: Reviewer,
    PlanYear(year): PlanYear,
    Query(q): Query<VersionQuery>,
) -> Result<Response, AppError> {
    let kind = kind_in(&state, year, q.loai)?;
    let (draft, doc) = compose::load(&state, year, kind, q.version).await.map_err(app_error)?;
    let made = blocking(move || render_document(&draft.apply(doc, "", None))).await?;
    attachment(
        made,
        DOCX,
        &format!("du-thao-bao-cao-{year}-{}.docx", kind.code()),
        "dự thảo báo cáo",
    )
}

#[derive(Deserialize)]
pub struct IssueForm {
    loai: Option<KindParam>,
    phien_ban: i32,
    #[serde(default)]
    so: String,
    #[serde(default)]
    ngay: String,
}

/// `POST /review/{year}/bao-cao/ban-hanh`: lays a saved version out with
/// its number and date and stores the bytes; a second issue of the same
/// year and kind is a conflict (storage decides, under its lock).
pub async fn issue(
    State(state): State<AppState>,
    Reviewer(user): Reviewer,
    PlanYear(year): PlanYear,
    Form(f): Form<IssueForm>,
) -> Result<Response, AppError> {
    let kind = kind_in(&state, year, f.loai)?;
    let back = |e: AppError| e.back_to(editor_url(year, kind, ""), "Quay lại dự thảo");
    let number = clean(TextKind::Reason, &f.so)
        .map_err(|p| back(AppError::invalid(p.message()).titled("Số văn bản không hợp lệ")))?;
    if number.is_empty() {
        return Err(back(
            AppError::invalid("Cần ghi số văn bản.").titled("Thiếu số văn bản"),
        ));
    }
    let date = NaiveDate::parse_from_str(f.ngay.trim(), "%Y-%m-%d")
        .map_err(|_| back(AppError::invalid("Chọn ngày ban hành hợp lệ.").titled("Ngày không hợp lệ")))?;
    // Refused early with the same words storage would give, before the
    // document is made; storage checks again under its lock.
    if let Some((m, _)) = state.store.issued_report(year, kind.code()).await? {
        return Err(AppError::from(xhht_storage::StorageError::Conflict(
            xhht_storage::Conflict::ReportIssued {
                year,
                kind: kind.code().into(),
                number: m.number,
            },
        ))
        .back_to(editor_url(year, kind, ""), "Quay lại dự thảo"));
    }
    let (draft, doc) = compose::load(&state, year, kind, Some(f.phien_ban))
        .await
        .map_err(|e| back(app_error(e)))?;
    let doc = draft.apply(doc, &number, Some(date));
    let bytes = blocking(move || render_document(&doc))
        .await?
        .map_err(|e| AppError::internal(format!("making the report failed: {e}")))?;
    let facts = IssueFacts {
        year,
        kind: kind.code(),
        number: &number,
        issued_on: &date.to_string(),
        version: f.phien_ban,
    };
    state
        .store
        .issue_report(&Stamp::now(&user.username), &facts, bytes)
        .await
        .map_err(|e| back(e.into()))?;
    Ok(Redirect::to(&editor_url(year, kind, "issued")).into_response())
}

/// `GET /review/{year}/bao-cao/da-ban-hanh.docx?loai=`: the issued file,
/// the bytes stored when it was issued.
pub async fn issued_docx(
    State(state): State<AppState>,
    _: AreaReader,
    PlanYear(year): PlanYear,
    Query(q): Query<VersionQuery>,
) -> Result<Response, AppError> {
    let kind = kind_in(&state, year, q.loai)?;
    let Some((meta, bytes)) = state.store.issued_report(year, kind.code()).await? else {
        return Err(
            AppError::not_found(format!("Báo cáo năm {year} loại này chưa ban hành."))
                .back_to(editor_url(year, kind, ""), "Về dự thảo"),
        );
    };
    let safe: String = meta
        .number
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    attachment(
        Ok::<_, AppError>(bytes),
        DOCX,
        &format!("bao-cao-{year}-{}-so-{safe}.docx", kind.code()),
        "báo cáo đã ban hành",
    )
}
