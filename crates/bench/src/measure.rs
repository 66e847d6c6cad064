//! Server time of pages through the real router, without a socket, and of
//! the store calls the pages make.

use std::future::Future;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::http::Request;
use http_body_util::BodyExt;
use tower::ServiceExt;

/// Summary of repeated timings, in milliseconds.
#[derive(Debug, Clone, Copy)]
pub struct Stats {
    pub min: f64,
    pub median: f64,
    pub p95: f64,
    pub max: f64,
}

impl Stats {
    /// Nearest-rank percentiles of `samples` (ms). Panics on an empty slice.
    pub fn of(samples: &[f64]) -> Self {
        let mut s = samples.to_vec();
        s.sort_by(f64::total_cmp);
        let rank = |p: f64| s[((p * s.len() as f64).ceil() as usize).clamp(1, s.len()) - 1];
        Self {
            min: s[0],
            median: rank(0.5),
            p95: rank(0.95),
            max: s[s.len() - 1],
        }
    }
}

/// One page measured: the first (cold) request, then `iterations` after a warm-up.
#[derive(Debug, Clone)]
pub struct PageTiming {
    pub uri: String,
    pub status: u16,
    pub bytes: usize,
    pub first_ms: f64,
    pub stats: Stats,
}

pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// One request through the router; the time includes collecting the body.
async fn request(app: &Router, uri: &str) -> anyhow::Result<(u16, usize, f64)> {
    let start = Instant::now();
    let res = app.clone().oneshot(Request::get(uri).body(Body::empty())?).await?;
    let status = res.status().as_u16();
    let bytes = res.into_body().collect().await?.to_bytes().len();
    Ok((status, bytes, ms(start.elapsed())))
}

/// Measures `uri`: the first request is reported apart (it fills the
/// per-area caches), `warmup` more are discarded, then `iterations` timed.
pub async fn page(app: &Router, uri: &str, warmup: usize, iterations: usize) -> anyhow::Result<PageTiming> {
    let (status, bytes, first_ms) = request(app, uri).await?;
    for _ in 0..warmup {
        request(app, uri).await?;
    }
    let mut samples = Vec::with_capacity(iterations);
    for _ in 0..iterations.max(1) {
        let (s, _, t) = request(app, uri).await?;
        anyhow::ensure!(s == status, "{uri}: status changed from {status} to {s}");
        samples.push(t);
    }
    Ok(PageTiming {
        uri: uri.to_string(),
        status,
        bytes,
        first_ms,
        stats: Stats::of(&samples),
    })
}

/// Times an async call `iterations` times after `warmup` discarded calls.
pub async fn call<F, Fut, T, E>(mut f: F, warmup: usize, iterations: usize) -> anyhow::Result<Stats>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, E>>,
    E: std::error::Error + Send + Sync + 'static,
{
    for _ in 0..warmup {
        f().await?;
    }
    let mut samples = Vec::with_capacity(iterations);
    for _ in 0..iterations.max(1) {
        let start = Instant::now();
        std::hint::black_box(f().await?);
        samples.push(ms(start.elapsed()));
    }
    Ok(Stats::of(&samples))
}

/// Runs `f` once and returns its result with the elapsed milliseconds.
pub async fn once<T>(f: impl Future<Output = anyhow::Result<T>>) -> anyhow::Result<(T, f64)> {
    let start = Instant::now();
    let out = f.await?;
    Ok((out, ms(start.elapsed())))
}

#[cfg(test)]
mod tests {
    use super::Stats;

    #[test]
    fn nearest_rank_percentiles() {
        let xs: Vec<f64> = (1..=100).map(f64::from).collect();
        let s = Stats::of(&xs);
        assert_eq!((s.min, s.median, s.p95, s.max), (1.0, 50.0, 95.0, 100.0));
        let s = Stats::of(&[3.0]);
        assert_eq!((s.min, s.median, s.p95, s.max), (3.0, 3.0, 3.0, 3.0));
    }
}
