//! The yearly Excel template of one unit.

use rust_xlsxwriter::{
    DataValidation, DataValidationRule, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError,
};
use xhht_domain::plan::{DataElement, OrgUnit, Plan, ValueType};
use xhht_domain::values::{DataValue, UnitValues};

use crate::*;

/// Builds the template of `unit` for `year`: its figures in the plan's
/// order, last year's approved values, and this year's current values (so a
/// half-filled report can go to Excel and back).
pub fn unit_template(
    plan: &Plan,
    unit: &OrgUnit,
    year: i32,
    prev: &UnitValues,
    current: &UnitValues,
) -> Result<Vec<u8>, XlsxError> {
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
        validate_cell(sheet, row, el)?;
    }
    sheet.protect();
    sheet.set_paper_size(9); // A4
    sheet.set_landscape();
    sheet.set_print_fit_to_pages(1, 0);
    sheet.set_repeat_rows(FIRST_ROW - 1, FIRST_ROW - 1)?;
    meta(&mut wb, plan, unit, year, &elements)?;
    wb.save_to_buffer()
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
    sheet.write_string(
        3,
        0,
        "Chỉ nhập vào các ô màu vàng. Số viết kiểu Việt Nam (12.345) hoặc không dấu chấm đều được.",
    )?;
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

/// Excel's own check while typing; the import checks again regardless.
fn validate_cell(sheet: &mut Worksheet, row: u32, el: &DataElement) -> Result<(), XlsxError> {
    let v = match el.value_type {
        ValueType::Count => DataValidation::new()
            .allow_whole_number(DataValidationRule::GreaterThanOrEqualTo(0))
            .set_error_message("Nhập số nguyên không âm.")?,
        ValueType::Percentage => DataValidation::new()
            .allow_decimal_number(DataValidationRule::Between(0.0, 100.0))
            .set_error_message("Nhập tỷ lệ từ 0 đến 100.")?,
        ValueType::YesNo => DataValidation::new().allow_list_strings(&[YES, NO])?,
        ValueType::Status => {
            let names: Vec<&str> = el.options.iter().map(|o| o.name.as_str()).collect();
            DataValidation::new().allow_list_strings(&names)?
        }
        ValueType::Text => return Ok(()),
    };
    sheet.add_data_validation(row, COL_INPUT, row, COL_INPUT, &v)?;
    Ok(())
}

/// The hidden sheet: what this workbook is, and the codes it lists in order
/// (import compares them with the visible sheet to detect alterations).
fn meta(wb: &mut Workbook, plan: &Plan, unit: &OrgUnit, year: i32, elements: &[&DataElement]) -> Result<(), XlsxError> {
    let m = wb.add_worksheet().set_name(META_SHEET)?;
    let rows = [
        ("layout", LAYOUT.to_string()),
        ("plan", plan.info.code.clone()),
        ("unit", unit.code.clone()),
        ("year", year.to_string()),
    ];
    for (i, (k, v)) in rows.iter().enumerate() {
        m.write_string(i as u32, 0, *k)?;
        m.write_string(i as u32, 1, v)?;
    }
    m.write_string(4, 0, "elements")?;
    m.write_string(
        4,
        1,
        elements.iter().map(|e| e.code.as_str()).collect::<Vec<_>>().join(","),
    )?;
    m.set_hidden(true);
    m.protect();
    Ok(())
}
