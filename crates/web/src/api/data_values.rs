//! `GET /api/v1/data-values?year=YYYY[&org_unit=CODE][&element=CODE][&format=csv]`:
//! approved values only (drafts never leave the unit).

use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use super::Format;
use crate::params::{YearParam, year_or_default};
use crate::respond::{AppError, Query, csv_response};
use crate::state::AppState;

#[derive(Deserialize)]
pub struct DataValuesQuery {
    year: Option<YearParam>,
    org_unit: Option<String>,
    element: Option<String>,
    #[serde(default)]
    format: Format,
}

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
        return Err(AppError::not_found(format!("không có đơn vị «{u}»")));
    }
    if let Some(e) = element.filter(|e| plan.element(e).is_none()) {
        return Err(AppError::not_found(format!("không có chỉ số dữ liệu «{e}»")));
    }
    let values = state.store.approved_values(plan, year).await?;
    let mut rows: Vec<DataValueDto> = values
        .units
        .iter()
        .filter(|(u, _)| unit.is_none_or(|w| w == u.as_str()))
        .flat_map(|(u, vals)| {
            vals.iter()
                .filter(|(e, _)| element.is_none_or(|w| w == e.as_str()))
                .map(move |(e, v)| DataValueDto {
                    year,
                    org_unit: u.clone(),
                    element: e.clone(),
                    value: serde_json::to_value(v).unwrap_or_default(),
                })
        })
        .collect();
    rows.sort_by(|a, b| (&a.org_unit, &a.element).cmp(&(&b.org_unit, &b.element)));
    if q.format == Format::Csv {
        let text = |v: &serde_json::Value| match v {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        let lines = rows.iter().map(|r| {
            vec![
                r.year.to_string(),
                r.org_unit.clone(),
                r.element.clone(),
                text(&r.value),
            ]
        });
        return Ok(csv_response(
            "data-values.csv",
            &["year", "org_unit", "element", "value"],
            lines,
        ));
    }
    Ok(Json(serde_json::json!({ "year": year, "data_values": rows })).into_response())
}
