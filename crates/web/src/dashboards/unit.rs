//! One unit against its area in a year: `/don-vi/{code}`.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;

use super::Framed;
use crate::chrome::Chrome;
use crate::figures::{self, expected, progress_of, series, target_for};
use crate::params::{YearQuery, year_or_default};
use crate::present::{self, Shown};
use crate::respond::{AppError, Path, Query};
use crate::state::AppState;

pub struct UnitIndicatorRow {
    pub code: String,
    pub number: i64,
    pub name: String,
    pub s: Shown,
    pub area_value: String,
    pub target: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "dashboards/unit.html")]
pub struct UnitPage {
    pub chrome: Chrome,
    pub base: &'static str,
    pub home: &'static str,
    pub code: String,
    pub name: String,
    pub area_name: String,
    pub year: i32,
    pub years: Vec<i32>,
    pub rows: Vec<UnitIndicatorRow>,
}

pub async fn page(
    State(state): State<AppState>,
    Framed { site, chrome }: Framed,
    Path(code): Path<String>,
    Query(q): Query<YearQuery>,
) -> Result<UnitPage, AppError> {
    let plan = &state.plan;
    let year = year_or_default(&state, q.year).await?;
    let unit = plan.unit(&code).filter(|u| u.active_in(year)).ok_or_else(|| {
        AppError::not_found(format!("Không có đơn vị “{code}” trong năm {year}.")).titled("Không tìm thấy đơn vị")
    })?;
    let area = plan.area();
    let own = series(&state, &unit.code, year..=year).await?;
    let whole = series(&state, &area.code, year..=year).await?;
    let counts = expected(&state, year, &unit.code);
    let rows = plan
        .indicators
        .iter()
        .enumerate()
        .filter(|(i, _)| counts[*i] > 0)
        .map(|(i, ind)| {
            let v = &own[i][0];
            UnitIndicatorRow {
                code: ind.code.clone(),
                number: ind.number,
                name: ind.name.clone(),
                s: Shown::new(ind, v, &progress_of(plan, ind, v, None, year)),
                area_value: present::value(ind, &whole[i][0]),
                target: target_for(plan, &ind.code, year)
                    .map(|t| present::target(ind, &t.value))
                    .unwrap_or_default(),
            }
        })
        .collect();
    Ok(UnitPage {
        chrome,
        base: site.base,
        home: site.home(),
        code: unit.code.clone(),
        name: unit.name.clone(),
        area_name: area.name.clone(),
        year,
        years: figures::years_offered(&state, year, false).await,
        rows,
    })
}
