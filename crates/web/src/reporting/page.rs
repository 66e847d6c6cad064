//! The report page's view model: the form with the unit's values, last
//! year's approved ones, findings, narratives, history, and what the account
//! may do with it.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use xhht_domain::plan::{OrgUnit, Plan, Severity};
use xhht_domain::values::{DataValue, UnitValues};
use xhht_domain::workflow::ReportState;
use xhht_storage::{Reader, ReportRow, StorageError};

use super::form::{self, FieldGroup, FieldKind, NarrativeBlock};
use super::history::{self, HistoryRow};
use super::summary::{self, Listed};
use crate::auth::ReadReport;
use crate::calendar::{Timeliness, due_date};
use crate::chrome::Chrome;
use crate::figures::shape;
use crate::i18n;
use crate::narrative::NarrativeKind;
use crate::paging::{PAGE_SIZE, PageNo, Pager};
use crate::respond::AppError;
use crate::state::AppState;

/// A button of the review form.
pub struct ReviewButton {
    pub action: &'static str,
    pub label: &'static str,
    pub primary: bool,
}

/// How many warnings the form's summary lists before “Xem thêm”: an empty
/// form has one per field, which would push the fields screens down on a phone.
pub const WARNINGS_SHOWN: usize = 3;

#[derive(Template, WebTemplate)]
#[template(path = "reporting/report.html")]
pub struct ReportPage {
    pub chrome: Chrome,
    pub year: i32,
    pub unit_code: String,
    pub unit_name: String,
    pub state_label: &'static str,
    pub state_class: &'static str,
    pub due: String,
    pub timeliness: &'static str,
    pub editable: bool,
    pub review_actions: Vec<ReviewButton>,
    pub groups: Vec<FieldGroup>,
    pub narratives: Vec<NarrativeBlock>,
    pub errors: Vec<Listed>,
    pub warnings: Vec<Listed>,
    /// What the warnings ask for, said by the state of the report.
    pub warnings_say: WarningsSay,
    pub explanation: String,
    /// Narrative texts written, of all the form asks for.
    pub narratives_filled: usize,
    pub narratives_total: usize,
    pub notice: String,
    pub alert: String,
    pub history: Vec<HistoryRow>,
    /// The history's pages (`?trang=`), newest first.
    pub history_pager: Pager,
    /// The account is the unit's reporter: the Excel box is for it alone.
    pub may_write: bool,
    /// (comment, who, when) of the latest return, while the report is returned.
    pub return_note: Option<(String, String, String)>,
    /// The unit that reviews the report, in the plan's words.
    pub reviewer: String,
    pub csrf: String,
}

/// How the warnings' box speaks: to the unit that must explain them, of an
/// explanation already sent, or of one not yet written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WarningsSay {
    /// The unit may still edit: explain here before sending.
    Explain,
    /// Sent or approved: what the unit explained, read-only.
    Explained,
    /// Someone else looks at a report the unit has not sent.
    NotYetExplained,
}

impl WarningsSay {
    fn of(editable: bool, state: Option<ReportState>) -> Self {
        match state {
            _ if editable => Self::Explain,
            Some(ReportState::Submitted | ReportState::Approved) => Self::Explained,
            _ => Self::NotYetExplained,
        }
    }

    pub fn heading(self, n: usize, explanation: &str) -> String {
        match self {
            Self::Explain => format!("Cảnh báo cần giải trình ({n})"),
            Self::Explained if explanation.is_empty() => format!("Cảnh báo khi gửi ({n})"),
            Self::Explained => format!("Cảnh báo đã được giải trình ({n})"),
            Self::NotYetExplained => format!("Cảnh báo, đơn vị chưa gửi giải trình ({n})"),
        }
    }
}

/// `?msg=`: what the action that led here did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Notice {
    Saved,
    Submitted,
    Returned,
    Approved,
    Reopened,
    Imported,
}

