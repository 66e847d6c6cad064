//! Accounts through the real router, on both databases: a generated
//! password is changed at the first login, an administrator edits role and
//! unit (audited; refusals change nothing), long lists come in pages, error
//! pages keep the signed-in user, and the Excel box is the reporter's alone.

mod common;

use axum::http::StatusCode;
use common::{Client, Reply, demo_apps};
use xhht_domain::access::Role;
use xhht_domain::audit::Change;
use xhht_domain::units::official;
use xhht_domain::values::DataValue;
use xhht_storage::{FormChanges, NewUser, Stamp, Store, UserFilter, UserRow, test_support};
use xhht_web::{AppState, router};

const WARD_PLAN: &str = "phuong-ba-dinh-2026-mau";

/// The demo of late 2026: 56/KH-UBND and the sample ward plan.
async fn both_plans(name: &str) -> Vec<(Store, axum::Router)> {
    let mut out = Vec::new();
    for store in test_support::stores(name).await {
        assert!(
            xhht_sample::load_reorganised_demo(&store, xhht_sample::SEED)
                .await
                .unwrap()
        );
        let register = official::build(&official::EMBEDDED).unwrap();
        store.import_units(&Stamp::now("kiểm thử"), &register).await.unwrap();
        let state = AppState::load(store.clone()).await.unwrap();
        out.push((store, router(state)));
    }
    out
}

/// The first one-time password an administrator's page shows.
fn shown_password(r: &Reply) -> String {
    let start = r.body.find("<code>").expect("a password is shown") + "<code>".len();
    r.body[start..].split('<').next().unwrap().to_string()
}

/// Posts a login and returns the reply (its `Location` says where it led).
async fn login_reply(app: &axum::Router, username: &str, password: &str) -> Reply {
    Client::default()
        .post_raw(
            app,
            "/login",
            &[("username", username), ("password", password), ("next", "")],
        )
        .await
}

async fn account(store: &Store, username: &str) -> UserRow {
    let filter = UserFilter {
        name: username.into(),
        ..UserFilter::default()
    };
    let (rows, _) = store.users_page(&filter, 0, 50).await.unwrap();
    rows.into_iter().find(|u| u.username == username).expect(username)
}

