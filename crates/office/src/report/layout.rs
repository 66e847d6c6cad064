//! The [`ReportDocument`] laid out with docx-rs. What docx-rs cannot say
//! (repeating header rows, the language, unique drawing ids, the core
//! properties) is added to the package afterwards by `package`.

use std::io::Cursor;

use docx_rs::{
    AlignmentType, BorderType, BreakType, Docx, Header, LineSpacing, LineSpacingType, PageMargin, PageNum,
    PageOrientationType, PageSize, Paragraph, ParagraphBorder, ParagraphBorderPosition, ParagraphBorders, Pic, Run,
    RunFonts, Section as DocxSection, SpecialIndentType, Table, TableBorders, TableCell, TableLayoutType, TableRow,
    VAlignType, WidthType,
};

use super::metrics::{name_lines, width};
use super::{Annex, Block, Chart, Grid, Issuing, RenderError, ReportDocument};
use crate::clean::clean;

/// A4 in twentieths of a point.
pub const A4_WIDTH: u32 = 11906;
pub const A4_HEIGHT: u32 = 16838;
/// Margins (twips): top and bottom 20 mm, left 30 mm, right 15 mm.
pub const MARGIN_TOP: i32 = 1134;
pub const MARGIN_BOTTOM: i32 = 1134;
pub const MARGIN_LEFT: i32 = 1701;
pub const MARGIN_RIGHT: i32 = 851;
pub const FONT: &str = "Times New Roman";
pub const NATIONAL_TITLE: &str = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM";
pub const MOTTO: &str = "Độc lập - Tự do - Hạnh phúc";
/// Text width between the margins, in twips.
const TEXT_WIDTH: u32 = A4_WIDTH - (MARGIN_LEFT + MARGIN_RIGHT) as u32;
/// Landscape annex pages are the portrait pages turned: the binding margin
/// (30 mm) at the top, 15 mm at the bottom, 20 mm left and right.
const LAND_TOP: i32 = 1701;
const LAND_BOTTOM: i32 = 851;
const LAND_SIDE: i32 = 1134;
const LAND_TEXT_WIDTH: u32 = A4_HEIGHT - 2 * LAND_SIDE as u32;
/// Word's default cell margins, left plus right.
const CELL_MARGINS: u32 = 216;
/// The masthead's left column: 38% of the text width (62.7 mm).
const LEFT_COLUMN: u32 = TEXT_WIDTH * 38 / 100;

fn fonts() -> RunFonts {
    RunFonts::new().ascii(FONT).hi_ansi(FONT).cs(FONT).east_asia(FONT)
}

/// A run of `text` at `pt` points, cleaned of characters XML forbids; its
/// line breaks become Word's line breaks and its tabs Word's tabs.
fn run(text: &str, pt: u32) -> Run {
    let mut r = Run::new().fonts(fonts()).size(pt as usize * 2);
    for (i, line) in clean(text).split('\n').enumerate() {
        if i > 0 {
            r = r.add_break(BreakType::TextWrapping);
        }
        for (j, piece) in line.split('\t').enumerate() {
            if j > 0 {
                r = r.add_tab();
            }
            if !piece.is_empty() {
                r = r.add_text(piece);
            }
        }
    }
    r
}

fn spacing(before: u32, after: u32) -> LineSpacing {
    LineSpacing::new().before(before).after(after)
}

fn centred(r: Run) -> Paragraph {
    Paragraph::new().add_run(r).align(AlignmentType::Center)
}

/// A body paragraph: 14 pt, justified, first line indented 1 cm, 6 pt after,
/// 1.3 lines; never one line alone at a page's foot or head.
fn body_run(r: Run) -> Paragraph {
    Paragraph::new()
        .add_run(r)
        .align(AlignmentType::Both)
        .line_spacing(spacing(0, 120).line(312))
        .indent(None, Some(SpecialIndentType::FirstLine(567)), None, None)
        .widow_control(true)
}

