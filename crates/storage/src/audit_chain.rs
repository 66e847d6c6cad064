//! Checking the audit trail: the hash chain row by row, then the official
//! values against a replay of the trail (`domain::audit::{chain, replay}`
//! do the work; this module reads the rows). Written by `Writer::audit`.

use std::collections::BTreeMap;

use serde::Serialize;
use xhht_domain::audit::chain::{self, Break, ChainRow, Head};
use xhht_domain::audit::replay::{Official, Replay, ValuesCheck};

use crate::{Db, Result, Store};

/// Every column the chain covers, and the chain columns.
pub(crate) const SELECT_ROWS: &str = "SELECT id, seq, at, actor, action, org_unit_code, year, element_code, old_value, new_value, \
     reason, payload, plan_id, prev_hash, hash FROM audit_events";

#[derive(sqlx::FromRow)]
pub(crate) struct StoredChainRow {
    id: i64,
    seq: Option<i64>,
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
    plan_id: Option<i64>,
    prev_hash: Option<String>,
    hash: Option<String>,
}

impl From<StoredChainRow> for ChainRow {
    fn from(r: StoredChainRow) -> Self {
        Self {
            id: r.id,
            seq: r.seq,
            at: r.at,
            actor: r.actor,
            action: r.action,
            unit: r.org_unit_code,
            year: r.year,
            element: r.element_code,
            old_value: r.old_value,
            new_value: r.new_value,
            reason: r.reason,
            payload: r.payload,
            plan_id: r.plan_id,
            prev_hash: r.prev_hash,
            hash: r.hash,
        }
    }
}

/// What `Store::verify_audit` found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditReport {
    /// Rows in the trail.
    pub events: u64,
    /// Rows whose place in the chain checked out: all of them when the
    /// chain is intact, 0 when it is broken.
    pub chained: u64,
    /// The first row that does not fit the chain.
    pub chain_break: Option<Break>,
    /// Official values against the replayed trail.
    pub values: ValuesCheck,
    /// The code of the plan of `values.mismatch`.
    pub mismatch_plan: Option<String>,
}

impl AuditReport {
    pub fn is_intact(&self) -> bool {
        self.chain_break.is_none() && self.values.mismatch.is_none()
    }

    /// The first problem, in Vietnamese (the domain words each kind); the
    /// chain before the values, since a broken chain makes the replay moot.
    pub fn problem(&self) -> Option<String> {
        if let Some(b) = &self.chain_break {
            return Some(format!("Nhật ký kiểm toán bị can thiệp: {b}."));
        }
        self.values.mismatch.as_ref().map(|m| {
            let plan = self.mismatch_plan.as_deref().unwrap_or("?");
            format!("Số liệu chính thức bị sửa ngoài ứng dụng (kế hoạch “{plan}”): {m}.")
        })
    }
}

#[derive(sqlx::FromRow)]
struct TypedRow {
    #[sqlx(flatten)]
    row: StoredChainRow,
    value_type: Option<String>,
}

impl Store {
    /// Chains the rows of a database made before the chain existed, once
    /// (see `Writer::seal`), so the first check after an upgrade passes and
    /// every later event links to them. Cheap when already done.
    pub(crate) async fn seal_audit_chain(&self) -> Result<()> {
        let (sealed,): (bool,) = crate::with_db!(&self.db, pool => {
            sqlx::query_as("SELECT sealed FROM audit_chain WHERE id = 1").fetch_one(pool).await?
        });
        if !sealed {
            let mut w = self.begin_write().await?;
            w.chain_head().await?;
            w.commit().await?;
        }
        Ok(())
    }

    /// Recomputes the whole chain and names the first row that does not fit,
    /// then replays the trail's value changes and approvals and compares the
    /// result with the official values, naming the first that differs. One
    /// read snapshot, so a write going on meanwhile is not a break.
    pub async fn verify_audit(&self) -> Result<AuditReport> {
        const SELECT: &str = "SELECT a.id, a.seq, a.at, a.actor, a.action, a.org_unit_code, a.year, a.element_code, a.old_value, \
             a.new_value, a.reason, a.payload, a.plan_id, a.prev_hash, a.hash, d.value_type FROM audit_events a \
             LEFT JOIN data_elements d ON d.code = a.element_code AND d.plan_id = a.plan_id ORDER BY a.id";
        let snapshot = match self.db {
            Db::Sqlite(_) => "SELECT 1",
            Db::Postgres(_) => "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY",
        };
        type ValueRow = (i64, String, i32, String, Option<f64>, Option<String>);
        type Snapshot = (Head, Vec<TypedRow>, Vec<ValueRow>, Vec<(i64, String)>);
        let (head, rows, stored, plans): Snapshot = crate::with_db!(&self.db, pool => {
            let mut tx = pool.begin().await?;
            sqlx::query(snapshot).execute(&mut *tx).await?;
            let (seq, hash): (i64, String) = sqlx::query_as("SELECT seq, hash FROM audit_chain WHERE id = 1")
                .fetch_one(&mut *tx).await?;
            let rows = sqlx::query_as(SELECT).fetch_all(&mut *tx).await?;
            let stored = sqlx::query_as(
                "SELECT plan_id, org_unit_code, year, element_code, value_num, value_text FROM approved_values",
            )
            .fetch_all(&mut *tx)
            .await?;
            let plans = sqlx::query_as("SELECT id, code FROM plans").fetch_all(&mut *tx).await?;
            tx.commit().await?;
            (Head { seq, hash }, rows, stored, plans)
        });
        let events = rows.len() as u64;
        let mut replay = Replay::default();
        let mut chain_rows = Vec::with_capacity(rows.len());
        for TypedRow { row, value_type } in rows {
            let row = ChainRow::from(row);
            let event = crate::audit::event_of(&row, value_type)?;
            replay.apply(row.plan_id, &event.event);
            chain_rows.push(row);
        }
        let (chained, chain_break) = match chain::check(chain_rows, &head) {
            Ok((n, _)) => (n, None),
            Err(b) => (0, Some(b)),
        };
        let mut official = Official::new();
        for (plan, unit, year, element, num, text) in stored {
            let Some(value) = crate::reports::recorded(&(num, text)) else {
                continue;
            };
            official.entry((plan, unit, year)).or_default().insert(element, value);
        }
        let values = replay.compare(&official);
        let codes: BTreeMap<i64, String> = plans.into_iter().collect();
        let mismatch_plan = values.mismatch.as_ref().and_then(|m| codes.get(&m.plan).cloned());
        Ok(AuditReport {
            events,
            chained,
            chain_break,
            values,
            mismatch_plan,
        })
    }
}
