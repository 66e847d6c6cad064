//! The register of administrative units in the database (`admin_units` and
//! its links, migration 0010): a bulk import, lookups by date and the
//! administrator's shares. Owned by no plan.

use std::collections::{BTreeSet, HashMap};

use chrono::NaiveDate;
use serde::Serialize;
use xhht_domain::units::{
    AdminUnit, AdminUnitType, LinkKind, ParentLink, Register, Share, ShareSource, SuccessorLink, UnitKey, UnitsOnDate,
    units_on_date,
};

use xhht_domain::audit::Change;

use crate::write::{Arg, args};
use crate::{Result, Stamp, StorageError, Store, with_db};

/// What an import wrote: rows in the files, and how many were new.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct ImportCounts {
    pub units: usize,
    pub new_units: usize,
    pub parent_links: usize,
    pub links: usize,
    pub new_links: usize,
    /// Estimated shares written (entered ones are never overwritten).
    pub estimated_shares: usize,
}

/// Rows per INSERT: well under SQLite's 32,766 and PostgreSQL's 65,535
/// bound parameters at nine columns.
const BATCH: usize = 500;

/// `($1, $2, …), (…)` for `rows` rows of `cols` columns: one SQL text that
/// both drivers accept.
fn placeholders(rows: usize, cols: usize) -> String {
    (0..rows)
        .map(|r| {
            let row: Vec<String> = (1..=cols).map(|c| format!("${}", r * cols + c)).collect();
            format!("({})", row.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Key dates as stored: '' for "before the records begin".
fn key_date(d: Option<NaiveDate>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

fn opt_date(d: Option<NaiveDate>) -> Option<String> {
    d.map(|d| d.to_string())
}

fn parse_key_date(s: &str) -> Result<Option<NaiveDate>> {
    if s.is_empty() {
        Ok(None)
    } else {
        parse_date(s).map(Some)
    }
}

fn parse_date(s: &str) -> Result<NaiveDate> {
    s.parse()
        .map_err(|_| StorageError::Corrupt(format!("date {s:?} in the unit register")))
}

fn parse_opt_date(s: Option<String>) -> Result<Option<NaiveDate>> {
    s.as_deref().map(parse_date).transpose()
}

type UnitRow = (
    String,
    String,
    Option<String>,
    String,
    String,
    String,
    Option<i64>,
    Option<f64>,
    String,
);
type LinkRow = (String, String, String, String, String, String, String);
type ShareRow = (String, String, String, String, String, f64, String);
type ParentRow = (String, String, String, Option<String>, String, String);
/// A day's units, the units linked to them, parent links, links and shares.
type DayRows = (Vec<UnitRow>, Vec<UnitRow>, Vec<ParentRow>, Vec<LinkRow>, Vec<ShareRow>);

const UNIT_COLUMNS: &str =
    "u.code, u.valid_from, u.valid_to, u.name, u.short_name, u.unit_type, u.population, u.area_km2, u.source";
const LIVE: &str = "valid_from <= $1 AND (valid_to IS NULL OR valid_to >= $1)";

fn unit_of(r: UnitRow) -> Result<AdminUnit> {
    let (code, from, to, name, short_name, t, population, area_km2, source) = r;
    Ok(AdminUnit {
        key: UnitKey::new(code, parse_key_date(&from)?),
        valid_to: parse_opt_date(to)?,
        name,
        short_name,
        unit_type: AdminUnitType::parse(&t)
            .ok_or_else(|| StorageError::Corrupt(format!("unit type {t:?} in the unit register")))?,
        population: population.and_then(|p| u64::try_from(p).ok()),
        area_km2,
        source,
    })
}

fn link_of(r: LinkRow) -> Result<SuccessorLink> {
    let (fc, ff, tc, tf, kind, effective, source) = r;
    Ok(SuccessorLink {
        from: UnitKey::new(fc, parse_key_date(&ff)?),
        to: UnitKey::new(tc, parse_key_date(&tf)?),
        kind: LinkKind::parse(&kind)
            .ok_or_else(|| StorageError::Corrupt(format!("link kind {kind:?} in the unit register")))?,
        effective: parse_date(&effective)?,
        source,
        shares: Vec::new(),
    })
}

fn parent_of(r: ParentRow) -> Result<ParentLink> {
    let (code, vf, from, to, pc, pvf) = r;
    Ok(ParentLink {
        child: UnitKey::new(code, parse_key_date(&vf)?),
        parent: UnitKey::new(pc, parse_key_date(&pvf)?),
        from: parse_key_date(&from)?,
        to: parse_opt_date(to)?,
    })
}

/// Puts each share on its link.
fn attach_shares(links: &mut [SuccessorLink], shares: Vec<ShareRow>) -> Result<()> {
    let mut by_key: HashMap<(UnitKey, UnitKey), usize> = HashMap::new();
    for (i, l) in links.iter().enumerate() {
        by_key.insert((l.from.clone(), l.to.clone()), i);
    }
    for (fc, ff, tc, tf, measure, value, source) in shares {
        let k = (
            UnitKey::new(fc, parse_key_date(&ff)?),
            UnitKey::new(tc, parse_key_date(&tf)?),
        );
        if let Some(&i) = by_key.get(&k) {
            links[i].shares.push(Share {
                measure,
                value,
                source: ShareSource::parse(&source).unwrap_or(ShareSource::Estimated),
            });
        }
    }
    Ok(())
}

fn bad_register(problems: Vec<xhht_domain::units::RegisterProblem>) -> StorageError {
    let list: Vec<String> = problems.iter().take(5).map(ToString::to_string).collect();
    StorageError::Corrupt(format!("inconsistent unit register: {}", list.join("; ")))
}

impl Store {
    /// Loads a register into the database in one transaction with one audit
    /// event: new units and links are added, known ones updated, estimated
    /// shares refreshed; shares an administrator entered are kept, and
    /// nothing is deleted. Importing the same register twice changes nothing.
    pub async fn import_units(&self, stamp: &Stamp, register: &Register) -> Result<ImportCounts> {
        let mut counts = ImportCounts {
            units: register.units().len(),
            parent_links: register.parents().len(),
            links: register.links().len(),
            ..ImportCounts::default()
        };
        let count_units = "SELECT COUNT(*) FROM admin_units";
        let count_links = "SELECT COUNT(*) FROM admin_unit_links";
        // Through the one write path: the write lock (and on PostgreSQL the
        // register's tables) for the whole import, and a chained audit event.
        let mut w = self.begin_long_write().await?;
        for table in [
            "admin_units",
            "admin_unit_parents",
            "admin_unit_links",
            "admin_unit_link_shares",
        ] {
            w.lock_table(table).await?;
        }
        let (units_before,): (i64,) = w.fetch_one(count_units, Vec::new()).await?;
        let (links_before,): (i64,) = w.fetch_one(count_links, Vec::new()).await?;
        for chunk in register.units().chunks(BATCH) {
            let sql = format!(
                "INSERT INTO admin_units (code, valid_from, valid_to, name, short_name, unit_type, population, area_km2, source) VALUES {} \
                 ON CONFLICT (code, valid_from) DO UPDATE SET valid_to = excluded.valid_to, name = excluded.name, \
                 short_name = excluded.short_name, unit_type = excluded.unit_type, population = excluded.population, \
                 area_km2 = excluded.area_km2, source = excluded.source",
                placeholders(chunk.len(), 9)
            );
            let mut params: Vec<Arg> = Vec::with_capacity(chunk.len() * 9);
            for u in chunk {
                params.extend(args![
                    &u.key.code,
                    key_date(u.key.valid_from),
                    opt_date(u.valid_to),
                    &u.name,
                    &u.short_name,
                    u.unit_type.code(),
                    u.population.and_then(|p| i64::try_from(p).ok()),
                    u.area_km2,
                    &u.source
                ]);
            }
            w.execute(&sql, params).await?;
        }
        for chunk in register.parents().chunks(BATCH) {
            let sql = format!(
                "INSERT INTO admin_unit_parents (code, valid_from, from_date, to_date, parent_code, parent_valid_from) VALUES {} \
                 ON CONFLICT (code, valid_from, from_date) DO UPDATE SET to_date = excluded.to_date, \
                 parent_code = excluded.parent_code, parent_valid_from = excluded.parent_valid_from",
                placeholders(chunk.len(), 6)
            );
            let mut params: Vec<Arg> = Vec::with_capacity(chunk.len() * 6);
            for p in chunk {
                params.extend(args![
                    &p.child.code,
                    key_date(p.child.valid_from),
                    key_date(p.from),
                    opt_date(p.to),
                    &p.parent.code,
                    key_date(p.parent.valid_from)
                ]);
            }
            w.execute(&sql, params).await?;
        }
        for chunk in register.links().chunks(BATCH) {
            let sql = format!(
                "INSERT INTO admin_unit_links (from_code, from_valid_from, to_code, to_valid_from, kind, effective, source) VALUES {} \
                 ON CONFLICT (from_code, from_valid_from, to_code, to_valid_from) DO UPDATE SET kind = excluded.kind, \
                 effective = excluded.effective, source = excluded.source",
                placeholders(chunk.len(), 7)
            );
            let mut params: Vec<Arg> = Vec::with_capacity(chunk.len() * 7);
            for l in chunk {
                params.extend(args![
                    &l.from.code,
                    key_date(l.from.valid_from),
                    &l.to.code,
                    key_date(l.to.valid_from),
                    l.kind.code(),
                    l.effective.to_string(),
                    &l.source
                ]);
            }
            w.execute(&sql, params).await?;
        }
        let shares: Vec<(&SuccessorLink, &Share)> = register
            .links()
            .iter()
            .flat_map(|l| {
                l.shares
                    .iter()
                    .filter(|s| s.source == ShareSource::Estimated)
                    .map(move |s| (l, s))
            })
            .collect();
        counts.estimated_shares = shares.len();
        let at = stamp.at_text();
        for chunk in shares.chunks(BATCH) {
            let sql = format!(
                "INSERT INTO admin_unit_link_shares (from_code, from_valid_from, to_code, to_valid_from, measure, share, share_source, set_at, set_by) VALUES {} \
                 ON CONFLICT (from_code, from_valid_from, to_code, to_valid_from, measure) DO UPDATE SET share = excluded.share, \
                 set_at = excluded.set_at, set_by = excluded.set_by WHERE admin_unit_link_shares.share_source = 'estimated' \
                 AND admin_unit_link_shares.share <> excluded.share",
                placeholders(chunk.len(), 9)
            );
            let mut params: Vec<Arg> = Vec::with_capacity(chunk.len() * 9);
            for (l, s) in chunk {
                params.extend(args![
                    &l.from.code,
                    key_date(l.from.valid_from),
                    &l.to.code,
                    key_date(l.to.valid_from),
                    &s.measure,
                    s.value,
                    ShareSource::Estimated.code(),
                    &at,
                    &stamp.actor
                ]);
            }
            w.execute(&sql, params).await?;
        }
        let (units_after,): (i64,) = w.fetch_one(count_units, Vec::new()).await?;
        let (links_after,): (i64,) = w.fetch_one(count_links, Vec::new()).await?;
        counts.new_units = usize::try_from(units_after - units_before).unwrap_or(0);
        counts.new_links = usize::try_from(links_after - links_before).unwrap_or(0);
        let change = Change::UnitsImported {
            units: counts.units as u64,
            new_units: counts.new_units as u64,
            parent_links: counts.parent_links as u64,
            links: counts.links as u64,
            new_links: counts.new_links as u64,
            estimated_shares: counts.estimated_shares as u64,
        };
        w.audit_outside_plan(stamp, None, &change).await?;
        w.commit().await?;
        Ok(counts)
    }

    /// Whether any administrative unit is loaded.
    pub async fn has_units(&self) -> Result<bool> {
        let row: Option<(String,)> = with_db!(&self.db, pool => {
            sqlx::query_as("SELECT code FROM admin_units LIMIT 1").fetch_optional(pool).await?
        });
        Ok(row.is_some())
    }

    /// The whole register, checked again (for computations that walk links).
    pub async fn load_units(&self) -> Result<Register> {
        let (units, parents, links, shares): (Vec<UnitRow>, Vec<ParentRow>, Vec<LinkRow>, Vec<ShareRow>) = with_db!(&self.db, pool => {(
            sqlx::query_as(&format!("SELECT {UNIT_COLUMNS} FROM admin_units u ORDER BY u.code, u.valid_from")).fetch_all(pool).await?,
            sqlx::query_as("SELECT code, valid_from, from_date, to_date, parent_code, parent_valid_from FROM admin_unit_parents ORDER BY code, valid_from, from_date").fetch_all(pool).await?,
            sqlx::query_as("SELECT from_code, from_valid_from, to_code, to_valid_from, kind, effective, source FROM admin_unit_links ORDER BY from_code, from_valid_from, to_code, to_valid_from").fetch_all(pool).await?,
            sqlx::query_as("SELECT from_code, from_valid_from, to_code, to_valid_from, measure, share, share_source FROM admin_unit_link_shares ORDER BY measure").fetch_all(pool).await?,
        )});
        let mut units = units.into_iter().map(unit_of).collect::<Result<Vec<_>>>()?;
        // In key order whatever the database's collation.
        units.sort_by(|a, b| a.key.cmp(&b.key));
        let parents = parents.into_iter().map(parent_of).collect::<Result<Vec<_>>>()?;
        let mut links = links.into_iter().map(link_of).collect::<Result<Vec<_>>>()?;
        attach_shares(&mut links, shares)?;
        Register::new(units, parents, links).map_err(bad_register)
    }

    /// The units existing on `date` (or those below the unit bearing code
    /// `within` that day), with type, parent and links: the body of
    /// `GET /api/v1/org-units?date=…`. Reads only that day's units, their
    /// parent links and the links touching them, then lays them out with the
    /// same domain function as a whole register would.
    pub async fn units_on(&self, date: NaiveDate, within: Option<&str>) -> Result<UnitsOnDate> {
        let day = date.to_string();
        let touching = format!(
            "WITH live AS (SELECT code, valid_from FROM admin_units WHERE {LIVE}), \
             touching AS (SELECT l.from_code, l.from_valid_from, l.to_code, l.to_valid_from FROM admin_unit_links l \
               JOIN live ON live.code = l.from_code AND live.valid_from = l.from_valid_from \
             UNION SELECT l.from_code, l.from_valid_from, l.to_code, l.to_valid_from FROM admin_unit_links l \
               JOIN live ON live.code = l.to_code AND live.valid_from = l.to_valid_from)"
        );
        let join_touching = "JOIN touching t ON t.from_code = l.from_code AND t.from_valid_from = l.from_valid_from \
                             AND t.to_code = l.to_code AND t.to_valid_from = l.to_valid_from";
        let (units, others, parents, links, shares): DayRows = with_db!(&self.db, pool => {(
            sqlx::query_as(&format!("SELECT {UNIT_COLUMNS} FROM admin_units u WHERE {LIVE}")).bind(&day).fetch_all(pool).await?,
            sqlx::query_as(&format!(
                "{touching} SELECT {UNIT_COLUMNS} FROM admin_units u JOIN touching t ON t.from_code = u.code AND t.from_valid_from = u.valid_from \
                 UNION SELECT {UNIT_COLUMNS} FROM admin_units u JOIN touching t ON t.to_code = u.code AND t.to_valid_from = u.valid_from"
            )).bind(&day).fetch_all(pool).await?,
            sqlx::query_as("SELECT code, valid_from, from_date, to_date, parent_code, parent_valid_from FROM admin_unit_parents \
                            WHERE from_date <= $1 AND (to_date IS NULL OR to_date >= $1)").bind(&day).fetch_all(pool).await?,
            sqlx::query_as(&format!(
                "{touching} SELECT l.from_code, l.from_valid_from, l.to_code, l.to_valid_from, l.kind, l.effective, l.source \
                 FROM admin_unit_links l {join_touching}"
            )).bind(&day).fetch_all(pool).await?,
            sqlx::query_as(&format!(
                "{touching} SELECT l.from_code, l.from_valid_from, l.to_code, l.to_valid_from, l.measure, l.share, l.share_source \
                 FROM admin_unit_link_shares l {join_touching} ORDER BY l.measure"
            )).bind(&day).fetch_all(pool).await?,
        )});
        let mut seen = BTreeSet::new();
        let mut all = Vec::new();
        for row in units.into_iter().chain(others) {
            let u = unit_of(row)?;
            if seen.insert(u.key.clone()) {
                all.push(u);
            }
        }
        let parents = parents.into_iter().map(parent_of).collect::<Result<Vec<_>>>()?;
        let mut links = links.into_iter().map(link_of).collect::<Result<Vec<_>>>()?;
        attach_shares(&mut links, shares)?;
        let register = Register::new(all, parents, links).map_err(bad_register)?;
        units_on_date(&register, date, within).map_err(|_| {
            StorageError::NotFound(crate::Missing::Unit {
                code: within.unwrap_or_default().to_string(),
            })
        })
    }

    /// Where `key` went: its successor links with their shares.
    pub async fn unit_successors(&self, key: &UnitKey) -> Result<Vec<SuccessorLink>> {
        self.links_where("l.from_code = $1 AND l.from_valid_from = $2", key)
            .await
    }

    /// What `key` was made of: the links into it with their shares.
    pub async fn unit_predecessors(&self, key: &UnitKey) -> Result<Vec<SuccessorLink>> {
        self.links_where("l.to_code = $1 AND l.to_valid_from = $2", key).await
    }

    async fn links_where(&self, condition: &str, key: &UnitKey) -> Result<Vec<SuccessorLink>> {
        let from = key_date(key.valid_from);
        let (links, shares): (Vec<LinkRow>, Vec<ShareRow>) = with_db!(&self.db, pool => {(
            sqlx::query_as(&format!(
                "SELECT l.from_code, l.from_valid_from, l.to_code, l.to_valid_from, l.kind, l.effective, l.source \
                 FROM admin_unit_links l WHERE {condition} ORDER BY l.from_code, l.to_code"
            )).bind(&key.code).bind(&from).fetch_all(pool).await?,
            sqlx::query_as(&format!(
                "SELECT l.from_code, l.from_valid_from, l.to_code, l.to_valid_from, l.measure, l.share, l.share_source \
                 FROM admin_unit_link_shares l WHERE {condition} ORDER BY l.measure"
            )).bind(&key.code).bind(&from).fetch_all(pool).await?,
        )});
        let mut links = links.into_iter().map(link_of).collect::<Result<Vec<_>>>()?;
        attach_shares(&mut links, shares)?;
        Ok(links)
    }

    /// An administrator's split of one old unit among its partial
    /// successors for `measure`: every partial successor once, each share in
    /// 0..=1, together the whole (100 %). Written as `entered` with one audit
    /// event per changed share, in one transaction; anything wrong changes
    /// nothing.
    pub async fn set_unit_shares(
        &self,
        stamp: &Stamp,
        from: &UnitKey,
        measure: &str,
        shares: &[(UnitKey, f64)],
    ) -> Result<usize> {
        let links = self.unit_successors(from).await?;
        xhht_domain::units::check_split(from, measure, &links, shares)
            .map_err(|problem| StorageError::Conflict(crate::Conflict::InvalidSplit { problem }))?;
        let at = stamp.at_text();
        let ff = key_date(from.valid_from);
        let mut changed = 0;
        let mut w = self.begin_write().await?;
        w.lock_table("admin_unit_link_shares").await?;
        for (to, value) in shares {
            let tf = key_date(to.valid_from);
            let old: Option<(f64, String)> = w
                .fetch_optional(
                    "SELECT share, share_source FROM admin_unit_link_shares WHERE from_code = $1 AND from_valid_from = $2 \
                     AND to_code = $3 AND to_valid_from = $4 AND measure = $5",
                    args![&from.code, &ff, &to.code, &tf, measure],
                )
                .await?;
            if old
                .as_ref()
                .is_some_and(|(v, s)| v == value && s == ShareSource::Entered.code())
            {
                continue;
            }
            w.execute(
                "INSERT INTO admin_unit_link_shares (from_code, from_valid_from, to_code, to_valid_from, measure, share, share_source, set_at, set_by) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (from_code, from_valid_from, to_code, to_valid_from, measure) \
                 DO UPDATE SET share = excluded.share, share_source = excluded.share_source, set_at = excluded.set_at, set_by = excluded.set_by",
                args![&from.code, &ff, &to.code, &tf, measure, *value, ShareSource::Entered.code(), &at, &stamp.actor],
            )
            .await?;
            let change = Change::UnitShareSet {
                from: from.to_string(),
                to: to.to_string(),
                measure: measure.to_string(),
                old: old.map(|(v, _)| v),
                new: *value,
            };
            w.audit_outside_plan(stamp, Some(&from.code), &change).await?;
            changed += 1;
        }
        w.commit().await?;
        Ok(changed)
    }
}
