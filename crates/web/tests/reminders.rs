//! Reminders before the deadline and the reviewers' digest, through the
//! real router and a local SMTP sink, on SQLite and PostgreSQL.
//!
//! Test plan (the demo's 2026, plan deadline 10/12/2026, reminder days
//! 14, 7, 3, 1):
//! - a run on a day that is not a reminder day posts no reminder; on 7 days
//!   before, exactly the units still missing (not started, draft, returned)
//!   get one, with an e-mail to their reporter; a second run that day posts
//!   nothing more; a unit that sent its report gets none;
//! - a unit with an extension is reminded against its own date: not on the
//!   plan's 7-day mark, but 7 days before its extended date, and its notice
//!   counts down to that date; after a deadline the notice says how late;
//! - the digest reaches every reviewer, in the app (with the link to the
//!   list of missing units) and by e-mail;
//! - the reviewer's button reminds the missing units now, one audited write
//!   naming them, and the e-mail arrives at the sink with a Vietnamese
//!   subject and body to the right address; with nothing missing it writes
//!   nothing and says so;
//! - a unit never sees another unit's notices, nor can it mark them read;
//!   marking its own read removes it;
//! - an SMTP server that refuses: the notices are posted, the failure is
//!   recorded, the run goes on.

mod common;

use std::sync::Arc;

use axum::Router;
use axum::http::StatusCode;
use chrono::NaiveDate;
use common::Client;
use common::smtp::Sink;
use xhht_domain::plan::builtin;
use xhht_domain::reminders::is_missing;
use xhht_sample::{DEMO_PASSWORD, SEED, demo_accounts, load_demo};
use xhht_storage::{Stamp, Store, test_support};
use xhht_web::{AppState, Clock, Mailer, SmtpSecurity, SmtpSettings, router, run_once};

const YEAR: i32 = 2026;

fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(YEAR, m, d).unwrap()
}

fn mailer(sink: &Sink) -> Arc<Mailer> {
    let settings = SmtpSettings {
        host: "127.0.0.1".into(),
        port: sink.addr.port(),
        from: "XHHT <xhht@test.vn>".into(),
        credentials: None,
        security: SmtpSecurity::None,
        site_url: Some("http://xhht.test".into()),
    };
    Arc::new(Mailer::new(&settings).unwrap())
}

struct World {
    store: Store,
    state: AppState,
    sink: Sink,
}

impl World {
    /// The app as it answers on `today`.
    fn app(&self, today: NaiveDate) -> Router {
        let mut state = self.state.clone();
        state.clock = Clock(Some(today));
        router(state)
    }

    async fn run(&self, today: NaiveDate) -> xhht_web::RunSummary {
        run_once(&self.state, today).await.unwrap()
    }
}

/// The demo on both databases, every account with an e-mail
/// (`username@test.vn`), mail going to a fresh sink (or a refusing one).
async fn worlds(name: &str, refusing: bool) -> Vec<World> {
    let mut out = Vec::new();
    for store in test_support::stores(name).await {
        load_demo(&store, SEED).await.unwrap();
        for u in store.users().await.unwrap() {
            let email = format!("{}@test.vn", u.username);
            store.set_email(&Stamp::now("test"), u.id, Some(&email)).await.unwrap();
        }
        let sink = if refusing {
            Sink::refusing().await
        } else {
            Sink::start().await
        };
        let mut state = AppState::load(store.clone()).await.unwrap();
        state.mailer = Some(mailer(&sink));
        out.push(World { store, state, sink });
    }
    out
}

/// (code, reporter username, still missing) of every reporting unit of 2026.
async fn units(store: &Store) -> Vec<(String, String, bool)> {
    let plan = builtin();
    let states = store.report_states(YEAR).await.unwrap();
    let accounts = demo_accounts(&plan);
    plan.units_in(YEAR)
        .filter(|u| plan.is_reporting_unit(u))
        .map(|u| {
            let user = accounts
                .iter()
                .find(|a| a.org_unit == u.code && a.role == xhht_domain::access::Role::Reporter)
                .map(|a| a.username.clone())
                .unwrap_or_default();
            (u.code.clone(), user, is_missing(states.get(&u.code).copied()))
        })
        .collect()
}

