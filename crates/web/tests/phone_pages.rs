//! What phones and printers rely on in the HTML itself, on SQLite and
//! PostgreSQL: every comparison cell names its indicator, indicator pages
//! carry a narrow chart beside the wide one, every page has a skip link and
//! a link to help, and the help page speaks from the plan. (How it all looks
//! at 390 px is `phone.rs`, in a browser.)

mod common;

use axum::http::StatusCode;
use common::{Client, demo_apps};
use xhht_domain::plan::builtin;

#[tokio::test]
async fn comparison_cells_name_their_indicator_and_state() {
    let plan = builtin();
    for (_, app) in demo_apps("web_phone_compare").await {
        let grid = Client::default().get(&app, "/cong-khai/so-sanh?year=2025").await;
        assert_eq!(grid.status, StatusCode::OK);
        let body = grid.body;
        let tbody = &body[body.find("<tbody>").unwrap()..];
        let cells = tbody.matches("<td ").count();
        assert_eq!(cells, 14 * plan.indicators.len(), "a cell per ward and indicator");
        for ind in &plan.indicators {
            let label = format!("data-label=\"{}. {}\"", ind.number, ind.name.replace('"', "&#34;"));
            assert_eq!(tbody.matches(&label).count(), 14, "{label} on each ward's cell");
        }
        // Every cell says its state in words; “·” is only for the eye.
        assert_eq!(tbody.matches("<small class=\"st-word\">").count(), cells);
        assert!(!tbody.contains("\">·<") || tbody.contains("<span aria-hidden=\"true\">·</span>"));
        assert!(tbody.contains("<small class=\"st-word\">không áp dụng</small>"));
    }
}

#[tokio::test]
async fn indicator_pages_carry_a_narrow_chart_and_every_page_a_skip_link() {
    for (_, app) in demo_apps("web_phone_charts").await {
        let anon = Client::default();
        let page = anon.get(&app, "/chi-tieu/literacy_rate_15_60?year=2025").await.body;
        for (class, width) in [("chart-wide", 720), ("chart-narrow", 320)] {
            let at = page
                .find(&format!("<div class=\"{class}\"><svg"))
                .unwrap_or_else(|| panic!("no {class} chart"));
            let svg = &page[at..];
            assert!(
                svg.contains(&format!("viewBox=\"0 0 {width} ")),
                "{class} is {width} wide"
            );
        }
        assert_eq!(
            page.matches("<div class=\"chart-narrow\"><svg").count(),
            2,
            "line and bars"
        );
        for path in ["/", "/cong-khai/so-sanh", "/login", "/tro-giup", "/ke-hoach"] {
            let body = anon.get(&app, path).await.body;
            let skip = body.find("<a class=\"skip\" href=\"#main\">Bỏ qua đến nội dung chính</a>");
            let header = body.find("<header");
            assert!(skip.is_some() && skip < header, "{path}: the skip link comes first");
            assert!(body.contains("<main id=\"main\""), "{path}");
            assert!(
                body.contains("<a href=\"/tro-giup\">Trợ giúp</a>"),
                "{path}: help in the header"
            );
        }
    }
}

#[tokio::test]
async fn the_help_page_speaks_from_the_plan_for_every_role() {
    let plan = builtin();
    for (_, app) in demo_apps("web_phone_help").await {
        let r = Client::default().get(&app, "/tro-giup").await;
        assert_eq!(r.status, StatusCode::OK);
        let body = r.body.replace("&amp;", "&").replace("&#38;", "&");
        for section in [
            "don-vi",
            "chuyen-vien",
            "lanh-dao",
            "quan-tri",
            "nguoi-dan",
            "tai-khoan",
        ] {
            assert!(body.contains(&format!("id=\"{section}\"")), "a section {section}");
        }
        let due = format!("{:02}/{:02}", plan.reporting.due_day, plan.reporting.due_month);
        for words in [
            plan.info.number.as_str(),
            plan.reviewer().display_name(),
            due.as_str(),
            "các phường",
            "Lưu nháp",
            "Gửi báo cáo",
            "Nhập từ Excel",
            "Giải trình các cảnh báo",
            "Gia hạn",
            "Ban hành",
            "Đổi mật khẩu",
        ] {
            assert!(body.contains(words), "help says “{words}”");
        }
        // A reporter keeps the header's account links on the help page.
        let ward = Client::login(&app, "vinhphuc", "xhht-demo").await;
        let mine = ward.get(&app, "/tro-giup").await.body;
        assert!(mine.contains("Đăng xuất") && mine.contains("Báo cáo của đơn vị"));
    }
}
