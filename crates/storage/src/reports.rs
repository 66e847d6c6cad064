//! Yearly reports: their values, their state, and the audit trail.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use serde::Serialize;
use xhht_domain::audit::{Change, Recorded};
use xhht_domain::narrative::NarrativeKind;
use xhht_domain::plan::Plan;
use xhht_domain::values::{DataValue, UnitValues, YearValues};
use xhht_domain::workflow::{self, Refusal, ReportState};

use crate::read::{Reader, with_conn};
use crate::write::{Writer, args};
use crate::{Conflict, Missing, Result, StorageError, Store, with_db};

/// Who makes a change, when, and why: carried by every write and copied into
/// its audit event.
#[derive(Debug, Clone)]
pub struct Stamp {
    pub actor: String,
    pub at: DateTime<Utc>,
    pub reason: Option<String>,
}

impl Stamp {
    pub fn now(actor: impl Into<String>) -> Self {
        Self {
            actor: actor.into(),
            at: Utc::now(),
            reason: None,
        }
    }

    pub fn with_reason(mut self, reason: impl Into<String>) -> Self {
        self.reason = Some(reason.into());
        self
    }

    pub(crate) fn at_text(&self) -> String {
        self.at.to_rfc3339_opts(SecondsFormat::Millis, true)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportRow {
    pub org_unit: String,
    pub year: i32,
    pub state: ReportState,
    pub submitted_at: Option<String>,
    pub first_submitted_at: Option<String>,
    pub approved_at: Option<String>,
    pub explanation: Option<String>,
}

/// What one save of a form changes.
#[derive(Debug, Clone, Default)]
pub struct FormChanges {
    pub values: Vec<(String, Option<DataValue>)>,
    /// ((task group number, kind), text).
    pub narratives: Vec<((i64, NarrativeKind), String)>,
    pub explanation: Option<String>,
}

type ValueRow = (String, String, Option<f64>, Option<String>);

/// Where a report's working values are read from, by its state: its own
/// copy, or while it is approved, the approved copy. The two are equal
/// then (an approval copies the working values, and an approved report
/// cannot be edited), and a bulk import of approved years writes only the
/// approved copy; reopening a report copies what its working copy lacks
/// back from it ([`MATERIALIZE`]). Both tables have the columns read.
fn working_table(state: Option<ReportState>) -> &'static str {
    match state {
        Some(ReportState::Approved) => "approved_values",
        _ => "data_values",
    }
}

/// The working values of one report as [`ValueRow`]s ($1 unit, $2 year,
/// $3 plan), read from [`working_table`].
fn working_rows(state: Option<ReportState>) -> String {
    format!(
        "SELECT org_unit_code, element_code, value_num, value_text FROM {} WHERE org_unit_code = $1 AND year = $2 AND plan_id = $3",
        working_table(state)
    )
}

/// On reopening an approved report: its working copy gets every approved
/// value it lacks ($1 unit, $2 year, $3 plan). A report approved here
/// lacks none; one imported as approved has no working copy yet.
const MATERIALIZE: &str = "INSERT INTO data_values (org_unit_code, element_code, year, value_num, value_text, updated_at, updated_by, plan_id) \
     SELECT a.org_unit_code, a.element_code, a.year, a.value_num, a.value_text, a.approved_at, a.approved_by, a.plan_id \
     FROM approved_values a WHERE a.org_unit_code = $1 AND a.year = $2 AND a.plan_id = $3 \
     AND NOT EXISTS (SELECT 1 FROM data_values d WHERE d.plan_id = a.plan_id AND d.org_unit_code = a.org_unit_code \
     AND d.element_code = a.element_code AND d.year = a.year)";

/// A form's values as read before its save's turn: see `Store::values_seen`.
struct Seen {
    /// The report's revision then; `None`: there was no report.
    revision: Option<i64>,
    values: HashMap<String, (Option<f64>, Option<String>)>,
}

/// Elements per read of a report's values: well under either database's
/// limit of bound parameters.
const VALUES_PER_READ: usize = 500;

/// `$4, $5, …`: the placeholders of `n` element codes bound after the
/// unit, year and plan of a read of one report's values.
fn element_list(n: usize) -> String {
    (0..n).map(|i| format!("${}", i + 4)).collect::<Vec<_>>().join(", ")
}

/// The stored values of `unit`'s report of `year` among `sent`'s elements.
async fn current_values(
    w: &mut Writer,
    unit: &str,
    year: i32,
    sent: &[(String, Option<DataValue>)],
) -> Result<HashMap<String, (Option<f64>, Option<String>)>> {
    let mut current = HashMap::new();
    for chunk in sent.chunks(VALUES_PER_READ) {
        let sql = format!(
            "SELECT org_unit_code, element_code, value_num, value_text FROM data_values \
             WHERE org_unit_code = $1 AND year = $2 AND plan_id = $3 AND element_code IN ({})",
            element_list(chunk.len())
        );
        let mut a = args![unit, year, w.plan];
        a.extend(chunk.iter().map(|(e, _)| crate::write::Arg::from(e.as_str())));
        let rows = w.fetch_all::<ValueRow>(&sql, a).await?;
        current.extend(rows.into_iter().map(|(_, element, num, text)| (element, (num, text))));
    }
    Ok(current)
}

/// `data_values` as a save writes it, and its key.
const VALUE_KEY: [&str; 4] = ["plan_id", "org_unit_code", "element_code", "year"];
const VALUE_COLUMNS: [&str; 8] = [
    "org_unit_code",
    "element_code",
    "year",
    "value_num",
    "value_text",
    "updated_at",
    "updated_by",
    "plan_id",
];

/// `narratives` as a save writes it, and its key.
const NARRATIVE_KEY: [&str; 5] = ["plan_id", "org_unit_code", "year", "task_group", "kind"];
const NARRATIVE_COLUMNS: [&str; 8] = [
    "org_unit_code",
    "year",
    "task_group",
    "kind",
    "body",
    "updated_at",
    "updated_by",
    "plan_id",
];

/// The two value columns as the audit trail records them.
pub(crate) fn recorded(columns: &(Option<f64>, Option<String>)) -> Option<Recorded> {
    match columns {
        (Some(n), _) => Some(Recorded::Number(*n)),
        (None, Some(t)) => Some(Recorded::Text(t.clone())),
        (None, None) => None,
    }
}

/// A stored report state (only this code writes them).
pub(crate) fn stored_state(s: &str) -> Result<ReportState> {
    ReportState::parse(s).ok_or_else(|| StorageError::Corrupt(format!("report state “{s}”")))
}

impl Store {
    /// Saves changed values of a unit's report (creating the report as a
    /// draft if needed). `None` clears a value; nothing is deleted.
    pub async fn save_values(
        &self,
        stamp: &Stamp,
        unit: &str,
        year: i32,
        changes: &[(String, Option<DataValue>)],
    ) -> Result<usize> {
        let form = FormChanges {
            values: changes.to_vec(),
            ..FormChanges::default()
        };
        self.save_form(stamp, unit, year, &form).await
    }

