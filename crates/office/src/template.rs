//! The yearly Excel template of one unit.

use rust_xlsxwriter::{
    DataValidation, DataValidationErrorStyle, Format, FormatAlign, FormatBorder, Formula, Workbook, Worksheet,
    XlsxError,
};
use xhht_domain::plan::{DataElement, OrgUnit, Plan, ValueType};
use xhht_domain::values::{DataValue, UnitValues};

use crate::import::{CLEAR, revision};
use crate::*;

/// Why a template was not made.
#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    /// A year outside the plan's period (Vietnamese message).
    #[error("{0}")]
    Year(String),
    #[error(transparent)]
    Xlsx(#[from] XlsxError),
}

/// What the template tells people about filling it in.
pub const INSTRUCTIONS: &str = "Chỉ nhập vào các ô màu vàng. Ô để trống: giữ nguyên số liệu đang có. \
Muốn xóa một số liệu: gõ “xóa” vào ô. Số viết kiểu Việt Nam (12.345) hoặc không dấu chấm đều được; \
không dùng công thức chưa tính.";

/// Builds the template of `unit` for `year`: its figures in the plan's
/// order, last year's approved values, and this year's current values (so a
/// half-filled report can go to Excel and back). The hidden sheet records
/// the revision of `current`, so an import can tell the draft changed since.
pub fn unit_template(
    plan: &Plan,
    unit: &OrgUnit,
    year: i32,
    prev: &UnitValues,
    current: &UnitValues,
) -> Result<Vec<u8>, TemplateError> {
    plan.check_year(year).map_err(TemplateError::Year)?;
    let mut wb = Workbook::new();
    let elements: Vec<&DataElement> = plan
        .elements_for(unit)
        .filter(|e| e.value_type != ValueType::Text)
        .collect();
    let sheet = wb.add_worksheet().set_name(SHEET)?;
    title_block(sheet, plan, unit, year)?;
    header(sheet, year)?;
    let locked = Format::new()
        .set_text_wrap()
        .set_align(FormatAlign::Top)
        .set_border(FormatBorder::Thin);
    let input = Format::new()
        .set_unlocked()
        .set_background_color("#FFF8D6")
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Top);
    let count = Format::new()
        .set_num_format("#,##0")
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Top);
    for (i, el) in elements.iter().enumerate() {
        let row = FIRST_ROW + i as u32;
        // Text is always written as text, so "=…" in a name or value can never become a formula.
        sheet.write_string_with_format(row, COL_CODE, &el.code, &locked)?;
        sheet.write_string_with_format(row, COL_NAME, &el.name, &locked)?;
        sheet.write_string_with_format(row, COL_UNIT, el.unit.as_deref().unwrap_or(""), &locked)?;
        write_value(sheet, row, COL_PREV, el, prev.get(&el.code), &count, &locked)?;
        match current.get(&el.code) {
            Some(v) => write_value(sheet, row, COL_INPUT, el, Some(v), &input, &input)?,
            None => sheet.write_blank(row, COL_INPUT, &input).map(|_| ())?,
        }
        sheet.write_string_with_format(row, COL_HELP, el.help.as_deref().unwrap_or(""), &locked)?;
        if let Some(v) = validation_for(el, row, COL_INPUT)? {
            sheet.add_data_validation(row, COL_INPUT, row, COL_INPUT, &v)?;
        }
    }
    sheet.protect();
    sheet.set_paper_size(9); // A4
    sheet.set_landscape();
    sheet.set_print_fit_to_pages(1, 0);
    sheet.set_repeat_rows(FIRST_ROW - 1, FIRST_ROW - 1)?;
    meta(&mut wb, plan, unit, year, &elements, current)?;
    Ok(wb.save_to_buffer()?)
}

fn title_block(sheet: &mut Worksheet, plan: &Plan, unit: &OrgUnit, year: i32) -> Result<(), XlsxError> {
    let bold = Format::new().set_bold().set_font_size(14);
    sheet.write_string_with_format(
        0,
        0,
        format!("BÁO CÁO KẾT QUẢ XÂY DỰNG XÃ HỘI HỌC TẬP NĂM {year}"),
        &bold,
    )?;
    sheet.write_string(1, 0, format!("Đơn vị: {} (mã {})", unit.name, unit.code))?;
    sheet.write_string(
        2,
        0,
        format!(
            "Theo {} — hạn nộp {}",
            plan.info.number,
            plan.due_date(year).map(xhht_domain::text::date).unwrap_or_default()
        ),
    )?;
    sheet.write_string(3, 0, INSTRUCTIONS)?;
    Ok(())
}

