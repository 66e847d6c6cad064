//! What the browser tests share: Chromium driven over WebDriver by
//! chromedriver, the app on a fresh demo database, a `Browser` with the
//! steps a person takes (on a desktop screen or an emulated phone), the
//! screenshots and printed pages it keeps, and the axe-core check of a
//! page (`axe`).
//!
//! Runs only with `XHHT_BROWSER_TESTS=1`, and then needs `chromium` (or
//! `chromium-browser` / `google-chrome`) and a matching `chromedriver` on the
//! PATH (or their paths in `XHHT_CHROMIUM` / `XHHT_CHROMEDRIVER`).
#![allow(dead_code)]

pub mod axe;

use std::future::Future;
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

pub const GATE_VAR: &str = "XHHT_BROWSER_TESTS";
/// Longest wait for a page, an element or the driver.
pub const TIMEOUT: Duration = Duration::from_secs(20);
pub const POLL: Duration = Duration::from_millis(50);
pub const DESKTOP: (u32, u32) = (1280, 1000);
pub const PHONE: (u32, u32) = (390, 844);

pub type Res<T = ()> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

/// Whether the browser tests are on; says so when they are skipped.
pub fn enabled() -> bool {
    let on = std::env::var(GATE_VAR).is_ok_and(|v| v == "1");
    if !on {
        xhht_storage::test_support::say_uncaptured(
            "SKIPPED: browser test (set XHHT_BROWSER_TESTS=1 with chromium and chromedriver installed)\n",
        );
    }
    on
}

/// Runs `steps` in Chromium against the app on a fresh SQLite database
/// named `db` with the demo data; `name` names the run in messages. A
/// failure keeps a screenshot and the page's HTML in the scratch directory.
pub async fn run<F, Fut>(db: &str, name: &str, steps: F)
where
    F: FnOnce(Client, String, PathBuf) -> Fut,
    Fut: Future<Output = Res> + Send + 'static,
{
    run_on(db, name, None, |_| {}, steps).await;
}

/// [`run`], with the app's state set up by `configure` first (a mailer, a
/// fixed day).
pub async fn run_with<F, Fut>(db: &str, name: &str, configure: impl FnOnce(&mut xhht_web::AppState), steps: F)
where
    F: FnOnce(Client, String, PathBuf) -> Fut,
    Fut: Future<Output = Res> + Send + 'static,
{
    run_on(db, name, None, configure, steps).await;
}

/// `run` on a phone of `screen` CSS pixels: Chromium's device emulation
/// (touch, pixel ratio 1, no scrollbars), so the page is laid out as a
/// phone lays it out, not merely in a narrow window.
pub async fn run_on_phone<F, Fut>(db: &str, name: &str, screen: (u32, u32), steps: F)
where
    F: FnOnce(Client, String, PathBuf) -> Fut,
    Fut: Future<Output = Res> + Send + 'static,
{
    run_on(db, name, Some(screen), |_| {}, steps).await;
}

async fn run_on<F, Fut>(
    db: &str,
    name: &str,
    phone: Option<(u32, u32)>,
    configure: impl FnOnce(&mut xhht_web::AppState),
    steps: F,
) where
    F: FnOnce(Client, String, PathBuf) -> Fut,
    Fut: Future<Output = Res> + Send + 'static,
{
    let started = Instant::now();
    let chromium = find_program("XHHT_CHROMIUM", &["chromium", "chromium-browser", "google-chrome"]);
    let chromedriver = find_program("XHHT_CHROMEDRIVER", &["chromedriver"]);
    let scratch = Scratch::new();

    // The app, on a fresh SQLite database with the demo data.
    let store = xhht_storage::test_support::sqlite(db).await;
    xhht_sample::load_demo(&store, xhht_sample::SEED).await.unwrap();
    let mut state = xhht_web::AppState::load(store).await.unwrap();
    configure(&mut state);
    let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let server = tokio::spawn(xhht_web::serve(state, listener));

    // The driver and the browser.
    let driver = Driver::start(&chromedriver, &scratch.path);
    let mut options = json!({
        "binary": chromium,
        "args": [
            "--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
            "--no-first-run", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--lang=vi",
            format!("--window-size={},{}", DESKTOP.0, DESKTOP.1),
            format!("--user-data-dir={}", scratch.path.join("profile").display()),
        ],
    });
    if let Some((width, height)) = phone {
        options["args"]
            .as_array_mut()
            .expect("the args list")
            .push(json!("--hide-scrollbars"));
        options["mobileEmulation"] = json!({
            "deviceMetrics": { "width": width, "height": height, "pixelRatio": 1.0, "touch": true },
        });
    }
    let mut caps = Capabilities::new();
    caps.insert("browserName".into(), json!("chrome"));
    caps.insert("goog:chromeOptions".into(), options);
    let client = ClientBuilder::new(HttpConnector::new())
        .capabilities(caps)
        .connect(&driver.url)
        .await
        .unwrap_or_else(|e| panic!("start a Chromium session through chromedriver at {}: {e}", driver.url));

    // The journey runs in its own task so that a failed assertion still lets
    // us keep evidence and close the browser before reporting it.
    let outcome = tokio::spawn(steps(client.clone(), base, scratch.path.clone())).await;
    if !matches!(outcome, Ok(Ok(()))) {
        let _ = tokio::time::timeout(TIMEOUT, keep_evidence(&client, &scratch.path)).await;
    }
    // Ends the browser; killing chromedriver alone would leave it running.
    let _ = tokio::time::timeout(TIMEOUT, client.close()).await;
    drop(driver);
    server.abort();
    match outcome {
        Ok(Ok(())) => xhht_storage::test_support::say_uncaptured(&format!(
            "{name} passed in {:.1} s\n",
            started.elapsed().as_secs_f64()
        )),
        Ok(Err(e)) => panic!("{name} failed: {e} (evidence in {})", scratch.path.display()),
        Err(e) => {
            xhht_storage::test_support::say_uncaptured(&format!(
                "{name} failed, evidence in {}\n",
                scratch.path.display()
            ));
            std::panic::resume_unwind(e.into_panic())
        }
    }
}

