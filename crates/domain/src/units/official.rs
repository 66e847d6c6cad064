//! The official lists (data/vn-admin-units/) read into a [`Register`].
//!
//! The files are snapshots, so dates are set by rule (data/vn-admin-units/
//! README.md says the same):
//! - a unit of the February 2024 list that still bears the same name among
//!   the old wards of the 1/7/2025 links lives until 30/6/2025;
//! - one that left the list, or whose code bears another name by then, ends
//!   on 31/12/2024, the end of the 2023–2025 round of commune mergers (Hà
//!   Nội's took effect on 1/1/2025; other provinces' a few weeks earlier);
//!   a code that came back with a new name is a new unit from 1/1/2025, with
//!   a full link from the old one;
//! - districts end on 30/6/2025; the 1/7/2025 units start that day; a
//!   province that neither gained nor lost land keeps one record throughout;
//! - partial links get population shares estimated by [`estimate_shares`].

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::NaiveDate;

use super::register::Register;
use super::types::{
    AdminUnit, AdminUnitType, LinkKind, POPULATION, ParentLink, Share, ShareSource, SuccessorLink, UnitKey, day_before,
};

/// The four files, as text.
#[derive(Debug, Clone, Copy)]
pub struct OfficialFiles<'a> {
    pub units_2024: &'a str,
    pub units_2025: &'a str,
    pub merges_2025: &'a str,
    pub links_extra: &'a str,
}

/// File names inside a data folder (`xhht units import --from DIR`).
pub const FILE_NAMES: [&str; 4] = [
    "units-2024.csv",
    "units-2025.csv",
    "merges-2025-07-01.csv",
    "links-extra.csv",
];

/// The lists shipped with XHHT (licences in data/vn-admin-units/LICENSES.txt).
pub const EMBEDDED: OfficialFiles<'static> = OfficialFiles {
    units_2024: include_str!("../../../../data/vn-admin-units/units-2024.csv"),
    units_2025: include_str!("../../../../data/vn-admin-units/units-2025.csv"),
    merges_2025: include_str!("../../../../data/vn-admin-units/merges-2025-07-01.csv"),
    links_extra: include_str!("../../../../data/vn-admin-units/links-extra.csv"),
};

/// The first day of the two-level map (Resolution 1656/NQ-UBTVQH15 and the
/// others of 16/6/2025).
pub fn reorganisation() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 7, 1).expect("valid date")
}

/// The day units of the 2023–2025 round are taken to begin.
pub fn round_2025() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 1, 1).expect("valid date")
}

/// Reads the four files into a checked register. Problems name the file and
/// line (or the unit) at fault.
pub fn build(files: &OfficialFiles) -> Result<Register, Vec<String>> {
    let lists = Lists::read(files)?;
    let mut b = Builder::default();
    b.provinces(&lists);
    b.districts_and_old_wards(&lists);
    b.units_of_june_2025(&lists);
    b.new_wards(&lists);
    b.links_2025(&lists)?;
    b.extra_links(&lists)?;
    estimate_shares(&mut b.links, &b.units);
    Register::new(b.units, b.parents, b.links).map_err(|ps| ps.iter().map(ToString::to_string).collect())
}

/// Estimates population shares for partial links that have none: each new
/// unit's population is split evenly among the pieces it was made of (its
/// incoming links), and an old unit's share to each successor is that
/// piece's population over the sum of its pieces. Where a successor's
/// population is unknown, the old unit is split evenly. Marked `Estimated`.
pub fn estimate_shares(links: &mut [SuccessorLink], units: &[AdminUnit]) {
    let population: HashMap<&UnitKey, u64> = units.iter().filter_map(|u| u.population.map(|p| (&u.key, p))).collect();
    let mut pieces: HashMap<UnitKey, usize> = HashMap::new();
    for l in links.iter() {
        *pieces.entry(l.to.clone()).or_default() += 1;
    }
    let piece_people = |l: &SuccessorLink| {
        population
            .get(&l.to)
            .map(|&p| p as f64 / pieces.get(&l.to).copied().unwrap_or(1) as f64)
    };
    let mut partial_by_from: BTreeMap<UnitKey, Vec<usize>> = BTreeMap::new();
    for (i, l) in links.iter().enumerate() {
        let has = l.shares.iter().any(|s| s.measure == POPULATION);
        if l.kind == LinkKind::Partial && !has {
            partial_by_from.entry(l.from.clone()).or_default().push(i);
        }
    }
    for idx in partial_by_from.values() {
        let people: Option<Vec<f64>> = idx.iter().map(|&i| piece_people(&links[i])).collect();
        let total: f64 = people.iter().flatten().sum();
        let shares: Vec<f64> = match people {
            Some(p) if total > 0.0 => p.iter().map(|x| x / total).collect(),
            _ => vec![1.0 / idx.len() as f64; idx.len()],
        };
        for (&i, value) in idx.iter().zip(shares) {
            links[i].shares.push(Share {
                measure: POPULATION.to_string(),
                value,
                source: ShareSource::Estimated,
            });
        }
    }
}