fn header(sheet: &mut Worksheet, year: i32) -> Result<(), XlsxError> {
    let head = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_background_color("#DCE6F1")
        .set_border(FormatBorder::Thin);
    let titles = [
        "Mã",
        "Chỉ số",
        "Đơn vị tính",
        &format!("Năm {} (đã duyệt)", year - 1),
        &format!("Năm {year}"),
        "Hướng dẫn",
    ];
    for (c, t) in titles.iter().enumerate() {
        sheet.write_string_with_format(FIRST_ROW - 1, c as u16, *t, &head)?;
    }
    for (c, w) in [
        (COL_CODE, 22.0),
        (COL_NAME, 48.0),
        (COL_UNIT, 10.0),
        (COL_PREV, 14.0),
        (COL_INPUT, 16.0),
        (COL_HELP, 60.0),
    ] {
        sheet.set_column_width(c, w)?;
    }
    Ok(())
}

fn write_value(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    el: &DataElement,
    v: Option<&DataValue>,
    number: &Format,
    text: &Format,
) -> Result<(), XlsxError> {
    match v {
        None => sheet.write_blank(row, col, text).map(|_| ()),
        Some(DataValue::Number(n)) => sheet.write_number_with_format(row, col, *n, number).map(|_| ()),
        Some(DataValue::Bool(b)) => sheet
            .write_string_with_format(row, col, if *b { YES } else { NO }, text)
            .map(|_| ()),
        Some(DataValue::Status(s)) => {
            let name = el
                .options
                .iter()
                .find(|o| &o.code == s)
                .map_or(s.as_str(), |o| o.name.as_str());
            sheet.write_string_with_format(row, col, name, text).map(|_| ())
        }
        Some(DataValue::Text(t)) => sheet.write_string_with_format(row, col, t, text).map(|_| ()),
    }
}

/// The data validation of the input cell at (`row`, `col`), by value type:
/// Excel's own check while typing; the import checks again regardless.
/// Text is let through (Vietnamese numbers like `12.345` and “xóa” are
/// text to Excel); numbers must be within the element's bounds.
fn validation_for(el: &DataElement, row: u32, col: u16) -> Result<Option<DataValidation>, XlsxError> {
    let at = cell_name(row, col);
    let max = el.upper_bound().unwrap_or(0.0);
    let v = match el.value_type {
        ValueType::Count => DataValidation::new()
            .allow_custom(Formula::new(format!(
                "=OR(ISTEXT({at}),AND({at}>=0,{at}<={max},{at}=INT({at})))"
            )))
            .set_error_message(format!(
                "Nhập số nguyên từ 0 đến {}, hoặc “xóa”.",
                xhht_domain::text::number(max, 0)
            ))?,
        ValueType::Percentage => DataValidation::new()
            .allow_custom(Formula::new(format!("=OR(ISTEXT({at}),AND({at}>=0,{at}<={max}))")))
            .set_error_message(format!(
                "Nhập tỷ lệ từ 0 đến {}, hoặc “xóa”.",
                xhht_domain::text::number(max, 2)
            ))?,
        ValueType::YesNo => DataValidation::new().allow_list_strings(&[YES, NO, CLEAR])?,
        ValueType::Status => {
            let mut names: Vec<&str> = el.options.iter().map(|o| o.name.as_str()).collect();
            names.push(CLEAR);
            DataValidation::new().allow_list_strings(&names)?
        }
        ValueType::Text => return Ok(None),
    };
    Ok(Some(v.set_error_style(DataValidationErrorStyle::Stop)))
}

/// The hidden sheet: what this workbook is, and the codes it lists in order
/// (import compares them with the visible sheet to detect alterations).
fn meta(
    wb: &mut Workbook,
    plan: &Plan,
    unit: &OrgUnit,
    year: i32,
    elements: &[&DataElement],
    current: &UnitValues,
) -> Result<(), XlsxError> {
    let m = wb.add_worksheet().set_name(META_SHEET)?;
    let codes: Vec<&str> = elements.iter().map(|e| e.code.as_str()).collect();
    let rows = [
        ("layout", LAYOUT.to_string()),
        ("plan", plan.info.code.clone()),
        ("unit", unit.code.clone()),
        ("year", year.to_string()),
        ("revision", revision(&codes, current)),
    ];
    for (i, (k, v)) in rows.iter().enumerate() {
        m.write_string(i as u32, 0, *k)?;
        m.write_string(i as u32, 1, v)?;
    }
    m.write_string(rows.len() as u32, 0, "elements")?;
    m.write_string(rows.len() as u32, 1, codes.join(","))?;
    m.set_hidden(true);
    m.protect();
    Ok(())
}

