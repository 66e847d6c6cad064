//! Files to download: spreadsheets, Word documents, CSV.

use axum::http::header;
use axum::response::{IntoResponse, Response};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Deserialize;

use super::AppError;

pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
pub const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/// A file to download; making it failed is a server error naming `what`.
pub fn attachment<E: std::fmt::Display>(
    made: Result<Vec<u8>, E>,
    mime: &str,
    filename: &str,
    what: &str,
) -> Result<Response, AppError> {
    let bytes = made.map_err(|e| AppError::internal(format!("making {what} failed: {e}")))?;
    let disposition = format!("attachment; filename=\"{filename}\"");
    Ok((
        [
            (header::CONTENT_TYPE, mime.to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response())
}

/// How a CSV is written. Programs read `,` between fields and `.` in
/// numbers; Excel on a Vietnamese Windows (list separator `;`, decimal
/// comma) opens such a file in one column and misreads numbers, so
/// `?excel=vi` writes `;` and `99,5`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub enum CsvDialect {
    #[default]
    Plain,
    ExcelVi,
}

impl TryFrom<String> for CsvDialect {
    type Error = String;

    fn try_from(raw: String) -> Result<Self, Self::Error> {
        match raw.as_str() {
            "" => Ok(Self::Plain),
            "vi" => Ok(Self::ExcelVi),
            _ => Err(format!("excel “{raw}” không hỗ trợ (có: vi)")),
        }
    }
}

/// A cell of a CSV: text as is, or a number written in the dialect's way.
pub enum Cell {
    Text(String),
    Num(Option<f64>),
}

impl Cell {
    fn write(&self, dialect: CsvDialect) -> String {
        match (self, dialect) {
            (Self::Text(s), _) => s.clone(),
            (Self::Num(None), _) => String::new(),
            (Self::Num(Some(x)), CsvDialect::Plain) => x.to_string(),
            // No thousands separator: Excel reads "1234,5" as a number.
            (Self::Num(Some(x)), CsvDialect::ExcelVi) => x.to_string().replace('.', ","),
        }
    }
}

impl From<String> for Cell {
    fn from(s: String) -> Self {
        Self::Text(s)
    }
}

impl From<&str> for Cell {
    fn from(s: &str) -> Self {
        Self::Text(s.to_string())
    }
}

/// A download's name: in Vietnamese for people ("Số liệu Tỷ lệ … .csv"),
/// sent as RFC 5987 `filename*`, with an ASCII slug as `filename` for
/// clients that read only that.
pub fn disposition(name: &str, ext: &str) -> String {
    // RFC 5987 attr-char: letters, digits and !#$&+-.^_`|~ go as they are.
    const ATTR: &AsciiSet = &NON_ALPHANUMERIC
        .remove(b'!')
        .remove(b'#')
        .remove(b'$')
        .remove(b'&')
        .remove(b'+')
        .remove(b'-')
        .remove(b'.')
        .remove(b'^')
        .remove(b'_')
        .remove(b'`')
        .remove(b'|')
        .remove(b'~');
    let ascii = xhht_domain::text::slug(name);
    let ascii = if ascii.is_empty() { "tai-ve".to_string() } else { ascii };
    let full = format!("{name}.{ext}");
    format!(
        "attachment; filename=\"{ascii}.{ext}\"; filename*=UTF-8''{}",
        utf8_percent_encode(&full, ATTR)
    )
}

/// A CSV download named `name` (Vietnamese, without `.csv`): UTF-8 with a
/// byte-order mark so Excel reads Vietnamese, in `dialect`.
pub fn csv_response(
    name: &str,
    dialect: CsvDialect,
    header: &[&str],
    rows: impl Iterator<Item = Vec<Cell>>,
) -> Response {
    let delimiter = match dialect {
        CsvDialect::Plain => b',',
        CsvDialect::ExcelVi => b';',
    };
    let mut w = csv::WriterBuilder::new()
        .delimiter(delimiter)
        .from_writer(vec![0xEF, 0xBB, 0xBF]);
    let _ = w.write_record(header);
    for r in rows {
        let _ = w.write_record(r.iter().map(|c| c.write(dialect)));
    }
    let body = w.into_inner().unwrap_or_default();
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, disposition(name, "csv")),
        ],
        body,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_vietnamese_with_an_ascii_fallback() {
        let d = disposition("Số liệu Tỷ lệ biết chữ", "csv");
        assert!(d.starts_with("attachment; filename=\"so-lieu-ty-le-biet-chu.csv\"; filename*=UTF-8''"));
        assert!(
            d.ends_with("S%E1%BB%91%20li%E1%BB%87u%20T%E1%BB%B7%20l%E1%BB%87%20bi%E1%BA%BFt%20ch%E1%BB%AF.csv"),
            "{d}"
        );
    }

    #[test]
    fn excel_numbers_take_a_decimal_comma() {
        assert_eq!(Cell::Num(Some(99.5)).write(CsvDialect::ExcelVi), "99,5");
        assert_eq!(Cell::Num(Some(1234.0)).write(CsvDialect::ExcelVi), "1234");
        assert_eq!(Cell::Num(Some(99.5)).write(CsvDialect::Plain), "99.5");
        assert_eq!(Cell::Num(None).write(CsvDialect::ExcelVi), "");
    }
}
