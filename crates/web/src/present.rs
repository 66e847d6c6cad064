//! How figures read on a page: Vietnamese number format, option names, gaps.

use xhht_domain::indicator::{IndicatorValue, Progress};
use xhht_domain::plan::{Indicator, IndicatorKind, TargetValue};
use xhht_domain::text;

fn is_percent(ind: &Indicator) -> bool {
    ind.unit.as_deref() == Some("%") || matches!(ind.kind, IndicatorKind::Share { .. })
}

fn amount(ind: &Indicator, x: f64) -> String {
    match ind.unit.as_deref() {
        _ if is_percent(ind) => text::percent(x),
        Some(u) => format!("{} {u}", text::number(x, 1)),
        None => text::number(x, 1),
    }
}

/// The value as people read it: "99,5%", "Duy trì", or "—".
pub fn value(ind: &Indicator, v: &IndicatorValue) -> String {
    if let Some(code) = &v.status {
        return ind.option(code).map_or_else(|| code.clone(), |o| o.name.clone());
    }
    v.value.map_or_else(|| "—".to_string(), |x| amount(ind, x))
}

/// What the value is made of: "10.450 / 10.512" or "12 / 14 đơn vị".
pub fn detail(ind: &Indicator, v: &IndicatorValue) -> String {
    match (&ind.kind, v.numerator, v.denominator) {
        (IndicatorKind::Ratio { .. }, Some(n), Some(d)) => {
            format!("{} / {}", text::number(n, 0), text::number(d, 0))
        }
        (_, Some(n), Some(d)) => format!("{} / {} đơn vị", text::number(n, 0), text::number(d, 0)),
        _ => String::new(),
    }
}

pub fn target(ind: &Indicator, t: &TargetValue) -> String {
    match t {
        TargetValue::Number(x) => amount(ind, *x),
        TargetValue::Status(code) => ind.option(code).map_or_else(|| code.clone(), |o| o.name.clone()),
    }
}

/// "còn thiếu 2,3 điểm %" — the distance to the target in plain words.
pub fn gap(ind: &Indicator, p: &Progress) -> String {
    match p.gap {
        Some(g) if is_percent(ind) => format!("còn thiếu {} điểm %", text::number(g, 1)),
        Some(g) => format!("còn thiếu {}", text::number(g, 1)),
        None => String::new(),
    }
}

/// "13/14 đơn vị có số liệu" when some expected units are missing.
pub fn coverage(v: &IndicatorValue) -> String {
    if v.units_expected > 0 && v.units_counted < v.units_expected {
        format!("{}/{} đơn vị có số liệu", v.units_counted, v.units_expected)
    } else {
        String::new()
    }
}

/// An indicator value as a page shows it: the value, what it is made of,
/// missing units, and its status against the target in words.
pub struct Shown {
    pub value: String,
    pub detail: String,
    pub coverage: String,
    pub status: &'static str,
    pub status_class: &'static str,
}

impl Shown {
    pub fn new(ind: &Indicator, v: &IndicatorValue, p: &Progress) -> Self {
        Shown {
            value: value(ind, v),
            detail: detail(ind, v),
            coverage: coverage(v),
            status: crate::i18n::progress(p.status),
            status_class: crate::i18n::progress_class(p.status),
        }
    }
}
