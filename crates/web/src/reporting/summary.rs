//! The lists of errors and warnings at the top of the form: each message
//! once, in the order of the form, linked to the first of its fields so that
//! a person on a long form (or a screen reader) goes straight to it.

use std::collections::HashMap;

use super::form::FieldGroup;

/// One line of a summary.
pub struct Listed {
    pub message: String,
    /// The id of the field's input (`v_<element>`), when the message is
    /// about a field of this form.
    pub target: Option<String>,
    /// The title of the field's group, to say where the field is.
    pub group: String,
}

/// `items` are (message, elements it is about). Messages met before are
/// dropped; the rest are sorted by the position of their first field in the
/// form, those about no field of the form last.
pub fn list(groups: &[FieldGroup], items: impl IntoIterator<Item = (String, Vec<String>)>) -> Vec<Listed> {
    let position: HashMap<&str, (usize, &FieldGroup)> = groups
        .iter()
        .flat_map(|g| g.fields.iter().map(move |f| (f.code.as_str(), g)))
        .enumerate()
        .map(|(i, (code, g))| (code, (i, g)))
        .collect();
    let mut out: Vec<(usize, Listed)> = Vec::new();
    for (message, elements) in items {
        if out.iter().any(|(_, l)| l.message == message) {
            continue;
        }
        let first = elements
            .iter()
            .filter_map(|e| position.get(e.as_str()).map(|(i, g)| (*i, e, *g)))
            .min_by_key(|(i, _, _)| *i);
        let listed = match first {
            Some((i, code, g)) => (
                i,
                Listed {
                    message,
                    target: Some(format!("v_{code}")),
                    group: g.title(),
                },
            ),
            None => (
                usize::MAX,
                Listed {
                    message,
                    target: None,
                    group: String::new(),
                },
            ),
        };
        out.push(listed);
    }
    out.sort_by_key(|(i, _)| *i);
    out.into_iter().map(|(_, l)| l).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reporting::form::{Field, FieldKind, anchor};

    fn group(code: &str, fields: &[&str]) -> FieldGroup {
        FieldGroup {
            anchor: anchor("nhom", code),
            code: code.into(),
            name: format!("nhóm {code}"),
            fields: fields
                .iter()
                .map(|c| Field {
                    code: (*c).into(),
                    label: String::new(),
                    unit: String::new(),
                    help: String::new(),
                    kind: FieldKind::Count,
                    input: String::new(),
                    display: String::new(),
                    prev: String::new(),
                    options: Vec::new(),
                    error: String::new(),
                    warning: String::new(),
                })
                .collect(),
        }
    }

    #[test]
    fn messages_follow_the_form_once_each_linked_to_their_first_field() {
        let groups = [group("a", &["x", "y"]), group("III.4", &["z"])];
        assert_eq!(groups[1].anchor, "nhom-III-4");
        let listed = list(
            &groups,
            [
                ("về z".to_string(), vec!["z".to_string()]),
                ("về y và x".to_string(), vec!["y".to_string(), "x".to_string()]),
                ("không thuộc ô nào".to_string(), vec!["khac".to_string()]),
                ("về z".to_string(), vec!["z".to_string()]),
            ],
        );
        let got: Vec<(&str, Option<&str>, &str)> = listed
            .iter()
            .map(|l| (l.message.as_str(), l.target.as_deref(), l.group.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("về y và x", Some("v_x"), "a) nhóm a"),
                ("về z", Some("v_z"), "III.4) nhóm III.4"),
                ("không thuộc ô nào", None, ""),
            ]
        );
    }
}
