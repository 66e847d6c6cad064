//! The leader's day, through the real router on SQLite and PostgreSQL.
//!
//! Test plan:
//! - `lanhdao` lands on the leader's page: completeness and timeliness
//!   counts as the reports stand, exactly the units still missing, links to
//!   the latest issued report (its stored bytes) and the current Word
//!   report, and the units behind on targets;
//! - a leader opens the review list read-only: no extension form, no draft
//!   editor link, and an approval or an extension they post is refused and
//!   changes nothing;
//! - a leader bound to one ward sees that ward's units only, on both pages
//!   and on another ward's report, and not the area's documents;
//! - the leader's page renders for the second plan too (tests/second_plan.rs
//!   carries its own check of the words).

mod common;

use axum::http::StatusCode;
use common::{Client, demo_apps};
use xhht_domain::access::Role;
use xhht_domain::plan::builtin;
use xhht_domain::workflow::ReportState;
use xhht_storage::{IssueFacts, NewUser, Stamp};

const YEAR: i32 = 2026;

#[tokio::test]
async fn a_leader_reads_the_day_and_cannot_act() {
    let plan = builtin();
    for (store, app) in demo_apps("web_leader_page").await {
        let b = store.backend();
        // An issued report to find on the page, as stored.
        let stamp = Stamp::now("chuyenvien");
        store
            .save_report_draft(&stamp, 2025, "nam", "{}", "{}", None)
            .await
            .unwrap();
        let facts = IssueFacts {
            year: 2025,
            kind: "nam",
            number: "77/BC-KT",
            issued_on: "2025-12-20",
            version: 1,
        };
        store
            .issue_report(&stamp, &facts, b"issued bytes".to_vec())
            .await
            .unwrap();

        let leader = Client::default()
            .post_raw(
                &app,
                "/login",
                &[("username", "lanhdao"), ("password", "xhht-demo"), ("next", "")],
            )
            .await;
        assert!(
            leader.location.starts_with("/lanh-dao/"),
            "{b:?}: lands on {}",
            leader.location
        );
        let leader = Client::login(&app, "lanhdao", "xhht-demo").await;
        let page = leader.get(&app, &format!("/lanh-dao/{YEAR}")).await;
        assert_eq!(page.status, StatusCode::OK, "{b:?}: {}", page.body);

        let reports = store.reports(YEAR).await.unwrap();
        let units: Vec<_> = plan.units_in(YEAR).filter(|u| plan.is_reporting_unit(u)).collect();
        let state = |code: &str| reports.iter().find(|r| r.org_unit == code).map(|r| r.state);
        let sent = units
            .iter()
            .filter(|u| matches!(state(&u.code), Some(ReportState::Submitted | ReportState::Approved)))
            .count();
        let owed: Vec<_> = units
            .iter()
            .filter(|u| matches!(state(&u.code), None | Some(ReportState::Draft | ReportState::Returned)))
            .collect();
        for (n, words) in [
            (units.len(), "đơn vị phải báo cáo"),
            (sent, "đã gửi"),
            (owed.len(), "còn thiếu"),
        ] {
            assert!(
                page.body.contains(&format!("<strong>{n}</strong> {words}<")),
                "{b:?}: {n} {words}"
            );
        }
        // On time and late split what was sent (every sample report has a deadline).
        let count = |words: &str| -> usize {
            let end = page.body.find(&format!("</strong> {words}<")).unwrap();
            page.body[..end].rsplit("<strong>").next().unwrap().parse().unwrap()
        };
        assert_eq!(
            count("trong số đã gửi: đúng hạn") + count("trong số đã gửi: trễ hạn"),
            sent
        );
        let missing_table = page.body.split("Đơn vị còn thiếu báo cáo").nth(1).unwrap();
        let missing_table = missing_table.split("</table>").next().unwrap();
        for u in &units {
            let listed = missing_table.contains(&format!("href=\"/reports/{YEAR}/{}\"", u.code));
            assert_eq!(listed, owed.iter().any(|o| o.code == u.code), "{b:?} {}", u.code);
        }
        assert!(page.body.contains(&format!("href=\"/review/{YEAR}/bao-cao.docx\"")));
        let issued = "/review/2025/bao-cao/da-ban-hanh.docx?loai=nam";
        assert!(page.body.contains(issued) && page.body.contains("số 77/BC-KT ngày 20/12/2025"));
        let file = leader.get(&app, issued).await;
        assert_eq!(file.status, StatusCode::OK);
        assert_eq!(file.bytes, b"issued bytes");
        assert!(page.body.contains("Đơn vị chậm so với chỉ tiêu"));

        // The review list, read-only.
        let list = leader.get(&app, &format!("/review/{YEAR}?state=all")).await;
        assert_eq!(list.status, StatusCode::OK, "{b:?}");
        assert!(!list.body.contains("/deadline\"") && !list.body.contains("bao-cao?loai=nam"));
        let submitted = units
            .iter()
            .find(|u| state(&u.code) == Some(ReportState::Submitted))
            .expect("a submitted report in the sample");
        let events = store.audit_count().await.unwrap();
        let approve = leader
            .post(
                &app,
                &format!("/reports/{YEAR}/{}/review", submitted.code),
                &[("action", "approve"), ("reason", "")],
            )
            .await;
        assert_eq!(approve.status, StatusCode::FORBIDDEN);
        let extend = leader
            .post(
                &app,
                &format!("/review/{YEAR}/{}/deadline", submitted.code),
                &[("due", "20/12/2026"), ("reason", "x")],
            )
            .await;
        assert_eq!(extend.status, StatusCode::FORBIDDEN);
        let report = leader.get(&app, &format!("/reports/{YEAR}/{}", submitted.code)).await;
        assert_eq!(report.status, StatusCode::OK);
        assert!(
            !report.body.contains("value=\"approve\""),
            "no approve button for a leader"
        );
        assert_eq!(store.audit_count().await.unwrap(), events, "{b:?}: nothing happened");
        assert_eq!(
            store
                .reports(YEAR)
                .await
                .unwrap()
                .iter()
                .find(|r| r.org_unit == submitted.code)
                .unwrap()
                .state,
            ReportState::Submitted
        );
    }
}

