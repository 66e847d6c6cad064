//! `/tro-giup`: how each role uses the site, in the words of the plan being
//! shown (its number, due date, reviewing office, the units that report),
//! never of one district's constants.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use xhht_domain::access::Role;
use xhht_domain::plan::Plan;

use crate::chrome::Chrome;
use crate::figures::shape;
use crate::state::AppState;
use crate::{calendar, i18n};

#[derive(Template, WebTemplate)]
#[template(path = "dashboards/help.html")]
pub struct HelpPage {
    pub chrome: Chrome,
    pub plan_number: String,
    pub plan_title: String,
    pub issuing_body: String,
    pub area_name: String,
    /// "2021–2030".
    pub period: String,
    /// "31/12" every year, and this year's full date.
    pub due_each_year: String,
    pub due_this_year: String,
    pub year: i32,
    pub reviewer: String,
    /// "các phường và các trung tâm học tập cộng đồng": who sends reports.
    pub reporters_label: String,
    /// "các phường": the units the comparison page sets side by side.
    pub units_label: String,
    /// "100%": share of units approved before a figure gets a verdict.
    pub min_coverage: String,
    /// The roles as the header and the accounts page name them.
    pub reporter: &'static str,
    pub reviewer_role: &'static str,
    pub leader: &'static str,
    pub admin: &'static str,
}

pub async fn page(State(state): State<AppState>, chrome: Chrome) -> HelpPage {
    let plan = &state.plan;
    let year = calendar::current_year(plan);
    let r = &plan.reporting;
    HelpPage {
        chrome,
        plan_number: plan.info.number.clone(),
        plan_title: plan.info.title.clone(),
        issuing_body: plan.info.issuing_body.clone(),
        area_name: plan.area().name.clone(),
        period: format!("{}–{}", r.first_year, r.last_year),
        due_each_year: format!("{:02}/{:02}", r.due_day, r.due_month),
        due_this_year: plan
            .due_date(year)
            .map(|d| d.format("%d/%m/%Y").to_string())
            .unwrap_or_default(),
        year,
        reviewer: shape::reviewer_name(plan).to_string(),
        reporters_label: reporters_label(plan),
        units_label: shape::plural(plan, shape::compared_type(&state, year)),
        min_coverage: xhht_domain::text::percent(r.min_coverage),
        reporter: i18n::role(Role::Reporter),
        reviewer_role: i18n::role(Role::Reviewer),
        leader: i18n::role(Role::Viewer),
        admin: i18n::role(Role::Admin),
    }
}

/// The kinds of unit that report, in the plan's plural words, in the order
/// the plan lists its units.
fn reporters_label(plan: &Plan) -> String {
    let mut types = Vec::new();
    for u in plan.org_units.iter().filter(|u| plan.is_reporting_unit(u)) {
        if !types.contains(&u.unit_type) {
            types.push(u.unit_type);
        }
    }
    let words: Vec<String> = types.into_iter().map(|t| shape::plural(plan, Some(t))).collect();
    words.join(" và ")
}
