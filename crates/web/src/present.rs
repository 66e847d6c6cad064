//! How figures read on a page: Vietnamese number format, option names, gaps.

use xhht_domain::indicator::{Assessment, IndicatorValue};
use xhht_domain::plan::{Indicator, IndicatorKind, TargetValue};
use xhht_domain::text;

fn is_percent(ind: &Indicator) -> bool {
    ind.unit.as_deref() == Some("%") || matches!(ind.kind, IndicatorKind::Share { .. })
}

fn amount(ind: &Indicator, x: f64, decimals: usize) -> String {
    match ind.unit.as_deref() {
        _ if is_percent(ind) => text::percent_with(x, decimals),
        Some(u) => format!("{} {u}", text::number(x, decimals)),
        None => text::number(x, decimals),
    }
}

/// The value as people read it: "99,5%", "Duy trì", or "—", with the
/// indicator's decimals.
pub fn value(ind: &Indicator, v: &IndicatorValue) -> String {
    value_with(ind, v, ind.decimals)
}

/// The value with `decimals` (an assessment's: enough to show the digit
/// that decides the status, "99,49%" rather than "99,5%").
pub fn value_with(ind: &Indicator, v: &IndicatorValue, decimals: usize) -> String {
    if let Some(code) = &v.status {
        return ind.option(code).map_or_else(|| code.clone(), |o| o.name.clone());
    }
    v.value.map_or_else(|| "—".to_string(), |x| amount(ind, x, decimals))
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
        TargetValue::Number(x) => amount(ind, *x, ind.decimals),
        TargetValue::Status(code) => ind.option(code).map_or_else(|| code.clone(), |o| o.name.clone()),
    }
}

/// "còn thiếu 2,3 điểm phần trăm" — the distance to the target in plain words.
pub fn gap(ind: &Indicator, p: &Assessment) -> String {
    match p.gap {
        Some(g) if is_percent(ind) => format!("còn thiếu {} điểm phần trăm", text::number(g, 1)),
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
    /// A provisional value reads "Tạm tính" and no verdict; the figure has
    /// the decimals its status was decided on.
    pub fn new(ind: &Indicator, v: &IndicatorValue, p: &Assessment) -> Self {
        Shown {
            value: value_with(ind, v, p.decimals),
            detail: detail(ind, v),
            coverage: coverage(v),
            status: crate::i18n::progress(p.status),
            status_class: crate::i18n::progress_class(p.status),
        }
    }
}

#[cfg(test)]
mod tests {
    use xhht_domain::indicator::{IndicatorValue, assess};
    use xhht_domain::plan::builtin;

    use super::Shown;

    fn literacy(literate: f64, pop: f64, counted: usize) -> IndicatorValue {
        IndicatorValue {
            indicator: "literacy_rate_15_60".into(),
            org_unit: "001".into(),
            year: 2023,
            value: Some(literate / pop * 100.0),
            status: None,
            numerator: Some(literate),
            denominator: Some(pop),
            units_counted: counted,
            units_expected: 14,
        }
    }

    /// "Duy trì 99,5% trở lên" [KH56]: 8.182 / 8.224 = 99,489…% is shown
    /// "99,49%" beside "Không đạt", never "99,5%"; with 2 of 14 wards
    /// approved the value is "Tạm tính", without a verdict or a gap.
    #[test]
    fn a_page_shows_the_digits_that_decide_and_no_verdict_when_provisional() {
        let plan = builtin();
        let ind = plan.indicator("literacy_rate_15_60").unwrap();
        let v = literacy(8182.0, 8224.0, 14);
        let a = assess(&plan, ind, &v, None);
        let s = Shown::new(ind, &v, &a);
        assert_eq!((s.value.as_str(), s.status), ("99,49%", "Không đạt"));
        assert!(!super::gap(ind, &a).is_empty());
        let v = literacy(8183.0, 8224.0, 14);
        let s = Shown::new(ind, &v, &assess(&plan, ind, &v, None));
        assert_eq!((s.value.as_str(), s.status), ("99,5%", "Đạt"));
        let v = literacy(8182.0, 8224.0, 2);
        let a = assess(&plan, ind, &v, None);
        let s = Shown::new(ind, &v, &a);
        assert_eq!(s.status, "Tạm tính");
        assert_eq!(
            super::gap(ind, &a),
            "",
            "no distance to a target for a provisional value"
        );
    }
}