#[tokio::test]
async fn a_ward_leader_sees_the_ward_only() {
    let plan = builtin();
    for (store, app) in demo_apps("web_leader_scope").await {
        let b = store.backend();
        let wards: Vec<_> = plan
            .units_in(YEAR)
            .filter(|u| u.unit_type == xhht_domain::plan::UnitType::Ward)
            .collect();
        let (own, other) = (wards[0], wards[1]);
        store
            .create_users(
                &Stamp::now("admin"),
                &[NewUser {
                    username: "ld-phuong",
                    display_name: "Lãnh đạo phường",
                    password: "mat-khau-dai-1",
                    role: Role::Viewer,
                    org_unit: &own.code,
                    must_change_password: false,
                }],
            )
            .await
            .unwrap();
        let leader = Client::login(&app, "ld-phuong", "mat-khau-dai-1").await;
        let mine: Vec<_> = plan
            .units_in(YEAR)
            .filter(|u| plan.is_reporting_unit(u))
            .filter(|u| u.code == own.code || u.parent.as_deref() == Some(own.code.as_str()))
            .collect();
        for uri in [format!("/review/{YEAR}?state=all"), format!("/lanh-dao/{YEAR}")] {
            let page = leader.get(&app, &uri).await;
            assert_eq!(page.status, StatusCode::OK, "{b:?} {uri}");
            assert!(
                !page.body.contains(&format!("href=\"/reports/{YEAR}/{}\"", other.code)),
                "{uri}"
            );
            assert!(!page.body.contains(&other.name), "{b:?} {uri}: {}", other.name);
        }
        let list = leader.get(&app, &format!("/review/{YEAR}?state=all")).await;
        for u in &mine {
            assert!(
                list.body.contains(&format!("href=\"/reports/{YEAR}/{}\"", u.code)),
                "{}",
                u.code
            );
        }
        assert!(
            list.body
                .contains(&format!("<strong>{}</strong> đơn vị phải báo cáo", mine.len()))
        );
        let theirs = leader.get(&app, &format!("/reports/{YEAR}/{}", other.code)).await;
        assert_eq!(theirs.status, StatusCode::FORBIDDEN, "{b:?}");
        let ours = leader.get(&app, &format!("/reports/{YEAR}/{}", own.code)).await;
        assert_eq!(ours.status, StatusCode::OK);
        let docx = leader.get(&app, &format!("/review/{YEAR}/bao-cao.docx")).await;
        assert_eq!(
            docx.status,
            StatusCode::FORBIDDEN,
            "the area's report speaks for every ward"
        );
        let page = leader.get(&app, &format!("/lanh-dao/{YEAR}")).await;
        assert!(!page.body.contains("bao-cao.docx"));
    }
}

