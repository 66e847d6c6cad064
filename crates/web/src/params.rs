//! Query parameters shared by pages and the API, parsed into types with a
//! Vietnamese message when they do not parse (see `respond::Query`).

use serde::Deserialize;

use crate::respond::AppError;
use crate::state::AppState;

/// `?year=`: a number; whether the plan covers it is checked by [`year_or_default`].
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(try_from = "String")]
pub struct YearParam(pub i32);

impl TryFrom<String> for YearParam {
    type Error = String;

    fn try_from(raw: String) -> Result<Self, Self::Error> {
        raw.trim()
            .parse()
            .map(YearParam)
            .map_err(|_| format!("năm “{raw}” không hợp lệ"))
    }
}

/// The year asked for, if the plan covers it; without one, the latest
/// complete year (see `figures::default_year`).
pub async fn year_or_default(state: &AppState, asked: Option<YearParam>) -> Result<i32, AppError> {
    let Some(YearParam(year)) = asked else {
        return Ok(crate::figures::default_year(state).await?);
    };
    let r = &state.plan.reporting;
    if (r.first_year..=r.last_year).contains(&year) {
        Ok(year)
    } else {
        Err(AppError::bad_request(format!(
            "Năm {year} nằm ngoài thời gian của kế hoạch ({}-{}).",
            r.first_year, r.last_year
        )))
    }
}

/// The query of a page that only takes a year.
#[derive(Debug, Default, Deserialize)]
pub struct YearQuery {
    pub year: Option<YearParam>,
}
