//! A second locality's plan end to end, on SQLite and PostgreSQL: the ward
//! plan of Thanh Khê (2026-2030, residential groups in clusters, reports to
//! the ward's office by 05/12, milestones 2028 and 2030, signed by a vice
//! chairman) is installed, reported and approved through storage, then every
//! page and document is rendered through the real router. Each speaks the
//! plan's own words, and no word of the first plan (Ba Đình's 56/KH-UBND)
//! leaks into any of them.

mod common;

use std::io::Read;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::Client;
use http_body_util::BodyExt;
use tower::ServiceExt;
use xhht_domain::access::Role;
use xhht_domain::plan::{self, Plan};
use xhht_domain::values::DataValue;
use xhht_domain::workflow::ReportState;
use xhht_storage::{FormChanges, NewUser, Stamp, Store, test_support};
use xhht_web::{AppState, router};

const WARD_PLAN: &str = include_str!("../../domain/tests/fixtures/phuong-thanh-khe-2026.toml");
const PASSWORD: &str = "xhht-kiem-thu";
const YEAR: i32 = 2026;
/// The plan's reviewing unit as running text names it (its short name).
const REVIEWER: &str = "Văn phòng HĐND-UBND";

/// Words of the first plan that must never appear in the second's outputs.
const LEAKS: [&str; 8] = [
    "Ba Đình",
    "Phòng GD",
    "Giáo dục và Đào tạo duyệt",
    "Mục tiêu 2025",
    "56/KH",
    "các phường",
    "theo phường",
    "TRƯỞNG PHÒNG",
];

fn n(x: f64) -> DataValue {
    DataValue::Number(x)
}

fn stamp() -> Stamp {
    Stamp::now("kiểm thử").with_reason("Kế hoạch phường Thanh Khê (kiểm thử)")
}

/// Saves `unit`'s values for `year`, submits them, and takes the decision.
async fn report(store: &Store, plan: &Plan, unit: &str, year: i32, values: &[(&str, DataValue)], end: ReportState) {
    let form = FormChanges {
        values: values.iter().map(|(c, v)| (c.to_string(), Some(v.clone()))).collect(),
        narratives: Vec::new(),
        explanation: None,
    };
    store.save_form(&stamp(), unit, year, &form).await.unwrap();
    use ReportState::*;
    store
        .change_state(&stamp(), plan, unit, year, &[Draft], Submitted)
        .await
        .unwrap();
    if end != Submitted {
        let s = stamp().with_reason("Đề nghị kiểm tra lại số hộ (kiểm thử)");
        store
            .change_state(&s, plan, unit, year, &[Submitted], end)
            .await
            .unwrap();
    }
}

async fn group(store: &Store, plan: &Plan, code: &str, hh: f64, lhh: f64, community: bool, end: ReportState) {
    let values = [
        ("households", n(hh)),
        ("learning_households", n(lhh)),
        ("learning_community", DataValue::Bool(community)),
        ("pop_15_60", n(hh * 2.0)),
        ("literate_15_60", n(hh * 2.0 - 1.0)),
    ];
    report(store, plan, code, YEAR, &values, end).await;
}