// ---------------------------------------------------------------- reading

struct Ward2024 {
    code: String,
    name: String,
    short: String,
    kind: String,
    district: String,
}

struct Ward2025 {
    province: String,
    code: String,
    name: String,
    short: String,
    kind: String,
    area: Option<f64>,
    population: Option<u64>,
}

struct Merge {
    line: usize,
    province: String,
    new_code: String,
    new_name: String,
    old_code: String,
    old_name: String,
    kind: LinkKind,
}

struct Extra {
    line: usize,
    effective: NaiveDate,
    old_code: String,
    new_code: String,
    kind: LinkKind,
    source: String,
}

#[derive(Default)]
struct Lists {
    provinces_2024: BTreeMap<String, String>,
    districts: BTreeMap<String, (String, String)>,
    wards_2024: Vec<Ward2024>,
    /// 2024 ward code → its district.
    ward_district: BTreeMap<String, String>,
    provinces_2025: BTreeMap<String, String>,
    wards_2025: Vec<Ward2025>,
    merges: Vec<Merge>,
    extras: Vec<Extra>,
}

/// A CSV file's rows as (line number, column → value).
fn rows(file: &str, text: &str, columns: &[&str]) -> Result<Vec<(usize, Vec<String>)>, Vec<String>> {
    let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let headers = reader.headers().map_err(|e| vec![format!("{file}: {e}")])?.clone();
    let idx: Vec<usize> = columns
        .iter()
        .map(|c| headers.iter().position(|h| h.trim() == *c).ok_or(*c))
        .collect::<Result<_, _>>()
        .map_err(|c| vec![format!("{file}: thiếu cột “{c}”")])?;
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for (n, record) in reader.records().enumerate() {
        match record {
            Ok(r) => out.push((
                n + 2,
                idx.iter().map(|&i| r.get(i).unwrap_or("").trim().to_string()).collect(),
            )),
            Err(e) => problems.push(format!("{file}, dòng {}: {e}", n + 2)),
        }
    }
    if problems.is_empty() { Ok(out) } else { Err(problems) }
}

impl Lists {
    fn read(files: &OfficialFiles) -> Result<Self, Vec<String>> {
        let mut l = Self::default();
        let mut problems = Vec::new();
        let cols = [
            "province_code",
            "province_name",
            "district_code",
            "district_name",
            "ward_code",
            "ward_name",
            "ward_full_name",
            "ward_type",
        ];
        for (_, r) in rows(FILE_NAMES[0], files.units_2024, &cols)? {
            l.provinces_2024.insert(r[0].clone(), r[1].clone());
            l.districts.insert(r[2].clone(), (r[3].clone(), r[0].clone()));
            l.ward_district.insert(r[4].clone(), r[2].clone());
            l.wards_2024.push(Ward2024 {
                code: r[4].clone(),
                short: r[5].clone(),
                name: r[6].clone(),
                kind: r[7].clone(),
                district: r[2].clone(),
            });
        }
        let cols = [
            "province_code",
            "province_name",
            "ward_code",
            "ward_name",
            "ward_full_name",
            "ward_type",
            "area_km2",
            "population",
        ];
        for (line, r) in rows(FILE_NAMES[1], files.units_2025, &cols)? {
            let number = |s: &str| s.replace(',', "");
            // "đang cập nhật" ("being updated"): not known yet.
            let population = match r[7].as_str() {
                "" | "đang cập nhật" => None,
                p => match number(p).parse::<u64>() {
                    Ok(v) => Some(v),
                    Err(_) => {
                        problems.push(format!("{}, dòng {line}: dân số “{p}” không phải số", FILE_NAMES[1]));
                        None
                    }
                },
            };
            l.provinces_2025.insert(r[0].clone(), r[1].clone());
            l.wards_2025.push(Ward2025 {
                province: r[0].clone(),
                code: r[2].clone(),
                short: r[3].clone(),
                name: r[4].clone(),
                kind: r[5].clone(),
                area: number(&r[6]).parse().ok(),
                population,
            });
        }
        let cols = [
            "province_code",
            "new_ward_code",
            "new_ward_name",
            "old_ward_code",
            "old_ward_name",
            "kind",
        ];
        for (line, r) in rows(FILE_NAMES[2], files.merges_2025, &cols)? {
            let Some(kind) = LinkKind::parse(&r[5]) else {
                problems.push(format!(
                    "{}, dòng {line}: loại “{}” (cần full hoặc partial)",
                    FILE_NAMES[2], r[5]
                ));
                continue;
            };
            l.merges.push(Merge {
                line,
                province: r[0].clone(),
                new_code: r[1].clone(),
                new_name: r[2].clone(),
                old_code: r[3].clone(),
                old_name: r[4].clone(),
                kind,
            });
        }
        let cols = ["effective", "old_code", "new_code", "kind", "source"];
        for (line, r) in rows(FILE_NAMES[3], files.links_extra, &cols)? {
            let (Ok(effective), Some(kind)) = (r[0].parse::<NaiveDate>(), LinkKind::parse(&r[3])) else {
                problems.push(format!(
                    "{}, dòng {line}: ngày hoặc loại liên kết không hợp lệ",
                    FILE_NAMES[3]
                ));
                continue;
            };
            l.extras.push(Extra {
                line,
                effective,
                old_code: r[1].clone(),
                new_code: r[2].clone(),
                kind,
                source: r[4].clone(),
            });
        }
        if problems.is_empty() { Ok(l) } else { Err(problems) }
    }

