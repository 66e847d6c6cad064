use thiserror::Error;

#[derive(Debug, Error)]
pub enum StorageError {
    #[error("lỗi cơ sở dữ liệu: {0}")]
    Database(#[from] sqlx::Error),
    #[error("lỗi cập nhật cấu trúc cơ sở dữ liệu: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    #[error("địa chỉ cơ sở dữ liệu không hợp lệ «{0}» (dùng sqlite:TỆP hoặc postgres://…)")]
    BadUrl(String),
    #[error("kế hoạch lưu trong cơ sở dữ liệu không hợp lệ: {0}")]
    StoredPlan(String),
    #[error("{0}")]
    Conflict(String),
    #[error("không tìm thấy: {0}")]
    NotFound(String),
    #[error("{0}")]
    Refused(xhht_domain::workflow::Refusal),
    #[error("lỗi mã hóa mật khẩu: {0}")]
    Password(String),
}
