//! Vietnamese text and number conventions: NFC, `1.234.567`, `99,5%`, `05/12/2026`.

use chrono::{Datelike, NaiveDate};
use unicode_normalization::UnicodeNormalization;

mod clean;
mod number;

pub use clean::{TextKind, TextProblem, clean};
pub use number::parse_number;

/// The same Vietnamese word can arrive as different bytes (composed or not);
/// everything stored or compared goes through NFC first.
pub fn nfc(s: &str) -> String {
    s.nfc().collect()
}

/// `1234567.891` with 1 decimal → `1.234.567,9`. Trailing zeros of the
/// decimals are dropped (`99,50` → `99,5`), so whole numbers print bare.
pub fn number(x: f64, decimals: usize) -> String {
    // Round half away from zero, as people do (format! rounds half to even).
    let factor = 10f64.powi(decimals as i32);
    let scaled = (x.abs() * factor).round();
    let (int, frac) = match exact_digits(scaled, decimals) {
        Some(parts) => parts,
        None => {
            let rounded = format!("{:.*}", decimals, scaled / factor);
            let (int, frac) = rounded.split_once('.').unwrap_or((&rounded, ""));
            (int.to_string(), frac.to_string())
        }
    };
    let frac = frac.trim_end_matches('0');
    let mut grouped = String::with_capacity(int.len() + int.len() / 3 + frac.len() + 2);
    if x < 0.0 && (int != "0" || !frac.is_empty()) {
        grouped.push('-');
    }
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push('.');
        }
        grouped.push(ch);
    }
    if !frac.is_empty() {
        grouped.push(',');
        grouped.push_str(frac);
    }
    grouped
}

/// The integer and decimal digits of `scaled / 10^decimals`, where
/// `scaled` is a whole number, by integer arithmetic: a form prints every
/// figure through [`number`], and float formatting with a precision was a
/// measurable share of a form load. `None` beyond what a `u64` holds
/// exactly (or not finite): the caller formats the float.
fn exact_digits(scaled: f64, decimals: usize) -> Option<(String, String)> {
    const EXACT: f64 = 9_007_199_254_740_992.0; // 2^53
    let pow = 10u64.checked_pow(u32::try_from(decimals).ok()?)?;
    if !(0.0..EXACT).contains(&scaled) {
        return None;
    }
    let n = scaled as u64;
    let frac = if decimals == 0 {
        String::new()
    } else {
        format!("{:0width$}", n % pow, width = decimals)
    };
    Some(((n / pow).to_string(), frac))
}

/// `99.5` → `99,5%`.
pub fn percent(x: f64) -> String {
    percent_with(x, 1)
}

/// A percentage with the decimals an assessment asks for
/// ([`crate::indicator::Assessment::decimals`]): `99,49%`.
pub fn percent_with(x: f64, decimals: usize) -> String {
    format!("{}%", number(x, decimals))
}

/// `05/12/2026`.
pub fn date(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// A date typed as `dd/mm/yyyy` (`5/12/2026` too), whatever the browser's
/// language: day first, a four-digit year, nothing else on the line. `Err`
/// is a Vietnamese message for the field.
pub fn parse_date(input: &str) -> Result<NaiveDate, String> {
    let bad = || {
        format!(
            "Ngày “{}” không hợp lệ: ghi theo dạng ngày/tháng/năm, ví dụ 20/12/2026.",
            input.trim()
        )
    };
    let parts: Vec<&str> = input.trim().split('/').collect();
    let [d, m, y] = parts.as_slice() else {
        return Err(bad());
    };
    let digits = |s: &str, lens: &[usize]| lens.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit());
    if !(digits(d, &[1, 2]) && digits(m, &[1, 2]) && digits(y, &[4])) {
        return Err(bad());
    }
    let (d, m, y) = (
        d.parse().map_err(|_| bad())?,
        m.parse().map_err(|_| bad())?,
        y.parse().map_err(|_| bad())?,
    );
    NaiveDate::from_ymd_opt(y, m, d).ok_or_else(bad)
}