fn heading(r: Run) -> Paragraph {
    Paragraph::new()
        .add_run(r)
        .align(AlignmentType::Both)
        .line_spacing(spacing(120, 120).line(312))
        .indent(None, Some(SpecialIndentType::FirstLine(567)), None, None)
        .keep_next(true)
        .keep_lines(true)
}

/// A drawn rule `length` twips long, centred in `space` twips: an empty
/// paragraph three points high with a bottom border.
fn rule(length: u32, space: u32) -> Paragraph {
    let side = (space.saturating_sub(length) / 2) as i32;
    Paragraph::new()
        .align(AlignmentType::Center)
        .indent(Some(side), None, Some(side), None)
        .line_spacing(
            LineSpacing::new()
                .before(0)
                .after(60)
                .line(60)
                .line_rule(LineSpacingType::Exact),
        )
        .size(2)
        .set_borders(
            ParagraphBorders::with_empty().set(
                ParagraphBorder::new(ParagraphBorderPosition::Bottom)
                    .val(BorderType::Single)
                    .size(6)
                    .space(1)
                    .color("000000"),
            ),
        )
}

/// Either kind of body element, so a list of them can be handed to a
/// section or to the document, and the last paragraph found again.
enum Item {
    P(Box<Paragraph>),
    T(Box<Table>),
}

impl Item {
    fn p(p: Paragraph) -> Self {
        Item::P(Box::new(p))
    }

    fn t(t: Table) -> Self {
        Item::T(Box::new(t))
    }
}

fn cell_paragraph(text: &str, pt: u32, bold: bool, align: AlignmentType) -> Paragraph {
    let r = run(text, pt);
    Paragraph::new()
        .add_run(if bold { r.bold() } else { r })
        .align(align)
        .line_spacing(spacing(20, 20))
}

fn cell(text: &str, w: u32, pt: u32, bold: bool, align: AlignmentType) -> TableCell {
    TableCell::new()
        .add_paragraph(cell_paragraph(text, pt, bold, align))
        .width(w as usize, WidthType::Dxa)
        .vertical_align(VAlignType::Center)
}

/// Column widths for `g` in `total` twips at `pt` points: no column narrower
/// than its longest word (so "99,6%" never breaks), the rest shared by how
/// much more each column's longest text wants.
pub fn column_widths(g: &Grid, total: u32, pt: u32) -> Vec<u32> {
    let n = g.header.len();
    let rows = || {
        std::iter::once((&g.header, true))
            .chain(g.rows.iter().map(|r| (r, false)))
            .chain(g.total.iter().map(|r| (r, true)))
    };
    let mut least = vec![0u32; n];
    let mut wish = vec![0u32; n];
    for (row, bold) in rows() {
        for (c, text) in row.iter().enumerate().take(n) {
            let longest_word = text.split_whitespace().map(|w| width(w, pt, bold)).max().unwrap_or(0);
            least[c] = least[c].max(longest_word + CELL_MARGINS + 20);
            wish[c] = wish[c].max(width(text, pt, bold) + CELL_MARGINS + 20);
        }
    }
    let least_sum: u32 = least.iter().sum();
    let wish_sum: u32 = wish.iter().sum();
    if wish_sum <= total {
        // Everything fits on one line: spread the spare width evenly.
        let spare = (total - wish_sum) / n.max(1) as u32;
        return wish.iter().map(|w| w + spare).collect();
    }
    if least_sum >= total {
        return least.iter().map(|w| w * total / least_sum.max(1)).collect();
    }
    let extra = total - least_sum;
    let want: u64 = least.iter().zip(&wish).map(|(l, w)| u64::from(w - l)).sum();
    least
        .iter()
        .zip(&wish)
        .map(|(l, w)| l + (u64::from(extra) * u64::from(w - l) / want.max(1)) as u32)
        .collect()
}

