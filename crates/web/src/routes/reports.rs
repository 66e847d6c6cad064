//! A unit's yearly report: the form (`GET`), save and submit (`POST`), and
//! the reviewer's return / approve / reopen (`POST …/review`).

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use xhht_domain::narrative::NarrativeKind;
use xhht_domain::plan::{OrgUnit, Severity};
use xhht_domain::values::UnitValues;
use xhht_domain::workflow::{self, Action, Facts, Refusal, ReportState};
use xhht_storage::{FormChanges, Stamp, StorageError};

use super::message;
use crate::auth::CurrentUser;
use crate::chrome::Chrome;
use crate::service::form::{self, Field, FieldGroup, HistoryRow, NARRATIVE_KINDS, NarrativeBlock};
use crate::state::AppState;

#[derive(Template, WebTemplate)]
#[template(path = "report.html")]
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
    pub review_actions: Vec<(&'static str, &'static str)>,
    pub groups: Vec<FieldGroup>,
    pub narratives: Vec<NarrativeBlock>,
    pub errors: Vec<String>,
    pub warnings: Vec<String>,
    pub explanation: String,
    pub notice: String,
    pub alert: String,
    pub history: Vec<HistoryRow>,
    /// (comment, who, when) of the latest return, while the report is returned.
    pub return_note: Option<(String, String, String)>,
    pub csrf: String,
}

pub fn state_label(s: Option<ReportState>) -> (&'static str, &'static str) {
    match s {
        None => ("Chưa báo cáo", "state-none"),
        Some(ReportState::Draft) => ("Đang soạn", "state-draft"),
        Some(ReportState::Submitted) => ("Đã gửi, chờ duyệt", "state-submitted"),
        Some(ReportState::Returned) => ("Bị trả lại, cần sửa", "state-returned"),
        Some(ReportState::Approved) => ("Đã duyệt", "state-approved"),
    }
}

fn notice(msg: Option<&str>) -> &'static str {
    match msg {
        Some("saved") => "Đã lưu bản nháp.",
        Some("submitted") => "Đã gửi báo cáo tới Phòng GD&ĐT.",
        Some("returned") => "Đã trả lại báo cáo cho đơn vị.",
        Some("approved") => "Đã duyệt báo cáo. Số liệu đã được tính vào kết quả chung.",
        Some("reopened") => "Đã mở lại báo cáo để đơn vị sửa.",
        Some("imported") => "Đã nhập số liệu từ tệp Excel vào bản nháp. Kiểm tra rồi bấm «Gửi báo cáo».",
        _ => "",
    }
}

/// Checks the year and unit of a path: `Err` is a ready response (boxed: it is large).
fn locate<'a>(state: &'a AppState, year: i32, unit: &str) -> Result<&'a OrgUnit, Box<Response>> {
    let r = &state.plan.reporting;
    let found = state
        .plan
        .unit(unit)
        .filter(|u| u.active_in(year) && state.plan.is_reporting_unit(u));
    match found {
        Some(u) if (r.first_year..=r.last_year).contains(&year) => Ok(u),
        _ => Err(Box::new(message(
            StatusCode::NOT_FOUND,
            "Không tìm thấy báo cáo",
            &format!("Không có báo cáo năm {year} của đơn vị «{unit}»."),
        ))),
    }
}

fn forbidden() -> Response {
    message(
        StatusCode::FORBIDDEN,
        "Không có quyền",
        "Tài khoản của bạn không được xem hoặc sửa báo cáo của đơn vị này.",
    )
}

/// Everything the page shows besides what the request brings.
struct Loaded {
    values: UnitValues,
    prev: UnitValues,
    row: Option<xhht_storage::ReportRow>,
    narratives: HashMap<(i64, NarrativeKind), String>,
    history: Vec<HistoryRow>,
    return_note: Option<(String, String, String)>,
    due: Option<chrono::NaiveDate>,
}

