//! What docx-rs 0.4 cannot write, added to the package it made: header
//! rows that repeat on each page (`w:tblHeader`), a drawing id per image
//! (docx-rs gives every `wp:docPr` the id 1), the Vietnamese language tag in
//! the document defaults (or Word proofs the text as English), real core
//! properties (creator, title, language; docx-rs only sets the dates), and
//! a section-break paragraph one point high, so it cannot carry the
//! signature block's page over on its own. The XML edited here is the XML
//! docx-rs writes, matched as text; the tests read every rule back.

use std::io::{Cursor, Read, Write};

use zip::write::SimpleFileOptions;

use super::{RenderError, ReportDocument};
use crate::clean::clean;

pub struct Properties {
    pub creator: String,
    pub title: String,
}

impl Properties {
    /// The issuing body as creator ("XHHT" if it has none), the trích yếu as title.
    pub fn of(doc: &ReportDocument) -> Self {
        let body = clean(&doc.issuing.issuing_body).replace('\n', " ");
        Properties {
            creator: if body.trim().is_empty() {
                "XHHT".into()
            } else {
                body.trim().to_string()
            },
            title: clean(&format!("Báo cáo {}", doc.title)).replace('\n', " "),
        }
    }
}

/// The Vietnamese language tag for every run (the document defaults).
pub const LANG: &str = r#"<w:lang w:val="vi-VN" w:eastAsia="vi-VN" w:bidi="ar-SA" />"#;

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn package_error(e: impl std::fmt::Display) -> RenderError {
    RenderError::Package(e.to_string())
}

pub fn finish(docx: &[u8], props: &Properties) -> Result<Vec<u8>, RenderError> {
    let mut zip = zip::ZipArchive::new(Cursor::new(docx)).map_err(package_error)?;
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).map_err(package_error)?;
        let name = f.name().map_err(package_error)?.to_string();
        if f.is_dir() {
            out.add_directory(name.as_str(), options).map_err(package_error)?;
            continue;
        }
        let mut data = Vec::new();
        f.read_to_end(&mut data).map_err(package_error)?;
        let data = match name.as_str() {
            "word/document.xml" => document(&utf8(data)?).into_bytes(),
            "word/styles.xml" => styles(&utf8(data)?).into_bytes(),
            "docProps/core.xml" => core(&utf8(data)?, props).into_bytes(),
            _ => data,
        };
        out.start_file(name.as_str(), options).map_err(package_error)?;
        out.write_all(&data).map_err(package_error)?;
    }
    Ok(out.finish().map_err(package_error)?.into_inner())
}

fn utf8(data: Vec<u8>) -> Result<String, RenderError> {
    String::from_utf8(data).map_err(package_error)
}

fn document(xml: &str) -> String {
    section_breaks(&drawing_ids(&header_rows(xml)))
}

/// The first row of every table with more than one row is its header:
/// repeated at the top of each page the table runs onto. (The masthead and
/// the closing block are one-row tables.)
fn header_rows(xml: &str) -> String {
    let mut out = String::with_capacity(xml.len() + 256);
    let mut rest = xml;
    while let Some(start) = rest.find("<w:tbl>") {
        let Some(len) = rest[start..].find("</w:tbl>") else {
            break;
        };
        let end = start + len + "</w:tbl>".len();
        out.push_str(&rest[..start]);
        let table = &rest[start..end];
        let rows = table.matches("<w:tr>").count() + table.matches("<w:tr ").count();
        match table.find("<w:trPr>") {
            Some(at) if rows > 1 => {
                let at = at + "<w:trPr>".len();
                out.push_str(&table[..at]);
                out.push_str("<w:tblHeader />");
                out.push_str(&table[at..]);
            }
            _ => out.push_str(table),
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// Numbers the drawings 1, 2, 3, … in their order.
fn drawing_ids(xml: &str) -> String {
    let mut out = String::with_capacity(xml.len());
    let mut rest = xml;
    let mut n = 0;
    const TAG: &str = "<wp:docPr id=\"";
    while let Some(at) = rest.find(TAG) {
        let value_start = at + TAG.len();
        let Some(len) = rest[value_start..].find('"') else {
            break;
        };
        n += 1;
        out.push_str(&rest[..value_start]);
        out.push_str(&n.to_string());
        rest = &rest[value_start + len..];
    }
    out.push_str(rest);
    out
}

/// The empty paragraph docx-rs writes to hold a section's properties: one
/// point high, no space around it.
fn section_breaks(xml: &str) -> String {
    xml.replace(
        "<w:pPr><w:sectPr>",
        r#"<w:pPr><w:spacing w:before="0" w:after="0" w:line="20" w:lineRule="exact" /><w:rPr><w:sz w:val="2" /><w:szCs w:val="2" /></w:rPr><w:sectPr>"#,
    )
}

/// The language tag at the end of the default run properties.
fn styles(xml: &str) -> String {
    match xml.find("</w:rPr></w:rPrDefault>") {
        Some(at) => format!("{}{LANG}{}", &xml[..at], &xml[at..]),
        None => xml.replacen(
            "<w:rPrDefault><w:rPr />",
            &format!("<w:rPrDefault><w:rPr>{LANG}</w:rPr>"),
            1,
        ),
    }
}

fn core(xml: &str, p: &Properties) -> String {
    let creator = esc(&p.creator);
    let xml = xml
        .replace(
            "<dc:creator>unknown</dc:creator>",
            &format!("<dc:creator>{creator}</dc:creator>"),
        )
        .replace(
            "<cp:lastModifiedBy>unknown</cp:lastModifiedBy>",
            &format!("<cp:lastModifiedBy>{creator}</cp:lastModifiedBy>"),
        );
    let extra = format!(
        "<dc:title>{}</dc:title><dc:language>vi-VN</dc:language></cp:coreProperties>",
        esc(&p.title)
    );
    xml.replacen("</cp:coreProperties>", &extra, 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_tables_of_several_rows_get_a_header_row() {
        let xml = "<w:tbl><w:tr><w:trPr><w:cantSplit /></w:trPr></w:tr></w:tbl>\
                   <w:tbl><w:tr><w:trPr><w:cantSplit /></w:trPr></w:tr><w:tr><w:trPr><w:cantSplit /></w:trPr></w:tr></w:tbl>";
        let out = header_rows(xml);
        assert_eq!(out.matches("<w:tblHeader />").count(), 1);
        assert!(out.ends_with("<w:tr><w:trPr><w:cantSplit /></w:trPr></w:tr></w:tbl>"));
    }

    #[test]
    fn drawings_are_numbered() {
        let out = drawing_ids(r#"<wp:docPr id="1" name="Figure" /><wp:docPr id="1" name="Figure" />"#);
        assert_eq!(
            out,
            r#"<wp:docPr id="1" name="Figure" /><wp:docPr id="2" name="Figure" />"#
        );
    }

    #[test]
    fn core_properties_are_escaped() {
        let core_xml = "<cp:coreProperties><dc:creator>unknown</dc:creator></cp:coreProperties>";
        let out = core(
            core_xml,
            &Properties {
                creator: "A & B".into(),
                title: "<x>".into(),
            },
        );
        assert!(out.contains("<dc:creator>A &amp; B</dc:creator>"));
        assert!(out.contains("<dc:title>&lt;x&gt;</dc:title>"));
    }
}
