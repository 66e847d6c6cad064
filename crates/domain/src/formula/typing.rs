//! Name resolution and type checking of parsed formulas.
//!
//! Runs once at plan load: unknown data elements, unknown status options and
//! ill-typed operations (adding a yes/no to a count) are plan errors, found
//! long before anyone reports a figure.

use super::{Expr, FormulaError, Span};

/// What a data element holds, as formulas see it.
#[derive(Debug, Clone, PartialEq)]
pub enum ElementKind {
    Number,
    YesNo,
    /// Ordered option codes, worst first.
    Status(Vec<String>),
    Text,
}

/// The type of a (sub)formula.
#[derive(Debug, Clone, PartialEq)]
pub enum Type {
    Number,
    Bool,
    Status(Vec<String>),
    StatusLiteral(String),
}

impl Type {
    fn name(&self) -> &'static str {
        match self {
            Type::Number => "số",
            Type::Bool => "có/không",
            Type::Status(_) | Type::StatusLiteral(_) => "mức/trạng thái",
        }
    }
}

pub type TypeError = FormulaError;

/// Checks `expr` against the plan's elements (`lookup` gives the kind of a
/// code, `None` if unknown), rewrites status literals into ranks, and returns
/// the formula's type.
pub fn check_types(expr: &mut Expr, lookup: &dyn Fn(&str) -> Option<ElementKind>) -> Result<Type, Vec<TypeError>> {
    let mut errors = Vec::new();
    let t = walk(expr, lookup, &mut errors);
    match (errors.is_empty(), t) {
        (true, Some(t)) => Ok(t),
        _ => Err(errors),
    }
}

/// Resolves a comparison of two typed sides, rewriting a status literal on
/// either side into its rank. Used for `a >= 'x'` inside formulas and for the
/// left/right pair of a validation rule.
pub fn resolve_comparison(
    left: &mut Expr,
    lt: &Type,
    right: &mut Expr,
    rt: &Type,
    is_order: bool,
    span: Span,
) -> Result<(), FormulaError> {
    match (lt, rt) {
        (Type::Number, Type::Number) => Ok(()),
        (Type::Bool, Type::Bool) if !is_order => Ok(()),
        // A yes/no element has the options `no` and `yes`: `flag = 'yes'`.
        (Type::Bool, Type::StatusLiteral(lit)) if !is_order => to_bool(right, lit),
        (Type::StatusLiteral(lit), Type::Bool) if !is_order => to_bool(left, lit),
        (Type::Status(opts), Type::StatusLiteral(lit)) => to_rank(right, opts, lit),
        (Type::StatusLiteral(lit), Type::Status(opts)) => to_rank(left, opts, lit),
        (Type::Status(a), Type::Status(b)) if a == b => Ok(()),
        _ => Err(FormulaError::new(
            span,
            format!("không so sánh được {} với {}", lt.name(), rt.name()),
        )),
    }
}

fn to_bool(side: &mut Expr, lit: &str) -> Result<(), FormulaError> {
    let span = match side {
        Expr::Status(_, s) => *s,
        _ => Span { start: 0, end: 0 },
    };
    *side = match lit {
        "yes" => Expr::Bool(true),
        "no" => Expr::Bool(false),
        _ => {
            return Err(FormulaError::new(
                span,
                format!("“{lit}” không phải một mức của chỉ số có/không (có: yes, no)"),
            ));
        }
    };
    Ok(())
}

fn to_rank(side: &mut Expr, options: &[String], lit: &str) -> Result<(), FormulaError> {
    let span = match side {
        Expr::Status(_, s) => *s,
        _ => Span { start: 0, end: 0 },
    };
    match options.iter().position(|o| o == lit) {
        Some(rank) => {
            *side = Expr::Rank(rank);
            Ok(())
        }
        None => Err(FormulaError::new(
            span,
            format!("“{lit}” không phải một mức hợp lệ (có: {})", options.join(", ")),
        )),
    }
}

fn walk(e: &mut Expr, lookup: &dyn Fn(&str) -> Option<ElementKind>, errs: &mut Vec<FormulaError>) -> Option<Type> {
    match e {
        Expr::Number(_) => Some(Type::Number),
        Expr::Bool(_) => Some(Type::Bool),
        Expr::Rank(_) => Some(Type::Number),
        Expr::Status(s, _) => Some(Type::StatusLiteral(s.clone())),
        Expr::Element(code, span) | Expr::Prev(code, span) => element_type(code, *span, lookup, errs),
        Expr::Neg(a) => expect_number(a, lookup, errs),
        Expr::Arith(_, a, b) => {
            let ta = expect_number(a, lookup, errs);
            let tb = expect_number(b, lookup, errs);
            ta.and(tb)
        }
        Expr::Call(_, args, _) => {
            let mut ok = true;
            for a in args.iter_mut() {
                ok &= expect_number(a, lookup, errs).is_some();
            }
            ok.then_some(Type::Number)
        }
        Expr::And(a, b) | Expr::Or(a, b) => {
            let ta = expect_bool(a, lookup, errs);
            let tb = expect_bool(b, lookup, errs);
            ta.and(tb)
        }
        Expr::Not(a) => expect_bool(a, lookup, errs),
        Expr::Cmp(op, a, b) => {
            let span = first_span(a)
                .or_else(|| first_span(b))
                .unwrap_or(Span { start: 0, end: 0 });
            let ta = walk(a, lookup, errs)?;
            let tb = walk(b, lookup, errs)?;
            let is_order = !matches!(op, super::CmpOp::Eq | super::CmpOp::Ne);
            match resolve_comparison(a, &ta, b, &tb, is_order, span) {
                Ok(()) => Some(Type::Bool),
                Err(err) => {
                    errs.push(err);
                    None
                }
            }
        }
    }
}

