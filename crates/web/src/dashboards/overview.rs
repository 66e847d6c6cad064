//! The area's targets in a year: `/` and `/cong-khai`.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use xhht_charts::sparkline;
use xhht_domain::indicator::{IndicatorValue, ProgressStatus};
use xhht_domain::plan::{Direction, Indicator, Plan, TargetValue};
use xhht_domain::text;
use xhht_storage::StorageError;

use super::Framed;
use crate::chrome::Chrome;
use crate::figures::{self, milestone_years, progress_of, series, target_for, unit_of};
use crate::params::{YearQuery, year_or_default};
use crate::present::{self, Shown};
use crate::respond::{AppError, Query};
use crate::state::AppState;

#[derive(Template, WebTemplate)]
#[template(path = "dashboards/overview.html")]
pub struct OverviewPage {
    pub chrome: Chrome,
    pub base: &'static str,
    pub home: &'static str,
    pub public: bool,
    pub title: String,
    pub subtitle: String,
    pub area_name: String,
    /// "các phường", "các cụm dân cư": the units the area is compared by.
    pub units_label: String,
    /// The unit that approves the reports, in the plan's words.
    pub reviewer: String,
    pub year: i32,
    pub years: Vec<i32>,
    /// The plan's milestone years, one target column each.
    pub milestones: Vec<i32>,
    pub coverage: String,
    pub complete: bool,
    pub groups: Vec<TargetGroupRows>,
    pub due: String,
    /// The years before this plan, estimated from the units it came from.
    pub history: Option<HistoryTable>,
}

/// Indicators of the years before the plan, carried from its predecessors.
pub struct HistoryTable {
    pub predecessor: String,
    pub years: Vec<i32>,
    pub rows: Vec<HistoryRow>,
    /// The shares used in the latest carried year, in words.
    pub shares: String,
    /// Predecessors whose figures no loaded plan has.
    pub missing: String,
}

pub struct HistoryRow {
    pub number: i64,
    pub name: String,
    pub cells: Vec<String>,
}

/// One target on the area dashboard.
pub struct TargetRow {
    pub code: String,
    pub number: i64,
    pub name: String,
    pub s: Shown,
    /// The target of each milestone year, in the order of `milestones`.
    pub targets: Vec<String>,
    pub gap: String,
    pub bar: Option<u32>,
    pub spark: String,
}

pub struct TargetGroupRows {
    pub code: String,
    pub name: String,
    pub rows: Vec<TargetRow>,
}

pub async fn page(
    State(state): State<AppState>,
    Framed { site, chrome }: Framed,
    Query(q): Query<YearQuery>,
) -> Result<OverviewPage, AppError> {
    let year = year_or_default(&state, q.year).await?;
    let plan = &state.plan;
    let area = plan.area();
    let groups = target_rows(&state, &area.code, year).await?;
    let cov = figures::coverage(&state, year).await?;
    Ok(OverviewPage {
        chrome,
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
        units_label: figures::shape::plural(plan, figures::shape::compared_type(&state, year)),
        reviewer: figures::shape::reviewer_name(plan).to_string(),
        year,
        years: figures::years_offered(&state, year, false).await,
        milestones: milestone_years(plan),
        coverage: format!("{}/{} báo cáo đã được duyệt", cov.approved, cov.expected),
        complete: cov.approved == cov.expected,
        groups,
        due: plan.due_date(year).map(text::date).unwrap_or_default(),
        history: history_table(&state).await?,
    })
}

/// The carried years of every indicator that has them (none when the plan
/// continues no installed plan or the unit register is not loaded).
async fn history_table(state: &AppState) -> Result<Option<HistoryTable>, StorageError> {
    use crate::figures::carried;
    let Some(pred) = carried::predecessor(state) else {
        return Ok(None);
    };
    let area = state.plan.area();
    let mut rows = Vec::new();
    let mut last: Option<xhht_domain::units::EstimatedValue> = None;
    for ind in &state.plan.indicators {
        let h = carried::history(state, area, ind).await?;
        if h.iter()
            .all(|c| c.value.value.value.is_none() && c.value.value.status.is_none())
        {
            continue;
        }
        let cells = h.iter().map(|c| present::value(ind, &c.value.value)).collect();
        last = h.last().map(|c| c.value.clone()).or(last);
        rows.push(HistoryRow {
            number: ind.number,
            name: ind.name.clone(),
            cells,
        });
    }
    let Some(last) = last else { return Ok(None) };
    Ok(Some(HistoryTable {
        predecessor: pred.entry.number.clone(),
        years: carried::carried_years(state),
        rows,
        shares: carried::shares_text(&last.shares),
        missing: carried::missing_text(&last.missing),
    }))
}

/// How full the progress bar is (0-100), for numeric targets.
fn bar_percent(plan: &Plan, ind: &Indicator, v: &IndicatorValue, year: i32) -> Option<u32> {
    let t = target_for(plan, &ind.code, year)?;
    let (TargetValue::Number(t), Some(x)) = (&t.value, v.value) else {
        return None;
    };
    let ratio = match ind.direction {
        Direction::Increase if *t > 0.0 => x / t,
        Direction::Decrease if x > 0.0 => t / x,
        _ => 1.0,
    };
    Some((ratio.clamp(0.0, 1.0) * 100.0).round() as u32)
}

/// Every target of `unit` in `year`, grouped as the plan groups them, with a
/// trend from the plan's baseline year (which may precede its first year).
async fn target_rows(state: &AppState, unit: &str, year: i32) -> Result<Vec<TargetGroupRows>, StorageError> {
    let plan = &state.plan;
    let first = (*plan.entry_years().start()).min(year);
    let all = series(state, unit, first..=year).await?;
    let base_i = usize::try_from(plan.reporting.baseline_year - first).unwrap_or(0);
    let milestones = milestone_years(plan);
    let mut groups: Vec<TargetGroupRows> = plan
        .target_groups
        .iter()
        .map(|g| TargetGroupRows {
            code: g.code.clone(),
            name: g.name.clone(),
            rows: vec![],
        })
        .collect();
    for (ind, values) in plan.indicators.iter().zip(all) {
        let v = values.last().cloned().expect("at least one year");
        let baseline = values.get(base_i).and_then(|b| b.value);
        let p = progress_of(plan, ind, &v, baseline, year);
        let points: Vec<Option<f64>> = values.iter().map(|x| x.value).collect();
        let row = TargetRow {
            code: ind.code.clone(),
            number: ind.number,
            name: ind.name.clone(),
            s: Shown::new(ind, &v, &p),
            targets: milestones
                .iter()
                .map(|y| {
                    plan.target(&ind.code, *y)
                        .map_or_else(|| "—".to_string(), |t| present::target(ind, &t.value))
                })
                .collect(),
            gap: present::gap(ind, &p),
            // A provisional value gets no verdict, not even a bar.
            bar: (p.status != ProgressStatus::Provisional)
                .then(|| bar_percent(plan, ind, &v, year))
                .flatten(),
            spark: if ind.is_status() {
                String::new()
            } else {
                let provisional = p.status == ProgressStatus::Provisional;
                sparkline(&points, unit_of(ind), &format!("Xu hướng {first}-{year}"), provisional)
            },
        };
        if let Some(g) = groups.iter_mut().find(|g| g.code == ind.group) {
            g.rows.push(row);
        }
    }
    groups.retain(|g| !g.rows.is_empty());
    Ok(groups)
}
