//! Anonymous pages rendered once per data version. Public dashboards change
//! only when data does (an approval, a plan change), yet every visit used
//! to re-read the store and re-render: here a GET without a session is
//! answered from bytes kept per (path and query) and compressed once (gzip
//! and brotli), with an `ETag` so a browser that has them gets a 304, in
//! front of every layer (`plan_pick` asks it first). The
//! store's data version moves at every committed write of this process, and
//! the cache is emptied when it does, so an approval shows at the very next
//! request. Logged-in pages are never kept (they carry the user's name and
//! CSRF token).

use std::collections::HashMap;
use std::io::Write;
use std::sync::{Arc, Mutex};

use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use http_body_util::BodyExt;

use crate::auth::SESSION_COOKIE;

/// At most this many pages are kept; the cache empties when full.
const MAX_ENTRIES: usize = 512;
/// Bodies above this are served but not kept.
const MAX_BODY: usize = 2 * 1024 * 1024;

/// The pages of one data version.
#[derive(Default)]
pub struct PageCache {
    inner: Mutex<Entries>,
}

#[derive(Default)]
struct Entries {
    version: u64,
    pages: HashMap<String, Arc<Kept>>,
}

/// One rendered page in its three encodings, with the headers it was
/// first answered with (type, security headers).
struct Kept {
    etag: HeaderValue,
    headers: HeaderMap,
    identity: Bytes,
    gzip: Bytes,
    brotli: Bytes,
}

#[derive(Clone, Copy, PartialEq, Debug)]
enum Encoding {
    Identity,
    Gzip,
    Brotli,
}

impl PageCache {
    fn get(&self, version: u64, key: &str) -> Option<Arc<Kept>> {
        let mut e = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        if e.version != version {
            e.pages.clear();
            e.version = version;
        }
        e.pages.get(key).cloned()
    }

    fn put(&self, version: u64, key: String, kept: Arc<Kept>) {
        let mut e = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        if e.version != version {
            return; // data changed while rendering: this page may be stale
        }
        if e.pages.len() >= MAX_ENTRIES {
            e.pages.clear();
        }
        e.pages.insert(key, kept);
    }
}

/// Answers an anonymous GET from the cache of its plan, or has `app`
/// render it (asking for identity, so it is compressed here once) and keeps
/// it. Runs in front of every layer, so a kept page costs a lookup; the
/// first render went through them all and its headers are kept with it.
pub async fn serve(cache: &PageCache, version: u64, app: axum::Router, mut req: Request) -> Response {
    let key = req
        .uri()
        .path_and_query()
        .map_or_else(|| req.uri().path().to_string(), |p| p.to_string());
    let accept = encoding(req.headers());
    let if_none_match = req.headers().get(header::IF_NONE_MATCH).cloned();
    let head = req.method() == Method::HEAD;
    if let Some(kept) = cache.get(version, &key) {
        return answer(&kept, accept, if_none_match.as_ref(), head);
    }
    req.headers_mut().remove(header::ACCEPT_ENCODING);
    req.headers_mut().remove(header::IF_NONE_MATCH);
    let res = match tower::ServiceExt::oneshot(app, req).await {
        Ok(r) => r,
        Err(never) => match never {},
    };
    // A HEAD has no body to keep; errors and cookie-setting answers are not pages.
    if head || res.status() != StatusCode::OK || res.headers().contains_key(header::SET_COOKIE) {
        return res;
    }
    let (parts, body) = res.into_parts();
    let Ok(collected) = body.collect().await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let bytes = collected.to_bytes();
    if bytes.len() > MAX_BODY {
        return Response::from_parts(parts, Body::from(bytes));
    }
    let kept = Arc::new(keep(version, parts.headers, bytes).await);
    cache.put(version, key, kept.clone());
    answer(&kept, accept, if_none_match.as_ref(), head)
}

/// A GET or HEAD without a session: what every visitor would be shown.
/// `/healthz` is never kept: it must ask the database each time.
pub fn cacheable(method: &Method, path: &str, headers: &HeaderMap) -> bool {
    (method == Method::GET || method == Method::HEAD)
        && path != "/healthz"
        && crate::auth::cookie(headers, SESSION_COOKIE).is_none()
}

