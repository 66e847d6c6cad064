//! Every validation rule of the built-in plan fires on a value that breaks
//! it, and only then. Starts from a sample ward's values (which pass every
//! rule) and breaks one rule at a time.

use xhht_domain::formula::{CmpOp, Expr, Value, eval};
use xhht_domain::plan::{Severity, builtin};
use xhht_domain::validation::validate;
use xhht_domain::values::{DataValue, UnitEnv, UnitValues};
use xhht_sample::{SEED, generate};

fn sample(plan: &xhht_domain::plan::Plan, unit: &str, year: i32) -> UnitValues {
    let r = generate(plan, SEED)
        .into_iter()
        .find(|r| r.unit == unit && r.year == year)
        .unwrap();
    r.values.into_iter().collect()
}

#[test]
fn each_rule_fires_exactly_when_broken() {
    let plan = builtin();
    // Ba Đình's first ward, and PGDDT, between them report every element a rule reads.
    let cases = [("00001", 2025), ("PGDDT", 2025)];
    let mut checked = 0;
    for rule in &plan.validation_rules {
        let Some(&(unit_code, year)) = cases.iter().find(|(u, _)| {
            rule.elements
                .iter()
                .all(|e| plan.element(e).unwrap().reported_by_unit(plan.unit(u).unwrap()))
        }) else {
            panic!("no sample unit reports all of rule {}", rule.code);
        };
        let unit = plan.unit(unit_code).unwrap();
        let mut this = sample(&plan, unit_code, year);
        let prev = sample(&plan, unit_code, year - 1);
        // Make sure the rule can be evaluated: some wards miss optional values.
        for e in &rule.elements {
            this.entry(e.clone()).or_insert(DataValue::Number(1.0));
        }
        let clean = validate(&plan, unit, &this, Some(&prev));
        assert!(
            !clean.iter().any(|f| f.rule == rule.code),
            "{} fires on clean data: {clean:?}",
            rule.code
        );

        // Break it: move the left element past the right side's value.
        let Expr::Element(left, _) = &rule.left.expr else {
            panic!("rule {} has a compound left side", rule.code)
        };
        let env = UnitEnv {
            plan: &plan,
            this: Some(&this),
            prev: Some(&prev),
        };
        let Some(Value::Number(right)) = eval(&rule.right.expr, &env) else {
            panic!("{}: right side", rule.code)
        };
        let broken = match rule.op {
            CmpOp::Le | CmpOp::Lt => right.floor() + 1.0,
            CmpOp::Ge | CmpOp::Gt => right.ceil() - 1.0,
            CmpOp::Eq => right + 1.0,
            CmpOp::Ne => right,
        };
        this.insert(left.clone(), DataValue::Number(broken.max(0.0)));
        let findings = validate(&plan, unit, &this, Some(&prev));
        let hit = findings
            .iter()
            .find(|f| f.rule == rule.code)
            .unwrap_or_else(|| panic!("{} did not fire with {left} = {broken}", rule.code));
        assert_eq!(hit.severity, rule.severity);
        assert!(!hit.message.is_empty());
        checked += 1;
    }
    assert_eq!(checked, plan.validation_rules.len());
}

/// The warnings are the plan's jumps per count (`jump = { up, down }`):
/// each fires just past its limit on a sample ward's figures, not within it.
#[test]
fn each_jump_fires_just_past_its_limit() {
    let plan = builtin();
    let (unit_code, year) = ("00001", 2025);
    let unit = plan.unit(unit_code).unwrap();
    let base = sample(&plan, unit_code, year);
    let prev = sample(&plan, unit_code, year - 1);
    let mut checked = 0;
    for el in plan.elements_for(unit) {
        let (Some(jump), Some(DataValue::Number(before))) = (el.jump, prev.get(&el.code)) else {
            continue;
        };
        if *before <= 0.0 {
            continue;
        }
        let rule = format!("jump:{}", el.code);
        let fires = |now: f64| {
            let mut this = base.clone();
            this.insert(el.code.clone(), DataValue::Number(now));
            validate(&plan, unit, &this, Some(&prev))
                .into_iter()
                .find(|f| f.rule == rule)
        };
        for (limit, sign) in [(jump.up, 1.0), (jump.down, -1.0)] {
            let Some(limit) = limit else { continue };
            let within = before * (1.0 + sign * (limit - 0.5) / 100.0);
            assert!(fires(within).is_none(), "{rule} within its limit ({within})");
            let past = before * (1.0 + sign * (limit + 1.0) / 100.0);
            let hit = fires(past).unwrap_or_else(|| panic!("{rule} did not fire at {past}"));
            assert_eq!(hit.severity, Severity::Warning);
            checked += 1;
        }
    }
    assert!(checked > 0, "the plan marks counts with jumps");
}

#[test]
fn value_type_limits() {
    let plan = builtin();
    let ward = plan.unit("00001").unwrap();
    let mut v = sample(&plan, "00001", 2025);
    v.insert("pop_15_60".into(), DataValue::Number(-5.0));
    v.insert("pop_15_plus".into(), DataValue::Number(10.5));
    v.insert("literacy_level".into(), DataValue::Status("level_9".into()));
    v.insert("clc_uses_it".into(), DataValue::Bool(true)); // a centre's element, not a ward's
    let rules: Vec<String> = validate(&plan, ward, &v, None)
        .into_iter()
        .filter(|f| f.rule.starts_with("type:"))
        .map(|f| f.rule)
        .collect();
    assert_eq!(
        rules,
        [
            "type:clc_uses_it",
            "type:literacy_level",
            "type:pop_15_60",
            "type:pop_15_plus"
        ]
    );
}
