//! `plan check`: turns a plan file into a [`Plan`], or lists every problem
//! with its line and column.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::ops::Range;

use chrono::NaiveDate;
use serde_spanned::Spanned;
use toml::value::Datetime;

use super::file::{self, PlanFile, SStr};
use super::model::*;
use crate::formula::{self, ElementKind, FormulaError};
use crate::text::nfc;

/// One problem in a plan file, at a 1-based line and column.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Problem {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "dòng {}, cột {}: {}", self.line, self.column, self.message)
    }
}

impl Problem {
    pub(super) fn at(src: &str, offset: usize, message: String) -> Self {
        let offset = offset.min(src.len());
        let before = &src[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = src[line_start..offset].chars().count() + 1;
        Self { line, column, message }
    }
}

/// The plan-file formats this version reads. Format 1 files keep loading:
/// what format 2 added takes the defaults format 1 implied.
pub const FORMATS: [i64; 2] = [1, 2];

/// Parses and checks a plan file.
pub fn load(source: &str) -> Result<Plan, Vec<Problem>> {
    // Fields that could not be read were reported and dropped; when every
    // entry could still be read, the rest of the file is checked too.
    let (file, read_problems) = super::read::read(source);
    let file: PlanFile = file.ok_or_else(|| read_problems.clone())?;
    let mut cx = Checker {
        src: source,
        problems: read_problems,
        format: *file.format.get_ref(),
        types: HashMap::new(),
    };
    let plan = cx.plan(file);
    if cx.problems.is_empty() {
        Ok(plan)
    } else {
        cx.problems.sort_by_key(|p| (p.line, p.column));
        Err(cx.problems)
    }
}

struct Checker<'a> {
    src: &'a str,
    problems: Vec<Problem>,
    format: i64,
    /// Unit types the file may use, by code: the catalogue in format 1, the
    /// declared `[[unit_types]]` in format 2.
    types: HashMap<String, UnitType>,
}

type Kinds = HashMap<String, ElementKind>;

