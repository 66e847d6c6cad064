//! Dashboards and the public pages, on SQLite and PostgreSQL.

mod common;

use axum::http::StatusCode;
use common::{Client, demo_apps};
use xhht_domain::plan::builtin;
use xhht_domain::values::DataValue;
use xhht_domain::workflow::ReportState;

#[tokio::test]
async fn every_dashboard_page_renders_internal_and_public() {
    let plan = builtin();
    for (_, app) in demo_apps("web_dashboards_render").await {
        let anon = Client::default();
        for base in ["", "/cong-khai"] {
            let home = if base.is_empty() { "/" } else { base };
            let r = anon.get(&app, &format!("{home}?year=2025")).await;
            assert_eq!(r.status, StatusCode::OK, "{home}");
            assert!(r.body.contains("<svg"), "trend lines on the dashboard");
            for ind in &plan.indicators {
                let uri = format!("{base}/chi-tieu/{}?year=2025", ind.code);
                let r = anon.get(&app, &uri).await;
                assert_eq!(r.status, StatusCode::OK, "{uri}");
                assert!(
                    r.body.contains(&ind.name.replace('"', "&#34;")) || r.body.contains(&ind.name),
                    "{uri}"
                );
            }
            for unit in ["00001", "001", "PGDDT"] {
                assert_eq!(
                    anon.get(&app, &format!("{base}/don-vi/{unit}?year=2025")).await.status,
                    StatusCode::OK
                );
            }
            let grid = anon.get(&app, &format!("{base}/so-sanh?year=2025")).await;
            assert_eq!(grid.status, StatusCode::OK);
            assert_eq!(grid.body.matches("<th scope=\"row\">").count(), 14, "one row per ward");
            assert_eq!(
                anon.get(&app, &format!("{base}/chi-tieu/khong-co")).await.status,
                StatusCode::NOT_FOUND
            );
        }
    }
}

#[tokio::test]
async fn indicator_page_sorts_wards_and_offers_downloads() {
    for (_, app) in demo_apps("web_indicator_page").await {
        let anon = Client::default();
        let by_name = anon
            .get(&app, "/cong-khai/chi-tieu/literacy_rate_15_60?year=2025&sort=ten")
            .await;
        // Vietnamese order: Cống Vị < Điện Biên < Đội Cấn < Giảng Võ < … (D < Đ, then tones).
        let pos = |name: &str| {
            by_name
                .body
                .find(&format!(">{name}</a>"))
                .unwrap_or_else(|| panic!("{name} missing"))
        };
        assert!(
            pos("Cống Vị") < pos("Điện Biên") && pos("Điện Biên") < pos("Đội Cấn") && pos("Đội Cấn") < pos("Giảng Võ")
        );
        assert!(pos("Ngọc Hà") < pos("Ngọc Khánh") && pos("Ngọc Khánh") < pos("Nguyễn Trung Trực"));
        let svg = anon
            .get(&app, "/cong-khai/chi-tieu/literacy_rate_15_60/bieu-do.svg")
            .await;
        assert_eq!(svg.status, StatusCode::OK);
        assert!(svg.body.starts_with("<svg") && svg.body.contains("Mục tiêu 99,5%"));
        let csv = anon
            .get(&app, "/cong-khai/chi-tieu/literacy_rate_15_60/du-lieu.csv")
            .await;
        assert_eq!(csv.status, StatusCode::OK);
        let lines: Vec<&str> = csv.body.lines().collect();
        assert!(
            lines[0]
                .trim_start_matches('\u{feff}')
                .starts_with("nam,ma_don_vi,don_vi")
        );
        // Every year 2021-2026: the district and its 14 wards.
        assert_eq!(lines.len() - 1, 6 * 15, "{}", csv.body);
    }
}

