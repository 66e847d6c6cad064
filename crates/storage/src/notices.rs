//! In-app notices (reminders to units, digests to reviewers) and the
//! e-mails sent for them (migration 0080).
//!
//! A notice is addressed to a unit (every account of it sees it) or to one
//! account. Notices are posted in one locked write with their audit event;
//! a scheduled one carries a `dedupe` key, so posting it twice posts it
//! once. Its e-mails are recorded in the same write and sent afterwards,
//! outside any transaction: [`Store::pending_emails`], then
//! [`Store::email_done`] records what happened.

use chrono::NaiveDate;
use xhht_domain::audit::Change;
use xhht_domain::workflow::ReportState;

use crate::reports::Stamp;
use crate::write::args;
use crate::{Missing, Result, Store, with_db};

/// What a notice is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeKind {
    /// To a unit that still owes its report.
    Reminder,
    /// To a reviewer: the day's state of the year.
    Digest,
}

impl NoticeKind {
    fn as_str(self) -> &'static str {
        match self {
            Self::Reminder => "reminder",
            Self::Digest => "digest",
        }
    }

    fn parse(s: &str) -> Self {
        if s == "digest" { Self::Digest } else { Self::Reminder }
    }
}

/// A notice to post, with the e-mails that go with it.
#[derive(Debug, Clone)]
pub struct NewNotice {
    pub kind: NoticeKind,
    /// Addressed to every account of this unit…
    pub unit: Option<String>,
    /// …or to this one account.
    pub user_id: Option<i64>,
    pub year: i32,
    /// The deadline the notice counts down to (the unit's own, if extended).
    pub due: Option<NaiveDate>,
    /// The reminder day it was posted on; `None` when sent by hand.
    pub days_before: Option<u32>,
    pub body: String,
    pub link: Option<String>,
    /// One notice per key and plan: posting the same key again does nothing.
    pub dedupe: Option<String>,
    pub emails: Vec<OutgoingEmail>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingEmail {
    pub to: String,
    pub subject: String,
    pub body: String,
}

/// Which audit event a batch of notices records.
#[derive(Debug, Clone, Copy)]
pub enum NoticeBatch {
    /// Reminders to units, on a reminder day or by hand (`None`).
    Reminders {
        days_before: Option<u32>,
    },
    Digest,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NoticeRow {
    pub id: i64,
    pub kind: NoticeKind,
    pub unit: Option<String>,
    pub year: i32,
    pub due: Option<NaiveDate>,
    pub days_before: Option<u32>,
    pub body: String,
    pub link: Option<String>,
    pub created_at: String,
}

/// An e-mail recorded and not yet sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingEmail {
    pub id: i64,
    pub to: String,
    pub subject: String,
    pub body: String,
}

/// An enabled account of the plan and where it can be reached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    pub id: i64,
    pub username: String,
    pub role: String,
    pub unit: String,
    pub email: Option<String>,
}

/// The unread notices a page shows at most, newest first.
pub(crate) const UNREAD_SHOWN: i64 = 20;

/// A failed e-mail is tried again at the next run, this many times in all.
const EMAIL_ATTEMPTS: i64 = 3;

/// A notice's columns, read as `n` and named apart (`notice_…`), so a
/// join with an account's row reads them too (`Store::session_user`).
pub(crate) const NOTICE_COLUMNS: &str = "n.id AS notice_id, n.kind AS notice_kind, n.org_unit_code AS notice_unit, \
     n.year AS notice_year, n.due_date AS notice_due, n.days_before AS notice_days_before, n.body AS notice_body, \
     n.link AS notice_link, n.created_at AS notice_created_at";

/// The condition on `n` of the unread notices an account sees in a plan:
/// its own and its unit's. Each argument is an SQL expression.
pub(crate) fn unread(plan: &str, user_id: &str, unit: &str) -> String {
    format!(
        "n.plan_id = {plan} AND n.read_at IS NULL AND (n.user_id = {user_id} OR (n.user_id IS NULL AND n.org_unit_code = {unit}))"
    )
}

/// What [`NOTICE_COLUMNS`] reads: all `None` on a join that found none.
#[derive(sqlx::FromRow)]
pub(crate) struct StoredNotice {
    notice_id: Option<i64>,
    notice_kind: Option<String>,
    notice_unit: Option<String>,
    notice_year: Option<i32>,
    notice_due: Option<String>,
    notice_days_before: Option<i32>,
    notice_body: Option<String>,
    notice_link: Option<String>,
    notice_created_at: Option<String>,
}