    /// The old unit's name on 30/6/2025, by code (from the links' old side).
    fn june_names(&self) -> HashMap<&str, &str> {
        self.merges
            .iter()
            .map(|m| (m.old_code.as_str(), m.old_name.as_str()))
            .collect()
    }

    /// The 2024 province of an old code: its own if listed, else that of the
    /// nearest lower code of the same length (GSO numbers units in blocks by
    /// province), for units created after February 2024.
    fn old_province(&self, code: &str) -> Option<String> {
        let province_of_district = |d: &str| self.districts.get(d).map(|d| d.1.clone());
        if let Some(d) = self.ward_district.get(code) {
            return province_of_district(d);
        }
        if self.districts.contains_key(code) {
            return province_of_district(code);
        }
        if code.len() == 3 {
            let nearest = self
                .districts
                .range(..code.to_string())
                .rev()
                .find(|(c, _)| c.len() == 3);
            return nearest.map(|(_, d)| d.1.clone());
        }
        let nearest = self
            .ward_district
            .range(..code.to_string())
            .rev()
            .find(|(c, _)| c.len() == code.len());
        nearest.and_then(|(_, d)| province_of_district(d))
    }
}

// --------------------------------------------------------------- building

#[derive(Default)]
struct Builder {
    units: Vec<AdminUnit>,
    parents: Vec<ParentLink>,
    links: Vec<SuccessorLink>,
    /// New (1/7/2025) province key by code.
    province_2025: HashMap<String, UnitKey>,
    /// Old unit existing on 30/6/2025, by code.
    june: HashMap<String, UnitKey>,
}

fn short_of(name: &str, t: AdminUnitType) -> String {
    name.strip_prefix(t.vietnamese()).unwrap_or(name).trim().to_string()
}

fn unit(key: UnitKey, valid_to: Option<NaiveDate>, name: &str, t: AdminUnitType, source: &str) -> AdminUnit {
    AdminUnit {
        key,
        valid_to,
        name: name.to_string(),
        short_name: short_of(name, t),
        unit_type: t,
        population: None,
        area_km2: None,
        source: source.to_string(),
    }
}

fn ward_type(kind: &str, name: &str) -> AdminUnitType {
    AdminUnitType::from_name(3, &format!("{kind} x"))
        .or_else(|| AdminUnitType::from_name(3, name))
        .unwrap_or(AdminUnitType::Commune)
}

impl Builder {
    fn parent(&mut self, child: &UnitKey, parent: &UnitKey, from: Option<NaiveDate>, to: Option<NaiveDate>) {
        self.parents.push(ParentLink {
            child: child.clone(),
            parent: parent.clone(),
            from,
            to,
        });
    }

