//! `GET /api/v1/data-values?year=YYYY[&org_unit=CODE][&element=CODE][&limit=N][&offset=N][&format=csv[&excel=vi]]`:
//! approved values only (drafts never leave the unit), filtered and paged in
//! SQL (ordered by unit, then element); `next_offset` says where the next
//! page starts when there is one.

use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use super::Format;
use crate::params::{YearParam, year_or_default};
use crate::respond::{AppError, Cell, CsvDialect, Query, csv_response};
use crate::state::AppState;

#[derive(Deserialize)]
pub struct DataValuesQuery {
    year: Option<YearParam>,
    org_unit: Option<String>,
    element: Option<String>,
    limit: Option<i64>,
    offset: Option<i64>,
    #[serde(default)]
    format: Format,
    /// `excel=vi`: the CSV for Excel on a Vietnamese Windows (`;`, decimal comma).
    #[serde(default)]
    excel: CsvDialect,
}

/// Rows per page unless `limit` says otherwise, and the most a page may hold.
const DEFAULT_LIMIT: i64 = 10_000;
const MAX_LIMIT: i64 = 100_000;

#[derive(Serialize)]
struct DataValueDto {
    year: i32,
    org_unit: String,
    element: String,
    value: serde_json::Value,
}

pub async fn list(State(state): State<AppState>, Query(q): Query<DataValuesQuery>) -> Result<Response, AppError> {
    let year = year_or_default(&state, q.year).await?;
    let plan = &state.plan;
    let unit = q.org_unit.as_deref();
    let element = q.element.as_deref();
    if let Some(u) = unit.filter(|u| plan.unit(u).is_none()) {
        return Err(AppError::not_found(format!("không có đơn vị “{u}”")));
    }
    if let Some(e) = element.filter(|e| plan.element(e).is_none()) {
        return Err(AppError::not_found(format!("không có chỉ số dữ liệu “{e}”")));
    }
    let limit = q.limit.unwrap_or(DEFAULT_LIMIT);
    let offset = q.offset.unwrap_or(0);
    if !(1..=MAX_LIMIT).contains(&limit) || offset < 0 {
        return Err(AppError::bad_request(format!(
            "limit phải từ 1 đến {MAX_LIMIT} và offset không âm."
        )));
    }
    // One row more than asked tells whether another page follows.
    let mut found = state
        .store
        .approved_rows(plan, year, unit, element, limit + 1, offset)
        .await?;
    let next_offset = (found.len() as i64 > limit).then_some(offset + limit);
    found.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    let rows: Vec<DataValueDto> = found
        .into_iter()
        .map(|(org_unit, element, v)| DataValueDto {
            year,
            org_unit,
            element,
            value: serde_json::to_value(&v).unwrap_or_default(),
        })
        .collect();
    if q.format == Format::Csv {
        let cell = |v: &serde_json::Value| match v {
            serde_json::Value::String(s) => Cell::Text(s.clone()),
            serde_json::Value::Number(n) => Cell::Num(n.as_f64()),
            other => Cell::Text(other.to_string()),
        };
        let lines = rows.iter().map(|r| {
            vec![
                Cell::Text(r.year.to_string()),
                Cell::Text(r.org_unit.clone()),
                Cell::Text(r.element.clone()),
                cell(&r.value),
            ]
        });
        let name = format!("Số liệu đã duyệt năm {year}");
        return Ok(csv_response(
            &name,
            q.excel,
            &["year", "org_unit", "element", "value"],
            lines,
        ));
    }
    Ok(Json(serde_json::json!({ "year": year, "data_values": rows, "next_offset": next_offset })).into_response())
}
