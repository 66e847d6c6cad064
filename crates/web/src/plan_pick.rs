//! Several plans, one site: each request is answered by one plan's app.
//! The plan is `?plan=CODE` when given (and then remembered in a cookie),
//! else the cookie, else the first installed plan. Every page and API
//! endpoint accepts `plan=` this way; an unknown code is refused by name.

use std::convert::Infallible;
use std::sync::Arc;

use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use tower::ServiceExt;

/// The cookie that remembers the plan a user picked.
pub const PLAN_COOKIE: &str = "ke_hoach";

/// One plan's app: its code, its router, its page cache and store (whose
/// data version says when kept pages are stale).
pub struct PlanApp {
    code: String,
    router: Router,
    cache: Arc<crate::cache::PageCache>,
    store: xhht_storage::Store,
}

impl PlanApp {
    pub fn new(build: fn(crate::state::AppState) -> Router, state: crate::state::AppState) -> Self {
        Self {
            code: state.plan.info.code.clone(),
            cache: state.page_cache.clone(),
            store: state.store.clone(),
            router: build(state),
        }
    }
}

/// Every plan's app, first installed first.
pub struct PlanRouters {
    pub routers: Vec<PlanApp>,
    pub default: usize,
}

impl PlanRouters {
    /// A router that hands each request to its plan's app.
    pub fn into_router(self) -> Router {
        let me = Arc::new(self);
        let svc = tower::service_fn(move |req: Request| {
            let me = me.clone();
            async move { Ok::<_, Infallible>(me.dispatch(req).await) }
        });
        Router::new().fallback_service(svc)
    }

    async fn dispatch(&self, mut req: Request) -> Response {
        let asked = query_plan(req.uri().query());
        let remembered = crate::auth::cookie(req.headers(), PLAN_COOKIE);
        let index = match (&asked, &remembered) {
            (Some(code), _) => match self.position(code) {
                Some(i) => i,
                None if req.uri().path().starts_with("/api/") => return self.unknown_json(code),
                // A page: the default plan's app answers with the refusal, so
                // the page has the site's frame and the signed-in account.
                None => {
                    req.extensions_mut().insert(UnknownPlan(self.unknown_text(code)));
                    return self.send(self.default, req).await;
                }
            },
            // A remembered plan that is gone (or a stale cookie): the default.
            (None, Some(code)) => self.position(code).unwrap_or(self.default),
            (None, None) => self.default,
        };
        let mut res = self.send(index, req).await;
        if let Some(code) = asked
            && remembered.as_deref() != Some(code.as_str())
            && let Ok(v) = HeaderValue::from_str(&format!("{PLAN_COOKIE}={code}; Path=/; SameSite=Lax; HttpOnly"))
        {
            res.headers_mut().append(header::SET_COOKIE, v);
        }
        res
    }

    /// `req` answered by app `index`, from its page cache when it may be.
    async fn send(&self, index: usize, req: Request) -> Response {
        let app = &self.routers[index];
        let router = app.router.clone();
        if crate::cache::cacheable(req.method(), req.uri().path(), req.headers()) {
            crate::cache::serve(&app.cache, app.store.data_version(), router, req).await
        } else {
            match router.oneshot(req).await {
                Ok(r) => r,
                Err(never) => match never {},
            }
        }
    }

    fn position(&self, code: &str) -> Option<usize> {
        self.routers.iter().position(|a| a.code == code)
    }

    fn unknown_text(&self, code: &str) -> String {
        let known: Vec<&str> = self.routers.iter().map(|a| a.code.as_str()).collect();
        format!(
            "Không có kế hoạch mã “{code}”. Các kế hoạch đang có: {}.",
            known.join(", ")
        )
    }

    fn unknown_json(&self, code: &str) -> Response {
        let body = serde_json::json!({"error": {"code": "unknown_plan", "message": self.unknown_text(code)}});
        (StatusCode::NOT_FOUND, axum::Json(body)).into_response()
    }
}

/// Put on a page request whose `?plan=` names no installed plan: the
/// [`refuse_unknown_plan`] layer answers it as a not-found page.
#[derive(Clone)]
pub struct UnknownPlan(String);

/// Middleware (inside the session layer, so the page keeps the header):
/// a request marked [`UnknownPlan`] gets the refusal, nothing else runs.
pub async fn refuse_unknown_plan(req: Request, next: axum::middleware::Next) -> Response {
    match req.extensions().get::<UnknownPlan>() {
        Some(UnknownPlan(message)) => crate::respond::AppError::not_found(message.clone())
            .titled("Không có kế hoạch này")
            .back_to("/ke-hoach", "Chọn kế hoạch")
            .into_response(),
        None => next.run(req).await,
    }
}

/// `plan=` of a query string, if present and not empty. It is only ever
/// compared with the installed codes (and echoed escaped when unknown).
fn query_plan(query: Option<&str>) -> Option<String> {
    let value = query?.split('&').find_map(|kv| kv.strip_prefix("plan="))?;
    let value: String = value.chars().take(80).collect();
    Some(value).filter(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plan_is_read_from_the_query_only_when_it_is_a_code() {
        assert_eq!(
            query_plan(Some("year=2026&plan=ba-dinh-56-2022")).as_deref(),
            Some("ba-dinh-56-2022")
        );
        assert_eq!(query_plan(Some("plan=")), None);
        assert_eq!(query_plan(Some("plan=a%3Cb")).as_deref(), Some("a%3Cb"));
        assert_eq!(query_plan(Some("xplan=a")), None);
        assert_eq!(query_plan(None), None);
    }
}