#[tokio::test]
async fn a_generated_password_is_changed_at_the_first_login() {
    for (store, app) in demo_apps("web_first_login").await {
        let b = store.backend();
        let admin = Client::login(&app, "admin", "admin").await;
        let created = admin
            .post(
                &app,
                "/admin/users",
                &[
                    ("username", "tk-moi"),
                    ("display_name", "Cán bộ mới"),
                    ("role", "reporter"),
                    ("org_unit", "00001"),
                ],
            )
            .await;
        assert_eq!(created.status, StatusCode::OK, "{b:?}");
        let temporary = shown_password(&created);
        assert!(account(&store, "tk-moi").await.must_change_password);

        let r = login_reply(&app, "tk-moi", &temporary).await;
        assert_eq!(r.location, "/account/password", "{b:?}: sent to change it");
        let user = Client::login(&app, "tk-moi", &temporary).await;
        let page = user.get(&app, "/account/password").await;
        assert!(page.body.contains("Bạn cần đổi mật khẩu trước khi tiếp tục"), "{b:?}");
        for uri in ["/reports/2026/00001", "/", "/admin/users", "/review/2026"] {
            let r = user.get(&app, uri).await;
            assert_eq!(
                (r.status, r.location.as_str()),
                (StatusCode::SEE_OTHER, "/account/password"),
                "{b:?}: {uri}"
            );
        }
        let save = user.post(&app, "/reports/2025/00001", &[("action", "save")]).await;
        assert_eq!(save.location, "/account/password", "{b:?}: no write either");
        let api = user.get(&app, "/api/v1/plan").await;
        assert_eq!(api.status, StatusCode::FORBIDDEN);
        assert!(api.body.starts_with('{'), "the API answers JSON: {}", api.body);

        // The same password again is refused, beside the form.
        let same = user
            .post(
                &app,
                "/account/password",
                &[("current", &temporary), ("new", &temporary), ("confirm", &temporary)],
            )
            .await;
        assert_eq!(same.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(same.body.contains("phải khác"), "{}", same.body);
        let mine = "mat-khau-cua-toi-2026";
        let done = user
            .post(
                &app,
                "/account/password",
                &[("current", &temporary), ("new", mine), ("confirm", mine)],
            )
            .await;
        assert_eq!(done.status, StatusCode::OK, "{b:?}: {}", done.body);
        assert!(!account(&store, "tk-moi").await.must_change_password);

        // Released: the next login lands on the unit's report.
        let r = login_reply(&app, "tk-moi", mine).await;
        assert!(r.location.starts_with("/reports/"), "{b:?}: {}", r.location);
        let user = Client::login(&app, "tk-moi", mine).await;
        assert_eq!(user.get(&app, "/reports/2025/00001").await.status, StatusCode::OK);

        // An administrator's reset makes it temporary again.
        let id = account(&store, "tk-moi").await.id;
        let reset = admin
            .post(&app, &format!("/admin/users/{id}"), &[("action", "reset")])
            .await;
        assert!(reset.body.contains("phải đổi nó ở lần đăng nhập đầu tiên"));
        let again = shown_password(&reset);
        assert_eq!(login_reply(&app, "tk-moi", &again).await.location, "/account/password");

        // The demo's printed sample logins are not forced.
        let r = login_reply(&app, "phucxa", "xhht-demo").await;
        assert_ne!(r.location, "/account/password", "{b:?}");
        assert!(!account(&store, "phucxa").await.must_change_password);
    }
}

#[tokio::test]
async fn the_login_page_says_who_resets_a_password() {
    for (_, app) in demo_apps("web_login_reset").await {
        let page = Client::default().get(&app, "/login").await;
        assert!(page.body.contains("Quên mật khẩu?"));
        // The demo's administrators of 56/KH-UBND all sit in Phòng GD&ĐT.
        assert!(
            page.body.contains("quản trị viên của hệ thống ở Phòng Giáo dục"),
            "{}",
            page.body
        );
        assert!(page.body.contains("mật khẩu tạm"));
    }
}

/// The audit trail's length and the account as stored: what a refusal
/// must leave as it was.
async fn snapshot(store: &Store, username: &str) -> (i64, Role, String) {
    let u = account(store, username).await;
    (store.audit_count().await.unwrap(), u.role, u.org_unit_code)
}

#[tokio::test]
async fn an_administrator_edits_role_and_unit_and_refusals_change_nothing() {
    for (store, app) in demo_apps("web_account_edit").await {
        let b = store.backend();
        let admin = Client::login(&app, "admin", "admin").await;
        let target = account(&store, "phucxa").await;
        let (id, unit) = (target.id, target.org_unit_code.clone());
        let form = admin.get(&app, &format!("/admin/users?sua={id}")).await;
        assert!(form.body.contains("Sửa vai trò, đơn vị của “phucxa”"), "{b:?}");
        let uri = format!("/admin/users/{id}/sua");
        let edit = |role: &'static str, unit: &str, seen_role: &'static str, seen_unit: &str| {
            let (unit, seen_unit) = (unit.to_string(), seen_unit.to_string());
            let (admin, app, uri) = (admin.clone(), app.clone(), uri.clone());
            async move {
                admin
                    .post(
                        &app,
                        &uri,
                        &[
                            ("role", role),
                            ("org_unit", &unit),
                            ("seen_role", seen_role),
                            ("seen_unit", &seen_unit),
                        ],
                    )
                    .await
            }
        };

        let before = snapshot(&store, "phucxa").await;
        let r = edit("viewer", "", "reporter", &unit).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{b:?}");
        assert!(r.body.contains("cần một đơn vị") && r.body.contains("aria-invalid=\"true\""));
        assert!(
            r.body.contains("<option value=\"viewer\" selected>"),
            "the chosen role is kept"
        );
        let r = edit("viewer", "KHONG-CO", "reporter", &unit).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("Không có đơn vị “KHONG-CO”"), "{}", r.body);
        // Another administrator changed it meanwhile: 409, a message, the page.
        let r = edit("viewer", "00004", "reviewer", &unit).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{b:?}");
        assert!(r.body.contains("vừa được người khác sửa") && r.body.contains("Đăng xuất"));
        let me = account(&store, "admin").await;
        let own = admin
            .post(
                &app,
                &format!("/admin/users/{}/sua", me.id),
                &[
                    ("role", "reviewer"),
                    ("org_unit", me.org_unit_code.as_str()),
                    ("seen_role", "admin"),
                    ("seen_unit", me.org_unit_code.as_str()),
                ],
            )
            .await;
        assert_eq!(own.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(own.body.contains("Không thể tự đổi vai trò"));
        // The create form comes back as typed, the message beside its field.
        for name in ["tên có dấu", "phucxa"] {
            let r = admin
                .post(
                    &app,
                    "/admin/users",
                    &[
                        ("username", name),
                        ("display_name", "Cán bộ giữ nguyên"),
                        ("role", "viewer"),
                        ("org_unit", "00004"),
                    ],
                )
                .await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{b:?} {name}");
            assert!(r.body.contains("id=\"username-error\""), "{b:?} {name}: {}", r.body);
            assert!(r.body.contains("value=\"Cán bộ giữ nguyên\"") && r.body.contains("<details class=\"card\" open>"));
            assert!(
                r.body.contains("<option value=\"00004\" selected>"),
                "the chosen unit is kept"
            );
        }
        assert_eq!(
            snapshot(&store, "phucxa").await,
            before,
            "{b:?}: refusals change nothing"
        );
        assert_eq!(account(&store, "admin").await.role, Role::Admin);

        let r = edit("viewer", "00004", "reporter", &unit).await;
        assert_eq!(r.status, StatusCode::OK, "{b:?}: {}", r.body);
        assert!(r.body.contains("Đã đổi tài khoản “phucxa”"));
        let after = account(&store, "phucxa").await;
        assert_eq!((after.role, after.org_unit_code.as_str()), (Role::Viewer, "00004"));
        let last = store.audit_trail().await.unwrap().pop().unwrap().event;
        assert_eq!(last.actor, "admin");
        assert_eq!(
            last.change,
            Change::AccountEdited {
                username: "phucxa".into(),
                old_role: Role::Reporter,
                new_role: Role::Viewer,
                old_unit: unit.clone(),
                new_unit: "00004".into(),
            }
        );
    }
}

#[tokio::test]
async fn two_administrators_demoting_each_other_leave_one() {
    for (store, app) in demo_apps("web_account_last_admin").await {
        let b = store.backend();
        let pgd = account(&store, "admin").await.org_unit_code;
        let second = NewUser {
            username: "admin2",
            display_name: "Quản trị thứ hai",
            password: "mat-khau-dai-2",
            role: Role::Admin,
            org_unit: &pgd,
            must_change_password: false,
        };
        store.create_user(&Stamp::now("test"), &second).await.unwrap();
        let one = Client::login(&app, "admin", "admin").await;
        let two = Client::login(&app, "admin2", "mat-khau-dai-2").await;
        let demote = |by: &Client, whom: &str| {
            let (by, app, whom) = (by.clone(), app.clone(), whom.to_string());
            let store = store.clone();
            async move {
                let id = account(&store, &whom).await.id;
                let pgd = account(&store, &whom).await.org_unit_code;
                by.post(
                    &app,
                    &format!("/admin/users/{id}/sua"),
                    &[
                        ("role", "reviewer"),
                        ("org_unit", pgd.as_str()),
                        ("seen_role", "admin"),
                        ("seen_unit", pgd.as_str()),
                    ],
                )
                .await
            }
        };
        let (a, c) = tokio::join!(
            tokio::spawn(demote(&one, "admin2")),
            tokio::spawn(demote(&two, "admin"))
        );
        let statuses = [a.unwrap().status, c.unwrap().status];
        assert!(
            statuses
                .iter()
                .all(|s| [StatusCode::OK, StatusCode::FORBIDDEN, StatusCode::UNPROCESSABLE_ENTITY].contains(s)),
            "{b:?}: {statuses:?}"
        );
        let admins = UserFilter {
            role: Some(Role::Admin),
            ..UserFilter::default()
        };
        let (left, _) = store.users_page(&admins, 0, 50).await.unwrap();
        let left: Vec<_> = left
            .iter()
            .filter(|u| ["admin", "admin2"].contains(&u.username.as_str()))
            .collect();
        assert_eq!(left.len(), 1, "{b:?}: exactly one stays administrator, {statuses:?}");
        // And the one left cannot be demoted by anyone (the storage check).
        let survivor = left[0];
        let refused = store
            .edit_account(
                &Stamp::now("someone"),
                survivor.id,
                &xhht_storage::AccountEdit {
                    role: Role::Reviewer,
                    unit: &pgd,
                    seen_role: Role::Admin,
                    seen_unit: &pgd,
                },
            )
            .await;
        assert!(
            matches!(
                refused,
                Err(xhht_storage::StorageError::Conflict(
                    xhht_storage::Conflict::LastAdmin { .. }
                ))
            ),
            "{b:?}: {refused:?}"
        );
    }
}

#[tokio::test]
async fn the_users_list_and_a_report_history_come_in_pages() {
    for (store, app) in both_plans("web_paging").await {
        let b = store.backend();
        let names: Vec<String> = (0..60).map(|i| format!("zz-trang-{i:02}")).collect();
        let new: Vec<NewUser> = names
            .iter()
            .map(|n| NewUser {
                username: n,
                display_name: "Người thử phân trang",
                password: "mat-khau-dai-3",
                role: Role::Viewer,
                org_unit: "00001",
                must_change_password: false,
            })
            .collect();
        store.create_users(&Stamp::now("test"), &new).await.unwrap();
        let admin = Client::login(&app, "admin", "admin").await;
        let first = admin.get(&app, "/admin/users").await;
        let rows = |r: &Reply| r.body.matches("<td class=\"name\">zz-trang-").count();
        assert!(
            first.body.contains("Trang sau") && !first.body.contains("Trang trước"),
            "{b:?}"
        );
        assert!(first.body.contains("href=\"/admin/users?trang=2\""), "{b:?}");
        let filtered = admin.get(&app, "/admin/users?q=zz-trang").await;
        assert_eq!(rows(&filtered), 50, "{b:?}");
        assert!(filtered.body.contains("zz-trang-49") && !filtered.body.contains("zz-trang-50"));
        let second = admin.get(&app, "/admin/users?q=zz-trang&trang=2").await;
        assert_eq!(rows(&second), 10, "{b:?}");
        assert!(second.body.contains("zz-trang-59") && second.body.contains("Trang trước"));
        assert!(!second.body.contains("Trang sau"));
        assert!(
            second.body.contains("href=\"/admin/users?q=zz-trang\""),
            "the filter stays in the links"
        );
        let by_role = admin.get(&app, "/admin/users?vai_tro=admin").await;
        assert!(by_role.body.contains("<td class=\"name\">admin</td>") && !by_role.body.contains("zz-trang"));
        let by_unit = admin.get(&app, "/admin/users?don_vi=00004&q=trang").await;
        assert!(by_unit.body.contains("Không có tài khoản nào khớp"), "{b:?}");
        let upper = admin.get(&app, "/admin/users?q=ZZ-TRANG-0").await;
        assert_eq!(rows(&upper), 10, "{b:?}: any case");
        let like = admin.get(&app, "/admin/users?q=zz%25").await;
        assert_eq!(rows(&like), 0, "{b:?}: % is matched as typed");

        // A report's history: 60 saves, newest first, 50 a page.
        let ward = store.for_plan(WARD_PLAN).await.unwrap();
        for i in 0..60 {
            let form = FormChanges {
                values: vec![("pop_15_plus".into(), Some(DataValue::Number(900_001.0 + f64::from(i))))],
                ..FormChanges::default()
            };
            ward.save_form(&Stamp::now("pbd-tdp04"), "TDP04", 2026, &form)
                .await
                .unwrap();
        }
        let reviewer = Client::login(&app, "pbd-chuyenvien", "xhht-demo").await;
        let page = reviewer.get(&app, "/reports/2026/TDP04").await;
        assert_eq!(page.status, StatusCode::OK, "{b:?}");
        assert!(
            page.body.contains("→ 900.060") && !page.body.contains("→ 900.001"),
            "{b:?}"
        );
        assert!(page.body.contains("href=\"/reports/2026/TDP04?trang=2#lich-su\""));
        let older = reviewer.get(&app, "/reports/2026/TDP04?trang=2").await;
        assert!(
            older.body.contains("→ 900.001") && !older.body.contains("→ 900.060"),
            "{b:?}"
        );
        let bad = reviewer.get(&app, "/reports/2026/TDP04?trang=hai").await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);
        assert!(bad.body.contains("số trang “hai”") && bad.body.contains("Đăng xuất"));
    }
}

