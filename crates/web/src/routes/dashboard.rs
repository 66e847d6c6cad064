//! Dashboards: the area's targets (`/`), one indicator (`/chi-tieu/{code}`),
//! one unit (`/don-vi/{code}`) and the comparison grid (`/so-sanh`). Each is
//! also served under `/cong-khai` for the public, without login and without
//! any account's name; all show approved figures only.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use xhht_domain::text;

use super::message;
use crate::chrome::Chrome;
use crate::i18n;
use crate::present::{self, Shown};
use crate::service::dashboard::{self as dash, TargetGroupRows, UnitLine};
use crate::service::{self, expected, series};
use crate::state::AppState;

/// Internal pages at `/…`, the public mirror at `/cong-khai/…`.
#[derive(Debug, Clone, Copy)]
pub struct Site {
    pub base: &'static str,
    pub public: bool,
}

impl Site {
    pub const INTERNAL: Site = Site {
        base: "",
        public: false,
    };
    pub const PUBLIC: Site = Site {
        base: "/cong-khai",
        public: true,
    };

    pub fn home(self) -> &'static str {
        if self.base.is_empty() { "/" } else { self.base }
    }

    /// The public pages never show who is logged in.
    fn chrome(self, mut chrome: Chrome) -> Chrome {
        if self.public {
            chrome.user = None;
        }
        chrome
    }
}

type Q = Query<HashMap<String, String>>;

async fn year_of(state: &AppState, q: &Q) -> Result<i32, Response> {
    super::api::parse_year(state, q.get("year"))
        .await
        .map_err(IntoResponse::into_response)
}

#[derive(Template, WebTemplate)]
#[template(path = "home.html")]
pub struct OverviewPage {
    pub chrome: Chrome,
    pub base: &'static str,
    /// The dashboard's own address: `/` or `/cong-khai`.
    pub home: &'static str,
    pub public: bool,
    pub title: String,
    pub subtitle: String,
    pub area_name: String,
    pub year: i32,
    pub years: Vec<i32>,
    pub coverage: String,
    pub complete: bool,
    pub groups: Vec<TargetGroupRows>,
    pub due: String,
}

pub async fn overview(
    State(state): State<AppState>,
    Extension(site): Extension<Site>,
    chrome: Chrome,
    q: Q,
) -> Response {
    let year = match year_of(&state, &q).await {
        Ok(y) => y,
        Err(r) => return r,
    };
    let plan = &state.plan;
    let area = plan.area();
    let (groups, cov) = match (
        dash::target_rows(&state, &area.code, year).await,
        service::coverage(&state, year).await,
    ) {
        (Ok(g), Ok(c)) => (g, c),
        (Err(e), _) | (_, Err(e)) => return super::server_error(&e),
    };
    OverviewPage {
        chrome: site.chrome(chrome),
        base: site.base,
        home: site.home(),
        public: site.public,
        title: plan.info.title.clone(),
        subtitle: format!(
            "Kế hoạch số {} {} của {}",
            plan.info.number,
            text::date_long(plan.info.date),
            plan.info.issuing_body
        ),
        area_name: area.name.clone(),
        year,
        years: service::years_offered(&state, year, false).await,
        coverage: format!("{}/{} báo cáo đã được duyệt", cov.approved, cov.expected),
        complete: cov.approved == cov.expected,
        groups,
        due: plan.due_date(year).map(text::date).unwrap_or_default(),
    }
    .into_response()
}

pub struct YearRow {
    pub year: i32,
    pub s: Shown,
    pub target: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "indicator.html")]
pub struct IndicatorPage {
    pub chrome: Chrome,
    pub base: &'static str,
    /// The dashboard's own address: `/` or `/cong-khai`.
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
    pub line_svg: String,
    pub bar_svg: String,
    pub year_rows: Vec<YearRow>,
    pub units: Vec<UnitLine>,
}

fn formula_text(plan: &xhht_domain::plan::Plan, ind: &xhht_domain::plan::Indicator) -> String {
    use xhht_domain::plan::IndicatorKind::*;
    let name = |f: &xhht_domain::plan::Formula| {
        let codes = f.expr.element_codes();
        if codes.len() == 1 {
            plan.element(codes[0])
                .map_or_else(|| f.text.clone(), |e| e.name.clone())
        } else {
            f.text.clone()
        }
    };
    match &ind.kind {
        Ratio {
            numerator,
            denominator,
            scale,
        } => {
            format!(
                "{} ÷ {}{}",
                name(numerator),
                name(denominator),
                if *scale == 100.0 { " × 100" } else { "" }
            )
        }
        Share { condition, .. } => format!("Tỷ lệ đơn vị đạt điều kiện: {}", condition.text),
        StatusDerived {
            condition, at_least, ..
        } => format!(
            "Đạt khi ít nhất {}% đơn vị đạt: {}",
            text::number(*at_least, 1),
            condition.text
        ),
        StatusElement { element } => format!(
            "Theo báo cáo «{}»",
            plan.element(element).map_or(element.as_str(), |e| e.name.as_str())
        ),
    }
}

