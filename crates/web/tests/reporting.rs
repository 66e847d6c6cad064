//! Yearly reporting through the real router on SQLite and PostgreSQL.

mod common;

use axum::http::StatusCode;
use common::{Client, demo_apps};
use xhht_domain::plan::builtin;
use xhht_domain::values::DataValue;
use xhht_domain::workflow::ReportState;

const FORM: &str = "/reports/2026/00006"; // Vĩnh Phúc: a 2026 draft in the sample

#[tokio::test]
async fn a_report_goes_from_draft_to_approved_with_its_history() {
    let plan = builtin();
    for (store, app) in demo_apps("web_report_journey").await {
        let b = store.backend();
        let ward = Client::login(&app, "vinhphuc", "xhht-demo").await;
        let page = ward.get(&app, FORM).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("Đang soạn"));

        // An impossible value: more literate people than people. Saved as a
        // draft, shown next to the field, and submission refused.
        let bad = [
            ("v_pop_15_60", "9.000"),
            ("v_literate_15_60", "9.500"),
            ("action", "submit"),
        ];
        let r = ward.post(&app, FORM, &bad).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{b:?}");
        assert!(r.body.contains("không được lớn hơn"), "Vietnamese rule message shown");
        assert!(r.body.contains("báo cáo còn lỗi"));
        let row = |rows: Vec<xhht_storage::ReportRow>| rows.into_iter().find(|r| r.org_unit == "00006").unwrap();
        assert_eq!(row(store.reports(2026).await.unwrap()).state, ReportState::Draft);
        let working = store.working_values(&plan, "00006", 2026).await.unwrap();
        assert_eq!(
            working.get("literate_15_60"),
            Some(&DataValue::Number(9500.0)),
            "the draft was saved"
        );

        // Fixed, every value filled, warnings explained: submitted.
        let mut good: Vec<(String, String)> = plan
            .elements_for(plan.unit("00006").unwrap())
            .map(|e| (format!("v_{}", e.code), "1.000".to_string()))
            .collect();
        for (k, v) in [
            ("v_pop_15_plus", "12.000"),
            ("v_pop_15_60", "9.000"),
            ("v_literate_15_60", "8.990"),
            ("v_working_age_pop", "9.500"),
        ] {
            good.retain(|(key, _)| key != k);
            good.push((k.into(), v.into()));
        }
        for (k, v) in [
            ("v_literacy_level", "level_2"),
            ("v_primary_universal_level", "level_3"),
            ("v_lower_secondary_universal_level", "level_3"),
            ("v_preschool_universal", "yes"),
        ] {
            good.retain(|(key, _)| key != k);
            good.push((k.into(), v.into()));
        }
        good.push((
            "n_1_results".into(),
            "Tổ chức Tuần lễ học tập suốt đời tại 12 tổ dân phố.".into(),
        ));
        good.push(("explanation".into(), "Số liệu theo điều tra tháng 11.".into()));
        good.push(("action".into(), "submit".into()));
        let fields: Vec<(&str, &str)> = good.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let r = ward.post(&app, FORM, &fields).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{b:?}: {}", r.body);
        assert_eq!(row(store.reports(2026).await.unwrap()).state, ReportState::Submitted);

        // The reviewer returns it: a comment is required.
        let reviewer = Client::login(&app, "chuyenvien", "xhht-demo").await;
        let review = format!("{FORM}/review");
        let r = reviewer
            .post(&app, &review, &[("action", "return"), ("reason", "")])
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("Cần ghi rõ lý do"));
        let r = reviewer
            .post(
                &app,
                &review,
                &[("action", "return"), ("reason", "Kiểm tra lại số người biết chữ")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert_eq!(row(store.reports(2026).await.unwrap()).state, ReportState::Returned);

        // The ward fixes and resubmits.
        let page = ward.get(&app, FORM).await;
        assert!(page.body.contains("Bị trả lại"));
        let note = page
            .body
            .find("class=\"returned\"")
            .expect("the return comment is shown at the top");
        assert!(page.body[note..].contains("Kiểm tra lại số người biết chữ"));
        assert!(
            note < page.body.find("class=\"report-form\"").unwrap(),
            "above the form"
        );
        let r = ward
            .post(
                &app,
                FORM,
                &[
                    ("v_literate_15_60", "8.985"),
                    // The form sends its explanation box back with the figures; the
                    // test's round figures jump from the sample's 2025 ones.
                    ("explanation", "Số liệu theo điều tra tháng 11."),
                    ("action", "submit"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

        // Approved: locked for the ward, counted in official figures at once.
        let r = reviewer
            .post(&app, &review, &[("action", "approve"), ("reason", "")])
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let official = store.approved_values(&plan, 2026).await.unwrap();
        assert_eq!(
            official.get("00006", "literate_15_60"),
            Some(&DataValue::Number(8985.0))
        );
        let r = ward
            .post(&app, FORM, &[("v_literate_15_60", "1"), ("action", "save")])
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("không sửa được"));
        assert_eq!(
            store
                .working_values(&plan, "00006", 2026)
                .await
                .unwrap()
                .get("literate_15_60"),
            Some(&DataValue::Number(8985.0))
        );
        let page = ward.get(&app, FORM).await;
        assert!(
            page.body.contains("Đã duyệt") && !page.body.contains("name=\"action\" value=\"submit\""),
            "no submit button once approved"
        );

        // The history shows every step, newest first, values in Vietnamese format.
        let history = &page.body[page
            .body
            .find("<section class=\"history\">")
            .expect("a history section")..];
        assert!(history.contains("→ 9.000"), "numbers in the history read 9.000");
        for step in [
            "Đang soạn → Đã gửi",
            "Đã gửi → Bị trả lại",
            "Bị trả lại → Đã gửi",
            "Đã gửi → Đã duyệt",
            "Kiểm tra lại số người biết chữ",
        ] {
            assert!(
                history.to_lowercase().contains(&step.to_lowercase()),
                "history lacks “{step}” on {b:?}"
            );
        }
        let states: Vec<ReportState> = store
            .audit_events("00006", 2026)
            .await
            .unwrap()
            .into_iter()
            .filter(|e| e.event.actor != xhht_sample::SAMPLE_ACTOR)
            .filter_map(|e| e.event.change.states())
            .map(|(_, to)| to)
            .collect();
        use ReportState::*;
        assert_eq!(states, [Submitted, Returned, Submitted, Approved]);

        // Reopen needs a reason, and gives the ward its form back.
        let r = reviewer
            .post(&app, &review, &[("action", "reopen"), ("reason", "Bổ sung số liệu")])
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert_eq!(row(store.reports(2026).await.unwrap()).state, ReportState::Returned);
    }
}

#[tokio::test]
async fn bad_input_gets_a_vietnamese_error_and_changes_nothing() {
    let plan = builtin();
    for (store, app) in demo_apps("web_bad_input").await {
        let ward = Client::login(&app, "vinhphuc", "xhht-demo").await;
        let before = store.working_values(&plan, "00006", 2026).await.unwrap();
        let events = store.audit_count().await.unwrap();
        let r = ward
            .post(
                &app,
                FORM,
                &[
                    ("v_pop_15_60", "chín nghìn"),
                    ("v_literate_15_60", "100"),
                    ("action", "save"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("không phải là số"));
        assert!(r.body.contains("chín nghìn"), "what was typed is shown again");
        assert_eq!(store.working_values(&plan, "00006", 2026).await.unwrap(), before);
        assert_eq!(store.audit_count().await.unwrap(), events);
        // A negative count is refused by the value type, also before saving anything.
        let r = ward
            .post(&app, FORM, &[("v_pop_15_60", "-5"), ("action", "save")])
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "saved as a draft with an error shown");
        let page = ward.get(&app, FORM).await;
        assert!(page.body.contains("không được là số âm"));
    }
}

#[tokio::test]
async fn completeness_page_counts_and_filters() {
    for (store, app) in demo_apps("web_completeness").await {
        let reviewer = Client::login(&app, "chuyenvien", "xhht-demo").await;
        let r = reviewer.get(&app, "/review/2025?state=all").await;
        assert_eq!(r.status, StatusCode::OK);
        // 14 wards, 14 centres, 5 departments and 9 organisations, all approved
        // in 2025; every seventh unit was late.
        let plan = builtin();
        let expected = plan.units_in(2025).filter(|u| plan.is_reporting_unit(u)).count();
        assert_eq!(expected, 42);
        assert!(
            r.body
                .contains(&format!("<strong>{expected}</strong> đơn vị phải báo cáo")),
            "{}",
            r.body
        );
        assert!(r.body.contains(&format!("<strong>{expected}</strong> đã duyệt")));
        assert!(r.body.contains("Trễ hạn") && r.body.contains("Đúng hạn"));
        let wards = reviewer.get(&app, "/review/2026?type=ward&state=all").await;
        assert!(wards.body.contains("<strong>14</strong> đơn vị phải báo cáo"));
        assert!(
            wards.body.contains("Chưa báo cáo"),
            "units that have not started are listed"
        );
        // An administrator extends the deadline of a ward not yet approved.
        let reports = store.reports(2026).await.unwrap();
        let open = plan
            .units_in(2026)
            .filter(|u| u.unit_type == xhht_domain::plan::UnitType::Ward)
            .find(|u| {
                reports
                    .iter()
                    .all(|r| r.org_unit != u.code || r.state != ReportState::Approved)
            })
            .unwrap();
        let extend = format!("/review/2026/{}/deadline", open.code);
        let admin = Client::login(&app, "admin", "admin").await;
        let r = admin
            .post(&app, &extend, &[("due", "20/12/2026"), ("reason", "Thay đổi cán bộ")])
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let page = admin.get(&app, "/review/2026?type=ward&state=all").await;
        assert!(page.body.contains("20/12/2026 (gia hạn)"));
        // A reviewer may not.
        let r = reviewer
            .post(&app, &extend, &[("due", "30/12/2026"), ("reason", "x")])
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
    }
}

/// Builds a multipart upload of `bytes` as the field `file`.
fn upload(uri: &str, c: &Client, bytes: &[u8]) -> axum::http::Request<axum::body::Body> {
    let boundary = "XHHTFILE";
    let mut body = format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"mau.xlsx\"\r\nContent-Type: application/octet-stream\r\n\r\n").into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    axum::http::Request::post(format!("{uri}?_csrf={}", c.csrf))
        .header(
            axum::http::header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .header(axum::http::header::COOKIE, &c.cookie)
        .body(axum::body::Body::from(body))
        .unwrap()
}

async fn download(app: &axum::Router, c: &Client, uri: &str) -> Vec<u8> {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let req = axum::http::Request::get(uri)
        .header(axum::http::header::COOKIE, &c.cookie)
        .body(axum::body::Body::empty())
        .unwrap();
    let res = app.clone().oneshot(req).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK, "{uri}");
    assert!(
        res.headers()[axum::http::header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .contains("spreadsheetml")
    );
    res.into_body().collect().await.unwrap().to_bytes().to_vec()
}

#[tokio::test]
async fn excel_template_round_trip_and_refusals() {
    let plan = builtin();
    for (store, app) in demo_apps("web_excel_round_trip").await {
        let ward = Client::login(&app, "vinhphuc", "xhht-demo").await;
        let xlsx = download(&app, &ward, "/reports/2026/00006/mau.xlsx").await;
        let before = store.working_values(&plan, "00006", 2026).await.unwrap();
        // The template holds the draft's values: uploading it back changes nothing.
        let r = common::send(&app, upload("/reports/2026/00006/nhap-excel", &ward, &xlsx)).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert_eq!(store.working_values(&plan, "00006", 2026).await.unwrap(), before);
        // Another unit's template is refused with the reason.
        let other = Client::login(&app, "giangvo", "xhht-demo").await;
        let theirs = download(&app, &other, "/reports/2026/00031/mau.xlsx").await;
        let r = common::send(&app, upload("/reports/2026/00006/nhap-excel", &ward, &theirs)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("không phải của báo cáo đang nhập"), "{}", r.body);
        // Not a spreadsheet.
        let r = common::send(&app, upload("/reports/2026/00006/nhap-excel", &ward, b"hello")).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("Excel"));
        // Nobody uploads into another unit's report.
        let r = common::send(&app, upload("/reports/2026/00031/nhap-excel", &ward, &theirs)).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert_eq!(store.working_values(&plan, "00006", 2026).await.unwrap(), before);
    }
}

#[tokio::test]
async fn a_filled_template_fills_the_form_and_bad_cells_save_nothing() {
    let plan = builtin();
    for (store, app) in demo_apps("web_excel_filled").await {
        let ward = Client::login(&app, "vinhphuc", "xhht-demo").await;
        let blank = download(&app, &ward, "/reports/2026/00006/mau.xlsx").await;
        let unit = plan.unit("00006").unwrap();
        let row = |code: &str| {
            let i = plan
                .elements_for(unit)
                .filter(|e| e.value_type != xhht_domain::plan::ValueType::Text)
                .position(|e| e.code == code)
                .unwrap();
            format!("E{}", 7 + i)
        };
        let (pop, lit, lvl) = (row("pop_15_60"), row("literate_15_60"), row("literacy_level"));
        // Three bad cells: nothing is saved and exactly those cells are named.
        let before = store.working_values(&plan, "00006", 2026).await.unwrap();
        let bad = xhht_office::test_support::fill(&blank, &[(&pop, "chín nghìn"), (&lit, "nhiều"), (&lvl, "Xuất sắc")]);
        let r = common::send(&app, upload("/reports/2026/00006/nhap-excel", &ward, &bad)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        for cell in [&pop, &lit, &lvl] {
            assert!(r.body.contains(&format!("ô {cell}:")), "{cell} listed: {}", r.body);
        }
        assert_eq!(r.body.matches("ô E").count(), 3, "exactly three cells: {}", r.body);
        assert_eq!(store.working_values(&plan, "00006", 2026).await.unwrap(), before);
        // Good values fill the form.
        let good =
            xhht_office::test_support::fill(&blank, &[(&pop, "9.500"), (&lit, "9400"), (&lvl, "Đạt chuẩn mức độ 2")]);
        let r = common::send(&app, upload("/reports/2026/00006/nhap-excel", &ward, &good)).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let after = store.working_values(&plan, "00006", 2026).await.unwrap();
        assert_eq!(after.get("pop_15_60"), Some(&DataValue::Number(9500.0)));
        assert_eq!(after.get("literate_15_60"), Some(&DataValue::Number(9400.0)));
        assert_eq!(after.get("literacy_level"), Some(&DataValue::Status("level_2".into())));
        let page = ward.get(&app, "/reports/2026/00006?msg=imported").await;
        assert!(page.body.contains("Đã nhập số liệu từ tệp Excel"));
    }
}

#[tokio::test]
async fn a_review_on_a_report_that_moved_gets_a_conflict_page_and_changes_nothing() {
    for (store, app) in demo_apps("web_review_conflict").await {
        let reviewer = Client::login(&app, "chuyenvien", "xhht-demo").await;
        let uri = "/reports/2026/00019/review"; // submitted in the sample
        let approve = [("action", "approve"), ("reason", "")];
        assert_eq!(reviewer.post(&app, uri, &approve).await.status, StatusCode::SEE_OTHER);
        let events = store.audit_count().await.unwrap();
        let again = reviewer.post(&app, uri, &approve).await;
        assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.body);
        assert!(again.body.contains("tải lại trang"), "{}", again.body);
        assert!(
            again.body.contains("href=\"/reports/2026/00019\""),
            "a link back to the report"
        );
        assert!(again.body.contains("Đăng xuất"), "the header keeps the logged-in user");
        assert_eq!(store.audit_count().await.unwrap(), events, "nothing changed");
        let bad = reviewer.post(&app, uri, &[("action", "xoa")]).await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);
        assert!(bad.body.contains("“xoa”") && bad.body.contains("<html lang=\"vi\">"));
    }
}

#[tokio::test]
async fn error_pages_keep_the_header_except_on_public_pages() {
    for (_, app) in demo_apps("web_error_pages").await {
        let reviewer = Client::login(&app, "chuyenvien", "xhht-demo").await;
        let r = reviewer.get(&app, "/review/1999").await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        assert!(
            r.body.contains("Năm 1999") && r.body.contains("Đăng xuất"),
            "{}",
            r.body
        );
        let r = reviewer.get(&app, "/reports/2026/khong-co").await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        assert!(r.body.contains("Đăng xuất"));
        let r = reviewer.get(&app, "/cong-khai/chi-tieu/khong-co").await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        assert!(!r.body.contains("Đăng xuất"), "public pages show no account");
        let r = reviewer.get(&app, "/reports/nam-nay/00001").await;
        assert_eq!(
            r.status,
            StatusCode::NOT_FOUND,
            "a path that does not parse is not found"
        );
        let ward = Client::login(&app, "phucxa", "xhht-demo").await;
        let r = ward.get(&app, "/review/2026").await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert!(r.body.contains("Không có quyền") && r.body.contains("Đăng xuất"));
    }
}

/// A count the plan gives a `jump` is flagged beside its field when it moves
/// further than that from the unit's last year, with both figures.
#[tokio::test]
async fn a_jump_from_last_year_is_flagged_with_both_figures() {
    let plan = builtin();
    for (store, app) in demo_apps("web_report_jump").await {
        let last = store.working_values(&plan, "00006", 2025).await.unwrap();
        let Some(DataValue::Number(before)) = last.get("pop_15_60").cloned() else {
            panic!("the sample has Vĩnh Phúc's 2025 population aged 15-60");
        };
        let ward = Client::login(&app, "vinhphuc", "xhht-demo").await;
        let steady = xhht_domain::text::number(before * 1.1, 0);
        let r = ward
            .post(&app, FORM, &[("v_pop_15_60", steady.as_str()), ("action", "save")])
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let page = ward.get(&app, FORM).await;
        assert!(
            !page.body.contains("so với năm trước (từ"),
            "10% is within the plan's 20%"
        );
        let doubled = xhht_domain::text::number(before * 2.0, 0);
        let r = ward
            .post(&app, FORM, &[("v_pop_15_60", doubled.as_str()), ("action", "save")])
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let page = ward.get(&app, FORM).await;
        let wanted = format!(
            "tăng 100% so với năm trước (từ {} lên {doubled}), quá mức 20%",
            xhht_domain::text::number(before, 0)
        );
        assert!(page.body.contains(&wanted), "{wanted} in {}", page.body);
    }
}

/// A form refused for a figure that does not read still lists the rules the
/// figures that did read break: every problem at once, nothing saved.
#[tokio::test]
async fn a_refused_form_lists_every_problem_at_once() {
    let plan = builtin();
    for (store, app) in demo_apps("web_report_all_problems").await {
        let before = store.working_values(&plan, "00006", 2026).await.unwrap();
        let ward = Client::login(&app, "vinhphuc", "xhht-demo").await;
        let r = ward
            .post(
                &app,
                FORM,
                &[
                    ("v_pop_15_60", "9.000"),
                    ("v_literate_15_60", "9.500"),
                    ("v_pop_15_plus", "mười hai"),
                    ("action", "save"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("Chưa lưu"), "nothing saved, and it says so");
        assert!(r.body.contains("mười hai"), "what was typed is kept");
        assert!(
            r.body.contains("không được lớn hơn"),
            "the literacy rule is checked on the figures typed"
        );
        assert_eq!(store.working_values(&plan, "00006", 2026).await.unwrap(), before);
    }
}
