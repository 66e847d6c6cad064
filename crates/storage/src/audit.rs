//! Reading the audit trail back into typed events ([`xhht_domain::audit`]).
//!
//! Rows written since migration 0005 carry their change as JSON in
//! `payload`, written by `Writer::audit`. Rows of earlier releases have no
//! payload: their action strings ("value.set", "report.state", …) and the
//! `element_code`/`old_value`/`new_value` columns are read by [`legacy`], the
//! only code that knows that format. They are never rewritten: the trail
//! stays as it was written.

use serde::Serialize;
use xhht_domain::audit::{Change, Event, Recorded};
use xhht_domain::narrative::NarrativeKind;
use xhht_domain::plan::ValueType;
use xhht_domain::workflow::ReportState;

use crate::read::{Reader, with_conn};
use crate::{Result, StorageError, Store, with_db};

/// The action of the previous release's sample marker (see `is_sample`).
pub(crate) const LEGACY_SAMPLE: &str = "sample.generate";

/// One stored event and its row id (the order of the trail).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditEvent {
    pub id: i64,
    pub event: Event,
}

#[derive(sqlx::FromRow)]
struct StoredRow {
    id: i64,
    at: String,
    actor: String,
    action: String,
    org_unit_code: Option<String>,
    year: Option<i32>,
    element_code: Option<String>,
    old_value: Option<String>,
    new_value: Option<String>,
    reason: Option<String>,
    payload: Option<String>,
    /// The element's type, for values recorded by earlier releases.
    value_type: Option<String>,
}

const SELECT: &str = "SELECT a.id, a.at, a.actor, a.action, a.org_unit_code, a.year, a.element_code, a.old_value, a.new_value, \
     a.reason, a.payload, d.value_type FROM audit_events a LEFT JOIN data_elements d ON d.code = a.element_code AND d.plan_id = a.plan_id";

/// [`SELECT`] with the actor's display name (`None` for an account gone or
/// an actor that is no account, such as the system), looked up row by row
/// by the unique username: a join let PostgreSQL hash every account for
/// each page (0.7-2 ms with 3,000 accounts, against 0.2 ms).
const SELECT_NAMED: &str = "SELECT a.id, a.at, a.actor, a.action, a.org_unit_code, a.year, a.element_code, a.old_value, \
     a.new_value, a.reason, a.payload, d.value_type, (SELECT u.display_name FROM users u WHERE u.username = a.actor) AS actor_name";
const FROM_NAMED: &str =
    "FROM audit_events a LEFT JOIN data_elements d ON d.code = a.element_code AND d.plan_id = a.plan_id";

/// How many events a report's trail holds (`$1` unit, `$2` year, `$3` plan).
const TRAIL_COUNT: &str =
    "SELECT COUNT(*) FROM audit_events c WHERE c.org_unit_code = $1 AND c.year = $2 AND c.plan_id = $3";

/// The actions that move a report through the workflow (`report.state`:
/// earlier releases' moves).
const MOVES: [&str; 5] = ["submitted", "approved", "returned", "reopened", "report.state"];

#[derive(sqlx::FromRow)]
struct NamedRow {
    #[sqlx(flatten)]
    row: StoredRow,
    actor_name: Option<String>,
    /// Events of the whole trail (the page's rows all carry it).
    total: i64,
}

/// A page of a report's history and what the report page shows beside it.
#[derive(Debug, Clone, PartialEq)]
pub struct TrailPage {
    /// Newest first.
    pub events: Vec<AuditEvent>,
    /// Events in the whole trail.
    pub total: i64,
    /// The latest workflow move, whatever page it is on.
    pub last_move: Option<AuditEvent>,
    /// Display names of the actors of `events` and `last_move` that are accounts.
    pub names: std::collections::HashMap<String, String>,
}

impl Store {
    /// The audit trail of one report, oldest first.
    pub async fn audit_events(&self, unit: &str, year: i32) -> Result<Vec<AuditEvent>> {
        let plan = self.plan_id().await?;
        let sql = format!("{SELECT} WHERE a.org_unit_code = $1 AND a.year = $2 AND a.plan_id = $3 ORDER BY a.id");
        let rows: Vec<StoredRow> = with_db!(&self.db, pool => {
            sqlx::query_as(&sql).bind(unit).bind(year).bind(plan).fetch_all(pool).await?
        });
        rows.into_iter().map(read).collect()
    }

