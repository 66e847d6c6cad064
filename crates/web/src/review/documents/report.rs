//! Gathers the yearly report: approved figures, charts as PNG, the units'
//! narratives from approved reports, completeness, and the per-ward annex.
//! The layout itself is `xhht_office::report`.

use std::collections::HashMap;

use chrono::{Duration, Utc};
use xhht_domain::indicator::ProgressStatus;
use xhht_domain::plan::TargetValue;
use xhht_domain::text;
use xhht_domain::workflow::ReportState;
use xhht_office::annex::{AnnexCell, AnnexTable};
use xhht_office::report::draft::ReviewLine;
use xhht_office::report::{
    IndicatorLine, ReportDocument, ReportKind, TaskGroupText, YearlyReport, render, yearly_document,
};
use xhht_storage::StorageError;

use crate::calendar::{Timeliness, due_date};
use crate::figures::{coverage, line_chart, milestone_years, progress_of, series, unit_lines, unit_of};
use crate::present;
use crate::state::AppState;

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error("không tạo được tệp Word: {0}")]
    Docx(String),
}

/// The .docx of `year`'s report of the plan's area.
pub async fn yearly_report(state: &AppState, year: i32, kind: ReportKind) -> Result<Vec<u8>, ReportError> {
    let data = gather(state, year, kind).await?;
    // Charts and the .docx are CPU work: off the async workers.
    let made = tokio::task::spawn_blocking(move || render(&data))
        .await
        .map_err(|e| ReportError::Docx(e.to_string()))?;
    made.map_err(|e| ReportError::Docx(e.to_string()))
}

/// The report as a [`ReportDocument`] drafted from the data (sections I-VI
/// with their computed sentences, tables and charts, the plan's issuing
/// lines): what the reviewer's draft starts from and takes its tables from.
pub async fn document(state: &AppState, year: i32, kind: ReportKind) -> Result<ReportDocument, ReportError> {
    let data = gather(state, year, kind).await?;
    tokio::task::spawn_blocking(move || yearly_document(&data, Utc::now()))
        .await
        .map_err(|e| ReportError::Docx(e.to_string()))
}

