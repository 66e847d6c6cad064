//! Numbers typed by Vietnamese users, read strictly: a typo is refused with
//! a message rather than guessed into another number.

/// More significant digits than an `f64` keeps exactly (15) would silently
/// change the figure, and no count or percentage of a plan needs them.
const MAX_DIGITS: usize = 15;

/// Reads a number typed by a Vietnamese user: `1.234` and `1 234` are a
/// thousand two hundred and thirty-four, `99,5` is ninety-nine and a half.
///
/// - A comma is the decimal mark; dots (or spaces) group thousands, and
///   every group after the first has exactly three digits (`1.234.567`, not
///   `1.2.3`).
/// - With no comma, a dot is a thousands separator for whole numbers
///   (`whole = true`) and, if it is the only one, a decimal point otherwise
///   (`99.5` in a percentage).
/// - A whole number has no fractional part (`0,0000001` is refused, not
///   rounded); `12,0` is twelve.
/// - At most 15 significant digits; no exponent (`1e20`), no `+`, no letters.
pub fn parse_number(input: &str, whole: bool) -> Result<f64, String> {
    let shown = &show(input);
    let s: String = input
        .trim()
        .chars()
        .map(|c| if is_space(c) { ' ' } else { c })
        .collect();
    if s.is_empty() {
        return Err("chưa nhập số".into());
    }
    // Room for 15 digits, their separators and a sign; anything longer is not a figure.
    if s.chars().count() > 40 {
        return Err(format!("“{shown}” có quá nhiều chữ số (tối đa {MAX_DIGITS})"));
    }
    let (negative, body) = match s.strip_prefix('-') {
        Some(rest) => (true, rest.trim_start()),
        None => (false, s.as_str()),
    };
    let (int_part, frac_part) = split_decimal(body, whole).map_err(|why| format!("“{shown}” {why}"))?;
    let int_digits = ungroup(int_part).map_err(|why| format!("“{shown}” {why}"))?;
    let frac_digits = frac_part.unwrap_or("");
    if !frac_digits.chars().all(|c| c.is_ascii_digit()) || (frac_part.is_some() && frac_digits.is_empty()) {
        return Err(format!("“{shown}” không phải là số"));
    }
    if whole && frac_digits.chars().any(|c| c != '0') {
        return Err(format!("“{shown}” phải là số nguyên (không có phần lẻ)"));
    }
    let significant = int_digits.trim_start_matches('0').len() + frac_digits.trim_end_matches('0').len();
    if significant > MAX_DIGITS {
        return Err(format!("“{shown}” có quá nhiều chữ số (tối đa {MAX_DIGITS})"));
    }
    let text = format!(
        "{}{int_digits}.{}",
        if negative { "-" } else { "" },
        if frac_digits.is_empty() { "0" } else { frac_digits }
    );
    text.parse::<f64>()
        .ok()
        .filter(|x| x.is_finite())
        .map(|x| if x == 0.0 { 0.0 } else { x })
        .ok_or_else(|| format!("“{shown}” không phải là số"))
}

/// The input as quoted in a message: trimmed, and cut short so a pasted
/// page does not become the message.
fn show(input: &str) -> String {
    const MAX: usize = 40;
    let t = input.trim();
    match t.char_indices().nth(MAX) {
        Some((i, _)) => format!("{}…", &t[..i]),
        None => t.to_string(),
    }
}

/// Spaces people (and spreadsheets) put between thousands.
fn is_space(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{a0}' | '\u{202f}' | '\u{2009}')
}

/// Splits at the decimal mark: the comma, or for a non-whole number without
/// a comma a single dot.
fn split_decimal(body: &str, whole: bool) -> Result<(&str, Option<&str>), &'static str> {
    match body.matches(',').count() {
        0 if !whole && body.matches('.').count() == 1 => {
            let (i, f) = body.split_once('.').unwrap_or((body, ""));
            Ok((i, Some(f)))
        }
        0 => Ok((body, None)),
        1 => {
            let (i, f) = body.split_once(',').unwrap_or((body, ""));
            Ok((i, Some(f)))
        }
        _ => Err("không phải là số (chỉ một dấu phẩy thập phân)"),
    }
}

