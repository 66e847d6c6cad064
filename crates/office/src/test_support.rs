//! Helpers for tests here and in other crates: edit a workbook the way
//! another program would, by rewriting its XML, not with our own writer.

use std::io::{Read, Write};

pub fn entries(xlsx: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(xlsx)).unwrap();
    (0..zip.len())
        .map(|i| {
            let mut f = zip.by_index(i).unwrap();
            let mut buf = Vec::new();
            f.read_to_end(&mut buf).unwrap();
            (f.name().expect("entry name").to_string(), buf)
        })
        .collect()
}

pub fn rezip(files: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, data) in files {
        out.start_file(name.as_str(), zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(data).unwrap();
    }
    out.finish().unwrap().into_inner()
}

/// Puts values into cells of the first sheet: numbers as numbers, anything
/// else as an inline string (what a user typing text produces).
pub fn fill(xlsx: &[u8], cells: &[(&str, &str)]) -> Vec<u8> {
    let mut files = entries(xlsx);
    let (_, sheet) = files.iter_mut().find(|(n, _)| n == "xl/worksheets/sheet1.xml").unwrap();
    let mut xml = String::from_utf8(sheet.clone()).unwrap();
    for (cell, value) in cells {
        let start = xml
            .find(&format!("<c r=\"{cell}\""))
            .unwrap_or_else(|| panic!("no cell {cell}"));
        let tag_end = start + xml[start..].find('>').expect("a closed tag");
        let self_closing = xml.as_bytes()[tag_end - 1] == b'/';
        let end = if self_closing {
            tag_end + 1
        } else {
            tag_end + xml[tag_end..].find("</c>").expect("a cell end") + 4
        };
        let open_tag = xml[start..if self_closing { tag_end - 1 } else { tag_end }].to_string();
        // Drop the old type (shared string, number): the new value sets its own.
        let open = open_tag
            .split(" t=\"")
            .next()
            .unwrap_or(&open_tag)
            .trim_end()
            .to_string();
        let new = if value.parse::<f64>().is_ok() && !value.contains('.') {
            format!("{open}><v>{value}</v></c>")
        } else {
            format!("{open} t=\"inlineStr\"><is><t>{value}</t></is></c>")
        };
        xml.replace_range(start..end, &new);
    }
    *sheet = xml.into_bytes();
    rezip(&files)
}

/// Rewrites the XML of one part of the workbook with `f`.
pub fn edit(xlsx: &[u8], part: &str, f: impl Fn(&str) -> String) -> Vec<u8> {
    let mut files = entries(xlsx);
    let (_, data) = files
        .iter_mut()
        .find(|(n, _)| n == part)
        .unwrap_or_else(|| panic!("no part {part}"));
    *data = f(std::str::from_utf8(data).expect("UTF-8 XML")).into_bytes();
    rezip(&files)
}

/// Puts a formula into a cell of the first sheet, with a saved result or
/// without one (as libraries that do not calculate write it).
pub fn put_formula(xlsx: &[u8], cell: &str, formula: &str, saved: Option<&str>) -> Vec<u8> {
    edit(xlsx, "xl/worksheets/sheet1.xml", |xml| {
        let start = xml
            .find(&format!("<c r=\"{cell}\""))
            .unwrap_or_else(|| panic!("no cell {cell}"));
        let tag_end = start + xml[start..].find('>').expect("a closed tag");
        let end = if xml.as_bytes()[tag_end - 1] == b'/' {
            tag_end + 1
        } else {
            tag_end + xml[tag_end..].find("</c>").expect("a cell end") + 4
        };
        let value = saved.map(|v| format!("<v>{v}</v>")).unwrap_or_default();
        let mut out = xml.to_string();
        out.replace_range(start..end, &format!("<c r=\"{cell}\"><f>{formula}</f>{value}</c>"));
        out
    })
}