async fn gather(state: &AppState, year: i32, kind: ReportKind) -> Result<YearlyReport, StorageError> {
    let plan = &state.plan;
    let area = plan.area();
    let base = plan.reporting.baseline_year.min(year);
    let all = series(state, &area.code, base..=year).await?;
    let at =
        |values: &Vec<xhht_domain::indicator::IndicatorValue>, y: i32| values.iter().find(|v| v.year == y).cloned();
    // One target column per milestone year of the plan.
    let milestones = milestone_years(plan);
    let mut indicators = Vec::new();
    let mut review = Vec::new();
    let mut charts = Vec::new();
    for (ind, values) in plan.indicators.iter().zip(&all) {
        let shown = |y: i32| at(values, y).map_or_else(|| "—".to_string(), |v| present::value(ind, &v));
        let this = at(values, year).expect("the year is in the series");
        let p = progress_of(plan, ind, &this, at(values, base).and_then(|b| b.value), year);
        // This year's figure with the digits its status was decided on.
        let this_year = present::value_with(ind, &this, p.decimals);
        let target = |y: i32| {
            plan.target(&ind.code, y)
                .map_or_else(|| "—".into(), |t| present::target(ind, &t.value))
        };
        if kind.is_review() {
            review.push(review_line(plan, ind, &this_year, &shown(base), p.status, year));
        }
        indicators.push(IndicatorLine {
            number: ind.number,
            name: ind.name.clone(),
            targets: milestones.iter().map(|y| target(*y)).collect(),
            this_year,
            last_year: shown(year - 1),
            baseline: shown(base),
            status: crate::i18n::progress(p.status).to_string(),
        });
        let numeric_target = plan
            .targets_for(&ind.code)
            .any(|t| matches!(t.value, TargetValue::Number(_)));
        if numeric_target {
            let svg = line_chart(plan, ind, &area.name, values).svg();
            if let Some(png) = xhht_charts::svg_to_png(&svg, 2.0) {
                charts.push((format!("Biểu đồ {}: {}", charts.len() + 1, ind.name), png, 1440, 640));
            }
        }
    }
    let reports = state.store.reports(year).await?;
    let approved: Vec<&str> = reports
        .iter()
        .filter(|r| r.state == ReportState::Approved)
        .map(|r| r.org_unit.as_str())
        .collect();
    let task_groups = narratives(state, year, &approved).await?;
    let completeness = completeness(state, year, &reports).await?;
    let table = annex(state, year).await?;
    let annex_columns = std::iter::once("Đơn vị".to_string())
        .chain(table.columns.iter().map(|(short, _)| short.clone()))
        .collect();
    let annex_rows = table
        .rows
        .into_iter()
        .map(|(name, cells)| {
            std::iter::once(name)
                .chain(cells.into_iter().map(|c| c.shown))
                .collect()
        })
        .collect();
    let issuer = &plan.report;
    let today = (Utc::now() + Duration::hours(7)).date_naive();
    let first = plan.reporting.first_year;
    let title = match kind {
        ReportKind::Yearly => format!("Kết quả thực hiện Kế hoạch xây dựng xã hội học tập năm {year}"),
        ReportKind::MidTerm => format!("Sơ kết giai đoạn {first}-{year} thực hiện Kế hoạch xây dựng xã hội học tập"),
        ReportKind::Final => format!("Tổng kết giai đoạn {first}-{year} thực hiện Kế hoạch xây dựng xã hội học tập"),
    };
    Ok(YearlyReport {
        kind,
        year,
        baseline_year: base,
        milestones,
        // Who issues, under which symbol, who signs and who receives: the
        // plan's [report] section, never assumed.
        superior_body: issuer.superior_body.clone().unwrap_or_default(),
        issuing_body: issuer.issuing_body.clone(),
        symbol: format!("Số:        /{}", issuer.symbol),
        place_and_date: format!("{}, {}", issuer.place, text::date_long(today)),
        title,
        subtitle: format!(
            "(theo Kế hoạch số {} {} của {})",
            plan.info.number,
            text::date_long(plan.info.date),
            plan.info.issuing_body
        ),
        indicators,
        charts,
        task_groups,
        completeness,
        annex_columns,
        annex_rows,
        recipients: issuer.recipients.clone(),
        signing_authority: issuer.signing_authority.clone().unwrap_or_default(),
        signer_title: issuer.signer_title.clone(),
        signer_name: issuer.signer_name.clone(),
        review,
        // The milestone this year is judged against: the next one.
        target_year: milestone_years(plan).into_iter().find(|y| *y >= year),
        next_period: next_period(plan, year, kind),
    })
}

/// One indicator of a review: baseline and review year as shown, the
/// target in force that year, and whether it is met (`None` when the status
/// cannot say: no data, provisional, no target).
fn review_line(
    plan: &xhht_domain::plan::Plan,
    ind: &xhht_domain::plan::Indicator,
    review: &str,
    baseline: &str,
    status: ProgressStatus,
    year: i32,
) -> ReviewLine {
    let met = match status {
        ProgressStatus::Achieved => Some(true),
        ProgressStatus::NotAchieved | ProgressStatus::Behind | ProgressStatus::OnTrack => Some(false),
        _ => None,
    };
    ReviewLine {
        number: ind.number,
        name: ind.name.clone(),
        baseline: baseline.to_string(),
        review: review.to_string(),
        target: crate::figures::target_for(plan, &ind.code, year)
            .map_or_else(|| "—".into(), |t| present::target(ind, &t.value)),
        met,
    }
}

/// What section V looks ahead to: the next year, the rest of the plan after
/// a mid-term review, the next period after the final one.
fn next_period(plan: &xhht_domain::plan::Plan, year: i32, kind: ReportKind) -> String {
    let last = plan.reporting.last_year;
    match kind {
        ReportKind::Yearly => format!("năm {}", year + 1),
        ReportKind::MidTerm if last > year + 1 => format!("giai đoạn {}-{last}", year + 1),
        _ => "giai đoạn tiếp theo".into(),
    }
}

