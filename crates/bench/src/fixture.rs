//! The national fixture: Vietnam's 2025 map (34 provinces, 3,321 communes,
//! wards and special zones) as a plan file, checked by the real loader.
//!
//! The 17 ward figures, the indicators over them, their targets and their
//! validation rules are taken from the built-in Ba Đình plan, so the fixture
//! follows it when it changes; every commune-level unit reports them.
//! Twelve synthetic count pairs add twelve more ratio indicators.

mod values;

use std::collections::{BTreeSet, HashMap, HashSet};
use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context, bail};
use xhht_domain::plan::{self, Indicator, IndicatorKind, Plan, Reporter, StatusOption, TargetValue, UnitType};

pub use values::generate_year;

/// Code of the root unit (the whole country).
pub const ROOT: &str = "VN";
/// Synthetic count pairs (numerator, denominator), one ratio indicator each.
pub const EXTRA_PAIRS: usize = 12;
/// Target group of the synthetic indicators.
const EXTRA_GROUP: &str = "x";

/// One row of `units-2025.csv`.
#[derive(Debug, Clone)]
pub struct UnitRow {
    pub province_code: String,
    pub province_name: String,
    pub ward_code: String,
    pub ward_name: String,
    pub ward_full_name: String,
    pub ward_type: String,
    pub population: Option<f64>,
}

/// The default map: `../shared/data/vn-admin-units/units-2025.csv` beside the repository.
pub fn default_units_path() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/vn-admin-units/units-2025.csv")
}

/// Reads the map, by column name.
pub fn read_units(path: &Path) -> anyhow::Result<Vec<UnitRow>> {
    let mut reader = csv::Reader::from_path(path).with_context(|| format!("cannot open {}", path.display()))?;
    let headers = reader.headers()?.clone();
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .with_context(|| format!("{}: no column “{name}”", path.display()))
    };
    let (pc, pn, wc, wn, wf, wt, pop) = (
        col("province_code")?,
        col("province_name")?,
        col("ward_code")?,
        col("ward_name")?,
        col("ward_full_name")?,
        col("ward_type")?,
        col("population")?,
    );
    let mut out = Vec::new();
    for record in reader.records() {
        let r = record?;
        let get = |i: usize| r.get(i).unwrap_or("").trim().to_string();
        out.push(UnitRow {
            province_code: get(pc),
            province_name: get(pn),
            ward_code: get(wc),
            ward_name: get(wn),
            ward_full_name: get(wf),
            ward_type: get(wt),
            population: get(pop).parse::<f64>().ok().filter(|p| *p > 0.0),
        });
    }
    if out.is_empty() {
        bail!("{}: no rows", path.display());
    }
    Ok(out)
}

pub fn province_code(code: &str) -> String {
    format!("P{code}")
}

pub fn commune_code(code: &str) -> String {
    format!("W{code}")
}

/// The map's population of each commune-level unit, by plan code.
pub fn populations(rows: &[UnitRow]) -> HashMap<String, f64> {
    rows.iter()
        .filter_map(|r| r.population.map(|p| (commune_code(&r.ward_code), p)))
        .collect()
}

/// "Phường" → ward; "Xã" and "Đặc khu" (special zones, commune level) → commune.
pub fn commune_type(ward_type: &str) -> UnitType {
    if ward_type == "Phường" {
        UnitType::Ward
    } else {
        UnitType::Commune
    }
}

/// The plan file text for the map `rows`.
pub fn plan_toml(rows: &[UnitRow]) -> String {
    let base = plan::builtin();
    let kept = kept_elements(&base);
    let mut t = String::with_capacity(2_000_000);
    header(&mut t);
    org_units(&mut t, rows);
    target_groups(&mut t, &base, &kept);
    data_elements(&mut t, &base, &kept);
    let codes = indicators(&mut t, &base, &kept);
    targets(&mut t, &base, &codes);
    rules(&mut t, &base, &kept);
    t
}

/// Loads the plan text with the real loader, which checks it like any plan.
pub fn check(text: &str) -> anyhow::Result<Plan> {
    plan::load(text).map_err(|problems| {
        let list: Vec<String> = problems.iter().take(20).map(ToString::to_string).collect();
        anyhow::anyhow!("generated plan is invalid: {}", list.join("; "))
    })
}

/// A TOML basic string.
fn q(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn opt_line(t: &mut String, key: &str, v: Option<&str>) {
    if let Some(v) = v {
        let _ = writeln!(t, "{key} = {}", q(v));
    }
}

/// A serde-named enum value ("count", "<=", "error").
fn serde_name<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(String::from))
        .unwrap_or_default()
}

