//! Reading a filled template back.
//!
//! The file's bytes are first checked against [`crate::limits`]; cells are
//! then streamed one by one (the library never builds a grid the size of the
//! sheet), and only the cells the template defines are kept.
//!
//! A blank input cell means "no change"; the word “xóa” (or “-”) clears a
//! value on purpose. A formula is read as its saved result; one without a
//! saved result is refused, naming its cell.

use std::collections::HashMap;
use std::io::{Cursor, Read, Seek};

use calamine::{Data, DataRef, Reader, Xlsx, XlsxError};
use xhht_domain::plan::{DataElement, OrgUnit, Plan, Severity, ValueType};
use xhht_domain::text::{self, TextKind};
use xhht_domain::validation::{validate, value_problem};
use xhht_domain::values::{DataValue, UnitValues};

use crate::limits::{LIMITS, check_package};
use crate::*;

/// One bad cell (or, for a rule between figures, the cells it compares).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub sheet: String,
    /// `E7`, or `E7, E15` for a rule that compares two cells.
    pub cell: String,
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "trang “{}”, ô {}: {}", self.sheet, self.cell, self.message)
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ImportError {
    /// The file as a whole is refused: not a template, another plan, another
    /// unit or year, altered, over the limits, or older than the draft.
    #[error("{0}")]
    Refused(String),
    /// The template is ours but cells are wrong: nothing is saved.
    #[error("tệp có {} ô sai", .0.len())]
    Cells(Vec<Problem>),
}

/// What a template holds: whose, which year, and the changes it asks for.
#[derive(Debug, Clone, PartialEq)]
pub struct Imported {
    pub unit: String,
    pub year: i32,
    /// The changes: a filled cell sets its element (`Some`), a cell holding
    /// “xóa” clears it (`None`). Blank cells are not listed: no change.
    pub values: Vec<(String, Option<DataValue>)>,
    /// The cell of each element of the template, for messages.
    pub cells: HashMap<String, String>,
    /// The template's elements, in order.
    pub elements: Vec<String>,
    /// The draft's revision when the template was made ([`revision`]).
    pub revision: String,
}

impl Imported {
    /// The values the file sets (cleared ones left out).
    pub fn unit_values(&self) -> UnitValues {
        self.values
            .iter()
            .filter_map(|(c, v)| Some((c.clone(), v.clone()?)))
            .collect()
    }

    /// `current` with the file's changes applied: what the draft would hold.
    pub fn applied_to(&self, current: &UnitValues) -> UnitValues {
        let mut out = current.clone();
        for (code, value) in &self.values {
            match value {
                Some(v) => out.insert(code.clone(), v.clone()),
                None => out.remove(code),
            };
        }
        out
    }
}

/// The report an import is about to write, as the caller knows it now.
#[derive(Debug, Clone, Copy)]
pub struct Draft<'a> {
    pub unit: &'a str,
    pub year: i32,
    /// The draft's values now (the working values).
    pub current: &'a UnitValues,
    /// Last year's approved values of the unit, for rules with `prev(...)`.
    pub prev: Option<&'a UnitValues>,
}

/// The revision of a draft as a template records it: a digest of the values
/// of the template's `elements` in `values`. A template made from other
/// values than the draft holds now is older than the draft.
pub fn revision<S: AsRef<str>>(elements: &[S], values: &UnitValues) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for code in elements {
        let code = code.as_ref();
        h.update(code.as_bytes());
        match values.get(code).map(DataValue::to_columns) {
            None => h.update(b"\0-"),
            Some((n, t)) => {
                h.update(n.map_or(*b"--------", |n| n.to_bits().to_le_bytes()));
                h.update(t.unwrap_or_default().as_bytes());
            }
        }
        h.update(b"\n");
    }
    h.finalize().iter().take(12).map(|b| format!("{b:02x}")).collect()
}

/// The word that clears a value on purpose (folded, so “XÓA”, “xoa” work).
pub const CLEAR: &str = "xóa";

fn refused(msg: impl Into<String>) -> ImportError {
    ImportError::Refused(msg.into())
}

const NOT_OURS: &str = "Tệp không phải mẫu báo cáo của XHHT (hãy tải mẫu từ trang báo cáo).";

