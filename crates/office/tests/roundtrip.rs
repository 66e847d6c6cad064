//! Templates out and in. Filling is done by editing the workbook's XML
//! directly — as another program would — not with the library that wrote it.

use xhht_domain::plan::builtin;
use xhht_domain::values::{DataValue, UnitValues};
use xhht_office::import::{Draft, ImportError, check, read, verify};
use xhht_office::template::unit_template;
use xhht_office::test_support::{edit, entries, fill, put_formula, rezip};

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
    let (a, b) = (cell("pop_15_60"), cell("literate_15_60"));
    let got = read(&plan, &fill(&blank, &[(&a, "100"), (&b, "200")])).unwrap();
    let problems = check(&plan, &got, None);
    assert_eq!(problems.len(), 1, "{problems:?}");
    // Either figure may be the wrong one: both cells are named, top first.
    assert_eq!(problems[0].cell, format!("{a}, {b}"), "{problems:?}");
}

#[test]
fn every_bad_cell_is_listed_at_its_own_address() {
    // Before: two unreadable cells stopped the import, so the negative count
    // and the 1e20 were not listed (4 bad, 2 reported).
    let plan = builtin();
    let unit = plan.unit("00001").unwrap();
    let blank = unit_template(&plan, unit, 2026, &UnitValues::new(), &UnitValues::new()).unwrap();
    let cell = |code: &str| format!("E{}", row_of(&blank, code));
    let bad = [
        (cell("pop_15_60"), "chín nghìn"),
        (cell("pop_15_plus"), "-3"),
        (cell("literate_15_60"), "100000000000000000000"),
        (cell("preschool_universal"), "Có lẽ"),
        (cell("graduates_keep_learning"), "1.2.3"),
    ];
    let cells: Vec<(&str, &str)> = bad.iter().map(|(c, v)| (c.as_str(), *v)).collect();
    let Err(ImportError::Cells(problems)) = read(&plan, &fill(&blank, &cells)) else {
        panic!("bad cells accepted")
    };
    let mut listed: Vec<(&str, &str)> = problems.iter().map(|p| (p.cell.as_str(), p.message.as_str())).collect();
    listed.sort_unstable();
    let mut want: Vec<&str> = bad.iter().map(|(c, _)| c.as_str()).collect();
    want.sort_unstable();
    assert_eq!(listed.iter().map(|(c, _)| *c).collect::<Vec<_>>(), want, "{problems:?}");
    let at = |c: &str| listed.iter().find(|(x, _)| *x == c).unwrap().1;
    assert!(at(&cell("pop_15_plus")).contains("âm"), "{problems:?}");
    // Typed as a number, 1e20 is over the bound of a count.
    assert!(at(&cell("literate_15_60")).contains("tối đa"), "{problems:?}");
    assert!(
        at(&cell("graduates_keep_learning")).contains("3 chữ số"),
        "{problems:?}"
    );
}

#[test]
fn a_count_of_1e20_typed_as_a_number_is_refused() {
    let plan = builtin();
    let unit = plan.unit("00001").unwrap();
    let blank = unit_template(&plan, unit, 2026, &UnitValues::new(), &UnitValues::new()).unwrap();
    let at = format!("E{}", row_of(&blank, "pop_15_60"));
    let file = put_formula(&blank, &at, "1E+20", Some("1E+20"));
    let Err(ImportError::Cells(problems)) = read(&plan, &file) else {
        panic!("1e20 accepted in a count")
    };
    assert_eq!(problems[0].cell, at);
    assert!(problems[0].message.contains("tối đa"), "{problems:?}");
}

#[test]
fn a_formula_without_a_saved_result_is_refused_naming_its_cell() {
    let plan = builtin();
    let unit = plan.unit("00001").unwrap();
    let blank = unit_template(&plan, unit, 2026, &UnitValues::new(), &UnitValues::new()).unwrap();
    let count = format!("E{}", row_of(&blank, "pop_15_60"));
    let status = format!("E{}", row_of(&blank, "literacy_level"));
    let file = put_formula(&blank, &count, "1+1", None);
    let file = put_formula(&file, &status, "HYPERLINK(\"http://x\",\"a\")", None);
    let Err(ImportError::Cells(problems)) = read(&plan, &file) else {
        panic!("formulas without results were read as empty")
    };
    let cells: Vec<&str> = problems.iter().map(|p| p.cell.as_str()).collect();
    assert_eq!(cells, [count.as_str(), status.as_str()]);
    assert!(problems[0].message.contains("công thức"), "{problems:?}");
    // With its saved result, a formula is read as that result.
    let got = read(&plan, &put_formula(&blank, &count, "1+1", Some("2"))).unwrap();
    assert_eq!(got.unit_values().get("pop_15_60"), Some(&DataValue::Number(2.0)));
}