/// The ward plan installed with two accounts, the groups' 2025 baseline
/// and 2026's reports: four of
/// the five residential groups approved (the fifth returned), both mass
/// organisations, the school and the office approved.
async fn ward_apps(name: &str) -> Vec<(Store, Router)> {
    let plan = plan::load(WARD_PLAN).unwrap_or_else(|p| panic!("{p:#?}"));
    let mut out = Vec::new();
    for store in test_support::stores(name).await {
        store.install_plan(&plan, WARD_PLAN, &stamp()).await.unwrap();
        let accounts = [
            ("quantri", Role::Admin, "VP"),
            ("vanphong", Role::Reviewer, "VP"),
            ("to1", Role::Reporter, "T1"),
        ];
        for (username, role, unit) in accounts {
            let user = NewUser {
                username,
                display_name: &format!("Cán bộ {unit}"),
                password: PASSWORD,
                role,
                org_unit: unit,
                must_change_password: false,
            };
            store.create_user(&stamp(), &user).await.unwrap();
        }
        use ReportState::{Approved, Returned};
        // The 2025 baseline, before the plan's first year: every group approved.
        for code in ["T1", "T2", "T3", "T4", "T5"] {
            let values = [("households", n(100.0)), ("learning_households", n(40.0))];
            report(&store, &plan, code, 2025, &values, Approved).await;
        }
        group(&store, &plan, "T1", 120.0, 90.0, true, Approved).await;
        group(&store, &plan, "T2", 80.0, 50.0, false, Approved).await;
        group(&store, &plan, "T3", 100.0, 75.0, true, Approved).await;
        group(&store, &plan, "T4", 150.0, 90.0, true, Approved).await;
        group(&store, &plan, "T5", 50.0, 20.0, false, Returned).await;
        for (unit, members, citizens) in [("KH", 200.0, 120.0), ("PN", 300.0, 150.0)] {
            let values = [("members", n(members)), ("members_learning_citizens", n(citizens))];
            report(&store, &plan, unit, YEAR, &values, Approved).await;
        }
        let school = [
            ("library_books", n(1000.0)),
            ("pupils", n(400.0)),
            ("school_digital_ready", DataValue::Bool(true)),
        ];
        report(&store, &plan, "TH", YEAR, &school, Approved).await;
        let office = [
            ("literacy_level", DataValue::Status("level_2".into())),
            ("clc_rating", DataValue::Status("fair".into())),
        ];
        report(&store, &plan, "VP", YEAR, &office, Approved).await;
        let state = AppState::load(store.clone()).await.unwrap();
        out.push((store, router(state)));
    }
    out
}

fn assert_no_leak(what: &str, text: &str) {
    for word in LEAKS {
        assert!(!text.contains(word), "{what} speaks of the first plan: “{word}”");
    }
}

/// A download's bytes, as the browser gets them.
async fn bytes(app: &Router, client: &Client, uri: &str) -> Vec<u8> {
    let req = Request::get(uri)
        .header(header::COOKIE, &client.cookie)
        .body(Body::empty())
        .unwrap();
    let res = app.clone().oneshot(req).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK, "{uri}");
    res.into_body().collect().await.unwrap().to_bytes().to_vec()
}

/// The text of every XML part of a .docx or .xlsx, tags dropped (so words
/// split over runs read whole), with `&amp;` read back.
fn zip_text(file: &[u8]) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(file)).unwrap();
    let mut out = String::new();
    for i in 0..zip.len() {
        let mut part = zip.by_index(i).unwrap();
        if !part.name().unwrap().ends_with(".xml") {
            continue;
        }
        let mut xml = String::new();
        part.read_to_string(&mut xml).unwrap();
        let mut inside = false;
        for c in xml.chars() {
            match c {
                '<' => inside = true,
                '>' => {
                    inside = false;
                    out.push(' ');
                }
                _ if !inside => out.push(c),
                _ => {}
            }
        }
    }
    out.replace("&amp;", "&")
}

/// A page's text with entities read back ("GD&amp;ĐT" is "GD&ĐT").
fn page(body: &str) -> String {
    body.replace("&amp;", "&").replace("&#34;", "\"")
}

