//! XHHT domain core: the plan model, its file format and checks, the formula
//! language, indicator computation and validation. No I/O: everything here is
//! a pure function of its inputs, so it can be read and tested alone.

pub mod access;
pub mod audit;
pub mod formula;
pub mod indicator;
pub mod narrative;
pub mod plan;
pub mod reminders;
pub mod text;
pub mod units;
pub mod validation;
pub mod values;
pub mod workflow;
