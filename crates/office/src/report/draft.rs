//! The first draft of a report's text, from the data the caller passes:
//! computed sentences ("12/16 chỉ tiêu đạt hoặc vượt mục tiêu 2025; …"), the
//! units' narratives grouped by task group and attributed (results, then
//! difficulties, then proposals; a sentence many units wrote appears once,
//! with the units listed), the review's comparison with the baseline, and
//! the skeleton of sections I-VI with notes where only people can write.
//! Pure functions: no I/O, no clock, no plan lookups.

use xhht_domain::indicator::ProgressStatus;

use super::{Block, Chart, Grid, ReportKind, Section};

/// What a unit's narrative passage is about (the web form's three boxes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NarrativeKind {
    Results,
    Difficulties,
    Proposals,
}

impl NarrativeKind {
    pub const ALL: [Self; 3] = [Self::Results, Self::Difficulties, Self::Proposals];

    /// The code stored with the narrative.
    pub fn code(self) -> &'static str {
        match self {
            Self::Results => "results",
            Self::Difficulties => "difficulties",
            Self::Proposals => "proposals",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    /// The box's title on the form and in the report.
    pub fn label(self) -> &'static str {
        match self {
            Self::Results => "Kết quả đạt được",
            Self::Difficulties => "Khó khăn, hạn chế",
            Self::Proposals => "Đề xuất, kiến nghị",
        }
    }

    pub fn from_label(label: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.label() == label)
    }
}

/// A status as the report writes it.
pub fn status_label(s: ProgressStatus) -> &'static str {
    match s {
        ProgressStatus::Achieved => "Đạt",
        ProgressStatus::OnTrack => "Đúng tiến độ",
        ProgressStatus::Behind => "Chậm tiến độ",
        ProgressStatus::NoData => "Chưa có số liệu",
        ProgressStatus::NotAchieved => "Không đạt",
        ProgressStatus::Provisional => "Tạm tính",
        ProgressStatus::NotApplicable => "Không áp dụng",
        ProgressStatus::Baseline => "Năm gốc",
    }
}

pub fn status_from_label(label: &str) -> Option<ProgressStatus> {
    [
        ProgressStatus::Achieved,
        ProgressStatus::OnTrack,
        ProgressStatus::Behind,
        ProgressStatus::NoData,
        ProgressStatus::NotAchieved,
        ProgressStatus::Provisional,
        ProgressStatus::NotApplicable,
        ProgressStatus::Baseline,
    ]
    .into_iter()
    .find(|s| status_label(*s) == label)
}

/// One unit's passage under a task group.
#[derive(Debug, Clone, PartialEq)]
pub struct Narrative {
    pub group: i64,
    pub unit: String,
    pub kind: NarrativeKind,
    pub text: String,
}

/// A sentence and the units that wrote it, in the order they come.
#[derive(Debug, Clone, PartialEq)]
pub struct Attributed {
    pub sentence: String,
    pub units: Vec<String>,
}

impl Attributed {
    /// "Tổ chức 12 buổi tuyên truyền (Phúc Xá, Kim Mã)."
    pub fn text(&self) -> String {
        let body = self.sentence.trim_end_matches(['.', ';', ' ']);
        if self.units.is_empty() {
            format!("{body}.")
        } else {
            format!("{body} ({}).", self.units.join(", "))
        }
    }
}

/// A task group's passages, each kind merged and attributed.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupDraft {
    pub group: i64,
    pub title: String,
    pub results: Vec<Attributed>,
    pub difficulties: Vec<Attributed>,
    pub proposals: Vec<Attributed>,
}

impl GroupDraft {
    fn of(&self, kind: NarrativeKind) -> &[Attributed] {
        match kind {
            NarrativeKind::Results => &self.results,
            NarrativeKind::Difficulties => &self.difficulties,
            NarrativeKind::Proposals => &self.proposals,
        }
    }
}