async fn load(state: &AppState, unit: &OrgUnit, year: i32) -> Result<Loaded, StorageError> {
    let plan = &state.plan;
    let values = state.store.working_values(plan, &unit.code, year).await?;
    let prev = state
        .store
        .approved_values(plan, year - 1)
        .await?
        .units
        .remove(&unit.code)
        .unwrap_or_default();
    let row = state
        .store
        .reports(year)
        .await?
        .into_iter()
        .find(|r| r.org_unit == unit.code);
    let narratives = state.store.narratives(&unit.code, year).await?.into_iter().collect();
    let events = state.store.audit_events(&unit.code, year).await?;
    let names: HashMap<String, String> = state
        .store
        .users()
        .await?
        .into_iter()
        .map(|u| (u.username, u.display_name))
        .collect();
    let history = form::history(plan, &events, &names);
    let return_note = form::return_note(&events, &names);
    let extension = state.store.deadline_extensions(year).await?.remove(&unit.code);
    Ok(Loaded {
        values,
        prev,
        row,
        narratives,
        history,
        return_note,
        due: form::due_date(plan, year, extension),
    })
}

/// What the form sent, when it comes back with problems.
#[derive(Default)]
struct Sent {
    inputs: HashMap<String, String>,
    field_errors: HashMap<String, String>,
    narratives: HashMap<(i64, NarrativeKind), String>,
    explanation: Option<String>,
    notice: String,
    alert: String,
}

fn page(
    state: &AppState,
    chrome: Chrome,
    user: &CurrentUser,
    unit: &OrgUnit,
    year: i32,
    data: Loaded,
    sent: Sent,
) -> ReportPage {
    let plan = &state.plan;
    let who = user.principal();
    let st = data.row.as_ref().map(|r| r.state);
    let found = form::findings(plan, unit, &data.values, Some(&data.prev));
    let (state_label, state_class) = state_label(st);
    let editable = who.can_write(&unit.code) && st.is_none_or(ReportState::is_editable);
    let can_review = who.can_review(plan, &unit.code);
    let review_actions = match st {
        Some(ReportState::Submitted) if can_review => vec![("approve", "Duyệt"), ("return", "Trả lại để sửa")],
        Some(ReportState::Approved) if can_review => vec![("reopen", "Mở lại để sửa")],
        _ => vec![],
    };
    let mut errors: Vec<String> = sent.field_errors.values().cloned().collect();
    errors.extend(
        found
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .map(|f| f.message.clone()),
    );
    let warnings = found
        .iter()
        .filter(|f| f.severity == Severity::Warning)
        .map(|f| f.message.clone())
        .collect();
    let narratives = plan
        .task_groups
        .iter()
        .map(|g| NarrativeBlock {
            number: g.number,
            title: g.title.clone(),
            texts: NARRATIVE_KINDS
                .iter()
                .map(|(k, label)| {
                    let key = (g.number, *k);
                    let text = sent
                        .narratives
                        .get(&key)
                        .or_else(|| data.narratives.get(&key))
                        .cloned()
                        .unwrap_or_default();
                    (k.as_str().to_string(), *label, text)
                })
                .collect(),
        })
        .collect();
    let explanation = sent
        .explanation
        .or_else(|| data.row.as_ref().and_then(|r| r.explanation.clone()))
        .unwrap_or_default();
    ReportPage {
        year,
        unit_code: unit.code.clone(),
        unit_name: unit.name.clone(),
        state_label,
        state_class,
        due: data.due.map(xhht_domain::text::date).unwrap_or_default(),
        timeliness: form::timeliness(data.row.as_ref(), data.due),
        editable,
        review_actions,
        groups: form::groups(
            plan,
            unit,
            &data.values,
            Some(&data.prev),
            &sent.inputs,
            &sent.field_errors,
            &found,
        ),
        narratives,
        errors,
        warnings,
        explanation,
        notice: sent.notice,
        alert: sent.alert,
        history: data.history,
        return_note: data.return_note,
        csrf: user.csrf.clone(),
        chrome,
    }
}

