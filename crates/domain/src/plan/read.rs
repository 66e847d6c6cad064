//! Reading a plan file into [`PlanFile`], reporting every problem at once.
//!
//! `toml::from_str` stops at the first problem and words it in English. Here
//! the document is parsed once (every syntax error is collected), then each
//! section and each `[[entry]]` is read on its own: a bad field is reported,
//! dropped and the entry read again, so one run lists every unknown field,
//! wrong type and missing field of the file, in Vietnamese.

use std::ops::Range;

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_spanned::Spanned;
use toml::de::{DeTable, DeValue, Deserializer};

use super::check::Problem;
use super::file::PlanFile;

/// The top-level sections a plan file may have.
const SECTIONS: [&str; 15] = [
    "format",
    "plan",
    "reporting",
    "report",
    "unit_types",
    "funding_sources",
    "org_units",
    "target_groups",
    "data_elements",
    "indicators",
    "targets",
    "validation_rules",
    "task_groups",
    "responsibilities",
    "component_plans",
];

/// The file, if every entry could be read (perhaps without fields it
/// reported), and the problems found.
pub(super) fn read(src: &str) -> (Option<PlanFile>, Vec<Problem>) {
    let (root, errors) = DeTable::parse_recoverable(src);
    if !errors.is_empty() {
        let mut problems: Vec<Problem> = errors
            .iter()
            .map(|e| Problem::at(src, e.span().map_or(0, |s| s.start), syntax(e.message())))
            .collect();
        problems.sort_by_key(|p| (p.line, p.column));
        return (None, problems);
    }
    let mut r = Reader {
        src,
        problems: Vec::new(),
        broken: false,
    };
    let doc_end = root.span().end;
    let mut f = Sections::default();
    for (key, value) in root.into_inner() {
        let name = key.get_ref().as_ref();
        match name {
            "format" => f.format = r.scalar(name, value),
            "plan" => f.plan = r.table(name, value),
            "reporting" => f.reporting = r.table(name, value),
            "report" => f.report = r.table(name, value),
            "unit_types" => f.unit_types = r.list(name, value),
            "funding_sources" => f.funding_sources = r.list(name, value),
            "org_units" => f.org_units = r.list(name, value),
            "target_groups" => f.target_groups = r.list(name, value),
            "data_elements" => f.data_elements = r.list(name, value),
            "indicators" => f.indicators = r.list(name, value),
            "targets" => f.targets = r.list(name, value),
            "validation_rules" => f.validation_rules = r.list(name, value),
            "task_groups" => f.task_groups = r.list(name, value),
            "responsibilities" => f.responsibilities = r.list(name, value),
            "component_plans" => f.component_plans = r.list(name, value),
            other => r.err(
                key.span(),
                format!(
                    "mục “{other}” không có trong tệp kế hoạch (có: {})",
                    SECTIONS.join(", ")
                ),
            ),
        }
    }
    let end = doc_end..doc_end;
    if f.format.is_none() && !r.broken {
        r.err(0..0, "thiếu dòng “format = 2” (phiên bản định dạng tệp)".into());
    }
    for (missing, name) in [(f.plan.is_none(), "plan"), (f.reporting.is_none(), "reporting")] {
        if missing && !r.broken {
            r.err(end.clone(), format!("thiếu mục [{name}]"));
        }
    }
    r.problems.sort_by_key(|p| (p.line, p.column));
    let file = match (f.format, f.plan, f.reporting) {
        (Some(format), Some(plan), Some(reporting)) if !r.broken => Some(PlanFile {
            format,
            plan,
            reporting,
            report: f.report,
            unit_types: f.unit_types,
            funding_sources: f.funding_sources,
            org_units: f.org_units,
            target_groups: f.target_groups,
            data_elements: f.data_elements,
            indicators: f.indicators,
            targets: f.targets,
            validation_rules: f.validation_rules,
            task_groups: f.task_groups,
            responsibilities: f.responsibilities,
            component_plans: f.component_plans,
        }),
        _ => None,
    };
    (file, r.problems)
}

/// The sections as they are read, each on its own.
#[derive(Default)]
struct Sections {
    format: Option<Spanned<i64>>,
    plan: Option<super::file::PlanInfoEntry>,
    reporting: Option<super::file::ReportingEntry>,
    report: Option<super::file::ReportEntry>,
    unit_types: Vec<super::file::UnitTypeEntry>,
    funding_sources: Vec<super::file::FundingSourceEntry>,
    org_units: Vec<super::file::OrgUnitEntry>,
    target_groups: Vec<super::file::TargetGroupEntry>,
    data_elements: Vec<super::file::DataElementEntry>,
    indicators: Vec<super::file::IndicatorEntry>,
    targets: Vec<super::file::TargetEntry>,
    validation_rules: Vec<super::file::RuleEntry>,
    task_groups: Vec<super::file::TaskGroupEntry>,
    responsibilities: Vec<super::file::ResponsibilityEntry>,
    component_plans: Vec<super::file::ComponentPlanEntry>,
}

