//! `GET /api/v1/indicators?year=YYYY[&org_unit=CODE][&indicator=CODE][&format=csv[&excel=vi]]`:
//! computed values of every indicator from approved figures, with numerator
//! and denominator.

use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use xhht_domain::indicator::Progress;
use xhht_domain::plan::Target;

use super::Format;
use crate::figures;
use crate::params::{YearParam, year_or_default};
use crate::respond::{AppError, Cell, CsvDialect, Query, csv_response};
use crate::state::AppState;

#[derive(Deserialize)]
pub struct IndicatorsQuery {
    year: Option<YearParam>,
    org_unit: Option<String>,
    indicator: Option<String>,
    #[serde(default)]
    format: Format,
    /// `excel=vi`: the CSV for Excel on a Vietnamese Windows (`;`, decimal comma).
    #[serde(default)]
    excel: CsvDialect,
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
    /// True for a year before the plan, estimated from its predecessors.
    estimated: bool,
    /// The predecessors and the shares of them used (estimates only).
    #[serde(skip_serializing_if = "Option::is_none")]
    shares: Option<&'a [xhht_domain::units::SourceUse]>,
    /// Predecessors whose figures are not in any loaded plan (estimates only).
    #[serde(skip_serializing_if = "Option::is_none")]
    missing: Option<&'a [xhht_domain::units::SourceUse]>,
}

const CSV_HEADER: [&str; 9] = [
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

pub async fn list(State(state): State<AppState>, Query(q): Query<IndicatorsQuery>) -> Result<Response, AppError> {
    if let Some(crate::params::YearParam(year)) = q.year
        && figures::carried::carried_years(&state).contains(&year)
    {
        return estimated(&state, year, &q).await;
    }
    let year = year_or_default(&state, q.year).await?;
    let plan = &state.plan;
    let code = q.org_unit.as_deref().unwrap_or(plan.info.area.as_str());
    let unit = plan
        .unit(code)
        .filter(|u| u.active_in(year))
        .ok_or_else(|| AppError::not_found(format!("không có đơn vị “{code}” trong năm {year}")))?;
    let wanted = q.indicator.as_deref();
    if let Some(code) = wanted.filter(|c| plan.indicator(c).is_none()) {
        return Err(AppError::not_found(format!("không có chỉ tiêu “{code}”")));
    }
    let assessed = figures::assess_all(&state, year, &unit.code).await?;
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
            estimated: false,
            shares: None,
            missing: None,
        })
        .collect();
    if q.format == Format::Csv {
        let rows = indicators.iter().map(|i| {
            vec![
                Cell::Text(year.to_string()),
                Cell::Text(unit.code.clone()),
                Cell::from(i.code),
                Cell::Num(i.value),
                Cell::Text(i.status.clone().unwrap_or_default()),
                Cell::Num(i.numerator),
                Cell::Num(i.denominator),
                Cell::Text(i.units_counted.to_string()),
                Cell::Text(i.units_expected.to_string()),
            ]
        });
        let name = format!("Chỉ tiêu năm {year} {}", unit.name);
        return Ok(csv_response(&name, q.excel, &CSV_HEADER, rows));
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
    let json = serde_json::to_value(&body).map_err(AppError::internal)?;
    Ok(Json(json).into_response())
}

/// A year before the plan: the area's indicators estimated from the units it
/// came from (`"estimated": true`, with the shares used and what is missing).
async fn estimated(state: &AppState, year: i32, q: &IndicatorsQuery) -> Result<Response, AppError> {
    let plan = &state.plan;
    let area = plan.area();
    if q.org_unit.as_deref().is_some_and(|c| c != area.code) {
        return Err(AppError::not_found(format!(
            "Năm {year} trước kế hoạch: chỉ có số liệu ước tính của {}.",
            area.name
        )));
    }
    let wanted = q.indicator.as_deref();
    let mut carried = Vec::new();
    for ind in plan.indicators.iter().filter(|i| wanted.is_none_or(|c| i.code == c)) {
        let h = figures::carried::history(state, area, ind).await?;
        if let Some(c) = h.into_iter().find(|c| c.year == year) {
            carried.push((ind, c.value));
        }
    }
    let indicators: Vec<IndicatorDto> = carried
        .iter()
        .map(|(ind, v)| IndicatorDto {
            code: &ind.code,
            number: ind.number,
            group: &ind.group,
            name: &ind.name,
            unit: ind.unit.as_deref(),
            value: v.value.value,
            status: v.value.status.clone(),
            numerator: v.value.numerator,
            denominator: v.value.denominator,
            units_counted: v.value.units_counted,
            units_expected: v.value.units_expected,
            target: None,
            progress: Progress {
                status: xhht_domain::indicator::ProgressStatus::NoData,
                gap: None,
            },
            estimated: true,
            shares: Some(&v.shares),
            missing: Some(&v.missing),
        })
        .collect();
    let body = IndicatorsResponse {
        year,
        org_unit: UnitRef {
            code: &area.code,
            name: &area.name,
        },
        indicators,
    };
    let json = serde_json::to_value(&body).map_err(AppError::internal)?;
    Ok(Json(json).into_response())
}
