//! Throughput over real sockets, side by side with an anchor in the same
//! run: the public dashboard served by XHHT against nginx serving the very
//! same bytes from a file, both under `wrk -t2 -c50`. Absolute numbers move
//! by tens of percent between runs on a shared machine; the ratio is what
//! BENCHMARKS.md keeps.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use anyhow::{Context, bail};

/// One wrk run: requests per second and latency percentiles.
#[derive(Debug, Clone)]
pub struct Load {
    pub rps: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub errors: u64,
}

pub struct HttpReport {
    pub page: String,
    pub bytes: usize,
    pub seconds: u32,
    pub connections: u32,
    pub runs: Vec<(Load, Load)>,
    pub rss_idle_kb: Option<u64>,
    pub rss_after_kb: Option<u64>,
}

/// Serves the demo's public dashboard and the same bytes through nginx, and
/// loads both with wrk, alternating, `rounds` times.
pub async fn run(seconds: u32, connections: u32, rounds: u32) -> anyhow::Result<HttpReport> {
    need("wrk")?;
    need("nginx")?;
    let dir = std::env::temp_dir().join(format!("xhht-bench-http-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("www"))?;
    let db = format!("sqlite:{}", dir.join("demo.sqlite").display());
    let store = xhht_storage::Store::open(&db).await?;
    xhht_sample::load_reorganised_demo(&store, xhht_sample::SEED).await?;
    let state = xhht_web::AppState::load(store).await?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let app_addr = listener.local_addr()?;
    tokio::spawn(xhht_web::serve(state, listener));
    let page = "/cong-khai?year=2025".to_string();
    let body = fetch(&format!("http://{app_addr}{page}"))?;
    std::fs::write(dir.join("www/cong-khai.html"), &body)?;
    let nginx_port = free_port()?;
    let mut nginx = start_nginx(&dir, nginx_port)?;
    std::thread::sleep(Duration::from_millis(300));
    let same = fetch(&format!("http://127.0.0.1:{nginx_port}/cong-khai"))?;
    if same != body {
        let _ = nginx.kill();
        bail!("nginx does not serve the same bytes");
    }
    let rss_idle_kb = rss_kb();
    let mut runs = Vec::new();
    for _ in 0..rounds {
        let anchor = wrk(
            "nginx, the same bytes from a file",
            &format!("http://127.0.0.1:{nginx_port}/cong-khai"),
            seconds,
            connections,
        )?;
        let ours = wrk(
            "XHHT /cong-khai",
            &format!("http://{app_addr}{page}"),
            seconds,
            connections,
        )?;
        runs.push((ours, anchor));
    }
    let rss_after_kb = rss_kb();
    let _ = nginx.kill();
    let _ = nginx.wait();
    let _ = std::fs::remove_dir_all(&dir);
    Ok(HttpReport {
        page,
        bytes: body.len(),
        seconds,
        connections,
        runs,
        rss_idle_kb,
        rss_after_kb,
    })
}

pub fn need(cmd: &str) -> anyhow::Result<()> {
    let found = Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {cmd}"))
        .stdout(Stdio::null())
        .status()?
        .success();
    if !found {
        bail!("{cmd} not found: apt-get install nginx-light wrk");
    }
    Ok(())
}

pub fn fetch(url: &str) -> anyhow::Result<Vec<u8>> {
    let out = Command::new("curl").args(["-sf", url]).output().context("curl")?;
    if !out.status.success() {
        bail!("GET {url} failed");
    }
    Ok(out.stdout)
}

pub fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

pub fn start_nginx(dir: &Path, port: u16) -> anyhow::Result<std::process::Child> {
    let conf = format!(
        "worker_processes 2;\ndaemon off;\npid {dir}/nginx.pid;\nerror_log {dir}/nginx-error.log;\n\
         events {{ worker_connections 1024; }}\n\
         http {{\n  access_log off;\n  client_body_temp_path {dir}/tmp;\n  proxy_temp_path {dir}/tmp;\n  fastcgi_temp_path {dir}/tmp;\n  uwsgi_temp_path {dir}/tmp;\n  scgi_temp_path {dir}/tmp;\n\
         default_type text/html;\n  server {{\n    listen 127.0.0.1:{port};\n    root {dir}/www;\n    location = /cong-khai {{ try_files /cong-khai.html =404; }}\n  }}\n}}\n",
        dir = dir.display()
    );
    std::fs::create_dir_all(dir.join("tmp"))?;
    let path = dir.join("nginx.conf");
    std::fs::write(&path, conf)?;
    Command::new("nginx")
        .args(["-c", &path.display().to_string(), "-p", &dir.display().to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .context("start nginx")
}

pub fn wrk(what: &str, url: &str, seconds: u32, connections: u32) -> anyhow::Result<Load> {
    run_wrk(what, url, seconds, connections, None)
}

/// `wrk` driven by a Lua script (requests made by the script against `url`'s host).
pub fn wrk_script(what: &str, url: &str, seconds: u32, connections: u32, script: &Path) -> anyhow::Result<Load> {
    need("wrk")?;
    run_wrk(what, url, seconds, connections, Some(script))
}

/// `wrk -t2 -cN -dNs --latency [-s SCRIPT] URL`, read.
fn run_wrk(what: &str, url: &str, seconds: u32, connections: u32, script: Option<&Path>) -> anyhow::Result<Load> {
    let mut cmd = Command::new("wrk");
    cmd.args([
        "-t2",
        &format!("-c{connections}"),
        &format!("-d{seconds}s"),
        "--latency",
    ]);
    if let Some(script) = script {
        cmd.arg("-s").arg(script);
    }
    let out = cmd.arg(url).output().context("run wrk")?;
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    if !out.status.success() {
        bail!("wrk failed for {what}: {}{text}", String::from_utf8_lossy(&out.stderr));
    }
    parse_wrk(&text).with_context(|| format!("read wrk's output for {what}:\n{text}"))
}

/// Reads `Requests/sec:`, the 50% and 99% latency lines and the error counts.
pub fn parse_wrk(text: &str) -> anyhow::Result<Load> {
    let field = |prefix: &str| -> Option<&str> {
        text.lines()
            .map(str::trim)
            .find_map(|l| l.strip_prefix(prefix))
            .map(str::trim)
    };
    let rps: f64 = field("Requests/sec:").context("no Requests/sec")?.parse()?;
    let latency = |p: &str| field(p).and_then(|v| duration_ms(v.split_whitespace().next()?));
    let errors = text
        .lines()
        .filter(|l| l.contains("Socket errors") || l.contains("Non-2xx"))
        // Only after the colon: "Non-2xx or 3xx responses: 3" must not count the 2 and 3.
        .filter_map(|l| l.split_once(':').map(|(_, counts)| counts))
        .flat_map(|counts| {
            counts
                .split(|c: char| !c.is_ascii_digit())
                .filter_map(|n| n.parse::<u64>().ok())
        })
        .sum();
    Ok(Load {
        rps,
        p50_ms: latency("50%").context("no 50% latency")?,
        p99_ms: latency("99%").context("no 99% latency")?,
        errors,
    })
}

/// "812.00us", "1.23ms", "2.01s" in milliseconds.
fn duration_ms(v: &str) -> Option<f64> {
    let (num, scale) = if let Some(n) = v.strip_suffix("us") {
        (n, 0.001)
    } else if let Some(n) = v.strip_suffix("ms") {
        (n, 1.0)
    } else if let Some(n) = v.strip_suffix('s') {
        (n, 1000.0)
    } else {
        return None;
    };
    num.parse::<f64>().ok().map(|x| x * scale)
}

/// This process's resident memory (the server runs in it).
pub fn rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

impl HttpReport {
    /// The BENCHMARKS.md section.
    pub fn section(&self) -> String {
        let mut s = String::new();
        s.push_str("## Public dashboard against nginx (same run)\n\n");
        s.push_str(&format!(
            "`wrk -t2 -c{} -d{}s --latency` against XHHT serving `{}` of the demo (SQLite; {} bytes, no compression asked) and against nginx-light serving the very same bytes from a file, alternating, on the same machine in the same run. XHHT keeps anonymous pages per data version (`crates/web/src/cache.rs`).\n\n",
            self.connections, self.seconds, self.page, self.bytes
        ));
        s.push_str("| round | XHHT req/s | nginx req/s | ratio | XHHT p50 / p99 | nginx p50 / p99 | errors (XHHT, nginx) |\n|---|---|---|---|---|---|---|\n");
        for (i, (ours, anchor)) in self.runs.iter().enumerate() {
            s.push_str(&format!(
                "| {} | {:.0} | {:.0} | **{:.2}** | {:.2} / {:.2} ms | {:.2} / {:.2} ms | {}, {} |\n",
                i + 1,
                ours.rps,
                anchor.rps,
                ours.rps / anchor.rps,
                ours.p50_ms,
                ours.p99_ms,
                anchor.p50_ms,
                anchor.p99_ms,
                ours.errors,
                anchor.errors
            ));
        }
        let ratios: Vec<f64> = self.runs.iter().map(|(o, a)| o.rps / a.rps).collect();
        let median = {
            let mut r = ratios.clone();
            r.sort_by(f64::total_cmp);
            r.get(r.len() / 2).copied().unwrap_or(0.0)
        };
        s.push_str(&format!(
            "\nTarget: ≥ 0.5 × nginx. Median ratio of this run: **{median:.2}** ({}).\n",
            if median >= 0.5 { "met" } else { "not met" }
        ));
        if let (Some(idle), Some(after)) = (self.rss_idle_kb, self.rss_after_kb) {
            s.push_str(&format!(
                "\nResident memory of the bench process (server inside it, demo loaded): {:.1} MB before the load, {:.1} MB after.\n",
                idle as f64 / 1024.0,
                after as f64 / 1024.0
            ));
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrk_output_is_read() {
        let text = "Running 10s test @ http://127.0.0.1:1/\n  2 threads and 50 connections\n  Latency Distribution\n     50%  612.00us\n     75%    1.01ms\n     90%    2.00ms\n     99%    4.50ms\n  123456 requests in 10.00s, 2.5GB read\n  Socket errors: connect 0, read 2, write 0, timeout 1\n  Non-2xx or 3xx responses: 3\nRequests/sec:  12345.67\nTransfer/sec:    250.00MB\n";
        let l = parse_wrk(text).unwrap();
        assert!((l.rps - 12345.67).abs() < 1e-6);
        assert!((l.p50_ms - 0.612).abs() < 1e-9);
        assert!((l.p99_ms - 4.5).abs() < 1e-9);
        assert_eq!(l.errors, 6);
    }
}