impl Checker<'_> {
    fn err(&mut self, span: Range<usize>, message: impl Into<String>) {
        self.problems.push(Problem::at(self.src, span.start, message.into()));
    }

    fn plan(&mut self, f: PlanFile) -> Plan {
        if !FORMATS.contains(f.format.get_ref()) {
            self.err(
                f.format.span(),
                format!(
                    "định dạng (format) {} không được hỗ trợ; các phiên bản hiện có: 1, 2",
                    f.format.get_ref()
                ),
            );
        }
        let declared_types = self.unit_types(f.unit_types);
        let org_units = self.org_units(f.org_units);
        let unit_types = self.used_types(declared_types, &org_units);
        let units: HashMap<String, usize> = org_units.iter().enumerate().map(|(i, u)| (u.code.clone(), i)).collect();
        let target_groups = self.target_groups(f.target_groups);
        let group_codes: HashSet<String> = target_groups.iter().map(|g| g.code.clone()).collect();
        let (data_elements, unreported) = self.data_elements(f.data_elements, &units, &group_codes);
        let kinds: Kinds = data_elements
            .iter()
            .map(|e| (e.code.clone(), element_kind(e)))
            .collect();
        // Targets of an indicator that failed its own checks are not reported again.
        let declared: HashSet<String> = f.indicators.iter().map(|i| i.code.get_ref().clone()).collect();
        let indicators = self.indicators(f.indicators, &kinds, &data_elements, &org_units, &group_codes);
        let reporting = self.reporting(f.reporting, &units);
        let targets = self.targets(f.targets, &indicators, &declared, &units, &reporting);
        self.unreported_elements(&unreported, &indicators, &targets);
        let validation_rules = self.rules(f.validation_rules, &kinds, &data_elements);
        let info = self.info(f.plan, &units);
        let report = self.report(f.report, &info);
        let task_groups = self.task_groups(f.task_groups, &units);
        let responsibilities = self.responsibilities(f.responsibilities, &units);
        let component_plans = self.component_plans(f.component_plans, &units);
        let funding_sources = self.funding(f.funding_sources);
        let index = PlanIndex {
            units,
            elements: data_elements
                .iter()
                .enumerate()
                .map(|(i, e)| (e.code.clone(), i))
                .collect(),
            indicators: indicators
                .iter()
                .enumerate()
                .map(|(i, x)| (x.code.clone(), i))
                .collect(),
        };
        Plan {
            format: *f.format.get_ref(),
            info,
            reporting,
            report,
            unit_types,
            funding_sources,
            org_units,
            target_groups,
            data_elements,
            indicators,
            targets,
            validation_rules,
            task_groups,
            responsibilities,
            component_plans,
            index,
        }
    }

    /// Reports a second use of the same code.
    fn unique(&mut self, seen: &mut HashSet<String>, code: &SStr, what: &str) {
        if !seen.insert(code.get_ref().clone()) {
            self.err(code.span(), format!("mã {what} “{}” bị trùng", code.get_ref()));
        }
    }

    fn unit_ref(&mut self, code: &SStr, units: &HashMap<String, usize>) -> String {
        if !units.contains_key(code.get_ref()) {
            self.err(
                code.span(),
                format!("không có đơn vị “{}” trong danh sách org_units", code.get_ref()),
            );
        }
        code.get_ref().clone()
    }

    fn date(&mut self, d: &Spanned<Datetime>) -> Option<NaiveDate> {
        let dt = d.get_ref();
        let date = match (dt.date, dt.time, dt.offset) {
            (Some(date), None, None) => date,
            _ => {
                self.err(d.span(), format!("“{dt}” phải là một ngày (YYYY-MM-DD), không kèm giờ"));
                return None;
            }
        };
        let parsed = NaiveDate::from_ymd_opt(i32::from(date.year), u32::from(date.month), u32::from(date.day));
        if parsed.is_none() {
            self.err(d.span(), format!("ngày “{dt}” không tồn tại"));
        }
        parsed
    }

    fn year(&mut self, y: &Spanned<i64>) -> i32 {
        let v = *y.get_ref();
        if !(1900..=2200).contains(&v) {
            self.err(y.span(), format!("năm {v} không hợp lệ"));
        }
        v.clamp(1900, 2200) as i32
    }

    fn unit_type(&mut self, t: &SStr) -> Option<UnitType> {
        let parsed = self.types.get(t.get_ref()).copied();
        if parsed.is_none() {
            let mut all: Vec<&str> = self.types.keys().map(String::as_str).collect();
            all.sort_unstable();
            let hint = if self.format >= 2 {
                "; khai báo loại mới trong [[unit_types]]"
            } else {
                ""
            };
            self.err(
                t.span(),
                format!(
                    "loại đơn vị “{}” không hợp lệ (có: {}{hint})",
                    t.get_ref(),
                    all.join(", ")
                ),
            );
        }
        parsed
    }

    /// Format 2: the declared unit types become the known ones. Format 1:
    /// the catalogue, named by [`default_type_names`].
    fn unit_types(&mut self, entries: Vec<file::UnitTypeEntry>) -> Vec<UnitTypeInfo> {
        if self.format < 2 {
            self.types = UnitType::ALL.iter().map(|t| (t.code().to_string(), *t)).collect();
            return UnitType::ALL
                .iter()
                .map(|&t| {
                    let (name, plural) = default_type_names(t);
                    UnitTypeInfo {
                        unit_type: t,
                        name: name.into(),
                        plural: plural.into(),
                    }
                })
                .collect();
        }
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        for e in entries {
            self.unique(&mut seen, &e.code, "loại đơn vị");
            let code = e.code.get_ref();
            let well_formed = !code.is_empty()
                && code
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
            if !well_formed {
                self.err(
                    e.code.span(),
                    format!("mã loại đơn vị “{code}” chỉ gồm chữ thường không dấu, số và dấu _"),
                );
                continue;
            }
            for (label, what) in [(&e.name, "name (tên số ít)"), (&e.plural, "plural (tên số nhiều)")] {
                if label.get_ref().trim().is_empty() {
                    self.err(label.span(), format!("loại đơn vị “{code}” cần {what}"));
                }
            }
            let t = UnitType::of(code);
            self.types.insert(code.clone(), t);
            out.push(UnitTypeInfo {
                unit_type: t,
                name: nfc(e.name.get_ref()),
                plural: nfc(e.plural.get_ref()),
            });
        }
        out
    }

    /// Format 1 names every catalogue type; keep those the plan uses.
    fn used_types(&mut self, declared: Vec<UnitTypeInfo>, units: &[OrgUnit]) -> Vec<UnitTypeInfo> {
        if self.format >= 2 {
            return declared;
        }
        declared
            .into_iter()
            .filter(|i| units.iter().any(|u| u.unit_type == i.unit_type))
            .collect()
    }

    fn org_units(&mut self, entries: Vec<file::OrgUnitEntry>) -> Vec<OrgUnit> {
        let mut seen = HashSet::new();
        for e in &entries {
            self.unique(&mut seen, &e.code, "đơn vị");
        }
        let mut out = Vec::new();
        for e in &entries {
            let unit_type = self.unit_type(&e.unit_type);
            if let Some(p) = &e.parent
                && !seen.contains(p.get_ref())
            {
                self.err(p.span(), format!("đơn vị cấp trên “{}” không tồn tại", p.get_ref()));
            }
            let valid_from = e.valid_from.as_ref().and_then(|d| self.date(d));
            let valid_to = e.valid_to.as_ref().and_then(|d| self.date(d));
            if let (Some(a), Some(b), Some(to)) = (valid_from, valid_to, &e.valid_to)
                && b < a
            {
                self.err(to.span(), format!("valid_to ({b}) trước valid_from ({a})"));
            }
            let Some(unit_type) = unit_type else { continue };
            out.push(OrgUnit {
                code: e.code.get_ref().clone(),
                unit_type,
                name: nfc(&e.name),
                name_en: e.name_en.clone(),
                short_name: e.short_name.as_deref().map(nfc),
                parent: e.parent.as_ref().map(|p| p.get_ref().clone()),
                gso_code: e.gso_code.as_ref().map(|g| g.get_ref().clone()),
                valid_from,
                valid_to,
            });
        }
        self.hierarchy_cycles(&entries);
        self.gso_overlaps(&entries, &out);
        out
    }

    fn hierarchy_cycles(&mut self, entries: &[file::OrgUnitEntry]) {
        let parent: HashMap<&str, &str> = entries
            .iter()
            .filter_map(|e| {
                e.parent
                    .as_ref()
                    .map(|p| (e.code.get_ref().as_str(), p.get_ref().as_str()))
            })
            .collect();
        for e in entries {
            let start = e.code.get_ref().as_str();
            let mut cur = start;
            for _ in 0..=entries.len() {
                match parent.get(cur) {
                    Some(&p) if p == start => {
                        let span = e.parent.as_ref().map_or(e.code.span(), |p| p.span());
                        self.err(span, format!("vòng lặp trong cây đơn vị: “{start}” nằm dưới chính nó"));
                        break;
                    }
                    Some(&p) => cur = p,
                    None => break,
                }
            }
        }
    }

    /// Two units may share an official code only if their validity does not overlap.
    fn gso_overlaps(&mut self, entries: &[file::OrgUnitEntry], units: &[OrgUnit]) {
        let by_code: HashMap<&str, &OrgUnit> = units.iter().map(|u| (u.code.as_str(), u)).collect();
        let mut first: HashMap<&str, Vec<&OrgUnit>> = HashMap::new();
        for e in entries {
            let (Some(g), Some(u)) = (&e.gso_code, by_code.get(e.code.get_ref().as_str())) else {
                continue;
            };
            let others = first.entry(g.get_ref().as_str()).or_default();
            if let Some(o) = others.iter().find(|o| overlaps(o, u)) {
                self.err(
                    g.span(),
                    format!(
                        "mã thống kê “{}” đã dùng cho “{}” trong cùng thời gian hiệu lực",
                        g.get_ref(),
                        o.code
                    ),
                );
            }
            others.push(u);
        }
    }

    fn target_groups(&mut self, entries: Vec<file::TargetGroupEntry>) -> Vec<TargetGroup> {
        let mut seen = HashSet::new();
        entries
            .into_iter()
            .map(|g| {
                self.unique(&mut seen, &g.code, "nhóm mục tiêu");
                TargetGroup {
                    code: g.code.into_inner(),
                    name: nfc(&g.name),
                    name_en: g.name_en,
                }
            })
            .collect()
    }

    fn options(&mut self, entries: Vec<file::OptionEntry>) -> Vec<StatusOption> {
        let mut seen = HashSet::new();
        entries
            .into_iter()
            .map(|o| {
                self.unique(&mut seen, &o.code, "mức");
                StatusOption {
                    code: o.code.into_inner(),
                    name: nfc(&o.name),
                    name_en: o.name_en,
                }
            })
            .collect()
    }

    fn group_ref(&mut self, g: &SStr, groups: &HashSet<String>) {
        if !groups.contains(g.get_ref()) {
            self.err(
                g.span(),
                format!("nhóm mục tiêu “{}” không tồn tại trong target_groups", g.get_ref()),
            );
        }
    }

    fn data_elements(
        &mut self,
        entries: Vec<file::DataElementEntry>,
        units: &HashMap<String, usize>,
        groups: &HashSet<String>,
    ) -> (Vec<DataElement>, Vec<SStr>) {
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        let mut unreported = Vec::new();
        for e in entries {
            self.unique(&mut seen, &e.code, "chỉ số dữ liệu");
            let Some(value_type) = ValueType::parse(e.value_type.get_ref()) else {
                self.err(
                    e.value_type.span(),
                    format!(
                        "kiểu giá trị “{}” không hợp lệ (có: count, percentage, yes_no, status, text)",
                        e.value_type.get_ref()
                    ),
                );
                continue;
            };
            if let Some(g) = &e.group {
                self.group_ref(g, groups);
            }
            let options_span = e.value_type.span();
            let options = self.options(e.options);
            match (value_type, options.len()) {
                (ValueType::Status, n) if n < 2 => {
                    self.err(options_span, "kiểu status cần ít nhất hai mức trong options")
                }
                (ValueType::Status, _) | (_, 0) => {}
                _ => self.err(options_span, "chỉ kiểu status mới có options"),
            }
            if e.reported_by.is_empty() {
                // Allowed only for what every target calls "không áp dụng":
                // checked once targets are read.
                unreported.push(e.code.clone());
            }
            let reported_by = e.reported_by.iter().filter_map(|r| self.reporter(r, units)).collect();
            let max = e.max.as_ref().and_then(|m| self.max(value_type, m));
            let jump = e.jump.as_ref().and_then(|j| self.jump(value_type, &e.code, j));
            out.push(DataElement {
                code: e.code.into_inner(),
                name: nfc(&e.name),
                name_en: e.name_en,
                value_type,
                unit: e.unit.as_deref().map(nfc),
                group: e.group.map(Spanned::into_inner),
                reported_by,
                help: e.help.as_deref().map(nfc),
                options,
                max,
                jump,
            });
        }
        (out, unreported)
    }

    /// An element nobody reports is an error, unless each indicator that
    /// reads it has targets and all of them are "không áp dụng".
    fn unreported_elements(&mut self, unreported: &[SStr], indicators: &[Indicator], targets: &[Target]) {
        for code in unreported {
            let readers: Vec<&Indicator> = indicators
                .iter()
                .filter(|i| indicator_codes(i).contains(&code.get_ref().as_str()))
                .collect();
            let all_not_applicable = !readers.is_empty()
                && readers.iter().all(|i| {
                    let mut ts = targets.iter().filter(|t| t.indicator == i.code).peekable();
                    ts.peek().is_some() && ts.all(|t| t.not_applicable)
                });
            if !all_not_applicable {
                self.err(
                    code.span(),
                    format!("“{}” chưa có đơn vị nào báo cáo (reported_by trống)", code.get_ref()),
                );
            }
        }
    }

    /// A data element's `max`: positive and finite, only for counts and
    /// percentages, and at most 100 for a percentage.
    fn max(&mut self, value_type: ValueType, m: &Spanned<f64>) -> Option<f64> {
        let v = *m.get_ref();
        let why = match value_type {
            ValueType::Count | ValueType::Percentage if !(v.is_finite() && v > 0.0) => "max phải là số dương",
            ValueType::Percentage if v > 100.0 => "max của tỷ lệ phần trăm không được lớn hơn 100",
            ValueType::Count | ValueType::Percentage => return Some(v),
            _ => "chỉ kiểu count và percentage mới có max",
        };
        self.err(m.span(), why);
        None
    }

    /// A count's `jump`: percentages above 0 (a fall of 100% or more cannot
    /// be exceeded, so `down` stays under 100); only counts move by percent.
    fn jump(&mut self, value_type: ValueType, code: &SStr, j: &file::JumpEntry) -> Option<Jump> {
        if value_type != ValueType::Count {
            self.err(
                code.span(),
                "chỉ kiểu count mới có jump (mức thay đổi so với năm trước)",
            );
            return None;
        }
        let (up, down) = (j.up.as_ref(), j.down.as_ref());
        if up.is_none() && down.is_none() {
            self.err(code.span(), "jump cần ít nhất một trong up, down");
            return None;
        }
        let mut ok = true;
        let mut percent = |p: Option<&Spanned<f64>>, limit: f64| -> Option<f64> {
            let p = p?;
            let v = *p.get_ref();
            if !(v.is_finite() && v > 0.0 && v < limit) {
                self.err(p.span(), format!("jump phải là phần trăm lớn hơn 0 và nhỏ hơn {limit}"));
                ok = false;
            }
            Some(v)
        };
        let jump = Jump {
            up: percent(up, 10_000.0),
            down: percent(down, 100.0),
        };
        ok.then_some(jump)
    }

    fn reporter(&mut self, r: &SStr, units: &HashMap<String, usize>) -> Option<Reporter> {
        if let Some(&t) = self.types.get(r.get_ref()) {
            return Some(Reporter::UnitType(t));
        }
        if units.contains_key(r.get_ref()) {
            return Some(Reporter::Unit(r.get_ref().clone()));
        }
        self.err(
            r.span(),
            format!("“{}” không phải loại đơn vị hay mã đơn vị", r.get_ref()),
        );
        None
    }

    /// Parses and types a formula stored in a TOML string; problems point
    /// inside the string.
    fn formula(&mut self, s: &SStr, kinds: &Kinds, want_bool: bool) -> Option<Formula> {
        let base = s.span().start + 1; // skip the opening quote
        let report = |cx: &mut Self, e: FormulaError| {
            cx.err(
                base + e.span.start..base + e.span.end,
                format!("công thức “{}”: {}", s.get_ref(), e.message),
            );
        };
        let mut expr = match formula::parse(s.get_ref()) {
            Ok(e) => e,
            Err(e) => {
                report(self, e);
                return None;
            }
        };
        let lookup = |c: &str| kinds.get(c).cloned();
        match formula::check_types(&mut expr, &lookup) {
            Ok(t) => {
                let is_bool = t == formula::Type::Bool;
                if is_bool != want_bool {
                    let want = if want_bool {
                        "một điều kiện (đúng/sai)"
                    } else {
                        "một giá trị số"
                    };
                    self.err(s.span(), format!("công thức “{}” phải cho {want}", s.get_ref()));
                    return None;
                }
                Some(Formula {
                    text: s.get_ref().clone(),
                    expr,
                })
            }
            Err(errs) => {
                errs.into_iter().for_each(|e| report(self, e));
                None
            }
        }
    }

    fn indicators(
        &mut self,
        entries: Vec<file::IndicatorEntry>,
        kinds: &Kinds,
        elements: &[DataElement],
        units: &[OrgUnit],
        groups: &HashSet<String>,
    ) -> Vec<Indicator> {
        let mut seen = HashSet::new();
        let mut numbers = HashSet::new();
        let mut out = Vec::new();
        for mut e in entries {
            self.unique(&mut seen, &e.code, "chỉ tiêu");
            if !numbers.insert(*e.number.get_ref()) {
                self.err(
                    e.number.span(),
                    format!("số thứ tự chỉ tiêu {} bị trùng", e.number.get_ref()),
                );
            }
            self.group_ref(&e.group, groups);
            let direction = match e.direction.as_ref().map(|d| d.get_ref().as_str()) {
                None | Some("increase") => Direction::Increase,
                Some("decrease") => Direction::Decrease,
                Some(other) => {
                    let span = e.direction.as_ref().map_or(0..0, |d| d.span());
                    self.err(span, format!("hướng “{other}” không hợp lệ (có: increase, decrease)"));
                    Direction::Increase
                }
            };
            let code_span = e.code.span();
            let decimals = match &e.decimals {
                None => 1,
                Some(d) if (0..=4).contains(d.get_ref()) => *d.get_ref() as usize,
                Some(d) => {
                    self.err(d.span(), "decimals (số chữ số thập phân) phải từ 0 đến 4");
                    1
                }
            };
            let declared = std::mem::take(&mut e.options);
            let declared = self.options(declared);
            let Some((kind, options)) = self.indicator_kind(&e, kinds, elements, units, declared) else {
                continue;
            };
            if matches!(kind, IndicatorKind::StatusDerived { .. }) && options.is_empty() {
                self.err(code_span, "chỉ tiêu trạng thái suy ra cần options");
            }
            out.push(Indicator {
                code: e.code.into_inner(),
                number: *e.number.get_ref(),
                group: e.group.into_inner(),
                name: nfc(&e.name),
                name_en: e.name_en,
                unit: e.unit.as_deref().map(nfc),
                direction,
                help: e.help.as_deref().map(nfc),
                decimals,
                kind,
                options,
            });
        }
        out
    }

    fn required<'f>(&mut self, field: &'f Option<SStr>, name: &str, e: &file::IndicatorEntry) -> Option<&'f SStr> {
        if field.is_none() {
            self.err(
                e.kind.span(),
                format!("chỉ tiêu loại “{}” cần trường “{name}”", e.kind.get_ref()),
            );
        }
        field.as_ref()
    }

    /// Checks that every unit type of a share has units and reports the condition's elements.
    fn population(
        &mut self,
        t: &SStr,
        cond: &Formula,
        elements: &[DataElement],
        units: &[OrgUnit],
    ) -> Option<UnitType> {
        let ut = self.unit_type(t)?;
        if !units.iter().any(|u| u.unit_type == ut) {
            self.err(t.span(), format!("không có đơn vị nào thuộc loại “{}”", t.get_ref()));
        }
        for code in cond.expr.element_codes() {
            let reported = elements
                .iter()
                .any(|d| d.code == code && d.reported_by.contains(&Reporter::UnitType(ut)));
            if !reported {
                self.err(
                    t.span(),
                    format!("chỉ số “{code}” không do loại đơn vị “{}” báo cáo", t.get_ref()),
                );
            }
        }
        Some(ut)
    }

    fn indicator_kind(
        &mut self,
        e: &file::IndicatorEntry,
        kinds: &Kinds,
        elements: &[DataElement],
        units: &[OrgUnit],
        declared: Vec<StatusOption>,
    ) -> Option<(IndicatorKind, Vec<StatusOption>)> {
        match e.kind.get_ref().as_str() {
            "ratio" => {
                let num = self.required(&e.numerator, "numerator", e)?;
                let den = self.required(&e.denominator, "denominator", e)?;
                let numerator = self.formula(num, kinds, false);
                let denominator = self.formula(den, kinds, false);
                let scale = e.scale.as_ref().map_or(1.0, |s| *s.get_ref());
                let (numerator, denominator) = (numerator?, denominator?);
                let mut codes: Vec<String> = numerator
                    .expr
                    .element_codes()
                    .into_iter()
                    .chain(denominator.expr.element_codes())
                    .map(String::from)
                    .collect();
                codes.sort();
                codes.dedup();
                // Units contribute numerator and denominator as a pair, so one unit must report both.
                if codes.is_empty() || !has_common_reporter(&codes, elements) {
                    self.err(num.span(), "tử số và mẫu số phải do cùng một đơn vị báo cáo");
                }
                Some((
                    IndicatorKind::Ratio {
                        numerator,
                        denominator,
                        scale,
                    },
                    declared,
                ))
            }
            "share" => {
                let t = self.required(&e.unit_type, "unit_type", e)?;
                let c = self.required(&e.condition, "condition", e)?;
                let condition = self.formula(c, kinds, true)?;
                let unit_type = self.population(t, &condition, elements, units)?;
                Some((IndicatorKind::Share { unit_type, condition }, declared))
            }
            "status" => self.status_kind(e, kinds, elements, units, declared),
            other => {
                self.err(
                    e.kind.span(),
                    format!("loại chỉ tiêu “{other}” không hợp lệ (có: ratio, share, status)"),
                );
                None
            }
        }
    }

    fn status_kind(
        &mut self,
        e: &file::IndicatorEntry,
        kinds: &Kinds,
        elements: &[DataElement],
        units: &[OrgUnit],
        declared: Vec<StatusOption>,
    ) -> Option<(IndicatorKind, Vec<StatusOption>)> {
        if let Some(el) = &e.element {
            let Some(d) = elements.iter().find(|d| &d.code == el.get_ref()) else {
                self.err(el.span(), format!("không có chỉ số dữ liệu “{}”", el.get_ref()));
                return None;
            };
            let options = match d.value_type {
                ValueType::Status => d.options.clone(),
                ValueType::YesNo => yes_no_options(),
                _ => {
                    self.err(el.span(), format!("“{}” phải có kiểu status hoặc yes_no", el.get_ref()));
                    return None;
                }
            };
            return Some((
                IndicatorKind::StatusElement {
                    element: el.get_ref().clone(),
                },
                options,
            ));
        }
        let Some(d) = &e.derived else {
            self.err(e.kind.span(), "chỉ tiêu loại status cần “element” hoặc “derived”");
            return None;
        };
        let condition = self.formula(&d.condition, kinds, true)?;
        let unit_type = self.population(&d.unit_type, &condition, elements, units)?;
        let at_least = *d.at_least.get_ref();
        if !(0.0..=100.0).contains(&at_least) {
            self.err(d.at_least.span(), "at_least phải trong khoảng 0-100 (%)");
        }
        for o in [&d.met, &d.not_met] {
            if !declared.iter().any(|x| &x.code == o.get_ref()) {
                self.err(
                    o.span(),
                    format!("“{}” không có trong options của chỉ tiêu", o.get_ref()),
                );
            }
        }
        let kind = IndicatorKind::StatusDerived {
            unit_type,
            condition,
            at_least,
            met: d.met.get_ref().clone(),
            not_met: d.not_met.get_ref().clone(),
        };
        Some((kind, declared))
    }

    fn reporting(&mut self, r: file::ReportingEntry, units: &HashMap<String, usize>) -> Reporting {
        if r.frequency.get_ref() != "yearly" {
            self.err(
                r.frequency.span(),
                "hiện chỉ hỗ trợ báo cáo hằng năm (frequency = \"yearly\")",
            );
        }
        let (m, d) = (*r.due_month.get_ref(), *r.due_day.get_ref());
        let valid_day = u32::try_from(m)
            .ok()
            .zip(u32::try_from(d).ok())
            .and_then(|(m, d)| NaiveDate::from_ymd_opt(2023, m, d));
        if valid_day.is_none() {
            self.err(
                r.due_day.span(),
                format!("hạn báo cáo ngày {d} tháng {m} không tồn tại"),
            );
        }
        let submit_to = self.unit_ref(&r.submit_to, units);
        let first_year = self.year(&r.first_year);
        let last_year = self.year(&r.last_year);
        let baseline_year = self.year(&r.baseline_year);
        if last_year < first_year {
            self.err(r.last_year.span(), "last_year phải sau first_year");
        }
        // The baseline may precede the plan (a 2026-2030 plan measured from
        // 2025); its figures are entered like any year's.
        if !(first_year - 10..=last_year).contains(&baseline_year) {
            self.err(
                r.baseline_year.span(),
                "năm gốc (baseline_year) phải từ 10 năm trước first_year đến last_year",
            );
        }
        let min_coverage = match &r.min_coverage {
            None => 100.0,
            Some(c) if *c.get_ref() > 0.0 && *c.get_ref() <= 100.0 => *c.get_ref(),
            Some(c) => {
                self.err(
                    c.span(),
                    "min_coverage (tỷ lệ % đơn vị đã duyệt để số liệu được đánh giá) phải lớn hơn 0 và không quá 100",
                );
                100.0
            }
        };
        let mut reviews = Vec::new();
        for rv in r.reviews {
            let year = self.year(&rv.year);
            if !(first_year..=last_year).contains(&year) {
                self.err(rv.year.span(), format!("năm {year} nằm ngoài thời gian của kế hoạch"));
            }
            let kind = match rv.kind.get_ref().as_str() {
                "mid_term" => ReviewKind::MidTerm,
                "final" => ReviewKind::Final,
                other => {
                    self.err(
                        rv.kind.span(),
                        format!("loại tổng kết “{other}” không hợp lệ (có: mid_term, final)"),
                    );
                    continue;
                }
            };
            reviews.push(Review {
                year,
                kind,
                name: rv.name.as_deref().map(nfc),
            });
        }
        Reporting {
            frequency: r.frequency.into_inner(),
            due_month: u32::try_from(m).unwrap_or(12),
            due_day: u32::try_from(d).unwrap_or(10),
            submit_to,
            first_year,
            last_year,
            baseline_year,
            reviews,
            min_coverage,
        }
    }

    fn targets(
        &mut self,
        entries: Vec<file::TargetEntry>,
        indicators: &[Indicator],
        declared: &HashSet<String>,
        units: &HashMap<String, usize>,
        reporting: &Reporting,
    ) -> Vec<Target> {
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        for t in entries {
            let year = self.year(&t.year);
            if !(reporting.first_year..=reporting.last_year).contains(&year) {
                self.err(t.year.span(), format!("năm {year} nằm ngoài thời gian của kế hoạch"));
            }
            let org_unit = t.org_unit.as_ref().map(|u| self.unit_ref(u, units));
            let key = (t.indicator.get_ref().clone(), year, org_unit.clone());
            if !seen.insert(key) {
                self.err(
                    t.indicator.span(),
                    format!("chỉ tiêu “{}” đã có mục tiêu năm {year}", t.indicator.get_ref()),
                );
            }
            let Some(ind) = indicators.iter().find(|i| &i.code == t.indicator.get_ref()) else {
                if declared.contains(t.indicator.get_ref()) {
                    continue;
                }
                self.err(
                    t.indicator.span(),
                    format!("mục tiêu cho chỉ tiêu không tồn tại “{}”", t.indicator.get_ref()),
                );
                continue;
            };
            let Some(value) = self.target_value(&t, ind) else {
                continue;
            };
            let comparison = self.comparison(&t, ind);
            let kind = match t.kind.as_ref().map(|k| k.get_ref().as_str()) {
                None | Some("by_year") => TargetKind::ByYear,
                Some("floor_every_year") => TargetKind::FloorEveryYear,
                Some(other) => {
                    let span = t.kind.as_ref().map_or(0..0, |k| k.span());
                    self.err(
                        span,
                        format!("loại mục tiêu “{other}” không hợp lệ (có: by_year, floor_every_year)"),
                    );
                    TargetKind::ByYear
                }
            };
            let applies_to = t
                .applies_to
                .as_ref()
                .map(|ts| ts.iter().filter_map(|x| self.unit_type(x)).collect::<Vec<_>>());
            if let (Some(ts), Some(raw)) = (&applies_to, &t.applies_to)
                && ts.is_empty()
                && raw.is_empty()
            {
                self.err(
                    t.indicator.span(),
                    "applies_to trống: ghi not_applicable = true nếu mục tiêu không áp dụng",
                );
            }
            out.push(Target {
                indicator: ind.code.clone(),
                year,
                value,
                org_unit,
                text: t.text.as_deref().map(nfc),
                comparison,
                kind,
                applies_to,
                not_applicable: t.not_applicable.as_ref().is_some_and(|b| *b.get_ref()),
            });
        }
        out
    }

    /// ≥, ≤ or =; by default what the indicator's direction means (≥ when
    /// higher is better, ≤ otherwise; ≥ on the option order for statuses).
    fn comparison(&mut self, t: &file::TargetEntry, ind: &Indicator) -> formula::CmpOp {
        use formula::CmpOp::{Eq, Ge, Le};
        let default = match ind.direction {
            Direction::Decrease if !ind.is_status() => Le,
            _ => Ge,
        };
        let Some(c) = &t.comparison else {
            return default;
        };
        match c.get_ref().trim() {
            ">=" | "≥" => Ge,
            "<=" | "≤" => Le,
            "=" | "==" => Eq,
            other => {
                self.err(
                    c.span(),
                    format!("phép so sánh “{other}” của mục tiêu không hợp lệ (có: ≥, ≤, = hoặc >=, <=)"),
                );
                default
            }
        }
    }

    fn target_value(&mut self, t: &file::TargetEntry, ind: &Indicator) -> Option<TargetValue> {
        match (ind.is_status(), &t.value, &t.status) {
            (false, Some(v), None) => Some(TargetValue::Number(*v.get_ref())),
            (true, None, Some(s)) => {
                if ind.option(s.get_ref()).is_none() {
                    let codes: Vec<_> = ind.options.iter().map(|o| o.code.as_str()).collect();
                    self.err(
                        s.span(),
                        format!(
                            "“{}” không phải mức của chỉ tiêu “{}” (có: {})",
                            s.get_ref(),
                            ind.code,
                            codes.join(", ")
                        ),
                    );
                    return None;
                }
                Some(TargetValue::Status(s.get_ref().clone()))
            }
            (false, ..) => {
                self.err(
                    t.indicator.span(),
                    format!(
                        "mục tiêu của “{}” cần “value” là một số (và không có “status”)",
                        ind.code
                    ),
                );
                None
            }
            (true, ..) => {
                self.err(
                    t.indicator.span(),
                    format!("mục tiêu của “{}” cần “status” (và không có “value”)", ind.code),
                );
                None
            }
        }
    }

    fn rules(&mut self, entries: Vec<file::RuleEntry>, kinds: &Kinds, elements: &[DataElement]) -> Vec<ValidationRule> {
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        for r in entries {
            self.unique(&mut seen, &r.code, "quy tắc kiểm tra");
            let Some(op) = formula::CmpOp::parse(r.op.get_ref()) else {
                self.err(
                    r.op.span(),
                    format!(
                        "phép so sánh “{}” không hợp lệ (có: <=, <, >=, >, =, !=)",
                        r.op.get_ref()
                    ),
                );
                continue;
            };
            let severity = match r.severity.get_ref().as_str() {
                "error" => Severity::Error,
                "warning" => Severity::Warning,
                other => {
                    self.err(
                        r.severity.span(),
                        format!("mức độ “{other}” không hợp lệ (có: error, warning)"),
                    );
                    continue;
                }
            };
            let Some((left, right)) = self.rule_sides(&r, op, kinds) else {
                continue;
            };
            let mut codes: Vec<String> = left
                .expr
                .element_codes()
                .into_iter()
                .chain(right.expr.element_codes())
                .map(String::from)
                .collect();
            codes.sort();
            codes.dedup();
            if codes.is_empty() {
                self.err(
                    r.left.span(),
                    "quy tắc không dùng chỉ số dữ liệu nào nên không bao giờ thay đổi kết quả",
                );
                continue;
            }
            if !has_common_reporter(&codes, elements) {
                self.err(
                    r.left.span(),
                    "không đơn vị nào báo cáo đủ các chỉ số của quy tắc này nên quy tắc không bao giờ được kiểm tra",
                );
            }
            out.push(ValidationRule {
                code: r.code.into_inner(),
                left,
                op,
                right,
                severity,
                message: nfc(&r.message),
                elements: codes,
            });
        }
        out
    }

    fn rule_sides(&mut self, r: &file::RuleEntry, op: formula::CmpOp, kinds: &Kinds) -> Option<(Formula, Formula)> {
        let lookup = |c: &str| kinds.get(c).cloned();
        let mut sides = Vec::new();
        for s in [&r.left, &r.right] {
            let base = s.span().start + 1;
            let mut expr = match formula::parse(s.get_ref()) {
                Ok(e) => e,
                Err(e) => {
                    self.err(
                        base + e.span.start..base + e.span.end,
                        format!("công thức “{}”: {}", s.get_ref(), e.message),
                    );
                    return None;
                }
            };
            match formula::check_types(&mut expr, &lookup) {
                Ok(t) => sides.push((expr, t)),
                Err(errs) => {
                    for e in errs {
                        self.err(
                            base + e.span.start..base + e.span.end,
                            format!("công thức “{}”: {}", s.get_ref(), e.message),
                        );
                    }
                    return None;
                }
            }
        }
        let (mut right, rt) = sides.pop()?;
        let (mut left, lt) = sides.pop()?;
        let is_order = !matches!(op, formula::CmpOp::Eq | formula::CmpOp::Ne);
        let span = formula::Span { start: 0, end: 0 };
        if let Err(e) = formula::resolve_comparison(&mut left, &lt, &mut right, &rt, is_order, span) {
            self.err(r.op.span(), e.message);
            return None;
        }
        Some((
            Formula {
                text: r.left.get_ref().clone(),
                expr: left,
            },
            Formula {
                text: r.right.get_ref().clone(),
                expr: right,
            },
        ))
    }

    fn info(&mut self, p: file::PlanInfoEntry, units: &HashMap<String, usize>) -> PlanInfo {
        let date = self.date(&p.date).unwrap_or_default();
        let area = self.unit_ref(&p.area, units);
        let all = |v: Vec<String>| v.iter().map(|s| nfc(s)).collect::<Vec<_>>();
        let ended = self.ended(&p);
        PlanInfo {
            code: p.code.into_inner(),
            number: nfc(&p.number),
            date,
            issuing_body: nfc(&p.issuing_body),
            superior_body: p.superior_body.as_deref().map(nfc),
            place: nfc(&p.place),
            title: nfc(&p.title),
            title_en: p.title_en,
            area,
            signer_name: nfc(&p.signer_name),
            signer_title: nfc(&p.signer_title),
            signing_authority: p.signing_authority.as_deref().map(nfc),
            legal_basis: all(p.legal_basis),
            purposes: all(p.purposes),
            requirements: all(p.requirements),
            recipients: all(p.recipients),
            ended,
            predecessor: p.predecessor.map(|c| c.trim().to_string()).filter(|c| !c.is_empty()),
            sample: p.sample,
        }
    }

    /// `ended_on` and `end_reason` go together: a plan that stops early says why.
    fn ended(&mut self, p: &file::PlanInfoEntry) -> Option<(NaiveDate, String)> {
        let reason = p.end_reason.as_deref().map(nfc).filter(|r| !r.trim().is_empty());
        match (&p.ended_on, reason) {
            (None, None) => None,
            (Some(d), Some(reason)) => Some((self.date(d)?, reason)),
            (Some(d), None) => {
                self.err(d.span(), "[plan] có ended_on thì phải ghi lý do kết thúc (end_reason)");
                None
            }
            (None, Some(_)) => {
                self.err(
                    p.code.span(),
                    "[plan] có end_reason thì phải ghi ngày kết thúc (ended_on)",
                );
                None
            }
        }
    }

    /// The yearly report's header and signature. Format 2 requires `[report]`;
    /// format 1 signs as the plan was signed, with the symbol `BC-UBND`.
    fn report(&mut self, r: Option<file::ReportEntry>, info: &PlanInfo) -> ReportInfo {
        let Some(r) = r else {
            if self.format >= 2 {
                self.err(
                    0..0,
                    "thiếu mục [report]: cơ quan ban hành, ký hiệu, người ký và nơi nhận của báo cáo hằng năm",
                );
            }
            return ReportInfo {
                issuing_body: info.issuing_body.clone(),
                superior_body: info.superior_body.clone(),
                symbol: "BC-UBND".into(),
                place: info.place.clone(),
                signing_authority: info.signing_authority.clone(),
                signer_title: info.signer_title.clone(),
                signer_name: info.signer_name.clone(),
                recipients: info.recipients.clone(),
                reminder_days: crate::reminders::DEFAULT_DAYS.to_vec(),
            };
        };
        let symbol = r.symbol.get_ref().trim();
        let well_formed = symbol.starts_with("BC-")
            && symbol.len() > 3
            && !symbol.contains('/')
            && !symbol.chars().any(char::is_whitespace);
        if !well_formed {
            self.err(
                r.symbol.span(),
                format!("ký hiệu báo cáo “{symbol}” phải có dạng BC-<chữ viết tắt cơ quan>, ví dụ BC-UBND (Nghị định 30/2020)"),
            );
        }
        for (field, what) in [
            (&r.signer_title, "signer_title (chức vụ người ký)"),
            (&r.signer_name, "signer_name (họ tên người ký)"),
        ] {
            if field.get_ref().trim().is_empty() {
                self.err(field.span(), format!("[report] cần {what}"));
            }
        }
        if r.recipients.get_ref().is_empty() {
            self.err(r.recipients.span(), "[report] cần ít nhất một nơi nhận (recipients)");
        }
        ReportInfo {
            issuing_body: r.issuing_body.as_deref().map_or_else(|| info.issuing_body.clone(), nfc),
            superior_body: r.superior_body.as_deref().map(nfc),
            symbol: nfc(symbol),
            place: r.place.as_deref().map_or_else(|| info.place.clone(), nfc),
            signing_authority: r.signing_authority.as_deref().map(nfc),
            signer_title: nfc(r.signer_title.get_ref()),
            signer_name: nfc(r.signer_name.get_ref()),
            recipients: r.recipients.get_ref().iter().map(|x| nfc(x)).collect(),
            reminder_days: self.reminder_days(r.reminder_days),
        }
    }

    /// `reminder_days`: whole days before the deadline, 0 (the day itself)
    /// to [`crate::reminders::MAX_DAYS`], each once; the default when absent.
    fn reminder_days(&mut self, days: Option<Spanned<Vec<i64>>>) -> Vec<u32> {
        use crate::reminders::{DEFAULT_DAYS, MAX_DAYS};
        let Some(days) = days else {
            return DEFAULT_DAYS.to_vec();
        };
        let mut out: Vec<u32> = Vec::new();
        for d in days.get_ref() {
            match u32::try_from(*d).ok().filter(|d| *d <= MAX_DAYS) {
                Some(d) if out.contains(&d) => self.err(
                    days.span(),
                    format!("[report] reminder_days: ngày {d} được ghi hai lần"),
                ),
                Some(d) => out.push(d),
                None => self.err(
                    days.span(),
                    format!(
                        "[report] reminder_days: {d} không hợp lệ; mỗi giá trị là số ngày trước hạn nộp, từ 0 (ngày hết hạn) đến {MAX_DAYS}"
                    ),
                ),
            }
        }
        if days.get_ref().is_empty() {
            self.err(
                days.span(),
                "[report] reminder_days cần ít nhất một ngày nhắc (ví dụ [14, 7, 3, 1]); bỏ trường này để dùng mặc định",
            );
        }
        out.sort_unstable_by(|a, b| b.cmp(a));
        out
    }

    fn task_groups(&mut self, entries: Vec<file::TaskGroupEntry>, units: &HashMap<String, usize>) -> Vec<TaskGroup> {
        let mut numbers = HashSet::new();
        let mut codes = HashSet::new();
        entries
            .into_iter()
            .map(|g| {
                if !numbers.insert(*g.number.get_ref()) {
                    self.err(
                        g.number.span(),
                        format!("nhóm nhiệm vụ số {} bị trùng", g.number.get_ref()),
                    );
                }
                let tasks = g
                    .tasks
                    .into_iter()
                    .map(|t| {
                        self.unique(&mut codes, &t.code, "nhiệm vụ");
                        Task {
                            code: t.code.into_inner(),
                            heading: t.heading.as_deref().map(nfc),
                            text: nfc(&t.text),
                        }
                    })
                    .collect();
                let lead = g.lead.as_ref().map(|u| self.unit_ref(u, units));
                let coordinating = g.coordinating.iter().map(|u| self.unit_ref(u, units)).collect();
                TaskGroup {
                    number: *g.number.get_ref(),
                    title: nfc(&g.title),
                    title_en: g.title_en,
                    tasks,
                    lead,
                    coordinating,
                }
            })
            .collect()
    }

    fn responsibilities(
        &mut self,
        entries: Vec<file::ResponsibilityEntry>,
        units: &HashMap<String, usize>,
    ) -> Vec<Responsibility> {
        let mut seen = HashSet::new();
        entries
            .into_iter()
            .map(|r| {
                self.unique(&mut seen, &r.number, "nhóm trách nhiệm");
                let units = r.units.iter().map(|u| self.unit_ref(u, units)).collect();
                Responsibility {
                    number: r.number.into_inner(),
                    title: nfc(&r.title),
                    units,
                    requested: r.requested,
                    duties: r.duties.iter().map(|d| nfc(d)).collect(),
                }
            })
            .collect()
    }

    fn component_plans(
        &mut self,
        entries: Vec<file::ComponentPlanEntry>,
        units: &HashMap<String, usize>,
    ) -> Vec<ComponentPlan> {
        let mut numbers = HashSet::new();
        entries
            .into_iter()
            .map(|c| {
                if !numbers.insert(*c.number.get_ref()) {
                    self.err(
                        c.number.span(),
                        format!("kế hoạch thành phần số {} bị trùng", c.number.get_ref()),
                    );
                }
                ComponentPlan {
                    number: *c.number.get_ref(),
                    title: nfc(&c.title),
                    content: nfc(&c.content),
                    lead: self.unit_ref(&c.lead, units),
                    coordinating: c.coordinating.iter().map(|u| self.unit_ref(u, units)).collect(),
                    approval_deadline: self.date(&c.approval_deadline).unwrap_or_default(),
                    approval_deadline_label: c.approval_deadline_label.as_deref().map(nfc),
                }
            })
            .collect()
    }

    fn funding(&mut self, entries: Vec<file::FundingSourceEntry>) -> Vec<FundingSource> {
        let mut seen = HashSet::new();
        entries
            .into_iter()
            .map(|f| {
                self.unique(&mut seen, &f.code, "nguồn kinh phí");
                FundingSource {
                    code: f.code.into_inner(),
                    name: nfc(&f.name),
                    description: f.description.as_deref().map(nfc),
                }
            })
            .collect()
    }
}

