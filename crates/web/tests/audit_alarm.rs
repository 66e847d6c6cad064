//! The audit alarm: checked at start (`AppState::check_audit`), cached, and
//! shown to administrators on every page while the trail is broken; an
//! administrator can check again from the accounts page.

mod common;

use common::{Client, send};
use xhht_sample::{DEMO_ADMIN_PASSWORD, DEMO_PASSWORD, SEED, load_demo};
use xhht_storage::test_support;
use xhht_web::{AppState, router};

#[tokio::test]
async fn administrators_see_a_banner_while_the_trail_is_broken() {
    for store in test_support::stores("web_audit_alarm").await {
        let b = store.backend();
        load_demo(&store, SEED).await.unwrap();
        let state = AppState::load(store.clone()).await.unwrap();
        assert_eq!(state.check_audit().await.unwrap(), None, "{b:?}: the demo is intact");
        let app = router(state.clone());
        let admin = Client::login(&app, "admin", DEMO_ADMIN_PASSWORD).await;
        let page = admin.get(&app, "/admin/users").await;
        assert!(!page.body.contains("audit-alarm"), "{b:?}");

        let trail = store.audit_trail().await.unwrap();
        let id = trail[trail.len() / 2].id;
        test_support::execute(
            &store,
            &format!("UPDATE audit_events SET actor = 'ke-gian' WHERE id = {id}"),
        )
        .await;
        // Cached: nothing shows until the trail is checked again.
        assert!(!admin.get(&app, "/admin/users").await.body.contains("audit-alarm"));
        let problem = state.check_audit().await.unwrap().expect("the edit is found");
        assert!(problem.contains(&format!("#{id}")), "{problem}");
        let page = admin.get(&app, "/admin/users").await;
        assert!(
            page.body.contains("class=\"audit-alarm\"") && page.body.contains(&format!("#{id}")),
            "{b:?}: {}",
            page.body
        );
        // Only administrators are told.
        let reviewer = Client::login(&app, "chuyenvien", DEMO_PASSWORD).await;
        let page = reviewer.get(&app, "/review/2025").await;
        assert!(!page.body.contains("audit-alarm"), "{b:?}");
        let anon = send(
            &app,
            axum::http::Request::get("/").body(axum::body::Body::empty()).unwrap(),
        )
        .await;
        assert!(!anon.body.contains("audit-alarm"));
    }
}
