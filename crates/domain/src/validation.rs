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
    if let Some(prev) = prev {
        out.extend(jumps(plan, unit, this, prev));
    }
    out
}

/// Counts that moved from last year by more than the plan's `jump` allows:
/// warnings that name both figures and the change, so the reporter can
/// check the figure or explain it. A count that was 0 has no percentage to
/// move by and is not checked.
fn jumps(plan: &Plan, unit: &OrgUnit, this: &UnitValues, prev: &UnitValues) -> Vec<Finding> {
    plan.elements_for(unit)
        .filter_map(|el| {
            let jump = el.jump?;
            let (DataValue::Number(now), DataValue::Number(before)) = (this.get(&el.code)?, prev.get(&el.code)?) else {
                return None;
            };
            if *before <= 0.0 {
                // From none to some has no percentage but exceeds any limit
                // up: a count missed last year, a typo, or a new title (the
                // reporter says which).
                return (*now > 0.0 && jump.up.is_some()).then(|| Finding {
                    rule: format!("jump:{}", el.code),
                    severity: Severity::Warning,
                    message: format!(
                        "“{}” tăng từ 0 năm trước lên {}. Đề nghị kiểm tra lại số liệu hoặc ghi rõ lý do.",
                        el.name,
                        crate::text::number(*now, 0),
                    ),
                    elements: vec![el.code.clone()],
                });
            }
            let change = (now - before) / before * 100.0;
            let (limit, word, to) = if change > 0.0 {
                (jump.up?, "tăng", "lên")
            } else {
                (jump.down?, "giảm", "xuống")
            };
            (change.abs() > limit).then(|| Finding {
                rule: format!("jump:{}", el.code),
                severity: Severity::Warning,
                message: format!(
                    "“{}” {word} {} so với năm trước (từ {} {to} {}), quá mức {} kế hoạch đặt ra. \
                     Đề nghị kiểm tra lại số liệu hoặc ghi rõ lý do.",
                    el.name,
                    crate::text::percent(change.abs()),
                    crate::text::number(*before, 0),
                    crate::text::number(*now, 0),
                    crate::text::percent(limit),
                ),
                elements: vec![el.code.clone()],
            })
        })
        .collect()
}

/// Values the unit reports but has not entered: warnings, so a unit that
/// truly has no figure can still submit with an explanation.
pub fn missing_values(plan: &Plan, unit: &OrgUnit, this: &UnitValues) -> Vec<Finding> {
    plan.elements_for(unit)
        .filter(|e| e.value_type != ValueType::Text && !this.contains_key(&e.code))
        .map(|e| Finding {
            rule: format!("missing:{}", e.code),
            severity: Severity::Warning,
            message: format!("Chưa nhập “{}”.", e.name),
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
            out.push(type_error(code, format!("Chỉ số “{code}” không có trong kế hoạch.")));
            continue;
        };
        if !el.reported_by_unit(unit) {
            out.push(type_error(
                code,
                format!("Đơn vị này không báo cáo chỉ số “{}”.", el.name),
            ));
            continue;
        }
        if let Some(message) = value_problem(el, value) {
            out.push(type_error(code, message));
        }
    }
    out.sort_by(|a, b| a.rule.cmp(&b.rule));
    out
}

