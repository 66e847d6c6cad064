//! Sessions, CSRF, throttling, and the authorization matrix: every route ×
//! role × own or foreign unit.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::{Client, demo_apps, send};
use xhht_domain::plan::builtin;

#[tokio::test]
async fn login_sets_a_safe_cookie_and_rotates_the_session() {
    for (_, app) in demo_apps("web_login_cookie").await {
        let anon = Client::default();
        let r = anon
            .post_raw(
                &app,
                "/login",
                &[("username", "phucxa"), ("password", "sai mật khẩu"), ("next", "")],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        assert!(r.body.contains("Tên đăng nhập hoặc mật khẩu không đúng"));
        let r = anon
            .post_raw(
                &app,
                "/login",
                &[
                    ("username", "phucxa"),
                    ("password", "xhht-demo"),
                    ("next", "//evil.example/"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert_eq!(r.location, "/", "no open redirect");
        for flag in ["HttpOnly", "SameSite=Lax", "Path=/"] {
            assert!(r.set_cookie.contains(flag), "{}", r.set_cookie);
        }
        assert!(!r.set_cookie.contains("Secure"), "plain HTTP in tests");
        // Behind an HTTPS proxy the cookie is Secure.
        let req = Request::post("/login")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header("x-forwarded-proto", "https")
            .body(Body::from("username=phucxa&password=xhht-demo&next="))
            .unwrap();
        assert!(send(&app, req).await.set_cookie.contains("Secure"));

        // Logging in again with the old cookie drops the old session.
        let first = Client::login(&app, "phucxa", "xhht-demo").await;
        // (A logged-in browser's login form carries the CSRF token.)
        let form = first.get(&app, "/login").await;
        assert_eq!(common::csrf_of(&form.body), first.csrf);
        let again = first
            .post(
                &app,
                "/login",
                &[("username", "phucxa"), ("password", "xhht-demo"), ("next", "")],
            )
            .await;
        assert_eq!(again.status, StatusCode::SEE_OTHER);
        let new_cookie = again.set_cookie.split(';').next().unwrap().to_string();
        assert_ne!(new_cookie, first.cookie);
        let old = first.get(&app, "/reports/2026/00001").await;
        assert_eq!(old.status, StatusCode::SEE_OTHER, "the old session id is dead");
        assert!(old.location.starts_with("/login"));
        // Logout ends the session.
        let c = Client {
            cookie: new_cookie,
            csrf: String::new(),
        };
        let page = c.get(&app, "/account/password").await;
        let c = Client {
            csrf: common::csrf_of(&page.body),
            ..c
        };
        c.post(&app, "/logout", &[]).await;
        assert_eq!(c.get(&app, "/reports/2026/00001").await.status, StatusCode::SEE_OTHER);
    }
}

#[tokio::test]
async fn requests_without_a_valid_csrf_token_change_nothing() {
    let plan = builtin();
    for (store, app) in demo_apps("web_csrf").await {
        let ward = Client::login(&app, "vinhphuc", "xhht-demo").await;
        let before = store.working_values(&plan, "00006", 2026).await.unwrap();
        let events = store.audit_count().await.unwrap();
        let fields = [("v_pop_15_60", "1"), ("action", "save")];
        let r = ward.post_raw(&app, "/reports/2026/00006", &fields).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "no token");
        let forged = Client {
            csrf: "0".repeat(64),
            ..ward.clone()
        };
        assert_eq!(
            forged.post(&app, "/reports/2026/00006", &fields).await.status,
            StatusCode::FORBIDDEN,
            "wrong token"
        );
        // A post from another site is refused even with the token.
        let body =
            serde_urlencoded::to_string([("_csrf", ward.csrf.as_str()), ("v_pop_15_60", "1"), ("action", "save")])
                .unwrap();
        let req = Request::post("/reports/2026/00006")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::COOKIE, &ward.cookie)
            .header(header::HOST, "xhht.example")
            .header(header::ORIGIN, "https://evil.example")
            .body(Body::from(body))
            .unwrap();
        assert_eq!(send(&app, req).await.status, StatusCode::FORBIDDEN, "foreign origin");
        assert_eq!(store.working_values(&plan, "00006", 2026).await.unwrap(), before);
        assert_eq!(store.audit_count().await.unwrap(), events);
        // With the token it goes through.
        assert_eq!(
            ward.post(&app, "/reports/2026/00006", &fields).await.status,
            StatusCode::SEE_OTHER
        );
    }
}

#[tokio::test]
async fn wrong_passwords_beyond_the_free_tries_are_delayed() {
    let free = xhht_web::LoginLimits::default().free_tries;
    for (_, app) in demo_apps("web_throttle").await {
        let anon = Client::default();
        for _ in 0..free {
            let r = anon
                .post_raw(
                    &app,
                    "/login",
                    &[("username", "trucbach"), ("password", "sai"), ("next", "")],
                )
                .await;
            assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        }
        let r = anon
            .post_raw(
                &app,
                "/login",
                &[("username", "trucbach"), ("password", "xhht-demo"), ("next", "")],
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::TOO_MANY_REQUESTS,
            "blocked even with the right password"
        );
        assert!(r.body.contains("thử lại sau"));
        assert!(r.set_cookie.is_empty());
        // Another account is not affected.
        let r = anon
            .post_raw(
                &app,
                "/login",
                &[("username", "phucxa"), ("password", "xhht-demo"), ("next", "")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
    }
}

/// Every reporting route, for every role, on the account's own unit and on a
/// foreign one. Reads must be refused where the rules say so, and refused
/// writes must leave the database as it was.
#[tokio::test]
async fn authorization_matrix() {
    let plan = builtin();
    for (store, app) in demo_apps("web_authz_matrix").await {
        let accounts = [
            ("admin", "admin", "admin"),
            ("chuyenvien", "xhht-demo", "reviewer"),
            ("lanhdao", "xhht-demo", "viewer"),
            ("phucxa", "xhht-demo", "reporter"),
        ];
        // 00001 is Phúc Xá's own unit; 00006 (a draft) and 00019 (submitted) are foreign to it.
        for (user, pw, role) in accounts {
            let c = Client::login(&app, user, pw).await;
            for unit in ["00001", "00006", "00019"] {
                let own = role == "reporter" && unit == "00001";
                let form = format!("/reports/2026/{unit}");
                let read = c.get(&app, &form).await.status;
                let may_read = role != "reporter" || own;
                assert_eq!(read == StatusCode::OK, may_read, "{user} GET {form}: {read}");

                let events = store.audit_count().await.unwrap();
                let values = store.working_values(&plan, unit, 2026).await.unwrap();
                let save = c
                    .post(&app, &form, &[("v_pop_15_60", "4321"), ("action", "save")])
                    .await
                    .status;
                if !own {
                    assert_eq!(save, StatusCode::FORBIDDEN, "{user} POST {form}");
                    assert_eq!(
                        store.working_values(&plan, unit, 2026).await.unwrap(),
                        values,
                        "{user} changed {unit}"
                    );
                    assert_eq!(store.audit_count().await.unwrap(), events);
                }
                let review = c
                    .post(
                        &app,
                        &format!("{form}/review"),
                        &[("action", "approve"), ("reason", "")],
                    )
                    .await
                    .status;
                let may_review = matches!(role, "admin" | "reviewer");
                if !may_review {
                    assert_eq!(review, StatusCode::FORBIDDEN, "{user} review {form}");
                }
            }
            let completeness = c.get(&app, "/review/2026").await.status;
            assert_eq!(
                completeness == StatusCode::OK,
                matches!(role, "admin" | "reviewer" | "viewer"),
                "{user} /review (leaders read it)"
            );
            let users = c.get(&app, "/admin/users").await.status;
            assert_eq!(users == StatusCode::OK, role == "admin", "{user} /admin/users");
            let create = c
                .post(
                    &app,
                    "/admin/users",
                    &[
                        ("username", "moi"),
                        ("display_name", "Mới"),
                        ("role", "admin"),
                        ("org_unit", "PGDDT"),
                    ],
                )
                .await
                .status;
            assert_eq!(create == StatusCode::OK, role == "admin", "{user} creates an account");
            // The writes added with reminders and account editing: refused
            // ones change nothing.
            let leader = store
                .users()
                .await
                .unwrap()
                .into_iter()
                .find(|u| u.username == "lanhdao")
                .unwrap();
            let (target, unit) = (leader.id, leader.org_unit_code.as_str());
            for (uri, fields, allowed) in [
                (
                    "/review/2026/nhac-nho".to_string(),
                    vec![],
                    matches!(role, "admin" | "reviewer"),
                ),
                (
                    format!("/admin/users/{target}/email"),
                    vec![("email", "lanhdao@phuong.test")],
                    role == "admin",
                ),
                (
                    format!("/admin/users/{target}/sua"),
                    vec![
                        ("role", "viewer"),
                        ("org_unit", unit),
                        ("seen_role", "viewer"),
                        ("seen_unit", unit),
                    ],
                    role == "admin",
                ),
            ] {
                let events = store.audit_count().await.unwrap();
                let status = c.post(&app, &uri, &fields).await.status;
                if allowed {
                    assert!(
                        status.is_success() || status.is_redirection(),
                        "{user} POST {uri}: {status}"
                    );
                } else {
                    assert_eq!(status, StatusCode::FORBIDDEN, "{user} POST {uri}");
                    assert_eq!(store.audit_count().await.unwrap(), events, "{user} POST {uri} wrote");
                }
            }
        }
        // Without a login, every protected page sends to /login and no write happens.
        let anon = Client::default();
        for uri in [
            "/reports/2026/00001",
            "/review/2026",
            "/admin/users",
            "/account/password",
        ] {
            let r = anon.get(&app, uri).await;
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{uri}");
            assert!(r.location.starts_with("/login?next="));
        }
        let r = anon
            .post_raw(&app, "/reports/2026/00001", &[("v_pop_15_60", "1"), ("action", "save")])
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
    }
}

#[tokio::test]
async fn accounts_are_managed_by_administrators() {
    for (store, app) in demo_apps("web_accounts").await {
        let admin = Client::login(&app, "admin", "admin").await;
        let r = admin
            .post(
                &app,
                "/admin/users",
                &[
                    ("username", "ba-dinh.tk"),
                    ("display_name", "Thư ký"),
                    ("role", "viewer"),
                    ("org_unit", "001"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::OK);
        let start = r.body.find("<code>").unwrap() + 6;
        let password = r.body[start..].split('<').next().unwrap().to_string();
        let tk = Client::login(&app, "ba-dinh.tk", &password).await;
        let home = tk.get(&app, "/").await;
        assert_eq!(
            (home.status, home.location.as_str()),
            (StatusCode::SEE_OTHER, "/account/password"),
            "a generated password is changed first"
        );
        // Disable: the session ends and login is refused.
        let id = store
            .users()
            .await
            .unwrap()
            .into_iter()
            .find(|u| u.username == "ba-dinh.tk")
            .unwrap()
            .id;
        admin
            .post(&app, &format!("/admin/users/{id}"), &[("action", "disable")])
            .await;
        assert_eq!(tk.get(&app, "/account/password").await.status, StatusCode::SEE_OTHER);
        let r = Client::default()
            .post_raw(
                &app,
                "/login",
                &[("username", "ba-dinh.tk"), ("password", &password), ("next", "")],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        // A bad username is refused with a reason.
        let r = admin
            .post(
                &app,
                "/admin/users",
                &[
                    ("username", "Tên có dấu"),
                    ("display_name", "X"),
                    ("role", "viewer"),
                    ("org_unit", "001"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("không hợp lệ"));
    }
}

#[tokio::test]
async fn csv_import_creates_all_rows_or_none() {
    for (store, app) in demo_apps("web_csv_import").await {
        let admin = Client::login(&app, "admin", "admin").await;
        let count = store.users().await.unwrap().len();
        let post_csv = |csv: &'static str| {
            let boundary = "XHHTBOUNDARY";
            let body = format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"tk.csv\"\r\nContent-Type: text/csv\r\n\r\n{csv}\r\n--{boundary}--\r\n"
            );
            Request::post(format!("/admin/users/import?_csrf={}", admin.csrf))
                .header(
                    header::CONTENT_TYPE,
                    format!("multipart/form-data; boundary={boundary}"),
                )
                .header(header::COOKIE, &admin.cookie)
                .body(Body::from(body))
                .unwrap()
        };
        let bad = "username,display_name,role,org_unit\nnguoi1,Người Một,reporter,00001\nnguoi2,Người Hai,boss,00001\nnguoi3,Người Ba,reporter,99999\n";
        let r = send(&app, post_csv(bad)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("Dòng 3") && r.body.contains("Dòng 4"), "{}", r.body);
        assert_eq!(store.users().await.unwrap().len(), count, "nothing created");
        let good =
            "username,display_name,role,org_unit\nnguoi1,Người Một,reporter,00001\nnguoi2,Người Hai,viewer,001\n";
        let r = send(&app, post_csv(good)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(store.users().await.unwrap().len(), count + 2);
    }
}

#[tokio::test]
async fn password_change() {
    for (_, app) in demo_apps("web_password_change").await {
        let c = Client::login(&app, "hkh", "xhht-demo").await;
        let r = c
            .post(
                &app,
                "/account/password",
                &[
                    ("current", "sai"),
                    ("new", "mat-khau-moi-dai"),
                    ("confirm", "mat-khau-moi-dai"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let r = c
            .post(
                &app,
                "/account/password",
                &[("current", "xhht-demo"), ("new", "ngan"), ("confirm", "ngan")],
            )
            .await;
        assert!(r.body.contains("ít nhất 10"));
        let r = c
            .post(
                &app,
                "/account/password",
                &[
                    ("current", "xhht-demo"),
                    ("new", "mat-khau-moi-dai"),
                    ("confirm", "mat-khau-moi-dai"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(
            c.get(&app, "/account/password").await.status,
            StatusCode::SEE_OTHER,
            "sessions ended"
        );
        Client::login(&app, "hkh", "mat-khau-moi-dai").await;
    }
}

#[tokio::test]
async fn no_one_reviews_their_own_unit() {
    let plan = builtin();
    let own = plan.reporting.submit_to.to_string();
    for (store, app) in demo_apps("web_review_own").await {
        for (user, pw) in [("chuyenvien", "xhht-demo"), ("admin", "admin")] {
            let c = Client::login(&app, user, pw).await;
            let events = store.audit_count().await.unwrap();
            for action in ["approve", "return", "reopen"] {
                let r = c
                    .post(
                        &app,
                        &format!("/reports/2026/{own}/review"),
                        &[("action", action), ("reason", "tự duyệt")],
                    )
                    .await;
                assert_eq!(r.status, StatusCode::FORBIDDEN, "{user} {action} of {own}");
                assert!(r.body.contains("chính đơn vị mình"), "{}", r.body);
            }
            assert_eq!(store.audit_count().await.unwrap(), events, "nothing written");
        }
    }
}

/// A body over the limit announced by its Content-Length is refused before
/// any handler runs, with the same Vietnamese page as every other error
/// (the header keeps the user) and JSON under `/api/`; nothing is saved.
/// It was tower-http's plain English "length limit exceeded".
#[tokio::test]
async fn an_oversized_upload_gets_a_vietnamese_page_and_changes_nothing() {
    for (store, app) in demo_apps("web_oversized").await {
        let b = store.backend();
        let ward = Client::login(&app, "vinhphuc", "xhht-demo").await;
        let events = store.audit_count().await.unwrap();
        let big = xhht_web::BODY_LIMIT + 1;
        for uri in ["/reports/2026/00006/nhap-excel", "/api/v1/data-values"] {
            let req = Request::post(uri)
                .header(header::COOKIE, &ward.cookie)
                .header(header::CONTENT_TYPE, "multipart/form-data; boundary=x")
                .header(header::CONTENT_LENGTH, big.to_string())
                .header("x-csrf-token", &ward.csrf)
                .body(Body::from(vec![b'x'; big]))
                .unwrap();
            let r = send(&app, req).await;
            assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{b:?} {uri}");
            if uri.starts_with("/api/") {
                assert!(r.body.contains("\"too_large\""), "{b:?}: {}", r.body);
            } else {
                assert!(
                    r.body.contains("Dữ liệu gửi lên quá lớn (tối đa 2 MB)"),
                    "{b:?}: {}",
                    r.body
                );
                assert!(r.body.contains("<html"), "a page");
                assert!(
                    r.body.contains("action=\"/logout\""),
                    "{b:?}: the header keeps the user"
                );
            }
        }
        assert_eq!(store.audit_count().await.unwrap(), events, "{b:?}");
    }
}
