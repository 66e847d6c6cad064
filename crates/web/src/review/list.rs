//! `GET /review/{year}`: completeness and timeliness of every unit's report,
//! filtered by state and type, sorted, with each unit's days left. Reviewers
//! and administrators act from here; leaders read it (no actions), each
//! within the units their account covers.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use serde::Deserialize;
use xhht_domain::plan::{ReviewKind, UnitType};
use xhht_domain::text::sort_key;
use xhht_domain::workflow::ReportState;

use super::filter::{self, ListParams, SortOrder, StateFilter, Tally};
use crate::auth::{AreaViewer, PlanYear};
use crate::calendar::{Timeliness, due_date, local_date, local_time, today};
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
    /// "Còn 5 ngày", "Quá hạn 2 ngày", "Gửi trễ 1 ngày".
    pub days: String,
    pub days_class: &'static str,
    /// An administrator may extend it: the report is not approved.
    pub may_extend: bool,
    /// The refused extension of this unit, shown in its form.
    pub error: Option<ExtendError>,
    rank: u8,
    late: Option<i64>,
}

/// An extension refused, with what the administrator typed.
#[derive(Debug, Clone, Default)]
pub struct ExtendError {
    pub unit: String,
    pub unit_name: String,
    /// Which field the message belongs to: `due` or `reason`.
    pub field: &'static str,
    pub message: String,
    pub due: String,
    pub reason: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "review/list.html")]