/// A column whose cells read as text (more than three words on average:
/// names, sentences) is left-aligned; numbers and statuses are centred.
fn is_text_column(g: &Grid, c: usize) -> bool {
    let cells: Vec<usize> = g
        .rows
        .iter()
        .filter_map(|r| r.get(c))
        .map(|t| t.split_whitespace().count())
        .collect();
    !cells.is_empty() && cells.iter().sum::<usize>() > 3 * cells.len()
}

/// A bordered table: the first row is the header (repeated on each page by
/// `package`), no row splits across pages, the total row in bold.
fn grid(g: &Grid, total_width: u32, pt: u32) -> Table {
    let widths = column_widths(g, total_width, pt);
    let aligns: Vec<AlignmentType> = (0..g.header.len())
        .map(|c| {
            if is_text_column(g, c) {
                AlignmentType::Left
            } else {
                AlignmentType::Center
            }
        })
        .collect();
    let row = |cells: &[String], bold: bool, header: bool| {
        TableRow::new(
            cells
                .iter()
                .zip(&widths)
                .zip(&aligns)
                .map(|((t, w), a)| cell(t, *w, pt, bold, if header { AlignmentType::Center } else { *a }))
                .collect(),
        )
        .cant_split()
    };
    let mut rows = vec![row(&g.header, true, true)];
    rows.extend(g.rows.iter().map(|r| row(r, false, false)));
    rows.extend(g.total.iter().map(|r| row(r, true, false)));
    Table::new(rows)
        .set_grid(widths.iter().map(|w| *w as usize).collect())
        .width(total_width as usize, WidthType::Dxa)
        .layout(TableLayoutType::Fixed)
}

/// Width and height of a PNG from its header.
fn png_size(png: &[u8]) -> Option<(u32, u32)> {
    if png.len() < 24 || &png[..8] != b"\x89PNG\r\n\x1a\n" {
        return None;
    }
    let be = |i: usize| u32::from_be_bytes([png[i], png[i + 1], png[i + 2], png[i + 3]]);
    Some((be(16), be(20)))
}

fn chart(c: &Chart) -> Result<Vec<Item>, RenderError> {
    let (w, h) = png_size(&c.png).ok_or_else(|| RenderError::Image(c.caption.clone()))?;
    // The full text width, keeping the proportions (EMU: 635 per twip).
    let width_emu = TEXT_WIDTH * 635;
    let height_emu = (u64::from(width_emu) * u64::from(h) / u64::from(w.max(1))) as u32;
    let pic = Pic::new_with_dimensions(c.png.clone(), w, h).size(width_emu, height_emu);
    Ok(vec![
        Item::p(
            Paragraph::new()
                .add_run(Run::new().add_image(pic))
                .align(AlignmentType::Center)
                .keep_next(true),
        ),
        Item::p(centred(run(&c.caption, 12).italic()).line_spacing(spacing(60, 180))),
    ])
}

fn blocks(list: &[Block]) -> Result<Vec<Item>, RenderError> {
    let mut out = Vec::new();
    for b in list {
        match b {
            Block::Heading(t) => out.push(Item::p(heading(run(t, 14).bold()))),
            Block::Subheading(t) => out.push(Item::p(heading(run(t, 14).bold().italic()))),
            Block::Paragraph(t) => out.push(Item::p(body_run(run(t, 14)))),
            Block::Note(t) => out.push(Item::p(body_run(run(t, 14).italic()))),
            Block::Bullets(items) => {
                out.extend(items.iter().map(|t| Item::p(body_run(run(&format!("- {t}"), 14)))));
            }
            Block::Table(g) => {
                out.push(Item::t(grid(g, TEXT_WIDTH, 12)));
                out.push(Item::p(Paragraph::new().line_spacing(spacing(0, 120))));
            }
            Block::Chart(c) => out.extend(chart(c)?),
        }
    }
    Ok(out)
}

const ROMAN: [&str; 10] = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"];