#[tokio::test]
async fn error_pages_keep_the_user_and_never_show_json() {
    for (store, app) in demo_apps("web_error_context").await {
        let b = store.backend();
        let reviewer = Client::login(&app, "chuyenvien", "xhht-demo").await;
        let ward = Client::login(&app, "phucxa", "xhht-demo").await;
        let cases = [
            (&reviewer, "/?year=abc", StatusCode::BAD_REQUEST),
            (&reviewer, "/?year=1990", StatusCode::BAD_REQUEST),
            (&reviewer, "/so-sanh?year=x", StatusCode::BAD_REQUEST),
            (&reviewer, "/review/2026?state=gi-do", StatusCode::BAD_REQUEST),
            (&reviewer, "/khong-co-trang", StatusCode::NOT_FOUND),
            (&reviewer, "/?plan=khong-co", StatusCode::NOT_FOUND),
            (&ward, "/admin/users", StatusCode::FORBIDDEN),
            (&ward, "/review/2026", StatusCode::FORBIDDEN),
            (&ward, "/reports/2025/00004", StatusCode::FORBIDDEN),
        ];
        for (who, uri, status) in cases {
            let r = who.get(&app, uri).await;
            assert_eq!(r.status, status, "{b:?} {uri}: {}", r.body);
            assert!(
                r.body.contains("<html lang=\"vi\">"),
                "{b:?} {uri}: a page, not JSON: {}",
                r.body
            );
            assert!(r.body.contains("Đăng xuất"), "{b:?} {uri}: the header keeps the user");
        }
        let unknown = reviewer.get(&app, "/?plan=khong-co").await;
        assert!(unknown.body.contains("Không có kế hoạch mã “khong-co”") && unknown.body.contains("/ke-hoach"));
        let api = reviewer.get(&app, "/api/v1/indicators?year=abc").await;
        assert!(api.body.starts_with('{'), "JSON only under /api");
    }
}

