//! Evaluation of checked formulas.

use super::{ArithOp, Expr, Func};

/// A value as formulas see it. Status values are ranks in their element's
/// ordered option list, so `>= 'level_2'` is a plain comparison.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value {
    Number(f64),
    Bool(bool),
    Rank(usize),
}

/// Where a formula reads its inputs: one unit's values for one year.
pub trait Env {
    fn value(&self, code: &str) -> Option<Value>;
    fn prev(&self, code: &str) -> Option<Value>;
}

/// Evaluates a type-checked formula. `None` means "cannot be computed":
/// a value is missing or a division by zero; callers treat it as no data.
pub fn eval(e: &Expr, env: &dyn Env) -> Option<Value> {
    Some(match e {
        Expr::Number(n) => Value::Number(*n),
        Expr::Bool(b) => Value::Bool(*b),
        Expr::Rank(r) => Value::Rank(*r),
        Expr::Status(..) => return None, // unresolved literal: rejected by typing
        Expr::Element(c, _) => env.value(c)?,
        Expr::Prev(c, _) => env.prev(c)?,
        Expr::Neg(a) => Value::Number(-num(a, env)?),
        Expr::Arith(op, a, b) => {
            let (x, y) = (num(a, env)?, num(b, env)?);
            Value::Number(match op {
                ArithOp::Add => x + y,
                ArithOp::Sub => x - y,
                ArithOp::Mul => x * y,
                ArithOp::Div if y == 0.0 => return None,
                ArithOp::Div => x / y,
            })
        }
        Expr::Call(f, args, _) => {
            let xs: Option<Vec<f64>> = args.iter().map(|a| num(a, env)).collect();
            let xs = xs?;
            Value::Number(match f {
                Func::Abs => xs[0].abs(),
                Func::Min => xs.iter().copied().fold(f64::INFINITY, f64::min),
                Func::Max => xs.iter().copied().fold(f64::NEG_INFINITY, f64::max),
            })
        }
        Expr::Cmp(op, a, b) => {
            let ord = compare(eval(a, env)?, eval(b, env)?)?;
            Value::Bool(op.holds(ord))
        }
        // Missing on one side of and/or still decides when the other side does.
        Expr::And(a, b) => match (truth(a, env), truth(b, env)) {
            (Some(false), _) | (_, Some(false)) => Value::Bool(false),
            (Some(true), Some(true)) => Value::Bool(true),
            _ => return None,
        },
        Expr::Or(a, b) => match (truth(a, env), truth(b, env)) {
            (Some(true), _) | (_, Some(true)) => Value::Bool(true),
            (Some(false), Some(false)) => Value::Bool(false),
            _ => return None,
        },
        Expr::Not(a) => Value::Bool(!truth(a, env)?),
    })
}

fn num(e: &Expr, env: &dyn Env) -> Option<f64> {
    match eval(e, env)? {
        Value::Number(n) => Some(n),
        _ => None,
    }
}

fn truth(e: &Expr, env: &dyn Env) -> Option<bool> {
    match eval(e, env)? {
        Value::Bool(b) => Some(b),
        _ => None,
    }
}

fn compare(a: Value, b: Value) -> Option<std::cmp::Ordering> {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.partial_cmp(&y),
        (Value::Rank(x), Value::Rank(y)) => Some(x.cmp(&y)),
        (Value::Bool(x), Value::Bool(y)) => Some(x.cmp(&y)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formula::{ElementKind, check_types, parse};
    use std::collections::HashMap;

    struct Map(HashMap<&'static str, Value>, HashMap<&'static str, Value>);
    impl Env for Map {
        fn value(&self, code: &str) -> Option<Value> {
            self.0.get(code).copied()
        }
        fn prev(&self, code: &str) -> Option<Value> {
            self.1.get(code).copied()
        }
    }

    fn run(src: &str) -> Option<Value> {
        let lookup = |c: &str| match c {
            "lvl" => Some(ElementKind::Status(vec!["none".into(), "l1".into(), "l2".into()])),
            "flag" => Some(ElementKind::YesNo),
            _ => Some(ElementKind::Number),
        };
        let mut e = parse(src).unwrap();
        check_types(&mut e, &lookup).unwrap();
        let env = Map(
            HashMap::from([
                ("a", Value::Number(6.0)),
                ("b", Value::Number(4.0)),
                ("zero", Value::Number(0.0)),
                ("lvl", Value::Rank(2)),
                ("flag", Value::Bool(true)),
            ]),
            HashMap::from([("a", Value::Number(5.0))]),
        );
        eval(&e, &env)
    }

    #[test]
    fn arithmetic_by_hand() {
        assert_eq!(run("a + b * 2"), Some(Value::Number(14.0)));
        assert_eq!(run("(a + b) / 4"), Some(Value::Number(2.5)));
        assert_eq!(run("-a + max(b, 5, 1) - abs(0 - 2)"), Some(Value::Number(-3.0)));
        assert_eq!(run("min(a, b)"), Some(Value::Number(4.0)));
        assert_eq!(run("a / prev(a)"), Some(Value::Number(1.2)));
    }

    #[test]
    fn missing_values_and_division_by_zero_give_no_value() {
        assert_eq!(run("a / zero"), None);
        assert_eq!(run("a + missing"), None);
        assert_eq!(run("prev(b)"), None);
    }

    #[test]
    fn conditions() {
        assert_eq!(run("lvl >= 'l2'"), Some(Value::Bool(true)));
        assert_eq!(run("lvl > 'l2'"), Some(Value::Bool(false)));
        assert_eq!(run("flag and a > b"), Some(Value::Bool(true)));
        assert_eq!(run("not flag"), Some(Value::Bool(false)));
        assert_eq!(run("flag = 'yes'"), Some(Value::Bool(true)));
        assert_eq!(run("'no' = flag"), Some(Value::Bool(false)));
        assert_eq!(run("flag != 'no' and lvl = 'l2'"), Some(Value::Bool(true)));
        // a known false side decides even when the other side is missing
        assert_eq!(run("missing > 1 and a < b"), Some(Value::Bool(false)));
        assert_eq!(run("missing > 1 or a > b"), Some(Value::Bool(true)));
        assert_eq!(run("missing > 1 and a > b"), None);
    }
}
