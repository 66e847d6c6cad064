//! Indicator roll-ups: per (area, indicator, year), the sums of the
//! contributions of every unit below the area. Approval updates them by the
//! difference between the unit's old and new contribution, in its own
//! transaction; `rebuild_rollups` recomputes them all from approved values.

use std::collections::HashMap;

use xhht_domain::audit::Change;
use xhht_domain::indicator::{Contribution, Rollup, areas_of, contribution};
use xhht_domain::plan::{OrgUnit, Plan};
use xhht_domain::values::{DataValue, UnitEnv, UnitValues, YearValues};
use xhht_domain::workflow::ReportState;

use crate::write::{Writer, args};
use crate::{Result, Store, with_db};

/// Rows to add for one unit's change: (area, indicator, bucket, Δnum, Δden, Δcounted).
pub(crate) type Delta = (String, String, i64, f64, f64, i64);

/// The roll-up rows that change when `unit`'s approved values go from `old` to `new`.
pub(crate) fn deltas(plan: &Plan, unit: &OrgUnit, year: i32, old: &UnitValues, new: &UnitValues) -> Vec<Delta> {
    let areas = areas_of(plan, unit, year);
    let mut out = Vec::new();
    for ind in &plan.indicators {
        let contrib = |v: &UnitValues| {
            contribution(
                plan,
                ind,
                unit,
                &UnitEnv {
                    plan,
                    this: Some(v),
                    prev: None,
                },
            )
        };
        let (Some(before), Some(after)) = (contrib(old), contrib(new)) else {
            continue;
        };
        if before == after {
            continue;
        }
        let mut diff = Rollup::default();
        diff.add(&after, 1);
        diff.add(&before, -1);
        for area in &areas {
            out.extend(rows_of(&area.code, &ind.code, &diff));
        }
    }
    out
}

/// A roll-up as table rows: the sums in bucket -1, rank counts in 0..
fn rows_of(area: &str, indicator: &str, r: &Rollup) -> Vec<Delta> {
    let mut out = vec![(
        area.to_string(),
        indicator.to_string(),
        -1,
        r.numerator,
        r.denominator,
        r.counted,
    )];
    for (rank, n) in r.ranks.iter().enumerate() {
        if *n != 0 {
            out.push((area.to_string(), indicator.to_string(), rank as i64, 0.0, 0.0, *n));
        }
    }
    out
}

pub(crate) const UPSERT: &str = "INSERT INTO indicator_rollups (area_code, indicator, year, bucket, numerator, denominator, counted, plan_id) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (plan_id, area_code, indicator, year, bucket) DO UPDATE SET \
     numerator = indicator_rollups.numerator + excluded.numerator, \
     denominator = indicator_rollups.denominator + excluded.denominator, \
     counted = indicator_rollups.counted + excluded.counted";

type RollupRow = (String, i32, i64, f64, f64, i64);

/// Puts one stored row into a roll-up: bucket -1 the sums, r >= 0 a rank count.
fn merge_row(r: &mut Rollup, bucket: i64, numerator: f64, denominator: f64, counted: i64) {
    match usize::try_from(bucket) {
        Err(_) => {
            r.numerator = numerator;
            r.denominator = denominator;
            r.counted = counted;
        }
        Ok(rank) => {
            if r.ranks.len() <= rank {
                r.ranks.resize(rank + 1, 0);
            }
            r.ranks[rank] = counted;
        }
    }
}

impl Store {
    /// Roll-ups of one area for a range of years: indicator → year → roll-up.
    pub async fn rollups(
        &self,
        area: &str,
        years: std::ops::RangeInclusive<i32>,
    ) -> Result<HashMap<String, HashMap<i32, Rollup>>> {
        let plan = self.plan_id().await?;
        let rows: Vec<RollupRow> = with_db!(&self.db, pool => {
            sqlx::query_as("SELECT indicator, year, bucket, numerator, denominator, counted FROM indicator_rollups WHERE area_code = $1 AND year >= $2 AND year <= $3 AND plan_id = $4")
                .bind(area).bind(*years.start()).bind(*years.end()).bind(plan).fetch_all(pool).await?
        });
        let mut out: HashMap<String, HashMap<i32, Rollup>> = HashMap::new();
        for (indicator, year, bucket, numerator, denominator, counted) in rows {
            let r = out.entry(indicator).or_default().entry(year).or_default();
            merge_row(r, bucket, numerator, denominator, counted);
        }
        Ok(out)
    }

