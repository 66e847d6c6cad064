//! Types of the checked plan.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Serialize;

use crate::formula::Expr;

#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    pub format: i64,
    pub info: PlanInfo,
    pub reporting: Reporting,
    pub funding_sources: Vec<FundingSource>,
    pub org_units: Vec<OrgUnit>,
    pub target_groups: Vec<TargetGroup>,
    pub data_elements: Vec<DataElement>,
    pub indicators: Vec<Indicator>,
    pub targets: Vec<Target>,
    pub validation_rules: Vec<ValidationRule>,
    pub task_groups: Vec<TaskGroup>,
    pub responsibilities: Vec<Responsibility>,
    pub component_plans: Vec<ComponentPlan>,
    #[serde(skip)]
    pub(crate) index: PlanIndex,
}

/// Lookup tables built once at load.
#[derive(Debug, Clone, Default)]
pub(crate) struct PlanIndex {
    pub units: HashMap<String, usize>,
    pub elements: HashMap<String, usize>,
    pub indicators: HashMap<String, usize>,
}

impl Plan {
    pub fn unit(&self, code: &str) -> Option<&OrgUnit> {
        self.index.units.get(code).map(|&i| &self.org_units[i])
    }

    pub fn element(&self, code: &str) -> Option<&DataElement> {
        self.index.elements.get(code).map(|&i| &self.data_elements[i])
    }

    pub fn indicator(&self, code: &str) -> Option<&Indicator> {
        self.index.indicators.get(code).map(|&i| &self.indicators[i])
    }

    /// The plan's area (for Ba Đình, the district).
    pub fn area(&self) -> &OrgUnit {
        self.unit(&self.info.area).expect("checked at load")
    }

    /// Units that exist in the reporting year `year` (see [`OrgUnit::active_in`]).
    pub fn units_in(&self, year: i32) -> impl Iterator<Item = &OrgUnit> {
        self.org_units.iter().filter(move |u| u.active_in(year))
    }

    /// Data elements that `unit` reports.
    pub fn elements_for(&self, unit: &OrgUnit) -> impl Iterator<Item = &DataElement> {
        self.data_elements.iter().filter(move |e| e.reported_by_unit(unit))
    }

    /// Whether `unit` sends a yearly report: it reports a data element, or
    /// section V gives it duties (departments and organisations report their
    /// work as narrative even without figures).
    pub fn is_reporting_unit(&self, unit: &OrgUnit) -> bool {
        self.elements_for(unit).next().is_some() || self.responsibilities.iter().any(|r| r.units.contains(&unit.code))
    }

    pub fn targets_for(&self, indicator: &str) -> impl Iterator<Item = &Target> {
        self.targets
            .iter()
            .filter(move |t| t.indicator == indicator && t.org_unit.is_none())
    }

    pub fn target(&self, indicator: &str, year: i32) -> Option<&Target> {
        self.targets_for(indicator).find(|t| t.year == year)
    }

