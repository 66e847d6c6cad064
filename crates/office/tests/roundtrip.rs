//! Templates out and in. Filling is done by editing the workbook's XML
//! directly — as another program would — not with the library that wrote it.

use xhht_domain::plan::builtin;
use xhht_domain::values::{DataValue, UnitValues};
use xhht_office::import::{ImportError, check, read};
use xhht_office::template::unit_template;
use xhht_office::test_support::{entries, fill, rezip};

fn row_of(xlsx: &[u8], code: &str) -> u32 {
    // Codes are in column A from row 7 in the plan's order of the unit's elements.
    let plan = builtin();
    let unit = plan.unit("00001").unwrap();
    let i = plan
        .elements_for(unit)
        .filter(|e| e.value_type != xhht_domain::plan::ValueType::Text)
        .position(|e| e.code == code)
        .unwrap();
    let _ = xlsx;
    7 + i as u32
}

#[test]
fn a_template_reads_back_what_it_holds() {
    let plan = builtin();
    let unit = plan.unit("00001").unwrap();
    let mut current = UnitValues::new();
    current.insert("pop_15_60".into(), DataValue::Number(9000.0));
    current.insert("literacy_level".into(), DataValue::Status("level_2".into()));
    current.insert("preschool_universal".into(), DataValue::Bool(true));
    let xlsx = unit_template(&plan, unit, 2026, &UnitValues::new(), &current).unwrap();
    let got = read(&plan, &xlsx).unwrap();
    assert_eq!((got.unit.as_str(), got.year), ("00001", 2026));
    assert_eq!(got.unit_values(), current);
    // No formulas anywhere: text is written as text.
    let sheet = entries(&xlsx)
        .into_iter()
        .find(|(n, _)| n == "xl/worksheets/sheet1.xml")
        .unwrap()
        .1;
    let xml = String::from_utf8(sheet).unwrap();
    assert!(!xml.contains("<f>"));
    assert!(xml.contains("<sheetProtection"), "the sheet is protected");
    assert!(xml.contains("<dataValidation"), "cells carry Excel's own checks");
}

#[test]
fn a_filled_template_fills_the_form_and_three_bad_cells_are_listed_exactly() {
    let plan = builtin();
    let unit = plan.unit("00001").unwrap();
    let blank = unit_template(&plan, unit, 2026, &UnitValues::new(), &UnitValues::new()).unwrap();
    let cell = |code: &str| format!("E{}", row_of(&blank, code));
    let good = [
        (cell("pop_15_plus"), "12000"),
        (cell("pop_15_60"), "9.000"),
        (cell("literate_15_60"), "8990"),
        (cell("literacy_level"), "Đạt chuẩn mức độ 2"),
        (cell("preschool_universal"), "Có"),
    ];
    let cells: Vec<(&str, &str)> = good.iter().map(|(c, v)| (c.as_str(), *v)).collect();
    let filled = fill(&blank, &cells);
    let got = read(&plan, &filled).unwrap();
    let v = got.unit_values();
    assert_eq!(
        v.get("pop_15_60"),
        Some(&DataValue::Number(9000.0)),
        "Vietnamese thousands typed as text"
    );
    assert_eq!(v.get("literacy_level"), Some(&DataValue::Status("level_2".into())));
    assert_eq!(v.get("preschool_universal"), Some(&DataValue::Bool(true)));
    assert!(check(&plan, &got, None).is_empty());

    let bad = [
        (cell("pop_15_60"), "chín nghìn"),
        (cell("literacy_level"), "Xuất sắc"),
        (cell("preschool_universal"), "Có lẽ"),
    ];
    let mut cells: Vec<(&str, &str)> = good
        .iter()
        .map(|(c, v)| (c.as_str(), *v))
        .filter(|(c, _)| !bad.iter().any(|(b, _)| b == c))
        .collect();
    cells.extend(bad.iter().map(|(c, v)| (c.as_str(), *v)));
    let Err(ImportError::Cells(problems)) = read(&plan, &fill(&blank, &cells)) else {
        panic!("three bad cells must be refused")
    };
    let mut listed: Vec<&str> = problems.iter().map(|p| p.cell.as_str()).collect();
    listed.sort_unstable();
    let mut want: Vec<&str> = bad.iter().map(|(c, _)| c.as_str()).collect();
    want.sort_unstable();
    assert_eq!(listed, want);
    assert!(problems.iter().all(|p| p.sheet == "Bao cao" && !p.message.is_empty()));
}

