//! Bounds on an uploaded spreadsheet, checked on the raw bytes before any
//! spreadsheet library reads them, so a hostile file costs a fixed budget of
//! memory and time: its size, how many parts the zip holds, how much they
//! unpack to (counted while unpacking, not trusted from the headers), the
//! sheets' declared dimensions and cell addresses, how many cells and shared
//! strings they declare, and no DTD at all (no entity expansion, no external
//! entity: an Excel file never has one).
//!
//! A template is about 10 KB and unpacks to about 50 KB; the limits are a
//! hundred times that, and far below what would hurt the server.

use std::io::{BufReader, Read};

use quick_xml::events::{BytesStart, Event};

/// The bounds; [`LIMITS`] holds the ones the import uses.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// The file as uploaded.
    pub file_bytes: usize,
    /// Parts in the zip.
    pub entries: usize,
    /// All parts unpacked, together.
    pub unpacked_bytes: u64,
    /// Rows and columns a cell address or a sheet's dimension may reach.
    pub rows: u32,
    pub cols: u32,
    /// Cells in the whole workbook.
    pub cells: usize,
    /// Shared strings declared by the workbook.
    pub shared_strings: u64,
    /// Characters of one cell the import keeps.
    pub cell_chars: usize,
}

pub const LIMITS: Limits = Limits {
    file_bytes: 4 << 20,
    entries: 256,
    unpacked_bytes: 16 << 20,
    rows: 10_000,
    cols: 52,
    cells: 100_000,
    shared_strings: 100_000,
    cell_chars: 1_000,
};

const AGAIN: &str = "Hãy tải mẫu mới từ trang báo cáo rồi nhập lại.";

/// Checks `bytes` against `limits`; `Err` is the Vietnamese reason.
pub fn check_package(bytes: &[u8], limits: &Limits) -> Result<(), String> {
    if bytes.len() > limits.file_bytes {
        return Err(format!(
            "Tệp quá lớn ({}); mẫu báo cáo chỉ vài chục KB, tối đa {}. {AGAIN}",
            size(bytes.len() as u64),
            size(limits.file_bytes as u64)
        ));
    }
    if !bytes.starts_with(b"PK\x03\x04") {
        return Err(not_xlsx());
    }
    check_directory(bytes, limits)?;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|_| not_xlsx())?;
    if zip.len() > limits.entries {
        return Err(too_many_parts(zip.len(), limits));
    }
    let (mut left, mut cells) = (limits.unpacked_bytes, 0);
    for i in 0..zip.len() {
        let entry = zip.by_index(i).map_err(|_| damaged())?;
        let name = entry.name().unwrap_or_default().to_ascii_lowercase();
        if entry.size() > left {
            return Err(bomb(limits));
        }
        let xml = [".xml", ".rels", ".vml"].iter().any(|ext| name.ends_with(ext));
        let mut reader = Counted {
            inner: entry,
            budget: &mut left,
            nul: false,
        };
        if xml {
            scan_xml(&mut reader, limits, &mut cells)?;
        } else {
            std::io::copy(&mut reader, &mut std::io::sink()).map_err(|e| read_error(&e, limits))?;
        }
    }
    Ok(())
}

/// Refuses before the zip library reads its central directory: every end
/// record near the end of the file (the library tries each) must list few
/// parts, and none may point to a ZIP64 directory (no template needs one).
fn check_directory(bytes: &[u8], limits: &Limits) -> Result<(), String> {
    let tail = &bytes[bytes.len().saturating_sub(22 + 65_535)..];
    if find(tail, b"PK\x06\x06").is_some() || find(tail, b"PK\x06\x07").is_some() {
        return Err(format!(
            "Tệp dùng định dạng nén ZIP64, mẫu báo cáo không bao giờ cần. {AGAIN}"
        ));
    }
    let mut found = false;
    let mut from = 0;
    while let Some(at) = find(&tail[from..], b"PK\x05\x06") {
        let record = &tail[from + at..];
        if let Some(total) = record.get(10..12) {
            found = true;
            let total = usize::from(u16::from_le_bytes([total[0], total[1]]));
            if total > limits.entries {
                return Err(too_many_parts(total, limits));
            }
        }
        from += at + 4;
    }
    if found { Ok(()) } else { Err(not_xlsx()) }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Reads one part, charging every unpacked byte to the shared budget and
/// noting NUL bytes (UTF-16 text, which would hide markup from the scan).
struct Counted<'a, R> {
    inner: R,
    budget: &'a mut u64,
    nul: bool,
}

