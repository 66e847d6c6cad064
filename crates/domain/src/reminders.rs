//! Reminders before the reporting deadline (issue 14): on which days a unit
//! that still owes its report is reminded, what the reminder says, and the
//! reviewers' daily digest. Pure: the caller passes "today".

use chrono::{Duration, NaiveDate};

use crate::text;
use crate::workflow::ReportState;

/// Days before the deadline a unit is reminded when the plan names none.
pub const DEFAULT_DAYS: [u32; 4] = [14, 7, 3, 1];

/// The earliest reminder a plan may ask for, in days before the deadline.
pub const MAX_DAYS: u32 = 120;

/// Days after the plan's deadline the reviewers' digest goes on (chasing
/// the late units), while anything is missing or awaiting review.
pub const DIGEST_AFTER_DAYS: i64 = 14;

/// Still owed by the unit: nothing yet, a draft, or returned for correction.
pub fn is_missing(state: Option<ReportState>) -> bool {
    matches!(state, None | Some(ReportState::Draft | ReportState::Returned))
}

/// Days from `today` to `due` (negative once it has passed).
pub fn days_left(due: NaiveDate, today: NaiveDate) -> i64 {
    (due - today).num_days()
}

/// The reminder day `today` is for a unit due on `due`, if it is one of
/// `days` (days before the deadline).
pub fn reminder_day(days: &[u32], due: NaiveDate, today: NaiveDate) -> Option<u32> {
    let left = u32::try_from(days_left(due, today)).ok()?;
    days.contains(&left).then_some(left)
}

/// What a reminder says on `today`: the days left, or how late it is.
pub fn countdown(year: i32, due: NaiveDate, today: NaiveDate) -> String {
    let date = text::date(due);
    match days_left(due, today) {
        0 => format!("Hôm nay ({date}) là hạn cuối nộp báo cáo năm {year}."),
        left if left > 0 => format!("Còn {left} ngày đến hạn nộp báo cáo năm {year} ({date})."),
        left => format!("Đã quá hạn nộp báo cáo năm {year} {} ngày (hạn {date}).", -left),
    }
}

/// Whether the reviewers get a digest on `today`: from the first reminder
/// day before the plan's deadline `due` to [`DIGEST_AFTER_DAYS`] after it.
pub fn digest_day(days: &[u32], due: NaiveDate, today: NaiveDate) -> bool {
    let first = i64::from(days.iter().copied().max().unwrap_or(0));
    today >= due - Duration::days(first) && today <= due + Duration::days(DIGEST_AFTER_DAYS)
}

/// The reviewers' view of a year on one day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Digest {
    /// Units that report this year.
    pub expected: usize,
    /// Sent: submitted or approved.
    pub sent: usize,
    /// Submitted, not yet reviewed.
    pub awaiting: usize,
    /// Not started, draft or returned.
    pub missing: usize,
}

impl Digest {
    pub fn count(states: impl IntoIterator<Item = Option<ReportState>>) -> Self {
        let mut d = Self::default();
        for s in states {
            d.expected += 1;
            d.sent += usize::from(matches!(s, Some(ReportState::Submitted | ReportState::Approved)));
            d.awaiting += usize::from(s == Some(ReportState::Submitted));
            d.missing += usize::from(is_missing(s));
        }
        d
    }

    /// Nothing to chase: every report in and reviewed.
    pub fn is_quiet(&self) -> bool {
        self.missing == 0 && self.awaiting == 0
    }

    /// "Báo cáo năm 2026: 18/42 đơn vị đã gửi, 11 chờ duyệt, 24 còn thiếu. Còn 4 ngày …"
    pub fn text(&self, year: i32, due: NaiveDate, today: NaiveDate) -> String {
        format!(
            "Báo cáo năm {year}: {}/{} đơn vị đã gửi, {} chờ duyệt, {} còn thiếu. {}",
            self.sent,
            self.expected,
            self.awaiting,
            self.missing,
            countdown(year, due, today)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).unwrap()
    }

    #[test]
    fn reminders_fall_on_the_set_days_only() {
        let due = d(12, 10);
        let hits: Vec<u32> = (1..=31)
            .filter_map(|day| reminder_day(&DEFAULT_DAYS, due, d(12, day)))
            .collect();
        assert_eq!(hits, vec![7, 3, 1]);
        assert_eq!(reminder_day(&DEFAULT_DAYS, due, d(11, 26)), Some(14));
        assert_eq!(reminder_day(&[0], due, due), Some(0));
        assert_eq!(reminder_day(&DEFAULT_DAYS, due, d(12, 11)), None);
    }

    #[test]
    fn the_countdown_turns_late_after_the_deadline() {
        let due = d(12, 10);
        assert_eq!(
            countdown(2026, due, d(12, 7)),
            "Còn 3 ngày đến hạn nộp báo cáo năm 2026 (10/12/2026)."
        );
        assert_eq!(
            countdown(2026, due, due),
            "Hôm nay (10/12/2026) là hạn cuối nộp báo cáo năm 2026."
        );
        assert_eq!(
            countdown(2026, due, d(12, 12)),
            "Đã quá hạn nộp báo cáo năm 2026 2 ngày (hạn 10/12/2026)."
        );
    }

    #[test]
    fn the_digest_counts_and_runs_in_its_window() {
        use ReportState::*;
        let digest = Digest::count([None, Some(Draft), Some(Returned), Some(Submitted), Some(Approved)]);
        assert_eq!(
            digest,
            Digest {
                expected: 5,
                sent: 2,
                awaiting: 1,
                missing: 3
            }
        );
        assert!(!digest.is_quiet());
        assert!(Digest::count([Some(Approved)]).is_quiet());
        let due = d(12, 10);
        assert!(!digest_day(&DEFAULT_DAYS, due, d(11, 25)));
        assert!(digest_day(&DEFAULT_DAYS, due, d(11, 26)));
        assert!(digest_day(&DEFAULT_DAYS, due, d(12, 24)));
        assert!(!digest_day(&DEFAULT_DAYS, due, d(12, 25)));
        assert!(
            digest
                .text(2026, due, d(12, 6))
                .starts_with("Báo cáo năm 2026: 2/5 đơn vị đã gửi, 1 chờ duyệt, 3 còn thiếu. Còn 4 ngày")
        );
    }

    /// The plan's `[report]` section names the days; absent, the default;
    /// a bad list is refused in Vietnamese with its line.
    #[test]
    fn a_plan_names_its_reminder_days() {
        use crate::plan::{BUILTIN_BA_DINH, load};
        let plan = load(BUILTIN_BA_DINH).unwrap();
        assert_eq!(plan.report.reminder_days, vec![14, 7, 3, 1]);
        let with = |days: &str| {
            let src = BUILTIN_BA_DINH.replacen("[report]\n", &format!("[report]\nreminder_days = {days}\n"), 1);
            assert_ne!(src, BUILTIN_BA_DINH);
            load(&src)
        };
        assert_eq!(with("[1, 10, 5]").unwrap().report.reminder_days, vec![10, 5, 1]);
        for (bad, says) in [
            ("[7, 7]", "ngày 7 được ghi hai lần"),
            ("[-1]", "-1 không hợp lệ"),
            ("[500]", "500 không hợp lệ"),
            ("[]", "cần ít nhất một ngày nhắc"),
        ] {
            let problems = with(bad).expect_err(bad);
            assert!(
                problems.iter().any(|p| p.message.contains(says) && p.line > 0),
                "{bad}: {problems:?}"
            );
        }
    }
}