pub async fn indicator(
    State(state): State<AppState>,
    Extension(site): Extension<Site>,
    chrome: Chrome,
    Path(code): Path<String>,
    q: Q,
) -> Response {
    let plan = &state.plan;
    let Some(index) = plan.indicators.iter().position(|i| i.code == code) else {
        return message(
            StatusCode::NOT_FOUND,
            "Không tìm thấy chỉ tiêu",
            &format!("Không có chỉ tiêu «{code}»."),
        );
    };
    let year = match year_of(&state, &q).await {
        Ok(y) => y,
        Err(r) => return r,
    };
    let ind = &plan.indicators[index];
    let area = plan.area();
    let by_name = q.get("sort").map(String::as_str) == Some("ten");
    let years = service::years_offered(&state, year, false).await;
    let last = *years.last().unwrap_or(&year);
    let (all, units) = match (
        series(&state, &area.code, plan.reporting.first_year..=last).await,
        dash::unit_lines(&state, index, &area.code, year, by_name).await,
    ) {
        (Ok(a), Ok(u)) => (a, u),
        (Err(e), _) | (_, Err(e)) => return super::server_error(&e),
    };
    let values = &all[index];
    let baseline = values.first().and_then(|v| v.value);
    let year_rows = values
        .iter()
        .map(|v| {
            let p = dash::assess(plan, ind, v, baseline, v.year);
            YearRow {
                year: v.year,
                s: Shown::new(ind, v, &p),
                target: plan
                    .target(&ind.code, v.year)
                    .map(|t| present::target(ind, &t.value))
                    .unwrap_or_default(),
            }
        })
        .collect();
    let group = plan
        .target_groups
        .iter()
        .find(|g| g.code == ind.group)
        .map(|g| format!("{}) {}", g.code, g.name))
        .unwrap_or_default();
    IndicatorPage {
        chrome: site.chrome(chrome),
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
        line_svg: if ind.is_status() {
            String::new()
        } else {
            dash::line_chart(plan, ind, &area.name, values).svg()
        },
        bar_svg: if ind.is_status() || units.is_empty() {
            String::new()
        } else {
            dash::bar_chart(plan, ind, year, &units).svg()
        },
        year_rows,
        units,
    }
    .into_response()
}

/// `…/chi-tieu/{code}/bieu-do.svg`: the chart of the indicator over the years.
pub async fn chart_svg(State(state): State<AppState>, Path(code): Path<String>) -> Response {
    let plan = &state.plan;
    let Some(index) = plan.indicators.iter().position(|i| i.code == code) else {
        return (StatusCode::NOT_FOUND, "không có chỉ tiêu này").into_response();
    };
    let area = plan.area();
    match series(&state, &area.code, plan.reporting.first_year..=plan.reporting.last_year).await {
        Ok(all) => {
            let svg = dash::line_chart(plan, &plan.indicators[index], &area.name, &all[index]).svg();
            let disposition = format!("attachment; filename=\"{code}.svg\"");
            (
                [
                    (header::CONTENT_TYPE, "image/svg+xml; charset=utf-8".to_string()),
                    (header::CONTENT_DISPOSITION, disposition),
                ],
                svg,
            )
                .into_response()
        }
        Err(e) => super::server_error(&e),
    }
}

