//! The real router on a real database (SQLite and PostgreSQL), demo data loaded.

mod common;

use common::{Client, demo_apps};

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;
use xhht_domain::plan::{UnitType, builtin};
use xhht_domain::values::DataValue;
use xhht_domain::workflow::ReportState;
use xhht_sample::{SEED, generate};
use xhht_storage::Stamp;

async fn get(app: &Router, uri: &str) -> (StatusCode, String) {
    let res = app
        .clone()
        .oneshot(Request::get(uri).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = res.status();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8(bytes.to_vec()).unwrap())
}

async fn get_json(app: &Router, uri: &str) -> (StatusCode, Value) {
    let (s, body) = get(app, uri).await;
    (
        s,
        serde_json::from_str(&body).unwrap_or_else(|e| panic!("{uri}: {e}: {body}")),
    )
}

fn indicator<'a>(body: &'a Value, code: &str) -> &'a Value {
    body["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["code"] == code)
        .unwrap()
}

/// Sums of a ward element pair over the generated sample, independent of
/// storage and of the indicator engine.
fn hand_sums(year: i32, num: &str, den: &str) -> (f64, f64, f64) {
    let plan = builtin();
    let (mut n, mut d, mut ratios) = (0.0, 0.0, Vec::new());
    for r in generate(&plan, SEED).iter().filter(|r| {
        r.year == year
            && r.state == ReportState::Approved
            && plan.unit(&r.unit).is_some_and(|u| u.unit_type == UnitType::Ward)
    }) {
        let get = |c: &str| r.values.iter().find(|(k, _)| k == c).map(|(_, v)| v.clone());
        if let (Some(DataValue::Number(a)), Some(DataValue::Number(b))) = (get(num), get(den)) {
            n += a;
            d += b;
            ratios.push(a / b * 100.0);
        }
    }
    let average = ratios.iter().sum::<f64>() / ratios.len() as f64;
    (n, d, average)
}

#[tokio::test]
async fn home_page_lists_every_target_in_vietnamese() {
    let plan = builtin();
    for (store, app) in demo_apps("web_home_page").await {
        let (status, html) = get(&app, "/").await;
        assert_eq!(status, StatusCode::OK, "{:?}", store.backend());
        assert!(html.contains("<html lang=\"vi\">"));
        assert!(
            html.contains(&plan.info.title.replace('“', "&#8220;")) || html.contains(&plan.info.title),
            "title shown"
        );
        assert!(html.contains("Dữ liệu mẫu"), "sample data are labelled");
        for ind in &plan.indicators {
            let name = askama_escape(&ind.name);
            assert!(html.contains(&name), "indicator {} missing", ind.code);
        }
        // 2025 is the latest complete year, the default.
        assert!(html.contains("năm 2025"));
        let (n, d, _) = hand_sums(2025, "literate_15_60", "pop_15_60");
        assert!(
            html.contains(&xhht_domain::text::percent(n / d * 100.0)),
            "district literacy rate shown"
        );
        let (status, _) = get(&app, "/?year=2026").await;
        assert_eq!(status, StatusCode::OK);
        // One target column per milestone of the plan, none hard-coded.
        let mut milestones: Vec<i32> = plan
            .targets
            .iter()
            .filter(|t| t.org_unit.is_none())
            .map(|t| t.year)
            .collect();
        milestones.sort_unstable();
        milestones.dedup();
        assert!(!milestones.is_empty());
        for y in &milestones {
            assert!(
                html.contains(&format!("<th scope=\"col\">Mục tiêu {y}</th>")),
                "column for {y}"
            );
        }
        assert_eq!(
            html.matches("<th scope=\"col\">Mục tiêu ").count(),
            milestones.len() * plan.target_groups.len()
        );
        let (status, html) = get(&app, "/khong-co").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(html.contains("Không tìm thấy"));
        let (status, body) = get_json(&app, "/healthz").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body["status"], "ok");
    }
}

