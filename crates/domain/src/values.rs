//! Reported values and the sets the engine reads them from.

use std::collections::HashMap;

use serde::Serialize;

use crate::formula::{Env, Value};
use crate::plan::{DataElement, Plan, ValueType};

/// One reported value, as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum DataValue {
    Number(f64),
    Bool(bool),
    /// A status option code.
    Status(String),
    Text(String),
}

impl DataValue {
    /// Rebuilds a value from its two storage columns, using the element's type.
    pub fn from_columns(element: &DataElement, num: Option<f64>, text: Option<String>) -> Option<Self> {
        Some(match element.value_type {
            ValueType::Count | ValueType::Percentage => Self::Number(num?),
            ValueType::YesNo => Self::Bool(num? != 0.0),
            ValueType::Status => Self::Status(text?),
            ValueType::Text => Self::Text(text?),
        })
    }

    /// The two storage columns (number, text).
    pub fn to_columns(&self) -> (Option<f64>, Option<String>) {
        match self {
            Self::Number(n) => (Some(*n), None),
            Self::Bool(b) => (Some(if *b { 1.0 } else { 0.0 }), None),
            Self::Status(s) | Self::Text(s) => (None, Some(s.clone())),
        }
    }

    /// The value as formulas see it (status codes become ranks).
    pub fn to_formula(&self, element: &DataElement) -> Option<Value> {
        match self {
            Self::Number(n) => Some(Value::Number(*n)),
            Self::Bool(b) => Some(Value::Bool(*b)),
            Self::Status(s) => element.option_rank(s).map(Value::Rank),
            Self::Text(_) => None,
        }
    }
}

/// Values of one unit for one year, by element code.
pub type UnitValues = HashMap<String, DataValue>;

/// All values of one year, by unit code.
#[derive(Debug, Clone, Default)]
pub struct YearValues {
    pub units: HashMap<String, UnitValues>,
}

impl YearValues {
    pub fn set(&mut self, unit: &str, element: &str, value: DataValue) {
        self.units
            .entry(unit.to_string())
            .or_default()
            .insert(element.to_string(), value);
    }

    pub fn get(&self, unit: &str, element: &str) -> Option<&DataValue> {
        self.units.get(unit)?.get(element)
    }

    pub fn unit(&self, unit: &str) -> Option<&UnitValues> {
        self.units.get(unit)
    }
}

/// The formula environment of one unit: this year's values and last year's.
pub struct UnitEnv<'a> {
    pub plan: &'a Plan,
    pub this: Option<&'a UnitValues>,
    pub prev: Option<&'a UnitValues>,
}

impl UnitEnv<'_> {
    fn lookup(&self, values: Option<&UnitValues>, code: &str) -> Option<Value> {
        let element = self.plan.element(code)?;
        values?.get(code)?.to_formula(element)
    }
}

impl Env for UnitEnv<'_> {
    fn value(&self, code: &str) -> Option<Value> {
        self.lookup(self.this, code)
    }

    fn prev(&self, code: &str) -> Option<Value> {
        self.lookup(self.prev, code)
    }
}
