//! The yearly report's state machine.
//!
//! ```text
//! draft ──submit──▶ submitted ──approve──▶ approved
//!   ▲ save            │  ▲                   │
//!   └─────            │  └──submit──┐        │ reopen (reason)
//!          return (reason)          │        ▼
//!                     └──────────▶ returned ◀┘
//! ```
//! Handlers never change a state themselves: they ask [`transition`], which
//! returns the next state or a refusal with a Vietnamese reason.

use serde::{Deserialize, Serialize};

use crate::access::Role;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportState {
    Draft,
    Submitted,
    Returned,
    Approved,
}

impl ReportState {
    pub const ALL: [ReportState; 4] = [Self::Draft, Self::Submitted, Self::Returned, Self::Approved];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Submitted => "submitted",
            Self::Returned => "returned",
            Self::Approved => "approved",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// Only approved figures count in official results.
    pub fn is_official(self) -> bool {
        self == Self::Approved
    }

    /// The unit may change its values.
    pub fn is_editable(self) -> bool {
        matches!(self, Self::Draft | Self::Returned)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Save,
    Submit,
    Return,
    Approve,
    Reopen,
}

impl Action {
    pub const ALL: [Action; 5] = [Self::Save, Self::Submit, Self::Return, Self::Approve, Self::Reopen];

    /// Actions that must carry a reason.
    pub fn needs_reason(self) -> bool {
        matches!(self, Self::Return | Self::Reopen)
    }
}

/// What the caller knows about the request, beyond state and role.
#[derive(Debug, Clone, Copy, Default)]
pub struct Facts {
    /// The account acts on its own unit (reporters may act only then).
    pub own_unit: bool,
    /// Validation found errors in the values.
    pub has_errors: bool,
    /// Validation found warnings and no explanation was given.
    pub unexplained_warnings: bool,
    /// A reason was given (for return and reopen).
    pub has_reason: bool,
}

/// Why a transition is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("Tài khoản của bạn không được làm thao tác này.")]
    NotAllowed,
    #[error("Báo cáo đang ở trạng thái không cho phép thao tác này.")]
    WrongState,
    #[error("Báo cáo còn lỗi, cần sửa trước khi gửi.")]
    HasErrors,
    #[error("Cần giải trình các cảnh báo trước khi gửi.")]
    UnexplainedWarnings,
    #[error("Cần ghi rõ lý do.")]
    MissingReason,
}

/// The next state of a report in `from` when `role` does `action`.
pub fn transition(from: ReportState, action: Action, role: Role, facts: Facts) -> Result<ReportState, Refusal> {
    use Action::*;
    use ReportState::*;
    let reviewer = matches!(role, Role::Reviewer | Role::Admin);
    let reporter = role == Role::Reporter && facts.own_unit;
    match action {
        Save | Submit if !reporter => Err(Refusal::NotAllowed),
        Return | Approve | Reopen if !reviewer => Err(Refusal::NotAllowed),
        Save if from.is_editable() => Ok(from),
        Submit if from.is_editable() => {
            if facts.has_errors {
                Err(Refusal::HasErrors)
            } else if facts.unexplained_warnings {
                Err(Refusal::UnexplainedWarnings)
            } else {
                Ok(Submitted)
            }
        }
        Return if from == Submitted => reasoned(facts, Returned),
        Approve if from == Submitted => Ok(Approved),
        Reopen if from == Approved => reasoned(facts, Returned),
        _ => Err(Refusal::WrongState),
    }
}

/// The move that takes a report from `from` to `to`, if one does. The audit
/// trail records moves (submitted, approved, returned, reopened), so a state
/// change that no move explains is refused rather than recorded.
pub fn move_between(from: ReportState, to: ReportState) -> Option<Action> {
    use ReportState::*;
    match (from, to) {
        (Draft | Returned, Submitted) => Some(Action::Submit),
        (Submitted, Approved) => Some(Action::Approve),
        (Submitted, Returned) => Some(Action::Return),
        (Approved, Returned) => Some(Action::Reopen),
        _ => None,
    }
}

/// Vietnam's offset from UTC (no daylight saving).
const VIETNAM_OFFSET_HOURS: i64 = 7;

/// A report is late when its first submission came after the end of its due
/// day in Vietnam. "Before 10 December" is read as "by the end of 10 December":
/// the due date is the last day accepted. Computed, never stored.
pub fn is_late(first_submitted: chrono::DateTime<chrono::Utc>, due: chrono::NaiveDate) -> bool {
    let local = first_submitted.naive_utc() + chrono::Duration::hours(VIETNAM_OFFSET_HOURS);
    local.date() > due
}