/// askama escapes HTML-significant characters; the plan's names contain quotes.
fn askama_escape(s: &str) -> String {
    s.replace('&', "&#38;")
        .replace('"', "&#34;")
        .replace('\'', "&#39;")
        .replace('<', "&#60;")
        .replace('>', "&#62;")
}

#[tokio::test]
async fn api_values_equal_hand_computed_sums() {
    for (store, app) in demo_apps("web_api_values").await {
        let b = store.backend();
        let (status, body) = get_json(&app, "/api/v1/indicators?year=2025").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body["org_unit"]["code"], "001");
        assert_eq!(body["indicators"].as_array().unwrap().len(), 16);
        for (code, num, den) in [
            ("literacy_rate_15_60", "literate_15_60", "pop_15_60"),
            ("info_competency_rate", "working_age_info_competent", "working_age_pop"),
            (
                "learning_unit_rate",
                "learning_units_recognised",
                "learning_units_total",
            ),
        ] {
            let (n, d, average) = hand_sums(2025, num, den);
            let v = indicator(&body, code);
            assert_eq!(v["numerator"].as_f64(), Some(n), "{code} on {b:?}");
            assert_eq!(v["denominator"].as_f64(), Some(d), "{code} on {b:?}");
            let value = v["value"].as_f64().unwrap();
            assert!((value - n / d * 100.0).abs() < 1e-9, "{code}");
            assert!(
                (value - average).abs() > 1e-6,
                "{code}: the roll-up is not an average of ratios"
            );
        }
        // A ward on its own.
        let (_, ward) = get_json(&app, "/api/v1/indicators?year=2025&org_unit=00001").await;
        assert_eq!(indicator(&ward, "literacy_rate_15_60")["units_expected"], 1);
        // Plan as JSON.
        let (status, plan) = get_json(&app, "/api/v1/plan").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(plan["indicators"].as_array().unwrap().len(), 16);
        assert_eq!(plan["info"]["number"], "56/KH-UBND");
        assert!(
            plan["org_units"]
                .as_array()
                .unwrap()
                .iter()
                .any(|u| u["code"] == "00034")
        );
    }
}

#[tokio::test]
async fn bad_requests_get_vietnamese_errors() {
    for (_, app) in demo_apps("web_bad_requests").await {
        let (status, body) = get_json(&app, "/api/v1/indicators?year=hai-nghin").await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(body["error"]["code"], "bad_request");
        assert!(
            body["error"]["message"]
                .as_str()
                .unwrap()
                .contains("“hai-nghin” không hợp lệ")
        );
        let (status, body) = get_json(&app, "/api/v1/indicators?year=1999").await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(body["error"]["message"].as_str().unwrap().contains("ngoài thời gian"));
        let (status, body) = get_json(&app, "/api/v1/indicators?year=2025&org_unit=99999").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(body["error"]["code"], "not_found");
        assert!(body["error"]["message"].as_str().unwrap().contains("99999"));
        let (status, body) = get_json(&app, "/api/v1/data-values?format=xml").await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(
            body["error"]["message"]
                .as_str()
                .unwrap()
                .contains("“xml” không hỗ trợ")
        );
        let (status, body) = get_json(&app, "/api/v1/khong-co").await;
        assert_eq!(status, StatusCode::NOT_FOUND, "an unknown API path answers JSON too");
        assert_eq!(body["error"]["code"], "not_found");
        // The same mistakes on a page get a Vietnamese page, never JSON.
        for uri in [
            "/?year=hai-nghin",
            "/cong-khai/so-sanh?year=1999",
            "/chi-tieu/literacy_rate_15_60?sort=x",
        ] {
            let (status, html) = get(&app, uri).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}");
            assert!(
                html.contains("<html lang=\"vi\">") && !html.contains("{\"error\""),
                "{uri}: {html}"
            );
        }
        let (_, html) = get(&app, "/?year=hai-nghin").await;
        assert!(html.contains("“hai-nghin” không hợp lệ"), "{html}");
    }
}