pub async fn show(
    State(state): State<AppState>,
    chrome: Chrome,
    user: CurrentUser,
    Path((year, unit)): Path<(i32, String)>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let unit = match locate(&state, year, &unit) {
        Ok(u) => u,
        Err(r) => return *r,
    };
    if !user.principal().can_read(&state.plan, &unit.code) {
        return forbidden();
    }
    match load(&state, unit, year).await {
        Ok(data) => page(
            &state,
            chrome,
            &user,
            unit,
            year,
            data,
            Sent {
                notice: notice(q.get("msg").map(String::as_str)).to_string(),
                ..Sent::default()
            },
        )
        .into_response(),
        Err(e) => super::server_error(&e),
    }
}

/// `POST /reports/{year}/{unit}`: `action=save` keeps a draft; `action=submit`
/// saves, validates and submits in the workflow. Bad input saves nothing.
pub async fn save(
    State(state): State<AppState>,
    chrome: Chrome,
    user: CurrentUser,
    Path((year, unit)): Path<(i32, String)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let unit = match locate(&state, year, &unit) {
        Ok(u) => u,
        Err(r) => return *r,
    };
    if !user.principal().can_write(&unit.code) {
        return forbidden();
    }
    let plan = &state.plan;
    let posted: HashMap<String, String> = fields.into_iter().collect();
    let submit = posted.get("action").map(String::as_str) == Some("submit");
    let form::Parsed {
        changes: values,
        errors: field_errors,
        inputs,
    } = form::parse_inputs(plan, unit, &posted);
    let narratives = read_narratives(plan, &posted);
    let explanation = posted.get("explanation").map(|e| xhht_domain::text::nfc(e.trim()));
    let sent = Sent {
        inputs,
        field_errors,
        narratives: narratives.iter().cloned().collect(),
        explanation: explanation.clone(),
        ..Sent::default()
    };
    if !sent.field_errors.is_empty() {
        return rerender(
            &state,
            chrome,
            &user,
            unit,
            year,
            sent,
            "Chưa lưu: có ô nhập sai, xem thông báo bên dưới.",
        )
        .await;
    }
    let stamp = Stamp::now(&user.username);
    let changes = FormChanges {
        values,
        narratives,
        explanation: explanation.clone(),
    };
    if let Err(e) = state.store.save_form(&stamp, &unit.code, year, &changes).await {
        return match e {
            StorageError::Conflict(c) => {
                let msg = super::conflict_text(&c);
                rerender(&state, chrome, &user, unit, year, Sent::default(), &msg).await
            }
            e => super::server_error(&e),
        };
    }
    if !submit {
        return Redirect::to(&format!("/reports/{year}/{}?msg=saved", unit.code)).into_response();
    }
    let prev = match state.store.approved_values(plan, year - 1).await {
        Ok(mut p) => p.units.remove(&unit.code).unwrap_or_default(),
        Err(e) => return super::server_error(&e),
    };
    let explained = explanation.as_deref().is_some_and(|e| !e.is_empty());
    let role = user.role;
    let decide = |st: ReportState, vals: &UnitValues| {
        let found = form::findings(plan, unit, vals, Some(&prev));
        let facts = Facts {
            own_unit: true,
            has_errors: found.iter().any(|f| f.severity == Severity::Error),
            unexplained_warnings: !explained && found.iter().any(|f| f.severity == Severity::Warning),
            has_reason: false,
        };
        workflow::transition(st, Action::Submit, role, facts)
    };
    match state.store.transition(&stamp, plan, &unit.code, year, decide).await {
        Ok(_) => Redirect::to(&format!("/reports/{year}/{}?msg=submitted", unit.code)).into_response(),
        Err(StorageError::Refused(r)) => {
            let why = match r {
                Refusal::HasErrors => "Đã lưu nhưng chưa gửi: báo cáo còn lỗi, cần sửa các ô được đánh dấu.",
                Refusal::UnexplainedWarnings => {
                    "Đã lưu nhưng chưa gửi: cần ghi giải trình cho các cảnh báo (mục cuối biểu mẫu)."
                }
                _ => "Đã lưu nhưng chưa gửi được: báo cáo không ở trạng thái cho phép gửi.",
            };
            rerender(&state, chrome, &user, unit, year, Sent::default(), why).await
        }
        Err(StorageError::Conflict(c)) => super::conflict(&c),
        Err(e) => super::server_error(&e),
    }
}

