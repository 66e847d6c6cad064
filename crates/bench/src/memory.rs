//! The server's own resident memory, as a separate `xhht serve` process on
//! the demo: idle after start, after a round of pages, and after wrk at 50
//! connections; nginx serving the saved public page is the anchor, measured
//! the same way in the same run.
//!
//! The other sections run the server inside the bench process, whose memory
//! also holds the national fixture; this one reads only the server's.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use anyhow::{Context, bail};

use crate::http::{fetch, free_port, need, start_nginx, wrk};

/// Resident memory of one process (and, for nginx, its workers), in KiB.
#[derive(Debug, Clone, Copy, Default)]
pub struct Rss {
    pub total_kb: u64,
    pub anon_kb: u64,
}

pub struct MemoryReport {
    pub xhht: [Rss; 3],
    pub nginx: [Rss; 3],
    pub seconds: u32,
    pub connections: u32,
    pub rps: f64,
}

const PAGES: [&str; 6] = [
    "/cong-khai",
    "/cong-khai?year=2024",
    "/cong-khai?year=2023",
    "/login",
    "/ke-hoach",
    "/healthz",
];

pub fn run(seconds: u32, connections: u32) -> anyhow::Result<MemoryReport> {
    need("wrk")?;
    need("nginx")?;
    let xhht = sibling_binary("xhht")?;
    let dir = std::env::temp_dir().join(format!("xhht-bench-memory-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("www"))?;
    let db = format!("sqlite:{}", dir.join("demo.sqlite").display());
    let made = Command::new(&xhht)
        .args(["demo", "--no-serve", "--database-url", &db])
        .stdout(Stdio::null())
        .status()
        .context("xhht demo")?;
    if !made.success() {
        bail!("xhht demo --no-serve failed");
    }
    let port = free_port()?;
    let mut server = Command::new(&xhht)
        .args(["serve", "--database-url", &db, "--listen", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .context("xhht serve")?;
    let base = format!("http://127.0.0.1:{port}");
    let measured = measure_server(&server, &base, &dir, seconds, connections);
    let _ = server.kill();
    let _ = server.wait();
    let _ = std::fs::remove_dir_all(&dir);
    measured
}

fn measure_server(
    server: &Child,
    base: &str,
    dir: &Path,
    seconds: u32,
    connections: u32,
) -> anyhow::Result<MemoryReport> {
    wait_until_up(&format!("{base}/healthz"))?;
    std::thread::sleep(Duration::from_secs(3));
    let idle = rss(&[server.id()])?;
    for page in PAGES {
        fetch(&format!("{base}{page}"))?;
    }
    let paged = rss(&[server.id()])?;
    let load = wrk("XHHT /cong-khai", &format!("{base}/cong-khai"), seconds, connections)?;
    let loaded = rss(&[server.id()])?;
    std::fs::write(dir.join("www/cong-khai.html"), fetch(&format!("{base}/cong-khai"))?)?;
    let nginx_port = free_port()?;
    let mut nginx = start_nginx(dir, nginx_port)?;
    let nginx_url = format!("http://127.0.0.1:{nginx_port}/cong-khai");
    let anchor = (|| {
        wait_until_up(&nginx_url)?;
        std::thread::sleep(Duration::from_secs(1));
        let group = || -> anyhow::Result<Vec<u32>> { Ok([vec![nginx.id()], children(nginx.id())].concat()) };
        let idle = rss(&group()?)?;
        fetch(&nginx_url)?;
        let paged = rss(&group()?)?;
        wrk("nginx", &nginx_url, seconds, connections)?;
        Ok::<_, anyhow::Error>([idle, paged, rss(&group()?)?])
    })();
    let _ = nginx.kill();
    let _ = nginx.wait();
    Ok(MemoryReport {
        xhht: [idle, paged, loaded],
        nginx: anchor?,
        seconds,
        connections,
        rps: load.rps,
    })
}

/// A program built beside this one (`target/release/xhht`).
fn sibling_binary(name: &str) -> anyhow::Result<PathBuf> {
    let path = std::env::current_exe()?.with_file_name(name);
    if !path.exists() {
        bail!(
            "{} not found: build it first (cargo build --release -p xhht)",
            path.display()
        );
    }
    Ok(path)
}

fn wait_until_up(url: &str) -> anyhow::Result<()> {
    for _ in 0..600 {
        if fetch(url).is_ok() {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    bail!("{url} did not answer within a minute")
}

/// Summed VmRSS and RssAnon of `pids` from /proc.
fn rss(pids: &[u32]) -> anyhow::Result<Rss> {
    let mut out = Rss::default();
    for pid in pids {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).context("read /proc status")?;
        let field = |name: &str| -> u64 {
            status
                .lines()
                .find(|l| l.starts_with(name))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
                .unwrap_or(0)
        };
        out.total_kb += field("VmRSS:");
        out.anon_kb += field("RssAnon:");
    }
    Ok(out)
}

fn children(pid: u32) -> Vec<u32> {
    std::fs::read_to_string(format!("/proc/{pid}/task/{pid}/children"))
        .unwrap_or_default()
        .split_whitespace()
        .filter_map(|p| p.parse().ok())
        .collect()
}

impl MemoryReport {
    /// The BENCHMARKS.md section.
    pub fn section(&self) -> String {
        let mb = |kb: u64| kb as f64 / 1024.0;
        let mut s = String::from("## Server memory against nginx (same run)\n\n");
        s.push_str(&format!(
            "A separate `xhht serve` process (release build) on a fresh demo database (SQLite), read from `/proc/PID/status` (VmRSS, and RssAnon: the heap and stacks, without the mapped binary): 3 s after start, after {} anonymous pages, and after `wrk -t2 -c{} -d{}s` on `/cong-khai` ({:.0} req/s). The anchor is nginx-light (master and 2 workers summed) serving the saved page, measured at the same points.\n\n",
            PAGES.len(),
            self.connections,
            self.seconds,
            self.rps
        ));
        s.push_str("| point | XHHT RSS | XHHT anonymous | nginx RSS | nginx anonymous |\n|---|---|---|---|---|\n");
        for (i, point) in ["idle after start", "after the pages", "after wrk"].iter().enumerate() {
            let (x, n) = (self.xhht[i], self.nginx[i]);
            s.push_str(&format!(
                "| {point} | {:.1} MB | {:.1} MB | {:.1} MB | {:.1} MB |\n",
                mb(x.total_kb),
                mb(x.anon_kb),
                mb(n.total_kb),
                mb(n.anon_kb)
            ));
        }
        let idle = mb(self.xhht[0].total_kb);
        s.push_str(&format!(
            "\nTarget: ≤ 30 MB idle. This run: **{idle:.1} MB** ({}).\n",
            if idle <= 30.0 { "met" } else { "not met" }
        ));
        s
    }
}