/// Splits a passage into sentences: at line breaks, at "; " only if the
/// writer listed with dashes, and at a full stop followed by a space —
/// except after an abbreviation in capitals ("TP. Hà Nội").
pub fn sentences(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        let line = line.trim().trim_start_matches(['-', '+', '•', '*']).trim();
        let mut start = 0;
        let bytes: Vec<(usize, char)> = line.char_indices().collect();
        for (k, &(i, c)) in bytes.iter().enumerate() {
            let next_is_space = bytes.get(k + 1).is_some_and(|(_, n)| n.is_whitespace());
            if c == '.' && next_is_space && !after_abbreviation(&line[start..i]) {
                out.push(line[start..=i].trim().to_string());
                start = i + 1;
            }
        }
        let rest = line[start..].trim();
        if !rest.is_empty() {
            out.push(rest.to_string());
        }
    }
    out.retain(|s| s.chars().any(char::is_alphanumeric));
    out
}

fn after_abbreviation(before: &str) -> bool {
    let word = before.rsplit(char::is_whitespace).next().unwrap_or("");
    let n = word.chars().count();
    (1..=3).contains(&n) && word.chars().all(char::is_uppercase)
}

/// The key two sentences are "the same" by: case, spacing and the final
/// punctuation do not count.
fn same_key(s: &str) -> String {
    xhht_domain::text::nfc(s)
        .to_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .trim_end_matches(['.', ';', ':', '!'])
        .to_string()
}

/// Merges the sentences of `(unit, text)` passages: each distinct sentence
/// once, in order of first appearance, with every unit that wrote it.
pub fn merge<'a>(passages: impl IntoIterator<Item = (&'a str, &'a str)>) -> Vec<Attributed> {
    let mut out: Vec<(String, Attributed)> = Vec::new();
    for (unit, text) in passages {
        for s in sentences(text) {
            let key = same_key(&s);
            match out.iter_mut().find(|(k, _)| *k == key) {
                Some((_, a)) => {
                    if !a.units.iter().any(|u| u == unit) {
                        a.units.push(unit.to_string());
                    }
                }
                None => out.push((
                    key,
                    Attributed {
                        sentence: s,
                        units: vec![unit.to_string()],
                    },
                )),
            }
        }
    }
    out.into_iter().map(|(_, a)| a).collect()
}

/// The narratives by task group, in the order of `groups` ((number, title)),
/// each kind merged. Passages under a group not in `groups` come last, under
/// "Nội dung khác"; groups nobody wrote about are kept (their emptiness is
/// news too).
pub fn group_narratives(groups: &[(i64, String)], narratives: &[Narrative]) -> Vec<GroupDraft> {
    let mut out: Vec<GroupDraft> = groups
        .iter()
        .map(|(n, t)| GroupDraft {
            group: *n,
            title: t.clone(),
            results: Vec::new(),
            difficulties: Vec::new(),
            proposals: Vec::new(),
        })
        .collect();
    let mut numbers: Vec<i64> = groups.iter().map(|g| g.0).collect();
    for n in narratives.iter().map(|n| n.group) {
        if !numbers.contains(&n) {
            numbers.push(n);
            out.push(GroupDraft {
                group: n,
                title: "Nội dung khác".into(),
                results: Vec::new(),
                difficulties: Vec::new(),
                proposals: Vec::new(),
            });
        }
    }
    for g in &mut out {
        let of = |kind: NarrativeKind| {
            merge(
                narratives
                    .iter()
                    .filter(|n| n.group == g.group && n.kind == kind)
                    .map(|n| (n.unit.as_str(), n.text.as_str())),
            )
        };
        g.results = of(NarrativeKind::Results);
        g.difficulties = of(NarrativeKind::Difficulties);
        g.proposals = of(NarrativeKind::Proposals);
    }
    out
}

/// Blocks for one kind of passage across the groups: a subheading per group
/// that has any, then the dash list. With `keep_empty`, a group without
/// passages says so (results: every task group is accounted for).
pub fn narrative_blocks(groups: &[GroupDraft], kind: NarrativeKind, keep_empty: bool) -> Vec<Block> {
    let mut out = Vec::new();
    for g in groups {
        let items = g.of(kind);
        if items.is_empty() && !keep_empty {
            continue;
        }
        out.push(Block::Subheading(g.title.clone()));
        if items.is_empty() {
            out.push(Block::Paragraph("Chưa có đơn vị báo cáo nội dung này.".into()));
        } else {
            out.push(Block::Bullets(items.iter().map(Attributed::text).collect()));
        }
    }
    out
}

