//! The area's documents for a year: the Word report (yearly, mid-term or
//! final review), its annex in Excel, and the district-wide template.

mod report;

use std::collections::HashMap;

use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;
use xhht_domain::plan::ReviewKind;
use xhht_office::report::ReportKind;

pub use report::{ReportError, annex, document, yearly_report};

use crate::auth::{AreaReader, PlanYear};
use crate::figures::shape;
use crate::respond::{AppError, DOCX, Query, XLSX, attachment, blocking};
use crate::state::AppState;

/// `?loai=nam|so-ket|tong-ket`.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(try_from = "String")]
pub struct KindParam(pub ReportKind);

impl TryFrom<String> for KindParam {
    type Error = String;

    fn try_from(raw: String) -> Result<Self, Self::Error> {
        ReportKind::parse(&raw)
            .map(KindParam)
            .ok_or_else(|| format!("không có loại báo cáo “{raw}” (có: nam, so-ket, tong-ket)"))
    }
}

#[derive(Deserialize)]
pub struct DocxQuery {
    loai: Option<KindParam>,
}

/// `GET /review/{year}/bao-cao.docx?loai=…`: the yearly report (or the
/// mid-term or final review) as a Word document.
pub async fn report_docx(
    State(state): State<AppState>,
    _: AreaReader,
    PlanYear(year): PlanYear,
    Query(q): Query<DocxQuery>,
) -> Result<Response, AppError> {
    let kind = q.loai.map_or(ReportKind::Yearly, |k| k.0);
    // A review only in a year the plan holds that review.
    if let Some(review) = kind.review()
        && state.plan.review(year).is_none_or(|r| r.kind != review)
    {
        return Err(AppError::bad_request(format!(
            "Kế hoạch không có kỳ {} vào năm {year}.",
            if review == ReviewKind::MidTerm {
                "sơ kết"
            } else {
                "tổng kết"
            }
        )));
    }
    let made = yearly_report(&state, year, kind).await;
    attachment(made, DOCX, &format!("bao-cao-{year}.docx"), "báo cáo")
}

/// `GET /review/{year}/phu-luc.xlsx`: the report's annex as Excel, numbers as numbers.
pub async fn annex_xlsx(
    State(state): State<AppState>,
    _: AreaReader,
    PlanYear(year): PlanYear,
) -> Result<Response, AppError> {
    let table = report::annex(&state, year).await?;
    attachment(
        blocking(move || xhht_office::annex::workbook(&table)).await?,
        XLSX,
        &format!("phu-luc-{year}.xlsx"),
        "phụ lục",
    )
}

/// `GET /review/{year}/mau-tong-hop.xlsx`: one sheet, one row per unit the
/// plan has a compiler collect (its wards, its residential groups: see
/// [`shape::template_units`]), with their current figures (drafts included:
/// reviewers see drafts).
pub async fn district_template(
    State(state): State<AppState>,
    _: AreaReader,
    PlanYear(year): PlanYear,
) -> Result<Response, AppError> {
    let plan = &state.plan;
    let area = plan.area();
    let units = shape::template_units(plan, year);
    let mut values = HashMap::new();
    for w in &units {
        values.insert(w.code.clone(), state.store.working_values(plan, &w.code, year).await?);
    }
    let (plan, area) = (state.plan.clone(), area.clone());
    let units: Vec<_> = units.into_iter().cloned().collect();
    let made = blocking(move || {
        let units: Vec<_> = units.iter().collect();
        xhht_office::template::district_template(&plan, &area, year, &units, &values)
    })
    .await?;
    attachment(made, XLSX, &format!("tong-hop-{year}.xlsx"), "mẫu tổng hợp")
}