fn header(t: &mut String) {
    t.push_str(
        r#"# Kế hoạch thử tải toàn quốc, sinh tự động bởi xhht-bench (KHÔNG phải văn bản thật).
# Synthetic nation-sized plan generated by xhht-bench from units-2025.csv.
format = 1

[plan]
code = "vn-thu-tai-2025"
number = "THU-TAI/2025"
date = 2025-07-01
issuing_body = "Dữ liệu thử tải XHHT (không phải văn bản thật)"
place = "Hà Nội"
title = "Kế hoạch thử tải toàn quốc: 34 tỉnh, thành phố và 3.321 xã, phường, đặc khu (dữ liệu tổng hợp)"
title_en = "Nation-sized load-test plan: 34 provinces and 3,321 communes (synthetic data)"
area = "VN"
signer_name = "xhht-bench"
signer_title = "Công cụ đo hiệu năng"

[reporting]
frequency = "yearly"
due_month = 12
due_day = 10
submit_to = "VN"
first_year = 2021
last_year = 2030
baseline_year = 2021

[[reporting.reviews]]
year = 2025
kind = "mid_term"
name = "Sơ kết"

[[reporting.reviews]]
year = 2030
kind = "final"
name = "Tổng kết"

[[org_units]]
code = "VN"
type = "province"
name = "Việt Nam (dữ liệu thử tải)"
short_name = "Việt Nam"
"#,
    );
}

fn org_units(t: &mut String, rows: &[UnitRow]) {
    let mut provinces = HashSet::new();
    for r in rows {
        if provinces.insert(r.province_code.clone()) {
            let (kind, short) = match r.province_name.strip_prefix("Thành phố ") {
                Some(s) => ("city", s),
                None => (
                    "province",
                    r.province_name.strip_prefix("Tỉnh ").unwrap_or(&r.province_name),
                ),
            };
            let _ = write!(
                t,
                "\n[[org_units]]\ncode = {}\ntype = \"{kind}\"\nname = {}\nshort_name = {}\nparent = \"{ROOT}\"\ngso_code = {}\n",
                q(&province_code(&r.province_code)),
                q(&r.province_name),
                q(short),
                q(&r.province_code),
            );
        }
        let _ = write!(
            t,
            "\n[[org_units]]\ncode = {}\ntype = \"{}\"\nname = {}\nshort_name = {}\nparent = {}\ngso_code = {}\n",
            q(&commune_code(&r.ward_code)),
            commune_type(&r.ward_type).code(),
            q(&r.ward_full_name),
            q(&r.ward_name),
            q(&province_code(&r.province_code)),
            q(&r.ward_code),
        );
    }
}

/// Codes of the Ba Đình elements every ward reports.
fn kept_elements(base: &Plan) -> BTreeSet<String> {
    base.data_elements
        .iter()
        .filter(|e| e.reported_by.contains(&Reporter::UnitType(UnitType::Ward)))
        .map(|e| e.code.clone())
        .collect()
}

/// Indicators of the base plan that read only kept elements.
fn kept_indicators<'a>(base: &'a Plan, kept: &BTreeSet<String>) -> Vec<&'a Indicator> {
    let reads_kept = |codes: Vec<&str>| codes.iter().all(|c| kept.contains(*c));
    base.indicators
        .iter()
        .filter(|i| match &i.kind {
            IndicatorKind::Ratio {
                numerator, denominator, ..
            } => reads_kept(numerator.expr.element_codes()) && reads_kept(denominator.expr.element_codes()),
            IndicatorKind::Share { unit_type, condition }
            | IndicatorKind::StatusDerived {
                unit_type, condition, ..
            } => *unit_type == UnitType::Ward && reads_kept(condition.expr.element_codes()),
            IndicatorKind::StatusElement { element } => kept.contains(element),
        })
        .collect()
}

/// The base plan's groups that kept elements or indicators use, and one for the synthetic ones.
fn target_groups(t: &mut String, base: &Plan, kept: &BTreeSet<String>) {
    let used: HashSet<&str> = base
        .data_elements
        .iter()
        .filter(|e| kept.contains(&e.code))
        .filter_map(|e| e.group.as_deref())
        .chain(kept_indicators(base, kept).iter().map(|i| i.group.as_str()))
        .collect();
    for g in base.target_groups.iter().filter(|g| used.contains(g.code.as_str())) {
        let _ = write!(t, "\n[[target_groups]]\ncode = {}\nname = {}\n", q(&g.code), q(&g.name));
        opt_line(t, "name_en", g.name_en.as_deref());
    }
    let _ = write!(
        t,
        r#"
[[target_groups]]
code = "{EXTRA_GROUP}"
name = "Chỉ số thử tải (dữ liệu tổng hợp)"
name_en = "Load-test figures (synthetic)"
"#
    );
}