fn target_phrase(year: Option<i32>) -> String {
    year.map_or_else(|| "mục tiêu của kế hoạch".to_string(), |y| format!("mục tiêu {y}"))
}

/// Every passage of `kind` merged across the task groups, in their order:
/// difficulties and proposals cut across groups, and the same sentence
/// from units writing under different groups is still said once.
pub fn merged_across(groups: &[GroupDraft], kind: NarrativeKind) -> Vec<String> {
    let mut out: Vec<Attributed> = Vec::new();
    for a in groups.iter().flat_map(|g| g.of(kind)) {
        match out.iter_mut().find(|b| same_key(&b.sentence) == same_key(&a.sentence)) {
            Some(b) => {
                for u in &a.units {
                    if !b.units.contains(u) {
                        b.units.push(u.clone());
                    }
                }
            }
            None => out.push(a.clone()),
        }
    }
    out.iter().map(Attributed::text).collect()
}

/// One indicator's standing for the summary sentences.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub number: i64,
    pub name: String,
    pub status: ProgressStatus,
}

fn list(outcomes: &[&Outcome]) -> String {
    outcomes
        .iter()
        .map(|o| format!("chỉ tiêu {} ({})", o.number, o.name))
        .collect::<Vec<_>>()
        .join("; ")
}

/// "12/16 chỉ tiêu đạt hoặc vượt mục tiêu 2025; 3 chỉ tiêu chưa đạt (1 đúng
/// tiến độ, 2 chậm tiến độ): …; 1 chỉ tiêu chưa có số liệu: …". `target_year`
/// names the milestone compared with, if the caller knows one.
pub fn indicator_summary(outcomes: &[Outcome], target_year: Option<i32>) -> Vec<String> {
    if outcomes.is_empty() {
        return Vec::new();
    }
    let with = |s: &[ProgressStatus]| outcomes.iter().filter(|o| s.contains(&o.status)).collect::<Vec<_>>();
    let met = with(&[ProgressStatus::Achieved]);
    let not_met = with(&[
        ProgressStatus::OnTrack,
        ProgressStatus::Behind,
        ProgressStatus::NotAchieved,
    ]);
    let on_track = with(&[ProgressStatus::OnTrack]).len();
    let no_data = with(&[ProgressStatus::NoData]);
    let provisional = with(&[ProgressStatus::Provisional]);
    let target = target_phrase(target_year);
    let mut parts = vec![format!(
        "{}/{} chỉ tiêu đạt hoặc vượt {target}",
        met.len(),
        outcomes.len()
    )];
    if !not_met.is_empty() {
        let detail = match (on_track, not_met.len() - on_track) {
            (0, _) => " (đều chậm tiến độ)".to_string(),
            (_, 0) => " (đều đúng tiến độ)".to_string(),
            (a, b) => format!(" ({a} đúng tiến độ, {b} chậm tiến độ)"),
        };
        parts.push(format!(
            "{} chỉ tiêu chưa đạt{detail}: {}",
            not_met.len(),
            list(&not_met)
        ));
    }
    if !no_data.is_empty() {
        parts.push(format!(
            "{} chỉ tiêu chưa có số liệu: {}",
            no_data.len(),
            list(&no_data)
        ));
    }
    if !provisional.is_empty() {
        parts.push(format!(
            "{} chỉ tiêu tạm tính, chưa đánh giá vì chưa đủ báo cáo được duyệt: {}",
            provisional.len(),
            list(&provisional)
        ));
    }
    vec![format!("{}.", parts.join("; "))]
}

/// One indicator in a review (sơ kết, tổng kết): the baseline and the review
/// year's values as shown, the target, and whether it is met (`None`: no
/// target or no data to judge).
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewLine {
    pub number: i64,
    pub name: String,
    pub baseline: String,
    pub review: String,
    pub target: String,
    pub met: Option<bool>,
}

fn met_label(m: Option<bool>) -> &'static str {
    match m {
        Some(true) => "Đạt",
        Some(false) => "Chưa đạt",
        None => "Chưa đánh giá được",
    }
}

