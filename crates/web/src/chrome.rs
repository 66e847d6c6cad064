//! What every page's frame shows: the sample-data banner and who is logged in.

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
    pub reviews: bool,
    pub is_admin: bool,
    pub home: String,
}

#[derive(Debug, Clone)]
pub struct Chrome {
    pub is_sample: bool,
    pub user: Option<NavUser>,
}

/// Where an account lands after login.
pub fn home_of(plan: &Plan, user: &CurrentUser) -> String {
    let year = crate::calendar::current_year(plan);
    match user.role {
        Role::Reporter => format!("/reports/{year}/{}", user.org_unit),
        Role::Reviewer | Role::Admin => format!("/review/{year}"),
        Role::Viewer => "/".to_string(),
    }
}

impl Chrome {
    pub fn new(state: &AppState, user: Option<&CurrentUser>) -> Self {
        let user = user.map(|u| NavUser {
            display_name: u.display_name.clone(),
            role_label: crate::i18n::role(u.role),
            csrf: u.csrf.clone(),
            reviews: u.role.reviews(),
            is_admin: u.role == Role::Admin,
            home: home_of(&state.plan, u),
        });
        Self {
            is_sample: state.is_sample,
            user,
        }
    }
}

impl FromRequestParts<AppState> for Chrome {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let user = parts.extensions.get::<MaybeUser>().and_then(|m| m.0.as_ref());
        Ok(Chrome::new(state, user))
    }
}
