//! Where to go after logging in: only a path of this site.
//!
//! Browsers forgive a lot in a `Location` (they drop tabs and line breaks,
//! read `\` as `/`, decode percent escapes), so the value is judged in
//! every form a browser may see: as sent, and percent-decoded until it
//! stops changing. Each form must be an absolute path — starting with one
//! `/`, no scheme, no authority — without control characters, whitespace or
//! backslashes. Anything else gives the default home.

use axum::http::Uri;
use percent_encoding::percent_decode_str;

/// The longest `next` kept: our own paths are far shorter.
const MAX_LEN: usize = 2048;
/// Decoding rounds tried before a value is judged too nested to trust.
const MAX_ROUNDS: usize = 4;

/// `next` if it is a path of this site, else `/`.
pub fn safe_next(next: Option<&str>) -> String {
    next.filter(|n| is_own_path(n))
        .map_or_else(|| "/".to_string(), str::to_string)
}

fn is_own_path(raw: &str) -> bool {
    // The value goes into a header as it is: visible ASCII only.
    if raw.len() > MAX_LEN || !raw.bytes().all(|b| b.is_ascii_graphic()) {
        return false;
    }
    let Ok(uri) = raw.parse::<Uri>() else {
        return false;
    };
    if uri.scheme().is_some() || uri.authority().is_some() {
        return false;
    }
    let mut form = raw.to_string();
    for _ in 0..MAX_ROUNDS {
        if !is_plain_path(&form) {
            return false;
        }
        let Ok(decoded) = percent_decode_str(&form).decode_utf8() else {
            return false;
        };
        if decoded == form {
            return true;
        }
        form = decoded.into_owned();
    }
    false
}

/// One form of the value: `/` then no second `/`, nothing a browser drops
/// or turns into a slash.
fn is_plain_path(s: &str) -> bool {
    s.starts_with('/')
        && !s.starts_with("//")
        && !s
            .chars()
            .any(|c| c.is_control() || c.is_whitespace() || c == '\\' || is_invisible(c))
}

/// Format characters (bidi overrides, zero-width marks) that hide what a
/// link says.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}')
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn own_paths_pass() {
        for ok in [
            "/",
            "/reports/2026/00001",
            "/review?year=2026&plan=ba-dinh-56-2022",
            "/reports/2026/00001#values",
            "/t%E1%BB%95ng-h%E1%BB%A3p",
        ] {
            assert_eq!(safe_next(Some(ok)), ok, "{ok}");
        }
    }

    #[test]
    fn hostile_values_give_the_home() {
        let long = format!("/{}", "a".repeat(3000));
        let hostile = [
            "",
            "//evil.example",
            "///evil.example",
            "/\\evil.example",
            "\\\\evil.example",
            "/%09/evil.example",
            "/%0a/evil.example",
            "/%0d%0a/evil.example",
            "/%0D%0ASet-Cookie:%20x=1",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r\nLocation: //evil.example",
            "/x\0y",
            "https://evil.example",
            "http:evil.example",
            "javascript:alert(1)",
            "evil.example",
            " /reports",
            "/ /evil.example",
            "/%2F/evil.example",
            "/%2f%2fevil.example",
            "%2F%2Fevil.example",
            "/%5Cevil.example",
            "/%5c%5cevil.example",
            "/%252F%252Fevil.example",
            "/%25252F%25252Fevil.example",
            "/%2525252F%2525252Fevil.example",
            "/%E2%80%AEevil",
            "/%C2%A0/evil.example",
            "/%FF",
            "/r\u{e9}ports",
            "/\u{202e}evil",
            long.as_str(),
        ];
        for bad in hostile {
            assert_eq!(safe_next(Some(bad)), "/", "{bad:?}");
        }
        assert_eq!(safe_next(None), "/");
    }
}