    /// Old and new provinces: one record for a province whose land did not
    /// change, else old (to 30/6/2025) and new (from 1/7/2025) with links.
    fn provinces(&mut self, l: &Lists) {
        let (start, end) = (reorganisation(), day_before(reorganisation()));
        let mut flows: BTreeSet<(String, String)> = BTreeSet::new();
        for m in &l.merges {
            if let Some(p) = l.old_province(&m.old_code) {
                flows.insert((p, m.province.clone()));
            }
        }
        let outflow = |p: &str| flows.iter().filter(|(a, _)| a == p).count();
        let inflow = |q: &str| flows.iter().filter(|(_, b)| b == q).count();
        let same = |p: &str| {
            l.provinces_2025.get(p) == l.provinces_2024.get(p)
                && flows.contains(&(p.to_string(), p.to_string()))
                && outflow(p) == 1
                && inflow(p) == 1
        };
        for (code, name) in &l.provinces_2024 {
            let t = AdminUnitType::from_name(1, name).unwrap_or(AdminUnitType::Province);
            let key = UnitKey::new(code, None);
            let valid_to = (!same(code)).then_some(end);
            self.units.push(unit(key.clone(), valid_to, name, t, FILE_NAMES[0]));
            if same(code) {
                self.province_2025.insert(code.clone(), key);
            }
        }
        for (code, name) in &l.provinces_2025 {
            if self.province_2025.contains_key(code) {
                continue;
            }
            let t = AdminUnitType::from_name(1, name).unwrap_or(AdminUnitType::Province);
            let key = UnitKey::new(code, Some(start));
            self.units.push(unit(key.clone(), None, name, t, FILE_NAMES[1]));
            self.province_2025.insert(code.clone(), key);
        }
        for (p, q) in &flows {
            if same(p) {
                continue;
            }
            let kind = if outflow(p) == 1 {
                LinkKind::Full
            } else {
                LinkKind::Partial
            };
            self.links.push(SuccessorLink {
                from: UnitKey::new(p, None),
                to: self.province_2025[q].clone(),
                kind,
                effective: start,
                source: FILE_NAMES[2].to_string(),
                shares: Vec::new(),
            });
        }
    }

    /// Districts (to 30/6/2025) and the February 2024 wards.
    fn districts_and_old_wards(&mut self, l: &Lists) {
        let end = day_before(reorganisation());
        let left = day_before(round_2025());
        for (code, (name, province)) in &l.districts {
            let t = AdminUnitType::from_name(2, name).unwrap_or(AdminUnitType::RuralDistrict);
            let key = UnitKey::new(code, None);
            self.units.push(unit(key.clone(), Some(end), name, t, FILE_NAMES[0]));
            self.parent(&key, &UnitKey::new(province, None), None, Some(end));
        }
        let june = l.june_names();
        for w in &l.wards_2024 {
            let kept = june.get(w.code.as_str()).is_some_and(|n| same_name(n, &w.name));
            let valid_to = if kept { end } else { left };
            let key = UnitKey::new(&w.code, None);
            let mut u = unit(
                key.clone(),
                Some(valid_to),
                &w.name,
                ward_type(&w.kind, &w.name),
                FILE_NAMES[0],
            );
            u.short_name.clone_from(&w.short);
            if !kept {
                u.source = format!("{}; kết thúc ngày {} (giả định)", FILE_NAMES[0], valid_to);
            }
            self.units.push(u);
            self.parent(&key, &UnitKey::new(&w.district, None), None, Some(valid_to));
            if kept {
                self.june.insert(w.code.clone(), key);
            }
        }
    }

    /// Units on the old side of the 1/7/2025 links that the 2024 list does
    /// not have under that name: made or renamed in the 2023–2025 round (from
    /// 1/1/2025), or island districts without communes (all along).
    fn units_of_june_2025(&mut self, l: &Lists) {
        let end = day_before(reorganisation());
        let start = round_2025();
        let mut seen = BTreeSet::new();
        for m in &l.merges {
            if self.june.contains_key(&m.old_code) || !seen.insert(m.old_code.clone()) {
                continue;
            }
            if l.districts.contains_key(&m.old_code) {
                continue; // a listed district as an old "ward": keep the district record
            }
            let province = l.old_province(&m.old_code).map(|p| UnitKey::new(p, None));
            let district_level = m.old_code.len() == 3;
            let level = if district_level { 2 } else { 3 };
            let t = AdminUnitType::from_name(level, &m.old_name).unwrap_or(AdminUnitType::Commune);
            let valid_from = (!district_level).then_some(start);
            let key = UnitKey::new(&m.old_code, valid_from);
            let source = if district_level {
                format!("{}; đơn vị cấp huyện không có đơn vị cấp xã", FILE_NAMES[2])
            } else {
                format!("{}; bắt đầu ngày {start} (giả định)", FILE_NAMES[2])
            };
            self.units.push(unit(key.clone(), Some(end), &m.old_name, t, &source));
            let old = l.ward_district.get(&m.old_code);
            match old {
                Some(d) => self.parent(&key, &UnitKey::new(d, None), valid_from, Some(end)),
                None => {
                    if let Some(p) = &province {
                        self.parent(&key, p, valid_from, Some(end));
                    }
                }
            }
            if old.is_some() {
                self.links.push(SuccessorLink {
                    from: UnitKey::new(&m.old_code, None),
                    to: key.clone(),
                    kind: LinkKind::Full,
                    effective: start,
                    source: "cùng mã, tên mới: sáp nhập hoặc đổi tên giai đoạn 2023-2025".to_string(),
                    shares: Vec::new(),
                });
            }
            self.june.insert(m.old_code.clone(), key);
        }
        for code in l.districts.keys() {
            self.june
                .entry(code.clone())
                .or_insert_with(|| UnitKey::new(code, None));
        }
    }

