//! One end-to-end journey in a real browser (headless Chromium driven over
//! WebDriver): a ward fills in and submits its yearly report, the reviewer
//! returns it with a comment, the ward fixes it, the reviewer approves it, and
//! the public home page counts it.
//!
//! Runs only with `XHHT_BROWSER_TESTS=1` (see `browser_support`).

mod browser_support;

use std::path::PathBuf;

use browser_support::{Browser, DESKTOP, PHONE, Res};
use fantoccini::Client;
use xhht_domain::plan::{ValueType, builtin};

const FORM: &str = "/reports/2026/00006"; // Vĩnh Phúc: a 2026 draft in the sample
const UNIT: &str = "00006";
const COMMENT: &str = "Kiểm tra lại số người biết chữ";

#[tokio::test(flavor = "multi_thread")]
async fn a_ward_report_goes_from_draft_to_approved_in_a_browser() {
    if browser_support::enabled() {
        browser_support::run("web_browser_journey", "browser journey", journey).await;
    }
}

async fn journey(c: Client, base: String, dir: PathBuf) -> Res {
    let b = Browser { c, base };
    let approved_before = b.approved_on_home().await?;

    // 1. The ward logs in and lands on its form for the current year.
    b.ward_login().await?;
    assert_eq!(b.state().await?, "Đang soạn");

    // The form at phone width, kept for whoever wants to look at the layout.
    b.c.set_window_size(PHONE.0, PHONE.1).await?;
    let width: i64 = b.js("return document.documentElement.clientWidth").await?;
    let scroll: i64 = b.js("return document.documentElement.scrollWidth").await?;
    let png = b.c.screenshot().await?;
    let shot = dir.join("ward-form-390px.png");
    std::fs::write(&shot, &png)?;
    assert!(
        std::fs::metadata(&shot)?.len() > 0,
        "screenshot {} is empty",
        shot.display()
    );
    xhht_storage::test_support::say_uncaptured(&format!(
        "ward form at phone width: {} ({} bytes; viewport {width} px, content {scroll} px wide)\n",
        shot.display(),
        png.len()
    ));
    b.c.set_window_size(DESKTOP.0, DESKTOP.1).await?;

    // 2. An impossible value: more literate people than people aged 15-60.
    b.type_impossible_literacy().await?;
    b.send_report().await?;
    let next_to_field = b.text("#f-literate_15_60 .field-error").await?;
    assert!(
        next_to_field.contains("không được lớn hơn"),
        "the rule's message is shown next to the field, got “{next_to_field}”"
    );
    let alert = b.text(".report-head [role=alert]").await?;
    assert!(
        alert.contains("chưa gửi"),
        "the page says the report was not sent: “{alert}”"
    );
    assert_eq!(b.state().await?, "Đang soạn");
    assert_eq!(b.value("v_literate_15_60").await?, "9.500", "what was typed is kept");

    // 3. Fixed, every value filled, warnings explained: submitted.
    b.fill_every_field().await?;
    b.type_into("n_1_results", "Tổ chức Tuần lễ học tập suốt đời tại 12 tổ dân phố.")
        .await?;
    b.type_into("explanation", "Số liệu theo điều tra tháng 11.").await?;
    b.send_report().await?;
    assert!(b.state().await?.starts_with("Đã gửi"), "{}", b.problems().await);
    assert!(b.text("[role=status]").await?.contains("Đã gửi báo cáo"));
    b.logout().await?;

    // 4. The reviewer returns it with a comment.
    b.login("chuyenvien").await?;
    assert!(
        b.path().await?.starts_with("/review/"),
        "a reviewer lands on the review list"
    );
    // The list links to the report (when the list shown is the 2026 one).
    let link = format!("a[href='{FORM}']");
    if b.all(&link).await?.is_empty() {
        b.open(FORM).await?;
    } else {
        let row = b.text(&format!("tr:has({link})")).await?;
        assert!(row.contains("Đã gửi"), "the list shows the report as sent: “{row}”");
        b.click_and_load(&link).await?;
    }
    assert!(b.state().await?.starts_with("Đã gửi"));
    b.type_into("reason", COMMENT).await?;
    b.click_and_load("button[name=action][value=return]").await?;
    assert!(b.state().await?.starts_with("Bị trả lại"), "{}", b.problems().await);
    b.logout().await?;

    // 5. The ward sees why, changes one value and submits again.
    b.ward_login().await?;
    assert!(b.state().await?.starts_with("Bị trả lại"));
    assert!(b.text(".history").await?.contains(COMMENT), "the ward sees the comment");
    b.type_into("v_literate_15_60", "8.985").await?;
    b.send_report().await?;
    assert!(b.state().await?.starts_with("Đã gửi"), "{}", b.problems().await);
    b.logout().await?;

    // 6. The reviewer approves it.
    b.login("chuyenvien").await?;
    b.open(FORM).await?;
    b.click_and_load("button[name=action][value=approve]").await?;
    assert_eq!(b.state().await?, "Đã duyệt", "{}", b.problems().await);
    b.logout().await?;

    // 7. Locked for the ward, with its history.
    b.ward_login().await?;
    assert_eq!(b.state().await?, "Đã duyệt");
    assert!(
        b.all("input[name=v_pop_15_60]").await?.is_empty(),
        "no input once approved"
    );
    assert!(
        b.all("button[name=action][value=submit]").await?.is_empty(),
        "no submit button once approved"
    );
    assert_eq!(
        b.text("#v_literate_15_60").await?,
        "8.985",
        "the approved value is shown"
    );
    assert!(b.text(".history h2").await?.contains("Lịch sử báo cáo"));
    let history = b.text(".history table").await?.to_lowercase();
    for step in [
        "Đang soạn → Đã gửi",
        "Đã gửi → Bị trả lại",
        "Bị trả lại → Đã gửi",
        "Đã gửi → Đã duyệt",
        COMMENT,
    ] {
        assert!(
            history.contains(&step.to_lowercase()),
            "history lacks “{step}”:\n{history}"
        );
    }
    let mut returned = Vec::new();
    for row in b.all(".history tbody tr").await? {
        let text = row.text().await?;
        if text.to_lowercase().contains("→ bị trả lại") {
            returned.push(text);
        }
    }
    assert!(
        matches!(&returned[..], [row] if row.contains(COMMENT) && row.contains("Chuyên viên Phòng GD&ĐT")),
        "one return, by the reviewer, with the comment: {returned:?}"
    );
    b.logout().await?;

    // 8. Counted on the public home page.
    let approved_after = b.approved_on_home().await?;
    assert_eq!(
        approved_after,
        approved_before + 1,
        "one more approved report on /?year=2026"
    );
    xhht_storage::test_support::say_uncaptured(&format!(
        "approved 2026 reports on the home page: {approved_before} before, {approved_after} after\n"
    ));

    // 9. The public pages render in the browser: charts drawn, no account shown,
    // nothing wider than a phone.
    b.c.set_window_size(PHONE.0, PHONE.1).await?;
    let pages = [
        ("/cong-khai?year=2026", "svg"),
        ("/cong-khai/chi-tieu/literacy_rate_15_60?year=2026", "figure.chart svg"),
        ("/cong-khai/so-sanh?year=2025", "table.grid td"),
    ];
    for (path, drawn) in pages {
        b.open(path).await?;
        let found: i64 = b
            .js(&format!("return document.querySelectorAll('{drawn}').length"))
            .await?;
        assert!(found > 0, "{path} shows {drawn}");
        let logout: bool = b.js("return document.body.innerText.includes('Đăng xuất')").await?;
        assert!(!logout, "{path} shows no account");
    }
    let width: i64 = b.js("return document.documentElement.clientWidth").await?;
    b.open("/cong-khai?year=2026").await?;
    let scroll: i64 = b.js("return document.documentElement.scrollWidth").await?;
    assert!(
        scroll <= width + 1,
        "the public dashboard fits a phone ({scroll} > {width})"
    );
    Ok(())
}

