//! The report as a Word document in the administrative layout of Decree
//! 30/2020/NĐ-CP: A4, margins 20/20/30/15 mm, Times New Roman, the national
//! title and motto top right, the issuing body and number top left, place
//! and date in italics, page numbers from page 2, recipients bottom left and
//! the signature block bottom right, kept together with the last paragraph;
//! the annex on landscape pages of its own section.
//!
//! A report is a plain value, [`ReportDocument`]: the issuing data
//! ([`Issuing`]), the trích yếu, and the sections I-VI of a báo cáo
//! ([`draft::skeleton`]), each a list of plain [`Block`]s (paragraphs and
//! dash lists a reviewer can edit as text). [`draft`] writes the sentences
//! the data supports; this module only lays the value out. [`YearlyReport`]
//! is the older, flatter value the web app still builds; [`render`] turns it
//! into a [`ReportDocument`] first.

mod layout;
mod legacy;
pub mod metrics;
mod package;

pub mod draft;
pub mod text;

use chrono::{DateTime, NaiveDate, Utc};

pub use layout::{
    A4_HEIGHT, A4_WIDTH, FONT, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MOTTO, NATIONAL_TITLE,
};

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

    /// The name used on the command line and in URLs.
    pub fn code(self) -> &'static str {
        match self {
            Self::Yearly => "nam",
            Self::MidTerm => "so-ket",
            Self::Final => "tong-ket",
        }
    }

    /// A review (sơ kết, tổng kết) compares the period with its baseline.
    pub fn is_review(self) -> bool {
        self != Self::Yearly
    }

    /// The review of the plan this kind is, if it is one.
    pub fn review(self) -> Option<xhht_domain::plan::ReviewKind> {
        match self {
            Self::Yearly => None,
            Self::MidTerm => Some(xhht_domain::plan::ReviewKind::MidTerm),
            Self::Final => Some(xhht_domain::plan::ReviewKind::Final),
        }
    }
}

/// Who issues the report, under what number, and who signs it. Every field
/// comes from the plan (or the reviewer); nothing here is assumed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Issuing {
    /// "UBND QUẬN BA ĐÌNH" above the issuing body; empty when there is none.
    /// A `\n` forces a line break; long names are broken between their parts.
    pub superior_body: String,
    /// "Phòng Giáo dục và Đào tạo", as written in running text; the
    /// masthead writes it in capitals.
    pub issuing_body: String,
    /// The number, empty until the clerk gives one ("Số:      /BC-UBND").
    pub number: String,
    /// The symbol after the number: "BC-UBND", "BC-GDĐT".
    pub symbol: String,
    pub place: String,
    /// `None` until the report is issued: the date line is left for the clerk.
    pub date: Option<NaiveDate>,
    /// The lines above the signer's title: ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH"].
    pub authority: Vec<String>,
    /// "PHÓ CHỦ TỊCH", "TRƯỞNG PHÒNG".
    pub signer_title: String,
    /// The signer's name; empty leaves the space blank.
    pub signer_name: String,
    /// Nơi nhận, the last usually "Lưu: VT".
    pub recipients: Vec<String>,
}

impl Issuing {
    /// "Số: 12/BC-UBND", with room for the number when there is none yet.
    pub fn number_line(&self) -> String {
        let number = if self.number.trim().is_empty() {
            "\u{a0}".repeat(8)
        } else {
            self.number.trim().to_string()
        };
        format!("Số: {number}/{}", self.symbol)
    }

    /// "Ba Đình, ngày 05 tháng 12 năm 2026", or with blanks for the clerk.
    pub fn place_and_date(&self) -> String {
        match self.date {
            Some(d) => format!("{}, {}", self.place, xhht_domain::text::date_long(d)),
            None => {
                let gap = "\u{a0}".repeat(5);
                format!("{}, ngày{gap}tháng{gap}năm{gap}", self.place)
            }
        }
    }

    /// "số 12/BC-UBND ngày 05/12/2026 của Ủy ban nhân dân quận Ba Đình", for
    /// the annex's "Kèm theo Báo cáo …" line.
    pub fn reference(&self) -> String {
        let number = self.number_line().trim_start_matches("Số: ").to_string();
        let date = self.date.map_or_else(
            || "\u{a0}".repeat(4) + "/" + &"\u{a0}".repeat(4) + "/" + &"\u{a0}".repeat(6),
            xhht_domain::text::date,
        );
        let body = self.issuing_body.replace('\n', " ");
        format!("số {number} ngày {date} của {body}")
    }
}