/// The names a format-1 plan's unit types go by.
fn default_type_names(t: UnitType) -> (&'static str, &'static str) {
    match t {
        UnitType::Province => ("tỉnh", "các tỉnh"),
        UnitType::City => ("thành phố", "các thành phố"),
        UnitType::District => ("quận, huyện", "các quận, huyện"),
        UnitType::Commune => ("xã", "các xã"),
        UnitType::Ward => ("phường", "các phường"),
        UnitType::ResidentialGroup => ("tổ dân phố", "các tổ dân phố"),
        UnitType::Department => ("phòng, ban", "các phòng, ban"),
        UnitType::Organisation => ("tổ chức, đoàn thể", "các tổ chức, đoàn thể"),
        UnitType::EducationInstitution => ("cơ sở giáo dục", "các cơ sở giáo dục"),
        UnitType::CommunityLearningCentre => ("trung tâm học tập cộng đồng", "các trung tâm học tập cộng đồng"),
        UnitType::Declared(code) => (code, code),
    }
}

/// Every data-element code an indicator reads.
fn indicator_codes(i: &Indicator) -> Vec<&str> {
    match &i.kind {
        IndicatorKind::Ratio {
            numerator, denominator, ..
        } => numerator
            .expr
            .element_codes()
            .into_iter()
            .chain(denominator.expr.element_codes())
            .collect(),
        IndicatorKind::Share { condition, .. } | IndicatorKind::StatusDerived { condition, .. } => {
            condition.expr.element_codes()
        }
        IndicatorKind::StatusElement { element } => vec![element.as_str()],
    }
}

