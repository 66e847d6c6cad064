//! One indicator: over the years and across the units (`/chi-tieu/{code}`),
//! its chart as SVG and its figures as CSV.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use xhht_charts::{Bar, BarChart};
use xhht_domain::plan::{Formula, Indicator, IndicatorKind, Plan, TargetValue};
use xhht_domain::text;

use super::Framed;
use crate::chrome::Chrome;
use crate::figures::{self, UnitLine, expected, line_chart, progress_of, series, target_for, unit_of};
use crate::i18n;
use crate::params::{YearParam, year_or_default};
use crate::present::{self, Shown};
use crate::respond::{AppError, Cell, CsvDialect, Path, Query, csv_response};
use crate::state::AppState;

/// How the units are listed: `?sort=ten` by name, else by result.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub enum Sort {
    #[default]
    Result,
    Name,
}

impl TryFrom<String> for Sort {
    type Error = String;

    fn try_from(raw: String) -> Result<Self, Self::Error> {
        match raw.as_str() {
            "ten" => Ok(Self::Name),
            "ket-qua" => Ok(Self::Result),
            _ => Err(format!("cách sắp xếp “{raw}” không có (có: ten, ket-qua)")),
        }
    }
}

#[derive(Deserialize)]
pub struct IndicatorQuery {
    year: Option<YearParam>,
    #[serde(default)]
    sort: Sort,
}

pub struct YearRow {
    pub year: i32,
    pub s: Shown,
    pub target: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "dashboards/indicator.html")]
pub struct IndicatorPage {
    pub chrome: Chrome,
    pub base: &'static str,
    pub home: &'static str,
    pub code: String,
    pub number: i64,
    pub name: String,
    pub group: String,
    pub help: String,
    pub formula: String,
    pub area_name: String,
    pub year: i32,
    pub years: Vec<i32>,
    pub by_name: bool,
    /// Each chart twice: wide, and laid out for a phone (the stylesheet
    /// shows one of them).
    pub line_svg: String,
    pub line_svg_narrow: String,
    pub bar_svg: String,
    pub bar_svg_narrow: String,
    pub year_rows: Vec<YearRow>,
    pub units: Vec<UnitLine>,
    /// The year's figure re-cut to today's units (after the 2025 change of map).
    pub today: Vec<TodayLine>,
}

/// One of today's units, its figure estimated from this plan's units.
pub struct TodayLine {
    pub name: String,
    pub value: String,
    pub shares: String,
    pub missing: String,
}

/// The indicator's position in the plan, or a page not found.
fn find(plan: &Plan, code: &str) -> Result<usize, AppError> {
    plan.indicators
        .iter()
        .position(|i| i.code == code)
        .ok_or_else(|| AppError::not_found(format!("Không có chỉ tiêu “{code}”.")).titled("Không tìm thấy chỉ tiêu"))
}

pub async fn page(
    State(state): State<AppState>,
    Framed { site, chrome }: Framed,
    Path(code): Path<String>,
    Query(q): Query<IndicatorQuery>,
) -> Result<IndicatorPage, AppError> {
    let plan = &state.plan;
    let index = find(plan, &code)?;
    let year = year_or_default(&state, q.year).await?;
    let ind = &plan.indicators[index];
    let area = plan.area();
    let by_name = q.sort == Sort::Name;
    let years = figures::years_offered(&state, year, false).await;
    let last = *years.last().unwrap_or(&year);
    let all = series(&state, &area.code, plan.reporting.first_year..=last).await?;
    let units = figures::unit_lines(&state, index, &area.code, year, by_name).await?;
    let today = figures::carried::recut(&state, &plan.indicators[index], year)
        .await?
        .into_iter()
        .map(|r| TodayLine {
            value: present::value(&plan.indicators[index], &r.value.value),
            shares: figures::carried::shares_text(&r.value.shares),
            missing: figures::carried::missing_text(&r.value.missing),
            name: r.name,
        })
        .collect();
    let values = &all[index];
    // The path to a target starts at the baseline year's value, which may
    // precede the years listed.
    let base_year = plan.reporting.baseline_year;
    let baseline = match values.iter().find(|v| v.year == base_year) {
        Some(v) => v.value,
        None => series(&state, &area.code, base_year..=base_year).await?[index][0].value,
    };
    let year_rows = values
        .iter()
        .map(|v| YearRow {
            year: v.year,
            s: Shown::new(ind, v, &progress_of(plan, ind, v, baseline, v.year)),
            target: plan
                .target(&ind.code, v.year)
                .map(|t| present::target(ind, &t.value))
                .unwrap_or_default(),
        })
        .collect();
    let (line_svg, line_svg_narrow) = if ind.is_status() {
        Default::default()
    } else {
        let chart = line_chart(plan, ind, &area.name, values);
        (chart.svg(), chart.svg_narrow())
    };
    let (bar_svg, bar_svg_narrow) = if ind.is_status() || units.is_empty() {
        Default::default()
    } else {
        let chart = bar_chart(plan, ind, year, &units);
        (chart.svg(), chart.svg_narrow())
    };
    let group = plan
        .target_groups
        .iter()
        .find(|g| g.code == ind.group)
        .map(|g| format!("{}) {}", g.code, g.name))
        .unwrap_or_default();
    Ok(IndicatorPage {
        chrome,
        base: site.base,
        home: site.home(),
        code: ind.code.clone(),
        number: ind.number,
        name: ind.name.clone(),
        group,
        help: ind.help.clone().unwrap_or_default(),
        formula: formula_text(plan, ind),
        area_name: area.name.clone(),
        year,
        years,
        by_name,
        line_svg,
        line_svg_narrow,
        bar_svg,
        bar_svg_narrow,
        year_rows,
        units,
        today,
    })
}

