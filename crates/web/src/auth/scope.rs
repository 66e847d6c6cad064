//! Extractors that locate what a path names in the plan and check, through
//! `domain::access`, that the account may reach that unit. Checks run in the
//! order people expect: login, then "does it exist" (404), then "may you" (403).

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use serde::Deserialize;
use xhht_domain::plan::OrgUnit;

use super::CurrentUser;
use crate::respond::{AppError, Path};
use crate::state::AppState;

#[derive(Deserialize)]
struct YearSegment {
    year: i32,
}

#[derive(Deserialize)]
struct UnitSegments {
    year: i32,
    unit: String,
}

/// `{year}` of the path, within the plan's reporting years (else 404).
pub struct PlanYear(pub i32);

impl FromRequestParts<AppState> for PlanYear {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let Path(YearSegment { year }) = Path::from_request_parts(parts, state).await?;
        let plan = &state.plan;
        let r = &plan.reporting;
        if (r.first_year..=plan.last_entry_year()).contains(&year) {
            return Ok(PlanYear(year));
        }
        let why = match &plan.info.ended {
            Some((day, reason)) if year > plan.last_entry_year() && year <= r.last_year => format!(
                "Kế hoạch {} đã kết thúc ngày {} ({reason}), không có báo cáo năm {year}.",
                plan.info.number,
                day.format("%d/%m/%Y")
            ),
            _ => format!("Năm {year} nằm ngoài thời gian của kế hoạch."),
        };
        Err(AppError::not_found(why).titled("Không có năm này"))
    }
}

/// `{year}/{unit}` of the path: a unit that reports in that year of the plan.
pub struct ReportUnit {
    pub year: i32,
    pub unit: OrgUnit,
}

impl FromRequestParts<AppState> for ReportUnit {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let Path(UnitSegments { year, unit }) = Path::from_request_parts(parts, state).await?;
        let plan = &state.plan;
        let r = &plan.reporting;
        if let Some(u) = plan.unit(&unit).filter(|u| plan.is_reporting_unit(u))
            && (r.first_year..=r.last_year).contains(&year)
            && let Some(why) = state.no_longer_reports(u, year)
        {
            return Err(AppError::not_found(why).titled("Đơn vị không còn báo cáo theo kế hoạch này"));
        }
        let found = plan
            .unit(&unit)
            .filter(|_| (r.first_year..=plan.last_entry_year()).contains(&year))
            .filter(|u| u.active_in(year) && plan.is_reporting_unit(u));
        match found {
            Some(u) => Ok(ReportUnit { year, unit: u.clone() }),
            None => Err(
                AppError::not_found(format!("Không có báo cáo năm {year} của đơn vị “{unit}”."))
                    .titled("Không tìm thấy báo cáo"),
            ),
        }
    }
}

/// A report the account may read (reporters: their own unit; the department
/// and leaders: the whole area), with what else it may do there.
pub struct ReadReport {
    pub user: CurrentUser,
    pub year: i32,
    pub unit: OrgUnit,
    pub may_write: bool,
    pub may_review: bool,
}

impl FromRequestParts<AppState> for ReadReport {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let user = CurrentUser::from_request_parts(parts, state).await?;
        let ReportUnit { year, unit } = ReportUnit::from_request_parts(parts, state).await?;
        let who = user.principal();
        if !who.can_read(&state.plan, &unit.code) {
            return Err(refused("xem"));
        }
        Ok(ReadReport {
            may_write: who.can_write(&unit.code),
            may_review: who.can_review(&state.plan, &unit.code),
            user,
            year,
            unit,
        })
    }
}

/// A report the account may fill in: only the unit's own reporter.
pub struct WriteReport {
    pub user: CurrentUser,
    pub year: i32,
    pub unit: OrgUnit,
}

impl FromRequestParts<AppState> for WriteReport {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let user = CurrentUser::from_request_parts(parts, state).await?;
        let ReportUnit { year, unit } = ReportUnit::from_request_parts(parts, state).await?;
        if !user.principal().can_write(&unit.code) {
            return Err(refused("sửa"));
        }
        Ok(WriteReport { user, year, unit })
    }
}

/// A writer reads too; a writer is the unit's reporter, who never reviews.
impl From<WriteReport> for ReadReport {
    fn from(w: WriteReport) -> Self {
        ReadReport {
            user: w.user,
            year: w.year,
            unit: w.unit,
            may_write: true,
            may_review: false,
        }
    }
}

/// A report the account may return, approve or reopen: reviewers and
/// administrators, within the plan's area.
pub struct ReviewReport {
    pub user: CurrentUser,
    pub year: i32,
    pub unit: OrgUnit,
}

impl FromRequestParts<AppState> for ReviewReport {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let user = CurrentUser::from_request_parts(parts, state).await?;
        let ReportUnit { year, unit } = ReportUnit::from_request_parts(parts, state).await?;
        let who = user.principal();
        if who.role.reviews() && who.is_own_unit(&unit.code) {
            return Err(AppError::forbidden(
                "Bạn không được duyệt, trả lại hay mở lại báo cáo của chính đơn vị mình; \
                 việc này do người của đơn vị khác thực hiện.",
            ));
        }
        if !who.can_review(&state.plan, &unit.code) {
            return Err(refused("duyệt"));
        }
        Ok(ReviewReport { user, year, unit })
    }
}

fn refused(verb: &str) -> AppError {
    AppError::forbidden(format!("Tài khoản của bạn không được {verb} báo cáo của đơn vị này."))
}
