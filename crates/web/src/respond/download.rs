//! Files to download: spreadsheets, Word documents, CSV.

use axum::http::header;
use axum::response::{IntoResponse, Response};

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

/// A CSV download: UTF-8 with a byte-order mark so Excel reads Vietnamese.
pub fn csv_response(filename: &str, header: &[&str], rows: impl Iterator<Item = Vec<String>>) -> Response {
    let mut w = csv::Writer::from_writer(vec![0xEF, 0xBB, 0xBF]);
    let _ = w.write_record(header);
    for r in rows {
        let _ = w.write_record(&r);
    }
    let body = w.into_inner().unwrap_or_default();
    let disposition = format!("attachment; filename=\"{filename}\"");
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response()
}
