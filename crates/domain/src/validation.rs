//! Validation of one unit's values for one year: the value types' own limits
//! and the plan's rules. Errors block submission; warnings need a reason.

use serde::Serialize;

use crate::formula::{self, Value};
use crate::plan::{OrgUnit, Plan, Severity, ValueType};
use crate::values::{DataValue, UnitEnv, UnitValues};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// The rule's code, or `type:<element>` for a value-type limit.
    pub rule: String,
    pub severity: Severity,
    pub message: String,
    /// Elements the finding is about (to show it beside those fields).
    pub elements: Vec<String>,
}

/// Checks `this` (and, for `prev(...)`, last year's `prev`) of `unit`.
pub fn validate(plan: &Plan, unit: &OrgUnit, this: &UnitValues, prev: Option<&UnitValues>) -> Vec<Finding> {
    let mut out = type_limits(plan, unit, this);
    let env = UnitEnv {
        plan,
        this: Some(this),
        prev,
    };
    for rule in &plan.validation_rules {
        let applies = rule
            .elements
            .iter()
            .all(|c| plan.element(c).is_some_and(|e| e.reported_by_unit(unit)));
        if !applies {
            continue;
        }
        let (Some(l), Some(r)) = (
            formula::eval(&rule.left.expr, &env),
            formula::eval(&rule.right.expr, &env),
        ) else {
            continue; // a missing input: nothing to check yet
        };
        if !holds(rule.op, l, r) {
            out.push(Finding {
                rule: rule.code.clone(),
                severity: rule.severity,
                message: rule.message.clone(),
                elements: rule.elements.clone(),
            });
        }
    }
    out
}

/// Values the unit reports but has not entered: warnings, so a unit that
/// truly has no figure can still submit with an explanation.
pub fn missing_values(plan: &Plan, unit: &OrgUnit, this: &UnitValues) -> Vec<Finding> {
    plan.elements_for(unit)
        .filter(|e| e.value_type != ValueType::Text && !this.contains_key(&e.code))
        .map(|e| Finding {
            rule: format!("missing:{}", e.code),
            severity: Severity::Warning,
            message: format!("Chưa nhập «{}».", e.name),
            elements: vec![e.code.clone()],
        })
        .collect()
}

fn holds(op: formula::CmpOp, l: Value, r: Value) -> bool {
    let ord = match (l, r) {
        (Value::Number(a), Value::Number(b)) => a.partial_cmp(&b),
        (Value::Rank(a), Value::Rank(b)) => Some(a.cmp(&b)),
        (Value::Bool(a), Value::Bool(b)) => Some(a.cmp(&b)),
        _ => None,
    };
    ord.is_some_and(|o| op.holds(o))
}

fn type_limits(plan: &Plan, unit: &OrgUnit, this: &UnitValues) -> Vec<Finding> {
    let mut out = Vec::new();
    for (code, value) in this {
        let Some(el) = plan.element(code) else {
            out.push(type_error(code, format!("Chỉ số «{code}» không có trong kế hoạch.")));
            continue;
        };
        if !el.reported_by_unit(unit) {
            out.push(type_error(
                code,
                format!("Đơn vị này không báo cáo chỉ số «{}».", el.name),
            ));
            continue;
        }
        if let Some(message) = type_problem(el, value) {
            out.push(type_error(code, message));
        }
    }
    out.sort_by(|a, b| a.rule.cmp(&b.rule));
    out
}

fn type_problem(el: &crate::plan::DataElement, value: &DataValue) -> Option<String> {
    let name = &el.name;
    match (el.value_type, value) {
        (ValueType::Count, DataValue::Number(n)) if *n < 0.0 => Some(format!("«{name}» không được là số âm.")),
        (ValueType::Count, DataValue::Number(n)) if n.fract() != 0.0 => Some(format!("«{name}» phải là số nguyên.")),
        (ValueType::Count, DataValue::Number(n)) if !n.is_finite() => Some(format!("«{name}» không hợp lệ.")),
        (ValueType::Percentage, DataValue::Number(n)) if !(0.0..=100.0).contains(n) => {
            Some(format!("«{name}» là tỷ lệ phần trăm, phải từ 0 đến 100."))
        }
        (ValueType::Status, DataValue::Status(s)) if el.option_rank(s).is_none() => {
            Some(format!("«{name}»: «{s}» không phải một mức hợp lệ."))
        }
        (ValueType::Count | ValueType::Percentage, DataValue::Number(_))
        | (ValueType::YesNo, DataValue::Bool(_))
        | (ValueType::Status, DataValue::Status(_))
        | (ValueType::Text, DataValue::Text(_)) => None,
        _ => Some(format!("«{name}» có kiểu giá trị không đúng.")),
    }
}

fn type_error(code: &str, message: String) -> Finding {
    Finding {
        rule: format!("type:{code}"),
        severity: Severity::Error,
        message,
        elements: vec![code.to_string()],
    }
}
