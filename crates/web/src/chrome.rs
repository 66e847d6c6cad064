//! What every page's frame shows: the sample-data banner, the audit alarm
//! (administrators only) and who is logged in.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use xhht_domain::access::Role;
use xhht_domain::plan::Plan;

use crate::auth::{CurrentUser, MaybeUser};
use crate::state::AppState;

#[derive(Debug, Clone)]
pub struct NavUser {
    pub display_name: String,
    pub role_label: &'static str,
    pub csrf: String,
    pub is_admin: bool,
    pub home: String,
    /// The words of the link to `home` (header and account page).
    pub home_label: &'static str,
}

#[derive(Debug, Clone)]
pub struct Chrome {
    pub is_sample: bool,
    /// For administrators: the audit trail's last check found it tampered
    /// with (the first problem, in Vietnamese).
    pub audit_alarm: Option<String>,
    pub user: Option<NavUser>,
    pub plan: PlanBar,
    /// The signed-in account's unread notices (reminders, digests).
    pub notices: Vec<crate::notices::NoticeView>,
    /// This page's path, where marking a notice read comes back to.
    pub here: String,
}

/// The plan the page speaks for, under the header: its number and body,
/// whether it ended early (and why), whether it is a sample plan, and
/// whether there are other plans to pick.
#[derive(Debug, Clone, Default)]
pub struct PlanBar {
    pub number: String,
    pub issuing_body: String,
    pub ended: Option<String>,
    pub sample: bool,
    pub several: bool,
}

impl PlanBar {
    fn of(state: &AppState) -> Self {
        let info = &state.plan.info;
        Self {
            number: info.number.clone(),
            issuing_body: info.issuing_body.clone(),
            ended: info
                .ended
                .as_ref()
                .map(|(day, why)| format!("Kế hoạch đã kết thúc ngày {}: {why}", day.format("%d/%m/%Y"))),
            sample: info.sample,
            several: state.plans.len() > 1,
        }
    }
}

/// Where an account lands after login.
pub fn home_of(plan: &Plan, user: &CurrentUser) -> String {
    let year = crate::calendar::current_year(plan);
    match user.role {
        Role::Reporter => format!("/reports/{year}/{}", user.org_unit),
        Role::Reviewer | Role::Admin => format!("/review/{year}"),
        Role::Viewer => format!("/lanh-dao/{year}"),
    }
}

/// What an account's home page is called: its own report, the units'
/// reports, or the leader's overview.
fn home_label(role: Role) -> &'static str {
    match role {
        Role::Reporter => "Báo cáo của đơn vị",
        Role::Reviewer | Role::Admin => "Báo cáo các đơn vị",
        Role::Viewer => "Tổng quan",
    }
}

impl Chrome {
    pub fn new(state: &AppState, user: Option<&CurrentUser>) -> Self {
        let user = user.map(|u| NavUser {
            display_name: u.display_name.clone(),
            role_label: crate::i18n::role(u.role),
            csrf: u.csrf.clone(),
            is_admin: u.role == Role::Admin,
            home: home_of(&state.plan, u),
            home_label: home_label(u.role),
        });
        let audit_alarm = user.as_ref().filter(|u| u.is_admin).and_then(|_| state.audit_alarm());
        Self {
            is_sample: state.is_sample,
            audit_alarm,
            user,
            plan: PlanBar::of(state),
            notices: Vec::new(),
            here: "/".into(),
        }
    }
}

impl FromRequestParts<AppState> for Chrome {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let user = parts.extensions.get::<MaybeUser>().and_then(|m| m.0.as_ref());
        let here = || parts.uri.path_and_query().map_or("/", |p| p.as_str()).to_string();
        Ok(match user {
            Some(user) => Chrome::signed_in(state, user, here()).await,
            None => Chrome::new(state, None),
        })
    }
}

impl Chrome {
    /// The frame for a signed-in account on the page at `here`, with its
    /// unread notices. Handlers that mostly redirect build it only when
    /// they show a page (a saved draft answers with a redirect: no read).
    pub async fn signed_in(state: &AppState, user: &CurrentUser, here: String) -> Self {
        let mut chrome = Chrome::new(state, Some(user));
        chrome.notices = crate::notices::unread(state, user).await;
        chrome.here = here;
        chrome
    }
}
