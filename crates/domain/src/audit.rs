//! The audit trail: every change, as a typed event.
//!
//! Storage writes an [`Event`] with one function and reads it back into the
//! same type (events of earlier releases included); pages name the kinds in
//! Vietnamese. An event has one canonical serialisation,
//! [`Event::canonical`], so a later hash chain over the trail has exactly
//! one text to hash per event.

pub mod chain;
pub mod replay;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::access::Role;
use crate::narrative::NarrativeKind;
use crate::values::DataValue;
use crate::workflow::{Action, ReportState};

/// A value as the trail records it: the number or the text that was stored.
/// (Yes/no is stored as 1 or 0; status options by their code.)
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Recorded {
    Number(f64),
    Text(String),
}

impl From<&DataValue> for Recorded {
    fn from(v: &DataValue) -> Self {
        match v.to_columns() {
            (Some(n), _) => Self::Number(n),
            (None, t) => Self::Text(t.unwrap_or_default()),
        }
    }
}

/// What happened. The serde tag `kind` is also the stored `action`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Change {
    /// A reported value changed (`None`: empty).
    ValueSet {
        element: String,
        old: Option<Recorded>,
        new: Option<Recorded>,
    },
    /// A text of section III changed.
    NarrativeSet {
        task_group: i64,
        narrative: NarrativeKind,
        old: Option<String>,
        new: String,
    },
    /// The unit's explanation of validation warnings changed.
    ExplanationSet {
        old: Option<String>,
        new: String,
    },
    /// The unit sent its report (first time from a draft, again after a return).
    Submitted {
        from: ReportState,
    },
    /// A reviewer approved the report: its values became official.
    Approved,
    /// A reviewer sent a submitted report back, saying why.
    Returned {
        reason: String,
    },
    /// A reviewer reopened an approved report, saying why.
    Reopened {
        reason: String,
    },
    /// An administrator gave one unit its own deadline.
    DeadlineExtended {
        old: Option<NaiveDate>,
        due: NaiveDate,
        reason: String,
    },
    UserCreated {
        username: String,
        role: Role,
    },
    UserDisabled {
        username: String,
    },
    UserEnabled {
        username: String,
    },
    PasswordReset {
        username: String,
    },
    /// An administrator moved an account to another role or unit.
    AccountEdited {
        username: String,
        old_role: Role,
        new_role: Role,
        old_unit: String,
        new_unit: String,
    },
    PlanInstalled {
        code: String,
        number: String,
    },
    /// The plan stopped before its last year (56/KH-UBND on 30/6/2025).
    PlanEnded {
        code: String,
        on: NaiveDate,
        reason: String,
    },
    /// A new version of an installed plan replaced its text.
    PlanUpgraded {
        code: String,
        version: i64,
    },
    /// The database holds generated sample data ("dữ liệu mẫu").
    SampleGenerated,
    /// A year of already-approved values loaded in bulk.
    ValuesImported {
        values: u64,
        units: u64,
    },
    /// The register of administrative units loaded (counts).
    UnitsImported {
        units: u64,
        new_units: u64,
        parent_links: u64,
        links: u64,
        new_links: u64,
        estimated_shares: u64,
    },
    /// An administrator set the share of an old unit that went to a successor.
    UnitShareSet {
        from: String,
        to: String,
        measure: String,
        old: Option<f64>,
        new: f64,
    },
    /// Someone logged in (the account's own unit and plan).
    LoginSucceeded {
        username: String,
    },
    /// A login refused: a digest of the typed name and at most 40 of its
    /// cleaned characters, never the name as typed (it may be a megabyte).
    LoginFailed {
        name_digest: String,
        name_start: String,
        address: String,
    },
    /// Someone logged out.
    LoggedOut {
        username: String,
    },
    /// A consistent copy of the database was written.
    BackupMade {
        file: String,
    },
    /// The database was replaced by a backup.
    Restored {
        from: String,
    },
    /// A reviewer saved a version of the area's report draft (`kind`: nam,
    /// so-ket, tong-ket); `restored_from` when it restores an older version.
    ReportDraftSaved {
        year: i32,
        /// Named `report_kind` in the JSON: `kind` is the event's tag.
        #[serde(rename = "report_kind")]
        kind: String,
        version: i32,
        restored_from: Option<i32>,
    },
    /// The area's report was issued: its .docx is frozen, `sha256` of the
    /// stored bytes (lowercase hex).
    ReportIssued {
        year: i32,
        #[serde(rename = "report_kind")]
        kind: String,
        number: String,
        sha256: String,
    },
    /// Units that still owed their report of `year` were reminded: on a
    /// reminder day the plan sets (`days_before`), or by a reviewer's
    /// button (`None`). The units, by code.
    RemindersSent {
        year: i32,
        days_before: Option<u32>,
        units: Vec<String>,
    },
    /// The reviewers' daily digest of `year` was posted to these accounts.
    DigestSent {
        year: i32,
        usernames: Vec<String>,
    },
    /// An administrator set or cleared an account's e-mail address.
    EmailSet {
        username: String,
        email: Option<String>,
    },
    /// The events written before the hash chain existed were chained once,
    /// as they stood then (`events` rows, the last one's hash `through`):
    /// the chain proves they have not changed since, not before.
    AuditSealed {
        events: u64,
        through: String,
    },
    /// An event of an earlier release that none of the above describes:
    /// kept as it was written, never dropped.
    Unrecognised {
        action: String,
        element: Option<String>,
        old: Option<String>,
        new: Option<String>,
    },
}