pub struct ReviewPage {
    pub chrome: Chrome,
    pub year: i32,
    pub years: Vec<i32>,
    pub types: Vec<(&'static str, String)>,
    /// The view as chosen: `?state=`, `?type=`, `?sort=` (kept in links and forms).
    pub params: ListParams,
    pub state_filter: StateFilter,
    pub sort: SortOrder,
    /// Every state filter with its label and count among the units of the type.
    pub state_options: Vec<(StateFilter, usize)>,
    /// "các tổ dân phố": the units of the summary template.
    pub template_label: String,
    pub rows: Vec<Row>,
    /// Counted over every unit of the type, whatever the state filter.
    pub tally: Tally,
    /// The plan's deadline of the year, dd/mm/yyyy.
    pub plan_due: String,
    pub today: String,
    pub reviews: bool,
    pub csrf: String,
    pub notice: String,
    pub error: Option<ExtendError>,
    /// The plan's mid-term or final review of this year: (query value, label).
    pub review_variant: Option<(&'static str, String)>,
    /// The plan's issued reports: (year, kind code, kind label, number, date).
    pub issued: Vec<(i32, String, &'static str, String, String)>,
}

/// `?msg=`: what the action that led here did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ListNotice {
    Extended,
    /// Units still missing were reminded (`count`).
    Reminded,
    /// The reminder button found nobody to remind.
    NothingMissing,
}

#[derive(Deserialize)]
pub struct ListQuery {
    #[serde(flatten)]
    params: ListParams,
    msg: Option<ListNotice>,
    /// The unit the notice is about.
    unit: Option<String>,
    /// How many units were reminded.
    count: Option<usize>,
}

pub async fn page(
    State(state): State<AppState>,
    chrome: Chrome,
    viewer: AreaViewer,
    PlanYear(year): PlanYear,
    Query(q): Query<ListQuery>,
) -> Result<ReviewPage, AppError> {
    let notice = q.msg.map(|m| match m {
        ListNotice::Reminded => (m, q.count.unwrap_or_default().to_string()),
        _ => (m, q.unit.unwrap_or_default()),
    });
    build(&state, chrome, &viewer, year, q.params, notice, None).await
}

/// The list for `user` in `year`, as `params` choose, with a notice of what
/// was just done or an extension refused.
pub async fn build(
    state: &AppState,
    chrome: Chrome,
    viewer: &AreaViewer,
    year: i32,
    params: ListParams,
    notice: Option<(ListNotice, String)>,
    error: Option<ExtendError>,
) -> Result<ReviewPage, AppError> {
    let plan = &state.plan;
    let state_filter = StateFilter::parse(&params.state)
        .ok_or_else(|| AppError::bad_request(format!("Trạng thái “{}” không có.", params.state)))?;
    let sort = SortOrder::parse(&params.sort)
        .ok_or_else(|| AppError::bad_request(format!("Cách sắp xếp “{}” không có.", params.sort)))?;
    let reports = state.store.reports(year).await?;
    // One pass over the reports, then a lookup per unit.
    let reports: std::collections::HashMap<&str, &xhht_storage::ReportRow> =
        reports.iter().map(|r| (r.org_unit.as_str(), r)).collect();
    let extensions = state.store.deadline_extensions(year).await?;
    // A leader's list holds the units their account covers; the
    // department's, the whole area.
    let units: Vec<_> = plan
        .units_in(year)
        .filter(|u| plan.is_reporting_unit(u) && viewer.covers(plan, &u.code))
        .collect();
    let mut types: Vec<(&str, String)> = Vec::new();
    for u in &units {
        if !types.iter().any(|(c, _)| *c == u.unit_type.code()) {
            types.push((u.unit_type.code(), shape::type_label(plan, u.unit_type)));
        }
    }
    // A plan may declare its own types ("cluster", "mass_organisation"), so
    // the code is checked against the plan's units.
    let wanted: Option<UnitType> = match params.unit_type.as_str() {
        "" => None,
        code => Some(
            plan.org_units
                .iter()
                .map(|u| u.unit_type)
                .find(|t| t.code() == code)
                .ok_or_else(|| AppError::bad_request(format!("Loại đơn vị “{code}” không có.")))?,
        ),
    };
    let today = today();
    let is_admin = chrome.user.as_ref().is_some_and(|u| u.is_admin);
    let mut rows = Vec::new();
    let mut counts = vec![0usize; StateFilter::ALL.len()];
    let mut tally = Tally::default();
    for u in units.iter().filter(|u| wanted.is_none_or(|t| t == u.unit_type)) {
        let row = reports.get(u.code.as_str()).copied();
        let due = due_date(plan, year, extensions.get(&u.code).copied());
        let st = row.map(|r| r.state);
        let timeliness = Timeliness::of(row, due);
        let first_sent = row.and_then(|r| r.first_submitted_at.as_deref()).and_then(local_date);
        let days_late = filter::days_late(st, first_sent, due, today);
        tally.add(st, timeliness, days_late);
        for (i, f) in StateFilter::ALL.iter().enumerate() {
            counts[i] += usize::from(f.keeps(st));
        }
        if !state_filter.keeps(st) {
            continue;
        }
        let (days, days_class) = filter::days_words(st, days_late);
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
            days,
            days_class,
            may_extend: is_admin && st != Some(ReportState::Approved),
            error: error.clone().filter(|e| e.unit == u.code),
            rank: filter::state_rank(st),
            late: days_late,
        });
    }
    // A stable sort: ties keep the plan's order.
    match sort {
        SortOrder::Unit => {}
        SortOrder::State => rows.sort_by_key(|r| r.rank),
        SortOrder::Late => rows.sort_by(|a, b| {
            b.late
                .cmp(&a.late)
                .then_with(|| sort_key(&a.name).cmp(&sort_key(&b.name)))
        }),
    }
    let notice = match notice {
        Some((ListNotice::Extended, unit)) => match (plan.unit(&unit), extensions.get(&unit)) {
            (Some(u), Some(d)) => format!(
                "Đã gia hạn nộp báo cáo năm {year} của {} đến ngày {}.",
                u.name,
                xhht_domain::text::date(*d)
            ),
            _ => "Đã gia hạn.".into(),
        },
        Some((ListNotice::Reminded, count)) => format!(
            "Đã nhắc {count} đơn vị còn thiếu báo cáo năm {year} (thông báo trên hệ thống{}).",
            if state.mailer.is_some() { " và e-mail" } else { "" }
        ),
        Some((ListNotice::NothingMissing, _)) => {
            format!("Không có đơn vị nào còn thiếu báo cáo năm {year}: không cần nhắc.")
        }
        None => String::new(),
    };
    let issued = state
        .store
        .issued_reports()
        .await?
        .into_iter()
        .map(issued_entry)
        .collect();
    Ok(ReviewPage {
        issued,
        year,
        years: figures::years_offered(state, year, true).await,
        types,
        params,
        state_filter,
        sort,
        state_options: StateFilter::ALL.into_iter().zip(counts).collect(),
        template_label: shape::plural(plan, shape::template_units(plan, year).first().map(|u| u.unit_type)),
        tally,
        plan_due: plan.due_date(year).map(xhht_domain::text::date).unwrap_or_default(),
        today: xhht_domain::text::date(today),
        reviews: viewer.reviews,
        csrf: viewer.user.csrf.clone(),
        review_variant: plan.reporting.reviews.iter().find(|r| r.year == year).map(|r| {
            let (kind, word) = match r.kind {
                ReviewKind::MidTerm => ("so-ket", "Sơ kết"),
                ReviewKind::Final => ("tong-ket", "Tổng kết"),
            };
            // The plan's own name for the review, if it gives one.
            let word = r.name.as_deref().unwrap_or(word);
            (kind, format!("{word} {}-{year}", plan.reporting.first_year))
        }),
        notice,
        error,
        rows,
        chrome,
    })
}

/// An issued report as the pages list it: (year, kind code, kind in words,
/// number, date issued as dd/mm/yyyy).
pub(super) fn issued_entry(r: xhht_storage::IssuedReport) -> (i32, String, &'static str, String, String) {
    let label = match r.kind.as_str() {
        "so-ket" => "Sơ kết",
        "tong-ket" => "Tổng kết",
        _ => "Báo cáo năm",
    };
    let date = r.issued_on.parse().map(xhht_domain::text::date).unwrap_or(r.issued_on);
    (r.year, r.kind, label, r.number, date)
}