/// Section II: for each task group, what each approved unit wrote, in the
/// plan's order of units.
async fn narratives(state: &AppState, year: i32, approved: &[&str]) -> Result<Vec<TaskGroupText>, StorageError> {
    let plan = &state.plan;
    let mut by_group: HashMap<i64, Vec<(String, String, String)>> = HashMap::new();
    for unit in plan.org_units.iter().filter(|u| approved.contains(&u.code.as_str())) {
        for ((group, kind), body) in state.store.narratives(&unit.code, year).await? {
            if body.trim().is_empty() {
                continue;
            }
            let label = crate::narrative::label(kind);
            by_group
                .entry(group)
                .or_default()
                .push((unit.display_name().to_string(), label.to_string(), body));
        }
    }
    Ok(plan
        .task_groups
        .iter()
        .map(|g| TaskGroupText {
            title: format!("{}. {}", g.number, g.title),
            passages: by_group.remove(&g.number).unwrap_or_default(),
        })
        .collect())
}

async fn completeness(
    state: &AppState,
    year: i32,
    reports: &[xhht_storage::ReportRow],
) -> Result<Vec<String>, StorageError> {
    let plan = &state.plan;
    let cov = coverage(state, year).await?;
    let extensions = state.store.deadline_extensions(year).await?;
    let mut late = Vec::new();
    let mut missing = Vec::new();
    for u in plan.units_in(year).filter(|u| plan.is_reporting_unit(u)) {
        let row = reports.iter().find(|r| r.org_unit == u.code);
        let due = due_date(plan, year, extensions.get(&u.code).copied());
        match Timeliness::of(row, due) {
            Timeliness::Late => late.push(u.display_name().to_string()),
            _ if row.is_none_or(|r| !matches!(r.state, ReportState::Submitted | ReportState::Approved)) => {
                missing.push(u.display_name().to_string())
            }
            _ => {}
        }
    }
    let mut out = vec![format!(
        "Có {}/{} đơn vị đã gửi báo cáo được {} duyệt; số liệu trong báo cáo này chỉ gồm các báo cáo đã duyệt.",
        cov.approved,
        cov.expected,
        plan.reviewer().name
    )];
    if !late.is_empty() {
        out.push(format!("Các đơn vị gửi báo cáo sau hạn: {}.", late.join(", ")));
    }
    if !missing.is_empty() {
        out.push(format!("Các đơn vị chưa gửi báo cáo: {}.", missing.join(", ")));
    }
    Ok(out)
}

/// The annex: one row per unit of the area that counts in any indicator,
/// one column per such indicator (one unit is enough: a single-unit
/// indicator is kept), in Vietnamese alphabetical order. Every row has a
/// cell under every column, blank where the unit does not report that
/// indicator, so no value ever lands under another indicator.
pub async fn annex(state: &AppState, year: i32) -> Result<AnnexTable, StorageError> {
    let plan = &state.plan;
    let area = plan.area();
    let mut columns = Vec::new();
    let mut by_column = Vec::new();
    for (i, ind) in plan.indicators.iter().enumerate() {
        let lines = unit_lines(state, i, &area.code, year, true).await?;
        if lines.is_empty() {
            continue;
        }
        columns.push((format!("CT {}", ind.number), ind.name.clone()));
        by_column.push((ind, lines));
    }
    let mut units: Vec<(String, String)> = Vec::new();
    for (_, lines) in &by_column {
        for l in lines {
            if !units.iter().any(|(code, _)| *code == l.code) {
                units.push((l.code.clone(), l.name.clone()));
            }
        }
    }
    units.sort_by_key(|(_, name)| text::sort_key(name));
    let rows = units
        .into_iter()
        .map(|(code, name)| {
            let cells = by_column
                .iter()
                .map(|(ind, lines)| match lines.iter().find(|l| l.code == code) {
                    Some(l) => AnnexCell {
                        value: if ind.is_status() { None } else { l.value },
                        shown: l.s.value.clone(),
                        percent: unit_of(ind) == xhht_charts::Unit::Percent,
                    },
                    None => AnnexCell {
                        value: None,
                        shown: String::new(),
                        percent: false,
                    },
                })
                .collect();
            (name, cells)
        })
        .collect();
    Ok(AnnexTable {
        title: format!("Kết quả các chỉ tiêu theo đơn vị, năm {year} — {}", area.name),
        columns,
        rows,
    })
}
