//! Reading a filled template back.

use std::collections::HashMap;
use std::io::Cursor;

use calamine::{Data, Range, Reader, open_workbook_auto_from_rs};
use xhht_domain::plan::{DataElement, OrgUnit, Plan, Severity, ValueType};
use xhht_domain::text;
use xhht_domain::validation::validate;
use xhht_domain::values::{DataValue, UnitValues};

use crate::*;

/// One bad cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub sheet: String,
    pub cell: String,
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "trang «{}», ô {}: {}", self.sheet, self.cell, self.message)
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ImportError {
    /// The file as a whole is refused: not a template, another plan, altered.
    #[error("{0}")]
    Refused(String),
    /// The template is ours but cells are wrong: nothing is saved.
    #[error("tệp có {} ô sai", .0.len())]
    Cells(Vec<Problem>),
}

/// What a template holds: whose, which year, and every figure in it.
#[derive(Debug, Clone, PartialEq)]
pub struct Imported {
    pub unit: String,
    pub year: i32,
    /// Every element of the sheet; `None` where the cell is empty.
    pub values: Vec<(String, Option<DataValue>)>,
    /// The cell of each element, for messages.
    pub cells: HashMap<String, String>,
}

impl Imported {
    pub fn unit_values(&self) -> UnitValues {
        self.values
            .iter()
            .filter_map(|(c, v)| Some((c.clone(), v.clone()?)))
            .collect()
    }
}

fn refused(msg: impl Into<String>) -> ImportError {
    ImportError::Refused(msg.into())
}

/// Reads a template: checks it is ours, for this plan, with its locked parts
/// intact, then reads every input cell by the element's type. Formulas typed
/// into cells are read as their computed values.
pub fn read(plan: &Plan, bytes: &[u8]) -> Result<Imported, ImportError> {
    let mut wb = open_workbook_auto_from_rs(Cursor::new(bytes.to_vec()))
        .map_err(|_| refused("Tệp không phải là tệp Excel (.xlsx) đọc được."))?;
    let meta = wb
        .worksheet_range(META_SHEET)
        .map_err(|_| refused("Tệp không phải mẫu báo cáo của XHHT (hãy tải mẫu từ trang báo cáo)."))?;
    let field = |k: &str| {
        (0..8u32)
            .find(|r| cell_text(&meta, *r, 0) == k)
            .map(|r| cell_text(&meta, r, 1))
            .unwrap_or_default()
    };
    if field("layout") != LAYOUT {
        return Err(refused(
            "Mẫu này thuộc phiên bản khác; hãy tải mẫu mới từ trang báo cáo.",
        ));
    }
    if field("plan") != plan.info.code {
        return Err(refused(format!("Mẫu này thuộc kế hoạch khác («{}»).", field("plan"))));
    }
    let unit_code = field("unit");
    let Some(unit) = plan.unit(&unit_code) else {
        return Err(refused(format!(
            "Mẫu ghi đơn vị «{unit_code}» không có trong kế hoạch."
        )));
    };
    let year: i32 = field("year")
        .parse()
        .map_err(|_| refused("Mẫu không ghi năm báo cáo hợp lệ."))?;
    let codes: Vec<String> = field("elements")
        .split(',')
        .filter(|c| !c.is_empty())
        .map(String::from)
        .collect();
    let sheet = wb
        .worksheet_range(SHEET)
        .map_err(|_| refused(format!("Không có trang «{SHEET}» trong tệp.")))?;
    let elements = locked_parts(plan, unit, &sheet, &codes)?;
    let (mut values, mut cells, mut problems) = (Vec::new(), HashMap::new(), Vec::new());
    for (i, el) in elements.iter().enumerate() {
        let row = FIRST_ROW + i as u32;
        let cell = cell_name(row, COL_INPUT);
        match read_cell(el, sheet.get_value((row, u32::from(COL_INPUT)))) {
            Ok(v) => values.push((el.code.clone(), v)),
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
    })
}