impl Notice {
    /// The message, naming the plan's reviewing unit where it matters.
    pub fn text(self, plan: &Plan) -> String {
        match self {
            Self::Saved => "Đã lưu bản nháp.".into(),
            Self::Submitted => format!("Đã gửi báo cáo tới {}.", shape::reviewer_name(plan)),
            Self::Returned => "Đã trả lại báo cáo cho đơn vị.".into(),
            Self::Approved => "Đã duyệt báo cáo. Số liệu đã được tính vào kết quả chung.".into(),
            Self::Reopened => "Đã mở lại báo cáo để đơn vị sửa.".into(),
            Self::Imported => "Đã nhập số liệu từ tệp Excel vào bản nháp. Kiểm tra rồi bấm “Gửi báo cáo”.".into(),
        }
    }
}

/// Everything the page shows besides what the request brings.
pub struct Loaded {
    values: UnitValues,
    pub prev: UnitValues,
    row: Option<ReportRow>,
    narratives: HashMap<(i64, NarrativeKind), String>,
    history: Vec<HistoryRow>,
    history_pager: Pager,
    return_note: Option<(String, String, String)>,
    due: Option<chrono::NaiveDate>,
}

/// Last year's approved values of `unit` (the comparisons' baseline).
pub async fn previous_year(state: &AppState, unit: &str, year: i32) -> Result<UnitValues, StorageError> {
    state.store.approved_unit_values(&state.plan, unit, year - 1).await
}

/// The report's data, with page `page` of its history: three queries (the
/// head with narratives, the values, the history's page), each of this unit
/// and year only, and one more for the latest move while the report is
/// returned and the page does not hold it (a form is what a rush of
/// reporters loads). All on one connection, given back before the page is
/// built: one trip back to the pool instead of three.
pub async fn load(state: &AppState, unit: &OrgUnit, year: i32, page: PageNo) -> Result<Loaded, StorageError> {
    let plan = &state.plan;
    let mut reader = state.store.reader().await?;
    let sheet = reader.report_sheet(&unit.code, year).await?;
    let report_state = sheet.report.as_ref().map(|r| r.state);
    let (values, prev) = reader.form_values(plan, &unit.code, year, report_state).await?;
    // The latest move is shown only as a return's note: read while returned.
    let returned = report_state == Some(ReportState::Returned);
    let (trail, pager) = history_page(&mut reader, &unit.code, year, page, returned).await?;
    drop(reader);
    Ok(Loaded {
        history: history::history(plan, &trail.events, &trail.names),
        history_pager: pager,
        return_note: history::return_note(trail.last_move.as_slice(), &trail.names),
        due: due_date(plan, year, sheet.extension),
        values,
        prev,
        row: sheet.report,
        narratives: sheet.narratives.into_iter().collect(),
    })
}

/// Page `page` of the report's history (its events oldest first, as
/// `history` reads them) and its links; a page past the end is the last page.
async fn history_page(
    reader: &mut Reader,
    unit: &str,
    year: i32,
    page: PageNo,
    last_move: bool,
) -> Result<(xhht_storage::TrailPage, Pager), StorageError> {
    let mut trail = reader
        .report_trail(unit, year, page.offset(), PAGE_SIZE, last_move)
        .await?;
    let pager = Pager::new(page, trail.total, |n| {
        format!("/reports/{year}/{unit}?trang={n}#lich-su")
    });
    if pager.page() != page {
        trail = reader
            .report_trail(unit, year, pager.page().offset(), PAGE_SIZE, last_move)
            .await?;
    }
    trail.events.reverse();
    Ok((trail, pager))
}

/// What the form sent, when it comes back with problems.
#[derive(Default)]
pub struct Sent {
    pub inputs: HashMap<String, String>,
    /// The figures of a refused form that did read: checked with the stored
    /// ones, so the page lists every problem at once, not only the typos.
    pub pending: Vec<(String, Option<DataValue>)>,
    pub field_errors: HashMap<String, String>,
    pub narratives: HashMap<(i64, NarrativeKind), String>,
    pub explanation: Option<String>,
    pub notice: String,
    pub alert: String,
}