fn options(t: &mut String, options: &[StatusOption]) {
    if options.is_empty() {
        return;
    }
    t.push_str("options = [\n");
    for o in options {
        let _ = write!(t, "  {{ code = {}, name = {}", q(&o.code), q(&o.name));
        if let Some(en) = &o.name_en {
            let _ = write!(t, ", name_en = {}", q(en));
        }
        t.push_str(" },\n");
    }
    t.push_str("]\n");
}

fn data_elements(t: &mut String, base: &Plan, kept: &BTreeSet<String>) {
    for e in base.data_elements.iter().filter(|e| kept.contains(&e.code)) {
        let _ = write!(
            t,
            "\n[[data_elements]]\ncode = {}\nname = {}\nvalue_type = {}\nreported_by = [\"ward\", \"commune\"]\n",
            q(&e.code),
            q(&e.name),
            q(&serde_name(&e.value_type)),
        );
        opt_line(t, "name_en", e.name_en.as_deref());
        opt_line(t, "unit", e.unit.as_deref());
        opt_line(t, "group", e.group.as_deref());
        opt_line(t, "help", e.help.as_deref());
        options(t, &e.options);
    }
    for k in 1..=EXTRA_PAIRS {
        for (part, vi, en) in [("num", "tử số", "numerator"), ("den", "mẫu số", "denominator")] {
            let _ = write!(
                t,
                r#"
[[data_elements]]
code = "extra_{k:02}_{part}"
name = "Chỉ số thử tải {k} ({vi})"
name_en = "Load-test figure {k} ({en})"
value_type = "count"
unit = "người"
group = "{EXTRA_GROUP}"
reported_by = ["ward", "commune"]
"#
            );
        }
    }
}

/// Writes the indicators; returns (indicator code, base indicator code) for targets.
fn indicators(t: &mut String, base: &Plan, kept: &BTreeSet<String>) -> Vec<(String, Option<String>)> {
    let chosen = kept_indicators(base, kept);
    let mut number = base.indicators.iter().map(|i| i.number).max().unwrap_or(0);
    let mut out = Vec::new();
    for ind in &chosen {
        indicator(t, ind, &ind.code, ind.number, &ind.name, UnitType::Ward);
        out.push((ind.code.clone(), Some(ind.code.clone())));
    }
    // Shares and derived statuses count one unit type: communes get their own.
    for ind in chosen.iter().filter(|i| {
        matches!(
            i.kind,
            IndicatorKind::Share { .. } | IndicatorKind::StatusDerived { .. }
        )
    }) {
        number += 1;
        let code = format!("{}_communes", ind.code.strip_suffix("_wards").unwrap_or(&ind.code));
        let name = format!("{} (xã, đặc khu)", ind.name);
        indicator(t, ind, &code, number, &name, UnitType::Commune);
        out.push((code, Some(ind.code.clone())));
    }
    for k in 1..=EXTRA_PAIRS {
        number += 1;
        let code = format!("extra_{k:02}_rate");
        let _ = write!(
            t,
            r#"
[[indicators]]
code = "{code}"
number = {number}
group = "{EXTRA_GROUP}"
name = "Tỷ lệ thử tải {k}"
name_en = "Load-test ratio {k}"
kind = "ratio"
numerator = "extra_{k:02}_num"
denominator = "extra_{k:02}_den"
scale = 100.0
unit = "%"
direction = "increase"
"#
        );
        out.push((code, None));
    }
    out
}

