//! Reminders to units that still owe their report, and the reviewers'
//! daily digest: posted as in-app notices (one locked, audited write per
//! batch) and, when SMTP is configured, as e-mails sent after the commit.
//!
//! [`run_once`] is what the scheduler in `xhht serve` does every hour for
//! each plan ([`spawn_scheduler`]); [`remind_missing`] is the reviewers'
//! button. "Today" is passed in, so tests choose it. Which days and what
//! the words say are `domain::reminders`.

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::{Datelike, NaiveDate};
use xhht_domain::plan::OrgUnit;
use xhht_domain::reminders::{Digest, countdown, digest_day, is_missing, reminder_day};
use xhht_domain::text;
use xhht_domain::workflow::ReportState;
use xhht_storage::{Contact, NewNotice, NoticeBatch, NoticeKind, OutgoingEmail, Stamp, StorageError};

use crate::calendar::due_date;
use crate::state::AppState;

/// What one run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunSummary {
    pub reminders: usize,
    pub digests: usize,
    pub emails_sent: usize,
    pub emails_failed: usize,
}

/// How often the scheduler looks: reminders are by the day, so an hour
/// late is on time, and a restart catches up at once.
const EVERY: Duration = Duration::from_secs(60 * 60);

/// Starts the scheduler: every plan of `state` at once, then every hour.
/// A failed run is logged and tried again at the next; it never stops the server.
pub fn spawn_scheduler(state: &AppState) -> tokio::task::JoinHandle<()> {
    let states: Vec<AppState> = state.plans.iter().map(|slot| state.for_slot(slot)).collect();
    tokio::spawn(async move {
        loop {
            for s in &states {
                let today = s.clock.today();
                match run_once(s, today).await {
                    Ok(done) if done != RunSummary::default() => {
                        tracing::info!(plan = %s.plan.info.code, ?done, "reminders")
                    }
                    Ok(_) => {}
                    Err(e) => tracing::warn!(plan = %s.plan.info.code, error = %e, "reminders failed"),
                }
            }
            tokio::time::sleep(EVERY).await;
        }
    })
}

/// The reporting year reminders are about on `today`: this year, if the
/// plan takes reports for it and has not ended.
fn open_year(state: &AppState, today: NaiveDate) -> Option<i32> {
    let plan = &state.plan;
    let year = today.year();
    let ended = plan.info.ended.as_ref().is_some_and(|(day, _)| today > *day);
    (!ended && year >= plan.reporting.first_year && year <= plan.last_entry_year()).then_some(year)
}

/// A year's reporting units with their state and their own deadline.
struct Standing<'a> {
    unit: &'a OrgUnit,
    state: Option<ReportState>,
    due: NaiveDate,
}

async fn standings(state: &AppState, year: i32) -> Result<Vec<Standing<'_>>, StorageError> {
    let plan = &state.plan;
    let states = state.store.report_states(year).await?;
    let extensions = state.store.deadline_extensions(year).await?;
    Ok(plan
        .units_in(year)
        .filter(|u| plan.is_reporting_unit(u) && state.no_longer_reports(u, year).is_none())
        .filter_map(|u| {
            Some(Standing {
                unit: u,
                state: states.get(&u.code).copied(),
                due: due_date(plan, year, extensions.get(&u.code).copied())?,
            })
        })
        .collect())
}

/// One scheduled run for `state`'s plan on `today`: the reminders of the
/// day to units still missing, the reviewers' digest, then the e-mails.
/// Posting is idempotent, so running twice on a day posts once.
pub async fn run_once(state: &AppState, today: NaiveDate) -> Result<RunSummary, StorageError> {
    let mut done = RunSummary::default();
    if let Some(year) = open_year(state, today) {
        let units = standings(state, year).await?;
        let contacts = state.store.contacts().await?;
        let days = &state.plan.report.reminder_days;
        let mut by_day: BTreeMap<u32, Vec<NewNotice>> = BTreeMap::new();
        for s in units.iter().filter(|s| is_missing(s.state)) {
            if let Some(day) = reminder_day(days, s.due, today) {
                let key = format!("reminder:{year}:{}:{day}", s.unit.code);
                by_day
                    .entry(day)
                    .or_default()
                    .push(reminder(state, s, year, today, Some(day), Some(key), &contacts));
            }
        }
        let stamp = Stamp::now("xhht").with_reason("Nhắc hạn tự động");
        for (day, notices) in by_day {
            let batch = NoticeBatch::Reminders { days_before: Some(day) };
            done.reminders += state.store.post_notices(&stamp, year, batch, &notices).await?;
        }
        let notices = digests(state, &units, year, today, &contacts);
        if !notices.is_empty() {
            done.digests = state
                .store
                .post_notices(&stamp, year, NoticeBatch::Digest, &notices)
                .await?;
        }
    }
    let (sent, failed) = deliver(state).await?;
    (done.emails_sent, done.emails_failed) = (sent, failed);
    Ok(done)
}

