//! `/`: the plan's title and every target with the area's latest value.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use xhht_domain::text;

use crate::chrome::Chrome;
use crate::state::AppState;
use crate::{i18n, present, service};

pub struct Row {
    pub number: i64,
    pub name: String,
    pub value: String,
    pub detail: String,
    pub coverage: String,
    pub target_2025: String,
    pub target_2030: String,
    pub status: &'static str,
    pub status_class: &'static str,
    pub gap: String,
}

pub struct Group {
    pub code: String,
    pub name: String,
    pub rows: Vec<Row>,
}

#[derive(Template, WebTemplate)]
#[template(path = "home.html")]
pub struct HomePage {
    pub chrome: Chrome,
    pub title: String,
    pub subtitle: String,
    pub area_name: String,
    pub year: i32,
    pub years: Vec<i32>,
    pub coverage: String,
    pub complete: bool,
    pub groups: Vec<Group>,
    pub due: String,
}

pub async fn page(State(state): State<AppState>, chrome: Chrome, Query(q): Query<HashMap<String, String>>) -> Response {
    match build(&state, chrome, q.get("year")).await {
        Ok(page) => page.into_response(),
        Err(e) => e.into_response(),
    }
}

async fn build(state: &AppState, chrome: Chrome, year: Option<&String>) -> Result<HomePage, crate::error::ApiError> {
    let year = super::api::parse_year(state, year).await?;
    let plan = &state.plan;
    let area = plan.area();
    let assessed = service::assess(state, year, &area.code).await?;
    let cov = service::coverage(state, year).await?;
    let target_text = |code: &str, y: i32| {
        plan.target(code, y)
            .map(|t| present::target(plan.indicator(code).expect("target of a known indicator"), &t.value))
            .unwrap_or_else(|| "—".into())
    };
    let mut groups: Vec<Group> = plan
        .target_groups
        .iter()
        .map(|g| Group {
            code: g.code.clone(),
            name: g.name.clone(),
            rows: Vec::new(),
        })
        .collect();
    for a in assessed {
        let ind = a.indicator;
        let row = Row {
            number: ind.number,
            name: ind.name.clone(),
            value: present::value(ind, &a.value),
            detail: present::detail(ind, &a.value),
            coverage: present::coverage(&a.value),
            target_2025: target_text(&ind.code, 2025),
            target_2030: target_text(&ind.code, 2030),
            status: i18n::progress(a.progress.status),
            status_class: i18n::progress_class(a.progress.status),
            gap: present::gap(ind, &a.progress),
        };
        if let Some(g) = groups.iter_mut().find(|g| g.code == ind.group) {
            g.rows.push(row);
        }
    }
    groups.retain(|g| !g.rows.is_empty());
    let r = &plan.reporting;
    // Years to offer: the plan's, up to the latest that has any report.
    let last = state
        .store
        .latest_report_year()
        .await?
        .unwrap_or(r.first_year)
        .clamp(r.first_year, r.last_year)
        .max(year);
    Ok(HomePage {
        chrome,
        title: plan.info.title.clone(),
        subtitle: format!(
            "Kế hoạch số {} {} của {}",
            plan.info.number,
            text::date_long(plan.info.date),
            plan.info.issuing_body
        ),
        area_name: area.name.clone(),
        year,
        years: (r.first_year..=last).collect(),
        coverage: format!("{}/{} báo cáo đã được duyệt", cov.approved, cov.expected),
        complete: cov.approved == cov.expected,
        groups,
        due: plan.due_date(year).map(text::date).unwrap_or_default(),
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "not_found.html")]
pub struct NotFoundPage {
    pub chrome: Chrome,
}

pub async fn not_found(chrome: Chrome) -> Response {
    (StatusCode::NOT_FOUND, NotFoundPage { chrome }).into_response()
}