/// Reads a template: checks the file against the limits, that it is ours,
/// for this plan, for a year of the plan, with its locked parts intact, then
/// reads every input cell by the element's type and bounds. Every bad cell
/// is listed, each with its own address.
pub fn read(plan: &Plan, bytes: &[u8]) -> Result<Imported, ImportError> {
    check_package(bytes, &LIMITS).map_err(ImportError::Refused)?;
    let mut wb: Xlsx<_> =
        Xlsx::new(Cursor::new(bytes)).map_err(|_| refused("Tệp không phải là tệp Excel (.xlsx) đọc được."))?;
    let meta = read_sheet(&mut wb, META_SHEET, |r, c| r < 8 && c < 2)?.ok_or_else(|| refused(NOT_OURS))?;
    let field = |k: &str| {
        (0..8u32)
            .find(|r| meta.text(*r, 0) == k)
            .map(|r| meta.text(r, 1))
            .unwrap_or_default()
    };
    if field("layout") != LAYOUT {
        return Err(refused(
            "Mẫu này thuộc phiên bản khác; hãy tải mẫu mới từ trang báo cáo.",
        ));
    }
    if field("plan") != plan.info.code {
        return Err(refused(format!("Mẫu này thuộc kế hoạch khác (“{}”).", field("plan"))));
    }
    let unit_code = field("unit");
    let Some(unit) = plan.unit(&unit_code) else {
        return Err(refused(format!(
            "Mẫu ghi đơn vị “{unit_code}” không có trong kế hoạch."
        )));
    };
    let year: i32 = field("year")
        .parse()
        .map_err(|_| refused("Mẫu không ghi năm báo cáo hợp lệ."))?;
    plan.check_year(year).map_err(refused)?;
    let codes = element_codes(plan, unit, &field("elements"))?;
    let last = FIRST_ROW + codes.len() as u32;
    let keep =
        |r: u32, c: u32| (FIRST_ROW..=last).contains(&r) && [COL_CODE, COL_NAME, COL_INPUT].map(u32::from).contains(&c);
    let sheet =
        read_sheet(&mut wb, SHEET, keep)?.ok_or_else(|| refused(format!("Không có trang “{SHEET}” trong tệp.")))?;
    let elements = locked_parts(plan, &sheet, &codes)?;
    let (mut values, mut cells, mut problems) = (Vec::new(), HashMap::new(), Vec::new());
    for (i, el) in elements.iter().enumerate() {
        let row = FIRST_ROW + i as u32;
        let cell = cell_name(row, COL_INPUT);
        match input(el, sheet.get(row, u32::from(COL_INPUT))) {
            Ok(Change::Keep) => {}
            Ok(Change::Clear) => values.push((el.code.clone(), None)),
            Ok(Change::Set(v)) => values.push((el.code.clone(), Some(v))),
            Err(message) => problems.push(Problem {
                sheet: SHEET.into(),
                cell: cell.clone(),
                message,
            }),
        }
        cells.insert(el.code.clone(), cell);
    }
    if !problems.is_empty() {
        return Err(ImportError::Cells(problems));
    }
    Ok(Imported {
        unit: unit.code.clone(),
        year,
        values,
        cells,
        revision: field("revision"),
        elements: codes,
    })
}

/// The hidden sheet's list of elements: each in the plan, reported by the
/// unit, listed once.
fn element_codes(plan: &Plan, unit: &OrgUnit, list: &str) -> Result<Vec<String>, ImportError> {
    let mut codes: Vec<String> = Vec::new();
    for code in list.split(',').filter(|c| !c.is_empty()) {
        let known = plan.element(code).is_some_and(|e| e.reported_by_unit(unit));
        if !known || codes.iter().any(|c| c == code) {
            return Err(refused(
                "Phần ẩn của mẫu đã bị sửa: hãy tải mẫu mới và nhập lại số liệu.",
            ));
        }
        codes.push(code.to_string());
    }
    Ok(codes)
}

/// Checks a read template against the report the caller is about to write:
/// the same unit and year, made from the draft as it is now (else the file
/// is older than the draft and would overwrite newer figures), and the
/// draft with the file's changes breaks none of the plan's rules. Every
/// error is listed at its cells; warnings are left to the web form.
pub fn verify(plan: &Plan, imported: &Imported, draft: &Draft<'_>) -> Result<(), ImportError> {
    if imported.unit != draft.unit || imported.year != draft.year {
        return Err(refused(format!(
            "Tệp này là mẫu của đơn vị “{}” năm {}, không phải của báo cáo đang nhập (đơn vị “{}” năm {}).",
            imported.unit, imported.year, draft.unit, draft.year
        )));
    }
    if revision(&imported.elements, draft.current) != imported.revision {
        return Err(refused(
            "Mẫu này cũ hơn bản nháp: số liệu của báo cáo đã thay đổi sau khi tải mẫu (sửa trên trang web hoặc đã nhập một tệp khác). \
             Không lưu gì, để khỏi ghi đè số liệu mới hơn. Hãy tải mẫu mới rồi nhập lại.",
        ));
    }
    let problems = rule_problems(plan, imported, &imported.applied_to(draft.current), draft.prev);
    if problems.is_empty() {
        Ok(())
    } else {
        Err(ImportError::Cells(problems))
    }
}