#[tokio::test]
async fn every_page_speaks_from_the_second_plan() {
    let plan = plan::load(WARD_PLAN).unwrap();
    for (_, app) in ward_apps("web_second_plan_pages").await {
        let anon = Client::default();
        for base in ["", "/cong-khai"] {
            let home = if base.is_empty() { "/" } else { base };
            let r = anon.get(&app, &format!("{home}?year={YEAR}")).await;
            assert_eq!(r.status, StatusCode::OK, "{home}");
            let body = page(&r.body);
            assert!(
                body.contains("Mục tiêu 2028") && body.contains("Mục tiêu 2030"),
                "{home}"
            );
            assert!(
                body.contains("So sánh các cụm dân cư"),
                "{home}: the plan's sub-unit label"
            );
            assert!(body.contains(REVIEWER), "{home}: the plan's reviewer");
            assert!(body.contains("05/12/2026"), "{home}: the plan's deadline");
            // 4 of 5 groups approved: the ward's household rate is provisional, unjudged.
            assert!(body.contains("Tạm tính"), "{home}");
            assert!(
                body.contains(r##"r="3" fill="#ffffff""##),
                "{home}: its trend ends hollow"
            );
            assert_no_leak(home, &body);

            let grid = anon.get(&app, &format!("{base}/so-sanh?year={YEAR}")).await;
            assert_eq!(grid.status, StatusCode::OK);
            let body = page(&grid.body);
            assert!(body.contains("So sánh các cụm dân cư"));
            assert_eq!(body.matches("<th scope=\"row\">").count(), 2, "one row per cluster");
            assert!(body.contains("Cụm dân cư số 1") && body.contains("Cụm dân cư số 2"));
            // Cluster 2 has one of its two groups approved: its cells are provisional.
            assert!(body.contains(r#"<td class="st-provisional" title="Tạm tính" data-label="#));
            assert_no_leak("so-sanh", &body);

            for ind in &plan.indicators {
                let uri = format!("{base}/chi-tieu/{}?year={YEAR}", ind.code);
                let r = anon.get(&app, &uri).await;
                assert_eq!(r.status, StatusCode::OK, "{uri}");
                assert_no_leak(&uri, &page(&r.body));
            }
            for unit in ["TK", "C1", "C2", "VP", "TH"] {
                let uri = format!("{base}/don-vi/{unit}?year={YEAR}");
                let r = anon.get(&app, &uri).await;
                assert_eq!(r.status, StatusCode::OK, "{uri}");
                assert_no_leak(&uri, &page(&r.body));
            }
        }
        // A target for the ward and its clusters only: "không áp dụng" to a group.
        let group = page(&anon.get(&app, &format!("/don-vi/T1?year={YEAR}")).await.body);
        assert!(
            group.contains("Không áp dụng"),
            "learning_community_share applies to ward and clusters"
        );
        let school = page(&anon.get(&app, &format!("/don-vi/TH?year={YEAR}")).await.body);
        assert!(
            school.contains("Không áp dụng"),
            "school_digital_share applies to the ward only"
        );
        // The chart of a provisional year: a hollow point, named in the legend.
        let svg = anon.get(&app, "/chi-tieu/learning_household_rate/bieu-do.svg").await;
        assert_eq!(svg.status, StatusCode::OK);
        assert!(svg.body.contains(r##"fill="#ffffff" stroke="#0b5cab""##));
        assert!(svg.body.contains("Tạm tính") && svg.body.contains("Mục tiêu"));
        assert_no_leak("bieu-do.svg", &svg.body);

        // Help speaks of this plan's deadline, reviewer and units.
        let help = page(&anon.get(&app, "/tro-giup").await.body);
        assert!(
            help.contains("05/12") && help.contains(REVIEWER),
            "help speaks from the plan"
        );
        assert_no_leak("tro-giup", &help);
        let reviewer = Client::login(&app, "vanphong", PASSWORD).await;
        let list = reviewer.get(&app, &format!("/review/{YEAR}?state=all")).await;
        assert_eq!(list.status, StatusCode::OK);
        let body = page(&list.body);
        assert!(
            body.contains("Mẫu tổng hợp các tổ dân phố"),
            "the summary template's units"
        );
        assert!(
            body.contains(">Tổ dân phố<") && body.contains(">Đoàn thể<"),
            "the plan's type labels"
        );
        assert!(!body.contains("loai=so-ket"), "no mid-term review in 2026");
        assert!(body.contains("05/12/2026"));
        assert_no_leak("review list", &body);
        // The plan's own types filter the list.
        let orgs = page(
            &reviewer
                .get(&app, &format!("/review/{YEAR}?type=mass_organisation&state=all"))
                .await
                .body,
        );
        assert!(orgs.contains("Hội Khuyến học phường") && !orgs.contains("Tổ dân phố 1"));
        let bad = reviewer.get(&app, &format!("/review/{YEAR}?type=khong-co")).await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);
        // The default view: what is still owed, the returned group among it.
        let owed = reviewer.get(&app, &format!("/review/{YEAR}")).await;
        assert_eq!(owed.status, StatusCode::OK);
        let owed = page(&owed.body);
        assert!(
            owed.contains(&format!("href=\"/reports/{YEAR}/T5\"")),
            "the returned group is owed"
        );
        assert_no_leak("review list, còn thiếu", &owed);
        // The leader's page, as the plan's reviewer may read it too.
        let leader = reviewer.get(&app, &format!("/lanh-dao/{YEAR}")).await;
        assert_eq!(leader.status, StatusCode::OK, "{}", leader.body);
        let leader = page(&leader.body);
        assert!(
            leader.contains(&format!("href=\"/reports/{YEAR}/T5\"")),
            "the returned group is missing"
        );
        assert!(leader.contains("Đơn vị chậm so với chỉ tiêu"));
        assert_no_leak("leader page", &leader);
        let review = page(&reviewer.get(&app, "/review/2028").await.body);
        assert!(review.contains("loai=so-ket") && review.contains("Sơ kết 2026-2028"));

        // The returned report: the plan's reviewer returned it; its history.
        let returned = reviewer.get(&app, &format!("/reports/{YEAR}/T5")).await;
        assert_eq!(returned.status, StatusCode::OK);
        let body = page(&returned.body);
        assert!(body.contains(&format!("{REVIEWER} trả lại báo cáo")), "the return note");
        assert!(body.contains("Đề nghị kiểm tra lại số hộ"), "the history");
        assert!(body.contains("Hạn nộp: 05/12/2026"));
        assert_no_leak("report T5", &body);

        // The accounts' pages.
        let admin = Client::login(&app, "quantri", PASSWORD).await;
        for uri in ["/admin/users", "/account/password", "/login"] {
            let r = admin.get(&app, uri).await;
            assert_eq!(r.status, StatusCode::OK, "{uri}");
            assert_no_leak(uri, &page(&r.body));
        }

        let reporter = Client::login(&app, "to1", PASSWORD).await;
        let form = reporter.get(&app, &format!("/reports/{YEAR}/T1?msg=submitted")).await;
        assert_eq!(form.status, StatusCode::OK);
        let body = page(&form.body);
        assert!(body.contains(&format!("Đã gửi báo cáo tới {REVIEWER}.")), "the notice");
        assert_no_leak("report T1", &body);
        // A reporter is refused the area's documents without naming any office.
        let refused = reporter.get(&app, &format!("/review/{YEAR}/phu-luc.xlsx")).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
        assert_no_leak("refusal", &page(&refused.body));
    }
}

#[tokio::test]
async fn every_document_speaks_from_the_second_plan() {
    for (store, app) in ward_apps("web_second_plan_documents").await {
        let reviewer = Client::login(&app, "vanphong", PASSWORD).await;
        for uri in [
            format!("/review/{YEAR}/bao-cao.docx"),
            "/review/2028/bao-cao.docx?loai=so-ket".to_string(),
        ] {
            let doc = zip_text(&bytes(&app, &reviewer, &uri).await);
            assert!(doc.contains("Mục tiêu 2028") && doc.contains("Mục tiêu 2030"), "{uri}");
            for words in [
                "PHÓ CHỦ TỊCH",
                "Trần Văn Bình",
                "KT. CHỦ TỊCH",
                "/BC-UBND",
                "Sở Giáo dục và Đào tạo",
                "Văn phòng HĐND và UBND phường duyệt",
                "45/KH-UBND",
                "Thanh Khê, ngày",
            ] {
                assert!(doc.contains(words), "{uri}: “{words}”");
            }
            assert_no_leak(&uri, &doc);
        }
        assert!(
            zip_text(&bytes(&app, &reviewer, "/review/2028/bao-cao.docx?loai=so-ket").await)
                .contains("Sơ kết giai đoạn 2026-2028")
        );
        // A review only in the plan's review years.
        let bad = reviewer
            .get(&app, &format!("/review/{YEAR}/bao-cao.docx?loai=so-ket"))
            .await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);
        assert_eq!(
            reviewer
                .get(&app, "/review/2028/bao-cao.docx?loai=tong-ket")
                .await
                .status,
            StatusCode::BAD_REQUEST
        );

        // The annex: every unit has a cell under every indicator, blank where
        // it does not report it; single-unit indicators are kept.
        let state = AppState::load(store.clone()).await.unwrap();
        let table = xhht_web::annex(&state, YEAR).await.unwrap();
        let column = |code: &str| {
            let number = state.plan.indicator(code).unwrap().number;
            table
                .columns
                .iter()
                .position(|(c, _)| *c == format!("CT {number}"))
                .unwrap_or_else(|| panic!("no column for {code}"))
        };
        let row = |name: &str| {
            &table
                .rows
                .iter()
                .find(|(n, _)| n == name)
                .unwrap_or_else(|| panic!("no row {name}"))
                .1
        };
        assert_eq!(
            table.columns.len(),
            state.plan.indicators.len(),
            "every indicator has a column"
        );
        assert!(table.rows.iter().all(|(_, cells)| cells.len() == table.columns.len()));
        let office = row("Văn phòng HĐND-UBND");
        assert_eq!(office[column("literacy_standard")].shown, "Mức độ 2");
        assert_eq!(
            office[column("learning_household_rate")].shown,
            "",
            "blank: not the office's"
        );
        let school = row("Trường Tiểu học Thanh Khê");
        assert_eq!(school[column("books_per_pupil")].value, Some(2.5), "1000 / 400");
        assert_eq!(school[column("literacy_rate")].shown, "");
        let cluster = row("Cụm dân cư số 1");
        // (90 + 50 + 75) / (120 + 80 + 100) = 71,67%
        let v = cluster[column("learning_household_rate")].value.unwrap();
        assert!((v - 215.0 / 3.0).abs() < 1e-9, "{v}");
        assert_eq!(cluster[column("books_per_pupil")].shown, "");

        let annex = zip_text(&bytes(&app, &reviewer, &format!("/review/{YEAR}/phu-luc.xlsx")).await);
        assert!(annex.contains("Cụm dân cư số 1") && annex.contains("Phường Thanh Khê"));
        assert_no_leak("phu-luc.xlsx", &annex);

        // The summary template: one row per residential group.
        let summary = zip_text(&bytes(&app, &reviewer, &format!("/review/{YEAR}/mau-tong-hop.xlsx")).await);
        assert!(summary.contains("T1,T2,T3,T4,T5"), "the groups, listed for import");
        for g in 1..=5 {
            assert!(summary.contains(&format!("Tổ dân phố {g}")));
        }
        assert!(summary.contains("45/KH-UBND"));
        assert_no_leak("mau-tong-hop.xlsx", &summary);

        let reporter = Client::login(&app, "to1", PASSWORD).await;
        let unit = zip_text(&bytes(&app, &reporter, &format!("/reports/{YEAR}/T1/mau.xlsx")).await);
        assert!(unit.contains("hạn nộp 05/12/2026") && unit.contains("Tổ dân phố 1"));
        assert_no_leak("mau.xlsx", &unit);
    }
}

/// The plan's reviewer names the demo's reviewing accounts.
#[test]
fn sample_accounts_take_the_plans_reviewer() {
    let plan = plan::load(WARD_PLAN).unwrap();
    let accounts = xhht_sample::demo_accounts(&plan);
    let names: Vec<&str> = accounts.iter().map(|a| a.display_name.as_str()).collect();
    assert!(names.contains(&"Quản trị Văn phòng HĐND-UBND"), "{names:?}");
    assert!(names.contains(&"Chuyên viên Văn phòng HĐND-UBND"), "{names:?}");
    assert!(names.iter().all(|n| !n.contains("Phòng GD")), "{names:?}");
}