    /// Roll-ups of several areas for one year: (area, indicator) → roll-up.
    pub async fn rollups_for_areas(&self, areas: &[&str], year: i32) -> Result<HashMap<(String, String), Rollup>> {
        let plan = self.plan_id().await?;
        let mut out: HashMap<(String, String), Rollup> = HashMap::new();
        for chunk in areas.chunks(500) {
            let rows: Vec<(String, String, i64, f64, f64, i64)> = with_db!(&self.db, pool => {
                let mut qb = sqlx::QueryBuilder::new("SELECT area_code, indicator, bucket, numerator, denominator, counted FROM indicator_rollups WHERE plan_id = ");
                qb.push_bind(plan).push(" AND year = ").push_bind(year).push(" AND area_code IN (");
                let mut sep = qb.separated(", ");
                for a in chunk {
                    sep.push_bind(*a);
                }
                qb.push(")");
                qb.build_query_as().fetch_all(pool).await?
            });
            for (area, indicator, bucket, numerator, denominator, counted) in rows {
                merge_row(
                    out.entry((area, indicator)).or_default(),
                    bucket,
                    numerator,
                    denominator,
                    counted,
                );
            }
        }
        Ok(out)
    }

    /// Recomputes every roll-up from the approved values, in one locked
    /// write (after a bulk load, or when the hierarchy changed). On
    /// PostgreSQL it first locks `reports` against writers, so no approval
    /// can change the values it reads before it commits.
    pub async fn rebuild_rollups(&self, plan: &Plan) -> Result<usize> {
        let mut w = self.begin_long_write().await?;
        w.lock_table("reports").await?;
        let mut all: Vec<(i32, Delta)> = Vec::new();
        for year in plan.entry_years() {
            let rows: Vec<(String, String, Option<f64>, Option<String>)> = w
                .fetch_all(
                    "SELECT org_unit_code, element_code, value_num, value_text FROM approved_values WHERE year = $1 AND plan_id = $2",
                    args![year, w.plan],
                )
                .await?;
            let values = crate::reports::to_year_values(plan, rows);
            let sums = year_sums(plan, year, &values);
            for ((area, ind), r) in sums {
                all.extend(rows_of(&area, &ind, &r).into_iter().map(|d| (year, d)));
            }
        }
        let n = all.len();
        w.execute("DELETE FROM indicator_rollups WHERE plan_id = $1", args![w.plan])
            .await?;
        let plan_id = w.plan;
        let batch = all
            .iter()
            .map(|(year, (area, ind, bucket, num, den, counted))| {
                args![area, ind, *year, *bucket, *num, *den, *counted, plan_id]
            })
            .collect();
        let cols = [
            "area_code",
            "indicator",
            "year",
            "bucket",
            "numerator",
            "denominator",
            "counted",
            "plan_id",
        ];
        w.insert_rows("indicator_rollups", &cols, batch).await?;
        w.commit().await?;
        Ok(n)
    }
}

/// The sums of every area's units for one year: (area, indicator) → roll-up.
fn year_sums(plan: &Plan, year: i32, values: &YearValues) -> HashMap<(String, String), Rollup> {
    let mut sums: HashMap<(String, String), Rollup> = HashMap::new();
    for unit in plan.units_in(year) {
        let Some(v) = values.unit(&unit.code) else { continue };
        for ind in &plan.indicators {
            let env = UnitEnv {
                plan,
                this: Some(v),
                prev: None,
            };
            let Some(c) = contribution(plan, ind, unit, &env) else {
                continue;
            };
            if c == Contribution::default() {
                continue;
            }
            for area in areas_of(plan, unit, year) {
                sums.entry((area.code.clone(), ind.code.clone()))
                    .or_default()
                    .add(&c, 1);
            }
        }
    }
    sums
}

impl Store {
    /// Loads a whole year of already-approved values in bulk: see
    /// [`Store::import_approved_years`].
    pub async fn import_approved_year(
        &self,
        stamp: &crate::Stamp,
        plan: &Plan,
        year: i32,
        values: &YearValues,
    ) -> Result<usize> {
        self.import_approved_years(stamp, plan, &[(year, values)]).await
    }