fn name_block(text: &str, pt: u32, bold: bool, space: u32) -> (Vec<Paragraph>, u32) {
    let lines = name_lines(&clean(text).to_uppercase(), pt, bold, space);
    let widest = lines.iter().map(|l| width(l, pt, bold)).max().unwrap_or(0);
    let paragraphs = lines
        .iter()
        .map(|l| {
            let r = run(l, pt);
            centred(if bold { r.bold() } else { r }).line_spacing(spacing(0, 0))
        })
        .collect();
    (paragraphs, widest)
}

/// The two-column block at the top of page 1: issuing body and number on
/// the left; national title, motto, place and date on the right; each
/// underlined by a drawn rule as Decree 30 draws them.
fn masthead(i: &Issuing) -> Table {
    let left_w = LEFT_COLUMN;
    let right_w = TEXT_WIDTH - left_w;
    let space = left_w - CELL_MARGINS;
    let mut left = TableCell::new().width(left_w as usize, WidthType::Dxa);
    if !i.superior_body.trim().is_empty() {
        for p in name_block(&i.superior_body, 12, false, space).0 {
            left = left.add_paragraph(p);
        }
    }
    let (body, widest) = name_block(&i.issuing_body, 12, true, space);
    for p in body {
        left = left.add_paragraph(p);
    }
    // Under the issuing body: a third to a half of the line.
    left = left
        .add_paragraph(rule(widest * 2 / 5, space))
        .add_paragraph(centred(run(&i.number_line(), 13)).line_spacing(spacing(60, 0)));
    let right_space = right_w - CELL_MARGINS;
    let right = TableCell::new()
        .width(right_w as usize, WidthType::Dxa)
        .add_paragraph(centred(run(NATIONAL_TITLE, 12).bold()).line_spacing(spacing(0, 0)))
        .add_paragraph(centred(run(MOTTO, 13).bold()).line_spacing(spacing(0, 0)))
        // Under the motto: as long as the motto.
        .add_paragraph(rule(width(MOTTO, 13, true), right_space))
        .add_paragraph(centred(run(&i.place_and_date(), 14).italic()).line_spacing(spacing(60, 0)));
    Table::new(vec![TableRow::new(vec![left, right]).cant_split()])
        .set_grid(vec![left_w as usize, right_w as usize])
        .layout(TableLayoutType::Fixed)
        .set_borders(TableBorders::new().clear_all())
}

/// "BÁO CÁO", the trích yếu and a rule under it, kept together.
fn title(doc: &ReportDocument) -> Vec<Item> {
    let mut out = vec![Item::p(
        centred(run("BÁO CÁO", 14).bold())
            .line_spacing(spacing(360, 0))
            .keep_next(true),
    )];
    let mut widest = 0;
    for t in [&doc.title, &doc.subtitle] {
        if t.trim().is_empty() {
            continue;
        }
        widest = widest.max(width(t, 14, true).min(TEXT_WIDTH));
        out.push(Item::p(
            centred(run(t, 14).bold())
                .line_spacing(spacing(0, 0))
                .keep_next(true)
                .keep_lines(true),
        ));
    }
    out.push(Item::p(rule(widest * 2 / 5, TEXT_WIDTH).keep_next(true)));
    out.push(Item::p(Paragraph::new().line_spacing(spacing(0, 120))));
    out
}

