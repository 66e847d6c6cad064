//! Units × indicators for the area's wards (or other children that report): `/so-sanh`.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use xhht_domain::text;

use super::Framed;
use crate::chrome::Chrome;
use crate::figures::{self, expected, progress_of};
use crate::i18n;
use crate::params::{YearQuery, year_or_default};
use crate::present;
use crate::respond::{AppError, Query};
use crate::state::AppState;

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
#[template(path = "dashboards/compare.html")]
pub struct ComparePage {
    pub chrome: Chrome,
    pub base: &'static str,
    pub home: &'static str,
    pub area_name: String,
    /// "các phường", "các cụm dân cư": the plan's word for the rows.
    pub units_label: String,
    pub year: i32,
    pub years: Vec<i32>,
    pub columns: Vec<(String, i64, String)>,
    pub rows: Vec<GridRow>,
}

const NOT_APPLICABLE: GridCell = GridCell {
    text: String::new(),
    class: "st-none",
    label: "không áp dụng",
};

pub async fn page(
    State(state): State<AppState>,
    Framed { site, chrome }: Framed,
    Query(q): Query<YearQuery>,
) -> Result<ComparePage, AppError> {
    let plan = &state.plan;
    let year = year_or_default(&state, q.year).await?;
    let area = plan.area();
    let mut units = figures::shape::compared_children(&state, year);
    units.sort_by_key(|u| text::sort_key(u.display_name()));
    let codes: Vec<&str> = units.iter().map(|u| u.code.as_str()).collect();
    let rollups = state.store.rollups_for_areas(&codes, year).await?;
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
                            ..NOT_APPLICABLE
                        };
                    }
                    let r = rollups
                        .get(&(u.code.clone(), ind.code.clone()))
                        .cloned()
                        .unwrap_or_default();
                    let v = r.value(ind, &u.code, year, counts[i]);
                    let p = progress_of(plan, ind, &v, None, year);
                    GridCell {
                        text: present::value_with(ind, &v, p.decimals),
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
    Ok(ComparePage {
        chrome,
        base: site.base,
        home: site.home(),
        area_name: area.name.clone(),
        units_label: figures::shape::plural(plan, figures::shape::compared_type(&state, year)),
        year,
        years: figures::years_offered(&state, year, false).await,
        columns: plan
            .indicators
            .iter()
            .map(|i| (i.code.clone(), i.number, i.name.clone()))
            .collect(),
        rows,
    })
}