#[tokio::test]
async fn an_approval_shows_at_the_next_request() {
    for (store, app) in demo_apps("web_approval_is_live").await {
        let uri = "/api/v1/indicators?year=2026";
        let (_, before) = get_json(&app, uri).await;
        let counted = |b: &Value| indicator(b, "literacy_rate_15_60")["units_counted"].as_u64().unwrap();
        // Trúc Bạch (00004) submitted its 2026 report in the sample; approve it.
        let reviewer = Stamp::now("chuyenvien");
        store
            .change_state(
                &reviewer,
                &builtin(),
                "00004",
                2026,
                &[ReportState::Submitted],
                ReportState::Approved,
            )
            .await
            .unwrap();
        let (_, after) = get_json(&app, uri).await;
        assert_eq!(counted(&after), counted(&before) + 1, "{:?}", store.backend());
        assert_ne!(
            indicator(&before, "literacy_rate_15_60")["numerator"],
            indicator(&after, "literacy_rate_15_60")["numerator"]
        );
    }
}

#[tokio::test]
async fn open_data_in_json_and_csv_with_filters() {
    for (store, app) in demo_apps("web_open_data").await {
        let (status, one) = get_json(&app, "/api/v1/indicators?year=2025&indicator=trained_rate").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(one["indicators"].as_array().unwrap().len(), 1);
        let (status, csv) = get(&app, "/api/v1/indicators?year=2025&format=csv").await;
        assert_eq!(status, StatusCode::OK);
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines.len(), 1 + 16);
        assert!(
            lines[0]
                .trim_start_matches('\u{feff}')
                .starts_with("year,org_unit,indicator,value")
        );
        assert_eq!(
            get(&app, "/api/v1/indicators?format=xml").await.0,
            StatusCode::BAD_REQUEST
        );
        assert_eq!(
            get_json(&app, "/api/v1/indicators?indicator=khong-co").await.0,
            StatusCode::NOT_FOUND
        );

        let (status, v) = get_json(&app, "/api/v1/data-values?year=2025&org_unit=00001&element=pop_15_60").await;
        assert_eq!(status, StatusCode::OK);
        let rows = v["data_values"].as_array().unwrap();
        assert_eq!(rows.len(), 1);
        let plan = builtin();
        let official = store.approved_values(&plan, 2025).await.unwrap();
        let DataValue::Number(pop) = official.get("00001", "pop_15_60").unwrap() else {
            panic!()
        };
        assert_eq!(rows[0]["value"].as_f64(), Some(*pop));
        // Drafts never appear: Vĩnh Phúc's 2026 report is a draft with values.
        let (_, drafts) = get_json(&app, "/api/v1/data-values?year=2026&org_unit=00006").await;
        assert!(drafts["data_values"].as_array().unwrap().is_empty());
        let (_, csv) = get(&app, "/api/v1/data-values?year=2025&element=literacy_level&format=csv").await;
        assert_eq!(csv.lines().count(), 1 + 14, "one line per ward");
        assert_eq!(
            get_json(&app, "/api/v1/data-values?element=khong-co").await.0,
            StatusCode::NOT_FOUND
        );
    }
}

/// Every path of the OpenAPI document answers on the real router.
#[tokio::test]
async fn openapi_paths_answer() {
    for (store, app) in demo_apps("web_openapi_paths").await {
        load_register(&store).await;
        let (status, doc) = get_json(&app, "/api/openapi.json").await;
        assert_eq!(status, StatusCode::OK);
        for path in doc["paths"].as_object().unwrap().keys() {
            let (status, _) = get(&app, path).await;
            assert_eq!(status, StatusCode::OK, "{path}");
        }
    }
}

async fn load_register(store: &xhht_storage::Store) {
    let register = xhht_domain::units::official::build(&xhht_domain::units::official::EMBEDDED).unwrap();
    let stamp = xhht_storage::Stamp::now("test");
    store.import_units(&stamp, &register).await.unwrap();
}

