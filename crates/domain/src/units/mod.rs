//! The register of administrative units over time, owned by no plan.
//!
//! Official codes (GSO "mã đơn vị hành chính") were reused in 2025 — 00004 was
//! Trúc Bạch and is now Phường Ba Đình — so a unit is keyed by its code *and*
//! the day it began ([`UnitKey`]), and every lookup is by date. Parents are
//! dated links, and successor links record where a unit went when the map
//! changed, with the share of it (per measure, population by default) that
//! each successor took.

mod bridge;
mod carry;
pub mod official;
mod register;
mod split;
mod types;
mod view;

pub use bridge::{plan_unit_for, register_key, reports_in, successor_names};
pub use carry::{
    CarriedRollup, CarriedValues, EstimatedValue, Source, SourceUse, Sources, carry_rollup, carry_values, sources,
};
pub use register::{Register, RegisterProblem};
pub use split::{SplitProblem, check_split};
pub use types::{
    AdminUnit, AdminUnitType, LinkKind, POPULATION, ParentLink, Share, ShareSource, SuccessorLink, UnitKey, day_before,
    jan1,
};
pub use view::{LinkView, ParentView, UnitOnDate, UnitsOnDate, units_on_date};

#[cfg(test)]
mod tests;