    /// Saves a form: values, narratives and the warnings' explanation.
    /// Refused with [`Conflict::NotEditable`] unless the report is a draft or
    /// returned. One locked write: the report row (created as a draft if
    /// needed) is locked before its state is read, then the changes, the
    /// report's timestamp and one audit event per changed item.
    /// Returns how many items changed.
    ///
    /// Runs on the write thread (`write::thread`): the save is what a rush
    /// of reporters queues for, so its turn is held as briefly as the
    /// database allows. A caller dropped meanwhile does not cut it short.
    pub async fn save_form(&self, stamp: &Stamp, unit: &str, year: i32, form: &FormChanges) -> Result<usize> {
        let (store, stamp, unit, form) = (self.clone(), stamp.clone(), unit.to_string(), form.clone());
        // A task of its own, so a caller dropped during the early read
        // does not cut the save short either.
        let save = tokio::spawn(async move {
            let seen = store.values_seen(&unit, year, &form.values).await?;
            crate::write::thread::run(async move { store.save_form_here(&stamp, &unit, year, &form, seen).await }).await
        });
        save.await
            .map_err(|e| StorageError::GroupCommit(format!("lưu biểu mẫu: {e}")))?
    }

    /// What the report holds of the values a form sends, read before the
    /// save takes its turn (no lock, the readers' pool), with the report's
    /// revision then: `None` without a report. No values sent, or too many
    /// for one read: nothing (the save reads them, if any, under its turn).
    async fn values_seen(&self, unit: &str, year: i32, sent: &[(String, Option<DataValue>)]) -> Result<Option<Seen>> {
        if sent.is_empty() || sent.len() > VALUES_PER_READ {
            return Ok(None);
        }
        let plan_id = self.plan_id().await?;
        let sql = format!(
            "SELECT r.revision, d.element_code, d.value_num, d.value_text FROM reports r \
             LEFT JOIN data_values d ON d.plan_id = r.plan_id AND d.org_unit_code = r.org_unit_code AND d.year = r.year \
             AND d.element_code IN ({}) \
             WHERE r.org_unit_code = $1 AND r.year = $2 AND r.plan_id = $3",
            element_list(sent.len())
        );
        type SeenRow = (i64, Option<String>, Option<f64>, Option<String>);
        let rows: Vec<SeenRow> = with_db!(&self.db, pool => {
            let mut q = sqlx::query_as(&sql).bind(unit).bind(year).bind(plan_id);
            for (e, _) in sent {
                q = q.bind(e.as_str());
            }
            q.fetch_all(pool).await?
        });
        let mut seen = Seen {
            revision: None,
            values: HashMap::new(),
        };
        for (revision, element, num, text) in rows {
            seen.revision = Some(revision);
            if let Some(e) = element {
                seen.values.insert(e, (num, text));
            }
        }
        Ok(Some(seen))
    }