fn overlaps(a: &OrgUnit, b: &OrgUnit) -> bool {
    let starts_before_end = |x: &OrgUnit, y: &OrgUnit| match (x.valid_from, y.valid_to) {
        (Some(f), Some(t)) => f <= t,
        _ => true,
    };
    starts_before_end(a, b) && starts_before_end(b, a)
}

fn element_kind(e: &DataElement) -> ElementKind {
    match e.value_type {
        ValueType::Count | ValueType::Percentage => ElementKind::Number,
        ValueType::YesNo => ElementKind::YesNo,
        ValueType::Status => ElementKind::Status(e.options.iter().map(|o| o.code.clone()).collect()),
        ValueType::Text => ElementKind::Text,
    }
}

fn yes_no_options() -> Vec<StatusOption> {
    vec![
        StatusOption {
            code: "no".into(),
            name: "Chưa".into(),
            name_en: Some("No".into()),
        },
        StatusOption {
            code: "yes".into(),
            name: "Có".into(),
            name_en: Some("Yes".into()),
        },
    ]
}

/// Whether some reporter (a unit type or a unit) reports every code.
fn has_common_reporter(codes: &[String], elements: &[DataElement]) -> bool {
    let reporters = |c: &String| {
        elements
            .iter()
            .find(|e| &e.code == c)
            .map(|e| e.reported_by.clone())
            .unwrap_or_default()
    };
    let first = reporters(&codes[0]);
    first
        .iter()
        .any(|r| codes[1..].iter().all(|c| reporters(c).contains(r)))
}
