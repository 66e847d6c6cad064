//! Every kind of page on a 390 × 844 phone screen, in headless Chromium:
//! screenshots kept under the target directory (`phone-screenshots/`), and
//! checked in the browser, as laid out:
//! - no visible text under 12 px (SVG text by its size on screen),
//! - no table cell shown as a card without its column's name,
//! - nothing wider than the screen,
//! - the header at most 140 px high (with the plan and sample banners,
//!   120 px), its links and every button at least
//!   44 px high, and a skip link to the main content.
//!
//! The public dashboard and a ward's form are printed to PDF and read back.
//!
//! Runs only with `XHHT_BROWSER_TESTS=1` (see `browser_support`).

mod browser_support;

use std::path::{Path, PathBuf};

use browser_support::{Browser, PHONE, Res};
use fantoccini::Client;
use serde::Deserialize;

const YEAR: i32 = 2025;

#[tokio::test(flavor = "multi_thread")]
async fn every_page_reads_on_a_phone() {
    if browser_support::enabled() {
        browser_support::run_on_phone("web_phone_layout", "phone layout of every page kind", PHONE, walk).await;
    }
}

/// An account's name and password.
type Account = (&'static str, &'static str);

/// Who looks at which pages: (account, or none; pages).
fn tour(indicator: &str, unit: &str) -> Vec<(Option<Account>, Vec<String>)> {
    let y = YEAR;
    vec![
        (
            None,
            vec![
                format!("/cong-khai?year={y}"),
                format!("/cong-khai/chi-tieu/{indicator}?year={y}"),
                format!("/cong-khai/don-vi/{unit}?year={y}"),
                format!("/cong-khai/so-sanh?year={y}"),
                "/ke-hoach".into(),
                "/tro-giup".into(),
                "/login".into(),
            ],
        ),
        (
            Some(("vinhphuc", "xhht-demo")),
            vec![
                format!("/?year={y}"),
                format!("/reports/2026/{unit}"),
                "/account".into(),
            ],
        ),
        (
            Some(("chuyenvien", "xhht-demo")),
            vec![
                "/review/2026".into(),
                "/review/2026?state=all".into(),
                format!("/chi-tieu/{indicator}?year={y}"),
                format!("/review/{y}/bao-cao?loai=nam"),
                format!("/review/{y}/bao-cao/xem-truoc?loai=nam"),
            ],
        ),
        (Some(("lanhdao", "xhht-demo")), vec![format!("/lanh-dao/{y}")]),
        (Some(("admin", "admin")), vec!["/admin/users".into()]),
    ]
}

async fn walk(c: Client, base: String, _dir: PathBuf) -> Res {
    let b = Browser { c, base };
    let shots = browser_support::kept_dir("phone-screenshots");
    let mut problems = Vec::new();
    let mut checked = 0;
    // The plans to pick: the other plan's home shows the estimated history.
    b.open("/ke-hoach").await?;
    let other_plans: Vec<String> = b
        .js("return [...document.querySelectorAll('a[href^=\"/?plan=\"]')].map(a => a.getAttribute('href'))")
        .await?;
    for (who, pages) in tour("literacy_rate_15_60", "00006") {
        if let Some((user, password)) = who {
            b.login_with(user, password).await?;
        }
        for path in &pages {
            checked += 1;
            problems.extend(check(&b, path, &shots).await?);
        }
        if who.is_some() {
            b.logout().await?;
        }
    }
    for path in other_plans.iter().skip(1) {
        checked += 1;
        problems.extend(check(&b, path, &shots).await?);
    }
    // The report form empty, as the reviewer sees a unit that has not started.
    b.login("chuyenvien").await?;
    let empty = b.form_not_started(2026).await?;
    checked += 1;
    problems.extend(check(&b, &empty, &shots).await?);
    b.logout().await?;
    let dashboard = Printed {
        path: format!("/cong-khai?year={YEAR}"),
        file: "print-cong-khai.pdf",
        shown: &["Kết quả thực hiện các chỉ tiêu", "Trang lập ngày", "Tình trạng"],
        hidden: &["Đăng nhập", "Bỏ qua đến nội dung chính", "So sánh các phường"],
    };
    problems.extend(printed(&b, &dashboard, &shots).await?);
    // The ward's form: its figures, not its buttons or the Excel box.
    b.login("vinhphuc").await?;
    let form = Printed {
        path: "/reports/2026/00006".into(),
        file: "print-bao-cao.pdf",
        shown: &["Báo cáo năm 2026", "Trang lập ngày", "Giải trình các cảnh báo"],
        hidden: &[
            "Lưu nháp",
            "Làm báo cáo bằng Excel",
            "Đăng xuất",
            "Trợ giúp",
            "Xem thêm",
        ],
    };
    problems.extend(printed(&b, &form, &shots).await?);
    // The form sent back with errors: the summaries at the top, the messages by the fields.
    b.type_impossible_literacy().await?;
    b.type_into("v_pop_15_plus", "mười hai").await?;
    b.send_report().await?;
    checked += 1;
    problems.extend(inspect(&b, "/reports/2026/00006 sent with errors", &shots).await?);
    b.logout().await?;
    if problems.is_empty() {
        xhht_storage::test_support::say_uncaptured(&format!(
            "{checked} pages read well at {}×{} px; screenshots in {}\n",
            PHONE.0,
            PHONE.1,
            shots.display()
        ));
        Ok(())
    } else {
        Err(format!(
            "{} problems at {}×{} px:\n{}\n(screenshots in {})",
            problems.len(),
            PHONE.0,
            PHONE.1,
            problems.join("\n"),
            shots.display()
        )
        .into())
    }
}

