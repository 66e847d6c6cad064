//! Lexer and recursive-descent parser for formulas.

use super::{ArithOp, CmpOp, Expr, FormulaError, Func, Span};

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Num(f64),
    Str(String),
    Ident(String),
    Op(&'static str),
    LParen,
    RParen,
    Comma,
}

fn lex(src: &str) -> Result<Vec<(Tok, Span)>, FormulaError> {
    let bytes = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = src[i..].chars().next().unwrap_or(' ');
        let start = i;
        if c.is_whitespace() {
            i += c.len_utf8();
            continue;
        }
        let tok = if c.is_ascii_digit() || (c == '.' && bytes.get(i + 1).is_some_and(u8::is_ascii_digit)) {
            while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == b'.') {
                i += 1;
            }
            let text = &src[start..i];
            let n = text
                .parse::<f64>()
                .map_err(|_| FormulaError::new(Span { start, end: i }, format!("số không hợp lệ “{text}”")))?;
            Tok::Num(n)
        } else if c.is_alphabetic() || c == '_' {
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                i += 1;
            }
            if i == start {
                i += c.len_utf8();
            }
            Tok::Ident(src[start..i].to_string())
        } else if c == '\'' || c == '"' {
            let rest = &src[i + 1..];
            let Some(len) = rest.find(c) else {
                return Err(FormulaError::new(Span { start, end: src.len() }, "thiếu dấu nháy đóng"));
            };
            i += len + 2;
            Tok::Str(rest[..len].to_string())
        } else {
            let two = src.get(i..i + 2).unwrap_or("");
            let (op, len): (Tok, usize) = match two {
                "<=" => (Tok::Op("<="), 2),
                ">=" => (Tok::Op(">="), 2),
                "!=" => (Tok::Op("!="), 2),
                "<>" => (Tok::Op("!="), 2),
                "==" => (Tok::Op("="), 2),
                _ => match c {
                    '+' => (Tok::Op("+"), 1),
                    '-' => (Tok::Op("-"), 1),
                    '*' | '×' => (Tok::Op("*"), c.len_utf8()),
                    '/' | '÷' => (Tok::Op("/"), c.len_utf8()),
                    '<' => (Tok::Op("<"), 1),
                    '>' => (Tok::Op(">"), 1),
                    '=' => (Tok::Op("="), 1),
                    '≤' => (Tok::Op("<="), c.len_utf8()),
                    '≥' => (Tok::Op(">="), c.len_utf8()),
                    '(' => (Tok::LParen, 1),
                    ')' => (Tok::RParen, 1),
                    ',' => (Tok::Comma, 1),
                    _ => {
                        let end = i + c.len_utf8();
                        return Err(FormulaError::new(
                            Span { start, end },
                            format!("ký tự không hợp lệ “{c}”"),
                        ));
                    }
                },
            };
            i += len;
            op
        };
        out.push((tok, Span { start, end: i }));
    }
    Ok(out)
}

/// Longest formula, in tokens, and deepest nesting (brackets, `not`, unary
/// minus): far beyond any plan's formulas, and low enough that parsing,
/// typing, evaluating and dropping the tree never exhaust the stack.
const MAX_TOKENS: usize = 1_000;
const MAX_DEPTH: usize = 32;

/// Parses a formula into an untyped tree; names are checked later by
/// [`super::check_types`].
pub fn parse(src: &str) -> Result<Expr, FormulaError> {
    let toks = lex(src)?;
    if toks.len() > MAX_TOKENS {
        return Err(FormulaError::new(
            Span {
                start: 0,
                end: src.len(),
            },
            format!("công thức quá dài (tối đa {MAX_TOKENS} thành phần)"),
        ));
    }
    let mut p = Parser {
        toks,
        pos: 0,
        len: src.len(),
        depth: 0,
    };
    if p.toks.is_empty() {
        return Err(FormulaError::new(Span { start: 0, end: 0 }, "công thức trống"));
    }
    let e = p.or()?;
    if let Some((t, span)) = p.toks.get(p.pos) {
        return Err(FormulaError::new(*span, format!("thừa “{}” ở cuối công thức", show(t))));
    }
    Ok(e)
}

