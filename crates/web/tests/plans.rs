//! Several plans in one database, through the real router on every backend:
//! the demo of late 2026 — 56/KH-UBND ended on 30/6/2025 and the sample
//! plan of Phường Ba Đình, one of its successor wards.

mod common;

use axum::http::StatusCode;
use common::Client;
use xhht_domain::units::official;
use xhht_sample::{SEED, load_reorganised_demo};
use xhht_storage::{Stamp, Store, test_support};
use xhht_web::{AppState, router};

const WARD: &str = "phuong-ba-dinh-2026-mau";
const DISTRICT: &str = "ba-dinh-56-2022";

async fn apps(name: &str) -> Vec<(Store, axum::Router)> {
    let mut out = Vec::new();
    for store in test_support::stores(name).await {
        assert!(load_reorganised_demo(&store, SEED).await.unwrap());
        let register = official::build(&official::EMBEDDED).unwrap();
        store.import_units(&Stamp::now("kiểm thử"), &register).await.unwrap();
        let state = AppState::load(store.clone()).await.unwrap();
        out.push((store, router(state)));
    }
    out
}

fn json(body: &str) -> serde_json::Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body}"))
}

#[tokio::test]
async fn each_plan_has_its_own_pages_and_api() {
    for (store, app) in apps("plans_own_pages").await {
        let b = store.backend();
        let visitor = Client::default();
        let list = json(&visitor.get(&app, "/api/v1/plans").await.body);
        let codes: Vec<&str> = list["plans"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["code"].as_str().unwrap())
            .collect();
        assert_eq!(codes, [DISTRICT, WARD], "{b:?}");
        assert_eq!(list["plans"][0]["ended_on"], "2025-06-30");
        assert_eq!(list["plans"][1]["sample"], true);
        assert_eq!(list["plans"][1]["predecessor"], DISTRICT);

        let district = visitor.get(&app, "/").await.body;
        assert!(
            district.contains("quận Ba Đình") && district.contains("đã kết thúc ngày 30/06/2025"),
            "{b:?}"
        );
        let ward = visitor.get(&app, &format!("/?plan={WARD}")).await;
        assert!(ward.body.contains("phường Ba Đình giai đoạn 2026-2030"), "{b:?}");
        assert!(ward.body.contains("kế hoạch mẫu"), "a sample plan says so");
        assert!(
            ward.set_cookie.contains(&format!("ke_hoach={WARD}")),
            "the choice is remembered"
        );
        let ward_api = json(&visitor.get(&app, &format!("/api/v1/plan?plan={WARD}")).await.body);
        assert_eq!(ward_api["info"]["code"], WARD);

        let unknown = visitor.get(&app, "/?plan=khong-co").await;
        assert_eq!(unknown.status, StatusCode::NOT_FOUND);
        assert!(
            unknown.body.contains("Không có kế hoạch mã “khong-co”"),
            "{}",
            unknown.body
        );
        let unknown = json(&visitor.get(&app, "/api/v1/indicators?plan=khong-co").await.body);
        assert_eq!(unknown["error"]["code"], "unknown_plan");
    }
}

