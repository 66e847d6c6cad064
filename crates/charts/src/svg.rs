//! Small helpers for writing SVG by hand, with escaping.

use std::fmt::Write;

pub fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Opens an SVG with a title and a description for screen readers.
pub fn open(out: &mut String, width: u32, height: u32, title: &str, desc: &str) {
    let _ = write!(
        out,
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" font-family="Noto Sans, Arial, sans-serif" font-size="12"><title>{}</title><desc>{}</desc><rect width="100%" height="100%" fill="#ffffff"/>"##,
        esc(title),
        esc(desc)
    );
}

pub fn text(out: &mut String, x: f64, y: f64, anchor: &str, extra: &str, s: &str) {
    let _ = write!(
        out,
        r#"<text x="{x:.1}" y="{y:.1}" text-anchor="{anchor}" {extra}>{}</text>"#,
        esc(s)
    );
}

pub fn line(out: &mut String, x1: f64, y1: f64, x2: f64, y2: f64, style: &str) {
    let _ = write!(
        out,
        r#"<line x1="{x1:.1}" y1="{y1:.1}" x2="{x2:.1}" y2="{y2:.1}" {style}/>"#
    );
}

/// Roughly how wide `s` is in pixels at `size`: the widest sans-serif the
/// PNG may fall back to (DejaVu Sans, about 0.62 em a letter, 0.68 in bold),
/// so what fits here fits in both the SVG and the PNG.
pub fn text_width(s: &str, size: f64, bold: bool) -> f64 {
    let em = if bold { 0.68 } else { 0.62 };
    s.chars()
        .map(|c| {
            if c == ' ' {
                0.32
            } else if c.is_uppercase() {
                em + 0.1
            } else {
                em
            }
        })
        .sum::<f64>()
        * size
}

/// Splits a title into lines no wider than `max` pixels at `size` (bold),
/// at spaces, so long indicator names stay inside the chart, whole.
pub fn wrap(s: &str, size: f64, max: f64) -> Vec<String> {
    let mut lines: Vec<String> = vec![String::new()];
    for word in s.split_whitespace() {
        let last = lines.last_mut().expect("one line");
        let candidate = if last.is_empty() {
            word.to_string()
        } else {
            format!("{last} {word}")
        };
        if !last.is_empty() && text_width(&candidate, size, true) > max {
            lines.push(word.to_string());
        } else {
            *last = candidate;
        }
    }
    lines
}

/// `s` cut to `max` pixels at `size`, with an ellipsis if it was cut (for
/// labels beside bars, whose full text is in the chart's description).
pub fn fit(s: &str, size: f64, max: f64) -> String {
    if text_width(s, size, false) <= max {
        return s.to_string();
    }
    let mut out = String::new();
    for c in s.chars() {
        if text_width(&format!("{out}{c}…"), size, false) > max {
            break;
        }
        out.push(c);
    }
    format!("{}…", out.trim_end())
}

/// Title lines at the top left, 15 px bold; the y below them.
pub fn title(out: &mut String, x: f64, lines: &[String]) -> f64 {
    for (i, l) in lines.iter().enumerate() {
        text(
            out,
            x,
            22.0 + TITLE_LINE * i as f64,
            "start",
            r#"font-size="15" font-weight="bold""#,
            l,
        );
    }
    22.0 + TITLE_LINE * (lines.len().max(1) - 1) as f64
}

pub const TITLE_SIZE: f64 = 15.0;
pub const TITLE_LINE: f64 = 19.0;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_titles_wrap_whole() {
        let t =
            "Tỷ lệ phường, xã có Trung tâm học tập cộng đồng triển khai hoạt động hiệu quả, đạt chuẩn — quận Ba Đình";
        let lines = wrap(t, 15.0, 600.0);
        assert!(lines.len() >= 2);
        assert_eq!(lines.join(" "), t, "nothing is cut");
        assert!(lines.iter().all(|l| text_width(l, 15.0, true) <= 600.0));
    }

    #[test]
    fn labels_are_cut_with_an_ellipsis() {
        assert_eq!(fit("Phúc Xá", 12.0, 180.0), "Phúc Xá");
        let long = fit("Trung tâm học tập cộng đồng phường Nguyễn Trung Trực", 12.0, 180.0);
        assert!(long.ends_with('…') && text_width(&long, 12.0, false) <= 180.0, "{long}");
    }
}
