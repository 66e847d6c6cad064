//! What the review list shows and in which order: `?state=`, `?type=` and
//! `?sort=` as plain GET parameters (the form works without JavaScript), and
//! each unit's days left or late.

use chrono::NaiveDate;
use serde::Deserialize;
use xhht_domain::workflow::ReportState;

use crate::calendar::Timeliness;

/// The list's parameters as sent, checked by [`StateFilter::parse`] and
/// [`SortOrder::parse`]. The deadline form carries them too, so a refused
/// extension re-renders the same view.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ListParams {
    #[serde(default)]
    pub state: String,
    #[serde(default, rename = "type")]
    pub unit_type: String,
    #[serde(default)]
    pub sort: String,
}

impl ListParams {
    /// `state=…&type=…&sort=…` for links back to this view.
    pub fn query(&self) -> String {
        serde_urlencoded::to_string([
            ("state", self.state.as_str()),
            ("type", self.unit_type.as_str()),
            ("sort", self.sort.as_str()),
        ])
        .unwrap_or_default()
    }
}

/// Which reports the list shows. By default the ones still missing before
/// the deadline: not started, a draft, or returned for correction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StateFilter {
    #[default]
    Missing,
    All,
    NotStarted,
    Draft,
    Submitted,
    Returned,
    Approved,
}

impl StateFilter {
    pub const ALL: [Self; 7] = [
        Self::Missing,
        Self::All,
        Self::NotStarted,
        Self::Draft,
        Self::Submitted,
        Self::Returned,
        Self::Approved,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Missing => "missing",
            Self::All => "all",
            Self::NotStarted => "not_started",
            Self::Draft => "draft",
            Self::Submitted => "submitted",
            Self::Returned => "returned",
            Self::Approved => "approved",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Missing => "Còn thiếu (chưa bắt đầu, nháp, bị trả lại)",
            Self::All => "Tất cả",
            Self::NotStarted => "Chưa bắt đầu",
            Self::Draft => "Nháp (đang soạn)",
            Self::Submitted => "Đã gửi, chờ duyệt",
            Self::Returned => "Bị trả lại",
            Self::Approved => "Đã duyệt",
        }
    }

    /// Empty (the first visit) is the default view.
    pub fn parse(code: &str) -> Option<Self> {
        if code.is_empty() {
            return Some(Self::default());
        }
        Self::ALL.into_iter().find(|f| f.code() == code)
    }

    pub fn keeps(self, state: Option<ReportState>) -> bool {
        match self {
            Self::Missing => is_missing(state),
            Self::All => true,
            Self::NotStarted => state.is_none(),
            Self::Draft => state == Some(ReportState::Draft),
            Self::Submitted => state == Some(ReportState::Submitted),
            Self::Returned => state == Some(ReportState::Returned),
            Self::Approved => state == Some(ReportState::Approved),
        }
    }
}

