use super::*;

#[test]
fn builtin_plan_loads_clean() {
    let plan = load(BUILTIN_BA_DINH).unwrap_or_else(|p| panic!("{p:#?}"));
    assert_eq!(plan.info.number, "56/KH-UBND");
    assert_eq!(plan.area().gso_code.as_deref(), Some("001"));
    assert_eq!(plan.indicators.len(), 16, "every target of II and III.4");
    let numbers: Vec<i64> = plan.indicators.iter().map(|i| i.number).collect();
    assert_eq!(numbers, (1..=16).collect::<Vec<_>>());
    let wards: Vec<&OrgUnit> = plan
        .org_units
        .iter()
        .filter(|u| u.unit_type == UnitType::Ward)
        .collect();
    assert_eq!(wards.len(), 14);
    assert_eq!(plan.unit("00001").unwrap().name, "Phường Phúc Xá");
    assert_eq!(plan.unit("00034").unwrap().name, "Phường Thành Công");
    assert_eq!(plan.task_groups.len(), 6);
    assert_eq!(plan.component_plans.len(), 5);
    // all nine responsibility groups of section V
    let groups: std::collections::BTreeSet<&str> = plan
        .responsibilities
        .iter()
        .map(|r| r.number.trim_end_matches(|c: char| c.is_alphabetic()))
        .collect();
    assert_eq!(groups.len(), 9);
    assert_eq!(plan.due_date(2026).unwrap().to_string(), "2026-12-10");
    assert_eq!(plan.reporting.reviews.len(), 2);
}

#[test]
fn builtin_targets_match_the_plan_text() {
    let plan = builtin();
    let num = |code: &str, year: i32| match &plan.target(code, year).unwrap().value {
        TargetValue::Number(n) => *n,
        other => panic!("{other:?}"),
    };
    let status = |code: &str, year: i32| match &plan.target(code, year).unwrap().value {
        TargetValue::Status(s) => s.clone(),
        other => panic!("{other:?}"),
    };
    assert_eq!(num("literacy_rate_15_60", 2025), 99.5);
    assert_eq!(num("literacy_rate_15_60", 2030), 99.6);
    assert_eq!(num("university_rate", 2025), 12.0);
    assert_eq!(num("clc_good_rate", 2030), 80.0);
    assert!(plan.target("clc_good_rate", 2025).is_none());
    assert_eq!(status("learning_district_title", 2025), "registered");
    assert_eq!(status("learning_district_title", 2030), "recognised");
    assert_eq!(status("literacy_standard_kept", 2030), "kept");
    for ind in &plan.indicators {
        assert!(plan.target(&ind.code, 2030).is_some(), "{} has a 2030 target", ind.code);
    }
}

/// Replaces `from` (which must occur) in the built-in plan and loads it.
fn load_with(from: &str, to: &str) -> Vec<Problem> {
    assert!(BUILTIN_BA_DINH.contains(from), "fixture text not found: {from}");
    let src = BUILTIN_BA_DINH.replacen(from, to, 1);
    match load(&src) {
        Ok(_) => panic!("the broken plan must be refused"),
        Err(problems) => problems,
    }
}

fn line_of(needle: &str) -> usize {
    let at = BUILTIN_BA_DINH.find(needle).unwrap();
    BUILTIN_BA_DINH[..at].matches('\n').count() + 1
}

#[test]
fn unknown_element_in_formula_names_line_and_column() {
    let needle = "numerator = \"literate_15_60\"";
    let problems = load_with(needle, "numerator = \"literate_15_6O\"");
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].line, line_of(needle));
    assert_eq!(problems[0].column, "numerator = \"".len() + 1);
    assert!(
        problems[0].message.contains("literate_15_6O"),
        "{}",
        problems[0].message
    );
}

#[test]
fn target_for_unknown_indicator() {
    let needle = "indicator = \"university_rate\"";
    let problems = load_with(needle, "indicator = \"univ_rate\"");
    assert_eq!(problems[0].line, line_of(needle));
    assert!(problems[0].message.contains("univ_rate"));
}

