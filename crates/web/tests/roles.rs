//! Each role's day in a real browser (headless Chromium over WebDriver), on
//! the demo with a fixed day (6/12/2026, four days before the plan's
//! deadline) and e-mail going to a local SMTP sink:
//! - the administrator gives a ward's reporter an e-mail address and makes
//!   another ward's reporter a leader of that ward (role change);
//! - the reviewer's list opens on "còn thiếu", and one button reminds the
//!   missing units: the e-mail reaches the sink;
//! - the leader lands on the leader's page and sees who is missing;
//! - the reporter, on a 390 px phone, sees the reminder, submits a form with
//!   an error, and the error summary's link puts the cursor in the field.
//!
//! axe-core finds no serious or critical problem on any page on the way.
//! Runs only with `XHHT_BROWSER_TESTS=1` (see `browser_support`).

mod browser_support;
mod common;

use std::path::PathBuf;
use std::sync::Arc;

use browser_support::axe::axe_check;
use browser_support::{Browser, DESKTOP, PHONE, Res};
use chrono::NaiveDate;
use common::smtp::Sink;
use xhht_web::{Clock, Mailer, SmtpSecurity, SmtpSettings};

const YEAR: i32 = 2026;
const FORM: &str = "/reports/2026/00006"; // Vĩnh Phúc: a 2026 draft in the sample
const REPORTER: &str = "vinhphuc";
const EMAIL: &str = "vinhphuc@phuong.test";
const PROMOTED: &str = "phucxa"; // Phúc Xá's reporter, made a leader of Phúc Xá

#[tokio::test(flavor = "multi_thread")]
async fn each_role_s_day_in_a_browser() {
    if !browser_support::enabled() {
        return;
    }
    let sink = Sink::start().await;
    let settings = SmtpSettings {
        host: "127.0.0.1".into(),
        port: sink.addr.port(),
        from: "XHHT <xhht@phuong.test>".into(),
        credentials: None,
        security: SmtpSecurity::None,
        site_url: None,
    };
    let mailer = Arc::new(Mailer::new(&settings).unwrap());
    let today = NaiveDate::from_ymd_opt(YEAR, 12, 6).unwrap();
    browser_support::run_with(
        "web_browser_roles",
        "each role's day",
        move |state| {
            state.mailer = Some(mailer);
            state.clock = Clock(Some(today));
        },
        move |c, base, dir| day(Browser { c, base }, dir, sink),
    )
    .await;
}

async fn day(b: Browser, dir: PathBuf, sink: Sink) -> Res {
    administrator(&b).await?;
    b.logout().await?;
    reviewer(&b, &sink).await?;
    b.logout().await?;
    leader(&b).await?;
    b.logout().await?;
    reporter_on_a_phone(&b, &dir).await
}

/// The administrator sets the reporter's e-mail and changes a role.
async fn administrator(b: &Browser) -> Res {
    b.login_with("admin", xhht_sample::DEMO_ADMIN_PASSWORD).await?;
    b.open(&format!("/admin/users?q={REPORTER}")).await?;
    axe_check(&b.c, "the administrator's accounts page").await?;
    let email = b.find(&format!("input[aria-label='E-mail của {REPORTER}']")).await?;
    let id = email.attr("id").await?.unwrap_or_default();
    b.type_into(&id, EMAIL).await?;
    b.click_and_load(&format!("#{id} ~ button")).await?;
    let page = b.text("main").await?;
    assert!(
        page.contains(&format!("Đã lưu e-mail của “{REPORTER}”: {EMAIL}")),
        "{page}"
    );

    b.open(&format!("/admin/users?q={PROMOTED}")).await?;
    b.click_and_load("a[href*='sua=']").await?;
    axe_check(&b.c, "editing an account's role").await?;
    b.find("#edit-role option[value='viewer']").await?.click().await?;
    b.click_and_load("#sua button.primary").await?;
    let row = b.text("main table tbody tr").await?;
    assert!(
        row.contains(PROMOTED) && row.contains("Lãnh đạo"),
        "the row shows the new role: {row}"
    );
    Ok(())
}

/// The reviewer's list opens on the missing units; one button reminds them.
async fn reviewer(b: &Browser, sink: &Sink) -> Res {
    b.login("chuyenvien").await?;
    b.open(&format!("/review/{YEAR}")).await?;
    let shown: String = b
        .js("return document.querySelector('select[name=state]').value")
        .await?;
    assert_eq!(shown, "missing", "the list opens on “còn thiếu”");
    assert!(
        b.text("main").await?.contains("Vĩnh Phúc"),
        "Vĩnh Phúc's draft is missing"
    );
    axe_check(&b.c, "the review list").await?;
    b.click_and_load("form.remind button").await?;
    let said = b.text("main").await?;
    assert!(said.contains("Đã nhắc") && said.contains("và e-mail"), "{said}");
    let mail = sink.wait_for(|m| m.to.iter().any(|t| t.contains(EMAIL))).await;
    assert!(
        mail.subject.contains(&format!("Nhắc nộp báo cáo năm {YEAR}")),
        "{}",
        mail.subject
    );
    assert!(
        mail.body.contains("10/12/2026"),
        "the deadline is in the e-mail: {}",
        mail.body
    );
    Ok(())
}

/// The leader lands on the page made for them and sees who is missing.
async fn leader(b: &Browser) -> Res {
    b.login("lanhdao").await?;
    let path = b.path().await?;
    assert!(
        path.starts_with("/lanh-dao/"),
        "the leader lands on the leader's page, not {path}"
    );
    assert!(b.text("main").await?.contains("Vĩnh Phúc"), "the missing unit is named");
    axe_check(&b.c, "the leader's page").await
}

/// The reporter on a phone: the reminder, then an error found through the summary.
async fn reporter_on_a_phone(b: &Browser, dir: &std::path::Path) -> Res {
    b.c.set_window_size(PHONE.0, PHONE.1).await?;
    b.login(REPORTER).await?;
    let notices = b.text(".notices").await?;
    assert!(
        notices.contains("Còn 4 ngày"),
        "the reminder counts down to 10/12: {notices}"
    );
    b.open(FORM).await?;
    axe_check(&b.c, "the report form at 390 px").await?;
    b.type_impossible_literacy().await?;
    b.send_report().await?;
    axe_check(&b.c, "the report form with errors at 390 px").await?;
    browser_support::error_summary_link_focuses_its_field(b, dir).await?;
    b.c.set_window_size(DESKTOP.0, DESKTOP.1).await?;
    Ok(())
}