    /// Page `offset..offset + limit` of a report's trail, newest first, with
    /// what the page shows beside it: the count rides on the page's rows (a
    /// subquery), the actors' names are looked up, and the latest
    /// workflow move (the page shows the comment of a return), when
    /// `last_move` asks for it, is read on its own only when the page cannot
    /// tell it: the first page holds it when it holds any move, and holds
    /// none when it holds the whole trail. (One `UNION ALL` of the two reads
    /// measured six times slower on SQLite.) Not asked: `None`, no read (a
    /// report's page needs it only while the report is returned, and a
    /// draft saved often has a long trail of saves to look through).
    pub async fn report_trail(
        &self,
        unit: &str,
        year: i32,
        offset: i64,
        limit: i64,
        last_move: bool,
    ) -> Result<TrailPage> {
        let mut reader = self.reader().await?;
        reader.report_trail(unit, year, offset, limit, last_move).await
    }
}

impl Reader {
    /// [`Store::report_trail`] on this reader's connection.
    pub async fn report_trail(
        &mut self,
        unit: &str,
        year: i32,
        offset: i64,
        limit: i64,
        last_move: bool,
    ) -> Result<TrailPage> {
        let plan = self.plan;
        // The count as a subquery of its own, not `COUNT(*) OVER ()`: the
        // window made PostgreSQL look up every event of the report before
        // keeping a page of them.
        let page_sql = format!(
            "{SELECT_NAMED}, ({TRAIL_COUNT}) AS total {FROM_NAMED} \
             WHERE a.org_unit_code = $1 AND a.year = $2 AND a.plan_id = $3 ORDER BY a.id DESC LIMIT $4 OFFSET $5"
        );
        let rows: Vec<NamedRow> = with_conn!(&mut self.conn, c => {
            sqlx::query_as(&page_sql).bind(unit).bind(year).bind(plan).bind(limit).bind(offset).fetch_all(c).await?
        });
        // Past the last page no row carries the count: ask for it alone.
        let total = match rows.first() {
            Some(r) => r.total,
            None if offset == 0 => 0,
            None => self.trail_len(unit, year).await?,
        };
        // The first page holds the newest move if it holds any, and shows
        // there is none when it holds the whole trail; else it is read apart.
        let on_page = rows
            .iter()
            .position(|r| MOVES.contains(&r.row.action.as_str()))
            .filter(|_| offset == 0 && last_move);
        let whole_trail = offset == 0 && rows.len() as i64 == total;
        let apart = match on_page {
            None if last_move && !whole_trail => self.last_move(unit, year).await?,
            _ => None,
        };
        let mut names = std::collections::HashMap::new();
        let mut read_named = |r: NamedRow| {
            if let Some(name) = r.actor_name {
                names.insert(r.row.actor.clone(), name);
            }
            read(r.row)
        };
        let events: Vec<AuditEvent> = rows.into_iter().map(&mut read_named).collect::<Result<_>>()?;
        let last_move = match on_page {
            Some(i) => Some(events[i].clone()),
            None => apart.map(read_named).transpose()?,
        };
        Ok(TrailPage {
            events,
            total,
            last_move,
            names,
        })
    }

    /// The latest workflow move of a report, with its actor's name.
    async fn last_move(&mut self, unit: &str, year: i32) -> Result<Option<NamedRow>> {
        let moves = MOVES.map(|m| format!("'{m}'")).join(", ");
        let sql = format!(
            "{SELECT_NAMED}, CAST(0 AS BIGINT) AS total {FROM_NAMED} WHERE a.org_unit_code = $1 AND a.year = $2 AND a.plan_id = $3 \
             AND a.action IN ({moves}) ORDER BY a.id DESC LIMIT 1"
        );
        Ok(with_conn!(&mut self.conn, c => {
            sqlx::query_as(&sql).bind(unit).bind(year).bind(self.plan).fetch_optional(c).await?
        }))
    }

    async fn trail_len(&mut self, unit: &str, year: i32) -> Result<i64> {
        let (n,): (i64,) = with_conn!(&mut self.conn, c => {
            sqlx::query_as(TRAIL_COUNT).bind(unit).bind(year).bind(self.plan).fetch_one(c).await?
        });
        Ok(n)
    }
}

impl Store {
    /// The whole trail, oldest first (for checks over every event).
    pub async fn audit_trail(&self) -> Result<Vec<AuditEvent>> {
        let sql = format!("{SELECT} ORDER BY a.id");
        let rows: Vec<StoredRow> = with_db!(&self.db, pool => {
            sqlx::query_as(&sql).fetch_all(pool).await?
        });
        rows.into_iter().map(read).collect()
    }
}

/// The typed event of a row read for the chain check (`value_type`: the
/// element's type, for values recorded by earlier releases).
pub(crate) fn event_of(row: &xhht_domain::audit::chain::ChainRow, value_type: Option<String>) -> Result<AuditEvent> {
    read(StoredRow {
        id: row.id,
        at: row.at.clone(),
        actor: row.actor.clone(),
        action: row.action.clone(),
        org_unit_code: row.unit.clone(),
        year: row.year,
        element_code: row.element.clone(),
        old_value: row.old_value.clone(),
        new_value: row.new_value.clone(),
        reason: row.reason.clone(),
        payload: row.payload.clone(),
        value_type,
    })
}

