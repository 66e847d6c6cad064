//! axe-core (Deque, MPL-2.0) run in the page: `axe_check` injects it and
//! fails with every serious or critical violation it finds.
//!
//! axe-core is not vendored: `.ci/run` fetches it from the npm registry
//! (`npm pack axe-core@…`) into `target/axe` and names `axe.min.js` in
//! `XHHT_AXE_JS`; locally do the same, or point `XHHT_AXE_JS` at any copy.

use std::path::PathBuf;
use std::sync::OnceLock;

use fantoccini::Client;
use serde::Deserialize;
use serde_json::json;

use super::Res;

pub const AXE_VAR: &str = "XHHT_AXE_JS";

/// One violation of one rule, with the elements it was found on.
#[derive(Debug, Deserialize)]
pub struct Violation {
    pub id: String,
    pub impact: String,
    pub help: String,
    pub targets: Vec<String>,
}

/// Runs axe-core on the page the browser shows and fails, naming the
/// page, each rule (id, help) and the elements, when it finds anything
/// serious or critical. Needs the page loaded.
pub async fn axe_check(c: &Client, page_name: &str) -> Res {
    let found = violations(c).await?;
    if found.is_empty() {
        return Ok(());
    }
    let mut out = format!(
        "axe-core: {} serious or critical finding(s) on {page_name}:",
        found.len()
    );
    for v in &found {
        out.push_str(&format!(
            "\n  [{}] {}: {}\n    on {}",
            v.impact,
            v.id,
            v.help,
            v.targets.join("\n    on ")
        ));
    }
    Err(out.into())
}

/// The serious and critical violations axe-core finds on the page.
pub async fn violations(c: &Client) -> Res<Vec<Violation>> {
    let loaded = c.execute("return typeof window.axe === 'object';", vec![]).await?;
    if loaded != json!(true) {
        c.execute(source(), vec![]).await?;
    }
    // The WCAG 2.x A/AA rules and axe's best practices; colour contrast
    // included (the page's own styles are applied by then).
    let script = r#"
        const done = arguments[arguments.length - 1];
        axe.run(document, { resultTypes: ['violations'] })
          .then(r => done(r.violations
            .filter(v => v.impact === 'serious' || v.impact === 'critical')
            .map(v => ({ id: v.id, impact: v.impact, help: v.help,
                         targets: v.nodes.map(n => n.target.join(' ') + ' — ' + (n.failureSummary || '').replace(/\n/g, ' ').slice(0, 300)) }))))
          .catch(e => done([{ id: 'axe-error', impact: 'critical', help: String(e), targets: [] }]));
    "#;
    let value = c.execute_async(script, vec![]).await?;
    Ok(serde_json::from_value(value)?)
}

/// The text of `axe.min.js`, read once.
fn source() -> &'static str {
    static SOURCE: OnceLock<String> = OnceLock::new();
    SOURCE.get_or_init(|| {
        let path = std::env::var_os(AXE_VAR)
            .filter(|p| !p.is_empty())
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/axe/package/axe.min.js"));
        std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!(
                "axe-core is needed by the browser tests: {} ({e}). Get it with \
                 `mkdir -p target/axe && cd target/axe && npm pack axe-core@4 && tar xzf axe-core-*.tgz` \
                 or set {AXE_VAR} to an axe.min.js",
                path.display()
            )
        })
    })
}