#[tokio::test]
async fn an_old_ward_cannot_open_2026_and_a_new_ward_can() {
    for (store, app) in apps("plans_old_and_new_ward").await {
        let b = store.backend();
        let truc_bach = Client::login(&app, "trucbach", "xhht-demo").await;
        let r = truc_bach.get(&app, "/reports/2026/00004").await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{b:?}");
        assert!(r.body.contains("đã kết thúc ngày 30/06/2025"), "{}", r.body);
        assert!(
            r.body.contains("Phường Trúc Bạch nay thuộc Phường Ba Đình"),
            "names the successor: {}",
            r.body
        );
        assert!(
            truc_bach.get(&app, "/reports/2025/00004").await.status.is_success(),
            "2025 still reads"
        );

        // A group of the new ward, not started: its form opens and saves.
        let group = Client::login(&app, "pbd-tdp05", "xhht-demo").await;
        let form = group.get(&app, "/reports/2026/TDP05").await;
        assert_eq!(form.status, StatusCode::OK, "{b:?}: {}", form.body);
        assert!(form.body.contains("Tổ dân phố số 5"));
        let r = group
            .post(
                &app,
                "/reports/2026/TDP05",
                &[("v_pop_15_60", "1.234"), ("action", "save")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{b:?}: {}", r.body);
        let ward = store.for_plan(WARD).await.unwrap();
        let (plan, _) = ward.load_plan().await.unwrap().unwrap();
        let saved = ward.working_values(&plan, "TDP05", 2026).await.unwrap();
        assert_eq!(
            saved.get("pop_15_60"),
            Some(&xhht_domain::values::DataValue::Number(1234.0))
        );
        // The district's unit 00004 (Trúc Bạch) has no such value: the plans do not mix.
        let district = store.for_plan(DISTRICT).await.unwrap();
        let (plan56, _) = district.load_plan().await.unwrap().unwrap();
        assert!(
            district
                .working_values(&plan56, "TDP05", 2026)
                .await
                .unwrap()
                .is_empty()
        );
    }
}

#[tokio::test]
async fn an_account_acts_only_in_its_own_plan() {
    for (store, app) in apps("plans_accounts_scoped").await {
        let b = store.backend();
        // The district's reviewer is a visitor in the ward's plan.
        let district_reviewer = Client::login(&app, "chuyenvien", "xhht-demo").await;
        let r = district_reviewer.get(&app, &format!("/review/2026?plan={WARD}")).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{b:?}: sent to log in, {}", r.body);
        // Trúc Bạch's officer (unit 00004 in 56/KH-UBND) gets nothing of
        // Phường Ba Đình (unit 00004 in the ward's plan).
        let truc_bach = Client::login(&app, "trucbach", "xhht-demo").await;
        let r = truc_bach.get(&app, &format!("/reports/2026/TDP01?plan={WARD}")).await;
        assert_ne!(r.status, StatusCode::OK, "{b:?}");
        // The ward's own reviewer lands in its plan and sees its groups.
        let ward_reviewer = Client::login(&app, "pbd-chuyenvien", "xhht-demo").await;
        let r = ward_reviewer.get(&app, "/review/2026?state=all").await;
        assert_eq!(r.status, StatusCode::OK, "{b:?}");
        assert!(
            r.body.contains("Tổ dân phố số 1") && !r.body.contains("Phường Phúc Xá"),
            "{}",
            r.body
        );
    }
}

/// The ward's 2023 literacy rate is the predecessors' approved figures,
/// each times its population share, summed before dividing — recomputed
/// here from the district's approved values and the shares the API names.
#[tokio::test]
async fn a_successor_year_before_its_plan_is_the_share_weighted_sum() {
    for (store, app) in apps("plans_estimate").await {
        let b = store.backend();
        let visitor = Client::default();
        let url = format!("/api/v1/indicators?plan={WARD}&year=2023&indicator=literacy_rate_15_60");
        let got = json(&visitor.get(&app, &url).await.body);
        let ind = &got["indicators"][0];
        assert_eq!(ind["estimated"], true, "{b:?}: {got}");
        let shares = ind["shares"].as_array().unwrap();
        let names: Vec<&str> = shares.iter().map(|s| s["name"].as_str().unwrap()).collect();
        assert!(
            names.contains(&"Phường Trúc Bạch") && names.contains(&"Phường Nguyễn Trung Trực"),
            "{names:?}"
        );
        let missing: Vec<&str> = ind["missing"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["name"].as_str().unwrap())
            .collect();
        assert!(
            missing.contains(&"Phường Đồng Xuân"),
            "a Hoàn Kiếm ward no loaded plan covers: {missing:?}"
        );

        let district = store.for_plan(DISTRICT).await.unwrap();
        let (plan56, _) = district.load_plan().await.unwrap().unwrap();
        let values = district.approved_values(&plan56, 2023).await.unwrap();
        let (mut num, mut den) = (0.0, 0.0);
        for s in shares {
            let unit = s["code"].as_str().unwrap();
            let share = s["share"].as_f64().unwrap();
            let v = values.unit(unit).unwrap_or_else(|| panic!("{unit} approved in 2023"));
            let n = |c: &str| match v.get(c) {
                Some(xhht_domain::values::DataValue::Number(x)) => *x,
                other => panic!("{unit} {c}: {other:?}"),
            };
            num += share * n("literate_15_60");
            den += share * n("pop_15_60");
        }
        let close = |a: f64, b: f64| (a - b).abs() < 1e-6 * b.abs().max(1.0);
        assert!(
            close(ind["numerator"].as_f64().unwrap(), num),
            "{b:?}: {} vs {num}",
            ind["numerator"]
        );
        assert!(close(ind["denominator"].as_f64().unwrap(), den));
        assert!(close(ind["value"].as_f64().unwrap(), 100.0 * num / den));

        let page = visitor.get(&app, &format!("/?plan={WARD}")).await.body;
        assert!(
            page.contains("2023 (ước tính)") && page.contains("ước tính theo tỷ lệ dân số"),
            "{b:?}"
        );
        assert!(page.contains("Phường Đồng Xuân"), "names what is missing");
    }
}

/// The old plan's figures re-cut to today's wards, beside the units as
/// reported: Phường Ba Đình's row is the same estimate its own plan shows
/// for that year.
#[tokio::test]
async fn an_old_plan_year_is_re_cut_to_todays_wards() {
    for (store, app) in apps("plans_recut").await {
        let b = store.backend();
        let visitor = Client::default();
        let page = visitor.get(&app, "/chi-tieu/literacy_rate_15_60?year=2024").await.body;
        let at = page
            .find("Theo các đơn vị hành chính hiện nay")
            .unwrap_or_else(|| panic!("{b:?}: no re-cut view"));
        let section = &page[at..];
        for ward in ["Phường Ba Đình", "Phường Ngọc Hà", "Phường Giảng Võ"] {
            assert!(
                section.contains(&format!("<td class=\"name\">{ward}</td>")),
                "{b:?}: {ward} missing"
            );
        }
        let row = &section[section.find("<td class=\"name\">Phường Ba Đình</td>").unwrap()..];
        let row = &row[..row.find("</tr>").unwrap()];
        let api = json(
            &visitor
                .get(
                    &app,
                    &format!("/api/v1/indicators?plan={WARD}&year=2024&indicator=literacy_rate_15_60"),
                )
                .await
                .body,
        );
        let v = api["indicators"][0]["value"].as_f64().unwrap();
        let shown = xhht_domain::text::number(v, 1);
        assert!(row.contains(&shown), "{b:?}: the ward's own plan says {shown}: {row}");
    }
}

/// A unit reports under every plan that covers it: Phúc Xá's officer, whose
/// account belongs to 56/KH-UBND, works for Phúc Xá (2025, its last year)
/// in another plan over the same wards — found through the register, not by code — and nobody
/// else's unit opens there.
#[tokio::test]
async fn a_unit_reports_under_every_plan_that_covers_it() {
    const COPY: &str = "ba-dinh-56-ban-sao";
    for store in test_support::stores("plans_unit_in_two_plans").await {
        let b = store.backend();
        xhht_sample::load_demo(&store, SEED).await.unwrap();
        let source =
            xhht_domain::plan::BUILTIN_BA_DINH.replace("code = \"ba-dinh-56-2022\"", &format!("code = \"{COPY}\""));
        let copy = xhht_domain::plan::load(&source).unwrap();
        let stamp = Stamp::now("kiểm thử");
        let other = store.install_plan(&copy, &source, &stamp).await.unwrap();
        let register = official::build(&official::EMBEDDED).unwrap();
        store.import_units(&stamp, &register).await.unwrap();
        let app = router(AppState::load(store.clone()).await.unwrap());

        let phuc_xa = Client::login(&app, "phucxa", "xhht-demo").await;
        let form = phuc_xa.get(&app, &format!("/reports/2025/00001?plan={COPY}")).await;
        assert_eq!(form.status, StatusCode::OK, "{b:?}: {}", form.body);
        let r = phuc_xa
            .post(
                &app,
                &format!("/reports/2025/00001?plan={COPY}"),
                &[("v_pop_15_60", "4.321"), ("action", "save")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{b:?}: {}", r.body);
        let saved = other.working_values(&copy, "00001", 2025).await.unwrap();
        assert_eq!(
            saved.get("pop_15_60"),
            Some(&xhht_domain::values::DataValue::Number(4321.0))
        );
        let first = store.for_plan(DISTRICT).await.unwrap();
        let (p56, _) = first.load_plan().await.unwrap().unwrap();
        assert_ne!(
            first
                .working_values(&p56, "00001", 2025)
                .await
                .unwrap()
                .get("pop_15_60"),
            Some(&xhht_domain::values::DataValue::Number(4321.0)),
            "{b:?}: the first plan's draft is its own"
        );
        // Vĩnh Phúc's officer does not get Phúc Xá's form in either plan.
        let vinh_phuc = Client::login(&app, "vinhphuc", "xhht-demo").await;
        let r = vinh_phuc.get(&app, &format!("/reports/2025/00001?plan={COPY}")).await;
        assert_ne!(r.status, StatusCode::OK, "{b:?}");
    }
}
