//! Types of the checked plan.

use std::collections::{HashMap, HashSet};
use std::ops::RangeInclusive;
use std::sync::{Mutex, OnceLock};

use chrono::NaiveDate;
use serde::{Serialize, Serializer};

use crate::formula::{CmpOp, Expr};
use crate::indicator::IndicatorValue;

#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    pub format: i64,
    pub info: PlanInfo,
    pub reporting: Reporting,
    /// The yearly report XHHT writes: issuer, symbol, signer, recipients.
    pub report: ReportInfo,
    /// The unit types the plan uses, with its own words for them.
    pub unit_types: Vec<UnitTypeInfo>,
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

    /// The last day of the plan's period: the day it ended, or 31/12 of its
    /// last year. No deadline is extended past it.
    pub fn period_end(&self) -> NaiveDate {
        let last = NaiveDate::from_ymd_opt(self.reporting.last_year, 12, 31).expect("a valid year");
        match &self.info.ended {
            Some((day, _)) => last.min(*day),
            None => last,
        }
    }

    /// The deadline as the plan writes it, without a year: `05/12`.
    pub fn due_day_month(&self) -> String {
        format!("{:02}/{:02}", self.reporting.due_day, self.reporting.due_month)
    }

    /// The unit that receives, reviews and compiles the reports
    /// (`submit_to`: Phòng GD&ĐT for Ba Đình, a ward's office elsewhere).
    pub fn reviewer(&self) -> &OrgUnit {
        self.unit(&self.reporting.submit_to).expect("checked at load")
    }

    /// The plan's words for a unit type, if it declares it.
    pub fn unit_type_info(&self, t: UnitType) -> Option<&UnitTypeInfo> {
        self.unit_types.iter().find(|i| i.unit_type == t)
    }

    /// "phường", "tổ dân phố", "trường học": the plan's singular label.
    pub fn type_name(&self, t: UnitType) -> &str {
        self.unit_type_info(t).map_or(t.code(), |i| i.name.as_str())
    }

    /// "các phường", "các tổ dân phố": the plan's plural label.
    pub fn type_plural(&self, t: UnitType) -> &str {
        self.unit_type_info(t).map_or(t.code(), |i| i.plural.as_str())
    }

    /// Years a unit can enter figures for: the baseline year (which may
    /// precede the first reporting year) through the last reporting year.
    pub fn entry_years(&self) -> RangeInclusive<i32> {
        let r = &self.reporting;
        r.baseline_year.min(r.first_year)..=self.last_entry_year()
    }

    /// `Err` with a Vietnamese message when no report is taken for `year`:
    /// outside the plan's period, or after the plan ended.
    pub fn check_year(&self, year: i32) -> Result<(), String> {
        self.reporting.check_year(year)?;
        match &self.info.ended {
            Some((day, reason)) if year > self.last_entry_year() => Err(format!(
                "Kế hoạch {} đã kết thúc ngày {} ({reason}), không nhận báo cáo năm {year}.",
                self.info.number,
                day.format("%d/%m/%Y")
            )),
            _ => Ok(()),
        }
    }

    /// The last year units report under this plan: its last year, or the
    /// year it ended (56/KH-UBND ended on 30/6/2025: 2025 is its last).
    pub fn last_entry_year(&self) -> i32 {
        let last = self.reporting.last_year;
        match &self.info.ended {
            Some((day, _)) => last.min(chrono::Datelike::year(day)),
            None => last,
        }
    }

    /// The years the plan sets targets for (2025 and 2030 for Ba Đình), in
    /// order: the columns of every target table.
    pub fn milestone_years(&self) -> Vec<i32> {
        let mut years: Vec<i32> = self
            .targets
            .iter()
            .filter(|t| t.org_unit.is_none())
            .map(|t| t.year)
            .collect();
        years.sort_unstable();
        years.dedup();
        years
    }

    /// The mid-term or final review held in `year`, if any.
    pub fn review(&self, year: i32) -> Option<&Review> {
        self.reporting.reviews.iter().find(|r| r.year == year)
    }

    /// The target a value of `year` is judged against: the first target of
    /// the indicator in `year` or later (a floor is in force every year up
    /// to its own), else the last one (after it, the plan's words still hold).
    pub fn governing_target(&self, indicator: &str, year: i32) -> Option<&Target> {
        let mut targets: Vec<&Target> = self.targets_for(indicator).collect();
        targets.sort_by_key(|t| t.year);
        targets.iter().find(|t| t.year >= year).or(targets.last()).copied()
    }

    /// The target before `target` for the same indicator: where its path starts.
    pub fn previous_target(&self, target: &Target) -> Option<&Target> {
        self.targets_for(&target.indicator)
            .filter(|t| t.year < target.year)
            .max_by_key(|t| t.year)
    }

    /// Whether `target` speaks about `unit`: not when the plan says "không áp
    /// dụng", nor for a unit type outside its `applies_to`.
    pub fn target_applies(&self, target: &Target, unit: &OrgUnit) -> bool {
        !target.not_applicable && target.applies_to.as_ref().is_none_or(|ts| ts.contains(&unit.unit_type))
    }

    /// A value computed from fewer approved units than the plan's coverage
    /// threshold is provisional ("tạm tính"): shown, never judged.
    pub fn is_provisional(&self, value: &IndicatorValue) -> bool {
        let expected = value.units_expected as f64;
        value.units_expected > 0 && (value.units_counted as f64) * 100.0 + 1e-9 < self.reporting.min_coverage * expected
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
    /// Ended before its last year, with the reason (both or neither).
    pub ended: Option<(NaiveDate, String)>,
    /// Code of the plan this one continues.
    pub predecessor: Option<String>,
    /// A sample plan ("kế hoạch mẫu"), not one a People's Committee signed.
    pub sample: bool,
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
    /// Share (%) of the expected units that must be approved before a value
    /// gets a verdict; below it the value is provisional. Default 100.
    pub min_coverage: f64,
}

