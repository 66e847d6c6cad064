//! Plans in the database: several live side by side (56/KH-UBND of the old
//! district and each new ward's own plan). A [`Store`] handle is scoped to
//! one of them; every plan-owned row (units, elements, reports, values,
//! narratives, extensions, roll-ups) carries its `plan_id`. The plan of
//! record is its source text, versioned by `xhht plan upgrade`.

use std::collections::BTreeSet;

use xhht_domain::audit::Change;
use xhht_domain::plan::{self, OrgUnit, Plan};

use crate::reports::Stamp;
use crate::write::{Writer, args};
use crate::{Conflict, Missing, Result, StorageError, Store, with_db};

/// One installed plan, as listed.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanRow {
    pub id: i64,
    pub code: String,
    pub number: String,
    pub version: i64,
    pub loaded_at: String,
}

impl Store {
    /// The plan this handle is scoped to; for a handle opened before any
    /// plan was installed, the first installed plan (0 while there is none).
    pub(crate) async fn plan_id(&self) -> Result<i64> {
        if self.plan > 0 {
            return Ok(self.plan);
        }
        let (id,): (Option<i64>,) = with_db!(&self.db, pool => {
            sqlx::query_as("SELECT MIN(id) FROM plans").fetch_one(pool).await?
        });
        Ok(id.unwrap_or(0))
    }

    /// Scopes the handle to the first installed plan (the default one).
    pub(crate) async fn scoped_to_default(mut self) -> Result<Self> {
        self.plan = self.plan_id().await?;
        Ok(self)
    }

    /// A handle on the same database, scoped to the plan with `code`.
    pub async fn for_plan(&self, code: &str) -> Result<Store> {
        let row: Option<(i64,)> = with_db!(&self.db, pool => {
            sqlx::query_as("SELECT id FROM plans WHERE code = $1").bind(code).fetch_optional(pool).await?
        });
        let (id,) = row.ok_or(Missing::Plan)?;
        Ok(self.with_plan_id(id))
    }

    /// The id of the plan this handle is scoped to (0: the first installed,
    /// resolved at each use).
    pub fn scope(&self) -> i64 {
        self.plan
    }

    /// A handle on the same database, scoped to plan `id` (from [`Store::plans`]).
    pub fn with_plan_id(&self, id: i64) -> Store {
        Store {
            plan: id,
            ..self.clone()
        }
    }

    /// Every installed plan, in the order they were installed.
    pub async fn plans(&self) -> Result<Vec<PlanRow>> {
        let rows: Vec<(i64, String, String, i64, String)> = with_db!(&self.db, pool => {
            sqlx::query_as("SELECT id, code, number, version, loaded_at FROM plans ORDER BY id").fetch_all(pool).await?
        });
        Ok(rows
            .into_iter()
            .map(|(id, code, number, version, loaded_at)| PlanRow {
                id,
                code,
                number,
                version,
                loaded_at,
            })
            .collect())
    }

    /// Installs a checked plan beside those already there, in one
    /// transaction with its audit event, and returns a handle scoped to it.
    /// Refuses a plan whose code is already installed (`plan upgrade` is
    /// the way to change it).
    pub async fn install_plan(&self, plan: &Plan, source: &str, stamp: &Stamp) -> Result<Store> {
        let mut w = self.begin_long_write().await?;
        w.lock_table("plans").await?;
        let existing: Option<(i64,)> = w
            .fetch_optional("SELECT id FROM plans WHERE code = $1", args![&plan.info.code])
            .await?;
        if existing.is_some() {
            return Err(Conflict::PlanInstalled {
                code: plan.info.code.clone(),
            }
            .into());
        }
        let (id,): (i64,) = w
            .fetch_one(
                "INSERT INTO plans (code, number, source, loaded_at, loaded_by) VALUES ($1, $2, $3, $4, $5) RETURNING id",
                args![
                    &plan.info.code,
                    &plan.info.number,
                    source,
                    stamp.at_text(),
                    &stamp.actor
                ],
            )
            .await?;
        w.plan = id;
        record_version(&mut w, 1, source, stamp).await?;
        insert_units(&mut w, &parents_first(&plan.org_units)).await?;
        for e in &plan.data_elements {
            w.execute(
                "INSERT INTO data_elements (code, name, value_type, plan_id) VALUES ($1, $2, $3, $4)",
                args![&e.code, &e.name, e.value_type.as_str(), id],
            )
            .await?;
        }
        let change = Change::PlanInstalled {
            code: plan.info.code.clone(),
            number: plan.info.number.clone(),
        };
        w.audit(stamp, None, None, &change).await?;
        w.commit().await?;
        Ok(self.with_plan_id(id))
    }