/// Still owed by the unit: nothing yet, a draft, or returned for correction.
pub fn is_missing(state: Option<ReportState>) -> bool {
    matches!(state, None | Some(ReportState::Draft | ReportState::Returned))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortOrder {
    /// The plan's order of units (wards, then centres, …).
    #[default]
    Unit,
    /// The furthest from done first: not started, returned, draft, submitted, approved.
    State,
    /// The most days late first.
    Late,
}

impl SortOrder {
    pub const ALL: [Self; 3] = [Self::Unit, Self::State, Self::Late];

    pub fn code(self) -> &'static str {
        match self {
            Self::Unit => "unit",
            Self::State => "state",
            Self::Late => "late",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Unit => "Theo đơn vị",
            Self::State => "Theo trạng thái",
            Self::Late => "Trễ nhiều nhất trước",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        if code.is_empty() {
            return Some(Self::default());
        }
        Self::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// How far from done a state is, for [`SortOrder::State`].
pub fn state_rank(state: Option<ReportState>) -> u8 {
    match state {
        None => 0,
        Some(ReportState::Returned) => 1,
        Some(ReportState::Draft) => 2,
        Some(ReportState::Submitted) => 3,
        Some(ReportState::Approved) => 4,
    }
}

/// Days past the deadline: for a report still owed, today against the
/// deadline (negative while time is left); for one sent, its first
/// submission against the deadline. `None` without a deadline.
pub fn days_late(
    state: Option<ReportState>,
    first_sent: Option<NaiveDate>,
    due: Option<NaiveDate>,
    today: NaiveDate,
) -> Option<i64> {
    let due = due?;
    if is_missing(state) {
        Some((today - due).num_days())
    } else {
        first_sent.map(|d| (d - due).num_days())
    }
}

/// The completeness and timeliness counts of a set of units: one definition
/// for the review list and the leader's page, so the two never disagree.
/// "On time" and "late" are among the reports sent and not returned (they
/// add up to "submitted"); a returned report is missing, and "overdue" are
/// the missing ones past their deadline.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    pub expected: usize,
    pub submitted: usize,
    pub approved: usize,
    pub on_time: usize,
    pub late: usize,
    pub missing: usize,
    pub overdue: usize,
}

impl Tally {
    /// Counts one unit: its report's state, whether it came in on time, and
    /// its days late from [`days_late`].
    pub fn add(&mut self, state: Option<ReportState>, timeliness: Timeliness, days_late: Option<i64>) {
        self.expected += 1;
        let sent = matches!(state, Some(ReportState::Submitted | ReportState::Approved));
        self.submitted += usize::from(sent);
        self.approved += usize::from(state == Some(ReportState::Approved));
        if sent {
            self.on_time += usize::from(timeliness == Timeliness::OnTime);
            self.late += usize::from(timeliness == Timeliness::Late);
        }
        if is_missing(state) {
            self.missing += 1;
            self.overdue += usize::from(days_late.is_some_and(|d| d > 0));
        }
    }
}

/// The days column in words, and a class for its colour.
pub fn days_words(state: Option<ReportState>, late: Option<i64>) -> (String, &'static str) {
    match (is_missing(state), late) {
        (_, None) => (String::new(), ""),
        (true, Some(d)) if d < 0 => (format!("Còn {} ngày", -d), if d >= -3 { "soon" } else { "" }),
        (true, Some(0)) => ("Hết hạn hôm nay".into(), "soon"),
        (true, Some(d)) => (format!("Quá hạn {d} ngày"), "late"),
        (false, Some(d)) if d > 0 => (format!("Gửi trễ {d} ngày"), "late"),
        (false, Some(_)) => (String::new(), ""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).unwrap()
    }

    #[test]
    fn a_tally_counts_late_among_the_sent_and_overdue_among_the_missing() {
        let mut t = Tally::default();
        t.add(Some(ReportState::Approved), Timeliness::OnTime, Some(-2));
        t.add(Some(ReportState::Submitted), Timeliness::Late, Some(3));
        // Sent late, then returned: missing again, and past the deadline.
        t.add(Some(ReportState::Returned), Timeliness::Late, Some(5));
        t.add(None, Timeliness::Unknown, Some(-1));
        t.add(Some(ReportState::Draft), Timeliness::Unknown, None);
        let want = Tally {
            expected: 5,
            submitted: 2,
            approved: 1,
            on_time: 1,
            late: 1,
            missing: 3,
            overdue: 1,
        };
        assert_eq!(t, want);
        assert_eq!(t.on_time + t.late, t.submitted);
        assert_eq!(t.submitted + t.missing, t.expected);
    }

    #[test]
    fn the_default_view_is_what_is_still_owed() {
        let f = StateFilter::parse("").unwrap();
        assert_eq!(f, StateFilter::Missing);
        for (state, kept) in [
            (None, true),
            (Some(ReportState::Draft), true),
            (Some(ReportState::Returned), true),
            (Some(ReportState::Submitted), false),
            (Some(ReportState::Approved), false),
        ] {
            assert_eq!(f.keeps(state), kept, "{state:?}");
        }
        assert!(StateFilter::parse("late").is_none() && SortOrder::parse("x").is_none());
    }

    #[test]
    fn days_are_counted_from_the_deadline() {
        let due = Some(d(12, 10));
        let owed = |today| days_words(None, days_late(None, None, due, today)).0;
        assert_eq!(owed(d(12, 5)), "Còn 5 ngày");
        assert_eq!(owed(d(12, 10)), "Hết hạn hôm nay");
        assert_eq!(owed(d(12, 13)), "Quá hạn 3 ngày");
        let sent = Some(ReportState::Submitted);
        assert_eq!(days_late(sent, Some(d(12, 12)), due, d(12, 20)), Some(2));
        assert_eq!(days_words(sent, Some(2)).0, "Gửi trễ 2 ngày");
        assert_eq!(days_words(sent, Some(-4)).0, "", "on time says nothing");
        assert_eq!(days_late(None, None, None, d(12, 1)), None);
    }
}