/// Ids of a unit's unread reminders and their reminder days.
async fn reminders_of(store: &Store, unit: &str) -> Vec<Option<u32>> {
    store
        .unread_notices(unit, -1)
        .await
        .unwrap()
        .into_iter()
        .map(|n| n.days_before)
        .collect()
}

#[tokio::test]
async fn reminders_fall_on_the_set_days_for_missing_units_once() {
    for w in worlds("web_remind_days", false).await {
        let b = w.store.backend();
        let all = units(&w.store).await;
        let missing: Vec<_> = all.iter().filter(|(_, _, m)| *m).collect();
        assert!(
            !missing.is_empty() && missing.len() < all.len(),
            "{b:?}: the demo has both"
        );
        // 8 days before: not a reminder day.
        assert_eq!(w.run(day(12, 2)).await.reminders, 0, "{b:?}");
        assert!(w.sink.mails().iter().all(|m| !m.subject.contains("Nhắc nộp")), "{b:?}");
        let done = w.run(day(12, 3)).await;
        assert_eq!(done.reminders, missing.len(), "{b:?}");
        assert_eq!(done.emails_failed, 0, "{b:?}");
        for (code, _, owed) in &all {
            let expected = if *owed { vec![Some(7)] } else { vec![] };
            assert_eq!(reminders_of(&w.store, code).await, expected, "{b:?} {code}");
        }
        // The same day again, and the day after: nothing new.
        let again = w.run(day(12, 3)).await;
        assert_eq!((again.reminders, again.digests, again.emails_sent), (0, 0, 0), "{b:?}");
        assert_eq!(w.run(day(12, 4)).await.reminders, 0, "{b:?}");
        // Each missing unit's reporter got the e-mail, in Vietnamese.
        let (code, user, _) = missing[0];
        let mail = w
            .sink
            .wait_for(|m| m.to == [format!("{user}@test.vn")] && m.subject.contains("Nhắc nộp"))
            .await;
        assert_eq!(
            mail.subject, "[XHHT] Nhắc nộp báo cáo năm 2026 – hạn 10/12/2026",
            "{b:?}"
        );
        assert!(
            mail.body
                .contains("Còn 7 ngày đến hạn nộp báo cáo năm 2026 (10/12/2026)."),
            "{b:?} {}",
            mail.body
        );
        assert!(
            mail.body.contains(&format!("http://xhht.test/reports/2026/{code}")),
            "{b:?}"
        );
        let reminded: usize = w.sink.mails().iter().filter(|m| m.subject.contains("Nhắc nộp")).count();
        assert_eq!(reminded, missing.len(), "{b:?}: one e-mail per missing unit's reporter");
        // The audit trail names the units.
        let events = w.store.audit_trail().await.unwrap();
        let sent = events
            .iter()
            .find_map(|e| match &e.event.change {
                xhht_domain::audit::Change::RemindersSent {
                    days_before: Some(7),
                    units,
                    ..
                } => Some(units.clone()),
                _ => None,
            })
            .expect("a reminders_sent event");
        assert_eq!(sent.len(), missing.len(), "{b:?}");
    }
}

