//! `GET /review/{year}/bao-cao?loai=&phien-ban=`: the report's sections in
//! textareas, its issuing lines, the saved versions and the issue form.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use chrono::{Duration, Utc};

use super::{VersionQuery, app_error, compose, editor_url, kind_in, kind_label};
use crate::auth::{PlanYear, Reviewer};
use crate::calendar::local_time;
use crate::chrome::Chrome;
use crate::paging::{PAGE_SIZE, Pager};
use crate::respond::{AppError, Query};
use crate::state::AppState;

pub struct SectionField {
    /// "I", "II", …
    pub numeral: &'static str,
    pub title: String,
    /// The form field: s1, s2, …
    pub name: String,
    pub text: String,
    pub rows: usize,
}

pub struct VersionRow {
    pub version: i32,
    pub saved_at: String,
    pub saved_by: String,
}

pub struct IssuedView {
    pub number: String,
    pub date: String,
    pub issued_at: String,
    pub issued_by: String,
    pub version: i32,
    pub sha256: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "review/drafts/editor.html")]
pub struct EditorPage {
    pub chrome: Chrome,
    pub csrf: String,
    pub year: i32,
    pub kind: &'static str,
    pub label: String,
    /// The version shown (0: the data's first draft, never saved).
    pub version: i32,
    pub latest: i32,
    pub sections: Vec<SectionField>,
    pub issuing: compose::IssuingText,
    pub versions: Vec<VersionRow>,
    /// The version list's pages (`?trang=`), newest first.
    pub versions_pager: Pager,
    pub issued: Option<IssuedView>,
    pub today: String,
    pub notice: &'static str,
}

pub const NUMERALS: [&str; 8] = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII"];

pub async fn page(
    State(state): State<AppState>,
    chrome: Chrome,
    Reviewer(user): Reviewer,
    PlanYear(year): PlanYear,
    Query(q): Query<VersionQuery>,
) -> Result<EditorPage, AppError> {
    let kind = kind_in(&state, year, q.loai)?;
    let back = |e: AppError| e.back_to(editor_url(year, kind, ""), "Về bản mới nhất");
    let (draft, _) = compose::load(&state, year, kind, q.version)
        .await
        .map_err(|e| back(app_error(e)))?;
    let offset = q.trang.offset();
    let (mut versions, total, latest) = state
        .store
        .report_draft_versions_page(year, kind.code(), offset, PAGE_SIZE)
        .await?;
    let pager = Pager::new(q.trang, total, |n| {
        format!("/review/{year}/bao-cao?loai={}&trang={n}", kind.code())
    });
    if pager.page() != q.trang {
        let offset = pager.page().offset();
        versions = state
            .store
            .report_draft_versions_page(year, kind.code(), offset, PAGE_SIZE)
            .await?
            .0;
    }
    let issued = state
        .store
        .issued_report(year, kind.code())
        .await?
        .map(|(m, _)| IssuedView {
            number: m.number,
            date: m.issued_on.parse().map(xhht_domain::text::date).unwrap_or(m.issued_on),
            issued_at: local_time(&m.issued_at),
            issued_by: m.issued_by,
            version: m.version,
            sha256: m.sha256,
        });
    Ok(EditorPage {
        csrf: user.csrf.clone(),
        year,
        kind: kind.code(),
        label: kind_label(&state, year, kind),
        version: draft.version,
        latest,
        sections: draft
            .sections
            .iter()
            .enumerate()
            .map(|(i, s)| SectionField {
                numeral: NUMERALS.get(i).copied().unwrap_or(""),
                title: s.title.clone(),
                name: format!("s{}", i + 1),
                rows: (s.text.lines().count() + 2).clamp(6, 30),
                text: s.text.clone(),
            })
            .collect(),
        issuing: draft.issuing,
        versions: versions
            .into_iter()
            .map(|v| VersionRow {
                version: v.version,
                saved_at: local_time(&v.saved_at),
                saved_by: v.saved_by,
            })
            .collect(),
        versions_pager: pager,
        issued,
        today: (Utc::now() + Duration::hours(7)).date_naive().to_string(),
        notice: match q.msg.as_deref() {
            Some("saved") => "Đã lưu phiên bản mới.",
            Some("restored") => "Đã khôi phục thành phiên bản mới.",
            Some("issued") => "Đã ban hành báo cáo; tệp đã ban hành được lưu nguyên vẹn.",
            _ => "",
        },
        chrome,
    })
}