/// The yearly report as the plan has it issued and signed (Decree 30/2020).
#[derive(Debug, Clone, Serialize)]
pub struct ReportInfo {
    /// Top-left of the header: the body that issues the report.
    pub issuing_body: String,
    /// The body above it, printed over it when the issuer is an agency of it.
    pub superior_body: Option<String>,
    /// "BC-UBND" in "Số: …/BC-UBND".
    pub symbol: String,
    /// The place before the date ("Ba Đình, ngày …").
    pub place: String,
    /// "TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH" (lines separated by `\n`).
    pub signing_authority: Option<String>,
    pub signer_title: String,
    pub signer_name: String,
    /// "Nơi nhận".
    pub recipients: Vec<String>,
    /// Days before a unit's deadline on which it is reminded while its
    /// report is still missing, largest first (see `crate::reminders`).
    pub reminder_days: Vec<u32>,
}

/// A unit type the plan uses and its Vietnamese names.
#[derive(Debug, Clone, Serialize)]
pub struct UnitTypeInfo {
    pub unit_type: UnitType,
    pub name: String,
    pub plural: String,
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

/// A kind of org unit. The catalogue covers the usual levels and bodies; a
/// format-2 plan may declare others ("cluster", "school"), which become
/// [`UnitType::Declared`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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
    /// A type only its plan knows, by its code. Codes are interned so the
    /// type stays `Copy` (each distinct code is kept once for the process).
    Declared(&'static str),
}

impl Serialize for UnitType {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
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
            Self::Declared(code) => code,
        }
    }

    /// A catalogue type by its code.
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.code() == code)
    }

    /// A catalogue type, or a declared one for any other code.
    pub fn of(code: &str) -> Self {
        Self::parse(code).unwrap_or_else(|| Self::Declared(intern(code)))
    }
}

fn intern(code: &str) -> &'static str {
    static CODES: OnceLock<Mutex<HashSet<&'static str>>> = OnceLock::new();
    let mut codes = CODES
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(&c) = codes.get(code) {
        return c;
    }
    let leaked: &'static str = Box::leak(code.to_owned().into_boxed_str());
    codes.insert(leaked);
    leaked
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
    /// The change from last year, in percent, past which a count is flagged.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub jump: Option<Jump>,
}

/// How far a count may move from last year before the form asks why, in
/// percent of last year's value; `None` leaves that direction unchecked.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Jump {
    pub up: Option<f64>,
    pub down: Option<f64>,
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
    /// Decimals a value is shown with at least (1 unless the plan says).
    pub decimals: usize,
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

/// How a target reads in time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetKind {
    /// "Đến năm 2030 …": to reach by its year, judged "on track" before.
    ByYear,
    /// "Duy trì … trở lên": a floor met every year up to its year.
    FloorEveryYear,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Target {
    pub indicator: String,
    pub year: i32,
    pub value: TargetValue,
    pub org_unit: Option<String>,
    pub text: Option<String>,
    /// ≥, ≤ or = (only `Ge`, `Le`, `Eq`); for status targets on option rank.
    pub comparison: CmpOp,
    pub kind: TargetKind,
    /// Unit types the target speaks about; `None`: every unit with a value.
    pub applies_to: Option<Vec<UnitType>>,
    /// "Không áp dụng": the plan states it but it concerns no unit here.
    pub not_applicable: bool,
}

impl Target {
    /// Whether `value` meets the target (numbers within 1e-9).
    pub fn met_by(&self, value: f64) -> bool {
        let TargetValue::Number(t) = self.value else {
            return false;
        };
        compare_num(self.comparison, value, t)
    }
}

/// `a op b` with a tolerance for floating-point noise (199/200×100).
pub fn compare_num(op: CmpOp, a: f64, b: f64) -> bool {
    let ord = if (a - b).abs() <= 1e-9 {
        std::cmp::Ordering::Equal
    } else if a < b {
        std::cmp::Ordering::Less
    } else {
        std::cmp::Ordering::Greater
    };
    op.holds(ord)
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
    /// The unit that leads the group's tasks ("chủ trì"), if the plan names one.
    pub lead: Option<String>,
    /// Units that coordinate ("phối hợp").
    pub coordinating: Vec<String>,
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
