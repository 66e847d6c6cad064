//! The report form on a phone and to a screen reader: parts by the plan's
//! target groups with a progress list, error and warning summaries that link
//! to their fields, every label and description pointing at an element that
//! exists, and the explanation beside the warnings it explains. Through the
//! real router, on SQLite and PostgreSQL.

mod common;

use std::collections::HashSet;

use axum::http::StatusCode;
use common::{Client, demo_apps};
use xhht_domain::plan::builtin;

const FORM: &str = "/reports/2026/00006"; // Vĩnh Phúc: a 2026 draft in the sample
const REVIEWED: &str = "/reports/2026/00019"; // submitted in the sample

/// Every value of `attr="…"` in `html`.
fn attr_values<'a>(html: &'a str, attr: &str) -> Vec<&'a str> {
    let marker = format!(" {attr}=\"");
    html.match_indices(&marker)
        .map(|(i, _)| html[i + marker.len()..].split('"').next().unwrap())
        .collect()
}

/// Ids are unique, and every `for`, `aria-describedby`, `aria-labelledby`
/// and in-page link names an id of the page.
fn assert_references_resolve(html: &str, page: &str) {
    let ids = attr_values(html, "id");
    let mut seen = HashSet::new();
    for id in &ids {
        assert!(seen.insert(*id), "{page}: id “{id}” is used twice");
    }
    let mut refs: Vec<(&str, &str)> = Vec::new();
    for attr in ["for", "aria-describedby", "aria-labelledby"] {
        for v in attr_values(html, attr) {
            refs.extend(v.split_whitespace().map(|id| (attr, id)));
        }
    }
    refs.extend(
        attr_values(html, "href")
            .into_iter()
            .filter_map(|h| h.strip_prefix('#'))
            .filter(|h| !h.is_empty())
            .map(|id| ("href=#", id)),
    );
    assert!(!refs.is_empty(), "{page}: no references at all");
    for (attr, id) in refs {
        assert!(
            seen.contains(id),
            "{page}: {attr} points at “{id}”, which no element has"
        );
    }
}

/// The warnings' box lists as many warnings as its heading counts, the
/// first few in sight and any others behind “Xem thêm N cảnh báo”.
fn assert_every_warning_listed_once(section: &str, page: &str) {
    let count: usize = section
        .split("</h2>")
        .next()
        .and_then(|h| h.rsplit('(').next())
        .and_then(|n| n.split(')').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{page}: no count in the warnings' heading: {section}"));
    let list = |id: &str| {
        section.split(&format!("id=\"{id}\"")).nth(1).map_or(0, |rest| {
            rest.split("</ul>").next().unwrap_or("").matches("<li>").count()
        })
    };
    let (shown, more) = (list("warn-list"), list("warn-more"));
    assert_eq!(shown + more, count, "{page}: every warning listed once: {section}");
    assert_eq!(shown, count.min(3), "{page}: the first three in sight");
    assert_eq!(
        section.contains(&format!("Xem thêm {more} cảnh báo")),
        more > 0,
        "{page}: the others behind “Xem thêm”"
    );
}

/// The opening tag of the element with `id`.
fn tag_with_id<'a>(html: &'a str, id: &str) -> &'a str {
    let at = html
        .find(&format!(" id=\"{id}\""))
        .unwrap_or_else(|| panic!("no element with id “{id}”"));
    let start = html[..at].rfind('<').unwrap();
    let end = at + html[at..].find('>').unwrap();
    &html[start..=end]
}