    /// [`Store::save_form`] on the task that calls it.
    async fn save_form_here(
        &self,
        stamp: &Stamp,
        unit: &str,
        year: i32,
        form: &FormChanges,
        seen: Option<Seen>,
    ) -> Result<usize> {
        let at = stamp.at_text();
        let mut w = self.begin_write().await?;
        // The report, created as a draft if it is not there yet and stamped
        // with this save and a new revision, and its state, in one
        // statement: the update also locks the row on PostgreSQL until
        // commit, as `FOR UPDATE` would. A save refused below rolls the
        // stamp back with the rest.
        let (state, old_explanation, revision): (String, Option<String>, i64) = w
            .fetch_one(
                "INSERT INTO reports (org_unit_code, year, state, updated_at, updated_by, plan_id, revision) VALUES ($1, $2, 'draft', $3, $4, $5, 1) \
                 ON CONFLICT (plan_id, org_unit_code, year) DO UPDATE SET updated_at = excluded.updated_at, updated_by = excluded.updated_by, \
                 revision = reports.revision + 1 \
                 RETURNING state, explanation, revision",
                args![unit, year, &at, &stamp.actor, w.plan],
            )
            .await?;
        let state = stored_state(&state)?;
        if !state.is_editable() {
            return Err(Conflict::NotEditable { state }.into());
        }
        // What the report holds now of what the form sends: as read before
        // the turn when no write came between (the revision moved by this
        // save only), else read again under the lock. One trip fewer while
        // every save waits for the one before.
        let current = match seen {
            Some(seen) if seen.revision.unwrap_or(0) + 1 == revision => seen.values,
            _ => current_values(&mut w, unit, year, &form.values).await?,
        };
        let written: HashMap<(i32, String), String> = if form.narratives.is_empty() {
            HashMap::new()
        } else {
            w.fetch_all::<(i32, String, String)>(
                "SELECT task_group, kind, body FROM narratives WHERE org_unit_code = $1 AND year = $2 AND plan_id = $3",
                args![unit, year, w.plan],
            )
            .await?
            .into_iter()
            .map(|(group, kind, body)| ((group, kind), body))
            .collect()
        };
        // Then every change in one statement per table, and their events in one.
        let mut changes = Vec::new();
        let mut values = Vec::new();
        for (element, value) in &form.values {
            let new = value.as_ref().map(DataValue::to_columns).unwrap_or((None, None));
            let old = current.get(element).cloned().unwrap_or((None, None));
            if old == new {
                continue;
            }
            values.push(args![unit, element, year, new.0, &new.1, &at, &stamp.actor, w.plan]);
            changes.push(Change::ValueSet {
                element: element.clone(),
                old: recorded(&old),
                new: recorded(&new),
            });
        }
        let mut narratives = Vec::new();
        for ((group, kind), body) in &form.narratives {
            let old = i32::try_from(*group)
                .ok()
                .and_then(|g| written.get(&(g, kind.as_str().to_string())))
                .cloned();
            if old.as_deref().unwrap_or("") == body.as_str() {
                continue;
            }
            narratives.push(args![
                unit,
                year,
                *group,
                kind.as_str(),
                body,
                &at,
                &stamp.actor,
                w.plan
            ]);
            changes.push(Change::NarrativeSet {
                task_group: *group,
                narrative: *kind,
                old,
                new: body.clone(),
            });
        }
        w.upsert_rows("data_values", &VALUE_COLUMNS, &VALUE_KEY, values).await?;
        w.upsert_rows("narratives", &NARRATIVE_COLUMNS, &NARRATIVE_KEY, narratives)
            .await?;
        if let Some(explanation) = &form.explanation
            && old_explanation.as_deref().unwrap_or("") != explanation.as_str()
        {
            w.execute(
                "UPDATE reports SET explanation = $1 WHERE org_unit_code = $2 AND year = $3 AND plan_id = $4",
                args![explanation, unit, year, w.plan],
            )
            .await?;
            changes.push(Change::ExplanationSet {
                old: old_explanation,
                new: explanation.clone(),
            });
        }
        let changed = changes.len();
        w.audit_all(stamp, Some(unit), Some(year), &changes).await?;
        w.commit().await?;
        Ok(changed)
    }

    /// Moves a report to `to`, checking it is currently in one of `from`.
    pub async fn change_state(
        &self,
        stamp: &Stamp,
        plan: &Plan,
        unit: &str,
        year: i32,
        from: &[ReportState],
        to: ReportState,
    ) -> Result<()> {
        let decide = |state: ReportState, _: &UnitValues| {
            if from.contains(&state) {
                Ok(to)
            } else {
                Err(Refusal::WrongState)
            }
        };
        self.transition(stamp, plan, unit, year, decide).await.map(|_| ())
    }

