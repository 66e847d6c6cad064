//! A section's blocks as the plain text a reviewer edits in a textarea, and
//! back. The text is paragraphs separated by a blank line; lines starting
//! with "- " are list items; "# " starts a heading, "## " a minor heading;
//! a paragraph wholly in parentheses is a note (italics). Tables and charts
//! the data makes are not text: they stand as markers ("[Bảng 1]",
//! "[Biểu đồ 2]", numbered through the whole report) and are put back from
//! the data when the document is laid out.

use super::{Block, Chart, Grid, Section};

const TABLE: &str = "Bảng";
const CHART: &str = "Biểu đồ";

/// Numbers the markers through the report: the k-th table is "[Bảng k]".
#[derive(Debug, Default)]
pub struct Markers {
    tables: usize,
    charts: usize,
}

impl Markers {
    /// `blocks` as text, tables and charts as the next markers.
    pub fn to_text(&mut self, blocks: &[Block]) -> String {
        let mut parts = Vec::new();
        for b in blocks {
            parts.push(match b {
                Block::Heading(t) => format!("# {}", one_line(t)),
                Block::Subheading(t) => format!("## {}", one_line(t)),
                Block::Paragraph(t) => one_line(t),
                Block::Note(t) => {
                    let t = one_line(t);
                    if t.starts_with('(') && t.ends_with(')') {
                        t
                    } else {
                        format!("({t})")
                    }
                }
                Block::Bullets(items) => items
                    .iter()
                    .map(|i| format!("- {}", one_line(i)))
                    .collect::<Vec<_>>()
                    .join("\n"),
                Block::Table(_) => {
                    self.tables += 1;
                    format!("[{TABLE} {}]", self.tables)
                }
                Block::Chart(_) => {
                    self.charts += 1;
                    format!("[{CHART} {}]", self.charts)
                }
            });
        }
        parts.join("\n\n")
    }
}

/// A paragraph is one line in the textarea: line breaks inside become spaces.
fn one_line(t: &str) -> String {
    t.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The tables and charts of a report in their order, for the markers.
pub fn objects(sections: &[Section]) -> (Vec<Grid>, Vec<Chart>) {
    let mut tables = Vec::new();
    let mut charts = Vec::new();
    for b in sections.iter().flat_map(|s| &s.blocks) {
        match b {
            Block::Table(g) => tables.push(g.clone()),
            Block::Chart(c) => charts.push(c.clone()),
            _ => {}
        }
    }
    (tables, charts)
}

/// The reviewer's text as blocks; a marker whose table or chart the data
/// no longer has stays as its text, so nothing typed is lost.
pub fn to_blocks(text: &str, tables: &[Grid], charts: &[Chart]) -> Vec<Block> {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let mut out = Vec::new();
    let mut chunk: Vec<&str> = Vec::new();
    for line in text.lines().chain(std::iter::once("")) {
        if line.trim().is_empty() {
            paragraph_blocks(&chunk, tables, charts, &mut out);
            chunk.clear();
        } else {
            chunk.push(line.trim());
        }
    }
    out
}

/// One chunk between blank lines: list items gather into one list, other
/// lines join into one paragraph; headings and markers stand alone.
fn paragraph_blocks(chunk: &[&str], tables: &[Grid], charts: &[Chart], out: &mut Vec<Block>) {
    let mut text: Vec<&str> = Vec::new();
    let mut items: Vec<String> = Vec::new();
    let flush = |text: &mut Vec<&str>, items: &mut Vec<String>, out: &mut Vec<Block>| {
        if !text.is_empty() {
            out.push(paragraph(&text.join(" ")));
            text.clear();
        }
        if !items.is_empty() {
            out.push(Block::Bullets(std::mem::take(items)));
        }
    };
    for &line in chunk {
        if let Some(item) = line.strip_prefix("- ") {
            if !text.is_empty() {
                flush(&mut text, &mut Vec::new(), out);
            }
            items.push(item.trim().to_string());
            continue;
        }
        flush(&mut Vec::new(), &mut items, out);
        if let Some(h) = line.strip_prefix("## ") {
            flush(&mut text, &mut items, out);
            out.push(Block::Subheading(h.trim().to_string()));
        } else if let Some(h) = line.strip_prefix("# ") {
            flush(&mut text, &mut items, out);
            out.push(Block::Heading(h.trim().to_string()));
        } else if let Some(b) = marker(line, tables, charts) {
            flush(&mut text, &mut items, out);
            out.push(b);
        } else {
            text.push(line);
        }
    }
    flush(&mut text, &mut items, out);
}

fn paragraph(t: &str) -> Block {
    if t.starts_with('(') && t.ends_with(')') {
        Block::Note(t.to_string())
    } else {
        Block::Paragraph(t.to_string())
    }
}

fn marker(line: &str, tables: &[Grid], charts: &[Chart]) -> Option<Block> {
    let inner = line.strip_prefix('[')?.strip_suffix(']')?.trim();
    let (name, n) = inner.rsplit_once(' ')?;
    let k: usize = n.parse().ok()?;
    match name.trim() {
        TABLE => tables.get(k.checked_sub(1)?).cloned().map(Block::Table),
        CHART => charts.get(k.checked_sub(1)?).cloned().map(Block::Chart),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grid() -> Grid {
        Grid {
            header: vec!["TT".into()],
            rows: vec![vec!["1".into()]],
            total: None,
        }
    }

    #[test]
    fn blocks_survive_the_textarea() {
        let blocks = vec![
            Block::Heading("1. Kết quả".into()),
            Block::Paragraph("12/16 chỉ tiêu đạt.".into()),
            Block::Table(grid()),
            Block::Subheading("a) Ưu điểm".into()),
            Block::Bullets(vec!["Một (Phúc Xá).".into(), "Hai.".into()]),
            Block::Note("(Nội dung cần bổ sung.)".into()),
        ];
        let text = Markers::default().to_text(&blocks);
        assert_eq!(
            text,
            "# 1. Kết quả\n\n12/16 chỉ tiêu đạt.\n\n[Bảng 1]\n\n## a) Ưu điểm\n\n- Một (Phúc Xá).\n- Hai.\n\n(Nội dung cần bổ sung.)"
        );
        assert_eq!(to_blocks(&text, &[grid()], &[]), blocks);
    }

    #[test]
    fn a_blank_line_starts_a_paragraph_and_dashes_make_a_list() {
        let blocks = to_blocks(
            "Dòng một\ndòng hai.\r\n\r\nĐoạn mới:\n- a\n- b\nSau danh sách.",
            &[],
            &[],
        );
        assert_eq!(
            blocks,
            vec![
                Block::Paragraph("Dòng một dòng hai.".into()),
                Block::Paragraph("Đoạn mới:".into()),
                Block::Bullets(vec!["a".into(), "b".into()]),
                Block::Paragraph("Sau danh sách.".into()),
            ]
        );
    }

    #[test]
    fn a_marker_without_its_object_stays_as_text() {
        assert_eq!(
            to_blocks("[Bảng 3]", &[grid()], &[]),
            vec![Block::Paragraph("[Bảng 3]".into())]
        );
        assert_eq!(to_blocks("[Bảng 1]", &[grid()], &[]), vec![Block::Table(grid())]);
    }
}
