//! The review list before the deadline, through the real router on SQLite
//! and PostgreSQL.
//!
//! Test plan:
//! - the default view ("còn thiếu") lists exactly the units not started, in
//!   draft or returned, each with its days left counted from its deadline;
//!   a state filter lists exactly that state; sorting by days late puts the
//!   latest first; an unknown filter is a 400;
//! - an extension is refused, with the message beside the field, the typed
//!   reason kept and nothing written, for an approved report, for a date
//!   outside the plan's period, for a date not written dd/mm/yyyy (a
//!   month-first date included); an accepted one names the unit and the
//!   new date, and the approved report's row offers no extension.

mod common;

use axum::http::StatusCode;
use chrono::{Duration, NaiveDate, Utc};
use common::{Client, demo_apps};
use xhht_domain::plan::builtin;
use xhht_domain::workflow::ReportState;
use xhht_storage::Store;

const YEAR: i32 = 2026;

fn link(code: &str) -> String {
    format!("href=\"/reports/{YEAR}/{code}\"")
}

/// Every reporting unit of the year with its report's state.
async fn states(store: &Store) -> Vec<(String, String, Option<ReportState>)> {
    let plan = builtin();
    let reports = store.reports(YEAR).await.unwrap();
    plan.units_in(YEAR)
        .filter(|u| plan.is_reporting_unit(u))
        .map(|u| {
            let st = reports.iter().find(|r| r.org_unit == u.code).map(|r| r.state);
            (u.code.clone(), u.name.clone(), st)
        })
        .collect()
}

fn today() -> NaiveDate {
    (Utc::now() + Duration::hours(7)).date_naive()
}

#[tokio::test]
async fn the_list_opens_on_what_is_still_missing() {
    let plan = builtin();
    for (store, app) in demo_apps("web_review_missing").await {
        let b = store.backend();
        let units = states(&store).await;
        let owed = |s: &Option<ReportState>| matches!(s, None | Some(ReportState::Draft | ReportState::Returned));
        assert!(units.iter().any(|(_, _, s)| owed(s)) && units.iter().any(|(_, _, s)| !owed(s)));
        let reviewer = Client::login(&app, "chuyenvien", "xhht-demo").await;
        let page = reviewer.get(&app, &format!("/review/{YEAR}")).await;
        assert_eq!(page.status, StatusCode::OK, "{b:?}");
        for (code, _, st) in &units {
            assert_eq!(page.body.contains(&link(code)), owed(st), "{b:?} {code} {st:?}");
        }
        let missing = units.iter().filter(|(_, _, s)| owed(s)).count();
        assert!(page.body.contains(&format!("<strong>{missing}</strong> còn thiếu")));
        // Days left (or past) against the plan's deadline, as of today.
        let due = plan.due_date(YEAR).unwrap();
        let days = (due - today()).num_days();
        let words = match days {
            d if d > 0 => format!("Còn {d} ngày"),
            0 => "Hết hạn hôm nay".to_string(),
            d => format!("Quá hạn {} ngày", -d),
        };
        assert!(page.body.contains(&words), "{b:?}: {words}");

        // One state at a time.
        let sent = reviewer.get(&app, &format!("/review/{YEAR}?state=submitted")).await;
        for (code, _, st) in &units {
            assert_eq!(
                sent.body.contains(&link(code)),
                *st == Some(ReportState::Submitted),
                "{b:?} {code}"
            );
        }
        // The latest first: in 2025 every report is in, some late.
        let late = reviewer.get(&app, "/review/2025?state=all&sort=late").await;
        let first_row = late
            .body
            .split("<tbody>")
            .nth(1)
            .unwrap()
            .split("</tr>")
            .next()
            .unwrap();
        assert!(
            first_row.contains("Trễ hạn") && first_row.contains("Gửi trễ"),
            "{first_row}"
        );
        let bad = reviewer.get(&app, &format!("/review/{YEAR}?state=tre")).await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    }
}

#[tokio::test]
async fn extensions_only_for_open_reports_within_the_plan() {
    let plan = builtin();
    for (store, app) in demo_apps("web_review_extend").await {
        let b = store.backend();
        let units = states(&store).await;
        let (done, done_name, _) = units
            .iter()
            .find(|(_, _, s)| *s == Some(ReportState::Approved))
            .expect("an approved 2026 report in the sample");
        let (open, open_name, _) = units.iter().find(|(_, _, s)| s.is_none()).expect("a unit not started");
        let admin = Client::login(&app, "admin", "admin").await;
        let before = store.deadline_extensions(YEAR).await.unwrap();
        let url = |code: &str| format!("/review/{YEAR}/{code}/deadline");
        let after_due = plan.due_date(YEAR).unwrap() + Duration::days(5);
        let fine = after_due.format("%d/%m/%Y").to_string();

        // An approved report: refused, nothing written.
        let r = admin
            .post(&app, &url(done), &[("due", &fine), ("reason", "Thay cán bộ")])
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{b:?}");
        assert!(r.body.contains("đã được duyệt") && r.body.contains(done_name.as_str()));
        // Its row offers no extension.
        let all = admin.get(&app, &format!("/review/{YEAR}?state=all")).await;
        assert!(!all.body.contains(&url(done)) && all.body.contains(&url(open)));

        // A day past the plan's period, a month-first date, an ISO date:
        // refused beside the field with the reason kept.
        let past_end = (plan.period_end() + Duration::days(1)).format("%d/%m/%Y").to_string();
        let month_first = after_due.format("%m/%d/%Y").to_string();
        for bad in [past_end.as_str(), month_first.as_str(), "2026-12-20", "31/02/2026"] {
            let r = admin
                .post(
                    &app,
                    &url(open),
                    &[("due", bad), ("reason", "Cán bộ nghỉ ốm"), ("state", "all")],
                )
                .await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{b:?} {bad}");
            let field = format!("id=\"due-{open}\" name=\"due\" value=\"{bad}\"");
            assert!(r.body.contains(&field), "{b:?} {bad}: the typed date kept");
            assert!(r.body.contains("value=\"Cán bộ nghỉ ốm\""), "the typed reason kept");
            assert!(r.body.contains(&format!("aria-describedby=\"due-{open}-error\"")));
            assert!(r.body.contains("<details class=\"extend\" open>"));
        }
        let r = admin
            .post(&app, &url(open), &[("due", past_end.as_str()), ("reason", "x")])
            .await;
        assert!(r.body.contains("ngày cuối của kế hoạch"), "{}", r.body);
        assert_eq!(
            store.deadline_extensions(YEAR).await.unwrap(),
            before,
            "{b:?}: nothing written"
        );

        // Accepted: the confirmation names the unit and the date.
        let r = admin
            .post(
                &app,
                &url(open),
                &[("due", &fine), ("reason", "Cán bộ nghỉ ốm"), ("state", "all")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{b:?}: {}", r.body);
        assert!(r.location.contains("state=all"), "back to the same view");
        let page = admin.get(&app, &r.location).await;
        assert!(
            page.body.contains(&format!(
                "Đã gia hạn nộp báo cáo năm {YEAR} của {open_name} đến ngày {fine}."
            )),
            "{}",
            page.body
        );
        assert_eq!(
            store.deadline_extensions(YEAR).await.unwrap().get(open.as_str()),
            Some(&after_due)
        );
    }
}