    /// The 1/7/2025 wards, communes and special zones, under their provinces.
    fn new_wards(&mut self, l: &Lists) {
        let start = reorganisation();
        for w in &l.wards_2025 {
            let key = UnitKey::new(&w.code, Some(start));
            let mut u = unit(key.clone(), None, &w.name, ward_type(&w.kind, &w.name), FILE_NAMES[1]);
            u.short_name.clone_from(&w.short);
            u.population = w.population;
            u.area_km2 = w.area;
            self.units.push(u);
            if let Some(p) = self.province_2025.get(&w.province).cloned() {
                self.parent(&key, &p, Some(start), None);
            }
        }
    }

    fn links_2025(&mut self, l: &Lists) -> Result<(), Vec<String>> {
        let start = reorganisation();
        let codes: BTreeSet<&str> = l.wards_2025.iter().map(|w| w.code.as_str()).collect();
        let mut problems = Vec::new();
        for m in &l.merges {
            // Two links name a new code the unit list does not have; the unit
            // of that province and name is meant.
            let to = if codes.contains(m.new_code.as_str()) {
                Some(m.new_code.clone())
            } else {
                let same: Vec<_> = l
                    .wards_2025
                    .iter()
                    .filter(|w| w.province == m.province && same_name(&w.name, &m.new_name))
                    .collect();
                (same.len() == 1).then(|| same[0].code.clone())
            };
            let (Some(to), Some(from)) = (to, self.june.get(&m.old_code)) else {
                problems.push(format!(
                    "{}, dòng {}: không xác định được đơn vị {} hoặc {}",
                    FILE_NAMES[2], m.line, m.old_code, m.new_code
                ));
                continue;
            };
            self.links.push(SuccessorLink {
                from: from.clone(),
                to: UnitKey::new(to, Some(start)),
                kind: m.kind,
                effective: start,
                source: FILE_NAMES[2].to_string(),
                shares: Vec::new(),
            });
        }
        if problems.is_empty() { Ok(()) } else { Err(problems) }
    }

    fn extra_links(&mut self, l: &Lists) -> Result<(), Vec<String>> {
        let mut problems = Vec::new();
        for e in &l.extras {
            let find = |code: &str, date: NaiveDate| {
                self.units
                    .iter()
                    .find(|u| u.key.code == code && u.exists_on(date))
                    .map(|u| u.key.clone())
            };
            match (
                find(&e.old_code, day_before(e.effective)),
                find(&e.new_code, e.effective),
            ) {
                (Some(from), Some(to)) => self.links.push(SuccessorLink {
                    from,
                    to,
                    kind: e.kind,
                    effective: e.effective,
                    source: e.source.clone(),
                    shares: Vec::new(),
                }),
                _ => problems.push(format!(
                    "{}, dòng {}: không có đơn vị {} ngày {} hoặc {} ngày {}",
                    FILE_NAMES[3],
                    e.line,
                    e.old_code,
                    day_before(e.effective),
                    e.new_code,
                    e.effective
                )),
            }
        }
        if problems.is_empty() { Ok(()) } else { Err(problems) }
    }
}

/// Names compared as people read them (Unicode forms and case aside).
fn same_name(a: &str, b: &str) -> bool {
    use unicode_normalization::UnicodeNormalization;
    let norm = |s: &str| s.nfc().collect::<String>().to_lowercase();
    norm(a) == norm(b)
}
