//! The crate's shape, checked from its source: features use shared modules
//! and never each other (so no import loop between them), shared modules use
//! no feature, and no feature checks a role itself (role and unit checks live
//! in `auth`'s extractors).

use std::path::{Path, PathBuf};

const FEATURES: [&str; 5] = ["accounts", "api", "dashboards", "reporting", "review"];
/// The files that mount the features, and this one.
const MOUNTS: [&str; 3] = ["lib.rs", "router.rs", "layout_tests.rs"];

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Every `.rs` and `.html` file under `dir`.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("read the source tree") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            out.extend(files(&path));
        } else if path.extension().is_some_and(|e| e == "rs" || e == "html") {
            out.push(path);
        }
    }
    out
}

/// The first segment of every `crate::…` path in `text`, groups included
/// (`crate::{a, b::c}` gives `a` and `b`).
fn crate_modules(text: &str) -> Vec<String> {
    let ident = |s: &str| -> String { s.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect() };
    let mut out = Vec::new();
    for (i, _) in text.match_indices("crate::") {
        let rest = &text[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let (mut depth, mut item_start) = (0, true);
            for (j, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => item_start = true,
                    c if item_start && !c.is_whitespace() => {
                        out.push(ident(&group[j..]));
                        item_start = false;
                    }
                    _ => {}
                }
            }
        } else {
            out.push(ident(rest));
        }
    }
    out
}

/// The feature a file belongs to, if any.
fn feature_of(file: &Path) -> Option<&'static str> {
    let rel = file.strip_prefix(src()).ok()?;
    let first = rel.components().next()?.as_os_str().to_str()?;
    FEATURES.into_iter().find(|f| *f == first)
}

#[test]
fn features_import_only_shared_modules() {
    let mut wrong = Vec::new();
    for file in files(&src()) {
        let name = file.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        let own = feature_of(&file);
        if own.is_none() && MOUNTS.contains(&name) && file.parent() == Some(&src()) {
            continue;
        }
        let text = std::fs::read_to_string(&file).expect("read a source file");
        for module in crate_modules(&text) {
            if FEATURES.contains(&module.as_str()) && own != Some(module.as_str()) {
                wrong.push(format!("{} uses crate::{module}", file.display()));
            }
        }
    }
    assert!(wrong.is_empty(), "imports across features:\n{}", wrong.join("\n"));
}

#[test]
fn shared_templates_use_no_feature() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
    for file in files(&dir) {
        let text = std::fs::read_to_string(&file).unwrap();
        for module in crate_modules(&text) {
            assert!(
                !FEATURES.contains(&module.as_str()),
                "{} uses crate::{module}",
                file.display()
            );
        }
    }
}

/// Role and unit checks belong to the extractors in `auth`.
#[test]
fn no_feature_checks_a_role_itself() {
    let checks = [
        ".role ==",
        ".role !=",
        ".reviews()",
        "can_read(",
        "can_write(",
        "can_review(",
    ];
    let mut wrong = Vec::new();
    for file in files(&src()).into_iter().filter(|f| feature_of(f).is_some()) {
        let text = std::fs::read_to_string(&file).unwrap();
        for check in checks.iter().filter(|c| text.contains(**c)) {
            wrong.push(format!("{}: {check}", file.display()));
        }
    }
    assert!(wrong.is_empty(), "role checks outside auth:\n{}", wrong.join("\n"));
}

#[test]
fn the_scanner_finds_grouped_and_plain_imports() {
    let text = "use crate::{auth::X, review::{a, b}, chrome};\nlet x = crate::api::y();";
    assert_eq!(crate_modules(text), ["auth", "review", "chrome", "api"]);
}
