//! `GET /lanh-dao/{year}`: the page a leader reads in a minute, read-only.
//! Who has reported and on time, who is still missing with days left or
//! late, the latest issued report and the current Word report, and the
//! units furthest behind on the plan's targets. A leader sees the units
//! their account covers (`Principal::can_read`): the district's leader the
//! whole area, a ward's leader their ward.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use xhht_domain::indicator::ProgressStatus;
use xhht_domain::text::{date, sort_key};
use xhht_storage::ReportRow;

use super::filter::{self, Tally, is_missing};
use crate::auth::{AreaViewer, PlanYear};
use crate::calendar::{Timeliness, due_date, local_date, today};
use crate::chrome::Chrome;
use crate::figures::{self, expected, progress_of, shape};
use crate::i18n;
use crate::respond::AppError;
use crate::state::AppState;

/// A unit still owing its report.
pub struct Owed {
    pub code: String,
    pub name: String,
    pub state_label: &'static str,
    pub due: String,
    pub days: String,
    pub days_class: &'static str,
    late: Option<i64>,
}

/// A unit with indicators short of the plan's targets.
pub struct Behind {
    pub code: String,
    pub name: String,
    pub count: usize,
    pub counted: usize,
    /// The indicators short, by number and name.
    pub indicators: Vec<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "review/leader.html")]
pub struct LeaderPage {
    pub chrome: Chrome,
    pub year: i32,
    pub years: Vec<i32>,
    /// The name of what the account covers (the area, or the leader's unit).
    pub scope_name: String,
    pub plan_due: String,
    pub today: String,
    pub tally: Tally,
    pub owed: Vec<Owed>,
    /// The area's documents, for accounts that read the whole area.
    pub whole_area: bool,
    /// The latest issued report: (year, kind code, label, number, date).
    pub latest_issued: Option<(i32, String, &'static str, String, String)>,
    /// The year whose official figures the "behind" list judges.
    pub figures_year: i32,
    pub behind: Vec<Behind>,
}

/// How many units the "behind" list names.
const BEHIND_SHOWN: usize = 5;

pub async fn page(
    State(state): State<AppState>,
    chrome: Chrome,
    viewer: AreaViewer,
    PlanYear(year): PlanYear,
) -> Result<LeaderPage, AppError> {
    let plan = &state.plan;
    let reports = state.store.reports(year).await?;
    let extensions = state.store.deadline_extensions(year).await?;
    let today = today();
    let units: Vec<_> = plan
        .units_in(year)
        .filter(|u| plan.is_reporting_unit(u) && viewer.covers(plan, &u.code))
        .collect();
    let reports: HashMap<&str, &ReportRow> = reports.iter().map(|r| (r.org_unit.as_str(), r)).collect();
    let mut tally = Tally::default();
    let mut owed = Vec::new();
    for u in &units {
        let row = reports.get(u.code.as_str()).copied();
        let st = row.map(|r| r.state);
        let due = due_date(plan, year, extensions.get(&u.code).copied());
        let first = row.and_then(|r| r.first_submitted_at.as_deref()).and_then(local_date);
        let days_late = filter::days_late(st, first, due, today);
        tally.add(st, Timeliness::of(row, due), days_late);
        if !is_missing(st) {
            continue;
        }
        let (days, days_class) = filter::days_words(st, days_late);
        owed.push(Owed {
            code: u.code.clone(),
            name: u.name.clone(),
            state_label: i18n::report_state(st).0,
            due: due.map(date).unwrap_or_default(),
            days,
            days_class,
            late: days_late,
        });
    }
    // The latest first; ties in the plan's order.
    owed.sort_by_key(|o| std::cmp::Reverse(o.late));
    let whole_area = viewer.whole_area;
    let latest_issued = if whole_area {
        state
            .store
            .issued_reports()
            .await?
            .into_iter()
            .max_by(|a, b| (&a.issued_on, &a.issued_at).cmp(&(&b.issued_on, &b.issued_at)))
            .map(super::list::issued_entry)
    } else {
        None
    };
    let figures_year = figures::default_year(&state).await?;
    let behind = behind(&state, &viewer, figures_year).await?;
    let scope_name = plan
        .unit(&viewer.user.org_unit)
        .map_or_else(|| plan.area().name.clone(), |u| u.name.clone());
    Ok(LeaderPage {
        year,
        years: figures::years_offered(&state, year, true).await,
        scope_name,
        plan_due: plan.due_date(year).map(date).unwrap_or_default(),
        today: date(today),
        tally,
        owed,
        whole_area,
        latest_issued,
        figures_year,
        behind,
        chrome,
    })
}

/// The compared units (wards of a district, clusters of a ward) the account
/// covers, with how many of their indicators are short of the plan's
/// targets in `year` ("Không đạt" or "Chậm tiến độ"), the most first.
async fn behind(state: &AppState, viewer: &AreaViewer, year: i32) -> Result<Vec<Behind>, AppError> {
    let plan = &state.plan;
    let units: Vec<_> = shape::compared_children(state, year)
        .into_iter()
        .filter(|u| viewer.covers(plan, &u.code))
        .collect();
    let codes: Vec<&str> = units.iter().map(|u| u.code.as_str()).collect();
    let rollups = state.store.rollups_for_areas(&codes, year).await?;
    let mut out = Vec::new();
    for u in units {
        let counts = expected(state, year, &u.code);
        let mut short = Vec::new();
        let mut counted = 0;
        for (i, ind) in plan.indicators.iter().enumerate() {
            if counts[i] == 0 {
                continue;
            }
            let r = rollups
                .get(&(u.code.clone(), ind.code.clone()))
                .cloned()
                .unwrap_or_default();
            let v = r.value(ind, &u.code, year, counts[i]);
            let p = progress_of(plan, ind, &v, None, year);
            counted += 1;
            if matches!(p.status, ProgressStatus::NotAchieved | ProgressStatus::Behind) {
                short.push(format!("{}. {}", ind.number, ind.name));
            }
        }
        if !short.is_empty() {
            out.push(Behind {
                code: u.code.clone(),
                name: u.display_name().to_string(),
                count: short.len(),
                counted,
                indicators: short,
            });
        }
    }
    out.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then_with(|| sort_key(&a.name).cmp(&sort_key(&b.name)))
    });
    out.truncate(BEHIND_SHOWN);
    Ok(out)
}
