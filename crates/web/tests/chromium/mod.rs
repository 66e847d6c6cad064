//! Headless Chromium over WebDriver for the browser tests: find the
//! programs, start chromedriver on a free port, open a session. (The same
//! harness `browser.rs` carries inline; new browser tests use this one.)
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{Ipv4Addr, TcpListener as StdListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::wd::Capabilities;
use fantoccini::{Client, ClientBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;

pub const GATE_VAR: &str = "XHHT_BROWSER_TESTS";
pub const TIMEOUT: Duration = Duration::from_secs(20);
pub const POLL: Duration = Duration::from_millis(50);

/// Whether browser tests are asked for (`XHHT_BROWSER_TESTS=1`).
pub fn enabled() -> bool {
    std::env::var(GATE_VAR).is_ok_and(|v| v == "1")
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

/// A browser session and the chromedriver behind it; `close` ends both.
pub struct Session {
    pub client: Client,
    driver: Driver,
}

impl Session {
    /// Headless Chromium in Vietnamese; with `phone`, the page is laid out
    /// as on a phone of that CSS size (device metrics, touch, pixel ratio 1).
    pub async fn start(dir: &Path, phone: Option<(u32, u32)>) -> Self {
        let chromium = find_program("XHHT_CHROMIUM", &["chromium", "chromium-browser", "google-chrome"]);
        let chromedriver = find_program("XHHT_CHROMEDRIVER", &["chromedriver"]);
        let driver = Driver::start(&chromedriver, dir);
        let mut options = json!({
            "binary": chromium,
            "args": [
                "--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--lang=vi", "--hide-scrollbars", "--window-size=1280,1000",
                format!("--user-data-dir={}", dir.join("profile").display()),
            ],
        });
        if let Some((width, height)) = phone {
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
        Session { client, driver }
    }

    /// Ends the browser (killing chromedriver alone would leave it running).
    pub async fn close(self) {
        let _ = tokio::time::timeout(TIMEOUT, self.client.close()).await;
        drop(self.driver);
    }
}

/// A temporary directory for the browser profile and logs; the profile
/// goes when dropped, the logs stay.
pub struct Scratch {
    pub path: PathBuf,
}

impl Scratch {
    pub fn new(name: &str) -> Self {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default()
            .subsec_nanos();
        let path = std::env::temp_dir().join(format!("xhht-{name}-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&path).expect("create a temporary directory");
        Self { path }
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
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
        while !answers(port) {
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
}

/// Whether `GET /status` on `port` gets an HTTP 200.
fn answers(port: u16) -> bool {
    let Ok(mut s) = TcpStream::connect((Ipv4Addr::LOCALHOST, port)) else {
        return false;
    };
    let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
    let mut answer = [0u8; 12];
    s.write_all(b"GET /status HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        .and_then(|()| s.read_exact(&mut answer))
        .is_ok_and(|()| answer.starts_with(b"HTTP/1.1 200"))
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
