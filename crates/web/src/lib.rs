//! XHHT web app: server-rendered Vietnamese pages (askama) and the JSON API.
//! Handlers read the plan from [`AppState`] and figures from the store; the
//! arithmetic lives in the domain core.

mod auth;
mod chrome;
mod error;
mod i18n;
mod present;
mod routes;
mod service;
mod state;

pub use routes::router;
pub use service::report::{ReportError, annex, yearly_report};
pub use state::AppState;

/// Serves the app on `listener` until Ctrl-C.
pub async fn serve(state: AppState, listener: tokio::net::TcpListener) -> std::io::Result<()> {
    let app = router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
}
