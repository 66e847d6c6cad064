//! Login under attack, through the real router on both databases: parallel
//! guesses are counted before verification, the owner elsewhere still gets
//! in, `next` never leaves the site, and logins are audited.

mod common;

use std::net::SocketAddr;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode, header};
use common::{Client, Reply, demo_apps, send};
use xhht_domain::audit::Change;
use xhht_storage::Store;
use xhht_web::LoginLimits;

/// A login form posted from `addr`, as the server sees a socket peer.
async fn login_from(app: &Router, addr: [u8; 4], fields: &[(&str, &str)]) -> Reply {
    let body = serde_urlencoded::to_string(fields).unwrap();
    let mut req = Request::post("/login")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .unwrap();
    req.extensions_mut()
        .insert(ConnectInfo(SocketAddr::from((addr, 40000))));
    send(app, req).await
}

async fn kinds(store: &Store, kind: &str) -> Vec<Change> {
    store
        .audit_trail()
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.event.change)
        .filter(|c| c.kind() == kind)
        .collect()
}

#[tokio::test]
async fn parallel_guesses_check_at_most_the_limit_and_the_owner_gets_in_elsewhere() {
    let limit = LoginLimits::default().free_tries as usize;
    for (store, app) in demo_apps("web_login_parallel").await {
        let attacker = [203, 0, 113, 7];
        let tries = (0..200).map(|i| {
            let app = app.clone();
            tokio::spawn(async move {
                let password = format!("sai-{i}");
                let fields = [("username", "trucbach"), ("password", password.as_str()), ("next", "")];
                login_from(&app, attacker, &fields).await.status
            })
        });
        let mut checked = 0;
        for t in tries.collect::<Vec<_>>() {
            match t.await.unwrap() {
                StatusCode::UNAUTHORIZED => checked += 1,
                StatusCode::TOO_MANY_REQUESTS => {}
                other => panic!("unexpected {other}"),
            }
        }
        let failures = kinds(&store, "login_failed").await.len();
        println!(
            "{:?}: 200 parallel wrong passwords, {checked} verified (limit {limit})",
            store.backend()
        );
        assert!(checked <= limit, "{checked} passwords verified");
        assert_eq!(failures, checked, "each verified failure audited, nothing else");
        // The attacker's address is slowed, even with the right password…
        let right = [("username", "trucbach"), ("password", "xhht-demo"), ("next", "")];
        let r = login_from(&app, attacker, &right).await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
        assert!(r.body.contains("thử lại sau") && r.set_cookie.is_empty());
        // …while the owner, from the office, logs in.
        let r = login_from(&app, [198, 51, 100, 20], &right).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "the owner is not locked out");
        assert!(r.set_cookie.contains("xhht_session="));
    }
}

#[tokio::test]
async fn one_address_cannot_spray_many_accounts() {
    let budget = LoginLimits::default().address_budget as usize;
    for (_, app) in demo_apps("web_login_spray").await {
        let mut refused = 0;
        for i in 0..budget + 5 {
            let name = format!("khong-co-{i}");
            let r = login_from(
                &app,
                [203, 0, 113, 9],
                &[("username", &name), ("password", "x"), ("next", "")],
            )
            .await;
            refused += usize::from(r.status == StatusCode::TOO_MANY_REQUESTS);
        }
        assert_eq!(refused, 5, "the address's budget is {budget} failures");
        let r = login_from(
            &app,
            [203, 0, 113, 10],
            &[("username", "khong-co"), ("password", "x"), ("next", "")],
        )
        .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "another address has its own budget");
    }
}

#[tokio::test]
async fn next_never_leaves_the_site_nor_breaks_the_page() {
    for (_, app) in demo_apps("web_login_next").await {
        let anon = Client::default();
        for hostile in [
            "/%09/evil.example",
            "/\t/evil.example",
            "/\n/x",
            "/\r\nSet-Cookie: a=b",
            "//evil.example",
            "/\\evil.example",
        ] {
            let q = serde_urlencoded::to_string([("next", hostile)]).unwrap();
            let page = anon.get(&app, &format!("/login?{q}")).await;
            assert_eq!(page.status, StatusCode::OK, "{hostile:?}");
            assert!(!page.body.contains("evil.example"), "{hostile:?} kept in the form");
            let r = anon
                .post_raw(
                    &app,
                    "/login",
                    &[("username", "phucxa"), ("password", "xhht-demo"), ("next", hostile)],
                )
                .await;
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{hostile:?}: {}", r.body);
            assert!(
                r.location.starts_with('/') && !r.location.starts_with("//"),
                "{hostile:?} → {}",
                r.location
            );
            assert!(!r.location.contains("evil"), "{hostile:?} → {}", r.location);
        }
        let r = anon
            .post_raw(
                &app,
                "/login",
                &[
                    ("username", "phucxa"),
                    ("password", "xhht-demo"),
                    ("next", "/reports/2026/00001"),
                ],
            )
            .await;
        assert_eq!(r.location, "/reports/2026/00001", "an own path is kept");
    }
}

#[tokio::test]
async fn logins_failures_and_logouts_are_audited_without_the_typed_name() {
    for (store, app) in demo_apps("web_login_audit").await {
        let huge = format!("ke-tan-cong{}", "\u{0}x".repeat(2_000));
        let anon = Client::default();
        let r = anon
            .post_raw(&app, "/login", &[("username", &huge), ("password", "x"), ("next", "")])
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        assert!(r.body.len() < 100_000, "the name is not echoed whole");
        let failed = kinds(&store, "login_failed").await;
        let Some(Change::LoginFailed {
            name_digest,
            name_start,
            address,
        }) = failed.last()
        else {
            panic!("no login_failed event: {failed:?}");
        };
        assert_eq!(name_digest.len(), 32);
        assert!(
            name_start.chars().count() <= 40 && !name_start.contains('\0'),
            "{name_start:?}"
        );
        assert_eq!(address, "127.0.0.1");
        let c = Client::login(&app, "phucxa", "xhht-demo").await;
        assert!(
            kinds(&store, "login_succeeded")
                .await
                .contains(&Change::LoginSucceeded {
                    username: "phucxa".into()
                })
        );
        c.post(&app, "/logout", &[]).await;
        assert!(kinds(&store, "logged_out").await.contains(&Change::LoggedOut {
            username: "phucxa".into()
        }));
    }
}

#[tokio::test]
async fn purge_sessions_deletes_the_expired_ones() {
    for (store, app) in demo_apps("web_login_purge").await {
        let c = Client::login(&app, "phucxa", "xhht-demo").await;
        assert_eq!(c.get(&app, "/account/password").await.status, StatusCode::OK);
        let later = chrono::Utc::now() + chrono::Duration::hours(13);
        assert_eq!(
            store.purge_sessions(later).await.unwrap(),
            1,
            "the 12-hour session is over"
        );
        let r = c.get(&app, "/account/password").await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "purged: back to the login");
    }
}
