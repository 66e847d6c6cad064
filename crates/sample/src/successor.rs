//! Sample data for a successor ward's own plan (the sample Phường Ba Đình
//! plan): its residential groups' first year under the new plan, in
//! progress — some approved, some sent, one returned, some drafts, some not
//! started. Elements the generator does not know are left empty.

use chrono::{DateTime, Utc};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use xhht_domain::plan::{OrgUnit, Plan, UnitType};
use xhht_domain::values::DataValue;
use xhht_domain::workflow::ReportState;

use crate::SampleReport;
use crate::generate::{at, count, narratives, rng_for};

/// The reports of `plan`'s reporting units for `year`, the year in progress.
pub fn generate_successor(plan: &Plan, seed: u64, year: i32) -> Vec<SampleReport> {
    let units: Vec<&OrgUnit> = plan.units_in(year).filter(|u| plan.is_reporting_unit(u)).collect();
    let mut out = Vec::new();
    for (i, unit) in units.iter().enumerate() {
        let mut rng = rng_for(seed, &unit.code);
        let Some((state, submitted_at, decided_at)) = progress(i, year) else {
            continue;
        };
        let mut values = match unit.unit_type {
            UnitType::ResidentialGroup => group_values(plan, &mut rng),
            UnitType::CommunityLearningCentre => known(plan, vec![("clc_classes", count(rng.random_range(6.0..18.0)))]),
            _ => Vec::new(),
        };
        if state == ReportState::Draft {
            values.truncate(values.len() / 2); // a draft half filled in
        }
        out.push(SampleReport {
            unit: unit.code.clone(),
            year,
            values,
            narratives: narratives(plan, &mut rng, year, state),
            state,
            explanation: None,
            submitted_at,
            decided_at,
        });
    }
    out
}

/// A report's final state, when it was sent and when it was decided.
type Progress = (ReportState, Option<DateTime<Utc>>, Option<DateTime<Utc>>);

/// Where the i-th unit's report stands in late November of `year`.
fn progress(i: usize, year: i32) -> Option<Progress> {
    let sent = Some(at(year, 11, 16 + (i as u32 % 8), 2));
    match i % 6 {
        0 | 3 => Some((ReportState::Approved, sent, Some(at(year, 11, 24, 3)))),
        1 => Some((ReportState::Submitted, sent, None)),
        2 => Some((ReportState::Returned, sent, Some(at(year, 11, 25, 1)))),
        4 => Some((ReportState::Draft, None, None)),
        _ => None, // not started
    }
}

/// A residential group of 1.200-2.600 people: the same measures as a ward
/// of 56/KH-UBND reported, at a group's scale.
fn group_values(plan: &Plan, rng: &mut ChaCha8Rng) -> Vec<(String, DataValue)> {
    let pop = rng.random_range(1_200.0_f64..2_600.0).round();
    let pop_15_60 = (pop * rng.random_range(0.76..0.8)).round();
    let literate = (pop_15_60 * rng.random_range(0.9955..0.9985)).round();
    let working = (pop_15_60 * rng.random_range(0.92..0.95)).round();
    let households = (pop / rng.random_range(2.9..3.4)).round();
    known(
        plan,
        vec![
            ("pop_15_plus", count(pop)),
            ("pop_15_60", count(pop_15_60)),
            ("literate_15_60", count(literate)),
            ("working_age_pop", count(working)),
            (
                "working_age_info_competent",
                count(working * rng.random_range(0.5..0.66)),
            ),
            ("learning_citizens", count(pop * rng.random_range(0.45..0.62))),
            ("households", count(households)),
            ("learning_households", count(households * rng.random_range(0.6..0.78))),
        ],
    )
}

/// Only the elements the plan has.
fn known(plan: &Plan, values: Vec<(&str, DataValue)>) -> Vec<(String, DataValue)> {
    values
        .into_iter()
        .filter(|(c, _)| plan.element(c).is_some())
        .map(|(c, v)| (c.to_string(), v))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use xhht_domain::plan::{Severity, sample_ward};
    use xhht_domain::validation::validate;
    use xhht_domain::values::UnitValues;

    #[test]
    fn the_ward_year_in_progress_is_varied_and_valid() {
        let plan = sample_ward();
        let reports = generate_successor(&plan, crate::SEED, 2026);
        let states: std::collections::BTreeSet<&str> = reports.iter().map(|r| r.state.as_str()).collect();
        assert!(
            states.len() >= 4,
            "approved, submitted, returned and drafts: {states:?}"
        );
        for r in &reports {
            let unit = plan.unit(&r.unit).unwrap();
            let values: UnitValues = r.values.iter().cloned().collect();
            let errors: Vec<_> = validate(&plan, unit, &values, None)
                .into_iter()
                .filter(|f| f.severity == Severity::Error)
                .collect();
            assert!(errors.is_empty(), "{}: {errors:?}", r.unit);
        }
        assert_eq!(
            generate_successor(&plan, crate::SEED, 2026),
            reports,
            "same seed, same data"
        );
    }
}
