//! One end-to-end journey in a real browser (headless Chromium driven over
//! WebDriver): a ward fills in and submits its yearly report, the reviewer
//! returns it with a comment, the ward fixes it, the reviewer approves it, and
//! the public home page counts it.
//!
//! Runs only with `XHHT_BROWSER_TESTS=1`, and then needs `chromium` (or
//! `chromium-browser` / `google-chrome`) and a matching `chromedriver` on the
//! PATH (or their paths in `XHHT_CHROMIUM` / `XHHT_CHROMEDRIVER`).

use std::io::Write;
use std::net::{Ipv4Addr, TcpListener as StdListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::wd::Capabilities;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;
use xhht_domain::plan::{ValueType, builtin};

const GATE_VAR: &str = "XHHT_BROWSER_TESTS";
const FORM: &str = "/reports/2026/00006"; // Vĩnh Phúc: a 2026 draft in the sample
const UNIT: &str = "00006";
const COMMENT: &str = "Kiểm tra lại số người biết chữ";
/// Longest wait for a page, an element or the driver.
const TIMEOUT: Duration = Duration::from_secs(20);
const POLL: Duration = Duration::from_millis(50);
const DESKTOP: (u32, u32) = (1280, 1000);
const PHONE: (u32, u32) = (390, 844);

type Res<T = ()> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

#[tokio::test(flavor = "multi_thread")]
async fn a_ward_report_goes_from_draft_to_approved_in_a_browser() {
    if std::env::var(GATE_VAR).is_ok_and(|v| v == "1") {
        run().await;
    } else {
        xhht_storage::test_support::say_uncaptured(
            "SKIPPED: browser test (set XHHT_BROWSER_TESTS=1 with chromium and chromedriver installed)\n",
        );
    }
}

async fn run() {
    let started = Instant::now();
    let chromium = find_program("XHHT_CHROMIUM", &["chromium", "chromium-browser", "google-chrome"]);
    let chromedriver = find_program("XHHT_CHROMEDRIVER", &["chromedriver"]);
    let scratch = Scratch::new();

    // The app, on a fresh SQLite database with the demo data.
    let store = xhht_storage::test_support::sqlite("web_browser_journey").await;
    xhht_sample::load_demo(&store, xhht_sample::SEED).await.unwrap();
    let state = xhht_web::AppState::load(store).await.unwrap();
    let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let server = tokio::spawn(xhht_web::serve(state, listener));

    // The driver and the browser.
    let driver = Driver::start(&chromedriver, &scratch.path);
    let mut caps = Capabilities::new();
    caps.insert("browserName".into(), json!("chrome"));
    caps.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": chromium,
            "args": [
                "--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--lang=vi",
                format!("--window-size={},{}", DESKTOP.0, DESKTOP.1),
                format!("--user-data-dir={}", scratch.path.join("profile").display()),
            ],
        }),
    );
    let client = ClientBuilder::new(HttpConnector::new())
        .capabilities(caps)
        .connect(&driver.url)
        .await
        .unwrap_or_else(|e| panic!("start a Chromium session through chromedriver at {}: {e}", driver.url));

    // The journey runs in its own task so that a failed assertion still lets
    // us keep evidence and close the browser before reporting it.
    let outcome = tokio::spawn(journey(client.clone(), base, scratch.path.clone())).await;
    if !matches!(outcome, Ok(Ok(()))) {
        let _ = tokio::time::timeout(TIMEOUT, keep_evidence(&client, &scratch.path)).await;
    }
    // Ends the browser; killing chromedriver alone would leave it running.
    let _ = tokio::time::timeout(TIMEOUT, client.close()).await;
    drop(driver);
    server.abort();
    match outcome {
        Ok(Ok(())) => xhht_storage::test_support::say_uncaptured(&format!(
            "browser journey passed in {:.1} s\n",
            started.elapsed().as_secs_f64()
        )),
        Ok(Err(e)) => panic!("browser journey failed: {e} (evidence in {})", scratch.path.display()),
        Err(e) => {
            xhht_storage::test_support::say_uncaptured(&format!(
                "browser journey failed, evidence in {}\n",
                scratch.path.display()
            ));
            std::panic::resume_unwind(e.into_panic())
        }
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
    b.type_into("v_pop_15_60", "9.000").await?;
    b.type_into("v_literate_15_60", "9.500").await?;
    b.click_and_load("button[name=action][value=submit]").await?;
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
    b.click_and_load("button[name=action][value=submit]").await?;
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
    b.click_and_load("button[name=action][value=submit]").await?;
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

/// The browser, with the app's address.
struct Browser {
    c: Client,
    base: String,
}

impl Browser {
    async fn open(&self, path: &str) -> Res {
        self.c.goto(&format!("{}{path}", self.base)).await?;
        self.c
            .wait()
            .at_most(TIMEOUT)
            .for_element(Locator::Css("footer"))
            .await?;
        Ok(())
    }

    async fn path(&self) -> Res<String> {
        Ok(self.c.current_url().await?.path().to_string())
    }

    async fn js<T: serde::de::DeserializeOwned>(&self, script: &str) -> Res<T> {
        Ok(serde_json::from_value(self.c.execute(script, vec![]).await?)?)
    }

    async fn find(&self, css: &str) -> Res<Element> {
        match self.c.wait().at_most(TIMEOUT).for_element(Locator::Css(css)).await {
            Ok(e) => Ok(e),
            Err(e) => {
                let url = self
                    .c
                    .current_url()
                    .await
                    .map_or_else(|_| "?".into(), |u| u.to_string());
                Err(format!("no “{css}” on {url}: {e}").into())
            }
        }
    }

    async fn all(&self, css: &str) -> Res<Vec<Element>> {
        Ok(self.c.find_all(Locator::Css(css)).await?)
    }

    async fn text(&self, css: &str) -> Res<String> {
        Ok(self.find(css).await?.text().await?.trim().to_string())
    }

    async fn value(&self, id: &str) -> Res<String> {
        Ok(self
            .find(&format!("#{id}"))
            .await?
            .prop("value")
            .await?
            .unwrap_or_default())
    }

    /// The state badge of the report page.
    async fn state(&self) -> Res<String> {
        self.text(".report-head .state").await
    }

    /// What the page shows as alerts and error lists, for failure messages.
    async fn problems(&self) -> String {
        let mut out = String::new();
        for css in ["[role=alert]", ".findings"] {
            for e in self.all(css).await.unwrap_or_default() {
                out.push_str(&e.text().await.unwrap_or_default());
                out.push('\n');
            }
        }
        out
    }

    /// Replaces the text of the input or textarea with id `id`, as a person types it.
    async fn type_into(&self, id: &str, text: &str) -> Res {
        let field = self.find(&format!("#{id}")).await?;
        field.clear().await?;
        field.send_keys(text).await?;
        assert_eq!(field.prop("value").await?.unwrap_or_default(), text, "typed into #{id}");
        Ok(())
    }

    /// Clicks a button that leaves the page, and waits for the next page to load.
    async fn click_and_load(&self, css: &str) -> Res {
        let button = self.find(css).await?;
        self.c.execute("window.__xhhtOldPage = true;", vec![]).await?;
        button.click().await?;
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let loaded = self
                .c
                .execute(
                    "return window.__xhhtOldPage !== true && document.readyState === 'complete';",
                    vec![],
                )
                .await;
            // Errors while the old page goes away are expected: poll again.
            if matches!(loaded, Ok(serde_json::Value::Bool(true))) {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err(format!("clicking “{css}” did not load a new page within {TIMEOUT:?}").into());
            }
            tokio::time::sleep(POLL).await;
        }
    }

    async fn login(&self, username: &str) -> Res {
        self.open("/login").await?;
        self.type_into("username", username).await?;
        self.type_into("password", "xhht-demo").await?;
        self.click_and_load("form[action='/login'] button[type=submit]").await?;
        let who = self.text("header .who").await?;
        assert!(
            who.contains("Đăng xuất"),
            "{username} is logged in: “{who}” {}",
            self.problems().await
        );
        Ok(())
    }

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

    async fn logout(&self) -> Res {
        self.click_and_load("form[action='/logout'] button").await?;
        let who = self.text("header .who").await?;
        assert!(
            who.contains("Đăng nhập") && !who.contains("Đăng xuất"),
            "logged out: “{who}”"
        );
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

/// A screenshot and the HTML of the page where the journey stopped.
async fn keep_evidence(c: &Client, dir: &Path) {
    if let Ok(png) = c.screenshot().await {
        let _ = std::fs::write(dir.join("failure.png"), png);
    }
    if let Ok(html) = c.source().await {
        let url = c.current_url().await.map_or_else(|_| "?".into(), |u| u.to_string());
        let _ = std::fs::write(dir.join("failure.html"), format!("<!-- {url} -->\n{html}"));
    }
}

/// A program named by `var`, or the first of `names` on the PATH.
fn find_program(var: &str, names: &[&str]) -> PathBuf {
    if let Some(p) = std::env::var_os(var).filter(|p| !p.is_empty()) {
        let p = PathBuf::from(p);
        assert!(p.is_file(), "{var}={} is not a file", p.display());
        return p;
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    names
        .iter()
        .flat_map(|n| std::env::split_paths(&path).map(move |d| d.join(n)))
        .find(|p| p.is_file())
        .unwrap_or_else(|| {
            panic!(
                "{GATE_VAR}=1 but none of {names:?} is on the PATH (or set {var}): install chromium and chromedriver \
                 (Debian: apt-get install chromium chromium-driver), or unset {GATE_VAR}"
            )
        })
}

/// A temporary directory for the browser profile, screenshots and logs;
/// only the browser profile is removed at the end.
struct Scratch {
    path: PathBuf,
}

impl Scratch {
    fn new() -> Self {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default()
            .subsec_nanos();
        let path = std::env::temp_dir().join(format!("xhht-browser-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&path).expect("create a temporary directory");
        Self { path }
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        // The screenshot (and any evidence of a failure) stays for
        // inspection; the browser profile goes.
        let _ = std::fs::remove_dir_all(self.path.join("profile"));
    }
}

/// chromedriver on a free port, killed when dropped (also on a panic).
struct Driver {
    child: Child,
    url: String,
}

impl Driver {
    fn start(program: &Path, dir: &Path) -> Self {
        let port = StdListener::bind((Ipv4Addr::LOCALHOST, 0))
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let child = Command::new(program)
            .arg(format!("--port={port}"))
            .arg(format!("--log-path={}", dir.join("chromedriver.log").display()))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("start {}: {e}", program.display()));
        let mut driver = Driver {
            child,
            url: format!("http://127.0.0.1:{port}"),
        };
        let deadline = Instant::now() + TIMEOUT;
        while !driver.answers(port) {
            if let Ok(Some(status)) = driver.child.try_wait() {
                panic!(
                    "{} exited at start ({status}); see {}",
                    program.display(),
                    dir.display()
                );
            }
            assert!(Instant::now() < deadline, "chromedriver did not answer on port {port}");
            std::thread::sleep(POLL);
        }
        driver
    }

    /// Whether `GET /status` gets an HTTP answer.
    fn answers(&self, port: u16) -> bool {
        use std::io::Read;
        let Ok(mut s) = TcpStream::connect((Ipv4Addr::LOCALHOST, port)) else {
            return false;
        };
        let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
        let mut answer = [0u8; 12];
        s.write_all(b"GET /status HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            .and_then(|()| s.read_exact(&mut answer))
            .is_ok_and(|()| answer.starts_with(b"HTTP/1.1 200"))
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