fn indicator(t: &mut String, ind: &Indicator, code: &str, number: i64, name: &str, unit_type: UnitType) {
    let _ = write!(
        t,
        "\n[[indicators]]\ncode = {}\nnumber = {number}\ngroup = {}\nname = {}\ndirection = {}\n",
        q(code),
        q(&ind.group),
        q(name),
        q(&serde_name(&ind.direction)),
    );
    opt_line(t, "name_en", ind.name_en.as_deref());
    opt_line(t, "unit", ind.unit.as_deref());
    opt_line(t, "help", ind.help.as_deref());
    match &ind.kind {
        IndicatorKind::Ratio {
            numerator,
            denominator,
            scale,
        } => {
            let _ = write!(
                t,
                "kind = \"ratio\"\nnumerator = {}\ndenominator = {}\nscale = {scale:?}\n",
                q(&numerator.text),
                q(&denominator.text)
            );
        }
        IndicatorKind::Share { condition, .. } => {
            let _ = write!(
                t,
                "kind = \"share\"\nunit_type = \"{}\"\ncondition = {}\n",
                unit_type.code(),
                q(&condition.text)
            );
        }
        IndicatorKind::StatusElement { element } => {
            let _ = writeln!(t, "kind = \"status\"\nelement = {}", q(element));
        }
        IndicatorKind::StatusDerived {
            condition,
            at_least,
            met,
            not_met,
            ..
        } => {
            let _ = write!(
                t,
                "kind = \"status\"\nderived = {{ unit_type = \"{}\", condition = {}, at_least = {at_least:?}, met = {}, not_met = {} }}\n",
                unit_type.code(),
                q(&condition.text),
                q(met),
                q(not_met)
            );
            options(t, &ind.options);
        }
    }
}

fn targets(t: &mut String, base: &Plan, codes: &[(String, Option<String>)]) {
    for (code, from) in codes {
        match from {
            Some(from) => {
                for target in base
                    .targets
                    .iter()
                    .filter(|x| &x.indicator == from && x.org_unit.is_none())
                {
                    let _ = write!(t, "\n[[targets]]\nindicator = {}\nyear = {}\n", q(code), target.year);
                    match &target.value {
                        TargetValue::Number(v) => {
                            let _ = writeln!(t, "value = {v:?}");
                        }
                        TargetValue::Status(s) => {
                            let _ = writeln!(t, "status = {}", q(s));
                        }
                    }
                    opt_line(t, "text", target.text.as_deref());
                }
            }
            None => {
                for (year, value) in [(2025, 60.0), (2030, 75.0)] {
                    let _ = write!(
                        t,
                        "\n[[targets]]\nindicator = {}\nyear = {year}\nvalue = {value:?}\ntext = \"{value}% (mục tiêu thử tải).\"\n",
                        q(code)
                    );
                }
            }
        }
    }
}

fn rules(t: &mut String, base: &Plan, kept: &BTreeSet<String>) {
    for r in base
        .validation_rules
        .iter()
        .filter(|r| r.elements.iter().all(|e| kept.contains(e)))
    {
        let _ = write!(
            t,
            "\n[[validation_rules]]\ncode = {}\nleft = {}\nop = {}\nright = {}\nseverity = {}\nmessage = {}\n",
            q(&r.code),
            q(&r.left.text),
            q(&serde_name(&r.op)),
            q(&r.right.text),
            q(&serde_name(&r.severity)),
            q(&r.message),
        );
    }
    for k in 1..=EXTRA_PAIRS {
        let _ = write!(
            t,
            r#"
[[validation_rules]]
code = "extra_{k:02}_num_le_den"
left = "extra_{k:02}_num"
op = "<="
right = "extra_{k:02}_den"
severity = "error"
message = "Tử số thử tải {k} không được lớn hơn mẫu số."
"#
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use xhht_domain::plan::Severity;
    use xhht_domain::validation::validate;

    #[test]
    fn national_plan_loads_with_every_province_and_commune() {
        let path = default_units_path();
        if !path.exists() {
            println!("SKIPPED: {} not found; the national fixture needs it", path.display());
            return;
        }
        let rows = read_units(&path).unwrap();
        let plan = check(&plan_toml(&rows)).unwrap();
        let provinces = plan
            .org_units
            .iter()
            .filter(|u| u.parent.as_deref() == Some(ROOT))
            .count();
        let communes = plan
            .org_units
            .iter()
            .filter(|u| matches!(u.unit_type, UnitType::Ward | UnitType::Commune))
            .count();
        assert_eq!(provinces, 34);
        assert_eq!(communes, 3321);
        assert_eq!(plan.data_elements.len(), 17 + 2 * EXTRA_PAIRS);
        // One year of values passes every error rule of the plan.
        let pops = populations(&rows);
        let year = generate_year(&plan, &pops, xhht_sample::SEED, 2025);
        let prev = generate_year(&plan, &pops, xhht_sample::SEED, 2024);
        assert_eq!(year.units.len(), 3321);
        for (code, v) in &year.units {
            let unit = plan.unit(code).unwrap();
            let findings = validate(&plan, unit, v, prev.unit(code));
            let errors: Vec<_> = findings.iter().filter(|f| f.severity == Severity::Error).collect();
            assert!(errors.is_empty(), "{code}: {errors:?}");
        }
    }
}
