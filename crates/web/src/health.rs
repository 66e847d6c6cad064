use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::state::AppState;

/// Liveness and database reachability.
pub async fn check(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    let backend = state.store.backend().name();
    match state.store.ping().await {
        Ok(()) => (StatusCode::OK, Json(json!({ "status": "ok", "database": backend }))),
        Err(e) => {
            tracing::error!(error = %e, "health check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({ "status": "error", "database": backend })),
            )
        }
    }
}
