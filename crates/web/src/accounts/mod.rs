//! Accounts: logging in and out, one's own password, and administrators'
//! management of every account.
//!
//! | route                          | who                       |
//! |--------------------------------|---------------------------|
//! | `GET/POST /login`              | anyone                    |
//! | `POST /logout`                 | anyone (ends its session) |
//! | `GET /account`                 | signed in (`CurrentUser`) |
//! | `GET/POST /account/password`   | signed in (`CurrentUser`) |
//! | `/admin/users…` (list, create, import, act, `/{id}/sua`) | `Admin` |
//! | `POST /admin/audit/verify`     | `Admin`                   |
//! | `POST /thong-bao/{id}/da-doc`  | signed in: its own or its unit's notice |

mod login;
mod me;
mod next;
mod notices;
mod password;
mod users;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};

use crate::state::AppState;

/// A login form is a name, a password and a path: 16 KiB is plenty, and a
/// megabyte-long name is refused before it is read into memory.
const LOGIN_BODY_LIMIT: usize = 16 * 1024;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/login",
            get(login::form)
                .post(login::submit)
                .layer(DefaultBodyLimit::max(LOGIN_BODY_LIMIT)),
        )
        .route("/logout", post(login::logout))
        .route("/account", get(me::page))
        .route("/account/password", get(password::form).post(password::change))
        .route("/admin/users", get(users::list).post(users::create::create))
        .route("/admin/users/import", post(users::import::import))
        .route("/admin/users/{id}", post(users::act::act))
        .route("/admin/users/{id}/email", post(users::email::set))
        .route("/admin/users/{id}/sua", post(users::edit::edit))
        .route("/admin/audit/verify", post(users::audit::verify))
        .route("/thong-bao/{id}/da-doc", post(notices::mark_read))
}