#[tokio::test]
async fn the_excel_box_is_for_the_units_reporter_only() {
    for (_, app) in both_plans("web_excel_box").await {
        let reporter = Client::login(&app, "pbd-tdp04", "xhht-demo").await;
        assert!(
            reporter
                .get(&app, "/reports/2026/TDP04")
                .await
                .body
                .contains("Làm báo cáo bằng Excel")
        );
        for (name, password) in [
            ("pbd-chuyenvien", "xhht-demo"),
            ("pbd-lanhdao", "xhht-demo"),
            ("pbd-admin", "admin"),
        ] {
            let other = Client::login(&app, name, password).await;
            let page = other.get(&app, "/reports/2026/TDP04").await;
            assert_eq!(page.status, StatusCode::OK, "{name}");
            assert!(
                !page.body.contains("Làm báo cáo bằng Excel"),
                "{name} sees no Excel box"
            );
        }
    }
}

#[tokio::test]
async fn the_draft_versions_come_in_pages() {
    for (store, app) in demo_apps("web_draft_pages").await {
        let b = store.backend();
        let reviewer = Client::login(&app, "chuyenvien", "xhht-demo").await;
        for i in 0..55 {
            let text = format!("Phiên bản thử số {i}.");
            let r = reviewer
                .post(
                    &app,
                    "/review/2026/bao-cao/luu",
                    &[
                        ("loai", "nam"),
                        ("s1", &text),
                        ("issuing_body", "ỦY BAN NHÂN DÂN QUẬN BA ĐÌNH"),
                        ("symbol", "BC-UBND"),
                        ("place", "Ba Đình"),
                        ("signer_title", "CHỦ TỊCH"),
                    ],
                )
                .await;
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{b:?}: {}", r.body);
        }
        let first = reviewer.get(&app, "/review/2026/bao-cao?loai=nam").await;
        assert!(
            first.body.contains("phien-ban=55\">Phiên bản 55</a>")
                && !first.body.contains("phien-ban=5\">Phiên bản 5</a>"),
            "{b:?}"
        );
        let pager = &first.body[first.body.find("class=\"pager\"").unwrap_or(0)..];
        assert!(
            pager.contains("href=\"/review/2026/bao-cao?loai=nam&#38;trang=2\""),
            "{b:?}: {pager}"
        );
        let second = reviewer.get(&app, "/review/2026/bao-cao?loai=nam&trang=2").await;
        assert!(
            second.body.contains("phien-ban=5\">Phiên bản 5</a>")
                && !second.body.contains("phien-ban=55\">Phiên bản 55</a>"),
            "{b:?}"
        );
        assert!(
            second.body.contains("name=\"khoi_phuc\" value=\"1\""),
            "older versions can be restored from any page"
        );
        assert!(
            !second.body.contains("name=\"khoi_phuc\" value=\"55\""),
            "not the latest"
        );
    }
}

