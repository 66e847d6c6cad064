//! How wide a line of Times New Roman is, roughly, so the layout can choose
//! where names break and how long the drawn rules are. The advance widths are
//! the standard Times metrics (thousandths of an em), which Times New Roman
//! and its metric-compatible substitute Liberation Serif share; a Vietnamese
//! letter is as wide as its base letter (the marks sit above or below).

/// Advance widths of A–Z and a–z, regular then bold.
const UPPER: [[u16; 26]; 2] = [
    [
        722, 667, 667, 722, 611, 556, 722, 722, 333, 389, 722, 611, 889, 722, 722, 556, 722, 667, 556, 611, 722, 722,
        944, 722, 722, 611,
    ],
    [
        722, 667, 722, 722, 667, 611, 778, 778, 389, 500, 778, 667, 944, 722, 778, 611, 778, 722, 556, 667, 722, 722,
        1000, 722, 722, 667,
    ],
];
const LOWER: [[u16; 26]; 2] = [
    [
        444, 500, 444, 500, 444, 333, 500, 500, 278, 278, 500, 278, 778, 500, 500, 500, 500, 333, 389, 278, 500, 500,
        722, 500, 500, 444,
    ],
    [
        500, 556, 444, 556, 444, 333, 500, 556, 278, 333, 556, 278, 833, 556, 500, 556, 556, 444, 389, 333, 556, 500,
        722, 500, 500, 444,
    ],
];

fn advance(c: char, bold: bool) -> u32 {
    let w = usize::from(bold);
    let base = xhht_domain::text::fold(&c.to_string());
    let Some(b) = base.chars().next() else {
        return match c {
            ' ' | '\u{a0}' => 250,
            '-' | ',' | '.' | ':' | ';' => 300,
            '(' | ')' | '/' => 333,
            '%' => 833,
            _ => 500,
        };
    };
    match b {
        'a'..='z' if c.is_uppercase() => u32::from(UPPER[w][(b as u8 - b'a') as usize]),
        'a'..='z' => u32::from(LOWER[w][(b as u8 - b'a') as usize]),
        _ => 500, // digits
    }
}

/// Width of `s` at `pt` points, in twentieths of a point (twips).
pub fn width(s: &str, pt: u32, bold: bool) -> u32 {
    let em: u32 = s.chars().map(|c| advance(c, bold)).sum();
    em * pt * 20 / 1000
}

/// Words that start a new part of an administrative name: a break before
/// them reads naturally ("PHÒNG GIÁO DỤC / VÀ ĐÀO TẠO", "ỦY BAN NHÂN DÂN /
/// QUẬN BA ĐÌNH"); a break elsewhere may split a word of two syllables.
const BREAK_BEFORE: [&str; 12] = [
    "VÀ",
    "CỦA",
    "THUỘC",
    "TỈNH",
    "THÀNH",
    "QUẬN",
    "HUYỆN",
    "THỊ",
    "PHƯỜNG",
    "XÃ",
    "ĐẶC",
    "TRƯỜNG",
];

/// `name` as lines that fit `max` twips at `pt` points: the caller's own
/// line breaks (`\n`) are kept; a line too long is broken before a word that
/// starts a part of the name, the break that leaves the longest line
/// shortest; failing that, at the most balanced space.
pub fn name_lines(name: &str, pt: u32, bold: bool, max: u32) -> Vec<String> {
    name.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .flat_map(|l| split_line(l, pt, bold, max))
        .collect()
}

fn split_line(line: &str, pt: u32, bold: bool, max: u32) -> Vec<String> {
    if width(line, pt, bold) <= max {
        return vec![line.to_string()];
    }
    let words: Vec<&str> = line.split_whitespace().collect();
    let cost = |i: usize| {
        let (a, b) = (words[..i].join(" "), words[i..].join(" "));
        width(&a, pt, bold).max(width(&b, pt, bold))
    };
    let natural = (1..words.len())
        .filter(|&i| BREAK_BEFORE.contains(&words[i].to_uppercase().as_str()))
        .min_by_key(|&i| cost(i));
    let Some(at) = natural.or_else(|| (1..words.len()).min_by_key(|&i| cost(i))) else {
        return vec![line.to_string()]; // one word: nothing to break
    };
    let mut out = split_line(&words[..at].join(" "), pt, bold, max);
    out.extend(split_line(&words[at..].join(" "), pt, bold, max));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The left column of the masthead, less the cells' margins.
    const LEFT: u32 = 3554 - 216;

    #[test]
    fn names_break_between_their_parts() {
        assert_eq!(
            name_lines("PHÒNG GIÁO DỤC VÀ ĐÀO TẠO", 12, true, LEFT),
            ["PHÒNG GIÁO DỤC", "VÀ ĐÀO TẠO"]
        );
        assert_eq!(
            name_lines("ỦY BAN NHÂN DÂN QUẬN BA ĐÌNH", 12, false, LEFT),
            ["ỦY BAN NHÂN DÂN", "QUẬN BA ĐÌNH"]
        );
        assert_eq!(name_lines("UBND QUẬN BA ĐÌNH", 12, false, LEFT), ["UBND QUẬN BA ĐÌNH"]);
        assert_eq!(
            name_lines("SỞ GIÁO DỤC\nVÀ ĐÀO TẠO", 12, true, 20_000),
            ["SỞ GIÁO DỤC", "VÀ ĐÀO TẠO"],
            "the caller's breaks are kept"
        );
    }

    #[test]
    fn widths_follow_the_letters() {
        assert!(width("MMMM", 12, false) > width("IIII", 12, false));
        assert!(width("Đ", 12, true) == width("D", 12, true));
        assert!(width("ỘNG", 12, true) == width("ONG", 12, true));
        // The national title at 12 pt bold fits the right column (about 5.6 inches).
        assert!(width(super::super::NATIONAL_TITLE, 12, true) < 5600);
    }
}