pub fn build(state: &AppState, chrome: Chrome, at: &ReadReport, data: Loaded, sent: Sent) -> ReportPage {
    let plan = &state.plan;
    let unit = &at.unit;
    let st = data.row.as_ref().map(|r| r.state);
    let found = if sent.pending.is_empty() {
        form::findings(plan, unit, &data.values, Some(&data.prev))
    } else {
        let mut typed = data.values.clone();
        for (code, value) in &sent.pending {
            match value {
                Some(v) => typed.insert(code.clone(), v.clone()),
                None => typed.remove(code),
            };
        }
        form::findings(plan, unit, &typed, Some(&data.prev))
    };
    let (state_label, state_class) = i18n::report_state(st);
    let review_actions = match st {
        Some(ReportState::Submitted) if at.may_review => vec![
            ReviewButton {
                action: "approve",
                label: "Duyệt",
                primary: true,
            },
            ReviewButton {
                action: "return",
                label: "Trả lại để sửa",
                primary: false,
            },
        ],
        Some(ReportState::Approved) if at.may_review => vec![ReviewButton {
            action: "reopen",
            label: "Mở lại để sửa",
            primary: false,
        }],
        _ => vec![],
    };
    let narratives: Vec<NarrativeBlock> = plan
        .task_groups
        .iter()
        .map(|g| NarrativeBlock {
            number: g.number,
            title: g.title.clone(),
            texts: NarrativeKind::ALL
                .iter()
                .map(|k| {
                    let key = (g.number, *k);
                    let text = sent.narratives.get(&key).or_else(|| data.narratives.get(&key));
                    (
                        k.as_str(),
                        crate::narrative::label(*k),
                        text.cloned().unwrap_or_default(),
                    )
                })
                .collect(),
        })
        .collect();
    let explanation = sent
        .explanation
        .clone()
        .or_else(|| data.row.as_ref().and_then(|r| r.explanation.clone()))
        .unwrap_or_default();
    let groups = form::groups(
        plan,
        unit,
        &data.values,
        Some(&data.prev),
        &sent.inputs,
        &sent.field_errors,
        &found,
    );
    let of = |sev: Severity| {
        found
            .iter()
            .filter(move |f| f.severity == sev)
            .map(|f| (f.message.clone(), f.elements.clone()))
    };
    let typed = sent
        .field_errors
        .iter()
        .map(|(code, m)| (m.clone(), vec![code.clone()]));
    let errors = summary::list(&groups, typed.chain(of(Severity::Error)));
    let warnings = summary::list(&groups, of(Severity::Warning));
    let texts = narratives.iter().flat_map(|n| &n.texts);
    let narratives_total = texts.clone().count();
    let narratives_filled = texts.filter(|(_, _, t)| !t.trim().is_empty()).count();
    let editable = at.may_write && st.is_none_or(ReportState::is_editable);
    ReportPage {
        year: at.year,
        unit_code: unit.code.clone(),
        unit_name: unit.name.clone(),
        state_label,
        state_class,
        due: data.due.map(xhht_domain::text::date).unwrap_or_default(),
        timeliness: Timeliness::of(data.row.as_ref(), data.due).label(),
        editable,
        review_actions,
        groups,
        narratives,
        errors,
        warnings,
        warnings_say: WarningsSay::of(editable, st),
        explanation,
        narratives_filled,
        narratives_total,
        notice: sent.notice,
        alert: sent.alert,
        history: data.history,
        history_pager: data.history_pager,
        may_write: at.may_write,
        return_note: data.return_note,
        reviewer: shape::reviewer_name(plan).to_string(),
        csrf: at.user.csrf.clone(),
        chrome,
    }
}

/// The page again with what was sent and why it was not (all) done: 422.
pub async fn rerender(
    state: &AppState,
    chrome: Chrome,
    at: &ReadReport,
    sent: Sent,
    alert: &str,
) -> Result<Response, AppError> {
    let data = load(state, &at.unit, at.year, PageNo::default()).await?;
    let sent = Sent {
        alert: alert.to_string(),
        ..sent
    };
    Ok((StatusCode::UNPROCESSABLE_ENTITY, build(state, chrome, at, data, sent)).into_response())
}