/// What is wrong with one value of `el` by its type and bounds alone (no
/// rule, no other value): a Vietnamese message, or `None` when it is fine.
pub fn value_problem(el: &crate::plan::DataElement, value: &DataValue) -> Option<String> {
    let name = &el.name;
    let too_big = |n: f64| el.upper_bound().is_some_and(|max| n > max);
    let max = crate::text::number(el.upper_bound().unwrap_or(0.0), 2);
    match (el.value_type, value) {
        (ValueType::Count | ValueType::Percentage, DataValue::Number(n)) if !n.is_finite() => {
            Some(format!("“{name}” không hợp lệ."))
        }
        (ValueType::Count, DataValue::Number(n)) if *n < 0.0 => Some(format!("“{name}” không được là số âm.")),
        (ValueType::Count, DataValue::Number(n)) if n.fract() != 0.0 => Some(format!("“{name}” phải là số nguyên.")),
        (ValueType::Count, DataValue::Number(n)) if too_big(*n) => {
            Some(format!("“{name}” lớn quá mức cho phép (tối đa {max})."))
        }
        (ValueType::Percentage, DataValue::Number(n)) if *n >= 0.0 && too_big(*n) && *n <= 100.0 => {
            Some(format!("“{name}” không được lớn hơn {max}%."))
        }
        (ValueType::Percentage, DataValue::Number(n)) if !(0.0..=100.0).contains(n) => {
            Some(format!("“{name}” là tỷ lệ phần trăm, phải từ 0 đến 100."))
        }
        (ValueType::Text, DataValue::Text(t)) => crate::text::clean(crate::text::TextKind::Value, t)
            .err()
            .map(|p| format!("“{name}”: {}", p.message())),
        (ValueType::Status, DataValue::Status(s)) if el.option_rank(s).is_none() => {
            Some(format!("“{name}”: “{s}” không phải một mức hợp lệ."))
        }
        (ValueType::Count | ValueType::Percentage, DataValue::Number(_))
        | (ValueType::YesNo, DataValue::Bool(_))
        | (ValueType::Status, DataValue::Status(_)) => None,
        _ => Some(format!("“{name}” có kiểu giá trị không đúng.")),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::builtin;

    #[test]
    fn counts_and_percentages_have_upper_bounds() {
        let plan = builtin();
        let count = plan
            .data_elements
            .iter()
            .find(|e| e.value_type == ValueType::Count)
            .unwrap();
        assert!(value_problem(count, &DataValue::Number(1e9)).is_none());
        // 1e20 was accepted for a count before.
        let e = value_problem(count, &DataValue::Number(1e20)).unwrap();
        assert!(e.contains("tối đa 1.000.000.000"), "{e}");
        assert!(value_problem(count, &DataValue::Number(f64::INFINITY)).is_some());
        assert!(value_problem(count, &DataValue::Number(f64::NAN)).is_some());
        let pct = plan
            .data_elements
            .iter()
            .find(|e| e.value_type == ValueType::Percentage);
        if let Some(pct) = pct {
            assert!(value_problem(pct, &DataValue::Number(100.0)).is_none());
            assert!(value_problem(pct, &DataValue::Number(100.5)).is_some());
            assert!(value_problem(pct, &DataValue::Number(-0.5)).is_some());
        }
        let mut bounded = count.clone();
        bounded.max = Some(50.0);
        assert!(value_problem(&bounded, &DataValue::Number(50.0)).is_none());
        assert!(
            value_problem(&bounded, &DataValue::Number(51.0))
                .unwrap()
                .contains("tối đa 50")
        );
    }

    #[test]
    fn jumps_follow_each_count_s_rule() {
        let mut plan = builtin();
        let unit = plan
            .org_units
            .iter()
            .find(|u| plan.elements_for(u).any(|e| e.value_type == ValueType::Count))
            .unwrap()
            .clone();
        let el = plan
            .elements_for(&unit)
            .find(|e| e.value_type == ValueType::Count)
            .unwrap()
            .code
            .clone();
        let i = plan.data_elements.iter().position(|e| e.code == el).unwrap();
        plan.data_elements[i].jump = Some(crate::plan::Jump {
            up: Some(20.0),
            down: None,
        });
        let year = |n: f64| UnitValues::from([(el.clone(), DataValue::Number(n))]);
        let jump_of = |now: f64, before: f64| {
            validate(&plan, &unit, &year(now), Some(&year(before)))
                .into_iter()
                .find(|f| f.rule == format!("jump:{el}"))
        };
        assert!(jump_of(120.0, 100.0).is_none(), "20% is allowed");
        let f = jump_of(121.0, 100.0).expect("21% up is flagged");
        assert_eq!(f.severity, Severity::Warning);
        assert_eq!(f.elements, vec![el.clone()]);
        assert!(
            f.message
                .contains("tăng 21% so với năm trước (từ 100 lên 121), quá mức 20%"),
            "{}",
            f.message
        );
        assert!(jump_of(10.0, 100.0).is_none(), "no down limit set");
        let f = jump_of(5.0, 0.0).expect("from none to some is flagged");
        assert!(f.message.contains("tăng từ 0 năm trước lên 5"), "{}", f.message);
        assert!(jump_of(0.0, 0.0).is_none(), "none to none is no jump");
        plan.data_elements[i].jump = Some(crate::plan::Jump {
            up: None,
            down: Some(30.0),
        });
        let f = validate(&plan, &unit, &year(1_000.0), Some(&year(2_000.0)));
        let f = f
            .iter()
            .find(|f| f.rule.starts_with("jump:"))
            .expect("50% down is flagged");
        assert!(
            f.message.contains("giảm 50% so với năm trước (từ 2.000 xuống 1.000)"),
            "{}",
            f.message
        );
        assert!(
            validate(&plan, &unit, &year(1_000.0), None)
                .iter()
                .all(|f| !f.rule.starts_with("jump:"))
        );
    }

    #[test]
    fn text_values_follow_the_cleaning_rule() {
        let plan = builtin();
        let mut text = plan.data_elements[0].clone();
        text.value_type = ValueType::Text;
        assert!(value_problem(&text, &DataValue::Text("ổn".into())).is_none());
        let e = value_problem(&text, &DataValue::Text("a\0b".into())).unwrap();
        assert!(e.contains("U+0000"), "{e}");
    }
}