    /// Installs a new version of this handle's plan (same code). Refused,
    /// changing nothing, when the new version drops a unit that has reports
    /// or a data element that has values: entered data is never orphaned.
    /// Units and elements are brought in line with the new version; the
    /// caller rebuilds the roll-ups (the hierarchy or formulas may differ).
    /// Returns the new version number.
    pub async fn upgrade_plan(&self, plan: &Plan, source: &str, stamp: &Stamp) -> Result<i64> {
        let mut w = self.begin_long_write().await?;
        w.lock_table("plans").await?;
        let sql = format!("SELECT code, version FROM plans WHERE id = $1{}", w.for_update());
        let Some((code, version)) = w.fetch_optional::<(String, i64)>(&sql, args![w.plan]).await? else {
            return Err(Missing::Plan.into());
        };
        if code != plan.info.code {
            return Err(Conflict::OtherPlan {
                installed: code,
                file: plan.info.code.clone(),
            }
            .into());
        }
        let orphans = orphans(&mut w, plan).await?;
        if !orphans.is_empty() {
            return Err(Conflict::WouldOrphan { items: orphans }.into());
        }
        let version = version + 1;
        w.execute(
            "UPDATE plans SET number = $1, source = $2, version = $3, loaded_at = $4, loaded_by = $5 WHERE id = $6",
            args![
                &plan.info.number,
                source,
                version,
                stamp.at_text(),
                &stamp.actor,
                w.plan
            ],
        )
        .await?;
        record_version(&mut w, version, source, stamp).await?;
        replace_units(&mut w, plan).await?;
        replace_elements(&mut w, plan).await?;
        let change = Change::PlanUpgraded {
            code: plan.info.code.clone(),
            version,
        };
        w.audit(stamp, None, None, &change).await?;
        w.commit().await?;
        Ok(version)
    }

    /// This handle's plan, parsed and checked again from its stored source,
    /// with its recorded end (see [`Store::end_plan`]) when it has one.
    pub async fn load_plan(&self) -> Result<Option<(Plan, String)>> {
        let id = self.plan_id().await?;
        let row: Option<(String, Option<String>, Option<String>)> = with_db!(&self.db, pool => {
            sqlx::query_as("SELECT source, ended_on, end_reason FROM plans WHERE id = $1").bind(id).fetch_optional(pool).await?
        });
        let Some((source, ended_on, end_reason)) = row else {
            return Ok(None);
        };
        let mut plan = plan::load(&source).map_err(|problems| {
            let list: Vec<String> = problems.iter().map(ToString::to_string).collect();
            StorageError::StoredPlan(list.join("; "))
        })?;
        if let Some(day) = ended_on {
            let day = day
                .parse()
                .map_err(|_| StorageError::Corrupt(format!("plan end date “{day}”")))?;
            plan.info.ended = Some((day, end_reason.unwrap_or_default()));
        }
        Ok(Some((plan, source)))
    }

    /// Records that this handle's plan ended on `day` (before its last
    /// year), with the reason: it takes no report for a later year. One
    /// locked write with its audit event.
    pub async fn end_plan(&self, stamp: &Stamp, day: chrono::NaiveDate, reason: &str) -> Result<()> {
        let mut w = self.begin_write().await?;
        let sql = format!("SELECT code FROM plans WHERE id = $1{}", w.for_update());
        let Some((code,)) = w.fetch_optional::<(String,)>(&sql, args![w.plan]).await? else {
            return Err(Missing::Plan.into());
        };
        w.execute(
            "UPDATE plans SET ended_on = $1, end_reason = $2 WHERE id = $3",
            args![day.to_string(), reason, w.plan],
        )
        .await?;
        let change = Change::PlanEnded {
            code,
            on: day,
            reason: reason.to_string(),
        };
        w.audit(stamp, None, None, &change).await?;
        w.commit().await
    }
}

async fn record_version(w: &mut Writer, version: i64, source: &str, stamp: &Stamp) -> Result<()> {
    w.execute(
        "INSERT INTO plan_versions (plan_id, version, source, loaded_at, loaded_by) VALUES ($1, $2, $3, $4, $5)",
        args![w.plan, version, source, stamp.at_text(), &stamp.actor],
    )
    .await?;
    Ok(())
}

async fn insert_units(w: &mut Writer, units: &[&OrgUnit]) -> Result<()> {
    for u in units {
        w.execute(
            "INSERT INTO org_units (code, parent_code, unit_type, name, gso_code, valid_from, valid_to, plan_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            args![
                &u.code,
                &u.parent,
                u.unit_type.code(),
                &u.name,
                &u.gso_code,
                u.valid_from.map(|d| d.to_string()),
                u.valid_to.map(|d| d.to_string()),
                w.plan
            ],
        )
        .await?;
    }
    Ok(())
}

