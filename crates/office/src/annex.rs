//! The report's annex as an Excel workbook: one row per unit, one column per
//! indicator, numbers as numbers with their formats (so they can be summed
//! and charted in Excel), statuses as text.

use rust_xlsxwriter::{Format, FormatBorder, Workbook, XlsxError};

/// One cell of the annex.
#[derive(Debug, Clone, PartialEq)]
pub struct AnnexCell {
    /// The number (a percentage as 99.5), if the indicator has one.
    pub value: Option<f64>,
    /// The value as text (statuses, and "—" for no data).
    pub shown: String,
    pub percent: bool,
}

pub struct AnnexTable {
    pub title: String,
    /// Column titles after the unit's name, with each indicator's full name as a note.
    pub columns: Vec<(String, String)>,
    pub rows: Vec<(String, Vec<AnnexCell>)>,
}

pub fn workbook(t: &AnnexTable) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let sheet = wb.add_worksheet().set_name("Phu luc")?;
    let bold = Format::new().set_bold().set_font_size(13);
    let head = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_background_color("#DCE6F1")
        .set_border(FormatBorder::Thin);
    let pct = Format::new().set_num_format("0.0%").set_border(FormatBorder::Thin);
    let num = Format::new().set_num_format("#,##0.0").set_border(FormatBorder::Thin);
    let txt = Format::new().set_border(FormatBorder::Thin);
    sheet.write_string_with_format(0, 0, &t.title, &bold)?;
    sheet.write_string_with_format(2, 0, "Đơn vị", &head)?;
    sheet.set_column_width(0, 28)?;
    for (c, (short, full)) in t.columns.iter().enumerate() {
        let col = c as u16 + 1;
        sheet.write_string_with_format(2, col, short, &head)?;
        sheet.set_column_width(col, 11)?;
        // The full name of the indicator under the table, so the short heads stay readable.
        sheet.write_string(4 + t.rows.len() as u32 + c as u32, 0, format!("{short}: {full}"))?;
    }
    for (r, (unit, cells)) in t.rows.iter().enumerate() {
        let row = 3 + r as u32;
        sheet.write_string_with_format(row, 0, unit, &txt)?;
        for (c, cell) in cells.iter().enumerate() {
            let col = c as u16 + 1;
            match cell.value {
                Some(v) if cell.percent => sheet.write_number_with_format(row, col, v / 100.0, &pct)?,
                Some(v) => sheet.write_number_with_format(row, col, v, &num)?,
                None => sheet.write_string_with_format(row, col, &cell.shown, &txt)?,
            };
        }
    }
    sheet.set_freeze_panes(3, 1)?;
    sheet.set_paper_size(9);
    sheet.set_landscape();
    sheet.set_print_fit_to_pages(1, 0);
    wb.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_stay_numbers() {
        let t = AnnexTable {
            title: "Phụ lục".into(),
            columns: vec![
                ("CT 2".into(), "Tỷ lệ biết chữ".into()),
                ("CT 1".into(), "Duy trì chuẩn".into()),
            ],
            rows: vec![(
                "Phúc Xá".into(),
                vec![
                    AnnexCell {
                        value: Some(99.5),
                        shown: "99,5%".into(),
                        percent: true,
                    },
                    AnnexCell {
                        value: None,
                        shown: "Duy trì".into(),
                        percent: false,
                    },
                ],
            )],
        };
        let bytes = workbook(&t).unwrap();
        use calamine::{Data, Reader, open_workbook_auto_from_rs};
        let mut wb = open_workbook_auto_from_rs(std::io::Cursor::new(bytes)).unwrap();
        let r = wb.worksheet_range("Phu luc").unwrap();
        assert_eq!(r.get_value((3, 1)), Some(&Data::Float(0.995)));
        assert_eq!(r.get_value((3, 2)), Some(&Data::String("Duy trì".into())));
    }
}
