//! A value over the years with the plan's target points; and sparklines.

use std::fmt::Write;

use crate::svg::{self, TITLE_LINE, TITLE_SIZE, esc, line, open, text, wrap};
use crate::{Unit, nice_max};

pub struct LineChart {
    pub title: String,
    pub y_label: String,
    pub unit: Unit,
    pub years: Vec<i32>,
    /// One value per year; `None` where there is no data.
    pub values: Vec<Option<f64>>,
    /// (year, target, label) points, drawn as hollow diamonds.
    pub targets: Vec<(i32, f64)>,
    /// Per year, whether the value is provisional ("tạm tính": too few
    /// units approved): drawn as a hollow point and named in the legend.
    /// Missing entries are not provisional.
    pub provisional: Vec<bool>,
}

/// Where things go: the wide layout (pages on a computer, the Word report's
/// PNG) and the narrow one (phones), which keeps its text at 12 px or more
/// when drawn about 320-360 px wide, with fewer labels.
struct Layout {
    w: f64,
    /// Room left of the plot for the axis's labels; `None`: fit them.
    left: Option<f64>,
    right: f64,
    /// Height of the plotting area; the chart grows with its title instead.
    plot: f64,
    /// Room above the plot for the labels of the highest points.
    headroom: f64,
    /// Size of the labels of values and targets.
    label: f64,
    /// Label every `year_step`-th year, counted back from the last.
    year_step: usize,
    /// Every value labelled; else only the first and the last known one.
    every_value: bool,
    /// The legend on one line; else one entry a line.
    legend_in_line: bool,
}

const WIDE: Layout = Layout {
    w: 720.0,
    left: Some(64.0),
    right: 24.0,
    plot: 202.0,
    headroom: 30.0,
    label: 11.0,
    year_step: 1,
    every_value: true,
    legend_in_line: true,
};

const NARROW: Layout = Layout {
    w: 320.0,
    left: None,
    right: 18.0,
    plot: 190.0,
    headroom: 46.0,
    label: 12.0,
    year_step: 2,
    every_value: false,
    legend_in_line: false,
};

const W: f64 = WIDE.w;
/// Height of a legend line in the narrow layout.
const LEGEND_LINE: f64 = 18.0;

impl LineChart {
    /// The chart for wide screens and for the Word report.
    pub fn svg(&self) -> String {
        self.draw(&WIDE)
    }

    /// The same chart laid out for a phone: 320 units wide, every text at
    /// least 12 px, years every other one, only the first and latest values
    /// labelled (the page's table beside it has them all), the legend one
    /// entry a line.
    pub fn svg_narrow(&self) -> String {
        self.draw(&NARROW)
    }

    fn legend_entries(&self) -> usize {
        if self.any_provisional() { 3 } else { 2 }
    }

