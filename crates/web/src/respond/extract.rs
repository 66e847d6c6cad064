//! axum's `Query`, `Form` and `Path`, refusing bad input with an [`AppError`]
//! (a Vietnamese page, or JSON under `/api/`) instead of axum's plain text.
//! Parameters that need words of their own deserialize through `TryFrom<String>`
//! with a Vietnamese error (see `crate::params`).

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use super::{AppError, ErrorKind};

/// A typed query string.
pub struct Query<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let raw = parts.uri.query().unwrap_or_default();
        serde_urlencoded::from_str(raw).map(Query).map_err(|e| {
            AppError::bad_request(format!("Địa chỉ có tham số không hợp lệ: {e}.")).titled("Địa chỉ không hợp lệ")
        })
    }
}

/// A typed url-encoded form.
pub struct Form<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Form<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let body = Bytes::from_request(req, state)
            .await
            .map_err(|_| AppError::new(ErrorKind::TooLarge, "Dữ liệu gửi lên quá lớn hoặc không đọc được."))?;
        serde_urlencoded::from_bytes(&body)
            .map(Form)
            .map_err(|e| AppError::bad_request(format!("Biểu mẫu gửi lên không hợp lệ: {e}.")))
    }
}

/// Typed path segments; a segment that does not parse is a page not found.
pub struct Path<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for Path<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(v)| Path(v))
            .map_err(|_| AppError::not_found("Địa chỉ này không tồn tại."))
    }
}
