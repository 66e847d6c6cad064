//! The Word report: layout rules read back from the .docx, and (with
//! LibreOffice installed and XHHT_LIBREOFFICE_TESTS=1) a real conversion to PDF.

use std::io::Read;

use chrono::NaiveDate;
use xhht_office::report::{IndicatorLine, MOTTO, NATIONAL_TITLE, ReportKind, TaskGroupText, YearlyReport, render};

fn sample(kind: ReportKind) -> YearlyReport {
    let chart = xhht_charts::LineChart {
        title: "Tỷ lệ người 15-60 biết chữ".into(),
        y_label: "%".into(),
        unit: xhht_charts::Unit::Percent,
        years: (2021..=2030).collect(),
        values: vec![
            Some(99.1),
            Some(99.3),
            Some(99.4),
            Some(99.5),
            Some(99.6),
            None,
            None,
            None,
            None,
            None,
        ],
        targets: vec![(2025, 99.5), (2030, 99.6)],
    };
    let png = xhht_charts::svg_to_png(&chart.svg(), 2.0).expect("chart renders");
    YearlyReport {
        kind,
        year: 2025,
        baseline_year: 2021,
        superior_body: "Ủy ban nhân dân quận Ba Đình".into(),
        issuing_body: "Phòng Giáo dục và Đào tạo".into(),
        symbol: "Số:        /BC-GDĐT".into(),
        place_and_date: format!(
            "Ba Đình, {}",
            xhht_domain::text::date_long(NaiveDate::from_ymd_opt(2026, 2, 5).unwrap())
        ),
        title: "Kết quả thực hiện Kế hoạch xây dựng xã hội học tập năm 2025".into(),
        subtitle: "(theo Kế hoạch số 56/KH-UBND)".into(),
        indicators: vec![IndicatorLine {
            number: 2,
            name: "Tỷ lệ người trong độ tuổi 15-60 biết chữ".into(),
            target_2025: "99,5%".into(),
            target_2030: "99,6%".into(),
            this_year: "99,6%".into(),
            last_year: "99,5%".into(),
            baseline: "99,1%".into(),
            status: "Đạt".into(),
        }],
        charts: vec![("Biểu đồ 1: Tỷ lệ biết chữ".into(), png, 1440, 640)],
        task_groups: vec![TaskGroupText {
            title: "1. Tuyên truyền".into(),
            passages: vec![(
                "Phúc Xá".into(),
                "Kết quả đạt được".into(),
                "Tổ chức 12 buổi tuyên truyền.".into(),
            )],
        }],
        completeness: vec!["Có 42/42 đơn vị đã gửi báo cáo.".into()],
        annex_columns: vec!["Đơn vị".into(), "CT 2".into()],
        annex_rows: vec![vec!["Phúc Xá".into(), "99,6%".into()]],
        recipients: vec!["UBND quận".into(), "Lưu: VT".into()],
        signing_authority: String::new(),
        signer_title: "Trưởng phòng".into(),
        signer_name: "(ký, ghi rõ họ tên)".into(),
    }
}

fn part(docx: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(docx)).unwrap();
    let mut s = String::new();
    zip.by_name(name).unwrap().read_to_string(&mut s).unwrap();
    s
}

fn names(docx: &[u8]) -> Vec<String> {
    let zip = zip::ZipArchive::new(std::io::Cursor::new(docx)).unwrap();
    zip.file_names().filter_map(|n| n.ok().map(|n| n.to_string())).collect()
}