/// The district-wide template: one row per unit (the wards), one column per
/// figure they report, for a compiler who collects everything in one sheet.
/// Input cells are unlocked and checked by type like the unit template; the
/// hidden sheet names the area, year, units and figures.
pub fn district_template(
    plan: &Plan,
    area: &OrgUnit,
    year: i32,
    units: &[&OrgUnit],
    values: &std::collections::HashMap<String, UnitValues>,
) -> Result<Vec<u8>, TemplateError> {
    plan.check_year(year).map_err(TemplateError::Year)?;
    let mut wb = Workbook::new();
    let Some(first) = units.first() else {
        return Ok(wb.save_to_buffer()?);
    };
    let elements: Vec<&DataElement> = plan
        .elements_for(first)
        .filter(|e| e.value_type != ValueType::Text)
        .collect();
    let sheet = wb.add_worksheet().set_name(SHEET)?;
    let bold = Format::new().set_bold().set_font_size(14);
    sheet.write_string_with_format(
        0,
        0,
        format!(
            "TỔNG HỢP SỐ LIỆU XÂY DỰNG XÃ HỘI HỌC TẬP NĂM {year} — {}",
            area.name.to_uppercase()
        ),
        &bold,
    )?;
    sheet.write_string(
        1,
        0,
        format!(
            "Theo {}; mỗi dòng một đơn vị. Chỉ nhập vào các ô màu vàng.",
            plan.info.number
        ),
    )?;
    let head = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_background_color("#DCE6F1")
        .set_border(FormatBorder::Thin);
    let locked = Format::new().set_border(FormatBorder::Thin);
    let input = Format::new()
        .set_unlocked()
        .set_background_color("#FFF8D6")
        .set_border(FormatBorder::Thin);
    let header_row = FIRST_ROW - 2;
    sheet.write_string_with_format(header_row, 0, "Mã", &head)?;
    sheet.write_string_with_format(header_row, 1, "Đơn vị", &head)?;
    sheet.set_column_width(1, 24)?;
    for (c, el) in elements.iter().enumerate() {
        let col = c as u16 + 2;
        sheet.write_string_with_format(header_row, col, &el.name, &head)?;
        sheet.write_string_with_format(header_row + 1, col, &el.code, &locked)?;
        sheet.set_column_width(col, 14)?;
    }
    sheet.set_row_height(header_row, 90)?;
    for (r, unit) in units.iter().enumerate() {
        let row = FIRST_ROW + r as u32;
        sheet.write_string_with_format(row, 0, &unit.code, &locked)?;
        sheet.write_string_with_format(row, 1, unit.display_name(), &locked)?;
        let current = values.get(&unit.code);
        for (c, el) in elements.iter().enumerate() {
            let col = c as u16 + 2;
            match current.and_then(|v| v.get(&el.code)) {
                Some(v) => write_value(sheet, row, col, el, Some(v), &input, &input)?,
                None => {
                    sheet.write_blank(row, col, &input)?;
                }
            }
        }
    }
    for (c, el) in elements.iter().enumerate() {
        let col = c as u16 + 2;
        let last = FIRST_ROW + units.len() as u32 - 1;
        if let Some(v) = validation_for(el, FIRST_ROW, col)? {
            sheet.add_data_validation(FIRST_ROW, col, last, col, &v)?;
        }
    }
    sheet.protect();
    sheet.set_paper_size(9);
    sheet.set_landscape();
    sheet.set_print_fit_to_pages(1, 0);
    sheet.set_freeze_panes(FIRST_ROW, 2)?;
    let m = wb.add_worksheet().set_name(META_SHEET)?;
    let units_list = units.iter().map(|u| u.code.as_str()).collect::<Vec<_>>().join(",");
    let elements_list = elements.iter().map(|e| e.code.as_str()).collect::<Vec<_>>().join(",");
    let rows = [
        ("layout", "xhht-district-1"),
        ("plan", plan.info.code.as_str()),
        ("area", area.code.as_str()),
        ("units", &units_list),
        ("elements", &elements_list),
    ];
    for (i, (k, v)) in rows.iter().enumerate() {
        m.write_string(i as u32, 0, *k)?;
        m.write_string(i as u32, 1, *v)?;
    }
    m.write_string(5, 0, "year")?;
    m.write_string(5, 1, year.to_string())?;
    m.set_hidden(true);
    m.protect();
    Ok(wb.save_to_buffer()?)
}