/// The comparison table of a review: baseline vs review year per indicator.
pub fn review_table(lines: &[ReviewLine], baseline_year: i32, review_year: i32, target_year: i32) -> Grid {
    Grid {
        header: vec![
            "TT".into(),
            "Chỉ tiêu".into(),
            format!("Năm {baseline_year} (gốc)"),
            format!("Năm {review_year}"),
            format!("Mục tiêu {target_year}"),
            "Đánh giá".into(),
        ],
        rows: lines
            .iter()
            .map(|l| {
                vec![
                    l.number.to_string(),
                    l.name.clone(),
                    l.baseline.clone(),
                    l.review.clone(),
                    l.target.clone(),
                    met_label(l.met).into(),
                ]
            })
            .collect(),
        total: None,
    }
}

/// "So với năm gốc 2020, đến năm 2025 có 10/16 chỉ tiêu đạt mục tiêu 2025;
/// 4 chỉ tiêu chưa đạt: …; 2 chỉ tiêu chưa đủ số liệu để đánh giá: …."
pub fn review_summary(lines: &[ReviewLine], baseline_year: i32, review_year: i32, target_year: i32) -> Vec<String> {
    if lines.is_empty() {
        return Vec::new();
    }
    let names = |m: Option<bool>| {
        let picked: Vec<&ReviewLine> = lines.iter().filter(|l| l.met == m).collect();
        let text = picked
            .iter()
            .map(|l| format!("chỉ tiêu {} ({})", l.number, l.name))
            .collect::<Vec<_>>()
            .join("; ");
        (picked.len(), text)
    };
    let (met, _) = names(Some(true));
    let (not_met, not_met_names) = names(Some(false));
    let (unknown, unknown_names) = names(None);
    let mut parts = vec![format!(
        "So với năm gốc {baseline_year}, đến năm {review_year} có {met}/{} chỉ tiêu đạt mục tiêu {target_year}",
        lines.len()
    )];
    if not_met > 0 {
        parts.push(format!("{not_met} chỉ tiêu chưa đạt: {not_met_names}"));
    }
    if unknown > 0 {
        parts.push(format!(
            "{unknown} chỉ tiêu chưa đủ số liệu để đánh giá: {unknown_names}"
        ));
    }
    vec![format!("{}.", parts.join("; "))]
}

/// Section II.3: where the money comes from (the plan's funding sources)
/// and what the units reported spending, if they did.
pub fn funding_blocks(sources: &[String], reported: &[(String, String)]) -> Vec<Block> {
    let mut out = Vec::new();
    if !sources.is_empty() {
        out.push(Block::Paragraph(format!(
            "Kinh phí thực hiện Kế hoạch được bảo đảm từ các nguồn: {}.",
            sources.join("; ")
        )));
    }
    if reported.is_empty() {
        out.push(Block::Note(
            "Các đơn vị chưa báo cáo kinh phí đã sử dụng trên hệ thống; bổ sung số liệu kinh phí trước khi trình ký."
                .into(),
        ));
    } else {
        out.push(Block::Bullets(
            reported.iter().map(|(s, a)| format!("{s}: {a}.")).collect(),
        ));
    }
    out
}

/// What the caller knows when drafting a report.
pub struct DraftInput<'a> {
    pub kind: ReportKind,
    pub year: i32,
    pub baseline_year: i32,
    /// The milestone the year is judged against (the next target year), if
    /// the caller knows it.
    pub target_year: Option<i32>,
    /// What section V looks ahead to: "năm 2026", "giai đoạn 2026-2030".
    pub next_period: String,
    /// Sentences on who reported and who was late.
    pub completeness: &'a [String],
    pub outcomes: &'a [Outcome],
    /// The results table (TT, indicator, targets, values, status).
    pub indicator_table: Grid,
    pub charts: Vec<Chart>,
    /// For reviews: baseline vs review year.
    pub review: &'a [ReviewLine],
    /// The plan's task groups: (number, "1. Tuyên truyền …").
    pub groups: &'a [(i64, String)],
    pub narratives: &'a [Narrative],
    pub funding_sources: &'a [String],
    pub funding_reported: &'a [(String, String)],
}

const TO_COMPLETE: &str = "(Nội dung cần bổ sung trước khi trình ký.)";