fn unit_keys(doc: &serde_json::Value) -> Vec<(String, String)> {
    doc["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            (
                u["code"].as_str().unwrap().to_string(),
                u["name"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// The register by date: codes reused in 2025 are told apart, merged wards
/// disappear, the new wards appear (issue 9's acceptance).
#[tokio::test]
async fn org_units_on_a_date() {
    for (store, app) in demo_apps("web_org_units").await {
        let (status, _) = get_json(&app, "/api/v1/org-units?date=2024-06-01").await;
        assert_eq!(status, StatusCode::NOT_FOUND, "no register loaded yet");
        load_register(&store).await;
        let (status, doc) = get_json(&app, "/api/v1/org-units?date=2024-06-01&within=01").await;
        assert_eq!(status, StatusCode::OK);
        let units = unit_keys(&doc);
        let has = |code: &str, name: &str| units.iter().any(|(c, n)| c == code && n.contains(name));
        assert!(has("00001", "Phúc Xá"), "{units:?}");
        assert!(has("00008", "Liễu Giai"));
        assert!(has("00010", "Nguyễn Trung Trực"));
        let (_, doc) = get_json(&app, "/api/v1/org-units?date=2025-03-01&within=01").await;
        let units = unit_keys(&doc);
        assert!(
            !units.iter().any(|(c, _)| c == "00010"),
            "merged into Trúc Bạch on 1/1/2025"
        );
        assert!(units.iter().any(|(c, n)| c == "00004" && n.contains("Trúc Bạch")));
        let (_, doc) = get_json(&app, "/api/v1/org-units?date=2026-01-01&within=01").await;
        let units = unit_keys(&doc);
        assert!(
            units.iter().any(|(c, n)| c == "00004" && n.contains("Ba Đình")),
            "{units:?}"
        );
        assert!(units.iter().any(|(c, n)| c == "00008" && n.contains("Ngọc Hà")));
        for old in [
            "Phúc Xá",
            "Trúc Bạch",
            "Liễu Giai",
            "Nguyễn Trung Trực",
            "Kim Mã",
            "Thành Công",
        ] {
            assert!(!units.iter().any(|(_, n)| n.contains(old)), "{old} is gone in 2026");
        }
        let (status, doc) = get_json(&app, "/api/v1/org-units?date=2026-13-01").await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(doc["error"]["message"].as_str().unwrap().contains("không hợp lệ"));
        let (status, _) = get_json(&app, "/api/v1/org-units?date=2026-01-01&within=001").await;
        assert_eq!(status, StatusCode::NOT_FOUND, "districts are gone in 2026");
    }
}

/// The data-values API pages in SQL: pages of `limit` rows follow each
/// other by `next_offset` and together give the unpaged list.
#[tokio::test]
async fn data_values_page_through_a_year() {
    for (store, app) in demo_apps("web_data_values_paging").await {
        let b = store.backend();
        let c = Client::default();
        let all: serde_json::Value =
            serde_json::from_str(&c.get(&app, "/api/v1/data-values?year=2024").await.body).unwrap();
        let all = all["data_values"].as_array().unwrap().clone();
        assert!(all.len() > 100, "{b:?}: {}", all.len());
        let mut paged = Vec::new();
        let mut offset = Some(0);
        while let Some(o) = offset {
            let page: serde_json::Value = serde_json::from_str(
                &c.get(&app, &format!("/api/v1/data-values?year=2024&limit=37&offset={o}"))
                    .await
                    .body,
            )
            .unwrap();
            let rows = page["data_values"].as_array().unwrap();
            assert!(rows.len() <= 37);
            paged.extend(rows.iter().cloned());
            offset = page["next_offset"].as_i64();
        }
        assert_eq!(paged, all, "{b:?}");
        let one = c
            .get(&app, "/api/v1/data-values?year=2024&org_unit=00001&element=pop_15_60")
            .await
            .body;
        let one: serde_json::Value = serde_json::from_str(&one).unwrap();
        assert_eq!(one["data_values"].as_array().unwrap().len(), 1);
        assert_eq!(
            c.get(&app, "/api/v1/data-values?year=2024&limit=0").await.status,
            StatusCode::BAD_REQUEST
        );
    }
}