fn formula_text(plan: &Plan, ind: &Indicator) -> String {
    let name = |f: &Formula| {
        let codes = f.expr.element_codes();
        if codes.len() == 1 {
            plan.element(codes[0])
                .map_or_else(|| f.text.clone(), |e| e.name.clone())
        } else {
            f.text.clone()
        }
    };
    match &ind.kind {
        IndicatorKind::Ratio {
            numerator,
            denominator,
            scale,
        } => format!(
            "{} ÷ {}{}",
            name(numerator),
            name(denominator),
            if *scale == 100.0 { " × 100" } else { "" }
        ),
        IndicatorKind::Share { condition, .. } => format!("Tỷ lệ đơn vị đạt điều kiện: {}", condition.text),
        IndicatorKind::StatusDerived {
            condition, at_least, ..
        } => format!(
            "Đạt khi ít nhất {}% đơn vị đạt: {}",
            text::number(*at_least, 1),
            condition.text
        ),
        IndicatorKind::StatusElement { element } => format!(
            "Theo báo cáo “{}”",
            plan.element(element).map_or(element.as_str(), |e| e.name.as_str())
        ),
    }
}

fn bar_chart(plan: &Plan, ind: &Indicator, year: i32, lines: &[UnitLine]) -> BarChart {
    BarChart {
        title: format!("{} — năm {year}", ind.name),
        unit: unit_of(ind),
        bars: lines
            .iter()
            .map(|l| Bar {
                label: l.name.clone(),
                value: l.value,
            })
            .collect(),
        target: target_for(plan, &ind.code, year).and_then(|t| match t.value {
            TargetValue::Number(n) => Some(n),
            TargetValue::Status(_) => None,
        }),
    }
}

/// `…/chi-tieu/{code}/bieu-do.svg`: the chart of the indicator over the years.
pub async fn chart_svg(State(state): State<AppState>, Path(code): Path<String>) -> Result<Response, AppError> {
    let plan = &state.plan;
    let index = find(plan, &code)?;
    let area = plan.area();
    let all = series(&state, &area.code, plan.reporting.first_year..=plan.reporting.last_year).await?;
    let svg = line_chart(plan, &plan.indicators[index], &area.name, &all[index]).svg();
    let disposition = format!("attachment; filename=\"{code}.svg\"");
    Ok((
        [
            (header::CONTENT_TYPE, "image/svg+xml; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        svg,
    )
        .into_response())
}

/// `?excel=vi`: the CSV for Excel on a Vietnamese Windows.
#[derive(Deserialize)]
pub struct CsvQuery {
    #[serde(default)]
    excel: CsvDialect,
}

/// `…/chi-tieu/{code}/du-lieu.csv[?excel=vi]`: the area and the units it
/// compares, every year. `trang_thai` is where the value stands against the
/// plan's target, in words ("Đạt", "Chậm tiến độ", …); `muc_do` is a status
/// indicator's level.
pub async fn data_csv(
    State(state): State<AppState>,
    Path(code): Path<String>,
    Query(q): Query<CsvQuery>,
) -> Result<Response, AppError> {
    let plan = &state.plan;
    let index = find(plan, &code)?;
    let ind = &plan.indicators[index];
    let area = plan.area();
    let base_year = plan.reporting.baseline_year;
    // Each unit's value of the baseline year, met on the way (years ascend),
    // so the straight path to the target is judged as the pages judge it.
    let mut baselines: std::collections::HashMap<String, Option<f64>> = std::collections::HashMap::new();
    let mut rows = Vec::new();
    for year in figures::years_offered(&state, plan.reporting.first_year, false).await {
        let mut units = vec![area];
        units.extend(figures::compared_units(&state, index, &area.code, year));
        let codes: Vec<&str> = units.iter().map(|u| u.code.as_str()).collect();
        let rollups = state.store.rollups_for_areas(&codes, year).await?;
        for u in units {
            let r = rollups
                .get(&(u.code.clone(), ind.code.clone()))
                .cloned()
                .unwrap_or_default();
            let v = r.value(ind, &u.code, year, expected(&state, year, &u.code)[index]);
            if year == base_year {
                baselines.insert(u.code.clone(), v.value);
            }
            let base = baselines.get(&u.code).copied().flatten();
            let assessed = progress_of(plan, ind, &v, base, year);
            let level = v
                .status
                .as_deref()
                .map(|s| ind.option(s).map_or_else(|| s.to_string(), |o| o.name.clone()))
                .unwrap_or_default();
            rows.push(vec![
                Cell::Text(year.to_string()),
                Cell::Text(u.code.clone()),
                Cell::Text(u.name.clone()),
                Cell::Text(ind.code.clone()),
                Cell::Num(v.value),
                Cell::from(i18n::progress(assessed.status)),
                Cell::Num(v.numerator),
                Cell::Num(v.denominator),
                Cell::Text(v.units_counted.to_string()),
                Cell::Text(v.units_expected.to_string()),
                Cell::Text(level),
            ]);
        }
    }
    let header = [
        "nam",
        "ma_don_vi",
        "don_vi",
        "chi_tieu",
        "gia_tri",
        "trang_thai",
        "tu_so",
        "mau_so",
        "don_vi_co_so_lieu",
        "don_vi_phai_bao_cao",
        "muc_do",
    ];
    let name = format!("Số liệu chỉ tiêu {} {}", ind.number, ind.name);
    Ok(csv_response(&name, q.excel, &header, rows.into_iter()))
}