fn read(row: StoredRow) -> Result<AuditEvent> {
    let (change, note) = match &row.payload {
        Some(json) => {
            let change: Change = serde_json::from_str(json)
                .map_err(|e| StorageError::Corrupt(format!("audit event {}: {e}", row.id)))?;
            (change, row.reason.clone())
        }
        None => legacy(&row),
    };
    Ok(AuditEvent {
        id: row.id,
        event: Event {
            at: row.at,
            actor: row.actor,
            unit: row.org_unit_code,
            year: row.year,
            note,
            change,
        },
    })
}

/// An event of a release before typed events, as a typed change and its
/// note. A reason that the typed change carries moves out of the note.
fn legacy(row: &StoredRow) -> (Change, Option<String>) {
    let note = row.reason.clone();
    let unrecognised = || Change::Unrecognised {
        action: row.action.clone(),
        element: row.element_code.clone(),
        old: row.old_value.clone(),
        new: row.new_value.clone(),
    };
    let (old, new) = (row.old_value.as_deref(), row.new_value.as_deref());
    let username = || old.unwrap_or_default().to_string();
    let change = match row.action.as_str() {
        "value.set" => match &row.element_code {
            Some(element) => {
                let numeric = row
                    .value_type
                    .as_deref()
                    .and_then(ValueType::parse)
                    .map(ValueType::is_numeric);
                Change::ValueSet {
                    element: element.clone(),
                    old: old.map(|v| legacy_value(v, numeric)),
                    new: new.map(|v| legacy_value(v, numeric)),
                }
            }
            None => unrecognised(),
        },
        "narrative.set" => match legacy_narrative_key(row.element_code.as_deref().unwrap_or_default()) {
            Some((task_group, narrative)) => Change::NarrativeSet {
                task_group,
                narrative,
                old: old.map(String::from),
                new: new.unwrap_or_default().to_string(),
            },
            None => unrecognised(),
        },
        "explanation.set" => Change::ExplanationSet {
            old: old.map(String::from),
            new: new.unwrap_or_default().to_string(),
        },
        "report.state" => {
            let states = (old.and_then(ReportState::parse), new.and_then(ReportState::parse));
            let reason = note.clone().unwrap_or_default();
            let change = match states {
                (Some(from @ (ReportState::Draft | ReportState::Returned)), Some(ReportState::Submitted)) => {
                    Change::Submitted { from }
                }
                (Some(ReportState::Submitted), Some(ReportState::Approved)) => Change::Approved,
                (Some(ReportState::Submitted), Some(ReportState::Returned)) => Change::Returned { reason },
                (Some(ReportState::Approved), Some(ReportState::Returned)) => Change::Reopened { reason },
                _ => unrecognised(),
            };
            return without_moved_reason(change, note);
        }
        "deadline.extend" => match new.and_then(|d| d.parse().ok()) {
            Some(due) => {
                let change = Change::DeadlineExtended {
                    old: old.and_then(|d| d.parse().ok()),
                    due,
                    reason: note.clone().unwrap_or_default(),
                };
                return without_moved_reason(change, note);
            }
            None => unrecognised(),
        },
        // new_value: "username (role)"
        "user.create" => {
            let parsed = new.and_then(|v| v.strip_suffix(')')).and_then(|v| v.rsplit_once(" ("));
            match parsed.and_then(|(u, r)| Some((u, xhht_domain::access::Role::parse(r)?))) {
                Some((username, role)) => Change::UserCreated {
                    username: username.to_string(),
                    role,
                },
                None => unrecognised(),
            }
        }
        "user.password" => Change::PasswordReset { username: username() },
        "user.disable" => match new {
            Some("disabled") => Change::UserDisabled { username: username() },
            Some("enabled") => Change::UserEnabled { username: username() },
            _ => unrecognised(),
        },
        // new_value: "number (code)"
        "plan.install" => match new.and_then(|v| v.strip_suffix(')')).and_then(|v| v.rsplit_once(" (")) {
            Some((number, code)) => Change::PlanInstalled {
                code: code.to_string(),
                number: number.to_string(),
            },
            None => unrecognised(),
        },
        LEGACY_SAMPLE => Change::SampleGenerated,
        // new_value: "N values of M units"
        "values.import" => {
            let words: Vec<&str> = new.unwrap_or_default().split(' ').collect();
            match words.as_slice() {
                [n, "values", "of", m, "units"] => match (n.parse(), m.parse()) {
                    (Ok(values), Ok(units)) => Change::ValuesImported { values, units },
                    _ => unrecognised(),
                },
                _ => unrecognised(),
            }
        }
        _ => unrecognised(),
    };
    (change, note)
}