/// The plan's rules on the file's own values alone, as problems at their
/// cells. Prefer [`verify`], which also checks the unit, year and revision
/// and applies the rules to the draft as it would be after the import.
pub fn check(plan: &Plan, imported: &Imported, prev: Option<&UnitValues>) -> Vec<Problem> {
    rule_problems(plan, imported, &imported.unit_values(), prev)
}

fn rule_problems(plan: &Plan, imported: &Imported, values: &UnitValues, prev: Option<&UnitValues>) -> Vec<Problem> {
    let Some(unit) = plan.unit(&imported.unit) else {
        return vec![];
    };
    let mut out: Vec<(Vec<u32>, Problem)> = validate(plan, unit, values, prev)
        .into_iter()
        .filter(|f| f.severity == Severity::Error)
        .map(|f| {
            // Every cell the finding is about, top to bottom: a rule between
            // two figures names both, since either may be the wrong one.
            let mut at: Vec<(u32, &String)> = f
                .elements
                .iter()
                .filter_map(|e| imported.cells.get(e))
                .map(|c| (crate::limits::parse_address(c).map_or(0, |p| p.0), c))
                .collect();
            at.sort();
            at.dedup();
            let rows = at.iter().map(|(r, _)| *r).collect();
            let cell = at.iter().map(|(_, c)| c.as_str()).collect::<Vec<_>>().join(", ");
            (
                rows,
                Problem {
                    sheet: SHEET.into(),
                    cell,
                    message: f.message,
                },
            )
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out.into_iter().map(|(_, p)| p).collect()
}

/// The codes and names the sheet shows must be the template's, unchanged,
/// and nothing may follow the last row.
fn locked_parts<'a>(plan: &'a Plan, sheet: &Sheet, codes: &[String]) -> Result<Vec<&'a DataElement>, ImportError> {
    let mut out = Vec::new();
    for (i, code) in codes.iter().enumerate() {
        let row = FIRST_ROW + i as u32;
        let shown = (
            sheet.text(row, u32::from(COL_CODE)),
            sheet.text(row, u32::from(COL_NAME)),
        );
        match plan.element(code) {
            Some(el) if shown == (el.code.clone(), el.name.clone()) => out.push(el),
            _ => {
                return Err(refused(format!(
                    "Phần bị khóa của mẫu đã bị sửa (ô {}): hãy tải mẫu mới và nhập lại số liệu.",
                    cell_name(row, COL_CODE)
                )));
            }
        }
    }
    let extra = FIRST_ROW + codes.len() as u32;
    if !sheet.text(extra, u32::from(COL_CODE)).is_empty() {
        return Err(refused(format!(
            "Mẫu có thêm dòng không thuộc mẫu (ô {}).",
            cell_name(extra, COL_CODE)
        )));
    }
    Ok(out)
}

/// One kept cell: its value (or saved result), and whether it holds a formula.
#[derive(Debug, Clone, Default)]
struct Cell {
    value: Data,
    formula: bool,
    /// The text was longer than the import keeps; `value` is then empty.
    too_long: bool,
}

/// The kept cells of one sheet, by (row, column).
struct Sheet(HashMap<(u32, u32), Cell>);

impl Sheet {
    fn get(&self, row: u32, col: u32) -> Option<&Cell> {
        self.0.get(&(row, col))
    }

    fn text(&self, row: u32, col: u32) -> String {
        match self.get(row, col).map(|c| &c.value) {
            Some(Data::String(s)) => text::nfc(s.trim()),
            Some(Data::Float(f)) => f.to_string(),
            Some(Data::Int(i)) => i.to_string(),
            _ => String::new(),
        }
    }
}

/// Streams the cells of sheet `name`, refusing any address or declared
/// dimension outside the limits and more cells than the limit, and keeps
/// only those where `keep(row, col)`. `None` when there is no such sheet.
fn read_sheet<RS: Read + Seek>(
    wb: &mut Xlsx<RS>,
    name: &str,
    keep: impl Fn(u32, u32) -> bool,
) -> Result<Option<Sheet>, ImportError> {
    let damaged = || {
        refused(format!(
            "Trang “{name}” của tệp bị hỏng; hãy tải mẫu mới từ trang báo cáo."
        ))
    };
    let mut reader = match wb.worksheet_cells_reader(name) {
        Ok(r) => r,
        Err(XlsxError::WorksheetNotFound(_)) => return Ok(None),
        Err(_) => return Err(damaged()),
    };
    let dims = reader.dimensions();
    for (row, col) in [dims.start, dims.end] {
        if row >= LIMITS.rows || col >= LIMITS.cols {
            return Err(outside(name, row, col));
        }
    }
    let (mut kept, mut seen) = (HashMap::new(), 0usize);
    while let Some(record) = reader.next_cell_with_formula_metadata().map_err(|_| damaged())? {
        let (row, col) = record.pos;
        seen += 1;
        if row >= LIMITS.rows || col >= LIMITS.cols {
            return Err(outside(name, row, col));
        }
        if seen > LIMITS.cells {
            return Err(refused(format!(
                "Trang “{name}” có quá nhiều ô (trên {}).",
                LIMITS.cells
            )));
        }
        if !keep(row, col) {
            continue;
        }
        let too_long = match &record.value {
            DataRef::SharedString(s) => s.len() > LIMITS.cell_chars * 4 || s.chars().count() > LIMITS.cell_chars,
            DataRef::String(s) => s.chars().count() > LIMITS.cell_chars,
            _ => false,
        };
        let value = if too_long {
            Data::Empty
        } else {
            Data::from(record.value)
        };
        kept.insert(
            (row, col),
            Cell {
                value,
                formula: record.formula.is_some(),
                too_long,
            },
        );
    }
    Ok(Some(Sheet(kept)))
}