#[tokio::test]
async fn an_approval_shows_on_every_dashboard_at_the_next_load_and_drafts_never_do() {
    let plan = builtin();
    for (store, app) in demo_apps("web_dashboards_live").await {
        let anon = Client::default();
        let pages = [
            "/?year=2026",
            "/chi-tieu/literacy_rate_15_60?year=2026",
            "/cong-khai?year=2026",
            "/cong-khai/chi-tieu/literacy_rate_15_60?year=2026",
        ];
        let mut before = Vec::new();
        for p in pages {
            before.push(anon.get(&app, p).await.body);
        }
        // A draft with an absurd figure changes nothing anywhere.
        let ward = Client::login(&app, "giangvo", "xhht-demo").await; // 00031, a 2026 draft
        let r = ward
            .post(
                &app,
                "/reports/2026/00031",
                &[
                    ("v_pop_15_60", "9.999.999"),
                    ("v_literate_15_60", "1"),
                    ("action", "save"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        for (p, b) in pages.iter().zip(&before) {
            assert_eq!(&anon.get(&app, p).await.body, b, "{p} changed by a draft");
        }
        // Approving Trúc Bạch's submitted report changes them all at once.
        store
            .change_state(
                &xhht_storage::Stamp::now("chuyenvien"),
                &plan,
                "00004",
                2026,
                &[ReportState::Submitted],
                ReportState::Approved,
            )
            .await
            .unwrap();
        let official = store.approved_values(&plan, 2026).await.unwrap();
        let DataValue::Number(lit) = official.get("00004", "literate_15_60").unwrap() else {
            panic!()
        };
        let shown = xhht_domain::text::number(*lit, 0);
        for (p, b) in pages.iter().zip(&before) {
            let now = anon.get(&app, p).await.body;
            assert_ne!(&now, b, "{p} did not change after the approval");
            if p.contains("chi-tieu") {
                // Trúc Bạch's own line in the units table now reads its approved figure.
                let at = now
                    .find(">Trúc Bạch</a>")
                    .unwrap_or_else(|| panic!("{p} lists Trúc Bạch"));
                let line = &now[at..at + now[at..].find("</tr>").unwrap()];
                assert!(line.contains(&shown), "{p} shows the new ward figure {shown}: {line}");
                let was = &b[b.find(">Trúc Bạch</a>").unwrap()..];
                let was = &was[..was.find("</tr>").unwrap()];
                assert!(!was.contains(&shown), "{p} showed {shown} before the approval: {was}");
            }
        }
    }
}

#[tokio::test]
async fn public_pages_name_nobody() {
    for (_, app) in demo_apps("web_public_no_names").await {
        let reviewer = Client::login(&app, "chuyenvien", "xhht-demo").await;
        for p in [
            "/cong-khai",
            "/cong-khai/chi-tieu/literacy_rate_15_60",
            "/cong-khai/don-vi/00001",
            "/cong-khai/so-sanh",
        ] {
            let r = reviewer.get(&app, p).await;
            assert_eq!(r.status, StatusCode::OK);
            assert!(
                !r.body.contains("Chuyên viên Phòng GD&amp;ĐT") && !r.body.contains("chuyenvien"),
                "{p} names the account"
            );
            assert!(!r.body.contains("Đăng xuất"), "{p} shows the session");
            assert!(!r.body.contains("dữ liệu mẫu năm"), "{p} shows narrative text");
        }
    }
}

#[tokio::test]
async fn the_yearly_report_downloads_as_word_with_approved_figures_and_narratives() {
    use std::io::Read;
    for (_, app) in demo_apps("web_report_docx").await {
        let reviewer = Client::login(&app, "chuyenvien", "xhht-demo").await;
        let page = reviewer.get(&app, "/review/2025").await;
        assert!(
            page.body.contains("/review/2025/bao-cao.docx?loai=so-ket"),
            "the mid-term review is offered in 2025"
        );
        let req = axum::http::Request::get("/review/2025/bao-cao.docx?loai=so-ket")
            .header(axum::http::header::COOKIE, &reviewer.cookie)
            .body(axum::body::Body::empty())
            .unwrap();
        let res = tower::ServiceExt::oneshot(app.clone(), req).await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let bytes = http_body_util::BodyExt::collect(res.into_body())
            .await
            .unwrap()
            .to_bytes();
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
        let media = zip
            .file_names()
            .filter_map(Result::ok)
            .filter(|n| n.starts_with("word/media/"))
            .count();
        assert!(media >= 10, "a chart per numeric indicator, got {media}");
        let mut doc = String::new();
        zip.by_name("word/document.xml")
            .unwrap()
            .read_to_string(&mut doc)
            .unwrap();
        assert!(doc.contains("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"));
        assert!(doc.contains("Sơ kết giai đoạn 2021-2025"));
        assert!(
            doc.contains("Năm 2021 (gốc)"),
            "the mid-term review compares with the baseline"
        );
        assert!(doc.contains("(dữ liệu mẫu năm 2025)"), "narratives of approved reports");
        // The plan's milestone years and its [report] section: issuer, signer, recipients.
        for words in [
            "Mục tiêu 2025",
            "Mục tiêu 2030",
            "/BC-UBND",
            "PHÓ CHỦ TỊCH",
            "Phạm Thị Diễm",
            "Thường trực Quận ủy",
        ] {
            assert!(doc.contains(words), "“{words}”");
        }
        assert!(!doc.contains("TRƯỞNG PHÒNG"), "signed as the plan says");
        assert!(
            doc.contains("PHỤ LỤC") && doc.contains("Thành Công"),
            "the per-ward annex"
        );
        // The district-wide template: one row per ward.
        assert_eq!(
            reviewer.get(&app, "/review/2026/mau-tong-hop.xlsx").await.status,
            StatusCode::OK
        );
        // The annex in Excel.
        let xlsx = reviewer.get(&app, "/review/2025/phu-luc.xlsx").await;
        assert_eq!(xlsx.status, StatusCode::OK);
        // Reporters cannot; bad kinds are refused.
        assert_eq!(
            Client::login(&app, "trucbach", "xhht-demo")
                .await
                .get(&app, "/review/2025/phu-luc.xlsx")
                .await
                .status,
            StatusCode::FORBIDDEN
        );
        let ward = Client::login(&app, "phucxa", "xhht-demo").await;
        assert_eq!(
            ward.get(&app, "/review/2025/bao-cao.docx").await.status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            reviewer.get(&app, "/review/2025/bao-cao.docx?loai=x").await.status,
            StatusCode::BAD_REQUEST
        );
    }
}