/// The marker of a spent budget inside an `io::Error`.
#[derive(Debug)]
struct OverBudget;

impl std::fmt::Display for OverBudget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("unpacked size over budget")
    }
}

impl std::error::Error for OverBudget {}

impl<R: Read> Read for Counted<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n as u64 > *self.budget {
            return Err(std::io::Error::other(OverBudget));
        }
        *self.budget -= n as u64;
        self.nul |= buf[..n].contains(&0);
        Ok(n)
    }
}

fn read_error(e: &std::io::Error, limits: &Limits) -> String {
    if e.get_ref().is_some_and(|inner| inner.is::<OverBudget>()) {
        bomb(limits)
    } else {
        damaged()
    }
}

/// Pull-parses one XML part with the budget: no DTD, only UTF-8, and every
/// cell address, row number, sheet dimension and shared-string count within
/// the limits.
fn scan_xml<R: Read>(reader: &mut Counted<'_, R>, limits: &Limits, cells: &mut usize) -> Result<(), String> {
    let mut xml = quick_xml::Reader::from_reader(BufReader::new(&mut *reader));
    // As lenient as calamine about well-formedness (legacy VML is not always
    // well-formed); strict only about what costs memory or reads outside.
    let config = xml.config_mut();
    config.check_end_names = false;
    config.check_comments = false;
    let mut buf = Vec::new();
    loop {
        buf.clear();
        let event = match xml.read_event_into(&mut buf) {
            Ok(e) => e,
            Err(quick_xml::Error::Io(e)) => return Err(read_error(&e, limits)),
            Err(_) => return Err(damaged()),
        };
        match event {
            Event::Eof => break,
            Event::DocType(_) => {
                return Err(format!(
                    "Tệp có khai báo DOCTYPE/ENTITY trong XML — tệp Excel thật không bao giờ có, nên tệp bị từ chối. {AGAIN}"
                ));
            }
            Event::Decl(d) => {
                let utf8 = d
                    .encoding()
                    .is_none_or(|e| e.is_ok_and(|e| e.eq_ignore_ascii_case("utf-8")));
                if !utf8 {
                    return Err(format!("Tệp có phần XML không viết bằng UTF-8. {AGAIN}"));
                }
            }
            Event::Start(e) | Event::Empty(e) => element(&e, limits, cells)?,
            _ => {}
        }
    }
    drop(xml);
    if reader.nul {
        return Err(format!("Tệp có phần XML không viết bằng UTF-8 (có byte NUL). {AGAIN}"));
    }
    Ok(())
}

fn element(e: &BytesStart<'_>, limits: &Limits, cells: &mut usize) -> Result<(), String> {
    let attr = |name: &str| -> Option<String> {
        e.attributes()
            .flatten()
            .find(|a| a.key.local_name().as_ref() == name)
            .map(|a| a.value.to_string())
    };
    match e.local_name().as_ref() {
        "c" => {
            *cells += 1;
            if *cells > limits.cells {
                return Err(format!(
                    "Tệp có quá nhiều ô (trên {}); mẫu báo cáo chỉ có vài trăm ô. {AGAIN}",
                    limits.cells
                ));
            }
            if let Some(r) = attr("r") {
                in_bounds(&r, limits)?;
            }
        }
        "row" => {
            if let Some(r) = attr("r") {
                let row: u64 = r.trim().parse().map_err(|_| damaged())?;
                if row == 0 || row > u64::from(limits.rows) {
                    return Err(outside(&format!("dòng {r}"), limits));
                }
            }
        }
        "dimension" => {
            if let Some(r) = attr("ref") {
                for corner in r.split(':') {
                    in_bounds(corner, limits).map_err(|_| {
                        format!(
                            "Tệp khai báo vùng ô {r}, vượt quá vùng của mẫu báo cáo (tối đa tới ô {}). {AGAIN}",
                            crate::cell_name(limits.rows - 1, (limits.cols - 1) as u16)
                        )
                    })?;
                }
            }
        }
        "sst" => {
            for key in ["count", "uniqueCount"] {
                let n: u64 = attr(key).map_or(Ok(0), |v| v.trim().parse()).map_err(|_| damaged())?;
                if n > limits.shared_strings {
                    return Err(format!(
                        "Tệp khai báo {n} chuỗi chữ, quá giới hạn {} của mẫu báo cáo. {AGAIN}",
                        limits.shared_strings
                    ));
                }
            }
        }
        _ => {}
    }
    Ok(())
}

