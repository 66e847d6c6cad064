//! The yearly report as a Word document in the administrative layout of
//! Decree 30/2020/NĐ-CP: A4, margins 20/20/30/15 mm, Times New Roman, the
//! national title and motto top right, the issuing body and number top left,
//! place and date in italics, page numbers from page 2, recipients bottom
//! left and the signature block bottom right.
//!
//! The caller gathers the figures (approved only) and the compiled
//! narratives into a [`YearlyReport`]; this module only lays them out.

use std::io::Cursor;

use docx_rs::{
    AlignmentType, BreakType, Docx, DocxError, Header, LineSpacing, PageMargin, PageNum, Paragraph, Pic, Run, RunFonts,
    Table, TableBorders, TableCell, TableLayoutType, TableRow, WidthType,
};

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
const TEXT_WIDTH: usize = (A4_WIDTH as i32 - MARGIN_LEFT - MARGIN_RIGHT) as usize;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportKind {
    Yearly,
    /// Sơ kết: the mid-term review, compared with the baseline.
    MidTerm,
    /// Tổng kết: the final review, compared with the baseline.
    Final,
}

impl ReportKind {
    /// The kind named in URLs and on the command line: nam, so-ket, tong-ket.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "nam" => Self::Yearly,
            "so-ket" => Self::MidTerm,
            "tong-ket" => Self::Final,
            _ => return None,
        })
    }
}

/// One indicator's line in section I.
pub struct IndicatorLine {
    pub number: i64,
    pub name: String,
    pub target_2025: String,
    pub target_2030: String,
    pub this_year: String,
    pub last_year: String,
    pub baseline: String,
    pub status: String,
}

/// Section II: one task group with the units' passages.
pub struct TaskGroupText {
    pub title: String,
    /// (unit name, kind label, text)
    pub passages: Vec<(String, String, String)>,
}

pub struct YearlyReport {
    pub kind: ReportKind,
    pub year: i32,
    pub baseline_year: i32,
    /// "UBND QUẬN BA ĐÌNH" above the issuing office, if any.
    pub superior_body: String,
    /// "PHÒNG GIÁO DỤC VÀ ĐÀO TẠO".
    pub issuing_body: String,
    /// "Số: …/BC-GDĐT": the number is left blank for the clerk.
    pub symbol: String,
    /// "Ba Đình, ngày 05 tháng 12 năm 2026".
    pub place_and_date: String,
    pub title: String,
    pub subtitle: String,
    pub indicators: Vec<IndicatorLine>,
    /// (caption, PNG bytes, width px, height px)
    pub charts: Vec<(String, Vec<u8>, u32, u32)>,
    pub task_groups: Vec<TaskGroupText>,
    /// Sentences about who reported, who was late.
    pub completeness: Vec<String>,
    /// Annex: column titles, then one row per unit.
    pub annex_columns: Vec<String>,
    pub annex_rows: Vec<Vec<String>>,
    pub recipients: Vec<String>,
    pub signing_authority: String,
    pub signer_title: String,
    pub signer_name: String,
}

fn fonts() -> RunFonts {
    RunFonts::new().ascii(FONT).hi_ansi(FONT).cs(FONT).east_asia(FONT)
}

/// A run in Times New Roman at `pt` points.
fn run(text: &str, pt: usize) -> Run {
    Run::new().add_text(text).fonts(fonts()).size(pt * 2)
}

/// A body paragraph: 14 pt, justified, 6 pt after, single-and-a-bit spacing.
fn body(text: &str) -> Paragraph {
    Paragraph::new()
        .add_run(run(text, 14))
        .align(AlignmentType::Both)
        .line_spacing(LineSpacing::new().before(0).after(120).line(312))
        .indent(Some(567), None, None, None)
}

fn heading(text: &str) -> Paragraph {
    Paragraph::new()
        .add_run(run(text, 14).bold())
        .line_spacing(LineSpacing::new().before(120).after(120))
}

fn centred(r: Run) -> Paragraph {
    Paragraph::new().add_run(r).align(AlignmentType::Center)
}

