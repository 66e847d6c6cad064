//! The register's values: units, their dated parents, their successors.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The measure shares are taken of unless another is named.
pub const POPULATION: &str = "population";

/// A unit's identity: its official code and the day it began. `valid_from`
/// is `None` for units that existed before the register's records begin.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct UnitKey {
    pub code: String,
    pub valid_from: Option<NaiveDate>,
}

impl UnitKey {
    pub fn new(code: impl Into<String>, valid_from: Option<NaiveDate>) -> Self {
        Self {
            code: code.into(),
            valid_from,
        }
    }
}

impl std::fmt::Display for UnitKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.valid_from {
            Some(d) => write!(f, "{} (từ {})", self.code, d.format("%d/%m/%Y")),
            None => f.write_str(&self.code),
        }
    }
}

/// The kinds of administrative unit in Vietnam's three (since 1/7/2025, two)
/// levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AdminUnitType {
    /// tỉnh
    Province,
    /// thành phố trực thuộc trung ương
    Municipality,
    /// quận
    UrbanDistrict,
    /// huyện
    RuralDistrict,
    /// thị xã
    Town,
    /// thành phố thuộc tỉnh (or thuộc thành phố trực thuộc trung ương)
    ProvincialCity,
    /// phường
    Ward,
    /// xã
    Commune,
    /// thị trấn
    Township,
    /// đặc khu (island special zones, from 1/7/2025)
    SpecialZone,
}

impl AdminUnitType {
    pub const ALL: [Self; 10] = [
        Self::Province,
        Self::Municipality,
        Self::UrbanDistrict,
        Self::RuralDistrict,
        Self::Town,
        Self::ProvincialCity,
        Self::Ward,
        Self::Commune,
        Self::Township,
        Self::SpecialZone,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Province => "province",
            Self::Municipality => "municipality",
            Self::UrbanDistrict => "urban_district",
            Self::RuralDistrict => "rural_district",
            Self::Town => "town",
            Self::ProvincialCity => "provincial_city",
            Self::Ward => "ward",
            Self::Commune => "commune",
            Self::Township => "township",
            Self::SpecialZone => "special_zone",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.code() == code)
    }

    /// The Vietnamese word that begins the unit's official name.
    pub fn vietnamese(self) -> &'static str {
        match self {
            Self::Province => "Tỉnh",
            Self::Municipality | Self::ProvincialCity => "Thành phố",
            Self::UrbanDistrict => "Quận",
            Self::RuralDistrict => "Huyện",
            Self::Town => "Thị xã",
            Self::Ward => "Phường",
            Self::Commune => "Xã",
            Self::Township => "Thị trấn",
            Self::SpecialZone => "Đặc khu",
        }
    }

    /// 1 = province level, 2 = district level, 3 = commune level.
    pub fn level(self) -> u8 {
        match self {
            Self::Province | Self::Municipality => 1,
            Self::UrbanDistrict | Self::RuralDistrict | Self::Town | Self::ProvincialCity => 2,
            Self::Ward | Self::Commune | Self::Township | Self::SpecialZone => 3,
        }
    }

    /// The type named by the start of an official name at a level
    /// ("Thành phố Hà Nội" is a municipality, "Thành phố Thủ Đức" a city).
    pub fn from_name(level: u8, name: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .filter(|t| t.level() == level)
            .find(|t| name.starts_with(t.vietnamese()) && name[t.vietnamese().len()..].starts_with(' '))
    }
}

/// One administrative unit during its life.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AdminUnit {
    pub key: UnitKey,
    /// Last day of its existence; `None` while it exists.
    pub valid_to: Option<NaiveDate>,
    /// Official full name ("Phường Phúc Xá").
    pub name: String,
    /// The name without its type ("Phúc Xá").
    pub short_name: String,
    pub unit_type: AdminUnitType,
    pub population: Option<u64>,
    pub area_km2: Option<f64>,
    /// Where the record and its dates come from.
    pub source: String,
}

impl AdminUnit {
    pub fn code(&self) -> &str {
        &self.key.code
    }

    pub fn exists_on(&self, date: NaiveDate) -> bool {
        self.key.valid_from.is_none_or(|d| d <= date) && self.valid_to.is_none_or(|d| d >= date)
    }

    /// Reports for year `year`: exists on 1 January (the plan's rule, so no
    /// year is counted twice across a change).
    pub fn active_in(&self, year: i32) -> bool {
        jan1(year).is_some_and(|d| self.exists_on(d))
    }
}

/// `child` lay within `parent` from `from` to `to` (inclusive; `None` = since
/// the child began / until it ended).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ParentLink {
    pub child: UnitKey,
    pub parent: UnitKey,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

impl ParentLink {
    pub fn holds_on(&self, date: NaiveDate) -> bool {
        self.from.is_none_or(|d| d <= date) && self.to.is_none_or(|d| d >= date)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkKind {
    /// The whole of the old unit went into the new one.
    Full,
    /// Part of it did (the rest went elsewhere).
    Partial,
}

impl LinkKind {
    pub fn code(self) -> &'static str {
        match self {
            Self::Full => "full",
            Self::Partial => "partial",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        match code {
            "full" => Some(Self::Full),
            "partial" => Some(Self::Partial),
            _ => None,
        }
    }
}

/// Who said how much of a unit went along a link.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ShareSource {
    /// A full link: all of it, by definition.
    Whole,
    /// Entered by an administrator.
    Entered,
    /// Estimated by XHHT (see `official::estimate_shares`), not yet confirmed.
    Estimated,
}

impl ShareSource {
    pub fn code(self) -> &'static str {
        match self {
            Self::Whole => "whole",
            Self::Entered => "entered",
            Self::Estimated => "estimated",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        match code {
            "whole" => Some(Self::Whole),
            "entered" => Some(Self::Entered),
            "estimated" => Some(Self::Estimated),
            _ => None,
        }
    }

    /// The less certain of two (a chain is as certain as its weakest link).
    pub fn weaker(self, other: Self) -> Self {
        self.max(other)
    }
}

/// The fraction (0..=1) of the old unit's `measure` that went along a link.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Share {
    pub measure: String,
    pub value: f64,
    pub source: ShareSource,
}

/// Old unit → new unit, from `effective` on.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SuccessorLink {
    pub from: UnitKey,
    pub to: UnitKey,
    pub kind: LinkKind,
    /// First day of the new map.
    pub effective: NaiveDate,
    /// Where the link comes from (a data file, a resolution).
    pub source: String,
    /// Shares of partial links, per measure.
    pub shares: Vec<Share>,
}

impl SuccessorLink {
    /// The share of the old unit's `measure` that went along this link: 1 for
    /// a full link, else the share entered or estimated for the measure.
    pub fn share(&self, measure: &str) -> Option<(f64, ShareSource)> {
        match self.kind {
            LinkKind::Full => Some((1.0, ShareSource::Whole)),
            LinkKind::Partial => self
                .shares
                .iter()
                .find(|s| s.measure == measure)
                .map(|s| (s.value, s.source)),
        }
    }
}

/// 1 January of `year`: the day a year's figures describe.
pub fn jan1(year: i32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, 1, 1)
}

pub fn day_before(date: NaiveDate) -> NaiveDate {
    date.pred_opt().unwrap_or(date)
}
