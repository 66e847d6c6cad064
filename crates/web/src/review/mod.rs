//! Review: the department's list of every unit's report, the review actions
//! on one report, deadline extensions, and the area's documents (the Word
//! report, its Excel annex, the district-wide template).
//!
//! | route                                        | who                          |
//! |----------------------------------------------|------------------------------|
//! | `GET /review/{year}?state=&type=&sort=`      | `AreaViewer`: reviewers, admins, leaders (read-only, their units) |
//! | `GET /lanh-dao/{year}`                       | `AreaViewer`: the leader's page, read-only, their units |
//! | `POST /reports/{year}/{unit}/review`         | `ReviewReport`: reviewers and admins, units of the area |
//! | `POST /review/{year}/{unit}/deadline`        | `Admin`                      |
//! | `POST /review/{year}/nhac-nho`               | `Reviewer`: remind the units still missing |
//! | `GET /review/{year}/bao-cao.docx`            | `AreaReader` (not reporters) |
//! | `GET /review/{year}/phu-luc.xlsx`            | `AreaReader`                 |
//! | `GET /review/{year}/mau-tong-hop.xlsx`       | `AreaReader`                 |
//! | `GET /review/{year}/bao-cao/da-ban-hanh.docx` | `AreaReader`: the issued file |
//! | `/review/{year}/bao-cao…` (draft, versions, preview, issue) | `Reviewer` (see `drafts`) |

mod actions;
mod deadline;
pub mod documents;
mod drafts;
mod filter;
mod leader;
mod list;
mod remind;

use axum::Router;
use axum::routing::{get, post};

use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/review/{year}", get(list::page))
        .route("/lanh-dao/{year}", get(leader::page))
        .route("/reports/{year}/{unit}/review", post(actions::act))
        .route("/review/{year}/{unit}/deadline", post(deadline::extend))
        .route("/review/{year}/nhac-nho", post(remind::remind))
        .route("/review/{year}/bao-cao.docx", get(documents::report_docx))
        .route("/review/{year}/phu-luc.xlsx", get(documents::annex_xlsx))
        .route("/review/{year}/mau-tong-hop.xlsx", get(documents::district_template))
        .route("/review/{year}/bao-cao", get(drafts::page))
        .route("/review/{year}/bao-cao/luu", post(drafts::save))
        .route("/review/{year}/bao-cao/xem-truoc", get(drafts::preview))
        .route("/review/{year}/bao-cao/du-thao.docx", get(drafts::draft_docx))
        .route("/review/{year}/bao-cao/ban-hanh", post(drafts::issue))
        .route("/review/{year}/bao-cao/da-ban-hanh.docx", get(drafts::issued_docx))
}
