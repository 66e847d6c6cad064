//! The plan file as written by people: TOML, versioned by `format`.
//!
//! These types mirror the file one to one and keep the source span of every
//! field that `plan check` may need to point at. They are turned into the
//! checked [`crate::plan::Plan`] by [`crate::plan::check`]; nothing else reads them.

use serde::Deserialize;
use serde_spanned::Spanned;
use toml::value::Datetime;

/// A span-carrying string, the most common field kind.
pub type SStr = Spanned<String>;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanFile {
    pub format: Spanned<i64>,
    pub plan: PlanInfoEntry,
    pub reporting: ReportingEntry,
    /// Format 2: the yearly report's issuer, symbol, signer and recipients.
    #[serde(default)]
    pub report: Option<ReportEntry>,
    /// Format 2: the unit types the plan uses, with their Vietnamese names.
    #[serde(default)]
    pub unit_types: Vec<UnitTypeEntry>,
    #[serde(default)]
    pub funding_sources: Vec<FundingSourceEntry>,
    #[serde(default)]
    pub org_units: Vec<OrgUnitEntry>,
    #[serde(default)]
    pub target_groups: Vec<TargetGroupEntry>,
    #[serde(default)]
    pub data_elements: Vec<DataElementEntry>,
    #[serde(default)]
    pub indicators: Vec<IndicatorEntry>,
    #[serde(default)]
    pub targets: Vec<TargetEntry>,
    #[serde(default)]
    pub validation_rules: Vec<RuleEntry>,
    #[serde(default)]
    pub task_groups: Vec<TaskGroupEntry>,
    #[serde(default)]
    pub responsibilities: Vec<ResponsibilityEntry>,
    #[serde(default)]
    pub component_plans: Vec<ComponentPlanEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanInfoEntry {
    pub code: SStr,
    pub number: String,
    pub date: Spanned<Datetime>,
    pub issuing_body: String,
    #[serde(default)]
    pub superior_body: Option<String>,
    pub place: String,
    pub title: String,
    #[serde(default)]
    pub title_en: Option<String>,
    /// Code of the org unit the plan covers (its "area").
    pub area: SStr,
    pub signer_name: String,
    pub signer_title: String,
    #[serde(default)]
    pub signing_authority: Option<String>,
    #[serde(default)]
    pub legal_basis: Vec<String>,
    #[serde(default)]
    pub purposes: Vec<String>,
    #[serde(default)]
    pub requirements: Vec<String>,
    #[serde(default)]
    pub recipients: Vec<String>,
    /// The day the plan stopped applying, when it ended before its last year
    /// (56/KH-UBND: 30/6/2025, when the district was abolished).
    #[serde(default)]
    pub ended_on: Option<Spanned<Datetime>>,
    #[serde(default)]
    pub end_reason: Option<String>,
    /// Code of the plan this one continues (its history is carried over).
    #[serde(default)]
    pub predecessor: Option<String>,
    /// A sample plan, written to show the product: every page says so.
    #[serde(default)]
    pub sample: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportingEntry {
    pub frequency: SStr,
    pub due_month: Spanned<i64>,
    pub due_day: Spanned<i64>,
    /// Org unit that receives and compiles the reports.
    pub submit_to: SStr,
    pub first_year: Spanned<i64>,
    pub last_year: Spanned<i64>,
    pub baseline_year: Spanned<i64>,
    #[serde(default)]
    pub reviews: Vec<ReviewEntry>,
    /// Share (%) of expected units approved before a value gets a verdict.
    #[serde(default)]
    pub min_coverage: Option<Spanned<f64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportEntry {
    #[serde(default)]
    pub issuing_body: Option<String>,
    #[serde(default)]
    pub superior_body: Option<String>,
    pub symbol: SStr,
    #[serde(default)]
    pub place: Option<String>,
    #[serde(default)]
    pub signing_authority: Option<String>,
    pub signer_title: SStr,
    pub signer_name: SStr,
    pub recipients: Spanned<Vec<String>>,
    /// Days before the deadline on which units still owing their report
    /// are reminded (`[14, 7, 3, 1]` when absent).
    #[serde(default)]
    pub reminder_days: Option<Spanned<Vec<i64>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnitTypeEntry {
    pub code: SStr,
    /// Singular ("tổ dân phố").
    pub name: SStr,
    /// Plural ("các tổ dân phố").
    pub plural: SStr,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReviewEntry {
    pub year: Spanned<i64>,
    pub kind: SStr,
    #[serde(default)]
    pub name: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FundingSourceEntry {
    pub code: SStr,
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrgUnitEntry {
    pub code: SStr,
    #[serde(rename = "type")]
    pub unit_type: SStr,
    pub name: String,
    #[serde(default)]
    pub name_en: Option<String>,
    #[serde(default)]
    pub short_name: Option<String>,
    #[serde(default)]
    pub parent: Option<SStr>,
    /// Official code of the General Statistics Office, for administrative units.
    #[serde(default)]
    pub gso_code: Option<SStr>,
    #[serde(default)]
    pub valid_from: Option<Spanned<Datetime>>,
    #[serde(default)]
    pub valid_to: Option<Spanned<Datetime>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetGroupEntry {
    pub code: SStr,
    pub name: String,
    #[serde(default)]
    pub name_en: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OptionEntry {
    pub code: SStr,
    pub name: String,
    #[serde(default)]
    pub name_en: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DataElementEntry {
    pub code: SStr,
    pub name: String,
    #[serde(default)]
    pub name_en: Option<String>,
    pub value_type: SStr,
    /// Unit of measure shown beside the field ("người", "đơn vị").
    #[serde(default)]
    pub unit: Option<String>,
    #[serde(default)]
    pub group: Option<SStr>,
    /// Unit types or org-unit codes that report this element.
    pub reported_by: Vec<SStr>,
    #[serde(default)]
    pub help: Option<String>,
    /// Ordered options, worst to best, for `status` elements.
    #[serde(default)]
    pub options: Vec<OptionEntry>,
    /// Upper bound of a `count` (default 10^9) or `percentage` (at most 100).
    #[serde(default)]
    pub max: Option<Spanned<f64>>,
    /// Warn when a count moves more than this many percent from last year:
    /// `jump = { up = 20, down = 20 }`, or one direction only.
    #[serde(default)]
    pub jump: Option<JumpEntry>,
}

/// A data element's `jump`: how many percent up and down from last year
/// before the form asks why; a missing direction is not checked.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JumpEntry {
    #[serde(default)]
    pub up: Option<Spanned<f64>>,
    #[serde(default)]
    pub down: Option<Spanned<f64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DerivedStatusEntry {
    pub unit_type: SStr,
    pub condition: SStr,
    pub at_least: Spanned<f64>,
    pub met: SStr,
    pub not_met: SStr,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndicatorEntry {
    pub code: SStr,
    pub number: Spanned<i64>,
    pub group: SStr,
    pub name: String,
    #[serde(default)]
    pub name_en: Option<String>,
    pub kind: SStr,
    #[serde(default)]
    pub unit: Option<String>,
    #[serde(default)]
    pub direction: Option<SStr>,
    #[serde(default)]
    pub help: Option<String>,
    #[serde(default)]
    pub decimals: Option<Spanned<i64>>,
    /// `ratio`: formulas over data-element codes.
    #[serde(default)]
    pub numerator: Option<SStr>,
    #[serde(default)]
    pub denominator: Option<SStr>,
    #[serde(default)]
    pub scale: Option<Spanned<f64>>,
    /// `share`: share of units of a type whose condition holds.
    #[serde(default)]
    pub unit_type: Option<SStr>,
    #[serde(default)]
    pub condition: Option<SStr>,
    /// `status`: read from one reported element ...
    #[serde(default)]
    pub element: Option<SStr>,
    /// ... or derived from the share of units meeting a condition.
    #[serde(default)]
    pub derived: Option<DerivedStatusEntry>,
    /// Ordered status options (worst to best) for derived status indicators.
    #[serde(default)]
    pub options: Vec<OptionEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetEntry {
    pub indicator: SStr,
    pub year: Spanned<i64>,
    #[serde(default)]
    pub value: Option<Spanned<f64>>,
    #[serde(default)]
    pub status: Option<SStr>,
    #[serde(default)]
    pub org_unit: Option<SStr>,
    /// The plan's own words for the target ("Duy trì 99,5% trở lên").
    #[serde(default)]
    pub text: Option<String>,
    /// `>=` / `≥`, `<=` / `≤`, `=`.
    #[serde(default)]
    pub comparison: Option<SStr>,
    /// `by_year` (default) or `floor_every_year`.
    #[serde(default)]
    pub kind: Option<SStr>,
    /// Unit types the target speaks about.
    #[serde(default)]
    pub applies_to: Option<Vec<SStr>>,
    #[serde(default)]
    pub not_applicable: Option<Spanned<bool>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleEntry {
    pub code: SStr,
    pub left: SStr,
    pub op: SStr,
    pub right: SStr,
    pub severity: SStr,
    pub message: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaskGroupEntry {
    pub number: Spanned<i64>,
    pub title: String,
    #[serde(default)]
    pub title_en: Option<String>,
    #[serde(default)]
    pub tasks: Vec<TaskEntry>,
    #[serde(default)]
    pub lead: Option<SStr>,
    #[serde(default)]
    pub coordinating: Vec<SStr>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaskEntry {
    pub code: SStr,
    pub text: String,
    #[serde(default)]
    pub heading: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResponsibilityEntry {
    pub number: SStr,
    pub title: String,
    pub units: Vec<SStr>,
    /// True where the plan "requests" rather than orders (Party bodies).
    #[serde(default)]
    pub requested: bool,
    pub duties: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ComponentPlanEntry {
    pub number: Spanned<i64>,
    pub title: String,
    pub content: String,
    pub lead: SStr,
    pub coordinating: Vec<SStr>,
    pub approval_deadline: Spanned<Datetime>,
    #[serde(default)]
    pub approval_deadline_label: Option<String>,
}
