//! XHHT storage: one code path for SQLite (the default, one file) and
//! PostgreSQL. Every query is written once, with `$1` placeholders that both
//! drivers accept, and run on whichever pool [`Db`] holds.
//!
//! Every write is one locked transaction holding the change and its typed
//! audit event, opened by `write::Writer` (see there).

mod audit;
mod audit_chain;
mod backup;
mod connect;
mod error;
mod notices;
mod plans;
mod read;
mod report_drafts;
mod reports;
mod rollups;
mod sessions;
pub mod test_support;
mod units;
mod users;
mod write;

pub use audit::{AuditEvent, TrailPage};
pub use audit_chain::AuditReport;
pub use backup::BackupRefusal;
pub use connect::{Backend, Store};
pub use error::{Conflict, Missing, StorageError};
pub use notices::{Contact, NewNotice, NoticeBatch, NoticeKind, NoticeRow, OutgoingEmail, PendingEmail};
pub use plans::PlanRow;
pub use read::Reader;
pub use report_drafts::{DraftRow, DraftVersion, IssueFacts, IssuedReport};
pub use reports::{FormChanges, ReportRow, ReportSheet, Stamp};
pub use sessions::{NewSession, SessionUser};
pub use units::ImportCounts;
pub use users::{AccountEdit, NewUser, UserFilter, UserRow, hash_password, random_password, verify_password};

/// The two concrete pools. (sqlx's `Any` driver cannot decode what
/// PostgreSQL's aggregates return, so we keep the real drivers.)
#[derive(Clone, Debug)]
pub enum Db {
    Sqlite(sqlx::SqlitePool),
    Postgres(sqlx::PgPool),
}

/// Runs the same body on whichever pool `$db` holds; `$pool` is bound to it.
macro_rules! with_db {
    ($db:expr, $pool:ident => $body:expr) => {
        match $db {
            $crate::Db::Sqlite($pool) => $body,
            $crate::Db::Postgres($pool) => $body,
        }
    };
}
pub(crate) use with_db;

pub type Result<T> = std::result::Result<T, StorageError>;
