//! JSON API, version 1.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use xhht_domain::indicator::Progress;
use xhht_domain::plan::{Plan, Target};

use crate::error::ApiError;
use crate::service;
use crate::state::AppState;

/// The whole plan: org units, data elements, indicators, targets, tasks.
pub async fn plan(State(state): State<AppState>) -> Json<Plan> {
    Json((*state.plan).clone())
}

#[derive(Serialize)]
struct IndicatorsResponse<'a> {
    year: i32,
    org_unit: UnitRef<'a>,
    indicators: Vec<IndicatorDto<'a>>,
}

#[derive(Serialize)]
struct UnitRef<'a> {
    code: &'a str,
    name: &'a str,
}

#[derive(Serialize)]
struct IndicatorDto<'a> {
    code: &'a str,
    number: i64,
    group: &'a str,
    name: &'a str,
    unit: Option<&'a str>,
    value: Option<f64>,
    status: Option<String>,
    numerator: Option<f64>,
    denominator: Option<f64>,
    units_counted: usize,
    units_expected: usize,
    target: Option<&'a Target>,
    progress: Progress,
}

/// `GET /api/v1/indicators?year=YYYY[&org_unit=CODE]`: computed values of
/// every indicator from approved figures, with numerator and denominator.
pub async fn indicators(
    State(state): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let csv = wants_csv(&q)?;
    let year = parse_year(&state, q.get("year")).await?;
    let plan = &state.plan;
    let code = q.get("org_unit").map_or(plan.info.area.as_str(), String::as_str);
    let unit = plan.unit(code).filter(|u| u.active_in(year));
    let Some(unit) = unit else {
        return Err(ApiError::NotFound(format!("không có đơn vị «{code}» trong năm {year}")));
    };
    let wanted = q.get("indicator").map(String::as_str);
    if let Some(code) = wanted.filter(|c| plan.indicator(c).is_none()) {
        return Err(ApiError::NotFound(format!("không có chỉ tiêu «{code}»")));
    }
    let assessed = service::assess(&state, year, &unit.code).await?;
    let indicators: Vec<IndicatorDto> = assessed
        .into_iter()
        .filter(|a| wanted.is_none_or(|c| a.indicator.code == c))
        .map(|a| IndicatorDto {
            code: &a.indicator.code,
            number: a.indicator.number,
            group: &a.indicator.group,
            name: &a.indicator.name,
            unit: a.indicator.unit.as_deref(),
            value: a.value.value,
            status: a.value.status,
            numerator: a.value.numerator,
            denominator: a.value.denominator,
            units_counted: a.value.units_counted,
            units_expected: a.value.units_expected,
            target: a.target,
            progress: a.progress,
        })
        .collect();
    if csv {
        let rows = indicators.iter().map(|i| {
            vec![
                year.to_string(),
                unit.code.clone(),
                i.code.to_string(),
                num(i.value),
                i.status.clone().unwrap_or_default(),
                num(i.numerator),
                num(i.denominator),
                i.units_counted.to_string(),
                i.units_expected.to_string(),
            ]
        });
        let header = [
            "year",
            "org_unit",
            "indicator",
            "value",
            "status",
            "numerator",
            "denominator",
            "units_counted",
            "units_expected",
        ];
        return Ok(csv_response("indicators.csv", &header, rows));
    }
    // Serialise while the borrows of `state` are alive, then hand back owned JSON.
    let body = IndicatorsResponse {
        year,
        org_unit: UnitRef {
            code: &unit.code,
            name: &unit.name,
        },
        indicators,
    };
    Ok(Json(serde_json::to_value(&body).expect("plain structs serialise")).into_response())
}

fn num(x: Option<f64>) -> String {
    x.map(|x| x.to_string()).unwrap_or_default()
}

/// `format=csv` (or `json`, the default); anything else is refused.
fn wants_csv(q: &HashMap<String, String>) -> Result<bool, ApiError> {
    match q.get("format").map(String::as_str) {
        None | Some("json") => Ok(false),
        Some("csv") => Ok(true),
        Some(other) => Err(ApiError::BadRequest(format!(
            "định dạng «{other}» không hỗ trợ (có: json, csv)"
        ))),
    }
}

/// A CSV download: UTF-8 with a byte-order mark so Excel reads Vietnamese.
pub fn csv_response(filename: &str, header: &[&str], rows: impl Iterator<Item = Vec<String>>) -> Response {
    let mut w = csv::Writer::from_writer(vec![0xEF, 0xBB, 0xBF]);
    let _ = w.write_record(header);
    for r in rows {
        let _ = w.write_record(&r);
    }
    let body = w.into_inner().unwrap_or_default();
    let disposition = format!("attachment; filename=\"{filename}\"");
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response()
}

#[derive(Serialize)]
struct DataValueDto {
    year: i32,
    org_unit: String,
    element: String,
    value: serde_json::Value,
}

/// `GET /api/v1/data-values?year=YYYY[&org_unit=CODE][&element=CODE][&format=csv]`:
/// approved values only (drafts never leave the unit).
pub async fn data_values(
    State(state): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let csv = wants_csv(&q)?;
    let year = parse_year(&state, q.get("year")).await?;
    let plan = &state.plan;
    let unit = q.get("org_unit").map(String::as_str);
    let element = q.get("element").map(String::as_str);
    if let Some(u) = unit.filter(|u| plan.unit(u).is_none()) {
        return Err(ApiError::NotFound(format!("không có đơn vị «{u}»")));
    }
    if let Some(e) = element.filter(|e| plan.element(e).is_none()) {
        return Err(ApiError::NotFound(format!("không có chỉ số dữ liệu «{e}»")));
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
    if csv {
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

/// The OpenAPI description of `/api`, kept beside the code and checked
/// against the router by a test.
pub const OPENAPI: &str = include_str!("../../openapi.json");

pub async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI).into_response()
}

/// The API's routes: the router mounts exactly these, and the OpenAPI test
/// checks that the document describes exactly these.
pub fn routes() -> Vec<(&'static str, axum::routing::MethodRouter<AppState>)> {
    use axum::routing::get;
    vec![
        ("/api/v1/plan", get(plan)),
        ("/api/v1/indicators", get(indicators)),
        ("/api/v1/data-values", get(data_values)),
        ("/api/openapi.json", get(openapi)),
    ]
}

/// Parses `year`, defaulting to the latest complete year.
pub async fn parse_year(state: &AppState, raw: Option<&String>) -> Result<i32, ApiError> {
    let r = &state.plan.reporting;
    let Some(raw) = raw else {
        return Ok(service::default_year(state).await?);
    };
    let year: i32 = raw
        .trim()
        .parse()
        .map_err(|_| ApiError::BadRequest(format!("năm «{raw}» không hợp lệ")))?;
    if !(r.first_year..=r.last_year).contains(&year) {
        return Err(ApiError::BadRequest(format!(
            "năm {year} nằm ngoài thời gian của kế hoạch ({}-{})",
            r.first_year, r.last_year
        )));
    }
    Ok(year)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The document describes exactly the routes the router mounts.
    #[test]
    fn openapi_matches_the_routes() {
        let doc: serde_json::Value = serde_json::from_str(OPENAPI).expect("valid JSON");
        assert_eq!(doc["openapi"], "3.1.0");
        let mut documented: Vec<&str> = doc["paths"].as_object().unwrap().keys().map(String::as_str).collect();
        let mut mounted: Vec<&str> = routes().into_iter().map(|(p, _)| p).collect();
        documented.sort_unstable();
        mounted.sort_unstable();
        assert_eq!(documented, mounted);
    }
}
