//! The units existing on a day, as `GET /api/v1/org-units?date=…` returns them.

use chrono::NaiveDate;
use serde::Serialize;

use super::register::Register;
use super::types::{AdminUnit, AdminUnitType, LinkKind, Share, SuccessorLink, UnitKey};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnitsOnDate {
    pub date: NaiveDate,
    /// The area asked for (`within`), if any.
    pub within: Option<ParentView>,
    pub units: Vec<UnitOnDate>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnitOnDate {
    pub code: String,
    pub valid_from: Option<NaiveDate>,
    pub valid_to: Option<NaiveDate>,
    pub name: String,
    pub short_name: String,
    #[serde(rename = "type")]
    pub unit_type: AdminUnitType,
    /// The type as written in Vietnamese (Phường, Xã, Đặc khu…).
    pub type_name: &'static str,
    pub level: u8,
    pub population: Option<u64>,
    pub area_km2: Option<f64>,
    pub parent: Option<ParentView>,
    /// Units it was made of (links into it).
    pub predecessors: Vec<LinkView>,
    /// Units it went into (links out of it).
    pub successors: Vec<LinkView>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ParentView {
    pub code: String,
    pub valid_from: Option<NaiveDate>,
    pub name: String,
}

/// The other end of a link.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LinkView {
    pub code: String,
    pub valid_from: Option<NaiveDate>,
    pub name: String,
    pub kind: LinkKind,
    pub effective: NaiveDate,
    pub shares: Vec<Share>,
}

fn sorted(mut links: Vec<LinkView>) -> Vec<LinkView> {
    links.sort_by(|a, b| (&a.code, a.valid_from).cmp(&(&b.code, b.valid_from)));
    links
}

fn parent_view(u: &AdminUnit) -> ParentView {
    ParentView {
        code: u.key.code.clone(),
        valid_from: u.key.valid_from,
        name: u.name.clone(),
    }
}

fn link_view(register: &Register, l: &SuccessorLink, other: &UnitKey) -> LinkView {
    LinkView {
        code: other.code.clone(),
        valid_from: other.valid_from,
        name: register.unit(other).map_or_else(String::new, |u| u.name.clone()),
        kind: l.kind,
        effective: l.effective,
        shares: l.shares.clone(),
    }
}

/// The units existing on `date` (all of them, or those below the unit that
/// bears code `within` that day), each with its type, its parent that
/// day and its links. `Err` names an unknown area.
pub fn units_on_date(register: &Register, date: NaiveDate, within: Option<&str>) -> Result<UnitsOnDate, String> {
    let area = match within {
        Some(code) => Some(register.find(code, date).ok_or_else(|| {
            format!(
                "không có đơn vị hành chính mã “{code}” vào ngày {}",
                date.format("%d/%m/%Y")
            )
        })?),
        None => None,
    };
    let mut units: Vec<UnitOnDate> = register
        .on(date)
        .filter(|u| area.is_none_or(|a| u.key != a.key && register.is_within(&u.key, &a.key, date)))
        .map(|u| UnitOnDate {
            code: u.key.code.clone(),
            valid_from: u.key.valid_from,
            valid_to: u.valid_to,
            name: u.name.clone(),
            short_name: u.short_name.clone(),
            unit_type: u.unit_type,
            type_name: u.unit_type.vietnamese(),
            level: u.unit_type.level(),
            population: u.population,
            area_km2: u.area_km2,
            parent: register.parent_on(&u.key, date).map(parent_view),
            predecessors: sorted(
                register
                    .predecessors(&u.key)
                    .map(|l| link_view(register, l, &l.from))
                    .collect(),
            ),
            successors: sorted(
                register
                    .successors(&u.key)
                    .map(|l| link_view(register, l, &l.to))
                    .collect(),
            ),
        })
        .collect();
    // Provinces first, then districts, then wards; by code within a level.
    units.sort_by(|a, b| (a.level, &a.code).cmp(&(b.level, &b.code)));
    Ok(UnitsOnDate {
        date,
        within: area.map(parent_view),
        units,
    })
}
