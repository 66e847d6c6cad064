//! Charts as SVG text, made on the server from plain data, so the same chart
//! can be shown on a page, downloaded, or turned into a PNG for Word.
//!
//! Readable without colour: values and targets have different marker shapes
//! and line styles, every bar carries its number, and each chart has a
//! `<title>` and `<desc>` for screen readers. Numbers use the Vietnamese
//! format (99,5%).

mod bars;
mod line;
mod png;
mod svg;

pub use bars::{Bar, BarChart};
pub use line::{LineChart, sparkline};
pub use png::svg_to_png;

/// How a value reads on an axis or label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Percent,
    Number,
}

impl Unit {
    pub fn format(self, x: f64) -> String {
        match self {
            Unit::Percent => xhht_domain::text::percent(x),
            Unit::Number => xhht_domain::text::number(x, 1),
        }
    }
}

/// A "nice" upper bound for an axis holding `max` (1, 2, 2.5, 5 × 10^k).
pub(crate) fn nice_max(max: f64, unit: Unit) -> f64 {
    if unit == Unit::Percent && max <= 100.0 && max > 50.0 {
        return 100.0;
    }
    if max <= 0.0 {
        return 1.0;
    }
    let exp = max.log10().floor();
    let base = 10f64.powf(exp);
    let m = max / base;
    let step = [1.0, 2.0, 2.5, 5.0, 10.0].into_iter().find(|s| m <= *s).unwrap_or(10.0);
    step * base
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_bounds() {
        assert_eq!(nice_max(99.6, Unit::Percent), 100.0);
        assert_eq!(nice_max(42.0, Unit::Percent), 50.0);
        assert_eq!(nice_max(1234.0, Unit::Number), 2000.0);
        assert_eq!(nice_max(0.0, Unit::Number), 1.0);
    }
}