impl Change {
    /// The kind's stored name (equal to the serde tag).
    pub fn kind(&self) -> &'static str {
        match self {
            Self::ValueSet { .. } => "value_set",
            Self::NarrativeSet { .. } => "narrative_set",
            Self::ExplanationSet { .. } => "explanation_set",
            Self::Submitted { .. } => "submitted",
            Self::Approved => "approved",
            Self::Returned { .. } => "returned",
            Self::Reopened { .. } => "reopened",
            Self::DeadlineExtended { .. } => "deadline_extended",
            Self::UserCreated { .. } => "user_created",
            Self::UserDisabled { .. } => "user_disabled",
            Self::UserEnabled { .. } => "user_enabled",
            Self::PasswordReset { .. } => "password_reset",
            Self::AccountEdited { .. } => "account_edited",
            Self::PlanInstalled { .. } => "plan_installed",
            Self::PlanUpgraded { .. } => "plan_upgraded",
            Self::PlanEnded { .. } => "plan_ended",
            Self::SampleGenerated => "sample_generated",
            Self::ValuesImported { .. } => "values_imported",
            Self::UnitsImported { .. } => "units_imported",
            Self::UnitShareSet { .. } => "unit_share_set",
            Self::LoginSucceeded { .. } => "login_succeeded",
            Self::LoginFailed { .. } => "login_failed",
            Self::LoggedOut { .. } => "logged_out",
            Self::BackupMade { .. } => "backup_made",
            Self::Restored { .. } => "restored",
            Self::ReportDraftSaved { .. } => "report_draft_saved",
            Self::ReportIssued { .. } => "report_issued",
            Self::AuditSealed { .. } => "audit_sealed",
            Self::RemindersSent { .. } => "reminders_sent",
            Self::DigestSent { .. } => "digest_sent",
            Self::EmailSet { .. } => "email_set",
            Self::Unrecognised { .. } => "unrecognised",
        }
    }

    /// The event of a workflow move from `from`; `None` when the move needs a
    /// reason and has none (the workflow refuses those before this is asked).
    pub fn of_move(action: Action, from: ReportState, reason: Option<&str>) -> Option<Self> {
        let reason = reason.map(str::trim).filter(|r| !r.is_empty()).map(String::from);
        Some(match action {
            Action::Submit => Self::Submitted { from },
            Action::Approve => Self::Approved,
            Action::Return => Self::Returned { reason: reason? },
            Action::Reopen => Self::Reopened { reason: reason? },
            Action::Save => return None,
        })
    }

    /// The report's state before and after, for workflow moves.
    pub fn states(&self) -> Option<(ReportState, ReportState)> {
        use ReportState::*;
        Some(match self {
            Self::Submitted { from } => (*from, Submitted),
            Self::Approved => (Submitted, Approved),
            Self::Returned { .. } => (Submitted, Returned),
            Self::Reopened { .. } => (Approved, Returned),
            _ => return None,
        })
    }

    /// The reason the event itself carries (returns, reopenings, extensions).
    pub fn reason(&self) -> Option<&str> {
        match self {
            Self::Returned { reason }
            | Self::Reopened { reason }
            | Self::DeadlineExtended { reason, .. }
            | Self::PlanEnded { reason, .. } => Some(reason),
            _ => None,
        }
    }
}

/// One event of the trail: who, when, on which report, what, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// RFC 3339 UTC, as stored (text made in Rust, see DECISIONS).
    pub at: String,
    pub actor: String,
    pub unit: Option<String>,
    pub year: Option<i32>,
    /// A note given with the change (e.g. "imported from Excel"); reasons
    /// that belong to the change itself are in [`Change`].
    pub note: Option<String>,
    pub change: Change,
}

impl Event {
    /// The one text that stands for this event: JSON with fields in the
    /// declared order, no spaces, numbers as serde_json writes them.
    pub fn canonical(&self) -> String {
        serde_json::to_string(self).expect("an event is plain data")
    }

