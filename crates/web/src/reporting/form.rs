//! The yearly form of one unit: its fields, grouped as the plan groups its
//! targets, with last year's approved value and validation findings; and
//! what a posted form holds.

use std::collections::HashMap;

use xhht_domain::plan::{DataElement, OrgUnit, Plan, Severity, ValueType};
use xhht_domain::text;
use xhht_domain::validation::{Finding, missing_values, validate};
use xhht_domain::values::{DataValue, UnitValues};

use crate::narrative::NarrativeKind;

/// How a field is entered, from its data element's value type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    Count,
    Decimal,
    YesNo,
    Status,
    Text,
}

impl FieldKind {
    fn of(t: ValueType) -> Self {
        match t {
            ValueType::Count => Self::Count,
            ValueType::Percentage => Self::Decimal,
            ValueType::YesNo => Self::YesNo,
            ValueType::Status => Self::Status,
            ValueType::Text => Self::Text,
        }
    }

    /// The keyboard a phone shows for a number.
    pub fn input_mode(self) -> &'static str {
        if self == Self::Count { "numeric" } else { "decimal" }
    }
}

pub struct Field {
    pub code: String,
    pub label: String,
    pub unit: String,
    pub help: String,
    pub kind: FieldKind,
    pub input: String,
    /// The stored value as people read it (read-only view).
    pub display: String,
    pub prev: String,
    pub options: Vec<(String, String)>,
    pub error: String,
    pub warning: String,
}

impl Field {
    /// Whether the field holds a value (as typed, or as stored).
    pub fn filled(&self) -> bool {
        !self.input.trim().is_empty()
    }

    /// The ids of the texts that describe the input, for `aria-describedby`:
    /// its error and warning first, then its help and last year's value.
    pub fn described_by(&self) -> String {
        let mut ids = Vec::new();
        if !self.error.is_empty() {
            ids.push(format!("e_{}", self.code));
        }
        if !self.warning.is_empty() {
            ids.push(format!("w_{}", self.code));
        }
        if !self.help.is_empty() {
            ids.push(format!("h_{}", self.code));
        }
        ids.push(format!("p_{}", self.code));
        ids.join(" ")
    }
}

/// One of the plan's target groups with the unit's fields in it: a section
/// of the form with its own anchor and progress.
pub struct FieldGroup {
    /// The section's id, from the group's code (`nhom-a`, `nhom-III-4`).
    pub anchor: String,
    /// The group's code as the plan numbers it (`a`, `III.4`), empty for
    /// the fields of no group.
    pub code: String,
    pub name: String,
    pub fields: Vec<Field>,
}

impl FieldGroup {
    /// The heading: the plan's code and name, “a) Xóa mù chữ …”.
    pub fn title(&self) -> String {
        if self.code.is_empty() {
            self.name.clone()
        } else {
            format!("{}) {}", self.code, self.name)
        }
    }

    pub fn filled(&self) -> usize {
        self.fields.iter().filter(|f| f.filled()).count()
    }

    pub fn errors(&self) -> usize {
        self.fields.iter().filter(|f| !f.error.is_empty()).count()
    }

    pub fn warnings(&self) -> usize {
        self.fields.iter().filter(|f| !f.warning.is_empty()).count()
    }
}

/// An id made of a plan code: letters and digits kept, anything else `-`.
pub fn anchor(prefix: &str, code: &str) -> String {
    let slug: String = code
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    format!("{prefix}-{slug}")
}

pub struct NarrativeBlock {
    pub number: i64,
    pub title: String,
    /// (kind's code, label, text) for each kind of narrative.
    pub texts: Vec<(&'static str, &'static str, String)>,
}

/// Findings of a unit's values: the plan's rules and the missing values.
pub fn findings(plan: &Plan, unit: &OrgUnit, values: &UnitValues, prev: Option<&UnitValues>) -> Vec<Finding> {
    let mut out = validate(plan, unit, values, prev);
    out.extend(missing_values(plan, unit, values));
    out
}

/// The text a value shows in its input.
pub fn input_text(el: &DataElement, v: &DataValue) -> String {
    match v {
        DataValue::Number(n) if el.value_type == ValueType::Count => text::number(*n, 0),
        DataValue::Number(n) => text::number(*n, 2),
        DataValue::Bool(b) => if *b { "yes" } else { "no" }.to_string(),
        DataValue::Status(s) | DataValue::Text(s) => s.clone(),
    }
}

/// The value as people read it (for last year's column and read-only views).
pub fn shown(el: &DataElement, v: Option<&DataValue>) -> String {
    match v {
        None => "—".into(),
        Some(DataValue::Bool(b)) => if *b { "Có" } else { "Không" }.into(),
        Some(DataValue::Status(s)) => el
            .options
            .iter()
            .find(|o| &o.code == s)
            .map_or_else(|| s.clone(), |o| o.name.clone()),
        Some(v) => input_text(el, v),
    }
}

