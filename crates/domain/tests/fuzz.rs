//! Property tests that fuzz the domain's parsers: whatever the input, they
//! answer (a value or a message) and never panic. CI runs a fixed number of
//! cases (`PROPTEST_CASES`, default below); run longer by hand with e.g.
//! `PROPTEST_CASES=100000 cargo test -p xhht-domain --test fuzz`.
//! Findings and long runs are recorded in docs/FUZZING.md.

use proptest::prelude::*;
use xhht_domain::formula::{self, ElementKind, Env, Value};
use xhht_domain::plan::{BUILTIN_BA_DINH, load};
use xhht_domain::text::{TextKind, clean, number, parse_number};

fn config(default_cases: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default_cases);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Pieces of plan text and formulas that reach the loader's and parser's
/// corners more often than random characters do.
const TOKENS: &[&str] = &[
    "[[data_elements]]\n",
    "[[indicators]]\n",
    "[[validation_rules]]\n",
    "[[targets]]\n",
    "[[org_units]]\n",
    "code = \"x\"\n",
    "value_type = \"count\"\n",
    "max = 1e308\n",
    "max = nan\n",
    "year = 0\n",
    "year = 9223372036854775807\n",
    "first_year = -2147483649\n",
    "due_month = 13\n",
    "due_day = 0\n",
    "parent = \"00001\"\n",
    "kind = \"ratio\"\n",
    "scale = inf\n",
    "at_least = -1\n",
    "=",
    "\"",
    "'",
    "[",
    "]",
    "{",
    "}",
    "\n",
    "#",
    "\\u0000",
    "\u{0}",
    "é",
    "Đ",
    "😀",
    "prev(",
    "(",
    ")",
    "not ",
    " and ",
    " or ",
    "min(",
    "max(",
    "abs(",
    "/",
    "*",
    "-",
    "+",
    "<=",
    ">=",
    "!=",
    "0",
    "1.5",
    "1e400",
    "pop_15_60",
    "'level_2'",
];

/// One edit of a text: delete a range, insert a token or a random string,
/// or duplicate a range.
#[derive(Debug, Clone)]
enum Edit {
    Delete(usize, usize),
    Token(usize, usize),
    Insert(usize, String),
    Duplicate(usize, usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<usize>(), 0usize..200).prop_map(|(a, n)| Edit::Delete(a, n)),
        (any::<usize>(), 0..TOKENS.len()).prop_map(|(a, t)| Edit::Token(a, t)),
        (any::<usize>(), ".{0,20}").prop_map(|(a, s)| Edit::Insert(a, s)),
        (any::<usize>(), 0usize..400).prop_map(|(a, n)| Edit::Duplicate(a, n)),
    ]
}

/// The nearest char boundary at or before `at % len`.
fn boundary(s: &str, at: usize) -> usize {
    let mut i = if s.is_empty() { 0 } else { at % (s.len() + 1) };
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn apply(text: &str, edits: &[Edit]) -> String {
    let mut s = text.to_string();
    for e in edits {
        match e {
            Edit::Delete(at, n) => {
                let a = boundary(&s, *at);
                let b = boundary(&s, a + n);
                if b >= a {
                    s.replace_range(a..b, "");
                }
            }
            Edit::Token(at, t) => s.insert_str(boundary(&s, *at), TOKENS[*t]),
            Edit::Insert(at, x) => s.insert_str(boundary(&s, *at), x),
            Edit::Duplicate(at, n) => {
                let a = boundary(&s, *at);
                let b = boundary(&s, a + n).max(a);
                let piece = s[a..b].to_string();
                s.insert_str(b, &piece);
            }
        }
    }
    s
}

proptest! {
    #![proptest_config(config(48))]

    /// A mutated plan file is loaded or refused with problems; never a panic.
    #[test]
    fn the_plan_loader_never_panics(edits in prop::collection::vec(edit(), 1..6)) {
        let text = apply(BUILTIN_BA_DINH, &edits);
        if let Err(problems) = load(&text) {
            prop_assert!(!problems.is_empty());
        }
    }
}

struct Numbers;

impl Env for Numbers {
    fn value(&self, code: &str) -> Option<Value> {
        (!code.len().is_multiple_of(3)).then_some(Value::Number(code.len() as f64 - 2.0))
    }

    fn prev(&self, code: &str) -> Option<Value> {
        Some(Value::Number(code.len() as f64))
    }
}

fn formula_text() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::collection::vec(0..TOKENS.len(), 0..60).prop_map(|ts| ts
            .into_iter()
            .map(|t| TOKENS[t])
            .collect::<Vec<_>>()
            .join(" ")),
        ".{0,80}",
    ]
}

proptest! {
    #![proptest_config(config(256))]

    /// Any text parses or is refused with a message inside the text; a
    /// parsed and typed formula evaluates without panicking.
    #[test]
    fn the_formula_parser_never_panics(text in formula_text()) {
        match formula::parse(&text) {
            Ok(mut expr) => {
                let lookup = |code: &str| match code.len() % 4 {
                    0 => Some(ElementKind::Number),
                    1 => Some(ElementKind::YesNo),
                    2 => Some(ElementKind::Status(vec!["level_1".into(), "level_2".into()])),
                    _ => None,
                };
                if formula::check_types(&mut expr, &lookup).is_ok() {
                    let _ = formula::eval(&expr, &Numbers);
                }
            }
            Err(e) => prop_assert!(e.span.start <= e.span.end && e.span.end <= text.len() && !e.message.is_empty()),
        }
    }

    /// Any text is a number or a message; never a panic, never a number
    /// that is not finite.
    #[test]
    fn the_number_parser_never_panics(text in "[0-9., \u{a0}eE+-]{0,40}|.{0,40}", whole in any::<bool>()) {
        match parse_number(&text, whole) {
            Ok(x) => {
                prop_assert!(x.is_finite());
                if whole { prop_assert_eq!(x.fract(), 0.0); }
            }
            Err(m) => prop_assert!(!m.is_empty()),
        }
    }

    /// What the app prints in Vietnamese reads back as the same number.
    #[test]
    fn printed_numbers_read_back(n in 0u64..=999_999_999_999_999, cents in 0u64..100) {
        prop_assert_eq!(parse_number(&number(n as f64, 0), true), Ok(n as f64));
        // Decimals are percentages (0-100): below 1.000, where `1.000` with a
        // lone dot would read as one (the decimal point of `99.5`).
        let x = (n % 1_000) as f64 + cents as f64 / 100.0;
        let back = parse_number(&number(x, 2), false).unwrap();
        prop_assert!((back - x).abs() < 1e-9, "{} → {} → {}", x, number(x, 2), back);
    }

    /// Cleaning never panics, its output holds no character XML forbids, and
    /// cleaning again changes nothing.
    #[test]
    fn cleaning_is_total_and_idempotent(text in ".{0,200}|[\u{0}-\u{1f} a-zệ\u{323}\u{302}]{0,60}") {
        for kind in [TextKind::Narrative, TextKind::Reason, TextKind::DisplayName, TextKind::Username] {
            if let Ok(out) = clean(kind, &text) {
                let forbidden = |c: char| (c < ' ' && c != '\t' && c != '\n') || matches!(c, '\u{fffe}' | '\u{ffff}');
                prop_assert!(!out.chars().any(forbidden), "forbidden character left in {:?}", out);
                prop_assert_eq!(clean(kind, &out), Ok(out.clone()));
            }
        }
    }
}