fn read_narratives(
    plan: &xhht_domain::plan::Plan,
    posted: &HashMap<String, String>,
) -> Vec<((i64, NarrativeKind), String)> {
    let mut out = Vec::new();
    for g in &plan.task_groups {
        for (kind, _) in NARRATIVE_KINDS {
            if let Some(text) = posted.get(&format!("n_{}_{}", g.number, kind.as_str())) {
                out.push(((g.number, kind), xhht_domain::text::nfc(text.trim())));
            }
        }
    }
    out
}

async fn rerender(
    state: &AppState,
    chrome: Chrome,
    user: &CurrentUser,
    unit: &OrgUnit,
    year: i32,
    sent: Sent,
    alert: &str,
) -> Response {
    match load(state, unit, year).await {
        Ok(data) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            page(
                state,
                chrome,
                user,
                unit,
                year,
                data,
                Sent {
                    alert: alert.to_string(),
                    ..sent
                },
            ),
        )
            .into_response(),
        Err(e) => super::server_error(&e),
    }
}

/// `POST /reports/{year}/{unit}/review`: return (with a comment), approve,
/// or reopen an approved report (with a reason).
pub async fn review(
    State(state): State<AppState>,
    chrome: Chrome,
    user: CurrentUser,
    Path((year, unit)): Path<(i32, String)>,
    Form(posted): Form<HashMap<String, String>>,
) -> Response {
    let unit = match locate(&state, year, &unit) {
        Ok(u) => u,
        Err(r) => return *r,
    };
    if !user.principal().can_review(&state.plan, &unit.code) {
        return forbidden();
    }
    let (action, done) = match posted.get("action").map(String::as_str) {
        Some("approve") => (Action::Approve, "approved"),
        Some("return") => (Action::Return, "returned"),
        Some("reopen") => (Action::Reopen, "reopened"),
        _ => {
            return message(
                StatusCode::BAD_REQUEST,
                "Thao tác không hợp lệ",
                "Thao tác không hợp lệ.",
            );
        }
    };
    let reason = posted
        .get("reason")
        .map(|r| xhht_domain::text::nfc(r.trim()))
        .unwrap_or_default();
    let mut stamp = Stamp::now(&user.username);
    if !reason.is_empty() {
        stamp = stamp.with_reason(reason.clone());
    }
    let facts = Facts {
        own_unit: false,
        has_errors: false,
        unexplained_warnings: false,
        has_reason: !reason.is_empty(),
    };
    let role = user.role;
    let decide = |st: ReportState, _: &UnitValues| workflow::transition(st, action, role, facts);
    match state
        .store
        .transition(&stamp, &state.plan, &unit.code, year, decide)
        .await
    {
        Ok(_) => Redirect::to(&format!("/reports/{year}/{}?msg={done}", unit.code)).into_response(),
        Err(StorageError::Refused(r)) => {
            let alert = if r == Refusal::MissingReason {
                "Cần ghi rõ lý do (nhận xét) khi trả lại hoặc mở lại báo cáo.".to_string()
            } else {
                r.to_string()
            };
            rerender(&state, chrome, &user, unit, year, Sent::default(), &alert).await
        }
        Err(StorageError::Conflict(c)) => super::conflict(&c),
        Err(StorageError::NotFound(_)) => {
            rerender(
                &state,
                chrome,
                &user,
                unit,
                year,
                Sent::default(),
                "Đơn vị chưa có báo cáo năm này.",
            )
            .await
        }
        Err(e) => super::server_error(&e),
    }
}

/// Field kinds the template switches on.
impl Field {
    pub fn is(&self, kind: &str) -> bool {
        self.kind == kind
    }
}