    /// Moves a report through the workflow, as one locked write: locks the
    /// report's row and reads its state and working values, asks `decide`
    /// (the domain's state machine and validation) for the next state, writes
    /// it with its audit event, and on approval copies the values into the
    /// official figures and updates the indicator roll-ups of every area
    /// above the unit by the difference, so every page shows the approval at
    /// the next read.
    ///
    /// A report no longer in a state where the move applies (another person
    /// acted first) gives [`Conflict::WrongState`]; other refusals
    /// [`StorageError::Refused`].
    pub async fn transition<F>(
        &self,
        stamp: &Stamp,
        plan: &Plan,
        unit: &str,
        year: i32,
        decide: F,
    ) -> Result<ReportState>
    where
        F: FnOnce(ReportState, &UnitValues) -> std::result::Result<ReportState, Refusal>,
    {
        let at = stamp.at_text();
        let mut w = self.begin_write().await?;
        let sql = format!(
            "SELECT state FROM reports WHERE org_unit_code = $1 AND year = $2 AND plan_id = $3{}",
            w.for_update()
        );
        let Some((state,)) = w.fetch_optional::<(String,)>(&sql, args![unit, year, w.plan]).await? else {
            return Err(Missing::Report {
                unit: unit.to_string(),
                year,
            }
            .into());
        };
        let state = stored_state(&state)?;
        let rows: Vec<ValueRow> = w
            .fetch_all(&working_rows(Some(state)), args![unit, year, w.plan])
            .await?;
        let values = to_year_values(plan, rows).units.remove(unit).unwrap_or_default();
        let wrong_state = || StorageError::from(Conflict::WrongState { found: state });
        let to = decide(state, &values).map_err(|r| match r {
            Refusal::WrongState => wrong_state(),
            r => StorageError::Refused(r),
        })?;
        let action = workflow::move_between(state, to).ok_or_else(wrong_state)?;
        let change = Change::of_move(action, state, stamp.reason.as_deref())
            .ok_or(StorageError::Refused(Refusal::MissingReason))?;
        let extra = match to {
            ReportState::Submitted => ", submitted_at = $2, first_submitted_at = COALESCE(first_submitted_at, $2)",
            ReportState::Approved => ", approved_at = $2",
            _ => "",
        };
        let sql = format!(
            "UPDATE reports SET state = $1, updated_at = $2, updated_by = $3, revision = revision + 1{extra} WHERE org_unit_code = $4 AND year = $5 AND plan_id = $6"
        );
        w.execute(&sql, args![to.as_str(), &at, &stamp.actor, unit, year, w.plan])
            .await?;
        if state == ReportState::Approved {
            // Leaving approval (a reopening): from now on the working copy
            // is read, and edited, on its own.
            w.execute(MATERIALIZE, args![unit, year, w.plan]).await?;
        }
        if to == ReportState::Approved {
            approve(&mut w, stamp, plan, unit, year, &values).await?;
        }
        w.audit(stamp, Some(unit), Some(year), &change).await?;
        w.commit().await?;
        Ok(to)
    }

    /// Narratives of one report: ((task group, kind), text).
    pub async fn narratives(&self, unit: &str, year: i32) -> Result<Vec<((i64, NarrativeKind), String)>> {
        let plan = self.plan_id().await?;
        let rows: Vec<(i32, String, String)> = with_db!(&self.db, pool => {
            sqlx::query_as("SELECT task_group, kind, body FROM narratives WHERE org_unit_code = $1 AND year = $2 AND plan_id = $3 ORDER BY task_group, kind")
                .bind(unit).bind(year).bind(plan).fetch_all(pool).await?
        });
        rows.into_iter().map(|(g, k, b)| narrative(g, &k, b)).collect()
    }

    /// Gives one unit its own deadline for a year (audited). Locks the unit's
    /// row, so two extensions at once are recorded one after the other.
    pub async fn extend_deadline(
        &self,
        stamp: &Stamp,
        unit: &str,
        year: i32,
        due: NaiveDate,
        reason: &str,
    ) -> Result<()> {
        let mut w = self.begin_write().await?;
        let sql = format!(
            "SELECT code FROM org_units WHERE code = $1 AND plan_id = $2{}",
            w.for_update()
        );
        if w.fetch_optional::<(String,)>(&sql, args![unit, w.plan])
            .await?
            .is_none()
        {
            return Err(Missing::Unit { code: unit.to_string() }.into());
        }
        // An approved report needs no more time; read under the report's own
        // lock, so an approval racing this extension is seen, never skipped.
        let sql = format!(
            "SELECT state FROM reports WHERE org_unit_code = $1 AND year = $2 AND plan_id = $3{}",
            w.for_update()
        );
        if let Some((state,)) = w.fetch_optional::<(String,)>(&sql, args![unit, year, w.plan]).await?
            && stored_state(&state)? == ReportState::Approved
        {
            return Err(Conflict::WrongState {
                found: ReportState::Approved,
            }
            .into());
        }
        let old: Option<(String,)> = w
            .fetch_optional(
                "SELECT due_date FROM deadline_extensions WHERE org_unit_code = $1 AND year = $2 AND plan_id = $3",
                args![unit, year, w.plan],
            )
            .await?;
        w.execute(
            "INSERT INTO deadline_extensions (org_unit_code, year, due_date, granted_by, granted_at, reason, plan_id) VALUES ($1, $2, $3, $4, $5, $6, $7) \
             ON CONFLICT (plan_id, org_unit_code, year) DO UPDATE SET due_date = excluded.due_date, granted_by = excluded.granted_by, granted_at = excluded.granted_at, reason = excluded.reason",
            args![unit, year, due.to_string(), &stamp.actor, stamp.at_text(), reason, w.plan],
        )
        .await?;
        let change = Change::DeadlineExtended {
            old: old.and_then(|(d,)| d.parse().ok()),
            due,
            reason: reason.to_string(),
        };
        w.audit(stamp, Some(unit), Some(year), &change).await?;
        w.commit().await
    }

