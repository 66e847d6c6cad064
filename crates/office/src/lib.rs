//! Office formats, no I/O of their own: bytes in, bytes out.
//!
//! - [`template`]: a unit's yearly Excel template (its figures with codes,
//!   units and last year's approved values; input cells unlocked, everything
//!   else protected; data validation by value type; ready for A4).
//! - [`import`]: reads a filled template back, refusing files that are not
//!   ours, are for another unit or year, or were altered in their locked parts,
//!   and listing every bad cell with its address and a Vietnamese message.
//! - [`report`]: the report as a Word document (Decree 30/2020 layout), and
//!   the draft of its sections from the data.
//! - [`annex`]: the report's annex as a workbook.
//! - [`clean`]: user text made safe for XML before it reaches a document.
//! - [`limits`]: the bounds an uploaded file is checked against before any
//!   spreadsheet library reads it (size, zip bombs, DTDs, dimensions, cells).

pub mod annex;
pub mod clean;
pub mod import;
pub mod limits;
pub mod report;
pub mod template;
pub mod test_support;

/// The sheet people fill in.
pub const SHEET: &str = "Bao cao";
/// The hidden sheet that says what the workbook is for.
pub const META_SHEET: &str = "xhht";
/// Version of the template layout; import refuses other versions.
/// Version 2 records the draft's revision; version-1 templates are refused.
pub const LAYOUT: &str = "xhht-template-2";
/// First row of figures (0-based), after the title block and the header.
pub const FIRST_ROW: u32 = 6;
/// Columns: code, name, unit of measure, last year, this year (input), help.
pub const COL_CODE: u16 = 0;
pub const COL_NAME: u16 = 1;
pub const COL_UNIT: u16 = 2;
pub const COL_PREV: u16 = 3;
pub const COL_INPUT: u16 = 4;
pub const COL_HELP: u16 = 5;

/// "E7" for row 6, column 4 (0-based), as Excel shows it.
pub fn cell_name(row: u32, col: u16) -> String {
    let mut letters = String::new();
    let mut c = u32::from(col) + 1;
    while c > 0 {
        let rem = (c - 1) % 26;
        letters.insert(0, char::from(b'A' + rem as u8));
        c = (c - 1) / 26;
    }
    format!("{letters}{}", row + 1)
}

/// Yes/no as people write it in the sheet.
pub const YES: &str = "Có";
pub const NO: &str = "Không";

#[cfg(test)]
mod tests {
    #[test]
    fn cell_names() {
        assert_eq!(super::cell_name(0, 0), "A1");
        assert_eq!(super::cell_name(6, 4), "E7");
        assert_eq!(super::cell_name(9, 27), "AB10");
    }
}
