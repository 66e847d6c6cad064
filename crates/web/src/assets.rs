//! Static assets, embedded in the binary (no build step, nothing to deploy).

use axum::http::header;
use axum::response::{IntoResponse, Response};

use crate::respond::{AppError, Path};

const FILES: &[(&str, &str, &str)] = &[("app.css", "text/css; charset=utf-8", include_str!("../static/app.css"))];

/// The stylesheet's URL with a content hash, so browsers may cache it for
/// long and still fetch a new one after an upgrade.
pub fn css_url() -> &'static str {
    static URL: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        let css = FILES[0].2;
        let h = css.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
        });
        format!("/static/app.css?v={h:016x}")
    });
    &URL
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
