//! `/review/{year}`: completeness and timeliness of every unit's report, for
//! reviewers; administrators can give one unit more time.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use xhht_domain::access::Role;
use xhht_domain::plan::UnitType;
use xhht_domain::workflow::ReportState;
use xhht_storage::Stamp;

use super::message;
use super::reports::state_label;
use crate::auth::CurrentUser;
use crate::chrome::Chrome;
use crate::service::form::{self, local_time};
use crate::state::AppState;

pub struct Row {
    pub code: String,
    pub name: String,
    pub type_label: &'static str,
    pub state_label: &'static str,
    pub state_class: &'static str,
    pub submitted: String,
    pub timeliness: &'static str,
    pub approved: String,
    pub due: String,
    pub extended: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "review.html")]
pub struct ReviewPage {
    pub chrome: Chrome,
    pub year: i32,
    pub years: Vec<i32>,
    pub filter: String,
    pub types: Vec<(&'static str, &'static str)>,
    pub rows: Vec<Row>,
    pub expected: usize,
    pub submitted: usize,
    pub approved: usize,
    pub late: usize,
    pub is_admin: bool,
    pub csrf: String,
    pub notice: String,
    /// The plan's mid-term or final review of this year: (query value, label).
    pub review_variant: Option<(&'static str, String)>,
}

pub fn type_label(t: UnitType) -> &'static str {
    match t {
        UnitType::Province => "Tỉnh",
        UnitType::City => "Thành phố",
        UnitType::District => "Quận/huyện",
        UnitType::Commune => "Xã",
        UnitType::Ward => "Phường",
        UnitType::ResidentialGroup => "Tổ dân phố",
        UnitType::Department => "Phòng, ban",
        UnitType::Organisation => "Tổ chức, đoàn thể",
        UnitType::EducationInstitution => "Cơ sở giáo dục",
        UnitType::CommunityLearningCentre => "TTHTCĐ",
        UnitType::Declared(code) => code,
    }
}

pub async fn page(
    State(state): State<AppState>,
    chrome: Chrome,
    user: CurrentUser,
    Path(year): Path<i32>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    if !user.role.reviews() {
        return message(
            StatusCode::FORBIDDEN,
            "Không có quyền",
            "Chỉ chuyên viên và quản trị Phòng GD&ĐT xem được trang này.",
        );
    }
    let plan = &state.plan;
    let r = &plan.reporting;
    if !(r.first_year..=r.last_year).contains(&year) {
        return message(
            StatusCode::NOT_FOUND,
            "Không có năm này",
            &format!("Năm {year} nằm ngoài thời gian của kế hoạch."),
        );
    }
    let (reports, extensions) = match (
        state.store.reports(year).await,
        state.store.deadline_extensions(year).await,
    ) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(e), _) | (_, Err(e)) => return super::server_error(&e),
    };
    let filter = q.get("type").cloned().unwrap_or_default();
    let wanted = UnitType::parse(&filter);
    let units: Vec<_> = plan.units_in(year).filter(|u| plan.is_reporting_unit(u)).collect();
    let mut types: Vec<(&str, &str)> = Vec::new();
    for u in &units {
        if !types.iter().any(|(c, _)| *c == u.unit_type.code()) {
            types.push((u.unit_type.code(), type_label(u.unit_type)));
        }
    }
    let mut rows = Vec::new();
    let (mut submitted, mut approved, mut late) = (0, 0, 0);
    for u in units.iter().filter(|u| wanted.is_none_or(|t| t == u.unit_type)) {
        let row = reports.iter().find(|r| r.org_unit == u.code);
        let due = form::due_date(plan, year, extensions.get(&u.code).copied());
        let st = row.map(|r| r.state);
        let timeliness = form::timeliness(row, due);
        submitted += usize::from(matches!(st, Some(ReportState::Submitted | ReportState::Approved)));
        approved += usize::from(st == Some(ReportState::Approved));
        late += usize::from(timeliness == "Trễ hạn");
        let (state_label, state_class) = state_label(st);
        rows.push(Row {
            code: u.code.clone(),
            name: u.name.clone(),
            type_label: type_label(u.unit_type),
            state_label,
            state_class,
            submitted: row
                .and_then(|r| r.first_submitted_at.as_deref())
                .map(local_time)
                .unwrap_or_default(),
            timeliness,
            approved: row
                .and_then(|r| r.approved_at.as_deref())
                .map(local_time)
                .unwrap_or_default(),
            due: due.map(xhht_domain::text::date).unwrap_or_default(),
            extended: extensions.contains_key(&u.code),
        });
    }
    let years = crate::service::years_offered(&state, year, true).await;
    ReviewPage {
        year,
        years,
        filter,
        types,
        expected: rows.len(),
        submitted,
        approved,
        late,
        rows,
        is_admin: user.role == Role::Admin,
        csrf: user.csrf.clone(),
        review_variant: plan.reporting.reviews.iter().find(|r| r.year == year).map(|r| {
            let (kind, word) = match r.kind {
                xhht_domain::plan::ReviewKind::MidTerm => ("so-ket", "Sơ kết"),
                xhht_domain::plan::ReviewKind::Final => ("tong-ket", "Tổng kết"),
            };
            (kind, format!("{word} {}-{year}", plan.reporting.first_year))
        }),
        notice: if q.contains_key("extended") {
            "Đã gia hạn.".into()
        } else {
            String::new()
        },
        chrome,
    }
    .into_response()
}

