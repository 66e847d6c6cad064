//! The not-found page.

use askama::Template;
use askama_web::WebTemplate;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::chrome::Chrome;

#[derive(Template, WebTemplate)]
#[template(path = "not_found.html")]
pub struct NotFoundPage {
    pub chrome: Chrome,
}

pub async fn not_found(chrome: Chrome) -> Response {
    (StatusCode::NOT_FOUND, NotFoundPage { chrome }).into_response()
}