/// Sections I-VI of the report, drafted from `d`: what the data says, and a
/// note where the assessment is people's work. Section IV (lessons) only in
/// a review.
pub fn sections(d: &DraftInput) -> Vec<Section> {
    let groups = group_narratives(d.groups, d.narratives);
    let mut out = vec![direction(d), results(d, &groups), assessment(d, &groups)];
    if d.kind.is_review() {
        out.push(lessons(d));
    }
    out.push(outlook(d));
    out.push(proposals(d, &groups));
    out
}

/// Section IV of a review: what the period's figures point to (the targets
/// met show what worked, those missed what to change), then the people's
/// lessons to write.
fn lessons(d: &DraftInput) -> Section {
    let met: Vec<String> = d
        .review
        .iter()
        .filter(|l| l.met == Some(true))
        .map(|l| format!("chỉ tiêu {} ({})", l.number, l.name))
        .collect();
    let missed: Vec<String> = d
        .review
        .iter()
        .filter(|l| l.met == Some(false))
        .map(|l| format!("chỉ tiêu {} ({})", l.number, l.name))
        .collect();
    let mut blocks = Vec::new();
    if !met.is_empty() {
        blocks.push(Block::Paragraph(format!(
            "Từ những chỉ tiêu đã đạt trong giai đoạn ({}), rút ra cách làm hiệu quả cần phát huy.",
            met.join("; ")
        )));
    }
    if !missed.is_empty() {
        blocks.push(Block::Paragraph(format!(
            "Từ những chỉ tiêu chưa đạt ({}), rút ra những điểm cần điều chỉnh trong chỉ đạo, phân công và bảo đảm nguồn lực.",
            missed.join("; ")
        )));
    }
    blocks.push(Block::Note(TO_COMPLETE.into()));
    Section {
        title: "BÀI HỌC KINH NGHIỆM".into(),
        blocks,
    }
}

fn direction(d: &DraftInput) -> Section {
    let mut blocks = vec![Block::Note(
        "(Bổ sung các văn bản chỉ đạo, hướng dẫn đã ban hành và công tác tuyên truyền, kiểm tra.)".into(),
    )];
    blocks.extend(d.completeness.iter().cloned().map(Block::Paragraph));
    Section {
        title: "CÔNG TÁC CHỈ ĐẠO, TRIỂN KHAI".into(),
        blocks,
    }
}

fn results(d: &DraftInput, groups: &[GroupDraft]) -> Section {
    let mut blocks = vec![Block::Heading("1. Kết quả thực hiện các chỉ tiêu".into())];
    if d.kind.is_review() && !d.review.is_empty() {
        blocks.extend(
            review_summary(d.review, d.baseline_year, d.year, d.target_year.unwrap_or(d.year))
                .into_iter()
                .map(Block::Paragraph),
        );
        blocks.push(Block::Table(review_table(
            d.review,
            d.baseline_year,
            d.year,
            d.target_year.unwrap_or(d.year),
        )));
    } else {
        blocks.extend(
            indicator_summary(d.outcomes, d.target_year)
                .into_iter()
                .map(Block::Paragraph),
        );
    }
    // The full table (every milestone's target, last year, the status)
    // follows the comparison in a review too.
    if !d.indicator_table.rows.is_empty() {
        blocks.push(Block::Table(d.indicator_table.clone()));
    }
    blocks.extend(d.charts.iter().cloned().map(Block::Chart));
    blocks.push(Block::Heading("2. Kết quả thực hiện các nhiệm vụ, giải pháp".into()));
    blocks.extend(narrative_blocks(groups, NarrativeKind::Results, true));
    blocks.push(Block::Heading("3. Kinh phí thực hiện".into()));
    blocks.extend(funding_blocks(d.funding_sources, d.funding_reported));
    Section {
        title: "KẾT QUẢ THỰC HIỆN".into(),
        blocks,
    }
}