/// `…/chi-tieu/{code}/du-lieu.csv`: the area and the units it compares, every year.
pub async fn data_csv(State(state): State<AppState>, Path(code): Path<String>) -> Response {
    let plan = &state.plan;
    let Some(index) = plan.indicators.iter().position(|i| i.code == code) else {
        return (StatusCode::NOT_FOUND, "không có chỉ tiêu này").into_response();
    };
    let ind = &plan.indicators[index];
    let area = plan.area();
    let mut rows = Vec::new();
    for year in service::years_offered(&state, plan.reporting.first_year, false).await {
        let mut units = vec![area];
        units.extend(dash::compared_units(&state, index, &area.code, year));
        let codes: Vec<&str> = units.iter().map(|u| u.code.as_str()).collect();
        let rollups = match state.store.rollups_for_areas(&codes, year).await {
            Ok(r) => r,
            Err(e) => return super::server_error(&e),
        };
        for u in units {
            let r = rollups
                .get(&(u.code.clone(), ind.code.clone()))
                .cloned()
                .unwrap_or_default();
            let v = r.value(ind, &u.code, year, expected(&state, year, &u.code)[index]);
            let num = |x: Option<f64>| x.map(|x| x.to_string()).unwrap_or_default();
            rows.push(vec![
                year.to_string(),
                u.code.clone(),
                u.name.clone(),
                ind.code.clone(),
                num(v.value),
                v.status.clone().unwrap_or_default(),
                num(v.numerator),
                num(v.denominator),
                v.units_counted.to_string(),
                v.units_expected.to_string(),
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
    ];
    super::api::csv_response(&format!("{code}.csv"), &header, rows.into_iter())
}

pub struct UnitIndicatorRow {
    pub code: String,
    pub number: i64,
    pub name: String,
    pub s: Shown,
    pub area_value: String,
    pub target: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "unit.html")]
pub struct UnitPage {
    pub chrome: Chrome,
    pub base: &'static str,
    /// The dashboard's own address: `/` or `/cong-khai`.
    pub home: &'static str,
    pub code: String,
    pub name: String,
    pub area_name: String,
    pub year: i32,
    pub years: Vec<i32>,
    pub rows: Vec<UnitIndicatorRow>,
}

pub async fn unit(
    State(state): State<AppState>,
    Extension(site): Extension<Site>,
    chrome: Chrome,
    Path(code): Path<String>,
    q: Q,
) -> Response {
    let plan = &state.plan;
    let year = match year_of(&state, &q).await {
        Ok(y) => y,
        Err(r) => return r,
    };
    let Some(unit) = plan.unit(&code).filter(|u| u.active_in(year)) else {
        return message(
            StatusCode::NOT_FOUND,
            "Không tìm thấy đơn vị",
            &format!("Không có đơn vị «{code}» trong năm {year}."),
        );
    };
    let area = plan.area();
    let (own, whole) = match (
        series(&state, &unit.code, year..=year).await,
        series(&state, &area.code, year..=year).await,
    ) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(e), _) | (_, Err(e)) => return super::server_error(&e),
    };
    let counts = expected(&state, year, &unit.code);
    let rows = plan
        .indicators
        .iter()
        .enumerate()
        .filter(|(i, _)| counts[*i] > 0)
        .map(|(i, ind)| {
            let v = &own[i][0];
            let p = dash::assess(plan, ind, v, None, year);
            UnitIndicatorRow {
                code: ind.code.clone(),
                number: ind.number,
                name: ind.name.clone(),
                s: Shown::new(ind, v, &p),
                area_value: present::value(ind, &whole[i][0]),
                target: service::target_for(plan, &ind.code, year)
                    .map(|t| present::target(ind, &t.value))
                    .unwrap_or_default(),
            }
        })
        .collect();
    UnitPage {
        chrome: site.chrome(chrome),
        base: site.base,
        home: site.home(),
        code: unit.code.clone(),
        name: unit.name.clone(),
        area_name: area.name.clone(),
        year,
        years: service::years_offered(&state, year, false).await,
        rows,
    }
    .into_response()
}

pub struct GridCell {
    pub text: String,
    pub class: &'static str,
    pub label: &'static str,
}

pub struct GridRow {
    pub code: String,
    pub name: String,
    pub cells: Vec<GridCell>,
}

#[derive(Template, WebTemplate)]
#[template(path = "compare.html")]
pub struct ComparePage {
    pub chrome: Chrome,
    pub base: &'static str,
    /// The dashboard's own address: `/` or `/cong-khai`.
    pub home: &'static str,
    pub area_name: String,
    pub year: i32,
    pub years: Vec<i32>,
    pub columns: Vec<(String, i64, String)>,
    pub rows: Vec<GridRow>,
}

/// Units × indicators for the area's wards (or other children that report).
pub async fn compare(
    State(state): State<AppState>,
    Extension(site): Extension<Site>,
    chrome: Chrome,
    q: Q,
) -> Response {
    let plan = &state.plan;
    let year = match year_of(&state, &q).await {
        Ok(y) => y,
        Err(r) => return r,
    };
    let area = plan.area();
    let mut units: Vec<_> = plan
        .units_in(year)
        .filter(|u| u.parent.as_deref() == Some(area.code.as_str()))
        .filter(|u| expected(&state, year, &u.code).iter().filter(|n| **n > 0).count() > plan.indicators.len() / 2)
        .collect();
    units.sort_by_key(|u| text::sort_key(u.display_name()));
    let codes: Vec<&str> = units.iter().map(|u| u.code.as_str()).collect();
    let rollups = match state.store.rollups_for_areas(&codes, year).await {
        Ok(r) => r,
        Err(e) => return super::server_error(&e),
    };
    let rows = units
        .iter()
        .map(|u| {
            let counts = expected(&state, year, &u.code);
            let cells = plan
                .indicators
                .iter()
                .enumerate()
                .map(|(i, ind)| {
                    if counts[i] == 0 {
                        return GridCell {
                            text: "·".into(),
                            class: "st-none",
                            label: "không áp dụng",
                        };
                    }
                    let r = rollups
                        .get(&(u.code.clone(), ind.code.clone()))
                        .cloned()
                        .unwrap_or_default();
                    let v = r.value(ind, &u.code, year, counts[i]);
                    let p = dash::assess(plan, ind, &v, None, year);
                    GridCell {
                        text: present::value(ind, &v),
                        class: i18n::progress_class(p.status),
                        label: i18n::progress(p.status),
                    }
                })
                .collect();
            GridRow {
                code: u.code.clone(),
                name: u.display_name().to_string(),
                cells,
            }
        })
        .collect();
    ComparePage {
        chrome: site.chrome(chrome),
        base: site.base,
        home: site.home(),
        area_name: area.name.clone(),
        year,
        years: service::years_offered(&state, year, false).await,
        columns: plan
            .indicators
            .iter()
            .map(|i| (i.code.clone(), i.number, i.name.clone()))
            .collect(),
        rows,
    }
    .into_response()
}