fn element_type(
    code: &str,
    span: Span,
    lookup: &dyn Fn(&str) -> Option<ElementKind>,
    errs: &mut Vec<FormulaError>,
) -> Option<Type> {
    match lookup(code) {
        Some(ElementKind::Number) => Some(Type::Number),
        Some(ElementKind::YesNo) => Some(Type::Bool),
        Some(ElementKind::Status(opts)) => Some(Type::Status(opts)),
        Some(ElementKind::Text) => {
            errs.push(FormulaError::new(
                span,
                format!("“{code}” là chỉ số dạng văn bản, không dùng được trong công thức"),
            ));
            None
        }
        None => {
            errs.push(FormulaError::new(
                span,
                format!("không có chỉ số dữ liệu (data element) “{code}” trong kế hoạch"),
            ));
            None
        }
    }
}

fn expect_number(
    e: &mut Expr,
    lookup: &dyn Fn(&str) -> Option<ElementKind>,
    errs: &mut Vec<FormulaError>,
) -> Option<Type> {
    expect(e, lookup, errs, Type::Number)
}

fn expect_bool(
    e: &mut Expr,
    lookup: &dyn Fn(&str) -> Option<ElementKind>,
    errs: &mut Vec<FormulaError>,
) -> Option<Type> {
    expect(e, lookup, errs, Type::Bool)
}

fn expect(
    e: &mut Expr,
    lookup: &dyn Fn(&str) -> Option<ElementKind>,
    errs: &mut Vec<FormulaError>,
    want: Type,
) -> Option<Type> {
    let span = first_span(e);
    let got = walk(e, lookup, errs)?;
    if got == want {
        return Some(got);
    }
    let span = span.unwrap_or(Span { start: 0, end: 0 });
    errs.push(FormulaError::new(
        span,
        format!("cần giá trị {} nhưng đây là {}", want.name(), got.name()),
    ));
    None
}

fn first_span(e: &Expr) -> Option<Span> {
    match e {
        Expr::Element(_, s) | Expr::Prev(_, s) | Expr::Status(_, s) | Expr::Call(_, _, s) => Some(*s),
        Expr::Neg(a) | Expr::Not(a) => first_span(a),
        Expr::Arith(_, a, b) | Expr::Cmp(_, a, b) | Expr::And(a, b) | Expr::Or(a, b) => {
            first_span(a).or_else(|| first_span(b))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formula::parse;

    fn lookup(code: &str) -> Option<ElementKind> {
        match code {
            "n" | "m" => Some(ElementKind::Number),
            "flag" => Some(ElementKind::YesNo),
            "lvl" => Some(ElementKind::Status(vec!["none".into(), "l1".into(), "l2".into()])),
            "note" => Some(ElementKind::Text),
            _ => None,
        }
    }

    fn typed(src: &str) -> Result<(Expr, Type), Vec<TypeError>> {
        let mut e = parse(src).unwrap();
        check_types(&mut e, &lookup).map(|t| (e, t))
    }

    #[test]
    fn numbers_and_conditions() {
        assert_eq!(typed("n / m * 100").unwrap().1, Type::Number);
        assert_eq!(typed("flag and n > 3").unwrap().1, Type::Bool);
    }

    #[test]
    fn status_literal_becomes_rank() {
        let (e, t) = typed("lvl >= 'l1'").unwrap();
        assert_eq!(t, Type::Bool);
        let Expr::Cmp(_, _, right) = e else {
            panic!("not a comparison")
        };
        assert_eq!(*right, Expr::Rank(1));
    }

    #[test]
    fn yes_no_compares_with_its_options() {
        let (e, t) = typed("flag = 'yes'").unwrap();
        assert_eq!(t, Type::Bool);
        let Expr::Cmp(_, _, right) = e else {
            panic!("not a comparison")
        };
        assert_eq!(*right, Expr::Bool(true));
        assert_eq!(typed("'no' != flag").unwrap().1, Type::Bool);
    }

    #[test]
    fn unknown_code_is_reported_with_its_place() {
        let errs = typed("n + missing_code").unwrap_err();
        assert_eq!(errs[0].span, Span { start: 4, end: 16 });
        assert!(errs[0].message.contains("missing_code"));
    }

    #[test]
    fn wrong_types_are_refused() {
        assert!(typed("flag + 1").is_err());
        assert!(typed("lvl >= 'l9'").is_err());
        assert!(typed("note").is_err());
        assert!(typed("n and flag").is_err());
        assert!(typed("flag < flag").is_err());
        assert!(typed("flag >= 'yes'").is_err(), "yes/no has no order");
        assert!(typed("flag = 'maybe'").is_err());
    }
}