/// Recipients bottom left, signature bottom right: one row that cannot
/// split, every paragraph kept with the next, so the block stays whole.
fn closing(i: &Issuing) -> Table {
    let left_w = TEXT_WIDTH * 45 / 100;
    let right_w = TEXT_WIDTH - left_w;
    let keep = |p: Paragraph| p.keep_next(true).keep_lines(true).line_spacing(spacing(0, 0));
    // A line's space between the last paragraph and the block.
    let first = |p: Paragraph| keep(p).line_spacing(spacing(240, 0));
    let mut left = TableCell::new()
        .width(left_w as usize, WidthType::Dxa)
        .add_paragraph(first(Paragraph::new().add_run(run("Nơi nhận:", 12).bold().italic())));
    let n = i.recipients.len();
    for (k, rcp) in i.recipients.iter().enumerate() {
        let rcp = rcp.trim().trim_end_matches(['.', ';']);
        // Each recipient ends with a semicolon, the last ("Lưu: VT") with a full stop.
        let end = if k + 1 == n { '.' } else { ';' };
        left = left.add_paragraph(keep(Paragraph::new().add_run(run(&format!("- {rcp}{end}"), 11))));
    }
    let mut right = TableCell::new().width(right_w as usize, WidthType::Dxa);
    let titles = i.authority.iter().chain(std::iter::once(&i.signer_title));
    for (k, line) in titles.filter(|l| !l.trim().is_empty()).enumerate() {
        let p = centred(run(&line.to_uppercase(), 14).bold());
        right = right.add_paragraph(if k == 0 { first(p) } else { keep(p) });
    }
    // Room for the signature and the seal.
    for _ in 0..4 {
        right = right.add_paragraph(keep(Paragraph::new().add_run(run("", 14))));
    }
    right = right.add_paragraph(keep(centred(run(&i.signer_name, 14).bold())));
    Table::new(vec![TableRow::new(vec![left, right]).cant_split()])
        .set_grid(vec![left_w as usize, right_w as usize])
        .layout(TableLayoutType::Fixed)
        .set_borders(TableBorders::new().clear_all())
}

fn annex(a: &Annex, issuing: &Issuing) -> Vec<Item> {
    let mut out = vec![
        Item::p(centred(run("PHỤ LỤC", 14).bold()).keep_next(true)),
        Item::p(
            centred(run(&a.title, 14).bold())
                .keep_next(true)
                .line_spacing(spacing(0, 0)),
        ),
        Item::p(
            centred(run(&format!("(Kèm theo Báo cáo {})", issuing.reference()), 14).italic())
                .keep_next(true)
                .line_spacing(spacing(0, 180)),
        ),
    ];
    // The largest size at which every column's longest word fits.
    let pt = [11, 10, 9]
        .into_iter()
        .find(|pt| {
            let w = column_widths(&a.table, LAND_TEXT_WIDTH, *pt);
            w.iter().sum::<u32>() <= LAND_TEXT_WIDTH + 10
        })
        .unwrap_or(9);
    out.push(Item::t(grid(&a.table, LAND_TEXT_WIDTH, pt)));
    if !a.legend.is_empty() {
        out.push(Item::p(
            Paragraph::new()
                .add_run(run("Ghi chú:", 12).bold().italic())
                .line_spacing(spacing(180, 0))
                .keep_next(true),
        ));
        for (code, name) in &a.legend {
            out.push(Item::p(
                Paragraph::new()
                    .add_run(run(&format!("{code}: "), 12).bold())
                    .add_run(run(name, 12))
                    .line_spacing(spacing(0, 0)),
            ));
        }
    }
    out
}

fn portrait_margin() -> PageMargin {
    PageMargin::new()
        .top(MARGIN_TOP)
        .bottom(MARGIN_BOTTOM)
        .left(MARGIN_LEFT)
        .right(MARGIN_RIGHT)
        .header(567)
}

/// The body: masthead, trích yếu, opening, the numbered sections, and the
/// closing block kept with the last paragraph.
fn body(doc: &ReportDocument) -> Result<(Table, Vec<Item>, Table), RenderError> {
    let mut items = title(doc);
    items.extend(blocks(&doc.opening)?);
    for (k, s) in doc.sections.iter().enumerate() {
        let number = ROMAN.get(k).copied().unwrap_or("X");
        items.push(Item::p(heading(
            run(&format!("{number}. {}", s.title.to_uppercase()), 14).bold(),
        )));
        items.extend(blocks(&s.blocks)?);
    }
    // Drop trailing spacers, then tie the last paragraph to the signature.
    while matches!(items.last(), Some(Item::P(p)) if p.children().is_empty()) {
        items.pop();
    }
    if let Some(Item::P(p)) = items.pop() {
        items.push(Item::p(p.keep_next(true).keep_lines(true)));
    }
    Ok((masthead(&doc.issuing), items, closing(&doc.issuing)))
}