fn cell(text: &str, width: usize, bold: bool) -> TableCell {
    let mut r = run(text, 12);
    if bold {
        r = r.bold();
    }
    TableCell::new()
        .add_paragraph(Paragraph::new().add_run(r))
        .width(width, WidthType::Dxa)
}

/// A bordered table whose columns share the text width in `parts`.
fn grid(header: &[String], rows: &[Vec<String>], parts: &[usize]) -> Table {
    let total: usize = parts.iter().sum();
    let widths: Vec<usize> = parts.iter().map(|p| TEXT_WIDTH * p / total).collect();
    let mut out = vec![TableRow::new(
        header.iter().zip(&widths).map(|(h, w)| cell(h, *w, true)).collect(),
    )];
    for r in rows {
        out.push(TableRow::new(
            r.iter().zip(&widths).map(|(t, w)| cell(t, *w, false)).collect(),
        ));
    }
    Table::new(out).set_grid(widths).layout(TableLayoutType::Fixed)
}

/// The two-column block at the top of page 1: issuing body and number on
/// the left; national title, motto, place and date on the right.
fn masthead(r: &YearlyReport) -> Table {
    let left_w = TEXT_WIDTH * 38 / 100;
    let right_w = TEXT_WIDTH - left_w;
    let left = TableCell::new()
        .width(left_w, WidthType::Dxa)
        .add_paragraph(centred(run(&r.superior_body.to_uppercase(), 12)))
        .add_paragraph(centred(run(&r.issuing_body.to_uppercase(), 12).bold()))
        .add_paragraph(centred(run("───────", 13)))
        .add_paragraph(centred(run(&r.symbol, 13)));
    let right = TableCell::new()
        .width(right_w, WidthType::Dxa)
        .add_paragraph(centred(run(NATIONAL_TITLE, 12).bold()))
        .add_paragraph(centred(run(MOTTO, 13).bold()))
        .add_paragraph(centred(run("──────────────────", 13)))
        .add_paragraph(centred(run(&r.place_and_date, 14).italic()));
    Table::new(vec![TableRow::new(vec![left, right])])
        .set_grid(vec![left_w, right_w])
        .layout(TableLayoutType::Fixed)
        .set_borders(TableBorders::new().clear_all())
}

/// Recipients bottom left, signature bottom right.
fn closing(r: &YearlyReport) -> Table {
    let left_w = TEXT_WIDTH / 2;
    let right_w = TEXT_WIDTH - left_w;
    let mut left = TableCell::new()
        .width(left_w, WidthType::Dxa)
        .add_paragraph(Paragraph::new().add_run(run("Nơi nhận:", 12).bold().italic()));
    for rcp in &r.recipients {
        left = left.add_paragraph(Paragraph::new().add_run(run(&format!("- {rcp};"), 11)));
    }
    let mut right = TableCell::new().width(right_w, WidthType::Dxa);
    for line in r
        .signing_authority
        .lines()
        .chain(std::iter::once(r.signer_title.as_str()))
    {
        right = right.add_paragraph(centred(run(&line.to_uppercase(), 14).bold()));
    }
    for _ in 0..3 {
        right = right.add_paragraph(Paragraph::new());
    }
    right = right.add_paragraph(centred(run(&r.signer_name, 14).bold()));
    Table::new(vec![TableRow::new(vec![left, right])])
        .set_grid(vec![left_w, right_w])
        .layout(TableLayoutType::Fixed)
        .set_borders(TableBorders::new().clear_all())
}

fn page_break() -> Paragraph {
    Paragraph::new().add_run(Run::new().add_break(BreakType::Page))
}