#[test]
fn layout_rules_of_decree_30() {
    let docx = render(&sample(ReportKind::Yearly)).unwrap();
    let doc = part(&docx, "word/document.xml");
    // A4 portrait, margins top/bottom 20 mm, left 30 mm, right 15 mm (twips).
    for attr in [
        r#"w:w="11906""#,
        r#"w:h="16838""#,
        r#"w:top="1134""#,
        r#"w:bottom="1134""#,
        r#"w:left="1701""#,
        r#"w:right="851""#,
    ] {
        assert!(doc.contains(attr), "missing {attr}");
    }
    assert!(doc.contains("Times New Roman"));
    assert!(
        !doc.contains("Calibri") && !doc.contains("Arial"),
        "only Times New Roman"
    );
    assert!(doc.contains(NATIONAL_TITLE) && doc.contains(MOTTO));
    assert!(
        doc.contains("Ba Đình, ngày 05 tháng 02 năm 2026"),
        "leading zeros in day and month"
    );
    assert!(doc.contains("<w:titlePg"), "a first page without page number");
    assert!(doc.contains("Nơi nhận:") && doc.contains("TRƯỞNG PHÒNG"));
    assert!(
        doc.contains("Tổ chức 12 buổi tuyên truyền."),
        "narratives with their unit"
    );
    // The page number sits in the default header; the first page's header is empty.
    let headers: Vec<String> = names(&docx)
        .into_iter()
        .filter(|n| n.starts_with("word/header"))
        .collect();
    assert!(headers.len() >= 2, "{headers:?}");
    assert!(
        headers.iter().any(|h| part(&docx, h).contains("PAGE")),
        "a PAGE field in a header"
    );
    assert!(
        names(&docx).iter().any(|n| n.starts_with("word/media/")),
        "the chart is embedded"
    );
}

#[test]
fn review_variants_compare_with_the_baseline() {
    let yearly = part(&render(&sample(ReportKind::Yearly)).unwrap(), "word/document.xml");
    let mid = part(&render(&sample(ReportKind::MidTerm)).unwrap(), "word/document.xml");
    assert!(!yearly.contains("Năm 2021 (gốc)"));
    assert!(mid.contains("Năm 2021 (gốc)") && mid.contains("99,1%"));
}

/// Opens the generated document in LibreOffice and reads the PDF back.
#[test]
fn libreoffice_converts_the_report_to_pdf() {
    if std::env::var("XHHT_LIBREOFFICE_TESTS").as_deref() != Ok("1") {
        xhht_storage::test_support::say_uncaptured(
            "SKIPPED: LibreOffice conversion (set XHHT_LIBREOFFICE_TESTS=1 with libreoffice and poppler-utils installed)\n",
        );
        return;
    }
    let dir = std::env::temp_dir().join(format!("xhht-lo-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let docx = dir.join("bao-cao.docx");
    std::fs::write(&docx, render(&sample(ReportKind::Yearly)).unwrap()).unwrap();
    let plan = xhht_domain::plan::builtin();
    let xlsx = dir.join("mau.xlsx");
    let values = xhht_domain::values::UnitValues::new();
    std::fs::write(
        &xlsx,
        xhht_office::template::unit_template(&plan, plan.unit("00001").unwrap(), 2026, &values, &values).unwrap(),
    )
    .unwrap();
    for file in [&docx, &xlsx] {
        let status = std::process::Command::new("soffice")
            .args(["--headless", "--convert-to", "pdf", "--outdir"])
            .arg(&dir)
            .arg(file)
            .env("HOME", &dir)
            .status()
            .expect("soffice runs (install libreoffice-writer-nogui and libreoffice-calc-nogui)");
        assert!(status.success());
    }
    let text = |pdf: &str| {
        let out = std::process::Command::new("pdftotext")
            .arg(dir.join(pdf))
            .arg("-")
            .output()
            .expect("pdftotext runs (poppler-utils)");
        // Table cells wrap: compare with the text's words joined by single spaces.
        String::from_utf8_lossy(&out.stdout)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    let report = text("bao-cao.pdf");
    assert!(report.contains(NATIONAL_TITLE), "{report}");
    assert!(
        report.contains("Tỷ lệ người trong độ tuổi") && report.contains("99,6%"),
        "the table: {report}"
    );
    let images = std::process::Command::new("pdfimages")
        .arg("-list")
        .arg(dir.join("bao-cao.pdf"))
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&images.stdout).lines().count() > 2,
        "the chart is in the PDF"
    );
    assert!(text("mau.pdf").contains("BÁO CÁO KẾT QUẢ XÂY DỰNG XÃ HỘI HỌC TẬP"));
    let _ = std::fs::remove_dir_all(&dir);
}