/// A change that took the row's reason as its own leaves no note.
fn without_moved_reason(change: Change, note: Option<String>) -> (Change, Option<String>) {
    if change.reason().is_some() {
        (change, None)
    } else {
        (change, note)
    }
}

/// A value as the previous release wrote it (`f64::to_string` or the text),
/// read by the element's type; for an element no longer known, a number if
/// it reads as one.
fn legacy_value(raw: &str, numeric: Option<bool>) -> Recorded {
    let number = raw.parse::<f64>().ok().filter(|n| n.is_finite());
    match (numeric, number) {
        (Some(true) | None, Some(n)) => Recorded::Number(n),
        _ => Recorded::Text(raw.to_string()),
    }
}

/// "narrative:1:results" → (1, Results).
fn legacy_narrative_key(key: &str) -> Option<(i64, NarrativeKind)> {
    let mut parts = key.split(':');
    let (Some("narrative"), Some(group), Some(kind), None) = (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return None;
    };
    Some((group.parse().ok()?, NarrativeKind::parse(kind)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(
        action: &str,
        element: Option<&str>,
        old: Option<&str>,
        new: Option<&str>,
        reason: Option<&str>,
    ) -> StoredRow {
        StoredRow {
            id: 1,
            at: "2026-01-01T00:00:00.000Z".into(),
            actor: "x".into(),
            action: action.into(),
            org_unit_code: Some("00001".into()),
            year: Some(2026),
            element_code: element.map(String::from),
            old_value: old.map(String::from),
            new_value: new.map(String::from),
            reason: reason.map(String::from),
            payload: None,
            value_type: None,
        }
    }

    #[test]
    fn every_action_of_the_previous_release_reads_typed() {
        use xhht_domain::access::Role;
        let cases = [
            (
                row(
                    "narrative.set",
                    Some("narrative:2:proposals"),
                    None,
                    Some("Đề nghị"),
                    None,
                ),
                Change::NarrativeSet {
                    task_group: 2,
                    narrative: NarrativeKind::Proposals,
                    old: None,
                    new: "Đề nghị".into(),
                },
            ),
            (
                row(
                    "report.state",
                    None,
                    Some("approved"),
                    Some("returned"),
                    Some("Bổ sung"),
                ),
                Change::Reopened {
                    reason: "Bổ sung".into(),
                },
            ),
            (
                row("report.state", None, Some("returned"), Some("submitted"), None),
                Change::Submitted {
                    from: ReportState::Returned,
                },
            ),
            (
                row("user.create", None, None, Some("phuc-xa (reporter)"), None),
                Change::UserCreated {
                    username: "phuc-xa".into(),
                    role: Role::Reporter,
                },
            ),
            (
                row("user.disable", None, Some("a"), Some("enabled"), None),
                Change::UserEnabled { username: "a".into() },
            ),
            (
                row("plan.install", None, None, Some("56/KH-UBND (ba-dinh-56-2022)"), None),
                Change::PlanInstalled {
                    code: "ba-dinh-56-2022".into(),
                    number: "56/KH-UBND".into(),
                },
            ),
            (
                row("values.import", None, None, Some("120 values of 14 units"), None),
                Change::ValuesImported { values: 120, units: 14 },
            ),
            (
                row("sample.generate", None, None, None, Some("mẫu")),
                Change::SampleGenerated,
            ),
        ];
        for (r, want) in cases {
            assert_eq!(legacy(&r).0, want, "{}", r.action);
        }
        let (reopened, note) = legacy(&row(
            "report.state",
            None,
            Some("approved"),
            Some("returned"),
            Some("Bổ sung"),
        ));
        assert_eq!(
            (reopened.reason(), note),
            (Some("Bổ sung"), None),
            "the reason moves into the change"
        );
    }

    #[test]
    fn legacy_values_follow_the_element_type() {
        let mut r = row("value.set", Some("note"), Some("2023"), None, None);
        r.value_type = Some("text".into());
        let Change::ValueSet { old, .. } = legacy(&r).0 else {
            panic!()
        };
        assert_eq!(
            old,
            Some(Recorded::Text("2023".into())),
            "a text that looks like a number stays text"
        );
        r.value_type = Some("count".into());
        let Change::ValueSet { old, .. } = legacy(&r).0 else {
            panic!()
        };
        assert_eq!(old, Some(Recorded::Number(2023.0)));
    }

    #[test]
    fn what_cannot_be_read_is_kept_unrecognised() {
        let r = row("narrative.set", Some("narrative:x"), None, Some("t"), None);
        assert!(matches!(legacy(&r).0, Change::Unrecognised { .. }));
        let r = row("something.else", None, Some("a"), Some("b"), None);
        assert_eq!(
            legacy(&r).0,
            Change::Unrecognised {
                action: "something.else".into(),
                element: None,
                old: Some("a".into()),
                new: Some("b".into()),
            }
        );
    }
}
