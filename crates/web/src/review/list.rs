//! `GET /review/{year}`: completeness and timeliness of every unit's report.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use serde::Deserialize;
use xhht_domain::plan::{ReviewKind, UnitType};
use xhht_domain::workflow::ReportState;

use crate::auth::{PlanYear, Reviewer};
use crate::calendar::{Timeliness, due_date, local_time};
use crate::chrome::Chrome;
use crate::figures::{self, shape};
use crate::i18n;
use crate::respond::{AppError, Query};
use crate::state::AppState;

pub struct Row {
    pub code: String,
    pub name: String,
    pub type_label: String,
    pub state_label: &'static str,
    pub state_class: &'static str,
    pub submitted: String,
    pub timeliness: &'static str,
    pub approved: String,
    pub due: String,
    pub extended: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "review/list.html")]
pub struct ReviewPage {
    pub chrome: Chrome,
    pub year: i32,
    pub years: Vec<i32>,
    pub filter: &'static str,
    pub types: Vec<(&'static str, String)>,
    /// "các tổ dân phố": the units of the summary template.
    pub template_label: String,
    pub rows: Vec<Row>,
    pub expected: usize,
    pub submitted: usize,
    pub approved: usize,
    pub late: usize,
    pub is_admin: bool,
    pub csrf: String,
    pub notice: &'static str,
    /// The plan's mid-term or final review of this year: (query value, label).
    pub review_variant: Option<(&'static str, String)>,
    /// The plan's issued reports: (year, kind code, kind label, number, date).
    pub issued: Vec<(i32, String, &'static str, String, String)>,
}

/// `?type=`: one type of unit by its code, or all (empty, as the form's
/// "Tất cả" sends). A plan may declare its own types ("cluster",
/// "mass_organisation"), so the code is checked against the plan's units.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(from = "String")]
pub struct TypeFilter(Option<String>);

impl From<String> for TypeFilter {
    fn from(raw: String) -> Self {
        Self((!raw.is_empty()).then_some(raw))
    }
}

/// `?msg=`: what the action that led here did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ListNotice {
    Extended,
}

#[derive(Deserialize)]
pub struct ListQuery {
    #[serde(default, rename = "type")]
    unit_type: TypeFilter,
    msg: Option<ListNotice>,
}

pub async fn page(
    State(state): State<AppState>,
    chrome: Chrome,
    Reviewer(user): Reviewer,
    PlanYear(year): PlanYear,
    Query(q): Query<ListQuery>,
) -> Result<ReviewPage, AppError> {
    let plan = &state.plan;
    let reports = state.store.reports(year).await?;
    // One pass over the reports, then a lookup per unit.
    let reports: std::collections::HashMap<&str, &xhht_storage::ReportRow> =
        reports.iter().map(|r| (r.org_unit.as_str(), r)).collect();
    let extensions = state.store.deadline_extensions(year).await?;
    let units: Vec<_> = plan.units_in(year).filter(|u| plan.is_reporting_unit(u)).collect();
    let mut types: Vec<(&str, String)> = Vec::new();
    for u in &units {
        if !types.iter().any(|(c, _)| *c == u.unit_type.code()) {
            types.push((u.unit_type.code(), shape::type_label(plan, u.unit_type)));
        }
    }
    let wanted: Option<UnitType> = match q.unit_type.0.as_deref() {
        None => None,
        Some(code) => Some(
            plan.org_units
                .iter()
                .map(|u| u.unit_type)
                .find(|t| t.code() == code)
                .ok_or_else(|| AppError::bad_request(format!("Loại đơn vị «{code}» không có.")))?,
        ),
    };
    let mut rows = Vec::new();
    let (mut submitted, mut approved, mut late) = (0, 0, 0);
    for u in units.iter().filter(|u| wanted.is_none_or(|t| t == u.unit_type)) {
        let row = reports.get(u.code.as_str()).copied();
        let due = due_date(plan, year, extensions.get(&u.code).copied());
        let st = row.map(|r| r.state);
        let timeliness = Timeliness::of(row, due);
        submitted += usize::from(matches!(st, Some(ReportState::Submitted | ReportState::Approved)));
        approved += usize::from(st == Some(ReportState::Approved));
        late += usize::from(timeliness == Timeliness::Late);
        let (state_label, state_class) = i18n::report_state(st);
        let time = |t: Option<&String>| t.map(|t| local_time(t)).unwrap_or_default();
        rows.push(Row {
            code: u.code.clone(),
            name: u.name.clone(),
            type_label: shape::type_label(plan, u.unit_type),
            state_label,
            state_class,
            submitted: time(row.and_then(|r| r.first_submitted_at.as_ref())),
            timeliness: timeliness.label(),
            approved: time(row.and_then(|r| r.approved_at.as_ref())),
            due: due.map(xhht_domain::text::date).unwrap_or_default(),
            extended: extensions.contains_key(&u.code),
        });
    }
    let issued = state
        .store
        .issued_reports()
        .await?
        .into_iter()
        .map(|r| {
            let label = match r.kind.as_str() {
                "so-ket" => "Sơ kết",
                "tong-ket" => "Tổng kết",
                _ => "Báo cáo năm",
            };
            let date = r.issued_on.parse().map(xhht_domain::text::date).unwrap_or(r.issued_on);
            (r.year, r.kind, label, r.number, date)
        })
        .collect();
    Ok(ReviewPage {
        issued,
        year,
        years: figures::years_offered(&state, year, true).await,
        filter: wanted.map_or("", UnitType::code),
        types,
        template_label: shape::plural(plan, shape::template_units(plan, year).first().map(|u| u.unit_type)),
        expected: rows.len(),
        submitted,
        approved,
        late,
        rows,
        is_admin: chrome.user.as_ref().is_some_and(|u| u.is_admin),
        csrf: user.csrf.clone(),
        review_variant: plan.reporting.reviews.iter().find(|r| r.year == year).map(|r| {
            let (kind, word) = match r.kind {
                ReviewKind::MidTerm => ("so-ket", "Sơ kết"),
                ReviewKind::Final => ("tong-ket", "Tổng kết"),
            };
            // The plan's own name for the review, if it gives one.
            let word = r.name.as_deref().unwrap_or(word);
            (kind, format!("{word} {}-{year}", plan.reporting.first_year))
        }),
        notice: match q.msg {
            Some(ListNotice::Extended) => "Đã gia hạn.",
            None => "",
        },
        chrome,
    })
}
