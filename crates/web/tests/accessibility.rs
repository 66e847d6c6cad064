//! Accessibility in a real browser (headless Chromium over WebDriver):
//! axe-core finds nothing serious or critical on any kind of page (the
//! phone journey of the error summary is in `roles.rs`). Runs only with `XHHT_BROWSER_TESTS=1` and axe-core at
//! `XHHT_AXE_JS` (see `browser_support`).

mod browser_support;

use std::path::PathBuf;

use browser_support::axe::axe_check;
use browser_support::{Browser, DESKTOP, PHONE, Res};
use fantoccini::Client;

const FORM: &str = "/reports/2026/00006"; // Vĩnh Phúc: a 2026 draft in the sample
const YEAR: i32 = 2026;

#[tokio::test(flavor = "multi_thread")]
async fn no_page_kind_has_serious_accessibility_findings() {
    if browser_support::enabled() {
        browser_support::run("web_browser_axe", "axe-core check of every page kind", every_page_kind).await;
    }
}

/// Each kind of page, as the role that sees it, at desktop and phone width.
/// Every page is checked before the test fails, so one run lists all findings.
async fn every_page_kind(c: Client, base: String, _dir: PathBuf) -> Res {
    let b = Browser { c, base };
    let mut failures: Vec<String> = Vec::new();
    let mut checked = 0;
    let mut check = async |b: &Browser, name: &str| -> Res {
        for (w, h) in [DESKTOP, PHONE] {
            b.c.set_window_size(w, h).await?;
            if let Err(e) = axe_check(&b.c, &format!("{name} at {w} px")).await {
                failures.push(e.to_string());
            }
        }
        checked += 1;
        b.c.set_window_size(DESKTOP.0, DESKTOP.1).await?;
        Ok(())
    };

    b.open("/login").await?;
    check(&b, "the login page").await?;
    for (path, name) in [
        (format!("/cong-khai?year={YEAR}"), "the public dashboard"),
        (
            format!("/cong-khai/chi-tieu/literacy_rate_15_60?year={YEAR}"),
            "a public indicator page",
        ),
        ("/cong-khai/so-sanh?year=2025".to_string(), "the public comparison"),
    ] {
        b.open(&path).await?;
        check(&b, name).await?;
    }

    // The reporter: the form as it is, then with errors.
    b.login("vinhphuc").await?;
    b.open(FORM).await?;
    check(&b, "the report form").await?;
    b.type_impossible_literacy().await?;
    b.type_into("v_pop_15_plus", "mười hai").await?;
    b.send_report().await?;
    assert!(!b.all("#loi a").await?.is_empty(), "the form came back with errors");
    check(&b, "the report form with errors").await?;
    b.logout().await?;

    // The reviewer: the review list, the internal dashboards, the report drafts.
    b.login("chuyenvien").await?;
    for (path, name) in [
        (format!("/review/{YEAR}"), "the review list"),
        (format!("/?year={YEAR}"), "the internal dashboard"),
        (
            format!("/chi-tieu/literacy_rate_15_60?year={YEAR}"),
            "an internal indicator page",
        ),
        (format!("/don-vi/00006?year={YEAR}"), "a unit's page"),
        ("/so-sanh?year=2025".to_string(), "the comparison"),
        (format!("/review/{YEAR}/bao-cao"), "the report drafts"),
        ("/reports/2026/00019".to_string(), "a sent report, for review"),
    ] {
        b.open(&path).await?;
        check(&b, name).await?;
    }
    // A unit that has not started: its empty form, as the reviewer sees it.
    let empty = b.form_not_started(YEAR).await?;
    b.open(&empty).await?;
    check(&b, "an empty report form").await?;
    b.logout().await?;

    b.login("lanhdao").await?;
    b.open(&format!("/lanh-dao/{YEAR}")).await?;
    check(&b, "the leader's page").await?;
    b.logout().await?;

    b.login_with("admin", "admin").await?;
    b.open("/admin/users").await?;
    check(&b, "the administrators' users page").await?;
    b.open("/account/password").await?;
    check(&b, "the change of password").await?;
    b.open("/account").await?;
    check(&b, "one's own account").await?;

    xhht_storage::test_support::say_uncaptured(&format!(
        "axe-core: {checked} pages checked at {} and {} px\n",
        DESKTOP.0, PHONE.0
    ));
    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures.join("\n").into())
    }
}