/// The reviewers' button: reminds every unit still missing its report of
/// `year` now, whatever the day. Returns the units reminded (none: nothing
/// was written, and the caller says so).
pub async fn remind_missing(state: &AppState, actor: &str, year: i32) -> Result<Vec<String>, StorageError> {
    let today = state.clock.today();
    let units = standings(state, year).await?;
    let contacts = state.store.contacts().await?;
    let notices: Vec<NewNotice> = units
        .iter()
        .filter(|s| is_missing(s.state))
        .map(|s| reminder(state, s, year, today, None, None, &contacts))
        .collect();
    if notices.is_empty() {
        return Ok(Vec::new());
    }
    let stamp = Stamp::now(actor);
    let batch = NoticeBatch::Reminders { days_before: None };
    state.store.post_notices(&stamp, year, batch, &notices).await?;
    if let Err(e) = deliver(state).await {
        tracing::warn!(error = %e, "reminder e-mails not sent");
    }
    Ok(units
        .iter()
        .filter(|s| is_missing(s.state))
        .map(|s| s.unit.name.clone())
        .collect())
}

/// A reminder to one unit, with an e-mail to each of its reporters who
/// has an address (when SMTP is configured).
fn reminder(
    state: &AppState,
    s: &Standing,
    year: i32,
    today: NaiveDate,
    day: Option<u32>,
    dedupe: Option<String>,
    contacts: &[Contact],
) -> NewNotice {
    let body = countdown(year, s.due, today);
    let link = format!("/reports/{year}/{}", s.unit.code);
    let emails = match &state.mailer {
        Some(mailer) => {
            let (state_label, _) = crate::i18n::report_state(s.state);
            let subject = format!("[XHHT] Nhắc nộp báo cáo năm {year} – hạn {}", text::date(s.due));
            let text = format!(
                "Kính gửi {},\n\n{body}\nBáo cáo của đơn vị hiện ở trạng thái: {state_label}.\n\
                 Mời đơn vị nhập và gửi báo cáo tại: {}\n\nHệ thống theo dõi Kế hoạch {} (thư tự động, xin đừng trả lời).\n",
                s.unit.name,
                mailer.link(&link),
                state.plan.info.number
            );
            addressed(
                contacts,
                |c| c.role == "reporter" && c.unit == s.unit.code,
                &subject,
                &text,
            )
        }
        None => Vec::new(),
    };
    NewNotice {
        kind: NoticeKind::Reminder,
        unit: Some(s.unit.code.clone()),
        user_id: None,
        year,
        due: Some(s.due),
        days_before: day,
        body,
        link: Some(link),
        dedupe,
        emails,
    }
}

/// The day's digest to every reviewer of the plan, inside the digest
/// window and while something is missing or awaiting review.
fn digests(state: &AppState, units: &[Standing], year: i32, today: NaiveDate, contacts: &[Contact]) -> Vec<NewNotice> {
    let plan = &state.plan;
    let Some(due) = plan.due_date(year) else {
        return Vec::new();
    };
    let digest = Digest::count(units.iter().map(|s| s.state));
    if !digest_day(&plan.report.reminder_days, due, today) || digest.is_quiet() {
        return Vec::new();
    }
    // Dated by the day it counts (`--reminder-today` included), as its e-mail's subject is.
    let body = format!("Tin ngày {}: {}", text::date(today), digest.text(year, due, today));
    let link = format!("/review/{year}?state=missing");
    contacts
        .iter()
        .filter(|c| xhht_domain::access::Role::parse(&c.role).is_some_and(|r| r.reviews()))
        .map(|c| {
            let emails = match &state.mailer {
                Some(mailer) => {
                    let subject = format!(
                        "[XHHT] Tình hình báo cáo năm {year} ngày {}: {} đơn vị còn thiếu",
                        text::date(today),
                        digest.missing
                    );
                    let text = format!(
                        "{body}\n\nDanh sách đơn vị còn thiếu: {}\n\nHệ thống theo dõi Kế hoạch {} (thư tự động, xin đừng trả lời).\n",
                        mailer.link(&link),
                        plan.info.number
                    );
                    addressed(std::slice::from_ref(c), |_| true, &subject, &text)
                }
                None => Vec::new(),
            };
            NewNotice {
                kind: NoticeKind::Digest,
                unit: Some(c.unit.clone()),
                user_id: Some(c.id),
                year,
                due: Some(due),
                days_before: None,
                body: body.clone(),
                link: Some(link.clone()),
                dedupe: Some(format!("digest:{year}:{}:{today}", c.id)),
                emails,
            }
        })
        .collect()
}

fn addressed(contacts: &[Contact], to: impl Fn(&Contact) -> bool, subject: &str, body: &str) -> Vec<OutgoingEmail> {
    contacts
        .iter()
        .filter(|c| to(c))
        .filter_map(|c| c.email.clone())
        .map(|to| OutgoingEmail {
            to,
            subject: subject.to_string(),
            body: body.to_string(),
        })
        .collect()
}

/// Sends the e-mails recorded and not yet sent, each marked sent or failed
/// afterwards (a failure is logged and kept, and tried again next run).
/// Returns (sent, failed).
pub async fn deliver(state: &AppState) -> Result<(usize, usize), StorageError> {
    let Some(mailer) = &state.mailer else {
        return Ok((0, 0));
    };
    let (mut sent, mut failed) = (0, 0);
    for e in state.store.pending_emails().await? {
        let outcome = mailer.send(&e.to, &e.subject, &e.body).await;
        match &outcome {
            Ok(()) => sent += 1,
            Err(why) => {
                failed += 1;
                tracing::warn!(to = %e.to, error = %why, "e-mail not sent");
            }
        }
        state.store.email_done(&Stamp::now("xhht"), e.id, outcome).await?;
    }
    Ok((sent, failed))
}