fn show(t: &Tok) -> String {
    match t {
        Tok::Num(n) => n.to_string(),
        Tok::Str(s) => format!("'{s}'"),
        Tok::Ident(s) => s.clone(),
        Tok::Op(o) => (*o).to_string(),
        Tok::LParen => "(".into(),
        Tok::RParen => ")".into(),
        Tok::Comma => ",".into(),
    }
}

struct Parser {
    toks: Vec<(Tok, Span)>,
    pos: usize,
    len: usize,
    depth: usize,
}

impl Parser {
    /// Runs `f` one nesting level deeper, refusing past [`MAX_DEPTH`].
    fn nested(&mut self, f: impl FnOnce(&mut Self) -> Result<Expr, FormulaError>) -> Result<Expr, FormulaError> {
        if self.depth >= MAX_DEPTH {
            return Err(FormulaError::new(
                self.span(),
                format!("công thức lồng nhau quá sâu (tối đa {MAX_DEPTH} mức)"),
            ));
        }
        self.depth += 1;
        let out = f(self);
        self.depth -= 1;
        out
    }

    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos).map(|(t, _)| t)
    }

    fn span(&self) -> Span {
        self.toks.get(self.pos).map(|(_, s)| *s).unwrap_or(Span {
            start: self.len,
            end: self.len,
        })
    }

    fn eat_word(&mut self, word: &str) -> bool {
        if matches!(self.peek(), Some(Tok::Ident(w)) if w.eq_ignore_ascii_case(word)) {
            self.pos += 1;
            return true;
        }
        false
    }

    fn eat_op(&mut self, ops: &[&'static str]) -> Option<&'static str> {
        if let Some(Tok::Op(o)) = self.peek()
            && let Some(found) = ops.iter().find(|x| *x == o)
        {
            self.pos += 1;
            return Some(found);
        }
        None
    }

    fn expect(&mut self, want: Tok, what: &str) -> Result<(), FormulaError> {
        if self.peek() == Some(&want) {
            self.pos += 1;
            Ok(())
        } else {
            Err(FormulaError::new(self.span(), format!("thiếu “{what}”")))
        }
    }

    fn or(&mut self) -> Result<Expr, FormulaError> {
        let mut left = self.and()?;
        while self.eat_word("or") {
            left = Expr::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Expr, FormulaError> {
        let mut left = self.not()?;
        while self.eat_word("and") {
            left = Expr::And(Box::new(left), Box::new(self.not()?));
        }
        Ok(left)
    }

    fn not(&mut self) -> Result<Expr, FormulaError> {
        if self.eat_word("not") {
            return Ok(Expr::Not(Box::new(self.nested(Self::not)?)));
        }
        self.cmp()
    }

    fn cmp(&mut self) -> Result<Expr, FormulaError> {
        let left = self.sum()?;
        match self.eat_op(&["=", "!=", "<", "<=", ">", ">="]) {
            Some(op) => {
                let op = CmpOp::parse(op).expect("lexer only yields known operators");
                Ok(Expr::Cmp(op, Box::new(left), Box::new(self.sum()?)))
            }
            None => Ok(left),
        }
    }

    fn sum(&mut self) -> Result<Expr, FormulaError> {
        let mut left = self.term()?;
        while let Some(op) = self.eat_op(&["+", "-"]) {
            let op = if op == "+" { ArithOp::Add } else { ArithOp::Sub };
            left = Expr::Arith(op, Box::new(left), Box::new(self.term()?));
        }
        Ok(left)
    }

    fn term(&mut self) -> Result<Expr, FormulaError> {
        let mut left = self.unary()?;
        while let Some(op) = self.eat_op(&["*", "/"]) {
            let op = if op == "*" { ArithOp::Mul } else { ArithOp::Div };
            left = Expr::Arith(op, Box::new(left), Box::new(self.unary()?));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Expr, FormulaError> {
        if self.eat_op(&["-"]).is_some() {
            return Ok(Expr::Neg(Box::new(self.nested(Self::unary)?)));
        }
        self.atom()
    }

    fn atom(&mut self) -> Result<Expr, FormulaError> {
        let span = self.span();
        let Some((tok, _)) = self.toks.get(self.pos).cloned() else {
            return Err(FormulaError::new(span, "công thức kết thúc giữa chừng"));
        };
        self.pos += 1;
        match tok {
            Tok::Num(n) => Ok(Expr::Number(n)),
            Tok::Str(s) => Ok(Expr::Status(s, span)),
            Tok::LParen => {
                let e = self.nested(Self::or)?;
                self.expect(Tok::RParen, ")")?;
                Ok(e)
            }
            Tok::Ident(name) if self.peek() == Some(&Tok::LParen) => self.call(&name, span),
            Tok::Ident(name) if is_keyword(&name) => {
                Err(FormulaError::new(span, format!("từ khóa “{name}” đặt sai chỗ")))
            }
            Tok::Ident(name) => Ok(Expr::Element(name, span)),
            other => Err(FormulaError::new(span, format!("không mong đợi “{}”", show(&other)))),
        }
    }

    fn call(&mut self, name: &str, span: Span) -> Result<Expr, FormulaError> {
        self.pos += 1; // "("
        if name == "prev" {
            let arg_span = self.span();
            let Some(Tok::Ident(code)) = self.peek().cloned() else {
                return Err(FormulaError::new(arg_span, "prev(...) cần đúng một mã chỉ số dữ liệu"));
            };
            self.pos += 1;
            self.expect(Tok::RParen, ")")?;
            return Ok(Expr::Prev(code, arg_span));
        }
        let func = match name {
            "min" => Func::Min,
            "max" => Func::Max,
            "abs" => Func::Abs,
            _ => {
                return Err(FormulaError::new(
                    span,
                    format!("hàm không tồn tại “{name}” (có: min, max, abs, prev)"),
                ));
            }
        };
        let mut args = vec![self.nested(Self::or)?];
        while self.peek() == Some(&Tok::Comma) {
            self.pos += 1;
            args.push(self.nested(Self::or)?);
        }
        self.expect(Tok::RParen, ")")?;
        let arity_ok = match func {
            Func::Abs => args.len() == 1,
            Func::Min | Func::Max => args.len() >= 2,
        };
        if !arity_ok {
            return Err(FormulaError::new(span, format!("số đối số của {name}(...) không đúng")));
        }
        Ok(Expr::Call(func, args, span))
    }
}

fn is_keyword(w: &str) -> bool {
    ["and", "or", "not"].iter().any(|k| w.eq_ignore_ascii_case(k))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn el(c: &str, start: usize) -> Box<Expr> {
        Box::new(Expr::Element(
            c.into(),
            Span {
                start,
                end: start + c.len(),
            },
        ))
    }

    #[test]
    fn precedence_multiplication_before_addition() {
        let e = parse("a + b * 2").unwrap();
        let want = Expr::Arith(
            ArithOp::Add,
            el("a", 0),
            Box::new(Expr::Arith(ArithOp::Mul, el("b", 4), Box::new(Expr::Number(2.0)))),
        );
        assert_eq!(e, want);
    }

    #[test]
    fn comparison_and_logic() {
        let e = parse("x >= 'level_2' and not y").unwrap();
        assert!(matches!(e, Expr::And(..)));
        assert_eq!(e.element_codes(), vec!["x", "y"]);
    }

    #[test]
    fn prev_and_functions() {
        let e = parse("max(a, prev(a) * 1.2)").unwrap();
        assert!(e.uses_prev());
        assert_eq!(e.element_codes(), vec!["a"]);
    }

    #[test]
    fn errors_point_at_the_problem() {
        let err = parse("a + * b").unwrap_err();
        assert_eq!(err.span.start, 4);
        let err = parse("(a + b").unwrap_err();
        assert_eq!(err.span.start, 6);
        let err = parse("a $ b").unwrap_err();
        assert_eq!(err.span.start, 2);
        let err = parse("foo(a)").unwrap_err();
        assert!(err.message.contains("foo"));
        assert!(parse("").is_err());
        assert!(parse("a b").is_err());
    }

    #[test]
    fn deep_or_long_formulas_are_refused_not_overflowing_the_stack() {
        for deep in ["(".repeat(400), "-".repeat(900), "not ".repeat(900), "abs(".repeat(400)] {
            let err = parse(&deep).unwrap_err();
            assert!(err.message.contains("quá sâu"), "{}", err.message);
        }
        assert!(parse(&"(".repeat(100_000)).unwrap_err().message.contains("quá dài"));
        let long = vec!["a"; 2_000].join(" + ");
        assert!(parse(&long).unwrap_err().message.contains("quá dài"));
        let nested_ok = format!("{}a{}", "(".repeat(30), ")".repeat(30));
        assert!(parse(&nested_ok).is_ok());
    }
}
