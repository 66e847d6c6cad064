//! Dates as the plan and people see them: the reporting year in progress,
//! deadlines, timeliness, and Vietnam time.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use xhht_domain::plan::Plan;
use xhht_storage::ReportRow;

/// The reporting year in progress: this year in Vietnam, within the plan.
pub fn current_year(plan: &Plan) -> i32 {
    let today = (Utc::now() + Duration::hours(7)).year();
    today.clamp(plan.reporting.first_year, plan.last_entry_year())
}

/// Today in Vietnam.
pub fn today() -> NaiveDate {
    (Utc::now() + Duration::hours(7)).date_naive()
}

/// Today in Vietnam as dd/mm/yyyy, printed at the foot of a printed page.
pub fn today_text() -> String {
    today().format("%d/%m/%Y").to_string()
}

/// The date of a stored UTC timestamp in Vietnam.
pub fn local_date(stamp: &str) -> Option<NaiveDate> {
    parse_time(stamp).map(|t| (t + Duration::hours(7)).date_naive())
}

/// The deadline of a unit's report: its own extension or the plan's.
pub fn due_date(plan: &Plan, year: i32, extension: Option<NaiveDate>) -> Option<NaiveDate> {
    extension.or_else(|| plan.due_date(year))
}

/// "05/12/2026 14:30" in Vietnam time, from a stored UTC timestamp.
pub fn local_time(stamp: &str) -> String {
    DateTime::parse_from_rfc3339(stamp)
        .map(|t| {
            (t.with_timezone(&Utc) + Duration::hours(7))
                .format("%d/%m/%Y %H:%M")
                .to_string()
        })
        .unwrap_or_else(|_| stamp.to_string())
}

fn parse_time(stamp: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(stamp).ok().map(|t| t.with_timezone(&Utc))
}

/// Whether a report came in by its deadline (computed, never stored).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Timeliness {
    OnTime,
    Late,
    /// Not submitted yet, or no deadline to compare with.
    Unknown,
}

impl Timeliness {
    pub fn of(row: Option<&ReportRow>, due: Option<NaiveDate>) -> Self {
        let first = row.and_then(|r| r.first_submitted_at.as_deref()).and_then(parse_time);
        match (first, due) {
            (Some(t), Some(d)) if xhht_domain::workflow::is_late(t, d) => Self::Late,
            (Some(_), Some(_)) => Self::OnTime,
            _ => Self::Unknown,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::OnTime => "Đúng hạn",
            Self::Late => "Trễ hạn",
            Self::Unknown => "",
        }
    }
}

/// "Today" for the reminders: Vietnam's date, or a fixed day (tests, and a
/// demo that wants to show the reminders of a given day).
#[derive(Debug, Clone, Copy, Default)]
pub struct Clock(pub Option<NaiveDate>);

impl Clock {
    pub fn today(self) -> NaiveDate {
        self.0.unwrap_or_else(today)
    }
}
