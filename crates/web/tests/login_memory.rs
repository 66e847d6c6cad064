//! Memory under login abuse, through the real router on SQLite: 500 failed
//! logins with 1 MB usernames (refused as too large before the body is
//! read), then 500 failed logins with the longest name the form takes, each
//! from its own address so none is throttled and every one is verified,
//! recorded and kept in the throttle's table. The process's resident memory (VmRSS) is read around the 500
//! requests after a warm-up that brings the password hasher's buffers and
//! the pools to their working size. Alone in its test binary, so no other
//! test's memory is counted.

mod common;

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode, header};
use common::{demo_apps, send};

fn rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

async fn failed_logins(app: &axum::Router, from: u32, count: u32, name_len: usize, expect: StatusCode) {
    let mut tasks = Vec::new();
    for i in from..from + count {
        let app = app.clone();
        tasks.push(tokio::spawn(async move {
            let name = format!("{i:08}{}", "x".repeat(name_len));
            let body =
                serde_urlencoded::to_string([("username", name.as_str()), ("password", "x"), ("next", "")]).unwrap();
            drop(name);
            let mut req = Request::post("/login")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(body))
                .unwrap();
            let addr = SocketAddr::from(((0x0a00_0000 + i).to_be_bytes(), 40000));
            req.extensions_mut().insert(ConnectInfo(addr));
            send(&app, req).await.status
        }));
        // A few at a time, as a client hammering the server would.
        if tasks.len() == 4 {
            for t in tasks.drain(..) {
                assert_eq!(t.await.unwrap(), expect);
            }
        }
    }
    for t in tasks {
        assert_eq!(t.await.unwrap(), expect);
    }
}

async fn measured(app: &axum::Router, what: &str, name_len: usize, expect: StatusCode) -> f64 {
    let before = rss_kib();
    let started = std::time::Instant::now();
    failed_logins(app, 1000, 500, name_len, expect).await;
    let after = rss_kib();
    let grown_mib = (after as f64 - before as f64) / 1024.0;
    println!(
        "500 failed logins, {what}: RSS {:.1} → {:.1} MiB (+{grown_mib:.1} MiB) in {:.1} s ({} build)",
        before as f64 / 1024.0,
        after as f64 / 1024.0,
        started.elapsed().as_secs_f64(),
        if cfg!(debug_assertions) { "debug" } else { "release" }
    );
    grown_mib
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_hundred_megabyte_usernames_leave_memory_bounded() {
    let (_, app) = demo_apps("web_login_memory").await.remove(0);
    // Warm-up: the hasher's buffers, the pools, the page caches.
    failed_logins(&app, 0, 40, 10_000, StatusCode::UNAUTHORIZED).await;
    failed_logins(&app, 100, 40, 1 << 20, StatusCode::PAYLOAD_TOO_LARGE).await;
    let huge = measured(&app, "1 MB usernames", 1 << 20, StatusCode::PAYLOAD_TOO_LARGE).await;
    let long = measured(&app, "10 kB usernames, all verified", 10_000, StatusCode::UNAUTHORIZED).await;
    assert!(huge < 10.0, "memory grew by {huge:.1} MiB");
    assert!(long < 10.0, "memory grew by {long:.1} MiB");
}
