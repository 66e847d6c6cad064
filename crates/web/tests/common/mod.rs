//! A small browser-like client over the real router: cookies, CSRF tokens, forms.
#![allow(dead_code)]

pub mod smtp;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use tower::ServiceExt;
use xhht_sample::{SEED, load_demo};
use xhht_storage::{Store, test_support};
use xhht_web::{AppState, router};

pub async fn demo_apps(name: &str) -> Vec<(Store, Router)> {
    let mut out = Vec::new();
    for store in test_support::stores(name).await {
        load_demo(&store, SEED).await.unwrap();
        let state = AppState::load(store.clone()).await.unwrap();
        out.push((store, router(state)));
    }
    out
}

pub struct Reply {
    pub status: StatusCode,
    pub location: String,
    pub set_cookie: String,
    /// `Content-Disposition` (downloads).
    pub disposition: String,
    pub body: String,
    /// The body as sent (downloads).
    pub bytes: Vec<u8>,
}

#[derive(Clone, Default)]
pub struct Client {
    pub cookie: String,
    pub csrf: String,
}

pub async fn send(app: &Router, req: Request<Body>) -> Reply {
    let res = app.clone().oneshot(req).await.unwrap();
    // In a block, so the future stays `Send` (tests spawn requests on tasks).
    let (status, location, set_cookie, disposition) = {
        let h = |name| {
            res.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_string()
        };
        let cookies: Vec<&str> = res
            .headers()
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect();
        (
            res.status(),
            h(header::LOCATION),
            cookies.join("\n"),
            h(header::CONTENT_DISPOSITION),
        )
    };
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    Reply {
        status,
        location,
        set_cookie,
        disposition,
        body: String::from_utf8_lossy(&bytes).into_owned(),
        bytes: bytes.to_vec(),
    }
}

/// The value of the first `name="_csrf" value="…"` in a page.
pub fn csrf_of(html: &str) -> String {
    let marker = "name=\"_csrf\" value=\"";
    html.find(marker)
        .map(|i| html[i + marker.len()..].split('"').next().unwrap().to_string())
        .unwrap_or_default()
}

impl Client {
    pub async fn login(app: &Router, username: &str, password: &str) -> Client {
        let c = Client::default();
        let r = c
            .post_raw(
                app,
                "/login",
                &[("username", username), ("password", password), ("next", "")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "login of {username}: {}", r.body);
        // The session, and the plan the account works in (several plans).
        let cookie = r
            .set_cookie
            .lines()
            .map(|c| c.split(';').next().unwrap())
            .collect::<Vec<_>>()
            .join("; ");
        let mut c = Client {
            cookie,
            csrf: String::new(),
        };
        let page = c.get(app, "/account/password").await;
        c.csrf = csrf_of(&page.body);
        assert!(!c.csrf.is_empty());
        c
    }

    pub async fn get(&self, app: &Router, uri: &str) -> Reply {
        let mut req = Request::get(uri);
        if !self.cookie.is_empty() {
            req = req.header(header::COOKIE, &self.cookie);
        }
        send(app, req.body(Body::empty()).unwrap()).await
    }

    /// Posts a form as is (no CSRF token added).
    pub async fn post_raw(&self, app: &Router, uri: &str, fields: &[(&str, &str)]) -> Reply {
        let body = serde_urlencoded::to_string(fields).unwrap();
        let mut req = Request::post(uri).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if !self.cookie.is_empty() {
            req = req.header(header::COOKIE, &self.cookie);
        }
        send(app, req.body(Body::from(body)).unwrap()).await
    }

    /// Posts a form with the session's CSRF token, as the browser does.
    pub async fn post(&self, app: &Router, uri: &str, fields: &[(&str, &str)]) -> Reply {
        let mut all = vec![("_csrf", self.csrf.as_str())];
        all.extend_from_slice(fields);
        self.post_raw(app, uri, &all).await
    }
}