fn outside(sheet: &str, row: u32, col: u32) -> ImportError {
    let max = cell_name(LIMITS.rows - 1, (LIMITS.cols - 1) as u16);
    let at = if col <= u32::from(u16::MAX) {
        cell_name(row, col as u16)
    } else {
        format!("dòng {}", u64::from(row) + 1)
    };
    refused(format!(
        "Trang “{sheet}” có ô {at} nằm ngoài vùng của mẫu báo cáo (tối đa tới ô {max}); hãy tải mẫu mới từ trang báo cáo."
    ))
}

/// What one input cell asks for.
#[derive(Debug, PartialEq)]
enum Change {
    Keep,
    Clear,
    Set(DataValue),
}

/// One input cell read by the element's type and checked against its bounds.
fn input(el: &DataElement, cell: Option<&Cell>) -> Result<Change, String> {
    let name = &el.name;
    let Some(cell) = cell else {
        return Ok(Change::Keep);
    };
    if cell.too_long {
        return Err(format!("“{name}”: ô quá dài (tối đa {} ký tự).", LIMITS.cell_chars));
    }
    if cell.formula && cell.value == Data::Empty {
        return Err(format!(
            "“{name}”: ô có công thức nhưng tệp không lưu kết quả đã tính (phần mềm tạo tệp không tính công thức). \
             Hãy gõ thẳng số liệu, hoặc mở tệp bằng Excel rồi lưu lại."
        ));
    }
    let change = read_value(el, &cell.value)?;
    if let Change::Set(v) = &change
        && let Some(problem) = value_problem(el, v)
    {
        return Err(problem);
    }
    Ok(change)
}

fn read_value(el: &DataElement, value: &Data) -> Result<Change, String> {
    let name = &el.name;
    let set = |v| Ok(Change::Set(v));
    let numeric = matches!(el.value_type, ValueType::Count | ValueType::Percentage);
    match value {
        Data::Empty => return Ok(Change::Keep),
        Data::String(s) if s.trim().is_empty() => return Ok(Change::Keep),
        Data::String(s) if s.trim() == "-" || text::fold(s) == text::fold(CLEAR) => return Ok(Change::Clear),
        Data::Error(_) => return Err(format!("“{name}”: ô có lỗi công thức.")),
        _ => {}
    }
    match (el.value_type, value) {
        (_, Data::Float(f)) if numeric => set(DataValue::Number(*f)),
        (_, Data::Int(i)) if numeric => set(DataValue::Number(*i as f64)),
        (_, Data::String(s)) if numeric => text::parse_number(s, el.value_type == ValueType::Count)
            .map(DataValue::Number)
            .map(Change::Set)
            .map_err(|m| format!("“{name}”: {m}.")),
        (ValueType::YesNo, Data::String(s)) => match text::fold(s).as_str() {
            "co" => set(DataValue::Bool(true)),
            "khong" => set(DataValue::Bool(false)),
            _ => Err(format!("“{name}”: chọn “{YES}”, “{NO}” hoặc “{CLEAR}”.")),
        },
        (ValueType::YesNo, Data::Bool(b)) => set(DataValue::Bool(*b)),
        (ValueType::Status, Data::String(s)) => {
            let s = text::nfc(s.trim());
            match el.options.iter().find(|o| o.name == s || o.code == s) {
                Some(o) => set(DataValue::Status(o.code.clone())),
                None => Err(format!("“{name}”: “{s}” không phải mức trong danh sách.")),
            }
        }
        (ValueType::Text, Data::String(s)) => text::clean(TextKind::Value, s)
            .map(|t| Change::Set(DataValue::Text(t)))
            .map_err(|p| format!("“{name}”: {}", p.message())),
        _ => Err(format!("“{name}”: giá trị không đúng kiểu.")),
    }
}