/// The digits of an integer part written with or without thousands groups.
fn ungroup(int_part: &str) -> Result<String, &'static str> {
    let groups: Vec<&str> = int_part.split(['.', ' ']).collect();
    if groups
        .iter()
        .any(|g| g.is_empty() || !g.chars().all(|c| c.is_ascii_digit()))
    {
        return Err("không phải là số");
    }
    if groups.len() > 1 && (groups[0].len() > 3 || groups[1..].iter().any(|g| g.len() != 3)) {
        return Err("không phải là số: mỗi nhóm sau dấu chấm phải đủ 3 chữ số (ví dụ 1.234.567)");
    }
    Ok(groups.concat())
}

#[cfg(test)]
mod tests {
    use super::parse_number;

    #[test]
    fn vietnamese_number_input() {
        assert_eq!(parse_number("1.234", true), Ok(1234.0));
        assert_eq!(parse_number("1 234 567", true), Ok(1_234_567.0));
        assert_eq!(parse_number("1\u{a0}234", true), Ok(1234.0));
        assert_eq!(parse_number("99,5", false), Ok(99.5));
        assert_eq!(parse_number("99.5", false), Ok(99.5));
        assert_eq!(parse_number("1.234,5", false), Ok(1234.5));
        assert_eq!(parse_number("-3", true), Ok(-3.0));
        assert_eq!(parse_number("12,0", true), Ok(12.0));
        assert_eq!(parse_number("0", true), Ok(0.0));
        assert_eq!(parse_number("-0", true), Ok(0.0));
        assert!(parse_number("", true).is_err());
        assert!(parse_number("mười", true).is_err());
        assert!(parse_number("1,2,3", false).is_err());
        assert!(parse_number("1e9", true).is_err());
    }

    #[test]
    fn grouping_only_in_threes() {
        // Each of these was read as some other number before.
        assert!(parse_number("1.2.3", true).is_err(), "was 123");
        assert!(parse_number("12.34", true).is_err(), "was 1234");
        assert!(parse_number("1234.567", true).is_err());
        assert!(parse_number("1 23", true).is_err());
        assert!(parse_number("1..234", true).is_err());
        assert!(parse_number(".234", true).is_err());
        assert!(parse_number("1.234.", true).is_err());
        assert_eq!(parse_number("12.345", true), Ok(12_345.0));
        assert_eq!(parse_number("1.234.567", true), Ok(1_234_567.0));
        assert_eq!(parse_number("1.234.567,25", false), Ok(1_234_567.25));
    }

    #[test]
    fn no_fraction_in_a_count() {
        let e = parse_number("0,0000001", true).unwrap_err();
        assert!(e.contains("số nguyên"), "{e}");
        assert!(parse_number("0.0000001", true).is_err(), "was 1");
        assert!(parse_number("2,5", true).is_err());
        assert_eq!(parse_number("0,0000001", false), Ok(0.000_000_1));
    }

    #[test]
    fn digits_are_limited() {
        assert!(parse_number(&"9".repeat(30), true).is_err(), "30 nines were accepted");
        assert!(parse_number("100000000000000000000", true).is_err(), "1e20 spelt out");
        assert!(parse_number("1e20", true).is_err());
        assert!(parse_number("1E20", false).is_err());
        assert!(parse_number("inf", false).is_err());
        assert!(parse_number("NaN", false).is_err());
        assert!(parse_number("+5", true).is_err());
        assert_eq!(parse_number("999.999.999.999.999", true), Ok(999_999_999_999_999.0));
        assert!(parse_number("9.999.999.999.999.999", true).is_err());
        // Leading zeros and trailing decimal zeros are not significant.
        assert_eq!(parse_number("000000000000000000001", true), Ok(1.0));
        assert_eq!(parse_number("1,50000000000000000000", false), Ok(1.5));
    }

    #[test]
    fn percentages_read_a_lone_dot_as_decimal() {
        assert_eq!(parse_number("99.5", false), Ok(99.5));
        assert_eq!(parse_number("1.234.567", false), Ok(1_234_567.0));
        assert!(parse_number("1.2.3", false).is_err());
    }
}
