//! The plan in the database: its source text (the plan of record) and the
//! org units and data elements that other tables refer to.

use xhht_domain::audit::Change;
use xhht_domain::plan::{self, OrgUnit, Plan};

use crate::reports::Stamp;
use crate::write::args;
use crate::{Conflict, Result, StorageError, Store, with_db};

impl Store {
    /// Installs a checked plan into an empty database, in one transaction
    /// with its audit event. Refuses if a plan is already installed.
    pub async fn install_plan(&self, plan: &Plan, source: &str, stamp: &Stamp) -> Result<()> {
        let units = parents_first(&plan.org_units);
        let mut w = self.begin_write().await?;
        w.lock_table("plans").await?;
        let existing: Option<(String,)> = w.fetch_optional("SELECT code FROM plans LIMIT 1", args![]).await?;
        if let Some((code,)) = existing {
            return Err(Conflict::PlanInstalled { code }.into());
        }
        w.execute(
            "INSERT INTO plans (code, number, source, loaded_at, loaded_by) VALUES ($1, $2, $3, $4, $5)",
            args![
                &plan.info.code,
                &plan.info.number,
                source,
                stamp.at_text(),
                &stamp.actor
            ],
        )
        .await?;
        for u in &units {
            w.execute(
                "INSERT INTO org_units (code, parent_code, unit_type, name, gso_code, valid_from, valid_to) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                args![
                    &u.code,
                    &u.parent,
                    u.unit_type.code(),
                    &u.name,
                    &u.gso_code,
                    u.valid_from.map(|d| d.to_string()),
                    u.valid_to.map(|d| d.to_string())
                ],
            )
            .await?;
        }
        for e in &plan.data_elements {
            w.execute(
                "INSERT INTO data_elements (code, name, value_type) VALUES ($1, $2, $3)",
                args![&e.code, &e.name, e.value_type.as_str()],
            )
            .await?;
        }
        let change = Change::PlanInstalled {
            code: plan.info.code.clone(),
            number: plan.info.number.clone(),
        };
        w.audit(stamp, None, None, &change).await?;
        w.commit().await
    }

    /// The installed plan, parsed and checked again from its stored source.
    pub async fn load_plan(&self) -> Result<Option<(Plan, String)>> {
        let row: Option<(String,)> = with_db!(&self.db, pool => {
            sqlx::query_as("SELECT source FROM plans ORDER BY id DESC LIMIT 1").fetch_optional(pool).await?
        });
        let Some((source,)) = row else {
            return Ok(None);
        };
        let plan = plan::load(&source).map_err(|problems| {
            let list: Vec<String> = problems.iter().map(ToString::to_string).collect();
            StorageError::StoredPlan(list.join("; "))
        })?;
        Ok(Some((plan, source)))
    }
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
