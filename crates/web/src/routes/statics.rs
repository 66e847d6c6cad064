//! Static assets, embedded in the binary (no build step, nothing to deploy).

use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

const FILES: &[(&str, &str, &str)] = &[("app.css", "text/css; charset=utf-8", include_str!("../../static/app.css"))];

pub async fn file(Path(name): Path<String>) -> Response {
    match FILES.iter().find(|(n, _, _)| *n == name) {
        Some((_, mime, body)) => ([(header::CONTENT_TYPE, *mime), (header::CACHE_CONTROL, "public, max-age=3600")], *body).into_response(),
        None => (StatusCode::NOT_FOUND, "không tìm thấy").into_response(),
    }
}