impl Store {
    /// Posts `notices` in one locked write with one audit event naming the
    /// units (reminders) or accounts (digest) that got a new notice.
    /// Returns how many were new; notices whose key was already posted are
    /// skipped, with their e-mails.
    pub async fn post_notices(
        &self,
        stamp: &Stamp,
        year: i32,
        batch: NoticeBatch,
        notices: &[NewNotice],
    ) -> Result<usize> {
        let mut w = self.begin_write().await?;
        w.lock_table("notices").await?;
        let mut posted = Vec::new();
        for n in notices {
            let id: Option<(i64,)> = w
                .fetch_optional(
                    "INSERT INTO notices (plan_id, kind, org_unit_code, user_id, year, due_date, days_before, body, link, dedupe, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (plan_id, dedupe) DO NOTHING RETURNING id",
                    args![
                        w.plan,
                        n.kind.as_str(),
                        &n.unit,
                        n.user_id,
                        n.year,
                        n.due.map(|d| d.to_string()),
                        n.days_before.map(|d| d as i32),
                        &n.body,
                        &n.link,
                        &n.dedupe,
                        stamp.at_text()
                    ],
                )
                .await?;
            let Some((id,)) = id else { continue };
            for e in &n.emails {
                w.execute(
                    "INSERT INTO notice_emails (notice_id, recipient, subject, body, created_at) VALUES ($1, $2, $3, $4, $5)",
                    args![id, &e.to, &e.subject, &e.body, stamp.at_text()],
                )
                .await?;
            }
            posted.push(n);
        }
        if posted.is_empty() {
            return Ok(0);
        }
        let change = match batch {
            NoticeBatch::Reminders { days_before } => Change::RemindersSent {
                year,
                days_before,
                units: posted.iter().filter_map(|n| n.unit.clone()).collect(),
            },
            NoticeBatch::Digest => {
                let mut usernames = Vec::new();
                for id in posted.iter().filter_map(|n| n.user_id) {
                    let name: Option<(String,)> = w
                        .fetch_optional("SELECT username FROM users WHERE id = $1", args![id])
                        .await?;
                    usernames.extend(name.map(|(n,)| n));
                }
                Change::DigestSent { year, usernames }
            }
        };
        let count = posted.len();
        w.audit(stamp, None, Some(year), &change).await?;
        w.commit().await?;
        Ok(count)
    }

    /// The unread notices an account sees: its own and its unit's, newest first.
    pub async fn unread_notices(&self, unit: &str, user_id: i64) -> Result<Vec<NoticeRow>> {
        let plan = self.plan_id().await?;
        let sql = format!(
            "SELECT {NOTICE_COLUMNS} FROM notices n WHERE {} ORDER BY n.id DESC LIMIT {UNREAD_SHOWN}",
            unread("$1", "$2", "$3")
        );
        let rows: Vec<StoredNotice> = with_db!(&self.db, pool => {
            sqlx::query_as(&sql).bind(plan).bind(user_id).bind(unit).fetch_all(pool).await?
        });
        Ok(rows.into_iter().filter_map(StoredNotice::read).collect())
    }

    /// Marks notice `id` read for the account (`user_id` of `unit`).
    /// A notice addressed to someone else is missing to them.
    pub async fn mark_notice_read(&self, stamp: &Stamp, id: i64, unit: &str, user_id: i64) -> Result<()> {
        let mut w = self.begin_write().await?;
        let sql = format!(
            "SELECT id FROM notices WHERE id = $1 AND plan_id = $2 AND (user_id = $3 OR (user_id IS NULL AND org_unit_code = $4)){}",
            w.for_update()
        );
        let found: Option<(i64,)> = w.fetch_optional(&sql, args![id, w.plan, user_id, unit]).await?;
        if found.is_none() {
            return Err(Missing::Notice { id }.into());
        }
        // Bookkeeping of who has seen what, like a session: no audit event.
        w.execute(
            "UPDATE notices SET read_at = $1, read_by = $2 WHERE id = $3 AND read_at IS NULL",
            args![stamp.at_text(), &stamp.actor, id],
        )
        .await?;
        w.commit().await
    }

    /// E-mails of this plan's notices not sent yet (and not failed too often).
    pub async fn pending_emails(&self) -> Result<Vec<PendingEmail>> {
        let plan = self.plan_id().await?;
        let rows: Vec<(i64, String, String, String)> = with_db!(&self.db, pool => {
            sqlx::query_as(
                "SELECT e.id, e.recipient, e.subject, e.body FROM notice_emails e JOIN notices n ON n.id = e.notice_id \
                 WHERE n.plan_id = $1 AND e.sent_at IS NULL AND e.attempts < $2 ORDER BY e.id LIMIT 500",
            )
            .bind(plan).bind(EMAIL_ATTEMPTS).fetch_all(pool).await?
        });
        Ok(rows
            .into_iter()
            .map(|(id, to, subject, body)| PendingEmail { id, to, subject, body })
            .collect())
    }