/// Builds the field groups. `inputs` overrides stored values (a form sent
/// back with errors shows what was typed); `errors` are per-field messages.
pub fn groups(
    plan: &Plan,
    unit: &OrgUnit,
    values: &UnitValues,
    prev: Option<&UnitValues>,
    inputs: &HashMap<String, String>,
    field_errors: &HashMap<String, String>,
    found: &[Finding],
) -> Vec<FieldGroup> {
    let mut groups: Vec<FieldGroup> = plan
        .target_groups
        .iter()
        .map(|g| FieldGroup {
            anchor: anchor("nhom", &g.code),
            code: g.code.clone(),
            name: g.name.clone(),
            fields: Vec::new(),
        })
        .collect();
    groups.push(FieldGroup {
        anchor: "nhom-khac".into(),
        code: String::new(),
        name: "Số liệu khác".into(),
        fields: Vec::new(),
    });
    for el in plan.elements_for(unit) {
        let messages = |sev: Severity| {
            found
                .iter()
                .filter(|f| f.severity == sev && f.elements.contains(&el.code))
                .map(|f| f.message.as_str())
                .collect::<Vec<_>>()
                .join(" ")
        };
        let kind = FieldKind::of(el.value_type);
        let field = Field {
            code: el.code.clone(),
            label: el.name.clone(),
            unit: el.unit.clone().unwrap_or_default(),
            help: el.help.clone().unwrap_or_default(),
            kind,
            input: inputs
                .get(&el.code)
                .cloned()
                .unwrap_or_else(|| values.get(&el.code).map(|v| input_text(el, v)).unwrap_or_default()),
            display: shown(el, values.get(&el.code)),
            prev: shown(el, prev.and_then(|p| p.get(&el.code))),
            options: el.options.iter().map(|o| (o.code.clone(), o.name.clone())).collect(),
            error: field_errors
                .get(&el.code)
                .cloned()
                .unwrap_or_else(|| messages(Severity::Error)),
            warning: messages(Severity::Warning),
        };
        let at = el
            .group
            .as_ref()
            .and_then(|g| plan.target_groups.iter().position(|t| &t.code == g))
            .unwrap_or(groups.len() - 1);
        groups[at].fields.push(field);
    }
    groups.retain(|g| !g.fields.is_empty());
    // Two codes may make one slug (`III.4`, `III-4`): the later one is numbered.
    for i in 1..groups.len() {
        if groups[..i].iter().any(|g| g.anchor == groups[i].anchor) {
            groups[i].anchor = format!("{}-{}", groups[i].anchor, i + 1);
        }
    }
    groups
}

/// What a form sent, read: the changes to save, per-field errors, and the
/// raw inputs (to show again when there are errors).
#[derive(Default)]
pub struct Parsed {
    pub changes: Vec<(String, Option<DataValue>)>,
    pub errors: HashMap<String, String>,
    pub inputs: HashMap<String, String>,
}

/// Parses what the form sent for `unit`'s elements. Absent keys are left
/// alone; an empty input clears the value. Errors are per field, in Vietnamese.
pub fn parse_inputs(plan: &Plan, unit: &OrgUnit, posted: &HashMap<String, String>) -> Parsed {
    let mut out = Parsed::default();
    let Parsed {
        changes,
        errors,
        inputs,
    } = &mut out;
    for el in plan.elements_for(unit) {
        let Some(raw) = posted.get(&format!("v_{}", el.code)) else {
            continue;
        };
        inputs.insert(el.code.clone(), raw.clone());
        let raw = raw.trim();
        if raw.is_empty() {
            changes.push((el.code.clone(), None));
            continue;
        }
        let parsed = match el.value_type {
            ValueType::Count | ValueType::Percentage => {
                text::parse_number(raw, el.value_type == ValueType::Count).map(DataValue::Number)
            }
            ValueType::YesNo => match raw {
                "yes" => Ok(DataValue::Bool(true)),
                "no" => Ok(DataValue::Bool(false)),
                _ => Err("chọn Có hoặc Không".to_string()),
            },
            ValueType::Status => {
                if el.option_rank(raw).is_some() {
                    Ok(DataValue::Status(raw.to_string()))
                } else {
                    Err("mức không hợp lệ".to_string())
                }
            }
            ValueType::Text => text::clean(text::TextKind::Value, raw)
                .map(DataValue::Text)
                .map_err(|p| p.message()),
        };
        match parsed {
            Ok(v) => changes.push((el.code.clone(), Some(v))),
            Err(msg) => {
                errors.insert(el.code.clone(), format!("“{}”: {msg}.", el.name));
            }
        }
    }
    out
}

/// The narratives a form sent: ((task group, kind), text), each cleaned by
/// the one rule for user text; what cannot be cleaned is named in `problems`.
pub struct Narratives {
    pub texts: Vec<((i64, NarrativeKind), String)>,
    pub problems: Vec<String>,
}

pub fn read_narratives(plan: &Plan, posted: &HashMap<String, String>) -> Narratives {
    let mut out = Narratives {
        texts: Vec::new(),
        problems: Vec::new(),
    };
    for g in &plan.task_groups {
        for kind in NarrativeKind::ALL {
            let Some(raw) = posted.get(&format!("n_{}_{}", g.number, kind.as_str())) else {
                continue;
            };
            match text::clean(text::TextKind::Narrative, raw) {
                Ok(clean) => out.texts.push(((g.number, kind), clean)),
                Err(p) => {
                    let label = crate::narrative::label(kind);
                    out.problems
                        .push(format!("“{label}” của nhiệm vụ {}: {}", g.number, p.message()));
                    out.texts.push(((g.number, kind), raw.clone()));
                }
            }
        }
    }
    out
}