#[tokio::test]
async fn an_extended_unit_is_reminded_against_its_own_date() {
    for w in worlds("web_remind_extended", false).await {
        let b = w.store.backend();
        let all = units(&w.store).await;
        let (code, user, _) = all.iter().find(|(_, _, m)| *m).unwrap().clone();
        let stamp = Stamp::now("admin");
        w.store
            .extend_deadline(&stamp, &code, YEAR, day(12, 20), "Lũ")
            .await
            .unwrap();
        w.run(day(12, 3)).await;
        assert!(
            reminders_of(&w.store, &code).await.is_empty(),
            "{b:?}: 17 days before its own date"
        );
        w.run(day(12, 13)).await;
        assert_eq!(reminders_of(&w.store, &code).await, vec![Some(7)], "{b:?}");
        let reporter = Client::login(&w.app(day(12, 13)), &user, DEMO_PASSWORD).await;
        let page = reporter
            .get(&w.app(day(12, 13)), &format!("/reports/{YEAR}/{code}"))
            .await;
        assert!(
            page.body
                .contains("Còn 7 ngày đến hạn nộp báo cáo năm 2026 (20/12/2026)."),
            "{b:?}: {}",
            page.body
        );
        // Another missing unit, reminded on 3/12, is late by 12/12.
        let (other, other_user, _) = all.iter().find(|(c, _, m)| *m && *c != code).unwrap();
        let app = w.app(day(12, 12));
        let page = Client::login(&app, other_user, DEMO_PASSWORD)
            .await
            .get(&app, &format!("/reports/{YEAR}/{other}"))
            .await;
        assert!(
            page.body
                .contains("Đã quá hạn nộp báo cáo năm 2026 2 ngày (hạn 10/12/2026)."),
            "{b:?}: {}",
            page.body
        );
    }
}

#[tokio::test]
async fn the_digest_reaches_the_reviewers() {
    for w in worlds("web_remind_digest", false).await {
        let b = w.store.backend();
        // Outside the window (15 days before): no digest.
        assert_eq!(w.run(day(11, 25)).await.digests, 0, "{b:?}");
        let done = w.run(day(12, 6)).await;
        let reviewers = w
            .store
            .users()
            .await
            .unwrap()
            .into_iter()
            .filter(|u| u.role.reviews() && !u.disabled)
            .count();
        assert!(reviewers >= 2, "{b:?}: the demo's reviewer and administrator");
        assert_eq!(done.digests, reviewers, "{b:?}");
        assert_eq!(w.run(day(12, 6)).await.digests, 0, "{b:?}: once a day");
        let app = w.app(day(12, 6));
        let reviewer = Client::login(&app, "chuyenvien", DEMO_PASSWORD).await;
        let page = reviewer.get(&app, &format!("/review/{YEAR}")).await;
        let missing = units(&w.store).await.iter().filter(|(_, _, m)| *m).count();
        assert!(
            page.body.contains("Tin ngày 06/12/2026: Báo cáo năm 2026:")
                && page.body.contains(&format!("{missing} còn thiếu. Còn 4 ngày đến hạn"))
                && page.body.contains("href=\"/review/2026?state=missing\""),
            "{b:?}: {}",
            page.body
        );
        let mail = w.sink.wait_for(|m| m.to == ["chuyenvien@test.vn"]).await;
        assert_eq!(
            mail.subject,
            format!("[XHHT] Tình hình báo cáo năm 2026 ngày 06/12/2026: {missing} đơn vị còn thiếu"),
            "{b:?}"
        );
        assert!(
            mail.body.contains("http://xhht.test/review/2026?state=missing"),
            "{b:?}"
        );
        // A reporter gets no digest.
        let (_, user, _) = units(&w.store).await.into_iter().next().unwrap();
        assert!(
            w.sink
                .mails()
                .iter()
                .all(|m| m.to != [format!("{user}@test.vn")] || !m.subject.contains("Tình hình"))
        );
    }
}