    /// Records the outcome of sending e-mail `id`: sent, or the error.
    pub async fn email_done(&self, stamp: &Stamp, id: i64, outcome: std::result::Result<(), String>) -> Result<()> {
        let mut w = self.begin_write().await?;
        let sql = format!("SELECT id FROM notice_emails WHERE id = $1{}", w.for_update());
        let _: Option<(i64,)> = w.fetch_optional(&sql, args![id]).await?;
        match outcome {
            Ok(()) => {
                w.execute(
                    "UPDATE notice_emails SET sent_at = $1, error = NULL, attempts = attempts + 1 WHERE id = $2",
                    args![stamp.at_text(), id],
                )
                .await?
            }
            Err(e) => {
                w.execute(
                    "UPDATE notice_emails SET failed_at = $1, error = $2, attempts = attempts + 1 WHERE id = $3",
                    args![stamp.at_text(), e, id],
                )
                .await?
            }
        };
        w.commit().await
    }

    /// Every e-mail of this plan's notices as (recipient, subject, sent,
    /// error), oldest first: what the administrators and tests check.
    pub async fn email_log(&self) -> Result<Vec<(String, String, bool, Option<String>)>> {
        let plan = self.plan_id().await?;
        let rows: Vec<(String, String, Option<String>, Option<String>)> = with_db!(&self.db, pool => {
            sqlx::query_as(
                "SELECT e.recipient, e.subject, e.sent_at, e.error FROM notice_emails e JOIN notices n ON n.id = e.notice_id \
                 WHERE n.plan_id = $1 ORDER BY e.id",
            )
            .bind(plan).fetch_all(pool).await?
        });
        Ok(rows
            .into_iter()
            .map(|(r, s, sent, e)| (r, s, sent.is_some(), e))
            .collect())
    }

    /// The plan's enabled accounts and their e-mail addresses.
    pub async fn contacts(&self) -> Result<Vec<Contact>> {
        let plan = self.plan_id().await?;
        let rows: Vec<(i64, String, String, String, Option<String>)> = with_db!(&self.db, pool => {
            sqlx::query_as(
                "SELECT id, username, role, org_unit_code, email FROM users WHERE plan_id = $1 AND disabled = FALSE ORDER BY id",
            )
            .bind(plan).fetch_all(pool).await?
        });
        Ok(rows
            .into_iter()
            .map(|(id, username, role, unit, email)| Contact {
                id,
                username,
                role,
                unit,
                email,
            })
            .collect())
    }

    /// The e-mail addresses of the plan's accounts that have one, by id.
    pub async fn account_emails(&self) -> Result<std::collections::HashMap<i64, String>> {
        let plan = self.plan_id().await?;
        let rows: Vec<(i64, String)> = with_db!(&self.db, pool => {
            sqlx::query_as("SELECT id, email FROM users WHERE plan_id = $1 AND email IS NOT NULL")
                .bind(plan).fetch_all(pool).await?
        });
        Ok(rows.into_iter().collect())
    }

    /// Sets (or clears, `None`) an account's e-mail address, audited.
    /// The address is checked by the caller.
    pub async fn set_email(&self, stamp: &Stamp, id: i64, email: Option<&str>) -> Result<()> {
        let mut w = self.begin_write().await?;
        let sql = format!(
            "SELECT username, org_unit_code FROM users WHERE id = $1{}",
            w.for_update()
        );
        let Some((username, unit)) = w.fetch_optional::<(String, String)>(&sql, args![id]).await? else {
            return Err(Missing::Account { id }.into());
        };
        w.execute("UPDATE users SET email = $1 WHERE id = $2", args![email, id])
            .await?;
        let change = Change::EmailSet {
            username,
            email: email.map(String::from),
        };
        w.audit(stamp, Some(&unit), None, &change).await?;
        w.commit().await
    }

    /// Each report state of `year` by unit (a unit with no row has none).
    pub async fn report_states(&self, year: i32) -> Result<std::collections::HashMap<String, ReportState>> {
        Ok(self
            .reports(year)
            .await?
            .into_iter()
            .map(|r| (r.org_unit, r.state))
            .collect())
    }
}

impl StoredNotice {
    /// The notice, or `None` for the empty side of a join.
    pub(crate) fn read(self) -> Option<NoticeRow> {
        Some(NoticeRow {
            id: self.notice_id?,
            kind: NoticeKind::parse(&self.notice_kind?),
            unit: self.notice_unit,
            year: self.notice_year?,
            due: self.notice_due.and_then(|d| d.parse().ok()),
            days_before: self.notice_days_before.and_then(|d| u32::try_from(d).ok()),
            body: self.notice_body?,
            link: self.notice_link,
            created_at: self.notice_created_at?,
        })
    }
}