struct Reader<'a> {
    src: &'a str,
    problems: Vec<Problem>,
    /// An entry could not be read at all: later checks would only repeat it.
    broken: bool,
}

type Value<'i> = Spanned<DeValue<'i>>;

impl Reader<'_> {
    fn err(&mut self, span: Range<usize>, message: String) {
        self.problems.push(Problem::at(self.src, span.start, message));
    }

    fn scalar<T: DeserializeOwned>(&mut self, name: &str, value: Value<'_>) -> Option<T> {
        #[derive(Deserialize)]
        struct One<T> {
            v: T,
        }
        let span = value.span();
        let mut table = DeTable::default();
        table.insert(Spanned::new(span.clone(), "v".into()), value);
        match One::<T>::deserialize(Deserializer::from(Spanned::new(span.clone(), table))) {
            Ok(one) => Some(one.v),
            Err(e) => {
                self.err(
                    e.span().unwrap_or(span),
                    format!("“{name}”: {}", vietnamese(e.message())),
                );
                self.broken = true;
                None
            }
        }
    }

    fn table<T: DeserializeOwned>(&mut self, name: &str, value: Value<'_>) -> Option<T> {
        let span = value.span();
        match value.into_inner() {
            DeValue::Table(t) => self.entry(name, Spanned::new(span, t)),
            _ => {
                self.err(span, format!("“{name}” phải là một mục [{name}]"));
                self.broken = true;
                None
            }
        }
    }

    fn list<T: DeserializeOwned>(&mut self, name: &str, value: Value<'_>) -> Vec<T> {
        let span = value.span();
        let DeValue::Array(items) = value.into_inner() else {
            self.err(span, format!("“{name}” phải là danh sách các mục [[{name}]]"));
            self.broken = true;
            return Vec::new();
        };
        let mut out = Vec::new();
        for item in items {
            let span = item.span();
            match item.into_inner() {
                DeValue::Table(t) => out.extend(self.entry(name, Spanned::new(span, t))),
                _ => {
                    self.err(span, format!("mỗi phần tử của “{name}” phải là một mục [[{name}]]"));
                    self.broken = true;
                }
            }
        }
        out
    }

    /// Reads one table; a field that cannot be read is reported and dropped,
    /// then the table is read again, so each of its problems shows once.
    fn entry<T: DeserializeOwned>(&mut self, name: &str, mut t: Spanned<DeTable<'_>>) -> Option<T> {
        let mut dropped: Vec<String> = Vec::new();
        loop {
            let err = match T::deserialize(Deserializer::from(t.clone())) {
                Ok(v) => return Some(v),
                Err(e) => e,
            };
            let span = err.span().unwrap_or(t.span());
            let message = err.message().to_string();
            // "missing field" for a field dropped above says nothing new.
            let follows = dropped.iter().any(|d| message == format!("missing field `{d}`"));
            if !follows {
                self.err(span.clone(), format!("[{name}]: {}", vietnamese(&message)));
            }
            let key = t
                .get_ref()
                .iter()
                .find(|(k, v)| contains(&k.span(), span.start) || contains(&v.span(), span.start))
                .map(|(k, _)| k.clone());
            match key {
                Some(k) if !follows => {
                    dropped.push(k.get_ref().to_string());
                    t.get_mut().remove(&k);
                }
                _ => {
                    self.broken = true;
                    return None;
                }
            }
        }
    }
}

fn contains(r: &Range<usize>, at: usize) -> bool {
    r.start <= at && at < r.end.max(r.start + 1)
}

/// Serde's messages, in Vietnamese.
fn vietnamese(message: &str) -> String {
    let m = message.trim();
    let quoted = |s: &str| -> Vec<String> { s.split('`').skip(1).step_by(2).map(String::from).collect() };
    if let Some(rest) = m.strip_prefix("missing field ") {
        return format!("thiếu trường “{}”", rest.trim_matches('`'));
    }
    if let Some(rest) = m.strip_prefix("unknown field ") {
        let names = quoted(rest);
        let Some((field, allowed)) = names.split_first() else {
            return format!("trường không hợp lệ: {rest}");
        };
        if allowed.is_empty() {
            return format!("trường “{field}” không có trong mục này");
        }
        return format!("trường “{field}” không có trong mục này (có: {})", allowed.join(", "));
    }
    if let Some(rest) = m
        .strip_prefix("duplicate field ")
        .or_else(|| m.strip_prefix("duplicate key "))
    {
        return format!("trường “{}” được ghi hai lần", rest.trim_matches('`'));
    }
    if let Some(rest) = m.strip_prefix("invalid type: ") {
        let (got, want) = rest.split_once(", expected ").unwrap_or((rest, ""));
        return format!("kiểu giá trị sai: {} trong khi cần {}", kind(got), kind(want));
    }
    if let Some(rest) = m.strip_prefix("invalid value: ") {
        let (got, want) = rest.split_once(", expected ").unwrap_or((rest, ""));
        return format!("giá trị không hợp lệ: {} (cần {})", kind(got), kind(want));
    }
    if let Some(rest) = m.strip_prefix("invalid length ") {
        return format!("số phần tử không đúng ({rest})");
    }
    syntax(m)
}