    /// The reporting deadline of `year`.
    pub fn due_date(&self, year: i32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(year, self.reporting.due_month, self.reporting.due_day)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct PlanInfo {
    pub code: String,
    pub number: String,
    pub date: NaiveDate,
    pub issuing_body: String,
    pub superior_body: Option<String>,
    pub place: String,
    pub title: String,
    pub title_en: Option<String>,
    pub area: String,
    pub signer_name: String,
    pub signer_title: String,
    pub signing_authority: Option<String>,
    pub legal_basis: Vec<String>,
    pub purposes: Vec<String>,
    pub requirements: Vec<String>,
    pub recipients: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Reporting {
    pub frequency: String,
    pub due_month: u32,
    pub due_day: u32,
    pub submit_to: String,
    pub first_year: i32,
    pub last_year: i32,
    pub baseline_year: i32,
    pub reviews: Vec<Review>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewKind {
    MidTerm,
    Final,
}

#[derive(Debug, Clone, Serialize)]
pub struct Review {
    pub year: i32,
    pub kind: ReviewKind,
    pub name: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FundingSource {
    pub code: String,
    pub name: String,
    pub description: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitType {
    Province,
    City,
    District,
    Commune,
    Ward,
    ResidentialGroup,
    Department,
    Organisation,
    EducationInstitution,
    CommunityLearningCentre,
}

impl UnitType {
    pub const ALL: [UnitType; 10] = [
        Self::Province,
        Self::City,
        Self::District,
        Self::Commune,
        Self::Ward,
        Self::ResidentialGroup,
        Self::Department,
        Self::Organisation,
        Self::EducationInstitution,
        Self::CommunityLearningCentre,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Province => "province",
            Self::City => "city",
            Self::District => "district",
            Self::Commune => "commune",
            Self::Ward => "ward",
            Self::ResidentialGroup => "residential_group",
            Self::Department => "department",
            Self::Organisation => "organisation",
            Self::EducationInstitution => "education_institution",
            Self::CommunityLearningCentre => "community_learning_centre",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.code() == code)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct OrgUnit {
    pub code: String,
    pub unit_type: UnitType,
    pub name: String,
    pub name_en: Option<String>,
    pub short_name: Option<String>,
    pub parent: Option<String>,
    pub gso_code: Option<String>,
    pub valid_from: Option<NaiveDate>,
    pub valid_to: Option<NaiveDate>,
}

impl Reporting {
    /// Whether `year` is one of the plan's reporting years.
    pub fn covers(&self, year: i32) -> bool {
        (self.first_year..=self.last_year).contains(&year)
    }

    /// `Err` with a Vietnamese message when `year` is outside the plan's period.
    pub fn check_year(&self, year: i32) -> Result<(), String> {
        if self.covers(year) {
            return Ok(());
        }
        Err(format!(
            "Năm {year} nằm ngoài thời gian của kế hoạch ({}-{}).",
            self.first_year, self.last_year
        ))
    }
}

impl OrgUnit {
    /// A unit reports for year `y` when it exists on 1 January of `y`: the
    /// wards merged on 1 July 2025 still report 2025, their successors from
    /// 2026 on, and no year is counted twice.
    pub fn active_in(&self, year: i32) -> bool {
        let Some(jan1) = NaiveDate::from_ymd_opt(year, 1, 1) else {
            return false;
        };
        self.valid_from.is_none_or(|d| d <= jan1) && self.valid_to.is_none_or(|d| d >= jan1)
    }

    pub fn display_name(&self) -> &str {
        self.short_name.as_deref().unwrap_or(&self.name)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct TargetGroup {
    pub code: String,
    pub name: String,
    pub name_en: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ValueType {
    Count,
    Percentage,
    YesNo,
    Status,
    Text,
}

impl ValueType {
    pub const ALL: [ValueType; 5] = [Self::Count, Self::Percentage, Self::YesNo, Self::Status, Self::Text];

    /// The name in plan files and in the `data_elements` table.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Count => "count",
            Self::Percentage => "percentage",
            Self::YesNo => "yes_no",
            Self::Status => "status",
            Self::Text => "text",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }

    /// Stored in the number column (the others in the text column).
    pub fn is_numeric(self) -> bool {
        matches!(self, Self::Count | Self::Percentage | Self::YesNo)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StatusOption {
    pub code: String,
    pub name: String,
    pub name_en: Option<String>,
}

/// Who reports an element: every unit of a type, or one named unit.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reporter {
    UnitType(UnitType),
    Unit(String),
}

#[derive(Debug, Clone, Serialize)]
pub struct DataElement {
    pub code: String,
    pub name: String,
    pub name_en: Option<String>,
    pub value_type: ValueType,
    pub unit: Option<String>,
    pub group: Option<String>,
    pub reported_by: Vec<Reporter>,
    pub help: Option<String>,
    pub options: Vec<StatusOption>,
    /// The plan's own upper bound for a count or a percentage, if it sets one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
}

/// The largest count any figure of a plan can hold unless the plan says
/// otherwise: more than every person in Vietnam, fewer than a typo's 1e20.
pub const DEFAULT_MAX_COUNT: f64 = 1e9;

impl DataElement {
    /// The largest value accepted: the plan's `max`, else 10^9 for counts and
    /// 100 for percentages; `None` for types without a numeric value.
    pub fn upper_bound(&self) -> Option<f64> {
        match self.value_type {
            ValueType::Count => Some(self.max.unwrap_or(DEFAULT_MAX_COUNT)),
            ValueType::Percentage => Some(self.max.unwrap_or(100.0).min(100.0)),
            ValueType::YesNo | ValueType::Status | ValueType::Text => None,
        }
    }

    pub fn reported_by_unit(&self, unit: &OrgUnit) -> bool {
        self.reported_by.iter().any(|r| match r {
            Reporter::UnitType(t) => *t == unit.unit_type,
            Reporter::Unit(c) => *c == unit.code,
        })
    }

    pub fn option_rank(&self, code: &str) -> Option<usize> {
        self.options.iter().position(|o| o.code == code)
    }
}

/// A formula with its source text (for people and JSON) and its checked tree.
#[derive(Debug, Clone, Serialize)]
pub struct Formula {
    pub text: String,
    #[serde(skip)]
    pub expr: Expr,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Increase,
    Decrease,
}

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum IndicatorKind {
    /// numerator / denominator × scale, summed up the hierarchy before dividing.
    Ratio {
        numerator: Formula,
        denominator: Formula,
        scale: f64,
    },
    /// Share (in %) of the units of a type whose condition holds.
    Share { unit_type: UnitType, condition: Formula },
    /// A status read from the one unit that reports `element`.
    StatusElement { element: String },
    /// "met" when at least `at_least` % of the units of a type meet `condition`.
    StatusDerived {
        unit_type: UnitType,
        condition: Formula,
        at_least: f64,
        met: String,
        not_met: String,
    },
}

#[derive(Debug, Clone, Serialize)]
pub struct Indicator {
    pub code: String,
    pub number: i64,
    pub group: String,
    pub name: String,
    pub name_en: Option<String>,
    pub unit: Option<String>,
    pub direction: Direction,
    pub help: Option<String>,
    #[serde(flatten)]
    pub kind: IndicatorKind,
    /// Ordered status options (worst first) for status indicators.
    pub options: Vec<StatusOption>,
}

impl Indicator {
    pub fn is_status(&self) -> bool {
        matches!(
            self.kind,
            IndicatorKind::StatusElement { .. } | IndicatorKind::StatusDerived { .. }
        )
    }

    pub fn option(&self, code: &str) -> Option<&StatusOption> {
        self.options.iter().find(|o| o.code == code)
    }

    pub fn option_rank(&self, code: &str) -> Option<usize> {
        self.options.iter().position(|o| o.code == code)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetValue {
    Number(f64),
    Status(String),
}

#[derive(Debug, Clone, Serialize)]
pub struct Target {
    pub indicator: String,
    pub year: i32,
    pub value: TargetValue,
    pub org_unit: Option<String>,
    pub text: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Error,
    Warning,
}

#[derive(Debug, Clone, Serialize)]
pub struct ValidationRule {
    pub code: String,
    pub left: Formula,
    pub op: crate::formula::CmpOp,
    pub right: Formula,
    pub severity: Severity,
    pub message: String,
    /// Elements the rule reads; it runs for units that report all of them.
    pub elements: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TaskGroup {
    pub number: i64,
    pub title: String,
    pub title_en: Option<String>,
    pub tasks: Vec<Task>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Task {
    pub code: String,
    pub heading: Option<String>,
    pub text: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Responsibility {
    pub number: String,
    pub title: String,
    pub units: Vec<String>,
    pub requested: bool,
    pub duties: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ComponentPlan {
    pub number: i64,
    pub title: String,
    pub content: String,
    pub lead: String,
    pub coordinating: Vec<String>,
    pub approval_deadline: NaiveDate,
    pub approval_deadline_label: Option<String>,
}