/// A piece of a section's text.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// A numbered or lettered sub-heading ("1. Kết quả thực hiện các chỉ
    /// tiêu"), kept with what follows.
    Heading(String),
    /// A minor heading in italics ("a) Ưu điểm").
    Subheading(String),
    Paragraph(String),
    /// A list, each item after a dash, as Vietnamese reports write them.
    Bullets(Vec<String>),
    /// A note to whoever completes the draft, in italics.
    Note(String),
    Table(Grid),
    Chart(Chart),
}

/// A bordered table; the first row repeats on every page and no row splits.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Grid {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// A last row in bold ("Toàn quận"), when the table has one.
    pub total: Option<Vec<String>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    pub caption: String,
    /// A PNG (its own header gives its size).
    pub png: Vec<u8>,
}

/// One of the report's numbered parts (I, II, …: numbered when laid out, so
/// a yearly report without lessons has no gap).
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    /// "KẾT QUẢ THỰC HIỆN", without its number.
    pub title: String,
    pub blocks: Vec<Block>,
}

/// The annex on landscape pages: one row per unit, one column per indicator.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Annex {
    /// "Kết quả các chỉ tiêu theo đơn vị năm 2025".
    pub title: String,
    pub table: Grid,
    /// (code, full name) of each indicator column: "CT 2", "Tỷ lệ …".
    pub legend: Vec<(String, String)>,
}

/// Who made the file and when, for its core properties.
#[derive(Debug, Clone, PartialEq)]
pub struct Metadata {
    pub generated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ReportDocument {
    pub kind: ReportKind,
    pub issuing: Issuing,
    /// The trích yếu after "BÁO CÁO": "Kết quả thực hiện Kế hoạch … năm 2025".
    pub title: String,
    /// A line under it: "(theo Kế hoạch số 56/KH-UBND ngày …)"; may be empty.
    pub subtitle: String,
    /// Paragraphs before section I (the legal basis, the purpose).
    pub opening: Vec<Block>,
    pub sections: Vec<Section>,
    pub annex: Option<Annex>,
    pub metadata: Metadata,
}

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("không tạo được tệp Word: {0}")]
    Docx(#[from] docx_rs::DocxError),
    #[error("không đóng gói được tệp Word: {0}")]
    Package(String),
    #[error("biểu đồ “{0}” không phải ảnh PNG")]
    Image(String),
}

/// Lays the report out as a .docx.
pub fn render_document(doc: &ReportDocument) -> Result<Vec<u8>, RenderError> {
    let bytes = layout::build(doc)?;
    package::finish(&bytes, &package::Properties::of(doc))
}

/// One indicator's line in the results table.
pub struct IndicatorLine {
    pub number: i64,
    pub name: String,
    /// The target of each of the report's milestone years, in their order.
    pub targets: Vec<String>,
    pub this_year: String,
    pub last_year: String,
    pub baseline: String,
    pub status: String,
}

/// One task group with the units' passages.
pub struct TaskGroupText {
    pub title: String,
    /// (unit name, kind label, text); the kind label is one of
    /// [`draft::NarrativeKind::label`].
    pub passages: Vec<(String, String, String)>,
}

/// The flat value the web app builds today; [`render`] lays it out through
/// [`ReportDocument`].
pub struct YearlyReport {
    pub kind: ReportKind,
    pub year: i32,
    pub baseline_year: i32,
    /// The plan's milestone years: one target column each.
    pub milestones: Vec<i32>,
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
    /// A review's comparison of baseline and review year per indicator
    /// (empty for a yearly report).
    pub review: Vec<draft::ReviewLine>,
    /// The milestone the year is judged against, if there is one.
    pub target_year: Option<i32>,
    /// What section V looks ahead to: "năm 2026", "giai đoạn 2026-2030".
    pub next_period: String,
}

/// Lays the report out as a .docx.
pub fn render(r: &YearlyReport) -> Result<Vec<u8>, RenderError> {
    render_document(&legacy::document(r, Utc::now()))
}

pub use legacy::document as yearly_document;
