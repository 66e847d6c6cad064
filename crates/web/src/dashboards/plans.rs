//! `/ke-hoach`: the plans in the database, to pick the one every page speaks
//! for (the district plan that ended in 2025, each new ward's own plan…).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;

use crate::chrome::Chrome;
use crate::state::AppState;

pub struct PlanLine {
    pub code: String,
    pub number: String,
    pub title: String,
    pub issuing_body: String,
    pub years: String,
    pub ended: Option<String>,
    pub predecessor: Option<String>,
    pub sample: bool,
    pub current: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "dashboards/plans.html")]
pub struct PlansPage {
    pub chrome: Chrome,
    pub plans: Vec<PlanLine>,
}

pub async fn page(State(state): State<AppState>, chrome: Chrome) -> PlansPage {
    let number_of = |code: &str| {
        state
            .plans
            .iter()
            .find(|s| s.entry.code == code)
            .map_or_else(|| code.to_string(), |s| s.entry.number.clone())
    };
    let plans = state
        .plans
        .iter()
        .map(|s| {
            let e = &s.entry;
            PlanLine {
                code: e.code.clone(),
                number: e.number.clone(),
                title: e.title.clone(),
                issuing_body: e.issuing_body.clone(),
                years: format!("{}-{}", e.first_year, e.last_year),
                ended: e.ended_on.map(|d| {
                    format!(
                        "Kết thúc ngày {}: {}",
                        d.format("%d/%m/%Y"),
                        e.end_reason.clone().unwrap_or_default()
                    )
                }),
                predecessor: e.predecessor.as_deref().map(number_of),
                sample: e.sample,
                current: e.code == state.plan.info.code,
            }
        })
        .collect();
    PlansPage { chrome, plans }
}
