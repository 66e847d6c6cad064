//! One indicator across the units of an area, for the indicator page and the
//! report's annex.

use xhht_domain::plan::{Direction, OrgUnit};
use xhht_domain::text;
use xhht_storage::StorageError;

use super::{expected, progress_of};
use crate::present::Shown;
use crate::state::AppState;

/// The units an indicator compares under `area`: its children that count in it.
pub fn compared_units<'a>(state: &'a AppState, ind_index: usize, area: &str, year: i32) -> Vec<&'a OrgUnit> {
    let plan = &state.plan;
    plan.units_in(year)
        .filter(|u| u.parent.as_deref() == Some(area))
        .filter(|u| expected(state, year, &u.code)[ind_index] > 0)
        .collect()
}

/// One unit's line in an indicator's comparison.
pub struct UnitLine {
    pub code: String,
    pub name: String,
    pub value: Option<f64>,
    pub s: Shown,
}

/// The compared units' values of one indicator in `year`, sorted by value
/// (best first) or by Vietnamese alphabetical order.
pub async fn unit_lines(
    state: &AppState,
    ind_index: usize,
    area: &str,
    year: i32,
    by_name: bool,
) -> Result<Vec<UnitLine>, StorageError> {
    let plan = &state.plan;
    let ind = &plan.indicators[ind_index];
    let units = compared_units(state, ind_index, area, year);
    let codes: Vec<&str> = units.iter().map(|u| u.code.as_str()).collect();
    let rollups = state.store.rollups_for_areas(&codes, year).await?;
    let mut lines: Vec<UnitLine> = units
        .iter()
        .map(|u| {
            let r = rollups
                .get(&(u.code.clone(), ind.code.clone()))
                .cloned()
                .unwrap_or_default();
            let v = r.value(ind, &u.code, year, expected(state, year, &u.code)[ind_index]);
            // Without a baseline a unit short of the target reads "behind".
            let p = progress_of(plan, ind, &v, None, year);
            UnitLine {
                code: u.code.clone(),
                name: u.display_name().to_string(),
                value: v.value,
                s: Shown::new(ind, &v, &p),
            }
        })
        .collect();
    if by_name {
        lines.sort_by_key(|l| text::sort_key(&l.name));
    } else {
        let sign = if ind.direction == Direction::Increase {
            -1.0
        } else {
            1.0
        };
        lines.sort_by(|a, b| {
            let key = |l: &UnitLine| l.value.map_or(f64::INFINITY, |v| v * sign);
            key(a)
                .total_cmp(&key(b))
                .then_with(|| text::sort_key(&a.name).cmp(&text::sort_key(&b.name)))
        });
    }
    Ok(lines)
}
