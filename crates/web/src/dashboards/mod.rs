//! Dashboards: the area's targets (`/`), one indicator (`/chi-tieu/{code}`),
//! one unit (`/don-vi/{code}`) and the comparison grid (`/so-sanh`). Each is
//! also served under `/cong-khai` for the public, without login and without
//! any account's name; all show approved figures only.
//!
//! | route                                 | who            |
//! |---------------------------------------|----------------|
//! | every route, at `/` and `/cong-khai`  | anyone, no login |
//! | `/ke-hoach` (pick the plan)           | anyone, no login |
//! | `/tro-giup` (help for each role)      | anyone, no login |

mod compare;
mod help;
mod indicator;
mod overview;
mod plans;
mod unit;

use axum::Router;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::routing::get;

use crate::chrome::Chrome;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(pages(Site::INTERNAL))
        .nest("/cong-khai", pages(Site::PUBLIC))
        .route("/ke-hoach", get(plans::page))
        .route("/tro-giup", get(help::page))
}

/// The pages, mounted twice: internal and public.
fn pages(site: Site) -> Router<AppState> {
    Router::new()
        .route("/", get(overview::page))
        .route("/chi-tieu/{code}", get(indicator::page))
        .route("/chi-tieu/{code}/bieu-do.svg", get(indicator::chart_svg))
        .route("/chi-tieu/{code}/du-lieu.csv", get(indicator::data_csv))
        .route("/don-vi/{code}", get(unit::page))
        .route("/so-sanh", get(compare::page))
        .layer(axum::Extension(site))
}

/// Internal pages at `/…`, the public mirror at `/cong-khai/…`.
#[derive(Debug, Clone, Copy)]
pub struct Site {
    pub base: &'static str,
    pub public: bool,
}

impl Site {
    pub const INTERNAL: Site = Site {
        base: "",
        public: false,
    };
    pub const PUBLIC: Site = Site {
        base: "/cong-khai",
        public: true,
    };

    /// The dashboard's own address: `/` or `/cong-khai`.
    pub fn home(self) -> &'static str {
        if self.base.is_empty() { "/" } else { self.base }
    }
}

/// The site a dashboard page is served on, and its frame: the public pages
/// never show who is logged in.
pub struct Framed {
    pub site: Site,
    pub chrome: Chrome,
}

impl FromRequestParts<AppState> for Framed {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let site = parts.extensions.get::<Site>().copied().unwrap_or(Site::INTERNAL);
        let mut chrome = Chrome::from_request_parts(parts, state).await?;
        if site.public {
            chrome.user = None;
        }
        Ok(Framed { site, chrome })
    }
}
