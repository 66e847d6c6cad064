//! Yearly reports: their values, their state, and the audit trail.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use serde::Serialize;
use xhht_domain::plan::Plan;
use xhht_domain::values::{DataValue, UnitValues, YearValues};
use xhht_domain::workflow::{Refusal, ReportState};

use crate::{Result, StorageError, Store, with_db};

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
    /// ((task group number, kind), text); kinds: results, difficulties, proposals.
    pub narratives: Vec<((i64, String), String)>,
    pub explanation: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct AuditEvent {
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub org_unit_code: Option<String>,
    pub year: Option<i32>,
    pub element_code: Option<String>,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    pub reason: Option<String>,
}

type ValueRow = (String, String, Option<f64>, Option<String>);

fn show(v: &(Option<f64>, Option<String>)) -> Option<String> {
    match v {
        (Some(n), _) => Some(n.to_string()),
        (None, Some(t)) => Some(t.clone()),
        (None, None) => None,
    }
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
    /// Refused unless the report is a draft or returned. One transaction: the
    /// changes, the report's timestamp and one audit event per changed item.
    /// Returns how many items changed.
    pub async fn save_form(&self, stamp: &Stamp, unit: &str, year: i32, form: &FormChanges) -> Result<usize> {
        let at = stamp.at_text();
        with_db!(&self.db, pool => {
            let mut tx = pool.begin().await?;
            sqlx::query("INSERT INTO reports (org_unit_code, year, state, updated_at, updated_by) VALUES ($1, $2, 'draft', $3, $4) ON CONFLICT (org_unit_code, year) DO NOTHING")
                .bind(unit).bind(year).bind(&at).bind(&stamp.actor).execute(&mut *tx).await?;
            let (state, old_explanation): (String, Option<String>) = sqlx::query_as("SELECT state, explanation FROM reports WHERE org_unit_code = $1 AND year = $2")
                .bind(unit).bind(year).fetch_one(&mut *tx).await?;
            if !ReportState::parse(&state).is_some_and(ReportState::is_editable) {
                return Err(StorageError::Conflict(format!("Báo cáo năm {year} đang ở trạng thái «{}», không sửa được.", state_name(&state))));
            }
            let audit = "INSERT INTO audit_events (at, actor, action, org_unit_code, year, element_code, old_value, new_value, reason) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";
            let mut changed = 0;
            for (element, value) in &form.values {
                let new = value.as_ref().map(DataValue::to_columns).unwrap_or((None, None));
                let old: Option<(Option<f64>, Option<String>)> = sqlx::query_as("SELECT value_num, value_text FROM data_values WHERE org_unit_code = $1 AND element_code = $2 AND year = $3")
                    .bind(unit).bind(element).bind(year).fetch_optional(&mut *tx).await?;
                let old = old.unwrap_or((None, None));
                if old == new {
                    continue;
                }
                sqlx::query("INSERT INTO data_values (org_unit_code, element_code, year, value_num, value_text, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6, $7) \
                             ON CONFLICT (org_unit_code, element_code, year) DO UPDATE SET value_num = excluded.value_num, value_text = excluded.value_text, updated_at = excluded.updated_at, updated_by = excluded.updated_by")
                    .bind(unit).bind(element).bind(year).bind(new.0).bind(&new.1).bind(&at).bind(&stamp.actor)
                    .execute(&mut *tx).await?;
                sqlx::query(audit).bind(&at).bind(&stamp.actor).bind("value.set").bind(unit).bind(year).bind(element).bind(show(&old)).bind(show(&new)).bind(&stamp.reason)
                    .execute(&mut *tx).await?;
                changed += 1;
            }
            for ((group, kind), body) in &form.narratives {
                let old: Option<(String,)> = sqlx::query_as("SELECT body FROM narratives WHERE org_unit_code = $1 AND year = $2 AND task_group = $3 AND kind = $4")
                    .bind(unit).bind(year).bind(group).bind(kind).fetch_optional(&mut *tx).await?;
                let old = old.map(|(b,)| b);
                if old.as_deref().unwrap_or("") == body.as_str() {
                    continue;
                }
                sqlx::query("INSERT INTO narratives (org_unit_code, year, task_group, kind, body, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6, $7) \
                             ON CONFLICT (org_unit_code, year, task_group, kind) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at, updated_by = excluded.updated_by")
                    .bind(unit).bind(year).bind(group).bind(kind).bind(body).bind(&at).bind(&stamp.actor)
                    .execute(&mut *tx).await?;
                sqlx::query(audit).bind(&at).bind(&stamp.actor).bind("narrative.set").bind(unit).bind(year).bind(format!("narrative:{group}:{kind}")).bind(&old).bind(body).bind(&stamp.reason)
                    .execute(&mut *tx).await?;
                changed += 1;
            }
            if let Some(explanation) = &form.explanation
                && old_explanation.as_deref().unwrap_or("") != explanation.as_str() {
                    sqlx::query("UPDATE reports SET explanation = $1 WHERE org_unit_code = $2 AND year = $3").bind(explanation).bind(unit).bind(year).execute(&mut *tx).await?;
                    sqlx::query(audit).bind(&at).bind(&stamp.actor).bind("explanation.set").bind(unit).bind(year).bind(None::<String>).bind(&old_explanation).bind(explanation).bind(&stamp.reason)
                        .execute(&mut *tx).await?;
                    changed += 1;
                }
            sqlx::query("UPDATE reports SET updated_at = $1, updated_by = $2 WHERE org_unit_code = $3 AND year = $4")
                .bind(&at).bind(&stamp.actor).bind(unit).bind(year).execute(&mut *tx).await?;
            tx.commit().await?;
            Ok(changed)
        })
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

    /// Moves a report through the workflow. Inside one transaction: reads the
    /// report's state and working values, asks `decide` (the domain's state
    /// machine and validation) for the next state, writes it with its audit
    /// event, and on approval copies the values into the official figures and
    /// updates the indicator roll-ups of every area above the unit by the
    /// difference, so every page shows the approval at the next read.
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
        with_db!(&self.db, pool => {
            let mut tx = pool.begin().await?;
            let row: Option<(String,)> = sqlx::query_as("SELECT state FROM reports WHERE org_unit_code = $1 AND year = $2")
                .bind(unit).bind(year).fetch_optional(&mut *tx).await?;
            let Some(state) = row.and_then(|(s,)| ReportState::parse(&s)) else {
                return Err(StorageError::NotFound(format!("báo cáo năm {year} của đơn vị {unit}")));
            };
            let rows: Vec<ValueRow> = sqlx::query_as("SELECT org_unit_code, element_code, value_num, value_text FROM data_values WHERE org_unit_code = $1 AND year = $2")
                .bind(unit).bind(year).fetch_all(&mut *tx).await?;
            let values = to_year_values(plan, rows).units.remove(unit).unwrap_or_default();
            let to = decide(state, &values).map_err(StorageError::Refused)?;
            let extra = match to {
                ReportState::Submitted => ", submitted_at = $2, first_submitted_at = COALESCE(first_submitted_at, $2)",
                ReportState::Approved => ", approved_at = $2",
                _ => "",
            };
            let sql = format!("UPDATE reports SET state = $1, updated_at = $2, updated_by = $3{extra} WHERE org_unit_code = $4 AND year = $5");
            sqlx::query(&sql).bind(to.as_str()).bind(&at).bind(&stamp.actor).bind(unit).bind(year).execute(&mut *tx).await?;
            if to == ReportState::Approved {
                let rows: Vec<ValueRow> = sqlx::query_as("SELECT org_unit_code, element_code, value_num, value_text FROM approved_values WHERE org_unit_code = $1 AND year = $2")
                    .bind(unit).bind(year).fetch_all(&mut *tx).await?;
                let old = to_year_values(plan, rows).units.remove(unit).unwrap_or_default();
                if let Some(u) = plan.unit(unit) {
                    for (area, indicator, bucket, num, den, counted) in crate::rollups::deltas(plan, u, &old, &values) {
                        sqlx::query(crate::rollups::UPSERT).bind(area).bind(indicator).bind(year).bind(bucket).bind(num).bind(den).bind(counted)
                            .execute(&mut *tx).await?;
                    }
                }
                sqlx::query("DELETE FROM approved_values WHERE org_unit_code = $1 AND year = $2").bind(unit).bind(year).execute(&mut *tx).await?;
                sqlx::query("INSERT INTO approved_values (org_unit_code, element_code, year, value_num, value_text, approved_at, approved_by) \
                             SELECT org_unit_code, element_code, year, value_num, value_text, $1, $2 FROM data_values \
                             WHERE org_unit_code = $3 AND year = $4 AND (value_num IS NOT NULL OR value_text IS NOT NULL)")
                    .bind(&at).bind(&stamp.actor).bind(unit).bind(year).execute(&mut *tx).await?;
            }
            sqlx::query("INSERT INTO audit_events (at, actor, action, org_unit_code, year, old_value, new_value, reason) VALUES ($1, $2, 'report.state', $3, $4, $5, $6, $7)")
                .bind(&at).bind(&stamp.actor).bind(unit).bind(year).bind(state.as_str()).bind(to.as_str()).bind(&stamp.reason)
                .execute(&mut *tx).await?;
            tx.commit().await?;
            Ok(to)
        })
    }

    /// Narratives of one report: ((task group, kind), text).
    pub async fn narratives(&self, unit: &str, year: i32) -> Result<Vec<((i64, String), String)>> {
        let rows: Vec<(i32, String, String)> = with_db!(&self.db, pool => {
            sqlx::query_as("SELECT task_group, kind, body FROM narratives WHERE org_unit_code = $1 AND year = $2 ORDER BY task_group, kind")
                .bind(unit).bind(year).fetch_all(pool).await?
        });
        Ok(rows.into_iter().map(|(g, k, b)| ((i64::from(g), k), b)).collect())
    }

    /// Gives one unit its own deadline for a year (audited).
    pub async fn extend_deadline(
        &self,
        stamp: &Stamp,
        unit: &str,
        year: i32,
        due: NaiveDate,
        reason: &str,
    ) -> Result<()> {
        let at = stamp.at_text();
        with_db!(&self.db, pool => {
            let mut tx = pool.begin().await?;
            let old: Option<(String,)> = sqlx::query_as("SELECT due_date FROM deadline_extensions WHERE org_unit_code = $1 AND year = $2")
                .bind(unit).bind(year).fetch_optional(&mut *tx).await?;
            sqlx::query("INSERT INTO deadline_extensions (org_unit_code, year, due_date, granted_by, granted_at, reason) VALUES ($1, $2, $3, $4, $5, $6) \
                         ON CONFLICT (org_unit_code, year) DO UPDATE SET due_date = excluded.due_date, granted_by = excluded.granted_by, granted_at = excluded.granted_at, reason = excluded.reason")
                .bind(unit).bind(year).bind(due.to_string()).bind(&stamp.actor).bind(&at).bind(reason).execute(&mut *tx).await?;
            sqlx::query("INSERT INTO audit_events (at, actor, action, org_unit_code, year, old_value, new_value, reason) VALUES ($1, $2, 'deadline.extend', $3, $4, $5, $6, $7)")
                .bind(&at).bind(&stamp.actor).bind(unit).bind(year).bind(old.map(|(d,)| d)).bind(due.to_string()).bind(reason)
                .execute(&mut *tx).await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// Units' own deadlines for `year`.
    pub async fn deadline_extensions(&self, year: i32) -> Result<HashMap<String, NaiveDate>> {
        let rows: Vec<(String, String)> = with_db!(&self.db, pool => {
            sqlx::query_as("SELECT org_unit_code, due_date FROM deadline_extensions WHERE year = $1").bind(year).fetch_all(pool).await?
        });
        Ok(rows
            .into_iter()
            .filter_map(|(u, d)| Some((u, d.parse().ok()?)))
            .collect())
    }

    /// The official (approved) values of every unit for `year`.
    pub async fn approved_values(&self, plan: &Plan, year: i32) -> Result<YearValues> {
        let rows: Vec<ValueRow> = with_db!(&self.db, pool => {
            sqlx::query_as("SELECT org_unit_code, element_code, value_num, value_text FROM approved_values WHERE year = $1")
                .bind(year).fetch_all(pool).await?
        });
        Ok(to_year_values(plan, rows))
    }

    /// The working values of one unit's report (drafts included): for the unit itself.
    pub async fn working_values(&self, plan: &Plan, unit: &str, year: i32) -> Result<UnitValues> {
        let rows: Vec<ValueRow> = with_db!(&self.db, pool => {
            sqlx::query_as("SELECT org_unit_code, element_code, value_num, value_text FROM data_values WHERE org_unit_code = $1 AND year = $2")
                .bind(unit).bind(year).fetch_all(pool).await?
        });
        Ok(to_year_values(plan, rows).units.remove(unit).unwrap_or_default())
    }

    /// Every report of `year`.
    pub async fn reports(&self, year: i32) -> Result<Vec<ReportRow>> {
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
            sqlx::query_as("SELECT org_unit_code, year, state, submitted_at, first_submitted_at, approved_at, explanation FROM reports WHERE year = $1 ORDER BY org_unit_code")
                .bind(year).fetch_all(pool).await?
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
        let rows: Vec<(String,)> = with_db!(&self.db, pool => {
            sqlx::query_as("SELECT org_unit_code FROM reports WHERE year = $1 AND state = 'approved'").bind(year).fetch_all(pool).await?
        });
        Ok(rows.into_iter().map(|(u,)| u).collect())
    }

    /// The latest year with any report, if any.
    pub async fn latest_report_year(&self) -> Result<Option<i32>> {
        let (y,): (Option<i32>,) = with_db!(&self.db, pool => {
            sqlx::query_as("SELECT MAX(year) FROM reports").fetch_one(pool).await?
        });
        Ok(y)
    }

    /// Years that have at least one approved value, ascending.
    pub async fn approved_years(&self) -> Result<Vec<i32>> {
        let rows: Vec<(i32,)> = with_db!(&self.db, pool => {
            sqlx::query_as("SELECT DISTINCT year FROM approved_values ORDER BY year").fetch_all(pool).await?
        });
        Ok(rows.into_iter().map(|(y,)| y).collect())
    }

    /// The audit trail of one report, oldest first.
    pub async fn audit_events(&self, unit: &str, year: i32) -> Result<Vec<AuditEvent>> {
        Ok(with_db!(&self.db, pool => {
            sqlx::query_as("SELECT id, at, actor, action, org_unit_code, year, element_code, old_value, new_value, reason FROM audit_events WHERE org_unit_code = $1 AND year = $2 ORDER BY id")
                .bind(unit).bind(year).fetch_all(pool).await?
        }))
    }

    /// Records that this database holds generated sample data, so every page can say so.
    pub async fn mark_sample(&self, stamp: &Stamp) -> Result<()> {
        with_db!(&self.db, pool => {
            sqlx::query("INSERT INTO audit_events (at, actor, action, reason) VALUES ($1, $2, 'sample.generate', $3)")
                .bind(stamp.at_text()).bind(&stamp.actor).bind(&stamp.reason).execute(pool).await?;
        });
        Ok(())
    }

    /// Whether the database holds generated sample data ("dữ liệu mẫu").
    pub async fn is_sample(&self) -> Result<bool> {
        let row: Option<(i64,)> = with_db!(&self.db, pool => {
            sqlx::query_as("SELECT id FROM audit_events WHERE action = 'sample.generate' LIMIT 1").fetch_optional(pool).await?
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

fn to_year_values(plan: &Plan, rows: Vec<ValueRow>) -> YearValues {
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

/// The Vietnamese name of a stored state, for messages.
pub fn state_name(state: &str) -> &'static str {
    match ReportState::parse(state) {
        Some(ReportState::Draft) => "đang soạn",
        Some(ReportState::Submitted) => "đã gửi",
        Some(ReportState::Returned) => "bị trả lại",
        Some(ReportState::Approved) => "đã duyệt",
        None => "không rõ",
    }
}