/// Lays `doc` out; the result still lacks what `package` adds.
pub fn build(doc: &ReportDocument) -> Result<Vec<u8>, RenderError> {
    // Page numbers centred in the top margin from page 2: the first page has its own, empty header.
    let header = Header::new().add_paragraph(
        Paragraph::new()
            .align(AlignmentType::Center)
            .add_page_num(PageNum::new()),
    );
    let stamp = doc.metadata.generated_at.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let mut docx = Docx::new()
        .default_fonts(fonts())
        .default_size(28)
        .created_at(&stamp)
        .updated_at(&stamp);
    let (top, items, end) = body(doc)?;
    match &doc.annex {
        None => {
            docx = docx
                .page_size(A4_WIDTH, A4_HEIGHT)
                .page_margin(portrait_margin())
                .header(header)
                .first_header(Header::new())
                .add_table(top);
            for it in items {
                docx = add(docx, it);
            }
            docx = docx.add_table(end);
        }
        Some(a) => {
            // The body is a portrait section of its own; the annex, the
            // document's last section, is landscape and inherits its header.
            // The body's first page has no header of its own (titlePg with no
            // first-page header is an empty one in the first section):
            // docx-rs 0.4 keeps only one of a section's headers.
            let mut s = DocxSection::new()
                .page_size(PageSize::new().size(A4_WIDTH, A4_HEIGHT))
                .page_margin(portrait_margin())
                .title_pg()
                .header(header)
                .add_table(top);
            for it in items {
                s = match it {
                    Item::P(p) => s.add_paragraph(*p),
                    Item::T(t) => s.add_table(*t),
                };
            }
            docx = docx
                .add_section(s.add_table(end))
                .page_size(A4_HEIGHT, A4_WIDTH)
                .page_orient(PageOrientationType::Landscape)
                .page_margin(
                    PageMargin::new()
                        .top(LAND_TOP)
                        .bottom(LAND_BOTTOM)
                        .left(LAND_SIDE)
                        .right(LAND_SIDE)
                        .header(567),
                );
            for it in annex(a, &doc.issuing) {
                docx = add(docx, it);
            }
        }
    }
    let mut buf = Cursor::new(Vec::new());
    docx.build()
        .pack(&mut buf)
        .map_err(|e| RenderError::Package(e.to_string()))?;
    Ok(buf.into_inner())
}

fn add(docx: Docx, it: Item) -> Docx {
    match it {
        Item::P(p) => docx.add_paragraph(*p),
        Item::T(t) => docx.add_table(*t),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_get_a_column_at_least_as_wide_as_themselves() {
        let g = Grid {
            header: std::iter::once("Đơn vị".to_string())
                .chain((1..=12).map(|i| format!("CT {i}")))
                .collect(),
            rows: vec![
                std::iter::once("Phường Nguyễn Trung Trực".to_string())
                    .chain((1..=12).map(|_| "99,6%".to_string()))
                    .collect(),
            ],
            total: None,
        };
        let w = column_widths(&g, LAND_TEXT_WIDTH, 10);
        assert_eq!(w.len(), 13);
        assert!(w.iter().sum::<u32>() <= LAND_TEXT_WIDTH);
        for c in &w[1..] {
            assert!(*c >= width("99,6%", 10, false) + CELL_MARGINS, "{w:?}");
        }
    }

    #[test]
    fn png_sizes_come_from_the_header() {
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        png.extend(1440u32.to_be_bytes());
        png.extend(704u32.to_be_bytes());
        assert_eq!(png_size(&png), Some((1440, 704)));
        assert_eq!(png_size(b"GIF89a"), None);
    }
}
