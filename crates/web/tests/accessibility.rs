//! Accessibility in a real browser (headless Chromium over WebDriver):
//! axe-core finds nothing serious or critical on any kind of page, and on a
//! 390 px phone a link of the form's error summary takes the reporter to the
//! field. Runs only with `XHHT_BROWSER_TESTS=1` and axe-core at
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

#[tokio::test(flavor = "multi_thread")]
async fn on_a_phone_an_error_summary_link_takes_the_reporter_to_the_field() {
    if browser_support::enabled() {
        browser_support::run(
            "web_browser_summary",
            "error summary on a phone",
            error_summary_on_a_phone,
        )
        .await;
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

/// A reporter on a 390 × 844 screen sends the form with an impossible value;
/// the summary at the top links to the field, and following the link puts
/// the cursor in it, visible below the sticky list of parts.
async fn error_summary_on_a_phone(c: Client, base: String, dir: PathBuf) -> Res {
    let b = Browser { c, base };
    b.c.set_window_size(PHONE.0, PHONE.1).await?;
    b.login("vinhphuc").await?;
    b.open(FORM).await?;
    b.type_impossible_literacy().await?;
    b.send_report().await?;

    b.c.execute("document.getElementById('loi').scrollIntoView()", vec![])
        .await?;
    std::fs::write(dir.join("form-error-summary-390px.png"), b.c.screenshot().await?)?;
    let link = b.find("#loi a[href^='#v_']").await?;
    let href = link.attr("href").await?.unwrap_or_default();
    let id = href.trim_start_matches('#').to_string();
    assert!(
        link.text().await?.contains("không được lớn hơn"),
        "the summary names the error"
    );
    let before: f64 = b
        .js(&format!(
            "return document.getElementById('{id}').getBoundingClientRect().top"
        ))
        .await?;
    assert!(before > 844.0, "the field starts below the first screen ({before} px)");
    // A person scrolls the link out from under the sticky buttons, then taps it.
    b.c.execute(
        "arguments[0].scrollIntoView({block: 'center'})",
        vec![serde_json::to_value(&link)?],
    )
    .await?;
    link.click().await?;
    let deadline = std::time::Instant::now() + browser_support::TIMEOUT;
    let focused = loop {
        let active: String = b
            .js("return document.activeElement ? document.activeElement.id : ''")
            .await?;
        if active == id || std::time::Instant::now() > deadline {
            break active;
        }
        tokio::time::sleep(browser_support::POLL).await;
    };
    assert_eq!(focused, id, "the link puts the cursor in the field");
    let (top, bottom, height, covered): (f64, f64, f64, f64) = b
        .js(&format!(
            "const r = document.getElementById('{id}').getBoundingClientRect();
             const nav = document.querySelector('.form-progress').getBoundingClientRect();
             return [r.top, r.bottom, window.innerHeight, nav.bottom];"
        ))
        .await?;
    assert!(
        top >= covered && bottom <= height,
        "the field is on screen below the list of parts: top {top}, bottom {bottom}, screen {height}, list ends at {covered}"
    );
    // Kept for whoever wants to look at the layout.
    let shot = dir.join("form-error-field-390px.png");
    std::fs::write(&shot, b.c.screenshot().await?)?;
    let invalid = b.find(&href).await?.attr("aria-invalid").await?;
    assert_eq!(invalid.as_deref(), Some("true"), "the field says it is invalid");
    xhht_storage::test_support::say_uncaptured(&format!(
        "error summary at 390 px: {href} focused, from {before:.0} px to {top:.0} px from the top ({})\n",
        shot.display()
    ));
    Ok(())
}