fn reasoned(facts: Facts, to: ReportState) -> Result<ReportState, Refusal> {
    if facts.has_reason {
        Ok(to)
    } else {
        Err(Refusal::MissingReason)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Action::*;
    use ReportState::*;

    fn ok_facts() -> Facts {
        Facts {
            own_unit: true,
            has_errors: false,
            unexplained_warnings: false,
            has_reason: true,
        }
    }

    #[test]
    fn state_names_round_trip() {
        for s in ReportState::ALL {
            assert_eq!(ReportState::parse(s.as_str()), Some(s));
        }
        assert_eq!(ReportState::parse("deleted"), None);
    }

    /// Every (state, action, role) triple with all facts favourable: the
    /// complete table of what is allowed.
    #[test]
    fn every_state_action_role_triple() {
        let expected = |s: ReportState, a: Action, r: Role| -> Option<ReportState> {
            let reviewer = matches!(r, Role::Reviewer | Role::Admin);
            match (s, a) {
                (Draft | Returned, Save) if r == Role::Reporter => Some(s),
                (Draft | Returned, Submit) if r == Role::Reporter => Some(Submitted),
                (Submitted, Return) if reviewer => Some(Returned),
                (Submitted, Approve) if reviewer => Some(Approved),
                (Approved, Reopen) if reviewer => Some(Returned),
                _ => None,
            }
        };
        let mut allowed = 0;
        for s in ReportState::ALL {
            for a in Action::ALL {
                for r in Role::ALL {
                    let got = transition(s, a, r, ok_facts()).ok();
                    assert_eq!(got, expected(s, a, r), "{s:?} {a:?} {r:?}");
                    allowed += usize::from(got.is_some());
                }
            }
        }
        assert_eq!(
            allowed,
            4 + 2 * 3,
            "2 states × 2 reporter actions + 3 reviewer moves × 2 roles"
        );
    }

    /// Every allowed move but a save is named by `move_between`, and nothing else is.
    #[test]
    fn moves_name_every_allowed_state_change() {
        let mut named = 0;
        for s in ReportState::ALL {
            for a in Action::ALL {
                for r in Role::ALL {
                    if let (Ok(to), true) = (transition(s, a, r, ok_facts()), a != Save) {
                        assert_eq!(move_between(s, to), Some(a), "{s:?} {a:?}");
                    }
                }
            }
            for to in ReportState::ALL {
                named += usize::from(move_between(s, to).is_some());
            }
        }
        assert_eq!(named, 5, "draft/returned→submitted, approve, return, reopen");
    }

    #[test]
    fn reporters_act_only_on_their_own_unit() {
        let foreign = Facts {
            own_unit: false,
            ..ok_facts()
        };
        assert_eq!(
            transition(Draft, Save, Role::Reporter, foreign),
            Err(Refusal::NotAllowed)
        );
        assert_eq!(
            transition(Draft, Submit, Role::Reporter, foreign),
            Err(Refusal::NotAllowed)
        );
        assert_eq!(
            transition(Draft, Save, Role::Viewer, ok_facts()),
            Err(Refusal::NotAllowed)
        );
    }

    #[test]
    fn submission_needs_clean_values_and_explained_warnings() {
        let errors = Facts {
            has_errors: true,
            ..ok_facts()
        };
        assert_eq!(
            transition(Draft, Submit, Role::Reporter, errors),
            Err(Refusal::HasErrors)
        );
        let warnings = Facts {
            unexplained_warnings: true,
            ..ok_facts()
        };
        assert_eq!(
            transition(Returned, Submit, Role::Reporter, warnings),
            Err(Refusal::UnexplainedWarnings)
        );
        // Saving a draft with errors is allowed: it is a draft.
        assert_eq!(transition(Draft, Save, Role::Reporter, errors), Ok(Draft));
    }

    #[test]
    fn return_and_reopen_need_a_reason() {
        let none = Facts {
            has_reason: false,
            ..ok_facts()
        };
        assert_eq!(
            transition(Submitted, Return, Role::Reviewer, none),
            Err(Refusal::MissingReason)
        );
        assert_eq!(
            transition(Approved, Reopen, Role::Admin, none),
            Err(Refusal::MissingReason)
        );
        assert_eq!(transition(Submitted, Approve, Role::Reviewer, none), Ok(Approved));
    }

    #[test]
    fn lateness_uses_the_end_of_the_due_day_in_vietnam() {
        use chrono::{NaiveDate, TimeZone, Utc};
        let due = NaiveDate::from_ymd_opt(2026, 12, 10).unwrap();
        // 23:30 on 10 December in Hà Nội is 16:30 UTC: on time.
        assert!(!is_late(Utc.with_ymd_and_hms(2026, 12, 10, 16, 30, 0).unwrap(), due));
        // 00:30 on 11 December in Hà Nội is 17:30 UTC on the 10th: late.
        assert!(is_late(Utc.with_ymd_and_hms(2026, 12, 10, 17, 30, 0).unwrap(), due));
        assert!(!is_late(Utc.with_ymd_and_hms(2026, 11, 30, 3, 0, 0).unwrap(), due));
    }

    #[test]
    fn approved_is_locked() {
        assert_eq!(
            transition(Approved, Save, Role::Reporter, ok_facts()),
            Err(Refusal::WrongState)
        );
        assert_eq!(
            transition(Approved, Submit, Role::Reporter, ok_facts()),
            Err(Refusal::WrongState)
        );
        assert_eq!(
            transition(Approved, Approve, Role::Reviewer, ok_facts()),
            Err(Refusal::WrongState)
        );
    }
}