#[tokio::test]
async fn the_form_has_a_part_per_target_group_with_its_progress() {
    let plan = builtin();
    let unit = plan.unit("00006").unwrap();
    for (store, app) in demo_apps("web_report_form_parts").await {
        let b = store.backend();
        let ward = Client::login(&app, "vinhphuc", "xhht-demo").await;
        let page = ward.get(&app, FORM).await;
        assert_eq!(page.status, StatusCode::OK, "{b:?}");
        let html = &page.body;
        assert_references_resolve(html, &format!("{b:?} {FORM}"));

        let values = store.working_values(&plan, "00006", 2026).await.unwrap();
        let nav_at = html.find("class=\"form-progress\"").expect("a progress list");
        let nav = &html[nav_at..nav_at + html[nav_at..].find("</nav>").unwrap()];
        let mut parts = 0;
        for g in &plan.target_groups {
            let fields: Vec<_> = plan
                .elements_for(unit)
                .filter(|e| e.group.as_deref() == Some(g.code.as_str()))
                .collect();
            let anchor = format!("nhom-{}", g.code.replace('.', "-"));
            if fields.is_empty() {
                assert!(
                    !html.contains(&format!("id=\"{anchor}\"")),
                    "{b:?}: no empty part {anchor}"
                );
                continue;
            }
            parts += 1;
            // The part, its heading from the plan, its fields inside it.
            let start = html
                .find(&format!("<fieldset class=\"group\" id=\"{anchor}\">"))
                .unwrap_or_else(|| panic!("{b:?}: no part {anchor}"));
            let part = &html[start..start + html[start..].find("</fieldset>").unwrap()];
            assert!(
                part.contains(&format!("<h2>{}) {}</h2>", g.code, g.name)),
                "{b:?}: {anchor} heading"
            );
            for e in &fields {
                assert!(
                    part.contains(&format!("id=\"f-{}\"", e.code)),
                    "{b:?}: {} in {anchor}",
                    e.code
                );
            }
            // The progress list links to it and counts what is filled.
            let filled = fields.iter().filter(|e| values.contains_key(&e.code)).count();
            let link = format!("href=\"#{anchor}\"");
            let item = &nav[nav.find(&link).unwrap_or_else(|| panic!("{b:?}: no link to {anchor}"))..];
            let item = &item[..item.find("</li>").unwrap()];
            assert!(
                item.contains(&format!(
                    "<span class=\"g-filled\">{filled}</span>/{} ô đã nhập",
                    fields.len()
                )),
                "{b:?}: {anchor} counts {filled}/{}: {item}",
                fields.len()
            );
        }
        assert!(parts >= 3, "{b:?}: the ward's form has several parts ({parts})");
        assert!(
            nav.contains("href=\"#nhiem-vu\""),
            "{b:?}: the narratives are a part too"
        );
        // The yes/no group is named by its label and its first choice carries the field's id.
        let radios = plan
            .elements_for(unit)
            .find(|e| e.value_type == xhht_domain::plan::ValueType::YesNo)
            .expect("a yes/no element");
        let group = tag_with_id(html, &format!("l_{}", radios.code));
        assert!(group.starts_with("<span"), "{group}");
        assert!(html.contains(&format!("role=\"radiogroup\" aria-labelledby=\"l_{}\"", radios.code)));
        assert!(tag_with_id(html, &format!("v_{}", radios.code)).contains("value=\"yes\""));
    }
}

#[tokio::test]
async fn errors_link_to_their_fields_and_fields_point_at_their_messages() {
    for (store, app) in demo_apps("web_report_form_errors").await {
        let b = store.backend();
        let ward = Client::login(&app, "vinhphuc", "xhht-demo").await;
        // A typing error and a broken rule (more literate people than people).
        let bad = [
            ("v_pop_15_60", "9.000"),
            ("v_literate_15_60", "9.500"),
            ("action", "submit"),
        ];
        let r = ward.post(&app, FORM, &bad).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{b:?}");
        let r = ward
            .post(&app, FORM, &[("v_pop_15_plus", "mười hai"), ("action", "save")])
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{b:?}");
        let html = &r.body;
        assert_references_resolve(html, &format!("{b:?} {FORM} with errors"));

        let start = html.find("id=\"loi\"").expect("an error summary");
        let summary = &html[start..start + html[start..].find("</section>").unwrap()];
        let form_at = html.find("class=\"report-form\"").unwrap();
        let first_part = html.find("<fieldset class=\"group\"").unwrap();
        assert!(
            form_at < start && start < first_part,
            "{b:?}: the summary opens the form"
        );
        let items: Vec<&str> = summary.split("<li>").skip(1).collect();
        assert!(
            items.iter().any(|li| li.starts_with("<a href=\"#v_pop_15_plus\">")),
            "{b:?}: the typing error links to its field: {summary}"
        );
        assert!(
            items.iter().any(|li| li.contains("không được lớn hơn")
                && (li.starts_with("<a href=\"#v_pop_15_60\">") || li.starts_with("<a href=\"#v_literate_15_60\">"))),
            "{b:?}: the rule's error links to one of its fields: {summary}"
        );
        // The typed field: invalid, described by its message, its input kept.
        let input = tag_with_id(html, "v_pop_15_plus");
        assert!(input.contains("aria-invalid=\"true\""), "{input}");
        assert!(input.contains("aria-describedby=\"e_pop_15_plus "), "{input}");
        assert!(input.contains("value=\"mười hai\""), "{input}");
        assert!(tag_with_id(html, "e_pop_15_plus").starts_with("<small class=\"field-error\""));
        // A field without an error is described, but not invalid.
        let fine = tag_with_id(html, "v_working_age_pop");
        assert!(!fine.contains("aria-invalid"), "{fine}");
        assert!(fine.contains("aria-describedby=\""), "{fine}");
    }
}