    /// Loads whole years of already-approved values in bulk (a unit's
    /// history from another system, synthetic fixtures), in one
    /// transaction: reports marked approved, their values as the official
    /// copy (which is also their working copy while they stay approved),
    /// one audit event per year; then the caller rebuilds the roll-ups.
    /// Returns how many values were stored.
    pub async fn import_approved_years(
        &self,
        stamp: &crate::Stamp,
        plan: &Plan,
        years: &[(i32, &YearValues)],
    ) -> Result<usize> {
        self.import_years(stamp, plan, years, BULK_WITHOUT_KEYS).await
    }

    /// [`Store::import_approved_years`], dropping the approved copy's
    /// foreign keys for the load from `without_keys_from` values on: they
    /// are checked once, over the whole table, when put back, so the years
    /// of one load share that check.
    async fn import_years(
        &self,
        stamp: &crate::Stamp,
        plan: &Plan,
        years: &[(i32, &YearValues)],
        without_keys_from: usize,
    ) -> Result<usize> {
        let mut w = self.begin_long_write().await?;
        for (year, values) in years {
            insert_reports(&mut w, stamp, *year, values).await?;
        }
        w.analyze("reports").await?;
        let total: usize = years.iter().map(|(_, v)| plan_values(plan, v).count()).sum();
        let keys = if total >= without_keys_from {
            w.suspend_foreign_keys(&["approved_values"]).await?
        } else {
            Vec::new()
        };
        let mut changes = Vec::new();
        for (year, values) in years {
            let rows = year_rows(plan, values);
            insert_approved(&mut w, stamp, *year, &rows).await?;
            let change = Change::ValuesImported {
                values: rows.len() as u64,
                units: values.units.len() as u64,
            };
            changes.push((*year, change));
        }
        w.restore_foreign_keys(keys).await?;
        for (year, change) in &changes {
            w.audit(stamp, None, Some(*year), change).await?;
        }
        w.commit().await?;
        Ok(total)
    }
}

/// One imported value: (unit, element, number, text).
type ImportRow<'a> = (&'a str, &'a str, Option<f64>, Option<String>);

/// The values of `values` that `plan` has an element for, in primary-key
/// order: each B-tree page is then filled once, in turn.
fn year_rows<'a>(plan: &Plan, values: &'a YearValues) -> Vec<ImportRow<'a>> {
    let mut rows: Vec<ImportRow<'a>> = plan_values(plan, values)
        .map(|(unit, code, v)| {
            let (n, t) = v.to_columns();
            (unit, code, n, t)
        })
        .collect();
    rows.sort_unstable_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
    rows
}

/// The values of `values` that `plan` has an element for.
fn plan_values<'a>(plan: &Plan, values: &'a YearValues) -> impl Iterator<Item = (&'a str, &'a str, &'a DataValue)> {
    values.units.iter().flat_map(move |(unit, vals)| {
        vals.iter()
            .filter(|(code, _)| plan.element(code).is_some())
            .map(|(code, v)| (unit.as_str(), code.as_str(), v))
    })
}

/// One approved report of `year` for every unit of `values`.
async fn insert_reports(w: &mut Writer, stamp: &crate::Stamp, year: i32, values: &YearValues) -> Result<()> {
    let at = stamp.at_text();
    let plan_id = w.plan;
    let mut units: Vec<&String> = values.units.keys().collect();
    units.sort_unstable();
    let reports = units
        .iter()
        .map(|unit| {
            args![
                *unit,
                year,
                ReportState::Approved.as_str(),
                &at,
                &at,
                &at,
                &at,
                &stamp.actor,
                plan_id
            ]
        })
        .collect();
    let cols = [
        "org_unit_code",
        "year",
        "state",
        "submitted_at",
        "first_submitted_at",
        "approved_at",
        "updated_at",
        "updated_by",
        "plan_id",
    ];
    w.insert_rows("reports", &cols, reports).await?;
    Ok(())
}

