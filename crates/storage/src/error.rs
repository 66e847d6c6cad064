use thiserror::Error;
use xhht_domain::workflow::{Refusal, ReportState};

#[derive(Debug, Error)]
pub enum StorageError {
    #[error("lỗi cơ sở dữ liệu: {0}")]
    Database(#[from] sqlx::Error),
    #[error("lỗi cập nhật cấu trúc cơ sở dữ liệu: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    #[error("địa chỉ cơ sở dữ liệu không hợp lệ “{0}” (dùng sqlite:TỆP hoặc postgres://…)")]
    BadUrl(String),
    #[error("kế hoạch lưu trong cơ sở dữ liệu không hợp lệ: {0}")]
    StoredPlan(String),
    /// The change does not fit what is stored now (often: someone else acted
    /// first). Typed, so each front end words it in its own language.
    #[error("conflict: {0:?}")]
    Conflict(Conflict),
    #[error("not found: {0:?}")]
    NotFound(Missing),
    /// The workflow refused the move for a reason of the request itself
    /// (missing reason, errors in the values, not allowed).
    #[error("{0}")]
    Refused(Refusal),
    #[error("lỗi mã hóa mật khẩu: {0}")]
    Password(String),
    /// A backup or restore refused (see [`crate::BackupRefusal`]).
    #[error("backup: {0:?}")]
    Backup(crate::BackupRefusal),
    /// No turn to write came within the wait (the server is overloaded or
    /// a long write holds it): nothing was written.
    #[error("máy chủ đang bận, chưa ghi gì")]
    Busy,
    /// The commit shared by this write and others failed: nothing of this
    /// write was kept.
    #[error("lỗi ghi cơ sở dữ liệu: {0}")]
    GroupCommit(String),
    /// Stored data this code never writes (a hand-edited database).
    #[error("unreadable stored data: {0}")]
    Corrupt(String),
}

/// Why a write was refused by what is stored.
#[derive(Debug, Clone, PartialEq)]
pub enum Conflict {
    /// The report cannot be edited in its current state (submitted or approved).
    NotEditable {
        state: ReportState,
    },
    /// The report is no longer in a state where the action applies: another
    /// person moved it first (the loser of a race on approve/return/reopen).
    WrongState {
        found: ReportState,
    },
    /// A plan with this code is already installed (upgrade it instead).
    PlanInstalled {
        code: String,
    },
    /// An upgrade file is another plan than the one it would replace.
    OtherPlan {
        installed: String,
        file: String,
    },
    /// An upgrade would drop units, data or accounts that entered data uses.
    WouldOrphan {
        items: Vec<String>,
    },
    UsernameTaken {
        username: String,
    },
    UnknownUnit {
        code: String,
    },
    /// The area's report of this year and kind was already issued (its
    /// file is frozen): a second issue is refused.
    ReportIssued {
        year: i32,
        kind: String,
        number: String,
    },
    /// The account's role or unit changed since the administrator's page
    /// showed it (another administrator edited it first): now these.
    AccountChanged {
        username: String,
        role: xhht_domain::access::Role,
        unit: String,
    },
    /// An administrator may not change their own role.
    OwnRole,
    /// The plan's last enabled administrator would lose the role.
    LastAdmin {
        username: String,
    },
    /// An administrator's split of a unit among its successors does not add up.
    InvalidSplit {
        problem: xhht_domain::units::SplitProblem,
    },
}

/// What a write or read needed and did not find.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Missing {
    Report {
        unit: String,
        year: i32,
    },
    Account {
        id: i64,
    },
    Unit {
        code: String,
    },
    /// No plan installed yet.
    Plan,
    /// No saved version of the area's report draft with this number.
    DraftVersion {
        year: i32,
        kind: String,
        version: i32,
    },
    /// No notice with this id addressed to the account.
    Notice {
        id: i64,
    },
}

impl From<Conflict> for StorageError {
    fn from(c: Conflict) -> Self {
        Self::Conflict(c)
    }
}

impl From<Missing> for StorageError {
    fn from(m: Missing) -> Self {
        Self::NotFound(m)
    }
}
