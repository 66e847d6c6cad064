//! JSON API, version 1, and its OpenAPI description. Public: approved
//! figures only, no login.
//!
//! | route                  | who     |
//! |------------------------|---------|
//! | every route            | anyone  |
//!
//! Errors answer `{"error": {"code": "not_found", "message": "…"}}` (see
//! `crate::respond`), with the message in Vietnamese.

mod data_values;
mod indicators;
mod org_units;

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get};
use serde::Deserialize;
use xhht_domain::plan::Plan;

use crate::state::AppState;

/// The API's routes: the router mounts exactly these, and the OpenAPI test
/// checks that the document describes exactly these.
fn table() -> Vec<(&'static str, MethodRouter<AppState>)> {
    vec![
        ("/api/v1/plan", get(plan)),
        ("/api/v1/plans", get(plans)),
        ("/api/v1/indicators", get(indicators::list)),
        ("/api/v1/data-values", get(data_values::list)),
        ("/api/v1/org-units", get(org_units::list)),
        ("/api/openapi.json", get(openapi)),
    ]
}

pub fn routes() -> Router<AppState> {
    table()
        .into_iter()
        .fold(Router::new(), |r, (path, handler)| r.route(path, handler))
}

/// The whole plan: org units, data elements, indicators, targets, tasks.
async fn plan(State(state): State<AppState>) -> Json<Plan> {
    Json((*state.plan).clone())
}

/// Every plan in the database, first installed first; `current` is the
/// one this request was answered for (pick with `?plan=CODE`).
async fn plans(State(state): State<AppState>) -> Json<serde_json::Value> {
    let list: Vec<&crate::state::PlanEntry> = state.plans.iter().map(|s| &s.entry).collect();
    Json(serde_json::json!({
        "current": state.plan.info.code,
        "plans": list,
    }))
}

/// The OpenAPI description of `/api`, kept beside the code and checked
/// against the router by a test.
const OPENAPI: &str = include_str!("../../openapi.json");

async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI).into_response()
}

/// `?format=json` (the default) or `csv`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
enum Format {
    #[default]
    Json,
    Csv,
}

impl TryFrom<String> for Format {
    type Error = String;

    fn try_from(raw: String) -> Result<Self, Self::Error> {
        match raw.as_str() {
            "json" => Ok(Self::Json),
            "csv" => Ok(Self::Csv),
            _ => Err(format!("định dạng “{raw}” không hỗ trợ (có: json, csv)")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The document describes exactly the routes the router mounts.
    #[test]
    fn openapi_matches_the_routes() {
        let doc: serde_json::Value = serde_json::from_str(OPENAPI).expect("valid JSON");
        assert_eq!(doc["openapi"], "3.1.0");
        let mut documented: Vec<&str> = doc["paths"].as_object().unwrap().keys().map(String::as_str).collect();
        let mut mounted: Vec<&str> = table().into_iter().map(|(p, _)| p).collect();
        documented.sort_unstable();
        mounted.sort_unstable();
        assert_eq!(documented, mounted);
    }
}
