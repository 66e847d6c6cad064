//! The small formula language of plan files.
//!
//! Formulas are parsed once, when the plan is loaded, into an [`Expr`] tree
//! whose names are checked against the plan's data elements; evaluation walks
//! the tree and never parses text again. Grammar (lowest precedence first):
//!
//! ```text
//! or    := and ("or" and)*
//! and   := not ("and" not)*
//! not   := "not" not | cmp
//! cmp   := sum (("=" | "!=" | "<" | "<=" | ">" | ">=") sum)?
//! sum   := term (("+" | "-") term)*
//! term  := unary (("*" | "/") unary)*
//! unary := "-" unary | atom
//! atom  := NUMBER | 'STATUS' | CODE | FUNC "(" args ")" | "(" or ")"
//! ```
//! Functions: `min`, `max`, `abs`, and `prev(CODE)` (last year's value).

mod eval;
mod parse;
mod typing;

pub use eval::{Env, Value, eval};
pub use parse::parse;
pub use typing::{ElementKind, Type, TypeError, check_types, resolve_comparison};

/// Byte range inside the formula text, for error messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArithOp {
    Add,
    Sub,
    Mul,
    Div,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum CmpOp {
    #[serde(rename = "=")]
    Eq,
    #[serde(rename = "!=")]
    Ne,
    #[serde(rename = "<")]
    Lt,
    #[serde(rename = "<=")]
    Le,
    #[serde(rename = ">")]
    Gt,
    #[serde(rename = ">=")]
    Ge,
}

impl CmpOp {
    pub fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "=" | "==" => Self::Eq,
            "!=" | "<>" => Self::Ne,
            "<" => Self::Lt,
            "<=" => Self::Le,
            ">" => Self::Gt,
            ">=" => Self::Ge,
            _ => return None,
        })
    }

    pub fn symbol(self) -> &'static str {
        match self {
            Self::Eq => "=",
            Self::Ne => "≠",
            Self::Lt => "<",
            Self::Le => "≤",
            Self::Gt => ">",
            Self::Ge => "≥",
        }
    }

    pub fn holds(self, ord: std::cmp::Ordering) -> bool {
        use std::cmp::Ordering::*;
        match self {
            Self::Eq => ord == Equal,
            Self::Ne => ord != Equal,
            Self::Lt => ord == Less,
            Self::Le => ord != Greater,
            Self::Gt => ord == Greater,
            Self::Ge => ord != Less,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Func {
    Min,
    Max,
    Abs,
}

/// A parsed formula. `Status` literals become `Rank` once typed against the
/// status element they are compared with.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Number(f64),
    /// `'yes'` / `'no'` once typed against a yes/no element.
    Bool(bool),
    Status(String, Span),
    Rank(usize),
    Element(String, Span),
    Prev(String, Span),
    Neg(Box<Expr>),
    Arith(ArithOp, Box<Expr>, Box<Expr>),
    Cmp(CmpOp, Box<Expr>, Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    Call(Func, Vec<Expr>, Span),
}

impl Expr {
    /// Every data-element code the formula reads (this year or last).
    pub fn element_codes(&self) -> Vec<&str> {
        let mut out = Vec::new();
        self.visit(&mut |e| {
            if let Expr::Element(c, _) | Expr::Prev(c, _) = e {
                out.push(c.as_str());
            }
        });
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Whether the formula reads last year's values.
    pub fn uses_prev(&self) -> bool {
        let mut found = false;
        self.visit(&mut |e| found |= matches!(e, Expr::Prev(..)));
        found
    }

    fn visit<'a>(&'a self, f: &mut impl FnMut(&'a Expr)) {
        f(self);
        match self {
            Expr::Neg(a) | Expr::Not(a) => a.visit(f),
            Expr::Arith(_, a, b) | Expr::Cmp(_, a, b) | Expr::And(a, b) | Expr::Or(a, b) => {
                a.visit(f);
                b.visit(f);
            }
            Expr::Call(_, args, _) => args.iter().for_each(|a| a.visit(f)),
            _ => {}
        }
    }
}

/// A formula error with its place in the formula text.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{message}")]
pub struct FormulaError {
    pub span: Span,
    pub message: String,
}

impl FormulaError {
    pub fn new(span: Span, message: impl Into<String>) -> Self {
        Self {
            span,
            message: message.into(),
        }
    }
}
