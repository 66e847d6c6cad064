//! `xhht audit verify`: the audit trail's hash chain and the official values
//! checked against it (`Store::verify_audit`), in Vietnamese.

use std::process::ExitCode;
use std::time::Instant;

use anyhow::Result;

use crate::cli::UrlArgs;
use crate::commands::{database_url, open_store};

/// Exit 0 with one line when intact; 1 with the first problem otherwise.
pub async fn verify(db: &UrlArgs) -> Result<ExitCode> {
    // Opening seals the rows of a database made before the chain (once).
    let store = open_store(&database_url(&db.db())?).await?;
    let started = Instant::now();
    let report = store.verify_audit().await?;
    let took = started.elapsed().as_secs_f64() * 1000.0;
    if let Some(problem) = report.problem() {
        eprintln!("{problem}");
        eprintln!(
            "Nhật ký có {} sự kiện. Đối chiếu với bản sao lưu gần nhất để biết nội dung gốc.",
            report.events
        );
        return Ok(ExitCode::from(1));
    }
    println!(
        "Nhật ký kiểm toán nguyên vẹn: đã kiểm tra chuỗi mã băm của {} sự kiện và số liệu chính thức của {} báo cáo ({took:.0} ms).",
        report.events, report.values.checked_reports
    );
    if report.values.unchecked_reports > 0 {
        println!(
            "{} báo cáo có số liệu nạp hàng loạt (xhht bench, nhập từ hệ thống khác) không đối chiếu được: nhật ký chỉ ghi số lượng.",
            report.values.unchecked_reports
        );
    }
    Ok(ExitCode::SUCCESS)
}