/// `ngày 05 tháng 12 năm 2026` (leading zeros as Decree 30/2020 asks for
/// days 1-9 and months 1-2).
pub fn date_long(d: NaiveDate) -> String {
    let month = if d.month() <= 2 {
        format!("{:02}", d.month())
    } else {
        d.month().to_string()
    };
    format!("ngày {:02} tháng {} năm {}", d.day(), month, d.year())
}

#[cfg(test)]
mod date_tests {
    use super::*;

    #[test]
    fn dates_are_read_day_first_and_strictly() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(parse_date("20/12/2026"), Ok(d(2026, 12, 20)));
        assert_eq!(parse_date(" 5/1/2027 "), Ok(d(2027, 1, 5)));
        assert_eq!(
            parse_date("03/04/2026"),
            Ok(d(2026, 4, 3)),
            "day first, never month first"
        );
        for bad in [
            "2026-12-20",
            "12/20/2026",
            "31/02/2026",
            "20/12/26",
            "20.12.2026",
            "20/12/2026x",
            "",
            "+1/12/2026",
            "20/12/2026/1",
        ] {
            assert!(parse_date(bad).is_err(), "{bad}");
        }
        assert!(parse_date("31/02/2026").unwrap_err().contains("ngày/tháng/năm"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_in_vietnamese_format() {
        assert_eq!(number(1_234_567.0, 0), "1.234.567");
        assert_eq!(number(1_234_567.891, 1), "1.234.567,9");
        assert_eq!(number(99.5, 2), "99,5");
        assert_eq!(number(100.0, 1), "100");
        assert_eq!(number(-2.25, 1), "-2,3");
        assert_eq!(number(-0.01, 1), "0");
        assert_eq!(number(999.0, 0), "999");
        assert_eq!(number(1000.0, 0), "1.000");
        assert_eq!(number(0.05, 2), "0,05");
        assert_eq!(number(-1_234.5, 0), "-1.235");
        assert_eq!(number(1e20, 0), "100.000.000.000.000.000.000");
        assert_eq!(number(f64::NAN, 1), "NaN");
        assert_eq!(percent(99.54), "99,5%");
    }

    /// The integer path prints what formatting the rounded float prints.
    #[test]
    fn integer_digits_match_float_formatting() {
        let by_float = |x: f64, d: usize| {
            let factor = 10f64.powi(d as i32);
            let s = format!("{:.*}", d, (x.abs() * factor).round() / factor);
            let (i, f) = s
                .split_once('.')
                .map_or((s.clone(), String::new()), |(i, f)| (i.into(), f.into()));
            (i, f)
        };
        let mut x = 0.123_f64;
        for k in 0..20_000 {
            // Values from 0.001 to 10^13, whole and fractional.
            x = (x * 7.3 + k as f64 * 0.37) % 1e13;
            for v in [x, x.trunc(), x / 1e5, (x / 1e3).trunc() + 0.5] {
                for d in 0..=4 {
                    let factor = 10f64.powi(d as i32);
                    let scaled = (v.abs() * factor).round();
                    if let Some(parts) = exact_digits(scaled, d) {
                        assert_eq!(parts, by_float(v, d), "{v} with {d} decimals");
                    }
                }
            }
        }
    }

    #[test]
    fn dates() {
        let d = NaiveDate::from_ymd_opt(2026, 12, 5).unwrap();
        assert_eq!(date(d), "05/12/2026");
        assert_eq!(date_long(d), "ngày 05 tháng 12 năm 2026");
        let feb = NaiveDate::from_ymd_opt(2022, 2, 8).unwrap();
        assert_eq!(date_long(feb), "ngày 08 tháng 02 năm 2022");
    }

    #[test]
    fn nfc_composes() {
        let decomposed = "Vie\u{0323}\u{0302}t";
        assert_eq!(nfc(decomposed), "Việt");
    }
}

/// A search/identifier key: no diacritics, đ → d, lowercase ASCII letters and
/// digits only ("Phúc Xá" → "phucxa").
pub fn fold(s: &str) -> String {
    s.nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .map(|c| match c {
            'đ' | 'Đ' => 'd',
            c => c.to_ascii_lowercase(),
        })
        .filter(char::is_ascii_alphanumeric)
        .collect()
}

/// A file-name slug: words folded to ASCII, joined by `-`
/// ("Tỷ lệ biết chữ 15-60" → "ty-le-biet-chu-15-60").
pub fn slug(s: &str) -> String {
    s.split(|c: char| !c.is_alphanumeric())
        .map(fold)
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

#[cfg(test)]
mod fold_tests {
    #[test]
    fn slugs_name_files() {
        assert_eq!(
            super::slug("Số liệu: Tỷ lệ biết chữ (15-60 tuổi)"),
            "so-lieu-ty-le-biet-chu-15-60-tuoi"
        );
        assert_eq!(super::slug("  Đoàn thể  "), "doan-the");
    }

    #[test]
    fn folds_vietnamese() {
        assert_eq!(super::fold("Phúc Xá"), "phucxa");
        assert_eq!(super::fold("Điện Biên"), "dienbien");
        assert_eq!(super::fold("Đội Cấn"), "doican");
    }
}

/// A sort key in Vietnamese dictionary order: letters first (a < ă < â < b …
/// d < đ … o < ô < ơ … u < ư), tones second (none, huyền, hỏi, ngã, sắc,
/// nặng), so "Đội Cấn" sorts after "Điện Biên" and before "Giảng Võ".
/// Database collations differ between SQLite and PostgreSQL, so we sort here.
pub fn sort_key(s: &str) -> (Vec<u32>, Vec<u32>, String) {
    const LETTERS: &str = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz";
    let mut primary = Vec::new();
    let mut tones = Vec::new();
    let lower = s.to_lowercase();
    let mut chars = lower.nfd().peekable();
    while let Some(c) = chars.next() {
        let mut letter = c;
        let mut tone = 0;
        while let Some(&m) = chars.peek() {
            if !unicode_normalization::char::is_combining_mark(m) {
                break;
            }
            chars.next();
            letter = match (letter, m) {
                ('a', '\u{306}') => 'ă',
                ('a', '\u{302}') => 'â',
                ('e', '\u{302}') => 'ê',
                ('o', '\u{302}') => 'ô',
                ('o', '\u{31b}') => 'ơ',
                ('u', '\u{31b}') => 'ư',
                _ => letter,
            };
            tone = match m {
                '\u{300}' => 1,
                '\u{309}' => 2,
                '\u{303}' => 3,
                '\u{301}' => 4,
                '\u{323}' => 5,
                _ => tone,
            };
        }
        let rank = match LETTERS.chars().position(|l| l == letter) {
            Some(i) => 1000 + i as u32,
            None if letter.is_whitespace() => 0,
            None if letter.is_ascii_digit() => 100 + letter as u32,
            None => 2000 + letter as u32,
        };
        primary.push(rank);
        tones.push(tone);
    }
    (primary, tones, s.to_string())
}

#[cfg(test)]
mod sort_tests {
    use super::sort_key;

    #[test]
    fn vietnamese_alphabetical_order() {
        let mut wards = vec![
            "Giảng Võ",
            "Đội Cấn",
            "Điện Biên",
            "Cống Vị",
            "Ngọc Hà",
            "Ngọc Khánh",
            "Kim Mã",
            "Ba Đình",
            "An Khánh",
            "Ăn",
            "Ân",
        ];
        wards.sort_by_key(|w| sort_key(w));
        assert_eq!(
            wards,
            [
                "An Khánh",
                "Ăn",
                "Ân",
                "Ba Đình",
                "Cống Vị",
                "Điện Biên",
                "Đội Cấn",
                "Giảng Võ",
                "Kim Mã",
                "Ngọc Hà",
                "Ngọc Khánh"
            ]
        );
        // D before Đ; O < Ô < Ơ; tones after letters: "ma" < "mà" < "mả" < "mã" < "má" < "mạ" < "mai".
        let mut xs = vec!["Đa", "Da", "Ơ", "Ô", "O", "mai", "mạ", "má", "mã", "mả", "mà", "ma"];
        xs.sort_by_key(|w| sort_key(w));
        assert_eq!(
            xs,
            ["Da", "Đa", "ma", "mà", "mả", "mã", "má", "mạ", "mai", "O", "Ô", "Ơ"]
        );
    }
}