/// Lays the report out as a .docx.
pub fn render(r: &YearlyReport) -> Result<Vec<u8>, DocxError> {
    // Page numbers centred in the top margin from page 2: the first page has its own, empty header.
    let header = Header::new().add_paragraph(
        Paragraph::new()
            .align(AlignmentType::Center)
            .add_page_num(PageNum::new()),
    );
    let mut doc = Docx::new()
        .page_size(A4_WIDTH, A4_HEIGHT)
        .page_margin(
            PageMargin::new()
                .top(MARGIN_TOP)
                .bottom(MARGIN_BOTTOM)
                .left(MARGIN_LEFT)
                .right(MARGIN_RIGHT)
                .header(567),
        )
        .default_fonts(fonts())
        .default_size(28)
        .header(header)
        .first_header(Header::new())
        .add_table(masthead(r))
        .add_paragraph(Paragraph::new())
        .add_paragraph(centred(run("BÁO CÁO", 14).bold()))
        .add_paragraph(centred(run(&r.title, 14).bold()))
        .add_paragraph(centred(run(&r.subtitle, 14).bold()));
    let compare = r.kind != ReportKind::Yearly;
    doc = doc.add_paragraph(heading("I. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU"));
    let mut head: Vec<String> = vec![
        "TT".into(),
        "Chỉ tiêu".into(),
        "Mục tiêu 2025".into(),
        "Mục tiêu 2030".into(),
    ];
    if compare {
        head.push(format!("Năm {} (gốc)", r.baseline_year));
    }
    head.extend([
        format!("Năm {}", r.year - 1),
        format!("Năm {}", r.year),
        "Đánh giá".into(),
    ]);
    let rows: Vec<Vec<String>> = r
        .indicators
        .iter()
        .map(|l| {
            let mut row = vec![
                l.number.to_string(),
                l.name.clone(),
                l.target_2025.clone(),
                l.target_2030.clone(),
            ];
            if compare {
                row.push(l.baseline.clone());
            }
            row.extend([l.last_year.clone(), l.this_year.clone(), l.status.clone()]);
            row
        })
        .collect();
    let parts: Vec<usize> = if compare {
        vec![4, 22, 8, 8, 8, 8, 8, 9]
    } else {
        vec![4, 24, 8, 8, 8, 8, 10]
    };
    doc = doc.add_table(grid(&head, &rows, &parts));
    for (caption, png, w, h) in &r.charts {
        // Charts at the full text width, keeping their proportions (EMU: 635 per twip).
        let width_emu = (TEXT_WIDTH * 635) as u32;
        let height_emu = (u64::from(width_emu) * u64::from(*h) / u64::from((*w).max(1))) as u32;
        let pic = Pic::new(png).size(width_emu, height_emu);
        doc = doc
            .add_paragraph(
                Paragraph::new()
                    .add_run(Run::new().add_image(pic))
                    .align(AlignmentType::Center),
            )
            .add_paragraph(centred(run(caption, 12).italic()));
    }
    doc = doc.add_paragraph(heading("II. KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ, GIẢI PHÁP"));
    for g in &r.task_groups {
        doc = doc.add_paragraph(Paragraph::new().add_run(run(&g.title, 14).bold().italic()));
        if g.passages.is_empty() {
            doc = doc.add_paragraph(body("Chưa có đơn vị báo cáo nội dung này."));
        }
        for (unit, kind, text) in &g.passages {
            doc = doc.add_paragraph(
                Paragraph::new()
                    .add_run(run(&format!("- {unit} ({kind}): "), 14).bold())
                    .add_run(run(text, 14))
                    .align(AlignmentType::Both)
                    .line_spacing(LineSpacing::new().after(120)),
            );
        }
    }
    doc = doc.add_paragraph(heading("III. TÌNH HÌNH BÁO CÁO CỦA CÁC ĐƠN VỊ"));
    for s in &r.completeness {
        doc = doc.add_paragraph(body(s));
    }
    doc = doc.add_paragraph(Paragraph::new()).add_table(closing(r));
    if !r.annex_rows.is_empty() {
        let parts: Vec<usize> = std::iter::once(14)
            .chain(std::iter::repeat_n(6, r.annex_columns.len().saturating_sub(1)))
            .collect();
        doc = doc
            .add_paragraph(page_break())
            .add_paragraph(centred(run("PHỤ LỤC", 14).bold()))
            .add_paragraph(centred(
                run(&format!("Kết quả các chỉ tiêu theo đơn vị, năm {}", r.year), 14).italic(),
            ))
            .add_table(grid(&r.annex_columns, &r.annex_rows, &parts));
    }
    let mut buf = Cursor::new(Vec::new());
    doc.build().pack(&mut buf)?;
    Ok(buf.into_inner())
}
