//! Horizontal bars, one per unit, in the order given (sorted by the caller),
//! each labelled with its value; the target as a dashed line.

use std::fmt::Write;

use crate::svg::{self, TITLE_LINE, TITLE_SIZE, fit, line, open, text, wrap};
use crate::{Unit, nice_max};

pub struct Bar {
    pub label: String,
    pub value: Option<f64>,
}

pub struct BarChart {
    pub title: String,
    pub unit: Unit,
    pub bars: Vec<Bar>,
    pub target: Option<f64>,
}

const W: f64 = 720.0;
const LABEL: f64 = 190.0;
const ROW: f64 = 24.0;
/// Room between the title and the first bar, for the target's label.
const GAP: f64 = 48.0;

impl BarChart {
    pub fn svg(&self) -> String {
        let title = wrap(&self.title, TITLE_SIZE, W - 16.0);
        let top = 22.0 + TITLE_LINE * (title.len().max(1) - 1) as f64 + GAP;
        let h = top + ROW * self.bars.len() as f64 + 40.0;
        let max_v = self
            .bars
            .iter()
            .filter_map(|b| b.value)
            .chain(self.target)
            .fold(0.0_f64, f64::max);
        let x_max = nice_max(max_v, self.unit);
        let plot = W - LABEL - 80.0;
        let x_of = |v: f64| LABEL + plot * v / x_max;
        let mut out = String::new();
        open(&mut out, W as u32, h as u32, &self.title, &self.describe());
        svg::title(&mut out, 8.0, &title);
        for k in 0..=4 {
            let v = x_max * f64::from(k) / 4.0;
            line(&mut out, x_of(v), top - 8.0, x_of(v), h - 34.0, r##"stroke="#d8dde3""##);
            text(
                &mut out,
                x_of(v),
                h - 20.0,
                "middle",
                r##"fill="#444""##,
                &self.unit.format(v),
            );
        }
        for (i, b) in self.bars.iter().enumerate() {
            let y = top + ROW * i as f64;
            text(
                &mut out,
                LABEL - 8.0,
                y + 15.0,
                "end",
                "",
                &fit(&b.label, 12.0, LABEL - 16.0),
            );
            match b.value {
                Some(v) => {
                    let _ = write!(
                        out,
                        r##"<rect x="{LABEL}" y="{:.1}" width="{:.1}" height="{:.1}" fill="#0b5cab"/>"##,
                        y + 3.0,
                        (x_of(v) - LABEL).max(1.0),
                        ROW - 7.0
                    );
                    text(&mut out, x_of(v) + 6.0, y + 15.0, "start", "", &self.unit.format(v));
                }
                None => text(
                    &mut out,
                    LABEL + 6.0,
                    y + 15.0,
                    "start",
                    r##"fill="#6b7280" font-style="italic""##,
                    "chưa có số liệu",
                ),
            }
        }
        if let Some(t) = self.target {
            line(
                &mut out,
                x_of(t),
                top - 12.0,
                x_of(t),
                h - 34.0,
                r##"stroke="#b3261e" stroke-width="2" stroke-dasharray="6 4""##,
            );
            text(
                &mut out,
                x_of(t),
                top - 16.0,
                "middle",
                r##"fill="#b3261e" font-size="11""##,
                &format!("Mục tiêu {}", self.unit.format(t)),
            );
        }
        out.push_str("</svg>");
        out
    }

    /// The same bars laid out for a phone: 320 units wide, each unit's name
    /// on its own line above its bar (whole, not cut beside it), every text
    /// 12 px or more, three ticks on the axis.
    pub fn svg_narrow(&self) -> String {
        const NW: f64 = 320.0;
        const NROW: f64 = 38.0;
        let title = wrap(&self.title, TITLE_SIZE, NW - 16.0);
        let top = 22.0 + TITLE_LINE * (title.len().max(1) - 1) as f64 + GAP;
        let h = top + NROW * self.bars.len() as f64 + 40.0;
        let max_v = self
            .bars
            .iter()
            .filter_map(|b| b.value)
            .chain(self.target)
            .fold(0.0_f64, f64::max);
        let x_max = nice_max(max_v, self.unit);
        let (x0, plot) = (8.0, NW - 8.0 - 56.0);
        let x_of = |v: f64| x0 + plot * v / x_max;
        let mut out = String::new();
        open(&mut out, NW as u32, h as u32, &self.title, &self.describe());
        svg::title(&mut out, 8.0, &title);
        for k in 0..=2 {
            let v = x_max * f64::from(k) / 2.0;
            line(&mut out, x_of(v), top - 8.0, x_of(v), h - 34.0, r##"stroke="#d8dde3""##);
            let anchor = match k {
                0 => "start",
                2 => "end",
                _ => "middle",
            };
            text(
                &mut out,
                x_of(v),
                h - 20.0,
                anchor,
                r##"fill="#444""##,
                &self.unit.format(v),
            );
        }
        for (i, b) in self.bars.iter().enumerate() {
            let y = top + NROW * i as f64;
            text(&mut out, x0, y + 12.0, "start", "", &fit(&b.label, 12.0, NW - 16.0));
            match b.value {
                Some(v) => {
                    let _ = write!(
                        out,
                        r##"<rect x="{x0}" y="{:.1}" width="{:.1}" height="14" fill="#0b5cab"/>"##,
                        y + 17.0,
                        (x_of(v) - x0).max(1.0)
                    );
                    text(&mut out, x_of(v) + 5.0, y + 29.0, "start", "", &self.unit.format(v));
                }
                None => text(
                    &mut out,
                    x0,
                    y + 29.0,
                    "start",
                    r##"fill="#6b7280" font-style="italic""##,
                    "chưa có số liệu",
                ),
            }
        }
        if let Some(t) = self.target {
            line(
                &mut out,
                x_of(t),
                top - 12.0,
                x_of(t),
                h - 34.0,
                r##"stroke="#b3261e" stroke-width="2" stroke-dasharray="6 4""##,
            );
            let label = format!("Mục tiêu {}", self.unit.format(t));
            let half = svg::text_width(&label, 12.0, false) / 2.0;
            let anchor = if x_of(t) + half > NW - 4.0 {
                "end"
            } else if x_of(t) - half < 4.0 {
                "start"
            } else {
                "middle"
            };
            text(&mut out, x_of(t), top - 16.0, anchor, r##"fill="#b3261e""##, &label);
        }
        out.push_str("</svg>");
        out
    }

    fn describe(&self) -> String {
        let desc: Vec<String> = self
            .bars
            .iter()
            .map(|b| {
                format!(
                    "{}: {}",
                    b.label,
                    b.value.map_or("chưa có số liệu".into(), |v| self.unit.format(v))
                )
            })
            .collect();
        desc.join("; ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_carry_their_numbers_and_missing_ones_say_so() {
        let c = BarChart {
            title: "Phường".into(),
            unit: Unit::Percent,
            bars: vec![
                Bar {
                    label: "Phúc Xá".into(),
                    value: Some(52.5),
                },
                Bar {
                    label: "Kim Mã".into(),
                    value: None,
                },
            ],
            target: Some(50.0),
        };
        let svg = c.svg();
        assert_eq!(svg.matches("<rect x=").count(), 1);
        assert!(svg.contains("52,5%") && svg.contains("chưa có số liệu") && svg.contains("Mục tiêu 50%"));
        assert!(
            svg.contains("stroke-dasharray"),
            "the target is dashed, not only coloured"
        );
    }

    #[test]
    fn the_narrow_bars_name_each_unit_whole_in_12_px_text() {
        let c = BarChart {
            title: "Tỷ lệ hộ gia đình được công nhận “Gia đình học tập” — quận Ba Đình".into(),
            unit: Unit::Percent,
            bars: vec![
                Bar {
                    label: "Nguyễn Trung Trực".into(),
                    value: Some(99.0),
                },
                Bar {
                    label: "Kim Mã".into(),
                    value: None,
                },
            ],
            target: Some(98.0),
        };
        let svg = c.svg_narrow();
        assert!(svg.contains(r#"viewBox="0 0 320 "#));
        let sizes = crate::line::tests::font_sizes(&svg);
        assert!(sizes.iter().all(|s| *s >= 12.0), "{sizes:?}");
        assert!(svg.contains(">Nguyễn Trung Trực<") && svg.contains(">99%<") && svg.contains(">chưa có số liệu<"));
        let boxes = crate::line::tests::boxes(&svg);
        assert!(
            boxes.iter().all(|b| b.0 >= 0.0 && b.2 <= 320.0),
            "inside the chart: {boxes:?}"
        );
        assert!(
            crate::line::tests::overlaps(&svg).is_empty(),
            "{:?}",
            crate::line::tests::overlaps(&svg)
        );
    }
}
