//! `xhht backup` and `xhht restore`: SQLite only; PostgreSQL uses pg_dump.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Result, bail};
use xhht_storage::{BackupRefusal, Stamp, StorageError, Store};

use crate::cli::{BackupArgs, RestoreArgs};
use crate::commands::{database_url, open_store};

const PG_DUMP: &str = "Cơ sở dữ liệu PostgreSQL: hãy sao lưu bằng pg_dump \
     (ví dụ: pg_dump --format=custom --file=xhht.dump \"$DATABASE_URL\") \
     và khôi phục bằng pg_restore; xhht backup chỉ sao lưu SQLite.";

pub async fn backup(args: BackupArgs) -> Result<ExitCode> {
    let url = database_url(&args.db.db())?;
    if sqlite_path(&url).is_none() {
        bail!(PG_DUMP);
    }
    let store = open_store(&url).await?;
    let stamp = Stamp::now("xhht backup");
    match store.backup_to(&stamp, &args.out).await {
        Ok(()) => {
            println!(
                "Đã sao lưu {url} vào {} (bản sao nhất quán, máy chủ vẫn chạy được).",
                args.out.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => bail!(refusal(e)),
    }
}

pub async fn restore(args: RestoreArgs) -> Result<ExitCode> {
    let url = database_url(&args.db.db())?;
    let Some(target) = sqlite_path(&url) else {
        bail!(PG_DUMP);
    };
    let stamp = Stamp::now("xhht restore");
    match Store::restore(&stamp, &args.from, Path::new(target), args.force).await {
        Ok(_) => {
            println!("Đã khôi phục {url} từ {}.", args.from.display());
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => bail!(refusal(e)),
    }
}

/// The file of a `sqlite:` URL (or a bare path); `None` for PostgreSQL.
fn sqlite_path(url: &str) -> Option<&str> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return None;
    }
    Some(
        url.strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .unwrap_or(url),
    )
}

fn refusal(e: StorageError) -> String {
    match e {
        StorageError::Backup(BackupRefusal::Postgres) => PG_DUMP.to_string(),
        StorageError::Backup(BackupRefusal::OutputExists { path }) => {
            format!(
                "tệp {} đã có; bản sao lưu không ghi đè, hãy chọn tên khác",
                path.display()
            )
        }
        StorageError::Backup(BackupRefusal::TargetNotEmpty { path }) => format!(
            "cơ sở dữ liệu {} đang có dữ liệu; thêm --force nếu thật sự muốn thay bằng bản sao lưu",
            path.display()
        ),
        StorageError::Backup(BackupRefusal::NotABackup { path }) => {
            format!("{} không phải bản sao lưu cơ sở dữ liệu XHHT", path.display())
        }
        other => format!("không sao lưu/khôi phục được: {other}"),
    }
}