/// The codes and names the sheet shows must be the template's, unchanged.
fn locked_parts<'a>(
    plan: &'a Plan,
    unit: &OrgUnit,
    sheet: &Range<Data>,
    codes: &[String],
) -> Result<Vec<&'a DataElement>, ImportError> {
    let mut out = Vec::new();
    for (i, code) in codes.iter().enumerate() {
        let row = FIRST_ROW + i as u32;
        let el = plan.element(code).filter(|e| e.reported_by_unit(unit));
        let shown = (
            cell_text(sheet, row, u32::from(COL_CODE)),
            cell_text(sheet, row, u32::from(COL_NAME)),
        );
        match el {
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
    if !cell_text(sheet, extra, u32::from(COL_CODE)).is_empty() {
        return Err(refused(format!(
            "Mẫu có thêm dòng không thuộc mẫu (ô {}).",
            cell_name(extra, COL_CODE)
        )));
    }
    Ok(out)
}

fn cell_text(r: &Range<Data>, row: u32, col: u32) -> String {
    match r.get_value((row, col)) {
        Some(Data::String(s)) => text::nfc(s.trim()),
        Some(Data::Float(f)) => f.to_string(),
        Some(Data::Int(i)) => i.to_string(),
        _ => String::new(),
    }
}

/// One input cell by the element's type; `Ok(None)` for an empty cell.
fn read_cell(el: &DataElement, cell: Option<&Data>) -> Result<Option<DataValue>, String> {
    let name = &el.name;
    let number = |n: f64| Ok(Some(DataValue::Number(n)));
    match (el.value_type, cell) {
        (_, None | Some(Data::Empty)) => Ok(None),
        (_, Some(Data::Error(_))) => Err(format!("«{name}»: ô có lỗi công thức.")),
        (ValueType::Count | ValueType::Percentage, Some(Data::Float(f))) => number(*f),
        (ValueType::Count | ValueType::Percentage, Some(Data::Int(i))) => number(*i as f64),
        (ValueType::Count | ValueType::Percentage, Some(Data::String(s))) if s.trim().is_empty() => Ok(None),
        (ValueType::Count | ValueType::Percentage, Some(Data::String(s))) => {
            text::parse_number(s, el.value_type == ValueType::Count)
                .map(DataValue::Number)
                .map(Some)
                .map_err(|m| format!("«{name}»: {m}."))
        }
        (ValueType::YesNo, Some(Data::String(s))) => match text::fold(s).as_str() {
            "co" => Ok(Some(DataValue::Bool(true))),
            "khong" => Ok(Some(DataValue::Bool(false))),
            "" => Ok(None),
            _ => Err(format!("«{name}»: chọn «{YES}» hoặc «{NO}».")),
        },
        (ValueType::YesNo, Some(Data::Bool(b))) => Ok(Some(DataValue::Bool(*b))),
        (ValueType::Status, Some(Data::String(s))) => {
            let s = text::nfc(s.trim());
            match el.options.iter().find(|o| o.name == s || o.code == s) {
                Some(o) => Ok(Some(DataValue::Status(o.code.clone()))),
                None if s.is_empty() => Ok(None),
                None => Err(format!("«{name}»: «{s}» không phải mức trong danh sách.")),
            }
        }
        (ValueType::Text, Some(Data::String(s))) => Ok(Some(DataValue::Text(text::nfc(s.trim())))),
        _ => Err(format!("«{name}»: giá trị không đúng kiểu.")),
    }
}

/// The web form's validation on imported values: every error (value-type
/// limits and the plan's rules) as a problem at its cell. Warnings are not
/// problems here; the unit explains them on the web form before submitting.
pub fn check(plan: &Plan, imported: &Imported, prev: Option<&UnitValues>) -> Vec<Problem> {
    let Some(unit) = plan.unit(&imported.unit) else {
        return vec![];
    };
    let values = imported.unit_values();
    let mut out: Vec<Problem> = validate(plan, unit, &values, prev)
        .into_iter()
        .filter(|f| f.severity == Severity::Error)
        .map(|f| {
            let cell = f
                .elements
                .iter()
                .find_map(|e| imported.cells.get(e))
                .cloned()
                .unwrap_or_default();
            Problem {
                sheet: SHEET.into(),
                cell,
                message: f.message,
            }
        })
        .collect();
    out.sort_by(|a, b| (a.cell.len(), &a.cell).cmp(&(b.cell.len(), &b.cell)));
    out
}