#[tokio::test]
async fn the_button_reminds_the_missing_units_and_the_mail_arrives() {
    for w in worlds("web_remind_button", false).await {
        let b = w.store.backend();
        let app = w.app(day(12, 7));
        let all = units(&w.store).await;
        let missing: Vec<_> = all.iter().filter(|(_, _, m)| *m).collect();
        let reviewer = Client::login(&app, "chuyenvien", DEMO_PASSWORD).await;
        let list = reviewer.get(&app, &format!("/review/{YEAR}")).await;
        assert!(list.body.contains("Nhắc các đơn vị còn thiếu"), "{b:?}");
        let r = reviewer.post(&app, &format!("/review/{YEAR}/nhac-nho"), &[]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{b:?}: {}", r.body);
        let list = reviewer.get(&app, &r.location).await;
        assert!(
            list.body
                .contains(&format!("Đã nhắc {} đơn vị còn thiếu báo cáo năm 2026", missing.len())),
            "{b:?}: {}",
            list.body
        );
        let (code, user, _) = missing[0];
        let mail = w.sink.wait_for(|m| m.to == [format!("{user}@test.vn")]).await;
        assert_eq!(mail.from, "xhht@test.vn", "{b:?}");
        assert_eq!(
            mail.subject, "[XHHT] Nhắc nộp báo cáo năm 2026 – hạn 10/12/2026",
            "{b:?}"
        );
        assert!(
            mail.body.contains("Kính gửi ")
                && mail
                    .body
                    .contains("Còn 3 ngày đến hạn nộp báo cáo năm 2026 (10/12/2026)."),
            "{b:?}: {}",
            mail.body
        );
        assert!(
            w.store.email_log().await.unwrap().iter().all(|(_, _, sent, _)| *sent),
            "{b:?}"
        );
        // One audited write naming every missing unit.
        let events = w.store.audit_trail().await.unwrap();
        let named: Vec<Vec<String>> = events
            .iter()
            .filter_map(|e| match &e.event.change {
                xhht_domain::audit::Change::RemindersSent {
                    days_before: None,
                    units,
                    ..
                } => Some(units.clone()),
                _ => None,
            })
            .collect();
        let codes: Vec<String> = missing.iter().map(|(c, _, _)| c.clone()).collect();
        assert_eq!(named, vec![codes], "{b:?}");
        // The unit sees its notice; another unit sees none of it.
        let reporter = Client::login(&app, user, DEMO_PASSWORD).await;
        let page = reporter.get(&app, &format!("/reports/{YEAR}/{code}")).await;
        assert!(
            page.body
                .contains("Còn 3 ngày đến hạn nộp báo cáo năm 2026 (10/12/2026)."),
            "{b:?}"
        );
        let id = w.store.unread_notices(code, -1).await.unwrap()[0].id;
        let (sent_code, sent_user, _) = all.iter().find(|(_, _, m)| !*m).unwrap();
        let other = Client::login(&app, sent_user, DEMO_PASSWORD).await;
        let page = other.get(&app, &format!("/reports/{YEAR}/{sent_code}")).await;
        assert!(
            !page.body.contains("Thông báo ("),
            "{b:?}: a unit that sent sees no reminder"
        );
        let r = other
            .post(&app, &format!("/thong-bao/{id}/da-doc"), &[("next", "/")])
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{b:?}: another unit's notice");
        assert_eq!(w.store.unread_notices(code, -1).await.unwrap().len(), 1, "{b:?}");
        // Its own reporter marks it read.
        let here = format!("/reports/{YEAR}/{code}");
        let r = reporter
            .post(&app, &format!("/thong-bao/{id}/da-doc"), &[("next", &here)])
            .await;
        assert_eq!(
            (r.status, r.location.as_str()),
            (StatusCode::SEE_OTHER, here.as_str()),
            "{b:?}"
        );
        assert!(w.store.unread_notices(code, -1).await.unwrap().is_empty(), "{b:?}");
        // A reporter may not press the reviewers' button.
        let r = reporter.post(&app, &format!("/review/{YEAR}/nhac-nho"), &[]).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{b:?}");
    }
}

#[tokio::test]
async fn the_button_refuses_when_nothing_is_missing() {
    for w in worlds("web_remind_nothing", false).await {
        let b = w.store.backend();
        let plan = builtin();
        let states = w.store.report_states(2024).await.unwrap();
        let owed = plan
            .units_in(2024)
            .filter(|u| plan.is_reporting_unit(u))
            .filter(|u| is_missing(states.get(&u.code).copied()))
            .count();
        assert_eq!(owed, 0, "{b:?}: the demo's 2024 is complete");
        let app = w.app(day(12, 7));
        let reviewer = Client::login(&app, "chuyenvien", DEMO_PASSWORD).await;
        let before = w.store.audit_trail().await.unwrap().len();
        let r = reviewer.post(&app, "/review/2024/nhac-nho", &[]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{b:?}");
        let page = reviewer.get(&app, &r.location).await;
        assert!(
            page.body
                .contains("Không có đơn vị nào còn thiếu báo cáo năm 2024: không cần nhắc."),
            "{b:?}"
        );
        let events = w.store.audit_trail().await.unwrap();
        assert!(
            !events[before..]
                .iter()
                .any(|e| e.event.change.kind() == "reminders_sent"),
            "{b:?}: nothing written"
        );
        assert!(w.sink.mails().is_empty(), "{b:?}");
    }
}

#[tokio::test]
async fn a_refusing_mail_server_is_recorded_and_the_run_goes_on() {
    for w in worlds("web_remind_smtp_fails", true).await {
        let b = w.store.backend();
        let missing = units(&w.store).await.iter().filter(|(_, _, m)| *m).count();
        let done = w.run(day(12, 3)).await;
        assert_eq!(done.reminders, missing, "{b:?}: the notices are posted");
        assert_eq!(done.emails_sent, 0, "{b:?}");
        assert!(done.emails_failed >= missing, "{b:?}: {done:?}");
        let log = w.store.email_log().await.unwrap();
        assert!(
            log.iter()
                .all(|(_, _, sent, error)| !sent && error.as_deref().is_some_and(|e| e.contains("550"))),
            "{b:?}: {log:?}"
        );
    }
}

#[tokio::test]
async fn an_admin_sets_an_accounts_email_and_a_bad_one_is_refused_at_its_field() {
    for w in worlds("web_remind_email_field", false).await {
        let b = w.store.backend();
        let app = w.app(day(12, 7));
        let user = w
            .store
            .users()
            .await
            .unwrap()
            .into_iter()
            .find(|u| u.username == "phucxa")
            .unwrap();
        let admin = Client::login(&app, "admin", xhht_sample::DEMO_ADMIN_PASSWORD).await;
        let uri = format!("/admin/users/{}/email", user.id);
        let r = admin.post(&app, &uri, &[("email", "không phải e-mail")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{b:?}");
        assert!(
            r.body.contains("“không phải e-mail” không phải địa chỉ e-mail")
                && r.body.contains("value=\"không phải e-mail\"")
                && r.body.contains("aria-invalid=\"true\""),
            "{b:?}: {}",
            r.body
        );
        assert_eq!(
            w.store
                .account_emails()
                .await
                .unwrap()
                .get(&user.id)
                .map(String::as_str),
            Some("phucxa@test.vn")
        );
        let r = admin.post(&app, &uri, &[("email", " canbo@phucxa.gov.vn ")]).await;
        assert_eq!(r.status, StatusCode::OK, "{b:?}");
        assert!(
            r.body.contains("Đã lưu e-mail của “phucxa”: canbo@phucxa.gov.vn."),
            "{b:?}"
        );
        assert_eq!(
            w.store
                .account_emails()
                .await
                .unwrap()
                .get(&user.id)
                .map(String::as_str),
            Some("canbo@phucxa.gov.vn")
        );
        let r = admin.post(&app, &uri, &[("email", "")]).await;
        assert_eq!(r.status, StatusCode::OK, "{b:?}");
        assert!(!w.store.account_emails().await.unwrap().contains_key(&user.id), "{b:?}");
        // Only administrators.
        let reviewer = Client::login(&app, "chuyenvien", DEMO_PASSWORD).await;
        let r = reviewer.post(&app, &uri, &[("email", "x@y.vn")]).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{b:?}");
    }
}