/// The leader's page and the review list count "trễ hạn" and "còn thiếu"
/// by one rule: a report first sent after its deadline and then returned is
/// missing (and overdue), not late among the sent. The list counted it as
/// late while the leader's page did not.
#[tokio::test]
async fn both_pages_count_late_and_missing_alike() {
    let plan = builtin();
    for (store, app) in demo_apps("web_leader_tally").await {
        let b = store.backend();
        let reports = store.reports(YEAR).await.unwrap();
        let draft = reports
            .iter()
            .find(|r| r.state == ReportState::Draft && r.first_submitted_at.is_none())
            .map(|r| r.org_unit.clone())
            .expect("a never-sent draft in the sample");
        // Sent five days after the plan's deadline, then returned.
        let due = plan.due_date(YEAR).expect("the plan's deadline");
        let late_day = due.and_hms_opt(10, 0, 0).unwrap().and_utc() + chrono::Duration::days(5);
        let stamp = Stamp {
            at: late_day,
            ..Stamp::now(draft.clone())
        };
        for (to, reason) in [
            (ReportState::Submitted, None),
            (ReportState::Returned, Some("Thiếu số liệu")),
        ] {
            let stamp = Stamp {
                reason: reason.map(String::from),
                ..stamp.clone()
            };
            store
                .transition(&stamp, &plan, &draft, YEAR, |_, _| Ok(to))
                .await
                .unwrap();
        }
        let leader = Client::login(&app, "lanhdao", "xhht-demo").await;
        let reviewer = Client::login(&app, "chuyenvien", "xhht-demo").await;
        let count = |body: &str, words: &str| -> usize {
            let end = body
                .find(&format!("</strong> {words}"))
                .unwrap_or_else(|| panic!("{words}"));
            body[..end].rsplit("<strong>").next().unwrap().parse().unwrap()
        };
        let lead = leader.get(&app, &format!("/lanh-dao/{YEAR}")).await.body;
        let list = reviewer.get(&app, &format!("/review/{YEAR}?state=all")).await.body;
        for words in ["đơn vị phải báo cáo", "đã gửi", "trong số đã gửi: trễ hạn", "còn thiếu"]
        {
            assert_eq!(count(&lead, words), count(&list, words), "{b:?}: {words}");
        }
        let sent_late = store
            .reports(YEAR)
            .await
            .unwrap()
            .iter()
            .filter(|r| matches!(r.state, ReportState::Submitted | ReportState::Approved))
            .filter_map(|r| r.first_submitted_at.as_deref())
            .filter(|t| {
                let t = chrono::DateTime::parse_from_rfc3339(t).unwrap().to_utc();
                xhht_domain::workflow::is_late(t, due)
            })
            .count();
        assert_eq!(count(&list, "trong số đã gửi: trễ hạn"), sent_late, "{b:?}");
    }
}