/// `POST /review/{year}/{unit}/deadline`: an administrator extends one unit's deadline.
pub async fn extend(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((year, unit)): Path<(i32, String)>,
    Form(f): Form<HashMap<String, String>>,
) -> Response {
    if user.role != Role::Admin {
        return message(
            StatusCode::FORBIDDEN,
            "Không có quyền",
            "Chỉ quản trị viên được gia hạn nộp báo cáo.",
        );
    }
    let plan = &state.plan;
    if !plan
        .unit(&unit)
        .is_some_and(|u| u.active_in(year) && plan.is_reporting_unit(u))
    {
        return message(
            StatusCode::NOT_FOUND,
            "Không tìm thấy",
            &format!("Không có đơn vị «{unit}» trong năm {year}."),
        );
    }
    let reason = f.get("reason").map(|r| r.trim().to_string()).unwrap_or_default();
    let due = f
        .get("due")
        .and_then(|d| NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d").ok());
    let Some(due) = due else {
        return message(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Ngày không hợp lệ",
            "Chọn ngày gia hạn hợp lệ.",
        );
    };
    if reason.is_empty() {
        return message(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Thiếu lý do",
            "Cần ghi lý do gia hạn.",
        );
    }
    if plan.due_date(year).is_some_and(|d| due <= d) {
        return message(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Ngày không hợp lệ",
            "Ngày gia hạn phải sau hạn chung của kế hoạch.",
        );
    }
    match state
        .store
        .extend_deadline(&Stamp::now(&user.username), &unit, year, due, &reason)
        .await
    {
        Ok(()) => Redirect::to(&format!("/review/{year}?extended=1")).into_response(),
        Err(e) => super::server_error(&e),
    }
}

/// Downloads are for the education department and leaders, not reporters.
fn refuse_downloads(user: &CurrentUser, state: &AppState, year: i32) -> Option<Response> {
    if user.role == Role::Reporter {
        return Some(message(
            StatusCode::FORBIDDEN,
            "Không có quyền",
            "Chỉ Phòng GD&ĐT và lãnh đạo tải được tài liệu tổng hợp.",
        ));
    }
    super::year_outside_plan(state, year)
}

/// `GET /review/{year}/bao-cao.docx?loai=nam|so-ket|tong-ket`: the yearly
/// report (or the mid-term or final review) as a Word document.
pub async fn report_docx(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(year): Path<i32>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    use xhht_office::report::ReportKind;
    if let Some(refusal) = refuse_downloads(&user, &state, year) {
        return refusal;
    }
    let kind = match q.get("loai") {
        None => ReportKind::Yearly,
        Some(k) => match ReportKind::parse(k) {
            Some(kind) => kind,
            None => {
                let text = format!("Không có loại báo cáo «{k}» (có: nam, so-ket, tong-ket).");
                return message(StatusCode::BAD_REQUEST, "Loại báo cáo không hợp lệ", &text);
            }
        },
    };
    let made = crate::service::report::yearly_report(&state, year, kind).await;
    super::attachment(made, super::DOCX, &format!("bao-cao-{year}.docx"), "báo cáo")
}

/// `GET /review/{year}/phu-luc.xlsx`: the report's annex as Excel, numbers as numbers.
pub async fn annex_xlsx(State(state): State<AppState>, user: CurrentUser, Path(year): Path<i32>) -> Response {
    if let Some(refusal) = refuse_downloads(&user, &state, year) {
        return refusal;
    }
    let table = match crate::service::report::annex(&state, year).await {
        Ok(t) => t,
        Err(e) => return super::server_error(&e),
    };
    super::attachment(
        xhht_office::annex::workbook(&table),
        super::XLSX,
        &format!("phu-luc-{year}.xlsx"),
        "phụ lục",
    )
}

/// `GET /review/{year}/mau-tong-hop.xlsx`: one sheet, one row per ward, with
/// their current figures (drafts included: reviewers see drafts).
pub async fn district_template(State(state): State<AppState>, user: CurrentUser, Path(year): Path<i32>) -> Response {
    if let Some(refusal) = refuse_downloads(&user, &state, year) {
        return refusal;
    }
    let plan = &state.plan;
    let area = plan.area();
    let wards: Vec<_> = plan
        .units_in(year)
        .filter(|u| u.parent.as_deref() == Some(area.code.as_str()) && u.unit_type == UnitType::Ward)
        .collect();
    let mut values = HashMap::new();
    for w in &wards {
        match state.store.working_values(plan, &w.code, year).await {
            Ok(v) => values.insert(w.code.clone(), v),
            Err(e) => return super::server_error(&e),
        };
    }
    let made = xhht_office::template::district_template(plan, area, year, &wards, &values);
    super::attachment(made, super::XLSX, &format!("tong-hop-{year}.xlsx"), "mẫu tổng hợp")
}
