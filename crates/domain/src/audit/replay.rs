//! The official (approved) values as the audit trail says they should be:
//! replaying every value change of a report's working copy and, at each
//! approval, taking that copy as the report's official values (what the
//! approval transaction does in storage). Comparing the result with the
//! stored official values finds a figure changed outside the application.
//!
//! Limit: a year loaded in bulk ([`Change::ValuesImported`]) records counts,
//! not values, so the reports of such a plan and year are not replayed;
//! they are counted as unchecked.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;

use serde::Serialize;

use super::{Change, Event, Recorded};

/// A report: (plan id, unit, year).
pub type ReportKey = (i64, String, i32);

/// Official values per report, per element.
pub type Official = BTreeMap<ReportKey, BTreeMap<String, Recorded>>;

/// The replay in progress: feed events oldest first with [`Replay::apply`].
#[derive(Debug, Default)]
pub struct Replay {
    working: HashMap<ReportKey, BTreeMap<String, Recorded>>,
    official: Official,
    imported: BTreeSet<(i64, i32)>,
}

impl Replay {
    /// One event of plan `plan` (events outside any plan change no values).
    pub fn apply(&mut self, plan: Option<i64>, event: &Event) {
        let (Some(plan), Some(year)) = (plan, event.year) else {
            return;
        };
        if let Change::ValuesImported { .. } = event.change {
            self.imported.insert((plan, year));
            return;
        }
        let Some(unit) = &event.unit else {
            return;
        };
        let key = (plan, unit.clone(), year);
        match &event.change {
            Change::ValueSet { element, new, .. } => {
                let values = self.working.entry(key).or_default();
                match new {
                    Some(v) => values.insert(element.clone(), v.clone()),
                    None => values.remove(element),
                };
            }
            Change::Approved => {
                let values = self.working.get(&key).cloned().unwrap_or_default();
                self.official.insert(key, values);
            }
            _ => {}
        }
    }

    /// Compares the replayed official values with the `stored` ones, report
    /// by report in key order; the first difference, if any.
    pub fn compare(&self, stored: &Official) -> ValuesCheck {
        let mut out = ValuesCheck::default();
        let keys: BTreeSet<&ReportKey> = self.official.keys().chain(stored.keys()).collect();
        let empty = BTreeMap::new();
        for key in keys {
            if self.imported.contains(&(key.0, key.2)) {
                out.unchecked_reports += 1;
                continue;
            }
            out.checked_reports += 1;
            let replayed = self.official.get(key).unwrap_or(&empty);
            let found = stored.get(key).unwrap_or(&empty);
            let elements: BTreeSet<&String> = replayed.keys().chain(found.keys()).collect();
            for element in elements {
                let (want, got) = (replayed.get(element), found.get(element));
                if want != got {
                    out.mismatch = Some(ValueMismatch {
                        plan: key.0,
                        unit: key.1.clone(),
                        year: key.2,
                        element: element.clone(),
                        expected: want.cloned(),
                        found: got.cloned(),
                    });
                    return out;
                }
            }
        }
        out
    }
}

/// What comparing the official values found.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct ValuesCheck {
    /// Reports compared (with official values replayed or stored).
    pub checked_reports: u64,
    /// Reports of years loaded in bulk, which the trail cannot replay.
    pub unchecked_reports: u64,
    pub mismatch: Option<ValueMismatch>,
}

/// The first official value that differs from the trail.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ValueMismatch {
    pub plan: i64,
    pub unit: String,
    pub year: i32,
    pub element: String,
    /// What the trail says (`None`: no official value).
    pub expected: Option<Recorded>,
    /// What the values table holds.
    pub found: Option<Recorded>,
}

impl fmt::Display for ValueMismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let show = |v: &Option<Recorded>| match v {
            None => "(không có)".to_string(),
            Some(Recorded::Number(n)) => n.to_string(),
            Some(Recorded::Text(t)) => format!("“{t}”"),
        };
        write!(
            f,
            "số liệu chính thức của đơn vị {}, năm {}, chỉ số “{}” là {} nhưng theo nhật ký phải là {}",
            self.unit,
            self.year,
            self.element,
            show(&self.found),
            show(&self.expected)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(unit: &str, change: Change) -> Event {
        Event {
            at: "2026-12-01T00:00:00.000Z".into(),
            actor: "x".into(),
            unit: Some(unit.into()),
            year: Some(2026),
            note: None,
            change,
        }
    }

    fn set(element: &str, new: Option<f64>) -> Change {
        Change::ValueSet {
            element: element.into(),
            old: None,
            new: new.map(Recorded::Number),
        }
    }

    fn stored(values: &[(&str, &str, f64)]) -> Official {
        let mut out = Official::new();
        for (unit, element, v) in values {
            out.entry((1, unit.to_string(), 2026))
                .or_default()
                .insert(element.to_string(), Recorded::Number(*v));
        }
        out
    }

    #[test]
    fn an_approval_takes_the_working_copy_and_later_edits_wait_for_the_next() {
        let mut r = Replay::default();
        for e in [
            ev("a", set("x", Some(1.0))),
            ev("a", set("y", Some(2.0))),
            ev("a", set("y", None)),
            ev("a", Change::Approved),
            ev("a", set("x", Some(5.0))),
        ] {
            r.apply(Some(1), &e);
        }
        let check = r.compare(&stored(&[("a", "x", 1.0)]));
        assert_eq!((check.checked_reports, check.mismatch), (1, None));
        let check = r.compare(&stored(&[("a", "x", 5.0)]));
        let m = check.mismatch.unwrap();
        assert_eq!((m.unit.as_str(), m.element.as_str()), ("a", "x"));
        assert_eq!(m.expected, Some(Recorded::Number(1.0)));
        assert!(m.to_string().contains("“x”"), "{m}");
    }

    #[test]
    fn a_stored_value_with_no_approval_is_a_mismatch() {
        let r = Replay::default();
        let m = r.compare(&stored(&[("b", "x", 1.0)])).mismatch.unwrap();
        assert_eq!((m.expected, m.found), (None, Some(Recorded::Number(1.0))));
    }

    #[test]
    fn bulk_loaded_years_are_counted_unchecked() {
        let mut r = Replay::default();
        let mut import = ev("a", Change::ValuesImported { values: 1, units: 1 });
        import.unit = None;
        r.apply(Some(1), &import);
        let check = r.compare(&stored(&[("a", "x", 1.0)]));
        assert_eq!((check.checked_reports, check.unchecked_reports), (0, 1));
        assert_eq!(check.mismatch, None);
    }
}