/// Checks an address like `E7` or `$E$7` against the limits.
pub fn in_bounds(address: &str, limits: &Limits) -> Result<(u32, u32), String> {
    let (row, col) = parse_address(address).ok_or_else(damaged)?;
    if row >= limits.rows || col >= limits.cols {
        return Err(outside(&format!("ô {}", address.trim()), limits));
    }
    Ok((row, col))
}

/// `E7` → (6, 4), 0-based; `None` if it is not an address.
pub fn parse_address(address: &str) -> Option<(u32, u32)> {
    let a = address.trim().replace('$', "");
    let split = a.find(|c: char| !c.is_ascii_alphabetic())?;
    let (letters, digits) = a.split_at(split);
    if letters.is_empty() || letters.len() > 3 || digits.is_empty() || digits.len() > 7 {
        return None;
    }
    let col = letters.bytes().try_fold(0u32, |acc, b| {
        Some(acc * 26 + u32::from(b.to_ascii_uppercase() - b'A') + 1)
    })?;
    let row: u32 = digits.parse().ok()?;
    (row >= 1).then(|| (row - 1, col - 1))
}

fn outside(what: &str, limits: &Limits) -> String {
    format!(
        "Tệp có {what} nằm ngoài vùng của mẫu báo cáo (tối đa tới ô {}). {AGAIN}",
        crate::cell_name(limits.rows - 1, (limits.cols - 1) as u16)
    )
}

fn size(bytes: u64) -> String {
    if bytes >= 1 << 20 {
        format!("{} MB", xhht_domain::text::number(bytes as f64 / f64::from(1 << 20), 1))
    } else {
        format!("{} KB", xhht_domain::text::number(bytes.div_ceil(1024) as f64, 0))
    }
}

fn bomb(limits: &Limits) -> String {
    format!(
        "Tệp giải nén ra quá lớn (trên {}), không phải mẫu báo cáo của XHHT. {AGAIN}",
        size(limits.unpacked_bytes)
    )
}

fn too_many_parts(n: usize, limits: &Limits) -> String {
    format!(
        "Tệp có {n} thành phần nén, quá giới hạn {} của mẫu báo cáo. {AGAIN}",
        limits.entries
    )
}

fn not_xlsx() -> String {
    "Tệp không phải là tệp Excel (.xlsx) đọc được.".into()
}

fn damaged() -> String {
    format!("Tệp Excel bị hỏng hoặc không đúng định dạng .xlsx. {AGAIN}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses() {
        assert_eq!(parse_address("A1"), Some((0, 0)));
        assert_eq!(parse_address("$E$7"), Some((6, 4)));
        assert_eq!(parse_address("XFD1048576"), Some((1_048_575, 16_383)));
        assert_eq!(parse_address("A0"), None);
        assert_eq!(parse_address("AAAA1"), None);
        assert_eq!(parse_address("A99999999"), None);
        assert_eq!(parse_address("1A"), None);
        assert_eq!(parse_address(""), None);
        assert!(in_bounds("ZZ100000", &LIMITS).is_err());
        assert!(in_bounds("F20", &LIMITS).is_ok());
    }
}