#[tokio::test]
async fn the_explanation_sits_with_the_warnings_and_reads_as_done_once_sent() {
    let plan = builtin();
    for (store, app) in demo_apps("web_report_form_warnings").await {
        let b = store.backend();
        let ward = Client::login(&app, "vinhphuc", "xhht-demo").await;
        // Valid values, the population 15+ far above last year's: a warning to explain.
        let mut good: Vec<(String, String)> = plan
            .elements_for(plan.unit("00006").unwrap())
            .map(|e| (format!("v_{}", e.code), "1.000".to_string()))
            .collect();
        for (k, v) in [
            ("v_pop_15_plus", "100.000"),
            ("v_pop_15_60", "9.000"),
            ("v_literate_15_60", "8.990"),
            ("v_working_age_pop", "9.500"),
            ("v_literacy_level", "level_2"),
            ("v_primary_universal_level", "level_3"),
            ("v_lower_secondary_universal_level", "level_3"),
            ("v_preschool_universal", "yes"),
        ] {
            good.retain(|(key, _)| key != k);
            good.push((k.into(), v.into()));
        }
        good.push(("action".into(), "submit".into()));
        let fields: Vec<(&str, &str)> = good.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let r = ward.post(&app, FORM, &fields).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{b:?}: not sent without an explanation"
        );
        let html = &r.body;
        assert!(html.contains("cần ghi giải trình"), "{b:?}");
        let start = html.find("id=\"canh-bao\"").expect("a warning summary");
        let warnings = &html[start..start + html[start..].find("</section>").unwrap()];
        assert!(warnings.contains("Cảnh báo cần giải trình ("), "{warnings}");
        assert_every_warning_listed_once(warnings, &format!("{b:?} {FORM}"));
        assert!(
            warnings.contains("<a href=\"#v_"),
            "{b:?}: warnings link to fields: {warnings}"
        );
        assert!(
            warnings.contains("<textarea id=\"explanation\" name=\"explanation\""),
            "{b:?}: the explanation box is in the warnings' box"
        );
        assert_eq!(
            html.matches("name=\"explanation\"").count(),
            1,
            "{b:?}: one explanation box"
        );
        assert_references_resolve(html, &format!("{b:?} {FORM} with warnings"));

        // Explained, sent, approved: the page says what was explained, read-only.
        let text = "Số liệu theo điều tra tháng 11.";
        let r = ward
            .post(&app, FORM, &[("explanation", text), ("action", "submit")])
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{b:?}: {}", r.body);
        let reviewer = Client::login(&app, "chuyenvien", "xhht-demo").await;
        let r = reviewer
            .post(
                &app,
                &format!("{FORM}/review"),
                &[("action", "approve"), ("reason", "")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{b:?}");
        for (who, name) in [(&ward, "ward"), (&reviewer, "reviewer")] {
            let page = who.get(&app, FORM).await;
            let html = &page.body;
            assert!(html.contains("Đã duyệt"), "{b:?}");
            assert!(!html.contains("cần giải trình"), "{b:?}: no call to act once approved");
            assert!(
                !html.contains("name=\"explanation\""),
                "{b:?}: read-only for the {name}"
            );
            let start = html.find("id=\"canh-bao\"").expect("the warnings stay listed");
            let box_ = &html[start..start + html[start..].find("</section>").unwrap()];
            assert!(box_.contains("Cảnh báo đã được giải trình ("), "{box_}");
            assert_every_warning_listed_once(box_, &format!("{b:?} approved {FORM} for the {name}"));
            assert!(box_.contains("Giải trình của đơn vị") && box_.contains(text), "{box_}");
            assert_references_resolve(html, &format!("{b:?} approved {FORM} for the {name}"));
        }
        // A reviewer reading a sent report: read-only parts, links that resolve.
        let page = reviewer.get(&app, REVIEWED).await;
        assert_eq!(page.status, StatusCode::OK, "{b:?}");
        assert_references_resolve(&page.body, &format!("{b:?} {REVIEWED} for the reviewer"));
    }
}