/// The browser, with the app's address.
pub struct Browser {
    pub c: Client,
    pub base: String,
}

impl Browser {
    pub async fn open(&self, path: &str) -> Res {
        self.c.goto(&format!("{}{path}", self.base)).await?;
        self.c
            .wait()
            .at_most(TIMEOUT)
            .for_element(Locator::Css("footer"))
            .await?;
        Ok(())
    }

    pub async fn path(&self) -> Res<String> {
        Ok(self.c.current_url().await?.path().to_string())
    }

    pub async fn js<T: serde::de::DeserializeOwned>(&self, script: &str) -> Res<T> {
        Ok(serde_json::from_value(self.c.execute(script, vec![]).await?)?)
    }

    pub async fn find(&self, css: &str) -> Res<Element> {
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

    pub async fn all(&self, css: &str) -> Res<Vec<Element>> {
        Ok(self.c.find_all(Locator::Css(css)).await?)
    }

    pub async fn text(&self, css: &str) -> Res<String> {
        Ok(self.find(css).await?.text().await?.trim().to_string())
    }

    pub async fn value(&self, id: &str) -> Res<String> {
        Ok(self
            .find(&format!("#{id}"))
            .await?
            .prop("value")
            .await?
            .unwrap_or_default())
    }

    /// Keeps a screenshot of what the browser shows as `file`.
    pub async fn screenshot(&self, file: &Path) -> Res {
        std::fs::write(file, self.c.screenshot().await?)?;
        Ok(())
    }

    /// Prints the page to PDF into `file` and reads its text back with
    /// `pdftotext`; `None` when `pdftotext` is not installed.
    pub async fn print_to_pdf(&self, file: &Path) -> Res<Option<String>> {
        let pdf = self.c.print(fantoccini::wd::PrintConfiguration::default()).await?;
        std::fs::write(file, &pdf)?;
        let Ok(out) = Command::new("pdftotext")
            .args(["-layout", &file.to_string_lossy(), "-"])
            .output()
        else {
            xhht_storage::test_support::say_uncaptured("pdftotext not installed: the printed page is kept, not read\n");
            return Ok(None);
        };
        Ok(Some(String::from_utf8_lossy(&out.stdout).into_owned()))
    }

    /// The path of the first form on the reviewer's list for `year` whose
    /// unit has not started its report (needs a reviewer logged in).
    pub async fn form_not_started(&self, year: i32) -> Res<String> {
        self.open(&format!("/review/{year}")).await?;
        let path: String = self
            .js("const row = [...document.querySelectorAll('tr')].find(r => r.innerText.includes('Chưa báo cáo') && r.querySelector('a[href^=\"/reports/\"]'));
                 return row ? row.querySelector('a[href^=\"/reports/\"]').getAttribute('href') : '';")
            .await?;
        if path.is_empty() {
            return Err(format!("the review list of {year} shows no unit that has not started").into());
        }
        Ok(path)
    }

    /// Types into the open report form more literate people (9 500) than
    /// people aged 15–60 (9 000): sent, the form comes back with an error.
    pub async fn type_impossible_literacy(&self) -> Res {
        self.type_into("v_pop_15_60", "9.000").await?;
        self.type_into("v_literate_15_60", "9.500").await
    }

    /// Sends the open report form (its “Gửi báo cáo” button).
    pub async fn send_report(&self) -> Res {
        self.click_and_load("button[name=action][value=submit]").await
    }

    /// The state badge of the report page.
    pub async fn state(&self) -> Res<String> {
        self.text(".report-head .state").await
    }

    /// What the page shows as alerts and error lists, for failure messages.
    pub async fn problems(&self) -> String {
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
    pub async fn type_into(&self, id: &str, text: &str) -> Res {
        let field = self.find(&format!("#{id}")).await?;
        field.clear().await?;
        field.send_keys(text).await?;
        assert_eq!(field.prop("value").await?.unwrap_or_default(), text, "typed into #{id}");
        Ok(())
    }

    /// Clicks a button that leaves the page, and waits for the next page to load.
    pub async fn click_and_load(&self, css: &str) -> Res {
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

    /// Logs in a demo account with the demo password.
    pub async fn login(&self, username: &str) -> Res {
        self.login_with(username, "xhht-demo").await
    }

    pub async fn login_with(&self, username: &str, password: &str) -> Res {
        self.open("/login").await?;
        self.type_into("username", username).await?;
        self.type_into("password", password).await?;
        self.click_and_load("form[action='/login'] button[type=submit]").await?;
        // Visible text: "Đăng xuất" on a wide screen; on a phone the header
        // keeps "Tài khoản" (the page that holds "Đăng xuất").
        let who = self.text("header .who").await?;
        assert!(
            who.contains("Đăng xuất") || (who.contains("Tài khoản") && !who.contains("Đăng nhập")),
            "{username} is logged in: “{who}” {}",
            self.problems().await
        );
        Ok(())
    }

    /// Logs out by the header's button, or on a phone by the one on the
    /// account page the header links to.
    pub async fn logout(&self) -> Res {
        let in_header: bool = self
            .js("return document.querySelector(\"header form[action='/logout']\")?.offsetParent != null")
            .await?;
        if in_header {
            self.click_and_load("header form[action='/logout'] button").await?;
        } else {
            self.click_and_load("header a[href='/account']").await?;
            self.click_and_load("main form[action='/logout'] button").await?;
        }
        let who = self.text("header .who").await?;
        assert!(
            who.contains("Đăng nhập") && !who.contains("Đăng xuất"),
            "logged out: “{who}”"
        );
        Ok(())
    }
}

/// `target/<name>` (beside the test binary's `debug` directory), created:
/// where screenshots and printed pages are kept for people to look at.
pub fn kept_dir(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary's path");
    let target = exe
        .ancestors()
        .nth(3)
        .map_or_else(std::env::temp_dir, Path::to_path_buf);
    let dir = target.join(name);
    std::fs::create_dir_all(&dir).expect("create a directory for kept screenshots");
    dir
}

/// A screenshot and the HTML of the page where the journey stopped.
pub async fn keep_evidence(c: &Client, dir: &Path) {
    if let Ok(png) = c.screenshot().await {
        let _ = std::fs::write(dir.join("failure.png"), png);
    }
    if let Ok(html) = c.source().await {
        let url = c.current_url().await.map_or_else(|_| "?".into(), |u| u.to_string());
        let _ = std::fs::write(dir.join("failure.html"), format!("<!-- {url} -->\n{html}"));
    }
}

/// A program named by `var`, or the first of `names` on the PATH.
pub fn find_program(var: &str, names: &[&str]) -> PathBuf {
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
pub struct Scratch {
    pub path: PathBuf,
}

impl Scratch {
    pub fn new() -> Self {
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
pub struct Driver {
    child: Child,
    pub url: String,
}

impl Driver {
    pub fn start(program: &Path, dir: &Path) -> Self {
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

/// On a form sent back with errors: the summary's first link to a field,
/// tapped, puts the cursor in that field and shows it on screen below the
/// list of parts (Chrome only scrolls to a fragment; `report.js` focuses).
/// Keeps screenshots in `dir`.
pub async fn error_summary_link_focuses_its_field(b: &Browser, dir: &Path) -> Res {
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
    let deadline = std::time::Instant::now() + TIMEOUT;
    let focused = loop {
        let active: String = b
            .js("return document.activeElement ? document.activeElement.id : ''")
            .await?;
        if active == id || std::time::Instant::now() > deadline {
            break active;
        }
        tokio::time::sleep(POLL).await;
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