fn assessment(d: &DraftInput, groups: &[GroupDraft]) -> Section {
    let met: Vec<&Outcome> = d
        .outcomes
        .iter()
        .filter(|o| o.status == ProgressStatus::Achieved)
        .collect();
    let behind: Vec<&Outcome> = d
        .outcomes
        .iter()
        .filter(|o| {
            matches!(
                o.status,
                ProgressStatus::Behind | ProgressStatus::OnTrack | ProgressStatus::NotAchieved
            )
        })
        .collect();
    let mut blocks = vec![Block::Heading("1. Ưu điểm".into())];
    if !met.is_empty() {
        blocks.push(Block::Paragraph(format!(
            "Các chỉ tiêu đã đạt hoặc vượt {}: {}.",
            target_phrase(d.target_year),
            list(&met)
        )));
    }
    blocks.push(Block::Note(TO_COMPLETE.into()));
    blocks.push(Block::Heading("2. Tồn tại, hạn chế".into()));
    if !behind.is_empty() {
        blocks.push(Block::Paragraph(format!(
            "Các chỉ tiêu chưa đạt {}: {}.",
            target_phrase(d.target_year),
            list(&behind)
        )));
    }
    let difficulties = merged_across(groups, NarrativeKind::Difficulties);
    if difficulties.is_empty() {
        blocks.push(Block::Note(TO_COMPLETE.into()));
    } else {
        blocks.push(Block::Paragraph("Khó khăn, hạn chế các đơn vị nêu:".into()));
        blocks.push(Block::Bullets(difficulties));
    }
    blocks.push(Block::Heading("3. Nguyên nhân".into()));
    blocks.push(Block::Subheading("a) Nguyên nhân khách quan".into()));
    blocks.push(Block::Note(TO_COMPLETE.into()));
    blocks.push(Block::Subheading("b) Nguyên nhân chủ quan".into()));
    blocks.push(Block::Note(TO_COMPLETE.into()));
    Section {
        title: "ĐÁNH GIÁ CHUNG".into(),
        blocks,
    }
}

fn outlook(d: &DraftInput) -> Section {
    let mut behind: Vec<String> = d
        .outcomes
        .iter()
        .filter(|o| {
            matches!(
                o.status,
                ProgressStatus::Behind | ProgressStatus::OnTrack | ProgressStatus::NotAchieved
            )
        })
        .map(|o| format!("Tập trung thực hiện chỉ tiêu {} ({}).", o.number, o.name))
        .collect();
    // A review looks at the period: what it left unmet carries over.
    for l in d.review.iter().filter(|l| l.met == Some(false)) {
        let line = format!("Tập trung thực hiện chỉ tiêu {} ({}).", l.number, l.name);
        if !behind.contains(&line) {
            behind.push(line);
        }
    }
    let mut blocks = Vec::new();
    if !behind.is_empty() {
        blocks.push(Block::Paragraph(format!(
            "Trong {}, ưu tiên các chỉ tiêu chưa đạt mục tiêu:",
            d.next_period
        )));
        blocks.push(Block::Bullets(behind));
    }
    blocks.push(Block::Note(TO_COMPLETE.into()));
    Section {
        title: format!("PHƯƠNG HƯỚNG, NHIỆM VỤ {}", d.next_period.to_uppercase()),
        blocks,
    }
}

/// Whether a unit's proposal asks for a commendation (khen thưởng): those
/// go to a review's own heading.
fn is_commendation(sentence: &str) -> bool {
    let s = xhht_domain::text::nfc(sentence).to_lowercase();
    s.contains("khen thưởng") || s.contains("biểu dương") || s.contains("bằng khen") || s.contains("giấy khen")
}

fn proposals(d: &DraftInput, groups: &[GroupDraft]) -> Section {
    let all = merged_across(groups, NarrativeKind::Proposals);
    let (commendations, proposals): (Vec<String>, Vec<String>) = if d.kind.is_review() {
        all.into_iter().partition(|p| is_commendation(p))
    } else {
        (Vec::new(), all)
    };
    let mut blocks = Vec::new();
    if !proposals.is_empty() {
        blocks.push(Block::Bullets(proposals));
    }
    if d.kind.is_review() {
        blocks.push(Block::Subheading("Đề xuất khen thưởng".into()));
        if !commendations.is_empty() {
            blocks.push(Block::Bullets(commendations));
        }
        blocks.push(Block::Note(
            "(Bổ sung đề xuất khen thưởng tập thể, cá nhân có thành tích trong giai đoạn.)".into(),
        ));
    }
    if blocks.is_empty() {
        blocks.push(Block::Note(TO_COMPLETE.into()));
    }
    Section {
        title: "KIẾN NGHỊ, ĐỀ XUẤT".into(),
        blocks,
    }
}

#[cfg(test)]
mod tests;
