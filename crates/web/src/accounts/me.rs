//! `GET /account`: who is signed in, as what and for which unit, with the
//! links the header keeps on a wide screen (on a phone the header shows the
//! way home and this page only, so it stays one row without scrolling).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;

use crate::auth::CurrentUser;
use crate::chrome::Chrome;
use crate::state::AppState;

#[derive(Template, WebTemplate)]
#[template(path = "accounts/me.html")]
pub struct AccountPage {
    pub chrome: Chrome,
    pub username: String,
    pub role: &'static str,
    /// The unit the account acts for, by its name in the plan.
    pub unit: String,
}

pub async fn page(State(state): State<AppState>, chrome: Chrome, user: CurrentUser) -> AccountPage {
    let unit = state
        .plan
        .unit(&user.org_unit)
        .map_or_else(|| user.org_unit.clone(), |u| u.name.clone());
    AccountPage {
        chrome,
        username: user.username.clone(),
        role: crate::i18n::role(user.role),
        unit,
    }
}
