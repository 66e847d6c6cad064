//! The area's report drafted, edited and issued in the app (issue 11): the
//! reviewing unit starts from the sections the data supports
//! ([`documents::document`]), edits each as plain text, saves numbered
//! versions, previews, downloads the draft and issues it. Issuing freezes
//! the .docx in the database; the issued file is served as stored.
//!
//! | route                                          | what |
//! |------------------------------------------------|------|
//! | `GET  /review/{year}/bao-cao?loai=&phien-ban=` | the editor (latest or an older version) |
//! | `POST /review/{year}/bao-cao/luu`              | save a new version (or restore an older one) |
//! | `GET  /review/{year}/bao-cao/xem-truoc`        | HTML preview of a version |
//! | `GET  /review/{year}/bao-cao/du-thao.docx`     | the draft as Word |
//! | `POST /review/{year}/bao-cao/ban-hanh`         | issue a version with number and date |
//! | `GET  /review/{year}/bao-cao/da-ban-hanh.docx` | the issued file, byte for byte |
//!
//! All for `Reviewer` (the plan's reviewers and administrators), but the
//! issued file, which leaders of the whole area read too (`AreaReader`).

mod compose;
mod editor;
mod issue;
mod preview;
mod save;

use serde::Deserialize;
use xhht_domain::plan::ReviewKind;
use xhht_office::report::ReportKind;

pub use editor::page;
pub use issue::{draft_docx, issue, issued_docx};
pub use preview::preview;
pub use save::save;

use super::documents::KindParam;
use crate::respond::AppError;
use crate::state::AppState;

/// `?loai=…&phien-ban=…` of the pages that show one version.
#[derive(Deserialize)]
pub struct VersionQuery {
    loai: Option<KindParam>,
    #[serde(rename = "phien-ban")]
    version: Option<i32>,
    msg: Option<String>,
    /// The page of the version list.
    #[serde(default)]
    trang: crate::paging::PageNo,
}

/// The kind asked for (yearly by default), refused in a year the plan holds
/// no such review.
fn kind_in(state: &AppState, year: i32, kind: Option<KindParam>) -> Result<ReportKind, AppError> {
    let kind = kind.map_or(ReportKind::Yearly, |k| k.0);
    if let Some(review) = kind.review()
        && state.plan.review(year).is_none_or(|r| r.kind != review)
    {
        return Err(AppError::bad_request(format!(
            "Kế hoạch không có kỳ {} vào năm {year}.",
            if review == ReviewKind::MidTerm {
                "sơ kết"
            } else {
                "tổng kết"
            }
        )));
    }
    Ok(kind)
}

/// "Báo cáo năm 2025", "Sơ kết 2021-2025".
fn kind_label(state: &AppState, year: i32, kind: ReportKind) -> String {
    let first = state.plan.reporting.first_year;
    match kind {
        ReportKind::Yearly => format!("Báo cáo năm {year}"),
        ReportKind::MidTerm => format!("Báo cáo sơ kết {first}-{year}"),
        ReportKind::Final => format!("Báo cáo tổng kết {first}-{year}"),
    }
}

/// The editor's address for a kind (and a notice).
pub(crate) fn editor_url(year: i32, kind: ReportKind, msg: &str) -> String {
    let mut url = format!("/review/{year}/bao-cao?loai={}", kind.code());
    if !msg.is_empty() {
        url.push_str("&msg=");
        url.push_str(msg);
    }
    url
}

/// Storage errors keep their wording (conflicts 409, missing 404); a
/// document that could not be made is a server error.
fn app_error(e: super::documents::ReportError) -> AppError {
    match e {
        super::documents::ReportError::Storage(e) => e.into(),
        super::documents::ReportError::Docx(e) => AppError::internal(format!("making the report failed: {e}")),
    }
}