/// The journey's own steps.
impl Browser {
    /// The ward logs in, lands on its own form for the current year, and
    /// goes to the 2026 one if that is another.
    async fn ward_login(&self) -> Res {
        self.login("vinhphuc").await?;
        let path = self.path().await?;
        assert!(
            path.starts_with("/reports/") && path.ends_with(&format!("/{UNIT}")),
            "a ward lands on its own form, not on {path}"
        );
        if path != FORM {
            // Only when the clock is past 2026: the sample's draft is the 2026 one.
            self.open(FORM).await?;
        }
        Ok(())
    }

    /// Fills every field of the ward's form with valid values, like the
    /// HTTP journey in `reporting.rs`.
    async fn fill_every_field(&self) -> Res {
        let plan = builtin();
        let unit = plan.unit(UNIT).expect("unit in the plan");
        for el in plan.elements_for(unit) {
            let id = format!("v_{}", el.code);
            let typed = match el.code.as_str() {
                "pop_15_plus" => "12.000",
                "pop_15_60" => "9.000",
                "literate_15_60" => "8.990",
                "working_age_pop" => "9.500",
                _ => "1.000",
            };
            match el.value_type {
                ValueType::Count | ValueType::Percentage | ValueType::Text => self.type_into(&id, typed).await?,
                ValueType::Status => {
                    let choice = match el.code.as_str() {
                        "literacy_level" => "level_2",
                        "primary_universal_level" | "lower_secondary_universal_level" => "level_3",
                        _ => &el.options.last().expect("a status has options").code,
                    };
                    self.find(&format!("#{id}")).await?.select_by_value(choice).await?;
                    assert_eq!(self.value(&id).await?, choice, "chose {choice} in #{id}");
                }
                ValueType::YesNo => {
                    let yes = self.find(&format!("input[name={id}][value=yes]")).await?;
                    yes.click().await?;
                    assert!(yes.is_selected().await?, "“Có” ticked for {id}");
                }
            }
        }
        Ok(())
    }

    /// `N` in “N/M báo cáo đã được duyệt” on the public home page for 2026.
    async fn approved_on_home(&self) -> Res<u32> {
        self.open("/?year=2026").await?;
        let coverage = self.text(".coverage").await?;
        let (n, rest) = coverage
            .split_once('/')
            .ok_or_else(|| format!("no “N/M” in “{coverage}”"))?;
        assert!(rest.contains("báo cáo đã được duyệt"), "coverage line: “{coverage}”");
        Ok(n.trim().parse()?)
    }
}