/// What the page looks like, measured in the browser.
#[derive(Deserialize)]
struct Measured {
    width: f64,
    scroll_width: f64,
    header: f64,
    above_main: f64,
    small_text: Vec<String>,
    unlabelled: Vec<String>,
    small_targets: Vec<String>,
    /// The innermost elements that reach past the screen's right edge.
    wide: Vec<String>,
    skip_link: bool,
    cards: usize,
    charts: usize,
}

/// The measuring script: returns a `Measured`.
const MEASURE: &str = r#"
const visible = el => {
  for (let e = el; e && e.nodeType === 1; e = e.parentElement) {
    const cs = getComputedStyle(e);
    if (cs.display === 'none' || cs.visibility === 'hidden') return false;
  }
  const r = el.getBoundingClientRect();
  return r.width > 1 && r.height > 1;
};
const say = el => (el.innerText || el.textContent || '').trim().replace(/\s+/g, ' ').slice(0, 60);
const small_text = [];
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
for (let n = walker.nextNode(); n; n = walker.nextNode()) {
  const el = n.parentElement;
  if (!n.textContent.trim() || !el || el.closest('title, desc, script, style, option')) continue;
  if (!visible(el)) continue;
  let px = parseFloat(getComputedStyle(el).fontSize);
  const ctm = el instanceof SVGElement && el.getScreenCTM();
  if (ctm) px *= Math.hypot(ctm.a, ctm.b); // rotated text too
  if (px < 11.95) small_text.push(`${px.toFixed(1)} px: “${n.textContent.trim().slice(0, 40)}”`);
}
const unlabelled = [];
let cards = 0;
for (const cell of document.querySelectorAll('tbody td, tbody th')) {
  if (!visible(cell) || getComputedStyle(cell).display === 'table-cell') continue;
  cards++;
  const titled = cell.matches('.name, .num, th[scope=row], [colspan]');
  if (!titled && !(cell.getAttribute('data-label') || '').trim() && say(cell))
    unlabelled.push(`“${say(cell)}” in “${say(cell.closest('tr'))}”`);
}
const small_targets = [];
for (const t of document.querySelectorAll('header a, header button, nav a, button, summary')) {
  if (!visible(t)) continue;
  const r = t.getBoundingClientRect();
  if (r.height < 43.5) small_targets.push(`${say(t) || t.outerHTML.slice(0, 60)}: ${r.height.toFixed(0)} px`);
}
const wide = [...document.querySelectorAll('body *')].filter(e => visible(e) && e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
  .filter(e => { for (let p = e.parentElement; p; p = p.parentElement) if (['auto', 'scroll'].includes(getComputedStyle(p).overflowX)) return false; return true; })
  .filter(e => ![...e.children].some(k => visible(k) && k.getBoundingClientRect().right > document.documentElement.clientWidth + 1))
  .slice(0, 3).map(e => `${e.tagName.toLowerCase()}.${e.className} “${say(e)}”`);
const main = document.querySelector('main');
const skip = document.querySelector('a.skip');
// Focused (as by the first Tab), the skip link comes on screen with a visible ring.
skip && skip.focus();
const ring = skip && getComputedStyle(skip);
const skip_shown = !!skip && skip.getBoundingClientRect().left >= 0 && ring.outlineStyle !== 'none' && parseFloat(ring.outlineWidth) >= 2;
skip && skip.blur();
return {
  width: document.documentElement.clientWidth,
  scroll_width: document.documentElement.scrollWidth,
  header: document.querySelector('header').getBoundingClientRect().height,
  above_main: main.getBoundingClientRect().top + window.scrollY,
  small_text, unlabelled, small_targets, wide,
  skip_link: skip_shown && skip.getAttribute('href') === '#' + main.id && skip === document.querySelector('body a'),
  cards,
  charts: [...document.querySelectorAll('figure.chart svg')].filter(visible).length,
};
"#;

/// A page to print, where to keep the PDF, and words it must and must not show.
struct Printed {
    path: String,
    file: &'static str,
    shown: &'static [&'static str],
    hidden: &'static [&'static str],
}

