//! A unit's yearly report: the form, saving and submitting it, and the same
//! through an Excel template. Review actions on the report are the review
//! feature's; this page only shows their buttons.
//!
//! | route                                  | who                                      |
//! |----------------------------------------|------------------------------------------|
//! | `GET /reports/{year}/{unit}`           | `ReadReport`: own unit, or the area's department and leaders |
//! | `POST /reports/{year}/{unit}`          | `WriteReport`: the unit's own reporter   |
//! | `GET /reports/{year}/{unit}/mau.xlsx`  | `ReadReport`                             |
//! | `POST /reports/{year}/{unit}/nhap-excel` | `WriteReport`                          |

mod excel;
mod form;
mod history;
mod page;
mod save;
mod show;
mod summary;

use axum::Router;
use axum::routing::{get, post};

use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/reports/{year}/{unit}", get(show::show).post(save::save))
        .route("/reports/{year}/{unit}/mau.xlsx", get(excel::template))
        .route("/reports/{year}/{unit}/nhap-excel", post(excel::upload))
}
