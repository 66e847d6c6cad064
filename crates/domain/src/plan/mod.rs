//! The checked plan: what the rest of XHHT reads.
//!
//! A plan file ([`file`]) is turned into a [`Plan`] by [`load`], which checks
//! everything that can be checked and reports each problem with its line and
//! column. A `Plan` is therefore always consistent: every code it mentions
//! exists, every formula is parsed and typed.

mod check;
pub mod file;
mod model;
mod read;

pub use check::{FORMATS, Problem, load};
pub use model::*;

/// The built-in plan: Ba Đình's 56/KH-UBND (2022).
pub const BUILTIN_BA_DINH: &str = include_str!("../../../../plans/ba-dinh-56-2022.toml");

/// A sample successor plan (clearly marked as one): Phường Ba Đình's own
/// 2026-2030 plan after the 2025 reorganisation, for the demo.
pub const SAMPLE_WARD_BA_DINH: &str = include_str!("../../../../plans/phuong-ba-dinh-2026-mau.toml");

/// Loads the sample ward plan (checked by tests).
pub fn sample_ward() -> Plan {
    load(SAMPLE_WARD_BA_DINH).unwrap_or_else(|p| panic!("sample ward plan is invalid: {p:?}"))
}

/// Loads the built-in plan. It is checked by tests, so failure here is a bug.
pub fn builtin() -> Plan {
    load(BUILTIN_BA_DINH).unwrap_or_else(|p| panic!("built-in plan is invalid: {p:?}"))
}

#[cfg(test)]
mod tests;