#[test]
fn duplicate_code() {
    let problems = load_with("code = \"00034\"", "code = \"00001\"");
    assert!(
        problems
            .iter()
            .any(|p| p.message.contains("00001") && p.message.contains("trùng")),
        "{problems:?}"
    );
}

#[test]
fn cycle_in_hierarchy() {
    // Make the city a child of the district: 01 → 001 → 01.
    let src = BUILTIN_BA_DINH.replacen("gso_code = \"01\"", "gso_code = \"01\"\nparent = \"001\"", 1);
    let Err(problems) = load(&src) else {
        panic!("a cycle must be refused")
    };
    assert!(problems.iter().any(|p| p.message.contains("vòng lặp")), "{problems:?}");
}

#[test]
fn bad_date() {
    let problems = load_with("date = 2022-02-08", "date = 2022-02-30");
    assert!(!problems.is_empty());
    assert_eq!(problems[0].line, line_of("date = 2022-02-08"));
    let problems = load_with(
        "approval_deadline = 2022-06-30",
        "approval_deadline = 2022-06-30T10:00:00",
    );
    assert!(problems[0].message.contains("YYYY-MM-DD"), "{problems:?}");
}

#[test]
fn status_target_must_be_an_option() {
    let problems = load_with("status = \"recognised\"", "status = \"famous\"");
    assert!(problems[0].message.contains("famous"));
}

#[test]
fn unknown_unit_type_and_unknown_parent() {
    let problems = load_with("type = \"ward\"", "type = \"hamlet\"");
    assert!(problems.iter().any(|p| p.message.contains("hamlet")));
    let problems = load_with("parent = \"00001\"", "parent = \"99999\"");
    assert!(problems.iter().any(|p| p.message.contains("99999")));
}

#[test]
fn rule_with_no_data_element_is_refused() {
    let needle = "left = \"literate_15_60\"\nop = \"<=\"\nright = \"pop_15_60\"";
    let problems = load_with(needle, "left = \"1\"\nop = \"<=\"\nright = \"2\"");
    assert!(
        problems.iter().any(|p| p.message.contains("không bao giờ")),
        "{problems:?}"
    );
}

#[test]
fn toml_syntax_error_has_a_place() {
    let Err(problems) = load("format = 1\n[plan\ncode = 1") else {
        panic!("bad TOML accepted")
    };
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].line, 2);
}

#[test]
fn an_elements_max_is_read_and_checked() {
    let with_max = BUILTIN_BA_DINH.replacen(
        "value_type = \"count\"\nunit = \"người\"\ngroup = \"a\"",
        "value_type = \"count\"\nmax = 500000\nunit = \"người\"\ngroup = \"a\"",
        1,
    );
    let plan = load(&with_max).unwrap_or_else(|p| panic!("{p:#?}"));
    let bounded = plan.data_elements.iter().find(|e| e.max.is_some()).unwrap();
    assert_eq!(bounded.upper_bound(), Some(500_000.0));
    let default = plan
        .data_elements
        .iter()
        .find(|e| e.value_type == ValueType::Count && e.max.is_none())
        .unwrap();
    assert_eq!(default.upper_bound(), Some(DEFAULT_MAX_COUNT));
    let problems = load_with(
        "value_type = \"count\"\nunit = \"người\"\ngroup = \"a\"",
        "value_type = \"count\"\nmax = -1\nunit = \"người\"\ngroup = \"a\"",
    );
    assert!(problems[0].message.contains("max phải là số dương"), "{problems:?}");
}

#[test]
fn reporting_years_are_bounded_by_the_period() {
    let plan = builtin();
    for year in [0, 1999, 2020, 2031, 3000, i32::MIN, i32::MAX] {
        let e = plan.reporting.check_year(year).unwrap_err();
        assert!(e.contains("2021-2030"), "{e}");
    }
    for year in [2021, 2026, 2030] {
        assert!(plan.reporting.check_year(year).is_ok());
    }
}