    /// Units' own deadlines for `year`.
    pub async fn deadline_extensions(&self, year: i32) -> Result<HashMap<String, NaiveDate>> {
        let plan = self.plan_id().await?;
        let rows: Vec<(String, String)> = with_db!(&self.db, pool => {
            sqlx::query_as("SELECT org_unit_code, due_date FROM deadline_extensions WHERE year = $1 AND plan_id = $2").bind(year).bind(plan).fetch_all(pool).await?
        });
        Ok(rows
            .into_iter()
            .filter_map(|(u, d)| Some((u, d.parse().ok()?)))
            .collect())
    }

    /// One unit's report of `year` and its own deadline, if extended, in
    /// one query (the reminders show both).
    pub async fn report_with_extension(&self, unit: &str, year: i32) -> Result<(Option<ReportRow>, Option<NaiveDate>)> {
        let plan = self.plan_id().await?;
        let sql = format!("{HEAD_SELECT} {HEAD_FROM}");
        let r: HeadRow = with_db!(&self.db, pool => {
            sqlx::query_as(&sql).bind(unit).bind(year).bind(plan).fetch_one(pool).await?
        });
        Ok(r.read(unit, year))
    }

    /// What a report page shows above and beside the figures, in one query:
    /// the report of `year`, the unit's own deadline and the narratives.
    pub async fn report_sheet(&self, unit: &str, year: i32) -> Result<ReportSheet> {
        self.reader().await?.report_sheet(unit, year).await
    }

    /// What a unit's form shows of its values, in one query: the working
    /// values of `year` (drafts included) and the approved ones of the year
    /// before (the comparisons' baseline). `state`: the report's, as the
    /// page just read it (see [`working_table`]; both copies stay valid
    /// while it moves, so a move in between changes nothing read).
    pub async fn form_values(
        &self,
        plan: &Plan,
        unit: &str,
        year: i32,
        state: Option<ReportState>,
    ) -> Result<(UnitValues, UnitValues)> {
        self.reader().await?.form_values(plan, unit, year, state).await
    }
}

impl Reader {
    /// [`Store::report_sheet`] on this reader's connection.
    pub async fn report_sheet(&mut self, unit: &str, year: i32) -> Result<ReportSheet> {
        let plan = self.plan;
        #[derive(sqlx::FromRow)]
        struct Row {
            #[sqlx(flatten)]
            head: HeadRow,
            task_group: Option<i32>,
            kind: Option<String>,
            body: Option<String>,
        }
        // One row per narrative (or one with none): the head repeats on each.
        let sql = format!(
            "{HEAD_SELECT}, n.task_group, n.kind, n.body {HEAD_FROM} \
             LEFT JOIN narratives n ON n.org_unit_code = $1 AND n.year = $2 AND n.plan_id = $3 ORDER BY n.task_group, n.kind"
        );
        let rows: Vec<Row> = with_conn!(&mut self.conn, c => {
            sqlx::query_as(&sql).bind(unit).bind(year).bind(plan).fetch_all(c).await?
        });
        let mut narratives = Vec::new();
        let mut head = None;
        for row in rows {
            if let (Some(g), Some(k), Some(b)) = (row.task_group, row.kind, row.body) {
                narratives.push(narrative(g, &k, b)?);
            }
            head.get_or_insert(row.head);
        }
        let (report, extension) = head.map(|h| h.read(unit, year)).unwrap_or_default();
        Ok(ReportSheet {
            report,
            extension,
            narratives,
        })
    }

    /// [`Store::form_values`] on this reader's connection.
    pub async fn form_values(
        &mut self,
        plan: &Plan,
        unit: &str,
        year: i32,
        state: Option<ReportState>,
    ) -> Result<(UnitValues, UnitValues)> {
        let plan_id = self.plan;
        /// Which copy (0 working, 1 approved), then a [`ValueRow`].
        type CopyRow = (i32, String, String, Option<f64>, Option<String>);
        // The key's order keeps SQLite on the key (plan, unit, …): without
        // it, it read the whole year through (plan, year).
        let sql = format!(
            "SELECT 0 AS copy, org_unit_code, element_code, value_num, value_text FROM {} \
             WHERE org_unit_code = $1 AND year = $2 AND plan_id = $3 \
             UNION ALL SELECT * FROM (SELECT 1, org_unit_code, element_code, value_num, value_text FROM approved_values \
             WHERE org_unit_code = $1 AND year = $4 AND plan_id = $3 ORDER BY org_unit_code, element_code) AS last_year",
            working_table(state)
        );
        let rows: Vec<CopyRow> = with_conn!(&mut self.conn, c => {
            sqlx::query_as(&sql).bind(unit).bind(year).bind(plan_id).bind(year - 1).fetch_all(c).await?
        });
        let (mut working, mut approved) = (Vec::new(), Vec::new());
        for (copy, u, e, num, text) in rows {
            let to = if copy == 0 { &mut working } else { &mut approved };
            to.push((u, e, num, text));
        }
        let one = |rows| to_year_values(plan, rows).units.remove(unit).unwrap_or_default();
        Ok((one(working), one(approved)))
    }
}

impl Store {
    /// The official (approved) values of every unit for `year`.
    pub async fn approved_values(&self, plan: &Plan, year: i32) -> Result<YearValues> {
        let plan_id = self.plan_id().await?;
        let rows: Vec<ValueRow> = with_db!(&self.db, pool => {
            sqlx::query_as("SELECT org_unit_code, element_code, value_num, value_text FROM approved_values WHERE year = $1 AND plan_id = $2")
                .bind(year).bind(plan_id).fetch_all(pool).await?
        });
        Ok(to_year_values(plan, rows))
    }