    /// Why: the change's own reason, else the note.
    pub fn why(&self) -> Option<&str> {
        self.change.reason().or(self.note.as_deref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn samples() -> Vec<Change> {
        vec![
            Change::ValueSet {
                element: "pop_15_60".into(),
                old: None,
                new: Some(Recorded::Number(1000.0)),
            },
            Change::ValueSet {
                element: "literacy_level".into(),
                old: Some(Recorded::Text("level_1".into())),
                new: Some(Recorded::Text("level_2".into())),
            },
            Change::NarrativeSet {
                task_group: 1,
                narrative: NarrativeKind::Results,
                old: None,
                new: "Tổ chức 3 lớp".into(),
            },
            Change::ExplanationSet {
                old: Some("a".into()),
                new: "b".into(),
            },
            Change::Submitted {
                from: ReportState::Returned,
            },
            Change::Approved,
            Change::Returned { reason: "Sai".into() },
            Change::Reopened {
                reason: "Bổ sung".into(),
            },
            Change::DeadlineExtended {
                old: None,
                due: NaiveDate::from_ymd_opt(2026, 12, 20).unwrap(),
                reason: "Lũ".into(),
            },
            Change::UserCreated {
                username: "phucxa".into(),
                role: Role::Reporter,
            },
            Change::UserDisabled { username: "x".into() },
            Change::UserEnabled { username: "x".into() },
            Change::PasswordReset { username: "x".into() },
            Change::AccountEdited {
                username: "x".into(),
                old_role: Role::Reporter,
                new_role: Role::Viewer,
                old_unit: "00001".into(),
                new_unit: "001".into(),
            },
            Change::PlanInstalled {
                code: "p".into(),
                number: "56/KH".into(),
            },
            Change::PlanUpgraded {
                code: "p".into(),
                version: 2,
            },
            Change::PlanEnded {
                code: "p".into(),
                on: NaiveDate::from_ymd_opt(2025, 6, 30).unwrap(),
                reason: "Không tổ chức cấp quận".into(),
            },
            Change::SampleGenerated,
            Change::ValuesImported { values: 10, units: 2 },
            Change::LoginSucceeded { username: "x".into() },
            Change::LoginFailed {
                name_digest: "ab12".into(),
                name_start: "x".into(),
                address: "10.0.0.1".into(),
            },
            Change::LoggedOut { username: "x".into() },
            Change::BackupMade {
                file: "a.sqlite".into(),
            },
            Change::Restored {
                from: "a.sqlite".into(),
            },
            Change::ReportDraftSaved {
                year: 2025,
                kind: "so-ket".into(),
                version: 3,
                restored_from: Some(1),
            },
            Change::ReportIssued {
                year: 2025,
                kind: "so-ket".into(),
                number: "12".into(),
                sha256: "ab".repeat(32),
            },
            Change::RemindersSent {
                year: 2026,
                days_before: Some(7),
                units: vec!["00001".into()],
            },
            Change::DigestSent {
                year: 2026,
                usernames: vec!["chuyenvien".into()],
            },
            Change::EmailSet {
                username: "x".into(),
                email: Some("x@example.vn".into()),
            },
            Change::AuditSealed {
                events: 12,
                through: "cd".repeat(32),
            },
            Change::Unrecognised {
                action: "old.thing".into(),
                element: None,
                old: None,
                new: Some("1".into()),
            },
        ]
    }

    #[test]
    fn every_kind_round_trips_and_names_its_tag() {
        for change in samples() {
            let json = serde_json::to_string(&change).unwrap();
            assert!(json.starts_with(&format!("{{\"kind\":\"{}\"", change.kind())), "{json}");
            assert_eq!(serde_json::from_str::<Change>(&json).unwrap(), change);
        }
    }

    #[test]
    fn the_canonical_text_is_stable() {
        let e = Event {
            at: "2026-12-01T03:00:00.000Z".into(),
            actor: "chuyenvien".into(),
            unit: Some("00001".into()),
            year: Some(2026),
            note: None,
            change: Change::ValueSet {
                element: "pop_15_60".into(),
                old: Some(Recorded::Number(0.5)),
                new: None,
            },
        };
        assert_eq!(
            e.canonical(),
            r#"{"at":"2026-12-01T03:00:00.000Z","actor":"chuyenvien","unit":"00001","year":2026,"note":null,"change":{"kind":"value_set","element":"pop_15_60","old":0.5,"new":null}}"#
        );
        let back: Event = serde_json::from_str(&e.canonical()).unwrap();
        assert_eq!(back.canonical(), e.canonical());
    }

    #[test]
    fn moves_name_their_event_and_states() {
        use ReportState::*;
        for (action, from) in [
            (Action::Submit, Draft),
            (Action::Submit, Returned),
            (Action::Approve, Submitted),
            (Action::Return, Submitted),
            (Action::Reopen, Approved),
        ] {
            let change = Change::of_move(action, from, Some("lý do")).unwrap();
            let (before, after) = change.states().unwrap();
            assert_eq!(before, from);
            assert_eq!(crate::workflow::move_between(before, after), Some(action));
        }
        assert_eq!(Change::of_move(Action::Return, Submitted, Some("  ")), None);
        assert_eq!(
            Change::of_move(Action::Approve, Submitted, None),
            Some(Change::Approved)
        );
    }
}
