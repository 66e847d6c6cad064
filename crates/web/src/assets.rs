//! Static assets, embedded in the binary (no build step, nothing to deploy).

use axum::http::header;
use axum::response::{IntoResponse, Response};

use crate::respond::{AppError, Path};

const FILES: &[(&str, &str, &str)] = &[
    ("app.css", "text/css; charset=utf-8", include_str!("../static/app.css")),
    // Small progressive help for the report form; the form works without it.
    (
        "report.js",
        "text/javascript; charset=utf-8",
        include_str!("../static/report.js"),
    ),
];

/// The stylesheet's URL with a content hash, so browsers may cache it for
/// long and still fetch a new one after an upgrade.
pub fn css_url() -> &'static str {
    static URL: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| hashed_url(0));
    &URL
}

/// The report form's script's URL, hashed like the stylesheet's.
pub fn report_js_url() -> &'static str {
    static URL: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| hashed_url(1));
    &URL
}

fn hashed_url(file: usize) -> String {
    let (name, _, body) = FILES[file];
    let h = body.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    });
    format!("/static/{name}?v={h:016x}")
}

pub async fn file(Path(name): Path<String>) -> Result<Response, AppError> {
    let (_, mime, body) = FILES
        .iter()
        .find(|(n, _, _)| *n == name)
        .ok_or_else(|| AppError::not_found("Không có tệp này."))?;
    Ok((
        [
            (header::CONTENT_TYPE, *mime),
            (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
        ],
        *body,
    )
        .into_response())
}
