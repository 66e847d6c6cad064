//! `GET /api/v1/org-units?date=YYYY-MM-DD[&within=CODE]`: the administrative
//! units that existed on a day (the dated register, owned by no plan), with
//! type, parent and the links to predecessors and successors.

use axum::Json;
use axum::extract::State;
use chrono::NaiveDate;
use serde::Deserialize;
use xhht_domain::units::UnitsOnDate;

use crate::respond::{AppError, Query};
use crate::state::AppState;

#[derive(Debug, Deserialize)]
pub struct Params {
    date: Option<String>,
    within: Option<String>,
}

pub async fn list(State(state): State<AppState>, Query(p): Query<Params>) -> Result<Json<UnitsOnDate>, AppError> {
    let date = match p.date.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
        Some(raw) => NaiveDate::parse_from_str(raw, "%Y-%m-%d")
            .map_err(|_| AppError::bad_request(format!("Ngày “{raw}” không hợp lệ (dạng YYYY-MM-DD).")))?,
        None => chrono::Utc::now().date_naive(),
    };
    if !state.store.has_units().await? {
        return Err(AppError::not_found(
            "Chưa nạp danh mục đơn vị hành chính (chạy `xhht units import`).",
        ));
    }
    let within = p.within.as_deref().map(str::trim).filter(|w| !w.is_empty());
    let units = state.store.units_on(date, within).await.map_err(|e| match e {
        xhht_storage::StorageError::NotFound(_) => AppError::not_found(format!(
            "Không có đơn vị hành chính mã “{}” vào ngày {}.",
            within.unwrap_or_default(),
            date.format("%d/%m/%Y")
        )),
        other => other.into(),
    })?;
    Ok(Json(units))
}
