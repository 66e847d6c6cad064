//! XHHT web app: server-rendered Vietnamese pages (askama) and the JSON API.
//!
//! Organised by feature: each of `reporting`, `review`, `dashboards`,
//! `accounts` and `api` declares its routes (with the role each requires),
//! handlers and view models. Features use the shared modules below and never
//! each other (a test reads the source tree to keep it so). The arithmetic
//! lives in the domain core.

// Features.
mod accounts;
mod api;
mod dashboards;
mod reporting;
mod review;

// Shared by the features.
mod admission;
mod assets;
mod auth;
mod cache;
mod calendar;
mod chrome;
mod figures;
mod health;
mod i18n;
mod mailer;
mod narrative;
mod notices;
mod paging;
mod params;
mod plan_pick;
mod present;
mod reminders;
mod respond;
mod router;
pub mod runtime;
mod state;

#[cfg(test)]
mod layout_tests;

pub use auth::{Limits as LoginLimits, TrustedProxy, parse_trusted};
pub use calendar::Clock;
pub use mailer::{Mailer, SmtpSecurity, SmtpSettings};
pub use reminders::{RunSummary, run_once, spawn_scheduler};
pub use review::documents::{ReportError, annex, yearly_report};
pub use router::{BODY_LIMIT, router};
pub use state::{AppState, PlanEntry, PlanSlot};

/// Serves the app on `listener` until Ctrl-C.
///
/// Answers go out with `TCP_NODELAY`: without it the kernel may hold the
/// last small piece of an answer until the browser acknowledges what went
/// before, and the browser may wait up to 40 ms to do so.
pub async fn serve(state: AppState, listener: tokio::net::TcpListener) -> std::io::Result<()> {
    use axum::serve::ListenerExt;
    let listener = listener.tap_io(|tcp| {
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::debug!("TCP_NODELAY not set on a connection: {e}");
        }
    });
    let app = router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
}
