//! The router: every feature's routes, and the layers every request passes.

use std::time::Duration;

use axum::Router;
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::routing::get;
use tower::limit::GlobalConcurrencyLimitLayer;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::respond::AppError;
use crate::state::AppState;
use crate::{accounts, api, dashboards, reporting, review};

/// Request bodies above this are refused before a handler runs.
pub const BODY_LIMIT: usize = 2 * 1024 * 1024;

/// The whole site: one app per installed plan, `state`'s plan by default
/// (see `plan_pick`).
pub fn router(state: AppState) -> Router {
    let default = state
        .plans
        .iter()
        .position(|s| s.entry.code == state.plan.info.code)
        .unwrap_or(0);
    let mut routers: Vec<crate::plan_pick::PlanApp> = state
        .plans
        .iter()
        .map(|slot| crate::plan_pick::PlanApp::new(plan_router, state.for_slot(slot)))
        .collect();
    if routers.is_empty() {
        routers.push(crate::plan_pick::PlanApp::new(plan_router, state));
    }
    crate::plan_pick::PlanRouters { routers, default }.into_router()
}

/// One plan's app: every feature's routes and the layers.
fn plan_router(state: AppState) -> Router {
    let features = Router::new()
        .merge(accounts::routes())
        .merge(reporting::routes())
        .merge(review::routes())
        .merge(dashboards::routes())
        .merge(api::routes())
        .route("/healthz", get(crate::health::check))
        .route("/static/{file}", get(crate::assets::file));
    with_layers(state, features)
}

/// `routes` with the not-found page and every layer: from the inside out,
/// a panic becomes a 500 page, the session's account is loaded (and CSRF
/// checked), errors become pages or JSON, then security headers,
/// compression, the body limit, the admission queue (`admission`), the
/// timeout and the trace. (Anonymous GETs
/// are answered from the page cache before all of these: `plan_pick`.)
fn with_layers(state: AppState, routes: Router<AppState>) -> Router {
    let security = [
        ("x-content-type-options", "nosniff"),
        ("x-frame-options", "DENY"),
        ("referrer-policy", "same-origin"),
        (
            "content-security-policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'",
        ),
    ];
    let mut router = routes
        .fallback(not_found)
        .layer(CatchPanicLayer::custom(crate::respond::panicked))
        .layer(axum::middleware::from_fn(crate::plan_pick::refuse_unknown_plan))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::auth::session,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::respond::render,
        ))
        .with_state(state.clone());
    for (name, value) in security {
        router = router.layer(SetResponseHeaderLayer::if_not_present(
            HeaderName::from_static(name),
            HeaderValue::from_static(value),
        ));
    }
    router
        // Everything else compressed on the way out (kept pages already are).
        .layer(CompressionLayer::new())
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT))
        // Inside the timeout: a request that waits too long for a place is
        // answered like one that works too long.
        .layer(GlobalConcurrencyLimitLayer::with_semaphore(state.admission.clone()))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(30),
        ))
        // Outside the limit and the timeout, so their refusals are pages.
        .layer(axum::middleware::from_fn_with_state(
            state,
            crate::respond::plain_refusals,
        ))
        .layer(TraceLayer::new_for_http())
}

async fn not_found() -> AppError {
    AppError::not_found("Địa chỉ này không tồn tại.").titled("Không tìm thấy trang")
}

#[cfg(test)]
mod tests {
    use axum::body::Body;
    use axum::http::{Request, header};
    use http_body_util::BodyExt;
    use tower::ServiceExt;

    use super::*;

    async fn state(name: &str) -> AppState {
        let store = xhht_storage::test_support::sqlite(name).await;
        xhht_sample::load_demo(&store, xhht_sample::SEED).await.unwrap();
        AppState::load(store).await.unwrap()
    }

    async fn boom() -> &'static str {
        panic!("a bug in a handler")
    }

    /// A panicking handler answers 500 with a Vietnamese page (JSON under
    /// `/api/`), through the same layers as every route.
    #[tokio::test]
    async fn a_panic_answers_500_with_a_page() {
        let routes = Router::new().route("/boom", get(boom)).route("/api/boom", get(boom));
        let app = with_layers(state("web_panic_layer").await, routes);
        let res = app
            .clone()
            .oneshot(Request::get("/boom").body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let html = String::from_utf8(res.into_body().collect().await.unwrap().to_bytes().to_vec()).unwrap();
        assert!(
            html.contains("<html lang=\"vi\">") && html.contains("Lỗi máy chủ"),
            "{html}"
        );
        assert!(!html.contains("a bug in a handler"), "the cause is logged, not shown");
        let res = app
            .oneshot(Request::get("/api/boom").body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert!(res.headers()[header::CONTENT_TYPE].to_str().unwrap().contains("json"));
        let body: serde_json::Value =
            serde_json::from_slice(&res.into_body().collect().await.unwrap().to_bytes()).unwrap();
        assert_eq!(body["error"]["code"], "internal");
    }

    /// Every plan's app works on at most its places at once: with the
    /// places taken, a request waits (and is not lost), and a place freed
    /// lets it through; each answer frees its place again.
    #[tokio::test]
    async fn requests_wait_for_a_place_in_the_queue() {
        let mut state = state("web_admission").await;
        state.admission = std::sync::Arc::new(tokio::sync::Semaphore::new(1));
        let places = state.admission.clone();
        let app = router(state);
        let health = || Request::get("/healthz").body(Body::empty()).unwrap();
        let held = places.clone().acquire_owned().await.unwrap();
        let waiting = tokio::spawn(app.clone().oneshot(health()));
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert!(!waiting.is_finished(), "answered while every place was taken");
        drop(held);
        let res = tokio::time::timeout(Duration::from_secs(10), waiting)
            .await
            .expect("a freed place lets the waiting request through")
            .unwrap()
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        for _ in 0..3 {
            let res = app.clone().oneshot(health()).await.unwrap();
            assert_eq!(res.status(), StatusCode::OK);
        }
        assert_eq!(places.available_permits(), 1, "every answer gave its place back");
    }
}