/// The values as the approved copy only: an approved report's working
/// values are read from it (see `reports::working_table`) until it is
/// reopened, which copies them back. Half the rows of writing both.
async fn insert_approved(w: &mut Writer, stamp: &crate::Stamp, year: i32, rows: &[ImportRow<'_>]) -> Result<()> {
    let at = stamp.at_text();
    let plan_id = w.plan;
    let cols = [
        "org_unit_code",
        "element_code",
        "year",
        "value_num",
        "value_text",
        "approved_at",
        "approved_by",
        "plan_id",
    ];
    let batch = rows
        .iter()
        .map(|(unit, code, n, t)| args![*unit, *code, year, *n, t, &at, &stamp.actor, plan_id])
        .collect();
    w.insert_rows("approved_values", &cols, batch).await?;
    Ok(())
}

/// Values from which an import drops the approved copy's foreign keys for
/// its load and checks them once after (PostgreSQL; see
/// `Writer::suspend_foreign_keys`): below it, checking row by row costs
/// less than checking the whole table, and readers are not locked out.
const BULK_WITHOUT_KEYS: usize = 100_000;

#[cfg(test)]
mod tests {
    use xhht_domain::plan::{self, BUILTIN_BA_DINH};
    use xhht_domain::values::{DataValue, YearValues};

    use crate::{Stamp, Store, test_support};

    /// The value tables' foreign keys, as the database defines them.
    async fn keys(store: &Store) -> Vec<String> {
        let rows: Vec<(String,)> = crate::with_db!(&store.db, pool => {
            match store.backend() {
                crate::Backend::Postgres => sqlx::query_as(
                    "SELECT conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint \
                     WHERE contype = 'f' AND conrelid IN ('data_values'::regclass, 'approved_values'::regclass) ORDER BY 1",
                ),
                crate::Backend::Sqlite => sqlx::query_as(
                    "SELECT m.name || ' ' || f.\"table\" || ' ' || f.\"from\" || ' ' || f.\"to\" FROM sqlite_master m, pragma_foreign_key_list(m.name) f \
                     WHERE m.name IN ('data_values', 'approved_values') ORDER BY 1",
                ),
            }
            .fetch_all(pool)
            .await
            .unwrap()
        });
        rows.into_iter().map(|(k,)| k).collect()
    }

    /// A load big enough to drop the keys (here: any) stores its values and
    /// leaves every key as it was, still refusing a value with no report.
    #[tokio::test]
    async fn a_bulk_import_leaves_the_foreign_keys_as_they_were() {
        for store in test_support::stores("bulk_keys").await {
            let b = store.backend();
            let plan = plan::builtin();
            let store = store
                .install_plan(&plan, BUILTIN_BA_DINH, &Stamp::now("test"))
                .await
                .unwrap();
            let before = keys(&store).await;
            assert!(before.len() >= 4, "{b:?}: {before:?}");
            let mut year = YearValues::default();
            year.set("00001", "pop_15_60", DataValue::Number(900.0));
            year.set("00004", "pop_15_60", DataValue::Number(5.0));
            let mut earlier = YearValues::default();
            earlier.set("00004", "pop_15_60", DataValue::Number(4.0));
            let events = store.audit_count().await.unwrap();
            let n = store
                .import_years(&Stamp::now("test"), &plan, &[(2024, &earlier), (2025, &year)], 1)
                .await
                .unwrap();
            assert_eq!(n, 3, "{b:?}");
            assert_eq!(keys(&store).await, before, "{b:?}: the keys are back as they were");
            for (y, v) in [(2024, 4.0), (2025, 5.0)] {
                let back = store.approved_values(&plan, y).await.unwrap();
                assert_eq!(
                    back.unit("00004").unwrap().get("pop_15_60"),
                    Some(&DataValue::Number(v)),
                    "{b:?} {y}"
                );
                assert_eq!(store.reports(y).await.unwrap().len(), back.units.len(), "{b:?} {y}");
            }
            assert_eq!(
                store.audit_count().await.unwrap(),
                events + 2,
                "{b:?}: one event per year"
            );
            let orphan = "INSERT INTO approved_values (org_unit_code, element_code, year, value_num, approved_at, approved_by, plan_id) \
                          VALUES ('00001', 'pop_15_60', 2019, 1, 'x', 'x', (SELECT MIN(id) FROM plans))";
            let refused = crate::with_db!(&store.db, pool => sqlx::query(orphan).execute(pool).await.is_err());
            assert!(refused, "{b:?}: a value with no report is still refused");
        }
    }
}