/// Opens `path`, keeps two screenshots (the top, and the first table or
/// chart), and says what is wrong with the page on a phone.
async fn check(b: &Browser, path: &str, shots: &Path) -> Res<Vec<String>> {
    b.open(path).await?;
    inspect(b, path, shots).await
}

/// Keeps the screenshots of the page the browser shows and says what is
/// wrong with it on a phone; `page` names it (and its screenshots).
async fn inspect(b: &Browser, page: &str, shots: &Path) -> Res<Vec<String>> {
    let path = page;
    let name: String = path
        .trim_start_matches('/')
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { '-' })
        .collect();
    let name = if name.is_empty() { "home".into() } else { name };
    b.screenshot(&shots.join(format!("{name}.png"))).await?;
    let scrolled: bool = b
        .js("const e = document.querySelector('main table, main figure'); if (e) { e.scrollIntoView(); } return !!e;")
        .await?;
    if scrolled {
        b.screenshot(&shots.join(format!("{name}-2.png"))).await?;
    }
    let m: Measured = b.js(MEASURE).await?;
    assert!(
        m.width <= f64::from(PHONE.0),
        "the page is laid out {} px wide, not as on a phone",
        m.width
    );
    let mut out = Vec::new();
    let mut fail = |what: String| out.push(format!("{path}: {what}"));
    if m.scroll_width > m.width + 1.0 {
        fail(format!(
            "{} px of content on a {} px screen: {}",
            m.scroll_width,
            m.width,
            m.wide.join("; ")
        ));
    }
    if m.header > 140.0 {
        fail(format!("the header is {} px high", m.header));
    }
    if m.above_main > 120.0 {
        fail(format!(
            "the header and banners take {} px before the content",
            m.above_main
        ));
    }
    if !m.skip_link {
        fail("no skip link first in the page, on screen with a focus ring when focused".into());
    }
    for t in m.small_text {
        fail(format!("text under 12 px: {t}"));
    }
    for u in m.unlabelled {
        fail(format!("a card value without its label: {u}"));
    }
    for t in m.small_targets {
        fail(format!("tap target under 44 px: {t}"));
    }
    if path.contains("/chi-tieu/") && m.charts == 0 {
        fail("no chart shown".into());
    }
    xhht_storage::test_support::say_uncaptured(&format!(
        "{path}: header {:.0} px, content starts at {:.0} px, {} card cells, {} charts\n",
        m.header, m.above_main, m.cards, m.charts
    ));
    Ok(out)
}

/// Prints `path` to PDF (kept beside the screenshots) and, when
/// `pdftotext` is installed, reads it back: the page's title, heading
/// and date are printed; the header's links, the skip link and the
/// year picker are not.
async fn printed(b: &Browser, p: &Printed, shots: &Path) -> Res<Vec<String>> {
    let path = &p.path;
    b.open(path).await?;
    let Some(text) = b.print_to_pdf(&shots.join(p.file)).await? else {
        return Ok(Vec::new());
    };
    let mut problems = Vec::new();
    for shown in p.shown {
        if !text.contains(shown) {
            problems.push(format!("{path} printed: “{shown}” missing"));
        }
    }
    for hidden in p.hidden {
        if text.contains(hidden) {
            problems.push(format!("{path} printed: “{hidden}” should not print"));
        }
    }
    Ok(problems)
}