/// The best encoding the client accepts (q=0 refuses one).
fn encoding(headers: &HeaderMap) -> Encoding {
    let Some(accept) = headers.get(header::ACCEPT_ENCODING).and_then(|v| v.to_str().ok()) else {
        return Encoding::Identity;
    };
    let takes = |name: &str| {
        accept.split(',').any(|part| {
            let mut it = part.trim().split(';');
            let coding = it.next().unwrap_or("").trim();
            let refused = it.any(|p| {
                p.trim()
                    .strip_prefix("q=")
                    .is_some_and(|q| q.trim().parse::<f32>().is_ok_and(|q| q == 0.0))
            });
            coding.eq_ignore_ascii_case(name) && !refused
        })
    };
    if takes("br") {
        Encoding::Brotli
    } else if takes("gzip") {
        Encoding::Gzip
    } else {
        Encoding::Identity
    }
}

/// Compresses a rendered page once, off the async workers.
async fn keep(version: u64, mut headers: HeaderMap, identity: Bytes) -> Kept {
    for h in [
        header::CONTENT_LENGTH,
        header::CONTENT_ENCODING,
        header::ETAG,
        header::VARY,
        header::CACHE_CONTROL,
    ] {
        headers.remove(h);
    }
    let body = identity.clone();
    let (gzip, brotli) = tokio::task::spawn_blocking(move || (gzip(&body), brotli(&body)))
        .await
        .unwrap_or_default();
    let etag = HeaderValue::from_str(&format!("\"v{version}-{:016x}\"", fnv(&identity)))
        .unwrap_or_else(|_| HeaderValue::from_static("\"x\""));
    Kept {
        etag,
        headers,
        identity,
        gzip: Bytes::from(gzip),
        brotli: Bytes::from(brotli),
    }
}

fn gzip(body: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(body).and_then(|()| enc.finish()).unwrap_or_default()
}

fn brotli(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    // A 256 KB window and mid quality: pages are small, and the encoder's
    // tables stay a few MB instead of the default's tens.
    let params = brotli::enc::BrotliEncoderParams {
        quality: 6,
        lgwin: 18,
        ..Default::default()
    };
    let mut input = body;
    match brotli::BrotliCompress(&mut input, &mut out, &params) {
        Ok(_) => out,
        Err(_) => Vec::new(),
    }
}

/// FNV-1a: a cheap content hash for the ETag (not a security boundary).
fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x100_0000_01b3)
    })
}

fn answer(kept: &Kept, accept: Encoding, if_none_match: Option<&HeaderValue>, head: bool) -> Response {
    let mut headers = kept.headers.clone();
    headers.insert(header::ETAG, kept.etag.clone());
    headers.insert(header::VARY, HeaderValue::from_static("accept-encoding, cookie"));
    // Kept, but asked again each time: the ETag makes that a 304.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    if if_none_match.is_some_and(|v| {
        v.as_bytes()
            .split(|b| *b == b',')
            .any(|t| t.trim_ascii() == kept.etag.as_bytes())
    }) {
        headers.remove(header::CONTENT_TYPE);
        return (StatusCode::NOT_MODIFIED, headers).into_response();
    }
    let (body, coding) = match accept {
        Encoding::Brotli if !kept.brotli.is_empty() => (kept.brotli.clone(), Some("br")),
        Encoding::Gzip | Encoding::Brotli if !kept.gzip.is_empty() => (kept.gzip.clone(), Some("gzip")),
        _ => (kept.identity.clone(), None),
    };
    if let Some(c) = coding {
        headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(c));
    }
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(body.len()));
    let body = if head { Body::empty() } else { Body::from(body) };
    (StatusCode::OK, headers, body).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accepting(v: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::ACCEPT_ENCODING, HeaderValue::from_str(v).unwrap());
        h
    }

    #[test]
    fn the_best_accepted_encoding_is_chosen() {
        assert_eq!(encoding(&HeaderMap::new()), Encoding::Identity);
        assert_eq!(encoding(&accepting("gzip, deflate")), Encoding::Gzip);
        assert_eq!(encoding(&accepting("gzip, deflate, br")), Encoding::Brotli);
        assert_eq!(encoding(&accepting("br;q=0, gzip")), Encoding::Gzip);
        assert_eq!(encoding(&accepting("identity")), Encoding::Identity);
    }

    #[test]
    fn compressed_bodies_decompress_to_the_page() {
        use std::io::Read;
        let page = "<p>Tỷ lệ người trong độ tuổi 15-60 biết chữ: 99,6%</p>".repeat(50);
        let mut out = String::new();
        flate2::read::GzDecoder::new(gzip(page.as_bytes()).as_slice())
            .read_to_string(&mut out)
            .unwrap();
        assert_eq!(out, page);
        let mut out = Vec::new();
        brotli::BrotliDecompress(&mut brotli(page.as_bytes()).as_slice(), &mut out).unwrap();
        assert_eq!(out, page.as_bytes());
    }
}
