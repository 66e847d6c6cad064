//! The unread notices a signed-in account sees at the top of its pages:
//! its unit's reminders (worded against today and the unit's deadline as
//! it stands now, extension included; gone once the report is sent) and
//! its own digests. Marking one read is `accounts::notices`.

use std::collections::HashMap;

use chrono::NaiveDate;
use xhht_domain::reminders::{countdown, days_left, is_missing};
use xhht_storage::{NoticeKind, NoticeRow, StorageError};

use crate::auth::CurrentUser;
use crate::calendar::due_date;
use crate::state::AppState;

#[derive(Debug, Clone)]
pub struct NoticeView {
    pub id: i64,
    pub text: String,
    pub link: Option<String>,
    pub link_label: &'static str,
    /// Past the deadline: shown as a warning.
    pub late: bool,
}

/// The account's unread notices, worded for today; none on a failure
/// (logged: a page is never refused for its notices).
pub async fn unread(state: &AppState, user: &CurrentUser) -> Vec<NoticeView> {
    match load(state, user).await {
        Ok(v) => v,
        Err(e) => {
            tracing::warn!(error = %e, "notices not read");
            Vec::new()
        }
    }
}

async fn load(state: &AppState, user: &CurrentUser) -> Result<Vec<NoticeView>, StorageError> {
    // Read with the session when the account is in this plan.
    let fetched;
    let rows: &[NoticeRow] = match &user.notices {
        Some(read) => read,
        None => {
            fetched = state.store.unread_notices(&user.org_unit, user.id).await?;
            &fetched
        }
    };
    let today = state.clock.today();
    // The unit's deadline and state now, per year with a reminder.
    let mut years: HashMap<i32, (Option<NaiveDate>, bool)> = HashMap::new();
    let mut out = Vec::new();
    for n in rows {
        let view = match n.kind {
            NoticeKind::Reminder => {
                let Some(unit) = n.unit.as_deref() else { continue };
                let (due, owed) = match years.get(&n.year) {
                    Some(known) => *known,
                    None => {
                        let (report, ext) = state.store.report_with_extension(unit, n.year).await?;
                        let owed = is_missing(report.map(|r| r.state));
                        let known = (due_date(&state.plan, n.year, ext).or(n.due), owed);
                        *years.entry(n.year).or_insert(known)
                    }
                };
                match due.filter(|_| owed) {
                    Some(due) => reminder_view(n, due, today),
                    None => continue,
                }
            }
            NoticeKind::Digest => NoticeView {
                id: n.id,
                text: n.body.clone(),
                link: n.link.clone(),
                link_label: "Xem các đơn vị còn thiếu",
                late: false,
            },
        };
        out.push(view);
    }
    Ok(out)
}

fn reminder_view(n: &NoticeRow, due: NaiveDate, today: NaiveDate) -> NoticeView {
    NoticeView {
        id: n.id,
        text: countdown(n.year, due, today),
        link: n.link.clone(),
        link_label: "Mở báo cáo",
        late: days_left(due, today) < 0,
    }
}
