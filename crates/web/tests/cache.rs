//! Anonymous pages are kept per data version: the same bytes with an ETag
//! (304 when the browser has them), compressed once, and changed at the
//! first request after a write; logged-in pages are never kept.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::{Client, demo_apps, send};
use xhht_domain::plan::builtin;
use xhht_domain::workflow::ReportState;

fn get(uri: &str, headers: &[(header::HeaderName, &str)]) -> Request<Body> {
    let mut r = Request::get(uri);
    for (k, v) in headers {
        r = r.header(k, *v);
    }
    r.body(Body::empty()).unwrap()
}

#[tokio::test]
async fn public_pages_are_kept_per_data_version() {
    let plan = builtin();
    for (store, app) in demo_apps("web_page_cache").await {
        let b = store.backend();
        let res = app.clone().oneshot_first("/cong-khai?year=2026").await;
        let etag = res
            .headers()
            .get(header::ETAG)
            .cloned()
            .expect("an ETag on a public page");
        let kept = app.clone().oneshot_first("/cong-khai?year=2026").await;
        assert_eq!(
            kept.headers().get(header::ETAG),
            Some(&etag),
            "{b:?}: served from the cache"
        );
        for h in ["x-content-type-options", "content-security-policy", "content-type"] {
            assert!(kept.headers().contains_key(h), "{b:?}: a kept page keeps {h}");
        }
        let again = send(&app, get("/cong-khai?year=2026", &[])).await;
        assert_eq!(again.status, StatusCode::OK);
        let same = send(
            &app,
            get(
                "/cong-khai?year=2026",
                &[(header::IF_NONE_MATCH, etag.to_str().unwrap())],
            ),
        )
        .await;
        assert_eq!(same.status, StatusCode::NOT_MODIFIED, "{b:?}");
        assert!(same.body.is_empty());

        // Compressed once: brotli when accepted, the same page once decoded.
        let res = app
            .clone()
            .oneshot_with("/cong-khai?year=2026", "gzip, deflate, br")
            .await;
        assert_eq!(res.headers().get(header::CONTENT_ENCODING).unwrap(), "br");
        let packed = axum::body::to_bytes(res.into_body(), usize::MAX).await.unwrap();
        let mut plain = Vec::new();
        brotli::BrotliDecompress(&mut packed.as_ref(), &mut plain).unwrap();
        assert_eq!(String::from_utf8(plain).unwrap(), again.body);
        assert!(packed.len() * 3 < again.body.len(), "compressed to less than a third");

        // An approval: the next request gets the new page and a new ETag.
        store
            .change_state(
                &xhht_storage::Stamp::now("chuyenvien"),
                &plan,
                "00004",
                2026,
                &[ReportState::Submitted],
                ReportState::Approved,
            )
            .await
            .unwrap();
        let after = send(
            &app,
            get(
                "/cong-khai?year=2026",
                &[(header::IF_NONE_MATCH, etag.to_str().unwrap())],
            ),
        )
        .await;
        assert_eq!(after.status, StatusCode::OK, "{b:?}: the old ETag no longer matches");
        assert_ne!(after.body, again.body);

        // A logged-in page is not kept (it carries the user's name and token).
        let reviewer = Client::login(&app, "chuyenvien", "xhht-demo").await;
        let mut req = Request::get("/?year=2026");
        req = req.header(header::COOKIE, &reviewer.cookie);
        let res = app.clone().oneshot_req(req.body(Body::empty()).unwrap()).await;
        assert!(res.headers().get(header::ETAG).is_none(), "{b:?}");
    }
}

/// Small helpers over `tower::ServiceExt::oneshot` that keep the headers.
trait Oneshot {
    async fn oneshot_req(self, req: Request<Body>) -> axum::response::Response;
    async fn oneshot_first(self, uri: &str) -> axum::response::Response;
    async fn oneshot_with(self, uri: &str, accept_encoding: &str) -> axum::response::Response;
}

impl Oneshot for axum::Router {
    async fn oneshot_req(self, req: Request<Body>) -> axum::response::Response {
        tower::ServiceExt::oneshot(self, req).await.unwrap()
    }
    async fn oneshot_first(self, uri: &str) -> axum::response::Response {
        self.oneshot_req(get(uri, &[])).await
    }
    async fn oneshot_with(self, uri: &str, accept_encoding: &str) -> axum::response::Response {
        self.oneshot_req(get(uri, &[(header::ACCEPT_ENCODING, accept_encoding)]))
            .await
    }
}
