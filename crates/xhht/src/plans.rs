//! `xhht plan add | upgrade | list`: several plans in one database.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use xhht_domain::access::Role;
use xhht_domain::plan::{self, Plan};
use xhht_storage::{Conflict, NewUser, Stamp, StorageError};

use crate::cli::DbArgs;
use crate::commands::{database_url, open_scoped, open_store};

/// Reads and checks a plan file; every problem is printed with its line.
fn read_plan(file: &Path) -> Result<(Plan, String)> {
    let source = std::fs::read_to_string(file).with_context(|| format!("không đọc được {}", file.display()))?;
    match plan::load(&source) {
        Ok(p) => Ok((p, source)),
        Err(problems) => {
            for p in &problems {
                eprintln!("{}:{}:{}: {}", file.display(), p.line, p.column, p.message);
            }
            bail!("tệp kế hoạch có {} lỗi, chưa thay đổi gì", problems.len())
        }
    }
}

/// Installs another plan beside those in the database, with an
/// administrator of its own when `admin` is given.
pub async fn add(file: &Path, admin: Option<&str>, db: &DbArgs) -> Result<ExitCode> {
    let (plan, source) = read_plan(file)?;
    let store = open_store(&database_url(db)?).await?;
    let stamp = Stamp::now("xhht plan add").with_reason(format!("nạp thêm từ {}", file.display()));
    let scoped = match store.install_plan(&plan, &source, &stamp).await {
        Err(StorageError::Conflict(Conflict::PlanInstalled { code })) => {
            bail!("cơ sở dữ liệu đã có kế hoạch “{code}”; dùng `xhht plan upgrade` để cài phiên bản mới")
        }
        done => done?,
    };
    println!("Đã nạp kế hoạch {} (mã {}).", plan.info.number, plan.info.code);
    if let Some(username) = admin {
        let password = xhht_storage::random_password();
        let user = NewUser {
            username,
            display_name: "Quản trị viên",
            password: &password,
            role: Role::Admin,
            org_unit: &plan.reporting.submit_to,
            must_change_password: true,
        };
        scoped.create_user(&stamp, &user).await?;
        println!("Quản trị viên: {username}  mật khẩu: {password}  (phải đổi ở lần đăng nhập đầu tiên)");
    }
    println!(
        "Các trang chọn kế hoạch tại /ke-hoach; lệnh dòng dùng --plan {}.",
        plan.info.code
    );
    Ok(ExitCode::SUCCESS)
}

/// Installs a new version of a loaded plan and rebuilds its roll-ups;
/// refused, changing nothing, when it would orphan entered data.
pub async fn upgrade(file: &Path, db: &DbArgs) -> Result<ExitCode> {
    let (plan, source) = read_plan(file)?;
    let store = open_scoped(&DbArgs {
        database_url: db.database_url.clone(),
        plan: Some(db.plan.clone().unwrap_or_else(|| plan.info.code.clone())),
    })
    .await?;
    let stamp = Stamp::now("xhht plan upgrade").with_reason(format!("phiên bản mới từ {}", file.display()));
    let version = match store.upgrade_plan(&plan, &source, &stamp).await {
        Err(StorageError::Conflict(Conflict::WouldOrphan { items })) => bail!(
            "phiên bản mới bỏ những mục đã có số liệu hoặc tài khoản, chưa thay đổi gì: {}",
            items.join(", ")
        ),
        Err(StorageError::Conflict(Conflict::OtherPlan { installed, file })) => {
            bail!("tệp là kế hoạch “{file}”, không phải phiên bản mới của “{installed}”")
        }
        done => done?,
    };
    let rows = store.rebuild_rollups(&plan).await?;
    println!(
        "Đã cài phiên bản {version} của kế hoạch {} và tính lại {rows} dòng tổng hợp.",
        plan.info.number
    );
    Ok(ExitCode::SUCCESS)
}

/// Records the end of a plan (the default one, or `--plan`).
pub async fn end(on: &str, reason: &str, db: &DbArgs) -> Result<ExitCode> {
    let day = chrono::NaiveDate::parse_from_str(on.trim(), "%Y-%m-%d")
        .with_context(|| format!("ngày “{on}” không hợp lệ (dạng YYYY-MM-DD)"))?;
    let reason = reason.trim();
    if reason.is_empty() {
        bail!("cần ghi lý do kết thúc kế hoạch (--reason)");
    }
    let store = open_scoped(db).await?;
    let (plan, _) = store.load_plan().await?.context("cơ sở dữ liệu chưa có kế hoạch")?;
    store.end_plan(&Stamp::now("xhht plan end"), day, reason).await?;
    println!(
        "Kế hoạch {} kết thúc ngày {}; không nhận báo cáo sau năm {}.",
        plan.info.number,
        day.format("%d/%m/%Y"),
        plan.reporting.last_year.min(chrono::Datelike::year(&day))
    );
    Ok(ExitCode::SUCCESS)
}

pub async fn list(db: &DbArgs) -> Result<ExitCode> {
    let store = open_store(&database_url(db)?).await?;
    let plans = store.plans().await?;
    if plans.is_empty() {
        println!("Cơ sở dữ liệu chưa có kế hoạch (chạy `xhht init`).");
    }
    for p in plans {
        println!(
            "{:<28} {:<14} phiên bản {}  nạp {}",
            p.code, p.number, p.version, p.loaded_at
        );
    }
    Ok(ExitCode::SUCCESS)
}
