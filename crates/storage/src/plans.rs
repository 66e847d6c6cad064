//! The plan in the database: its source text (the plan of record) and the
//! org units and data elements that other tables refer to.

use xhht_domain::plan::{self, OrgUnit, Plan};

use crate::reports::Stamp;
use crate::{Result, StorageError, Store, with_db};

impl Store {
    /// Installs a checked plan into an empty database, in one transaction
    /// with its audit event. Refuses if a plan is already installed.
    pub async fn install_plan(&self, plan: &Plan, source: &str, stamp: &Stamp) -> Result<()> {
        let units = parents_first(&plan.org_units);
        with_db!(&self.db, pool => {
            let mut tx = pool.begin().await?;
            let existing: Option<(String,)> = sqlx::query_as("SELECT code FROM plans LIMIT 1").fetch_optional(&mut *tx).await?;
            if let Some((code,)) = existing {
                return Err(StorageError::Conflict(format!("cơ sở dữ liệu đã có kế hoạch «{code}»")));
            }
            sqlx::query("INSERT INTO plans (code, number, source, loaded_at, loaded_by) VALUES ($1, $2, $3, $4, $5)")
                .bind(&plan.info.code).bind(&plan.info.number).bind(source).bind(stamp.at_text()).bind(&stamp.actor)
                .execute(&mut *tx).await?;
            for u in &units {
                sqlx::query("INSERT INTO org_units (code, parent_code, unit_type, name, gso_code, valid_from, valid_to) VALUES ($1, $2, $3, $4, $5, $6, $7)")
                    .bind(&u.code).bind(&u.parent).bind(u.unit_type.code()).bind(&u.name).bind(&u.gso_code)
                    .bind(u.valid_from.map(|d| d.to_string())).bind(u.valid_to.map(|d| d.to_string()))
                    .execute(&mut *tx).await?;
            }
            for e in &plan.data_elements {
                let vt = serde_json::to_value(e.value_type).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default();
                sqlx::query("INSERT INTO data_elements (code, name, value_type) VALUES ($1, $2, $3)")
                    .bind(&e.code).bind(&e.name).bind(vt).execute(&mut *tx).await?;
            }
            sqlx::query("INSERT INTO audit_events (at, actor, action, new_value, reason) VALUES ($1, $2, 'plan.install', $3, $4)")
                .bind(stamp.at_text()).bind(&stamp.actor).bind(format!("{} ({})", plan.info.number, plan.info.code)).bind(&stamp.reason)
                .execute(&mut *tx).await?;
            tx.commit().await?;
        });
        Ok(())
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