#[test]
fn rule_errors_point_at_their_cells() {
    let plan = builtin();
    let unit = plan.unit("00001").unwrap();
    let blank = unit_template(&plan, unit, 2026, &UnitValues::new(), &UnitValues::new()).unwrap();
    let cell = |code: &str| format!("E{}", row_of(&blank, code));
    let (a, b, c) = (cell("pop_15_60"), cell("literate_15_60"), cell("pop_15_plus"));
    let got = read(&plan, &fill(&blank, &[(&a, "100"), (&b, "200"), (&c, "-3")])).unwrap();
    let problems = check(&plan, &got, None);
    let cells: Vec<&str> = problems.iter().map(|p| p.cell.as_str()).collect();
    assert!(
        cells.contains(&b.as_str()),
        "literate > people points at the literate cell: {problems:?}"
    );
    assert!(cells.contains(&c.as_str()), "a negative count: {problems:?}");
}

#[test]
fn foreign_or_altered_files_are_refused_with_a_reason() {
    let plan = builtin();
    let unit = plan.unit("00001").unwrap();
    let blank = unit_template(&plan, unit, 2026, &UnitValues::new(), &UnitValues::new()).unwrap();
    let Err(ImportError::Refused(why)) = read(&plan, b"not a spreadsheet") else {
        panic!()
    };
    assert!(why.contains("Excel"));
    // Someone typed over a locked code.
    let Err(ImportError::Refused(why)) = read(&plan, &fill(&blank, &[("A7", "khac")])) else {
        panic!("altered locked part accepted")
    };
    assert!(why.contains("bị sửa") && why.contains("A7"), "{why}");
    // A workbook without our hidden sheet.
    let mut files = entries(&blank);
    for (name, data) in files.iter_mut() {
        if name == "xl/workbook.xml" {
            *data = String::from_utf8(data.clone())
                .unwrap()
                .replace("name=\"xhht\"", "name=\"khac\"")
                .into_bytes();
        }
    }
    let Err(ImportError::Refused(why)) = read(&plan, &rezip(&files)) else {
        panic!()
    };
    assert!(why.contains("không phải mẫu"), "{why}");
}

#[test]
fn the_district_template_has_a_row_per_ward() {
    use calamine::{Data, Reader, open_workbook_auto_from_rs};
    let plan = builtin();
    let area = plan.area();
    let wards: Vec<_> = plan
        .org_units
        .iter()
        .filter(|u| u.unit_type == xhht_domain::plan::UnitType::Ward)
        .collect();
    let mut values = std::collections::HashMap::new();
    values.insert(
        "00001".to_string(),
        UnitValues::from([("pop_15_60".to_string(), DataValue::Number(9000.0))]),
    );
    let xlsx = xhht_office::template::district_template(&plan, area, 2026, &wards, &values).unwrap();
    let mut wb = open_workbook_auto_from_rs(std::io::Cursor::new(xlsx)).unwrap();
    let sheet = wb.worksheet_range("Bao cao").unwrap();
    let codes: Vec<String> = (6..6 + wards.len() as u32)
        .map(|r| sheet.get_value((r, 0)).map(|d| d.to_string()).unwrap_or_default())
        .collect();
    assert_eq!(codes.len(), 14);
    assert_eq!(codes[0], "00001");
    let col = (0..40u32)
        .find(|c| sheet.get_value((5, *c)) == Some(&Data::String("pop_15_60".into())))
        .expect("a column per figure");
    assert_eq!(sheet.get_value((6, col)), Some(&Data::Float(9000.0)));
}