/// A serde type description ("string \"x\"", "i64", "a sequence") in Vietnamese.
fn kind(s: &str) -> String {
    let s = s.trim();
    let table: [(&str, &str); 14] = [
        ("string", "chữ"),
        ("a string", "chữ trong ngoặc kép"),
        ("integer", "số nguyên"),
        ("i64", "một số nguyên"),
        ("u32", "một số nguyên không âm"),
        ("f64", "một số"),
        ("floating point", "số thập phân"),
        ("boolean", "giá trị true/false"),
        ("a boolean", "true hoặc false"),
        ("sequence", "danh sách [...]"),
        ("a sequence", "một danh sách [...]"),
        ("map", "một bảng"),
        ("a TOML datetime", "một ngày (YYYY-MM-DD)"),
        ("datetime", "ngày giờ"),
    ];
    for (en, vi) in table {
        if s == en {
            return vi.to_string();
        }
        if let Some(rest) = s.strip_prefix(en).filter(|r| r.starts_with(' ')) {
            return format!("{vi}{rest}");
        }
    }
    if s.starts_with("struct ") || s.starts_with("a map") {
        return "một bảng".into();
    }
    s.to_string()
}

/// TOML syntax errors ("unclosed table, expected `]`") in Vietnamese: the
/// usual ones by name, the rest as "lỗi cú pháp", with what was expected.
fn syntax(message: &str) -> String {
    const KNOWN: [(&str, &str); 17] = [
        ("unclosed table", "thiếu dấu ] đóng tiêu đề mục [...]"),
        ("unclosed array table", "thiếu dấu ]] đóng tiêu đề mục [[...]]"),
        ("invalid table header", "tiêu đề mục [...] không hợp lệ"),
        ("invalid array table header", "tiêu đề mục [[...]] không hợp lệ"),
        ("string values must be quoted", "chữ phải đặt trong ngoặc kép \"...\""),
        (
            "missing comma between array elements",
            "thiếu dấu phẩy giữa các phần tử danh sách",
        ),
        (
            "missing assignment between key-value pairs",
            "thiếu dấu = giữa tên trường và giá trị",
        ),
        ("missing opening quote", "thiếu dấu ngoặc kép mở"),
        (
            "invalid basic string",
            "chuỗi trong ngoặc kép chưa đóng hoặc không hợp lệ",
        ),
        (
            "invalid literal string",
            "chuỗi trong ngoặc đơn chưa đóng hoặc không hợp lệ",
        ),
        ("invalid unquoted key", "tên trường không hợp lệ"),
        ("invalid key", "tên trường không hợp lệ"),
        ("unquoted keys cannot be empty", "thiếu tên trường trước dấu ="),
        ("duplicate key", "tên trường hoặc mục bị ghi hai lần"),
        ("unexpected leading zero", "số không được bắt đầu bằng 0"),
        ("invalid string", "chuỗi không hợp lệ"),
        ("invalid value", "giá trị không hợp lệ"),
    ];
    let flat = message.replace('\n', ", ");
    let (what, expected) = flat.split_once(", expected ").unwrap_or((&flat, ""));
    let what = what.trim().trim_end_matches(',').trim();
    let head = KNOWN
        .iter()
        .find(|(en, _)| what.starts_with(en))
        .map_or("lỗi cú pháp TOML", |(_, vi)| vi);
    let expected = expected
        .replace('`', "")
        .replace("literal string", "chuỗi")
        .replace("letters", "chữ")
        .replace("numbers", "số")
        .replace("nothing", "")
        .replace(" or ", " hoặc ");
    let expected = expected.trim().trim_end_matches(',');
    if expected.is_empty() {
        head.to_string()
    } else {
        format!("{head} (cần: {expected})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_messages_read_in_vietnamese() {
        assert_eq!(vietnamese("missing field `number`"), "thiếu trường “number”");
        assert_eq!(
            vietnamese("unknown field `lead`, expected one of `number`, `title`"),
            "trường “lead” không có trong mục này (có: number, title)"
        );
        assert_eq!(
            vietnamese("invalid type: string \"x\", expected i64"),
            "kiểu giá trị sai: chữ \"x\" trong khi cần một số nguyên"
        );
        assert_eq!(
            syntax("unclosed table, expected `]`"),
            "thiếu dấu ] đóng tiêu đề mục [...] (cần: ])"
        );
        assert_eq!(
            syntax("unexpected leading zero, expected nothing"),
            "số không được bắt đầu bằng 0"
        );
        assert_eq!(syntax("something new"), "lỗi cú pháp TOML");
    }
}