#[test]
fn a_blank_cell_keeps_the_value_and_the_clear_word_clears_it() {
    let plan = builtin();
    let unit = plan.unit("00001").unwrap();
    let mut current = UnitValues::new();
    current.insert("pop_15_60".into(), DataValue::Number(9000.0));
    current.insert("pop_15_plus".into(), DataValue::Number(12000.0));
    current.insert("preschool_universal".into(), DataValue::Bool(true));
    let xlsx = unit_template(&plan, unit, 2026, &UnitValues::new(), &current).unwrap();
    let cell = |code: &str| format!("E{}", row_of(&xlsx, code));
    let (a, b, c) = (cell("pop_15_60"), cell("pop_15_plus"), cell("preschool_universal"));
    // Emptied by hand (a blank inline string), cleared with “xóa”, and “-”.
    let file = fill(&xlsx, &[(&a, " "), (&b, "XÓA"), (&c, "-")]);
    let got = read(&plan, &file).unwrap();
    assert_eq!(
        got.values,
        vec![
            ("pop_15_plus".to_string(), None),
            ("preschool_universal".to_string(), None)
        ]
    );
    let after = got.applied_to(&current);
    assert_eq!(
        after,
        UnitValues::from([("pop_15_60".to_string(), DataValue::Number(9000.0))])
    );
    // A truly empty cell (no value at all) also keeps the value.
    let emptied = edit(&xlsx, "xl/worksheets/sheet1.xml", |x| {
        let start = x.find(&format!("<c r=\"{a}\"")).unwrap();
        let end = start + x[start..].find("</c>").unwrap() + 4;
        let mut out = x.to_string();
        out.replace_range(start..end, &format!("<c r=\"{a}\"/>"));
        out
    });
    let got = read(&plan, &emptied).unwrap();
    assert!(
        got.values.iter().all(|(code, _)| code != "pop_15_60"),
        "{:?}",
        got.values
    );
}

#[test]
fn an_older_template_is_refused_and_a_current_one_accepted() {
    let plan = builtin();
    let unit = plan.unit("00001").unwrap();
    let mut current = UnitValues::new();
    current.insert("pop_15_60".into(), DataValue::Number(9000.0));
    let xlsx = unit_template(&plan, unit, 2026, &UnitValues::new(), &current).unwrap();
    let at = format!("E{}", row_of(&xlsx, "pop_15_plus"));
    let got = read(&plan, &fill(&xlsx, &[(&at, "12000")])).unwrap();
    let draft = |current| Draft {
        unit: "00001",
        year: 2026,
        current,
        prev: None,
    };
    assert_eq!(verify(&plan, &got, &draft(&current)), Ok(()));
    // Someone changed the draft on the web after the template was made.
    let mut newer = current.clone();
    newer.insert("pop_15_60".into(), DataValue::Number(9100.0));
    let Err(ImportError::Refused(why)) = verify(&plan, &got, &draft(&newer)) else {
        panic!("an older template overwrote newer values")
    };
    assert!(why.contains("cũ hơn bản nháp"), "{why}");
    // Another unit's or year's report.
    let other = Draft {
        unit: "00004",
        ..draft(&current)
    };
    let Err(ImportError::Refused(why)) = verify(&plan, &got, &other) else {
        panic!("another unit's file accepted")
    };
    assert!(why.contains("“00001”"), "{why}");
}

#[test]
fn rules_are_checked_on_the_draft_as_it_would_be() {
    let plan = builtin();
    let unit = plan.unit("00001").unwrap();
    let mut current = UnitValues::new();
    current.insert("pop_15_60".into(), DataValue::Number(100.0));
    let xlsx = unit_template(&plan, unit, 2026, &UnitValues::new(), &current).unwrap();
    let (a, b) = (
        format!("E{}", row_of(&xlsx, "pop_15_60")),
        format!("E{}", row_of(&xlsx, "literate_15_60")),
    );
    // The file leaves the population as it is and sets more literate people.
    let got = read(&plan, &fill(&xlsx, &[(&b, "200")])).unwrap();
    let draft = Draft {
        unit: "00001",
        year: 2026,
        current: &current,
        prev: None,
    };
    let Err(ImportError::Cells(problems)) = verify(&plan, &got, &draft) else {
        panic!("a rule broken with the draft's other value passed")
    };
    assert_eq!(problems[0].cell, format!("{a}, {b}"));
}

#[test]
fn years_outside_the_plan_are_refused_for_templates_and_imports() {
    let plan = builtin();
    let unit = plan.unit("00001").unwrap();
    for year in [0, 1999, 2031, 3000] {
        let e = unit_template(&plan, unit, year, &UnitValues::new(), &UnitValues::new()).unwrap_err();
        assert!(e.to_string().contains("ngoài thời gian"), "{e}");
    }
    let blank = unit_template(&plan, unit, 2026, &UnitValues::new(), &UnitValues::new()).unwrap();
    for year in ["0", "1999", "2031", "3000"] {
        let file = edit(&blank, "xl/sharedStrings.xml", |x| {
            x.replacen(">2026<", &format!(">{year}<"), 1)
        });
        let Err(ImportError::Refused(why)) = read(&plan, &file) else {
            panic!("year {year} accepted")
        };
        assert!(why.contains("ngoài thời gian"), "{year}: {why}");
    }
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
