//! JSON API, version 1.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Query, State};
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
) -> Result<Json<serde_json::Value>, ApiError> {
    let year = parse_year(&state, q.get("year")).await?;
    let plan = &state.plan;
    let code = q.get("org_unit").map_or(plan.info.area.as_str(), String::as_str);
    let unit = plan.unit(code).filter(|u| u.active_in(year));
    let Some(unit) = unit else {
        return Err(ApiError::NotFound(format!("không có đơn vị «{code}» trong năm {year}")));
    };
    let assessed = service::assess(&state, year, &unit.code).await?;
    let indicators: Vec<IndicatorDto> = assessed
        .into_iter()
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
    // Serialise while the borrows of `state` are alive, then hand back owned JSON.
    let body = IndicatorsResponse {
        year,
        org_unit: UnitRef {
            code: &unit.code,
            name: &unit.name,
        },
        indicators,
    };
    Ok(Json(serde_json::to_value(&body).expect("plain structs serialise")))
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