/// `/account` says who is signed in, as what and for which unit (by the
/// plan's name), and holds the links a phone's header leaves out (password,
/// help, logging out); the header links it. Without a session it asks for
/// a login and shows nothing.
#[tokio::test]
async fn the_account_page_says_who_and_holds_the_header_links() {
    for (store, app) in demo_apps("web_account_page").await {
        let b = store.backend();
        let anonymous = Client::default().get(&app, "/account").await;
        assert_eq!(anonymous.status, StatusCode::SEE_OTHER, "{b:?}");
        assert!(
            anonymous.location.starts_with("/login"),
            "{b:?}: {}",
            anonymous.location
        );

        let ward = Client::login(&app, "vinhphuc", "xhht-demo").await;
        let me = account(&store, "vinhphuc").await;
        let plan = xhht_domain::plan::builtin();
        let unit = plan.unit(&me.org_unit_code).expect("the account's unit");
        let page = ward.get(&app, "/account").await;
        assert_eq!(page.status, StatusCode::OK, "{b:?}");
        for shown in [
            me.display_name.as_str(),
            "vinhphuc",
            unit.name.as_str(),
            "href=\"/account/password\"",
            "href=\"/tro-giup\"",
        ] {
            assert!(page.body.contains(shown), "{b:?}: {shown}");
        }
        let main = page.body.split("<main").nth(1).unwrap();
        assert!(main.contains("action=\"/logout\""), "{b:?}: logging out from the page");
        assert!(!main.contains("href=\"/admin/users\""), "{b:?}: not an administrator");
        assert!(
            page.body
                .contains("<a href=\"/account\" class=\"phone-flex\">Tài khoản</a>"),
            "{b:?}: the header links the page"
        );
        let admin = Client::login(&app, "admin", "admin").await;
        let page = admin.get(&app, "/account").await;
        let main = page.body.split("<main").nth(1).unwrap();
        assert!(
            main.contains("href=\"/admin/users\""),
            "{b:?}: the administrator's list"
        );
    }
}