    fn draw(&self, l: &Layout) -> String {
        let w = l.w;
        let mut out = String::new();
        let desc = self.describe();
        let title = wrap(&self.title, TITLE_SIZE, w - 32.0);
        let top = 22.0 + TITLE_LINE * (title.len().max(1) - 1) as f64 + l.headroom;
        let bottom = if l.legend_in_line {
            56.0
        } else {
            30.0 + LEGEND_LINE * self.legend_entries() as f64
        };
        let h = top + l.plot + bottom;
        open(&mut out, w as u32, h as u32, &self.title, &desc);
        svg::title(&mut out, 16.0, &title);
        let max_v = self
            .values
            .iter()
            .flatten()
            .chain(self.targets.iter().map(|t| &t.1))
            .fold(0.0_f64, |a, b| a.max(*b));
        let y_max = nice_max(max_v, self.unit);
        let ticks: Vec<f64> = (0..=4).map(|k| y_max * f64::from(k) / 4.0).collect();
        let left = l.left.unwrap_or_else(|| {
            let widest = ticks
                .iter()
                .map(|v| svg::text_width(&self.unit.format(*v), 12.0, false))
                .fold(0.0, f64::max);
            widest + 30.0
        });
        let n = self.years.len().max(2);
        let x_of = |i: usize| left + (w - left - l.right) * i as f64 / (n - 1) as f64;
        let y_of = |v: f64| top + l.plot * (1.0 - v / y_max);
        for v in &ticks {
            line(
                &mut out,
                left,
                y_of(*v),
                w - l.right,
                y_of(*v),
                r##"stroke="#d8dde3" stroke-width="1""##,
            );
            text(
                &mut out,
                left - 8.0,
                y_of(*v) + 4.0,
                "end",
                r##"fill="#444""##,
                &self.unit.format(*v),
            );
        }
        let last = self.years.len().saturating_sub(1);
        for (i, y) in self.years.iter().enumerate() {
            if !(last - i).is_multiple_of(l.year_step) {
                continue;
            }
            text(
                &mut out,
                x_of(i),
                h - bottom + 18.0,
                "middle",
                r##"fill="#444""##,
                &y.to_string(),
            );
        }
        if l.legend_in_line {
            text(
                &mut out,
                (left + w - l.right) / 2.0,
                h - 12.0,
                "middle",
                r##"fill="#444""##,
                "Năm",
            );
        }
        let _ = write!(
            out,
            r##"<text x="16" y="{:.1}" text-anchor="middle" fill="#444" transform="rotate(-90 16 {:.1})">{}</text>"##,
            top + l.plot / 2.0,
            top + l.plot / 2.0,
            esc(&self.y_label)
        );
        // The value line: solid, broken where a year has no data.
        let mut path = String::new();
        let mut pen_down = false;
        for (i, v) in self.values.iter().enumerate() {
            match v {
                Some(v) => {
                    let _ = write!(
                        path,
                        "{}{:.1},{:.1} ",
                        if pen_down { "L" } else { "M" },
                        x_of(i),
                        y_of(*v)
                    );
                    pen_down = true;
                }
                None => pen_down = false,
            }
        }
        let _ = write!(
            out,
            r##"<path d="{path}" fill="none" stroke="#0b5cab" stroke-width="2.5"/>"##
        );
        let known: Vec<usize> = (0..self.values.len()).filter(|i| self.values[*i].is_some()).collect();
        let labelled = |i: usize| l.every_value || known.first() == Some(&i) || known.last() == Some(&i);
        // Value labels go above their point, inside the plot's width: the first
        // starts at its point (clear of the axis's labels), the last ends there.
        let mut taken: Vec<[f64; 4]> = Vec::new();
        for (i, v) in self.values.iter().enumerate() {
            if let Some(v) = v {
                let fill = if self.is_provisional(i) {
                    r##"fill="#ffffff" stroke="#0b5cab" stroke-width="2""##
                } else {
                    r##"fill="#0b5cab""##
                };
                let _ = write!(
                    out,
                    r##"<circle cx="{:.1}" cy="{:.1}" r="4" {fill}/>"##,
                    x_of(i),
                    y_of(*v)
                );
                if !labelled(i) {
                    continue;
                }
                let (x, anchor) = edge_anchor(x_of(i), i, last);
                let label = self.unit.format(*v);
                taken.push(label_box(x, y_of(*v) - 9.0, anchor, &label, l.label));
                text(
                    &mut out,
                    x,
                    y_of(*v) - 9.0,
                    anchor,
                    &format!(r##"font-size="{}" fill="#0b3d73""##, l.label),
                    &label,
                );
            }
        }
        for (year, t) in &self.targets {
            let Some(i) = self.years.iter().position(|y| y == year) else {
                continue;
            };
            let (x, y) = (x_of(i), y_of(*t));
            let _ = write!(
                out,
                r##"<path d="M{x:.1},{:.1} L{:.1},{y:.1} L{x:.1},{:.1} L{:.1},{y:.1} Z" fill="#ffffff" stroke="#b3261e" stroke-width="2"/>"##,
                y - 7.0,
                x + 7.0,
                y + 7.0,
                x - 7.0
            );
            // Below the diamond if there is room and no value's label is there;
            // else above it, higher still if a value's label is in the way.
            let label = format!("Mục tiêu {}", self.unit.format(*t));
            let (lx, anchor) = edge_anchor(x, i, last);
            let fits = |ly: f64| ly <= top + l.plot - 4.0 && ly - l.label >= top - l.headroom + 4.0;
            let candidates = [y + 20.0, y - 12.0, y - 26.0, y + 34.0];
            let free = |ly: &f64| {
                let b = label_box(lx, *ly, anchor, &label, l.label);
                !taken
                    .iter()
                    .any(|t| b[0] < t[2] && t[0] < b[2] && b[1] < t[3] && t[1] < b[3])
            };
            let ly = candidates
                .iter()
                .copied()
                .filter(|ly| fits(*ly))
                .find(free)
                .unwrap_or(candidates[1]);
            taken.push(label_box(lx, ly, anchor, &label, l.label));
            text(
                &mut out,
                lx,
                ly,
                anchor,
                &format!(r##"font-size="{}" fill="#b3261e""##, l.label),
                &label,
            );
        }
        if l.legend_in_line {
            self.legend_in_line(&mut out, h, left);
        } else {
            self.legend_stacked(&mut out, h - bottom + 30.0);
        }
        out.push_str("</svg>");
        out
    }

    /// Legend: shapes, not colours, tell the two apart.
    fn legend_in_line(&self, out: &mut String, h: f64, left: f64) {
        let ly = h - 8.0;
        let _ = write!(
            out,
            r##"<circle cx="{:.1}" cy="{:.1}" r="4" fill="#0b5cab"/>"##,
            W - 270.0,
            ly - 4.0
        );
        text(out, W - 260.0, ly, "start", "", "Kết quả (đã duyệt)");
        let (x, y) = (W - 130.0, ly - 4.0);
        diamond(out, x, y);
        text(out, W - 118.0, ly, "start", "", "Mục tiêu");
        if self.any_provisional() {
            let _ = write!(
                out,
                r##"<circle cx="{:.1}" cy="{:.1}" r="4" fill="#ffffff" stroke="#0b5cab" stroke-width="2"/>"##,
                left + 6.0,
                ly - 4.0
            );
            text(
                out,
                left + 16.0,
                ly,
                "start",
                "",
                "Tạm tính (chưa đủ báo cáo được duyệt)",
            );
        }
    }

    /// The legend one entry a line, from `y0` down (phones).
    fn legend_stacked(&self, out: &mut String, y0: f64) {
        let (mx, tx) = (18.0, 30.0);
        let mut y = y0 + 12.0;
        let _ = write!(
            out,
            r##"<circle cx="{mx:.1}" cy="{:.1}" r="4" fill="#0b5cab"/>"##,
            y - 4.0
        );
        text(out, tx, y, "start", "", "Kết quả (đã duyệt)");
        y += LEGEND_LINE;
        diamond(out, mx, y - 4.0);
        text(out, tx, y, "start", "", "Mục tiêu");
        if self.any_provisional() {
            y += LEGEND_LINE;
            let _ = write!(
                out,
                r##"<circle cx="{mx:.1}" cy="{:.1}" r="4" fill="#ffffff" stroke="#0b5cab" stroke-width="2"/>"##,
                y - 4.0
            );
            text(out, tx, y, "start", "", "Tạm tính (chưa đủ báo cáo được duyệt)");
        }
    }

    fn is_provisional(&self, i: usize) -> bool {
        self.provisional.get(i).copied().unwrap_or(false)
    }

    fn any_provisional(&self) -> bool {
        (0..self.values.len()).any(|i| self.values[i].is_some() && self.is_provisional(i))
    }

    fn describe(&self) -> String {
        let points: Vec<String> = self
            .years
            .iter()
            .zip(&self.values)
            .enumerate()
            .filter_map(|(i, (y, v))| {
                let note = if self.is_provisional(i) { " (tạm tính)" } else { "" };
                v.map(|v| format!("{y}: {}{note}", self.unit.format(v)))
            })
            .collect();
        let targets: Vec<String> = self
            .targets
            .iter()
            .map(|(y, t)| format!("{y}: {}", self.unit.format(*t)))
            .collect();
        format!("Kết quả {}. Mục tiêu {}.", points.join("; "), targets.join("; "))
    }
}

/// The legend's target mark: a small hollow diamond centred on (x, y).
fn diamond(out: &mut String, x: f64, y: f64) {
    let _ = write!(
        out,
        r##"<path d="M{x:.1},{:.1} L{:.1},{y:.1} L{x:.1},{:.1} L{:.1},{y:.1} Z" fill="#ffffff" stroke="#b3261e" stroke-width="2"/>"##,
        y - 6.0,
        x + 6.0,
        y + 6.0,
        x - 6.0
    );
}

/// The box [x0, y0, x1, y1] a label of `size` px takes with its baseline at `y`.
fn label_box(x: f64, y: f64, anchor: &str, s: &str, size: f64) -> [f64; 4] {
    let w = svg::text_width(s, size, false);
    let x0 = match anchor {
        "end" => x - w,
        "middle" => x - w / 2.0,
        _ => x,
    };
    [x0, y - size, x0 + w, y + 2.0]
}

/// Where a label over point `i` of `0..=last` sits: the first starts at its
/// point, the last ends at it, the others are centred.
fn edge_anchor(x: f64, i: usize, last: usize) -> (f64, &'static str) {
    if i == 0 {
        (x - 4.0, "start")
    } else if i == last {
        (x + 4.0, "end")
    } else {
        (x, "middle")
    }
}

/// A tiny trend line (no axes) for a dashboard row; the last point is
/// marked, hollow when that value is provisional (`last_provisional`).
pub fn sparkline(values: &[Option<f64>], unit: Unit, label: &str, last_provisional: bool) -> String {
    let (w, h) = (120.0, 28.0);
    let known: Vec<(usize, f64)> = values
        .iter()
        .enumerate()
        .filter_map(|(i, v)| v.map(|v| (i, v)))
        .collect();
    let mut out = String::new();
    let desc: Vec<String> = known.iter().map(|(_, v)| unit.format(*v)).collect();
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img"><title>{}</title><desc>{}</desc>"#,
        esc(label),
        esc(&desc.join(", "))
    );
    if known.len() >= 2 {
        let lo = known.iter().map(|p| p.1).fold(f64::INFINITY, f64::min);
        let hi = known.iter().map(|p| p.1).fold(f64::NEG_INFINITY, f64::max);
        let span = if hi - lo < 1e-9 { 1.0 } else { hi - lo };
        let n = values.len().max(2) - 1;
        let x = |i: usize| 4.0 + (w - 8.0) * i as f64 / n as f64;
        let y = |v: f64| h - 4.0 - (h - 8.0) * (v - lo) / span;
        let pts: Vec<String> = known
            .iter()
            .map(|(i, v)| format!("{:.1},{:.1}", x(*i), y(*v)))
            .collect();
        let _ = write!(
            out,
            r##"<polyline points="{}" fill="none" stroke="#0b5cab" stroke-width="2"/>"##,
            pts.join(" ")
        );
        let (li, lv) = known[known.len() - 1];
        let fill = if last_provisional && li + 1 == values.len() {
            r##"fill="#ffffff" stroke="#0b5cab" stroke-width="1.5""##
        } else {
            r##"fill="#0b5cab""##
        };
        let _ = write!(out, r##"<circle cx="{:.1}" cy="{:.1}" r="3" {fill}/>"##, x(li), y(lv));
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    #[test]
    fn line_chart_has_points_targets_and_vietnamese_numbers() {
        let c = LineChart {
            title: "Tỷ lệ biết chữ".into(),
            y_label: "%".into(),
            unit: Unit::Percent,
            years: (2021..=2030).collect(),
            values: vec![
                Some(99.1),
                Some(99.3),
                None,
                Some(99.5),
                Some(99.55),
                None,
                None,
                None,
                None,
                None,
            ],
            targets: vec![(2025, 99.5), (2030, 99.6)],
            provisional: vec![],
        };
        let svg = c.svg();
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert_eq!(svg.matches("<circle").count(), 4 + 1, "four values and the legend");
        assert!(svg.contains("Mục tiêu 99,6%"));
        assert!(svg.contains("99,1%"));
        assert!(svg.contains("<title>Tỷ lệ biết chữ</title>"));
        // The line breaks at the missing year: two separate moves.
        assert_eq!(
            svg.matches('M').count() - svg.matches("Mục").count(),
            2 + 2 + 1,
            "two path starts, two target diamonds, legend diamond"
        );
    }

    /// (x0, y0, x1, y1, font size, content) of every `<text>` without a transform.
    pub(crate) fn boxes(svg: &str) -> Vec<(f64, f64, f64, f64, String)> {
        let attr = |tag: &str, name: &str| {
            tag.split(&format!(" {name}=\""))
                .nth(1)
                .and_then(|r| r.split('"').next())
                .map(str::to_string)
        };
        svg.split("<text ")
            .skip(1)
            .filter(|t| !t.contains("transform="))
            .map(|t| {
                let (tag, rest) = t.split_once('>').unwrap();
                let tag = format!(" {tag}");
                let content = rest.split("</text>").next().unwrap().to_string();
                let x: f64 = attr(&tag, "x").unwrap().parse().unwrap();
                let y: f64 = attr(&tag, "y").unwrap().parse().unwrap();
                let size: f64 = attr(&tag, "font-size").map_or(12.0, |s| s.parse().unwrap());
                let w = crate::svg::text_width(&content, size, tag.contains("bold"));
                let x0 = match attr(&tag, "text-anchor").as_deref() {
                    Some("end") => x - w,
                    Some("middle") => x - w / 2.0,
                    _ => x,
                };
                (x0, y - size, x0 + w, y + 2.0, content)
            })
            .collect()
    }

    pub(crate) fn overlaps(svg: &str) -> Vec<(String, String)> {
        let b = boxes(svg);
        let mut out = Vec::new();
        for (i, p) in b.iter().enumerate() {
            for q in &b[i + 1..] {
                if p.0 < q.2 && q.0 < p.2 && p.1 < q.3 && q.1 < p.3 {
                    out.push((p.4.clone(), q.4.clone()));
                }
            }
        }
        out
    }

    #[test]
    fn long_titles_are_whole_and_labels_do_not_collide() {
        let title = "Tỷ lệ phường có Trung tâm học tập cộng đồng triển khai hoạt động hiệu quả, đạt chuẩn theo quy định của Bộ Giáo dục và Đào tạo — quận Ba Đình";
        let c = LineChart {
            title: title.into(),
            y_label: "%".into(),
            unit: Unit::Percent,
            years: (2021..=2030).collect(),
            values: vec![
                Some(99.9),
                Some(99.3),
                Some(75.0),
                Some(99.5),
                Some(99.6),
                None,
                None,
                None,
                None,
                Some(1.0),
            ],
            targets: vec![(2025, 99.5), (2030, 2.0)],
            provisional: vec![],
        };
        let svg = c.svg();
        let words: String = boxes(&svg)
            .into_iter()
            .filter(|b| b.1 < 80.0)
            .map(|b| b.4)
            .collect::<Vec<_>>()
            .join(" ");
        assert!(
            words.contains("hoạt động hiệu quả") && words.contains("quận Ba Đình"),
            "{words}"
        );
        assert!(boxes(&svg).iter().all(|b| b.0 >= 0.0 && b.2 <= W), "inside the chart");
        let clashes: Vec<_> = overlaps(&svg)
            .into_iter()
            .filter(|(a, b)| a.ends_with('%') && (b.ends_with('%') || b.starts_with("20")))
            .collect();
        assert!(clashes.is_empty(), "{clashes:?}");
        // A longer title makes a taller chart; the PNG follows (same SVG).
        let short = LineChart {
            title: "Ngắn".into(),
            ..c
        };
        let height = |s: &str| {
            s.split("height=\"")
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap()
                .parse::<f64>()
                .unwrap()
        };
        assert!(height(&svg) > height(&short.svg()));
    }

    /// A provisional value is a hollow point (white fill, coloured stroke),
    /// named in the legend and the description; the others stay solid.
    #[test]
    fn provisional_points_are_hollow_and_named() {
        let c = LineChart {
            title: "Tỷ lệ hộ gia đình học tập".into(),
            y_label: "%".into(),
            unit: Unit::Percent,
            years: vec![2026, 2027, 2028],
            values: vec![Some(60.0), Some(65.0), None],
            targets: vec![(2028, 70.0)],
            provisional: vec![false, true, false],
        };
        let svg = c.svg();
        let hollow = r##"r="4" fill="#ffffff" stroke="#0b5cab""##;
        assert_eq!(svg.matches(hollow).count(), 2, "the 2027 point and the legend's");
        assert_eq!(
            svg.matches(r##"r="4" fill="#0b5cab""##).count(),
            2,
            "2026 and the legend's"
        );
        assert!(svg.contains("Tạm tính"));
        let note = format!("2027: {} (tạm tính)", Unit::Percent.format(65.0));
        assert!(svg.contains(&note), "{svg}");
        assert!(overlaps(&svg).is_empty(), "{:?}", overlaps(&svg));
        let solid = LineChart {
            provisional: vec![],
            ..c
        };
        assert!(
            !solid.svg().contains("Tạm tính"),
            "no legend entry without a provisional point"
        );
    }

    /// Every font size named in `svg` (the root's 12 included).
    pub(crate) fn font_sizes(svg: &str) -> Vec<f64> {
        svg.split("font-size=\"")
            .skip(1)
            .map(|r| r.split('"').next().unwrap().parse().unwrap())
            .collect()
    }

    /// On a phone the chart is drawn about 350 px wide: a 320-unit chart
    /// whose text is all 12 or more stays at least 12 px, labels apart.
    #[test]
    fn the_narrow_chart_keeps_text_at_12_px_and_apart() {
        let c = LineChart {
            title: "Tỷ lệ người trong độ tuổi từ 15 đến 60 biết chữ mức độ 2 — quận Ba Đình".into(),
            y_label: "%".into(),
            unit: Unit::Percent,
            years: (2021..=2030).collect(),
            values: vec![
                Some(97.1),
                Some(97.8),
                Some(98.2),
                Some(98.9),
                Some(99.2),
                Some(99.4),
                None,
                None,
                None,
                None,
            ],
            targets: vec![(2025, 99.0), (2030, 99.6)],
            provisional: vec![false, false, false, false, false, true],
        };
        let narrow = c.svg_narrow();
        assert!(narrow.contains(r#"viewBox="0 0 320 "#), "{narrow}");
        let sizes = font_sizes(&narrow);
        assert!(sizes.iter().all(|s| *s >= 12.0), "{sizes:?}");
        assert!(
            font_sizes(&c.svg()).contains(&11.0),
            "the wide chart (and the Word PNG) keeps its 11 px labels"
        );
        let outside: Vec<_> = boxes(&narrow)
            .into_iter()
            .filter(|b| b.0 < 0.0 || b.2 > 320.0)
            .collect();
        assert!(outside.is_empty(), "inside the chart: {outside:?}");
        assert!(overlaps(&narrow).is_empty(), "{:?}", overlaps(&narrow));
        for shown in ["97,1%", "99,4%", "Mục tiêu 99,6%", "2030", "2028", "Tạm tính"] {
            assert!(narrow.contains(&format!(">{shown}")), "{shown} shown");
        }
        assert!(!narrow.contains(">98,2%<"), "middle values are left to the table");
        assert!(!narrow.contains(">2029<"), "every other year");
        assert!(narrow.contains("2023: 98,2%"), "the description has every value");
    }

    #[test]
    fn sparkline_marks_the_last_point() {
        let values = [Some(1.0), Some(2.0), None, Some(3.0)];
        let s = sparkline(&values, Unit::Number, "xu hướng", false);
        assert!(s.contains("<polyline") && s.contains(r##"r="3" fill="#0b5cab""##));
        let hollow = sparkline(&values, Unit::Number, "xu hướng", true);
        assert!(
            hollow.contains(r##"r="3" fill="#ffffff" stroke="#0b5cab""##),
            "{hollow}"
        );
        let empty = sparkline(&[None, None], Unit::Number, "x", false);
        assert!(!empty.contains("<polyline"));
    }

    #[test]
    fn text_is_escaped() {
        let c = LineChart {
            title: "A <b> & \"c\"".into(),
            y_label: String::new(),
            unit: Unit::Number,
            years: vec![2021, 2022],
            values: vec![None, None],
            targets: vec![],
            provisional: vec![],
        };
        assert!(c.svg().contains("A &lt;b&gt; &amp; &quot;c&quot;"));
    }
}