/// Units with reports and elements with values that `plan` no longer has,
/// named for the refusal ("đơn vị 00001", "chỉ tiêu pop_15_60").
async fn orphans(w: &mut Writer, plan: &Plan) -> Result<Vec<String>> {
    let units: Vec<(String,)> = w
        .fetch_all(
            "SELECT DISTINCT org_unit_code FROM reports WHERE plan_id = $1 ORDER BY org_unit_code",
            args![w.plan],
        )
        .await?;
    let elements: Vec<(String,)> = w
        .fetch_all(
            // Both copies: a report imported as approved has only the approved one.
            "SELECT element_code FROM data_values WHERE plan_id = $1 \
             UNION SELECT element_code FROM approved_values WHERE plan_id = $1 ORDER BY element_code",
            args![w.plan],
        )
        .await?;
    let accounts: Vec<(String, String)> = w
        .fetch_all(
            "SELECT username, org_unit_code FROM users WHERE plan_id = $1 ORDER BY username",
            args![w.plan],
        )
        .await?;
    let mut out: Vec<String> = units
        .into_iter()
        .filter(|(u,)| plan.unit(u).is_none())
        .map(|(u,)| format!("đơn vị {u}"))
        .collect();
    out.extend(
        elements
            .into_iter()
            .filter(|(e,)| plan.element(e).is_none())
            .map(|(e,)| format!("số liệu {e}")),
    );
    out.extend(
        accounts
            .into_iter()
            .filter(|(_, u)| plan.unit(u).is_none())
            .map(|(name, u)| format!("tài khoản {name} (đơn vị {u})")),
    );
    Ok(out)
}

/// Brings the plan's units in line with a new version: changed units are
/// updated, new ones added, and units the new version dropped (none has
/// reports: checked before) removed, children before parents.
async fn replace_units(w: &mut Writer, plan: &Plan) -> Result<()> {
    let stored: Vec<(String,)> = w
        .fetch_all("SELECT code FROM org_units WHERE plan_id = $1", args![w.plan])
        .await?;
    let stored: BTreeSet<String> = stored.into_iter().map(|(c,)| c).collect();
    // Parents are cut first so units can be re-hung in any order.
    w.execute(
        "UPDATE org_units SET parent_code = NULL WHERE plan_id = $1",
        args![w.plan],
    )
    .await?;
    let ordered = parents_first(&plan.org_units);
    let new: Vec<&OrgUnit> = ordered.iter().copied().filter(|u| !stored.contains(&u.code)).collect();
    insert_units(w, &new).await?;
    for u in &ordered {
        w.execute(
            "UPDATE org_units SET parent_code = $1, unit_type = $2, name = $3, gso_code = $4, valid_from = $5, valid_to = $6 WHERE code = $7 AND plan_id = $8",
            args![
                &u.parent,
                u.unit_type.code(),
                &u.name,
                &u.gso_code,
                u.valid_from.map(|d| d.to_string()),
                u.valid_to.map(|d| d.to_string()),
                &u.code,
                w.plan
            ],
        )
        .await?;
    }
    for code in stored.iter().filter(|c| plan.unit(c).is_none()) {
        w.execute(
            "DELETE FROM deadline_extensions WHERE org_unit_code = $1 AND plan_id = $2",
            args![code, w.plan],
        )
        .await?;
        w.execute(
            "DELETE FROM org_units WHERE code = $1 AND plan_id = $2",
            args![code, w.plan],
        )
        .await?;
    }
    Ok(())
}

async fn replace_elements(w: &mut Writer, plan: &Plan) -> Result<()> {
    let stored: Vec<(String,)> = w
        .fetch_all("SELECT code FROM data_elements WHERE plan_id = $1", args![w.plan])
        .await?;
    let stored: BTreeSet<String> = stored.into_iter().map(|(c,)| c).collect();
    for e in &plan.data_elements {
        if stored.contains(&e.code) {
            w.execute(
                "UPDATE data_elements SET name = $1, value_type = $2 WHERE code = $3 AND plan_id = $4",
                args![&e.name, e.value_type.as_str(), &e.code, w.plan],
            )
            .await?;
        } else {
            w.execute(
                "INSERT INTO data_elements (code, name, value_type, plan_id) VALUES ($1, $2, $3, $4)",
                args![&e.code, &e.name, e.value_type.as_str(), w.plan],
            )
            .await?;
        }
    }
    for code in stored.iter().filter(|c| plan.element(c).is_none()) {
        w.execute(
            "DELETE FROM data_elements WHERE code = $1 AND plan_id = $2",
            args![code, w.plan],
        )
        .await?;
    }
    Ok(())
}

/// Units ordered so every parent comes before its children (the foreign key
/// on `parent_code` is checked row by row).
fn parents_first(units: &[OrgUnit]) -> Vec<&OrgUnit> {
    let mut out: Vec<&OrgUnit> = Vec::with_capacity(units.len());
    let mut placed = std::collections::HashSet::new();
    while out.len() < units.len() {
        let before = out.len();
        for u in units {
            let ready = u.parent.as_ref().is_none_or(|p| placed.contains(p.as_str()));
            if !placed.contains(u.code.as_str()) && ready {
                placed.insert(u.code.as_str());
                out.push(u);
            }
        }
        if out.len() == before {
            break; // a cycle: impossible in a checked plan
        }
    }
    out
}