    /// Approved values of `year`, filtered and ordered (unit, element) in
    /// SQL, at most `limit` rows from `offset`: what the API pages through
    /// and what a form reads of one unit's last year, without reading the
    /// whole year.
    pub async fn approved_rows(
        &self,
        plan: &Plan,
        year: i32,
        unit: Option<&str>,
        element: Option<&str>,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<(String, String, DataValue)>> {
        let plan_id = self.plan_id().await?;
        // Only the filters given, as plain equalities: `($3 IS NULL OR
        // org_unit_code = $3)` keeps the planner from using the key, and a
        // form's read of one unit scanned the whole year.
        let mut sql = String::from(
            "SELECT org_unit_code, element_code, value_num, value_text FROM approved_values WHERE plan_id = $1 AND year = $2",
        );
        let mut filters: Vec<&str> = Vec::new();
        for (column, value) in [("org_unit_code", unit), ("element_code", element)] {
            if let Some(v) = value {
                filters.push(v);
                sql.push_str(&format!(" AND {column} = ${}", filters.len() + 2));
            }
        }
        let n = filters.len();
        sql.push_str(&format!(
            " ORDER BY org_unit_code, element_code LIMIT ${} OFFSET ${}",
            n + 3,
            n + 4
        ));
        let rows: Vec<ValueRow> = with_db!(&self.db, pool => {
            let mut q = sqlx::query_as(&sql).bind(plan_id).bind(year);
            for f in &filters {
                q = q.bind(*f);
            }
            q.bind(limit).bind(offset).fetch_all(pool).await?
        });
        Ok(rows
            .into_iter()
            .filter_map(|(u, e, num, text)| {
                let el = plan.element(&e)?;
                let v = DataValue::from_columns(el, num, text)?;
                Some((u, e, v))
            })
            .collect())
    }

    /// One unit's approved values of `year` (last year's, beside a form).
    pub async fn approved_unit_values(&self, plan: &Plan, unit: &str, year: i32) -> Result<UnitValues> {
        let rows = self.approved_rows(plan, year, Some(unit), None, i64::MAX, 0).await?;
        Ok(rows.into_iter().map(|(_, e, v)| (e, v)).collect())
    }

    /// The working values of one unit's report (drafts included): for the unit itself.
    pub async fn working_values(&self, plan: &Plan, unit: &str, year: i32) -> Result<UnitValues> {
        let plan_id = self.plan_id().await?;
        let state = self.report(unit, year).await?.map(|r| r.state);
        let sql = working_rows(state);
        let rows: Vec<ValueRow> = with_db!(&self.db, pool => {
            sqlx::query_as(&sql).bind(unit).bind(year).bind(plan_id).fetch_all(pool).await?
        });
        Ok(to_year_values(plan, rows).units.remove(unit).unwrap_or_default())
    }

    /// Every report of `year`.
    pub async fn reports(&self, year: i32) -> Result<Vec<ReportRow>> {
        self.report_rows(year, None).await
    }

    /// One unit's report of `year`, if it has one (a form reads only its own).
    pub async fn report(&self, unit: &str, year: i32) -> Result<Option<ReportRow>> {
        Ok(self.report_rows(year, Some(unit)).await?.pop())
    }

    async fn report_rows(&self, year: i32, unit: Option<&str>) -> Result<Vec<ReportRow>> {
        let plan = self.plan_id().await?;
        #[derive(sqlx::FromRow)]
        struct Row {
            org_unit_code: String,
            year: i32,
            state: String,
            submitted_at: Option<String>,
            first_submitted_at: Option<String>,
            approved_at: Option<String>,
            explanation: Option<String>,
        }
        let rows: Vec<Row> = with_db!(&self.db, pool => {
            // One unit by its key, or the whole year (see approved_rows).
            let sql = format!(
                "SELECT org_unit_code, year, state, submitted_at, first_submitted_at, approved_at, explanation FROM reports \
                 WHERE year = $1 AND plan_id = $2{} ORDER BY org_unit_code",
                if unit.is_some() { " AND org_unit_code = $3" } else { "" }
            );
            let q = sqlx::query_as(&sql).bind(year).bind(plan);
            match unit {
                Some(u) => q.bind(u).fetch_all(pool).await?,
                None => q.fetch_all(pool).await?,
            }
        });
        Ok(rows
            .into_iter()
            .filter_map(|r| {
                let state = ReportState::parse(&r.state)?;
                Some(ReportRow {
                    org_unit: r.org_unit_code,
                    year: r.year,
                    state,
                    submitted_at: r.submitted_at,
                    first_submitted_at: r.first_submitted_at,
                    approved_at: r.approved_at,
                    explanation: r.explanation,
                })
            })
            .collect())
    }

    /// Units whose report of `year` is approved (a narrow read for coverage counts).
    pub async fn approved_report_units(&self, year: i32) -> Result<Vec<String>> {
        let plan = self.plan_id().await?;
        let rows: Vec<(String,)> = with_db!(&self.db, pool => {
            sqlx::query_as("SELECT org_unit_code FROM reports WHERE year = $1 AND state = 'approved' AND plan_id = $2").bind(year).bind(plan).fetch_all(pool).await?
        });
        Ok(rows.into_iter().map(|(u,)| u).collect())
    }

    /// The latest year with any report, if any.
    pub async fn latest_report_year(&self) -> Result<Option<i32>> {
        let plan = self.plan_id().await?;
        let (y,): (Option<i32>,) = with_db!(&self.db, pool => {
            sqlx::query_as("SELECT MAX(year) FROM reports WHERE plan_id = $1").bind(plan).fetch_one(pool).await?
        });
        Ok(y)
    }

    /// Years that have at least one approved value, ascending.
    pub async fn approved_years(&self) -> Result<Vec<i32>> {
        let plan = self.plan_id().await?;
        let rows: Vec<(i32,)> = with_db!(&self.db, pool => {
            sqlx::query_as("SELECT DISTINCT year FROM approved_values WHERE plan_id = $1 ORDER BY year").bind(plan).fetch_all(pool).await?
        });
        Ok(rows.into_iter().map(|(y,)| y).collect())
    }

    /// Records that this database holds generated sample data, so every page can say so.
    pub async fn mark_sample(&self, stamp: &Stamp) -> Result<()> {
        let mut w = self.begin_write().await?;
        w.audit(stamp, None, None, &Change::SampleGenerated).await?;
        w.commit().await
    }

    /// Whether the database holds generated sample data ("dữ liệu mẫu").
    pub async fn is_sample(&self) -> Result<bool> {
        let sql = format!(
            "SELECT id FROM audit_events WHERE action IN ('{}', '{}') LIMIT 1",
            Change::SampleGenerated.kind(),
            crate::audit::LEGACY_SAMPLE
        );
        let row: Option<(i64,)> = with_db!(&self.db, pool => {
            sqlx::query_as(&sql).fetch_optional(pool).await?
        });
        Ok(row.is_some())
    }

    /// Number of audit events in all (for tests and `xhht` status output).
    pub async fn audit_count(&self) -> Result<i64> {
        let (n,): (i64,) = with_db!(&self.db, pool => {
            sqlx::query_as("SELECT COUNT(*) FROM audit_events").fetch_one(pool).await?
        });
        Ok(n)
    }
}

/// The official-figures half of an approval, inside its locked write: the
/// roll-ups of every area above the unit move by the difference between the
/// unit's old and new contributions, then the working values are copied.
async fn approve(w: &mut Writer, stamp: &Stamp, plan: &Plan, unit: &str, year: i32, values: &UnitValues) -> Result<()> {
    let rows: Vec<ValueRow> = w
        .fetch_all(
            "SELECT org_unit_code, element_code, value_num, value_text FROM approved_values WHERE org_unit_code = $1 AND year = $2 AND plan_id = $3",
            args![unit, year, w.plan],
        )
        .await?;
    let old = to_year_values(plan, rows).units.remove(unit).unwrap_or_default();
    if let Some(u) = plan.unit(unit) {
        for (area, indicator, bucket, num, den, counted) in crate::rollups::deltas(plan, u, year, &old, values) {
            w.execute(
                crate::rollups::UPSERT,
                args![area, indicator, year, bucket, num, den, counted, w.plan],
            )
            .await?;
        }
    }
    w.execute(
        "DELETE FROM approved_values WHERE org_unit_code = $1 AND year = $2 AND plan_id = $3",
        args![unit, year, w.plan],
    )
    .await?;
    w.execute(
        "INSERT INTO approved_values (org_unit_code, element_code, year, value_num, value_text, approved_at, approved_by, plan_id) \
         SELECT org_unit_code, element_code, year, value_num, value_text, $1, $2, plan_id FROM data_values \
         WHERE org_unit_code = $3 AND year = $4 AND plan_id = $5 AND (value_num IS NOT NULL OR value_text IS NOT NULL)",
        args![stamp.at_text(), &stamp.actor, unit, year, w.plan],
    )
    .await?;
    Ok(())
}

pub(crate) fn to_year_values(plan: &Plan, rows: Vec<ValueRow>) -> YearValues {
    let mut out = YearValues::default();
    for (unit, element, num, text) in rows {
        // Values of elements no longer in the plan are kept in the database but not read.
        let Some(el) = plan.element(&element) else {
            continue;
        };
        if let Some(v) = DataValue::from_columns(el, num, text) {
            out.set(&unit, &element, v);
        }
    }
    out
}

/// A report page's head: see [`Store::report_sheet`].
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ReportSheet {
    pub report: Option<ReportRow>,
    /// The unit's own deadline, if extended.
    pub extension: Option<NaiveDate>,
    /// ((task group, kind), text), in that order.
    pub narratives: Vec<((i64, NarrativeKind), String)>,
}

/// A report and its unit's own deadline, present or not each on its own.
const HEAD_SELECT: &str =
    "SELECT r.state, r.submitted_at, r.first_submitted_at, r.approved_at, r.explanation, e.due_date";
const HEAD_FROM: &str = "FROM (SELECT 1 AS one) AS k \
     LEFT JOIN reports r ON r.org_unit_code = $1 AND r.year = $2 AND r.plan_id = $3 \
     LEFT JOIN deadline_extensions e ON e.org_unit_code = $1 AND e.year = $2 AND e.plan_id = $3";

#[derive(sqlx::FromRow)]
struct HeadRow {
    state: Option<String>,
    submitted_at: Option<String>,
    first_submitted_at: Option<String>,
    approved_at: Option<String>,
    explanation: Option<String>,
    due_date: Option<String>,
}

impl HeadRow {
    fn read(self, unit: &str, year: i32) -> (Option<ReportRow>, Option<NaiveDate>) {
        let report = self
            .state
            .as_deref()
            .and_then(ReportState::parse)
            .map(|state| ReportRow {
                org_unit: unit.to_string(),
                year,
                state,
                submitted_at: self.submitted_at,
                first_submitted_at: self.first_submitted_at,
                approved_at: self.approved_at,
                explanation: self.explanation,
            });
        (report, self.due_date.and_then(|d| d.parse().ok()))
    }
}

/// A stored narrative: ((task group, kind), text).
fn narrative(group: i32, kind: &str, body: String) -> Result<((i64, NarrativeKind), String)> {
    let kind = NarrativeKind::parse(kind).ok_or_else(|| StorageError::Corrupt(format!("narrative kind “{kind}”")))?;
    Ok(((i64::from(group), kind), body))
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use xhht_domain::audit::{Change, Recorded};
    use xhht_domain::plan::{self, BUILTIN_BA_DINH};
    use xhht_domain::values::DataValue;

    use super::{FormChanges, Seen};
    use crate::{Stamp, Store, test_support};

    const UNIT: &str = "00001";
    const YEAR: i32 = 2026;

    fn form(n: f64) -> FormChanges {
        FormChanges {
            values: vec![("pop_15_60".into(), Some(DataValue::Number(n)))],
            ..FormChanges::default()
        }
    }

    async fn installed(store: Store) -> Store {
        let store = store
            .install_plan(&plan::builtin(), BUILTIN_BA_DINH, &Stamp::now("test"))
            .await
            .unwrap();
        store
            .save_form(&Stamp::now("a"), UNIT, YEAR, &form(100.0))
            .await
            .unwrap();
        store
    }

    /// The change the report's last event records.
    async fn last_change(store: &Store) -> Change {
        let events = store.audit_events(UNIT, YEAR).await.unwrap();
        events.last().unwrap().event.change.clone()
    }

    /// Another save came between a save's early read and its turn: the
    /// revision tells, and the values are read again under the lock. The
    /// save writes its figure and records the one it replaced; trusting
    /// the early read, it would have seen nothing to change.
    #[tokio::test]
    async fn a_save_overtaken_after_its_early_read_reads_again_under_the_lock() {
        for store in test_support::stores("save_overtaken").await {
            let b = store.backend();
            let store = installed(store).await;
            let plan = store.load_plan().await.unwrap().unwrap().0;
            let mine = form(100.0);
            let seen = store.values_seen(UNIT, YEAR, &mine.values).await.unwrap();
            store
                .save_form(&Stamp::now("b"), UNIT, YEAR, &form(200.0))
                .await
                .unwrap();
            let changed = store
                .save_form_here(&Stamp::now("a"), UNIT, YEAR, &mine, seen)
                .await
                .unwrap();
            assert_eq!(changed, 1, "{b:?}");
            let working = store.working_values(&plan, UNIT, YEAR).await.unwrap();
            assert_eq!(working.get("pop_15_60"), Some(&DataValue::Number(100.0)), "{b:?}");
            match last_change(&store).await {
                Change::ValueSet { old, new, .. } => {
                    assert_eq!(old, Some(Recorded::Number(200.0)), "{b:?}");
                    assert_eq!(new, Some(Recorded::Number(100.0)), "{b:?}");
                }
                other => panic!("{b:?}: {other:?}"),
            }
        }
    }

    /// With no write between, the early read is what the save compares
    /// with: shown here by an early read that claims the figure already
    /// holds what is sent, which the save then takes as no change. (So
    /// the trip it saves under the turn is really saved.)
    #[tokio::test]
    async fn a_save_with_no_write_between_trusts_its_early_read() {
        for store in test_support::stores("save_early_read").await {
            let b = store.backend();
            let store = installed(store).await;
            let seen = store
                .values_seen(UNIT, YEAR, &form(100.0).values)
                .await
                .unwrap()
                .unwrap();
            assert_eq!(seen.revision, Some(1), "{b:?}");
            assert_eq!(seen.values.get("pop_15_60"), Some(&(Some(100.0), None)), "{b:?}");
            let claimed = Seen {
                revision: seen.revision,
                values: HashMap::from([("pop_15_60".to_string(), (Some(300.0), None))]),
            };
            let changed = store
                .save_form_here(&Stamp::now("a"), UNIT, YEAR, &form(300.0), Some(claimed))
                .await
                .unwrap();
            assert_eq!(changed, 0, "{b:?}: taken from the early read");
            let fresh = store
                .values_seen("00002", YEAR, &form(1.0).values)
                .await
                .unwrap()
                .unwrap();
            assert_eq!(fresh.revision, None, "{b:?}: no report yet");
        }
    }
}
