//! [`YearlyReport`] (the flat value the web app builds) as a
//! [`ReportDocument`]: its figures and passages placed in the sections of a
//! báo cáo by [`draft::sections`], its issuing lines read back into fields.

use chrono::{DateTime, NaiveDate, Utc};

use super::draft::{self, DraftInput, Narrative, NarrativeKind, Outcome};
use super::{Annex, Chart, Grid, Issuing, Metadata, ReportDocument, ReportKind, YearlyReport};

pub fn document(r: &YearlyReport, generated_at: DateTime<Utc>) -> ReportDocument {
    let outcomes: Vec<Outcome> = r
        .indicators
        .iter()
        .filter_map(|l| {
            Some(Outcome {
                number: l.number,
                name: l.name.clone(),
                status: draft::status_from_label(&l.status)?,
            })
        })
        .collect();
    let groups: Vec<(i64, String)> = (1..).zip(r.task_groups.iter().map(|g| g.title.clone())).collect();
    let narratives: Vec<Narrative> = (1..)
        .zip(&r.task_groups)
        .flat_map(|(i, g)| {
            g.passages.iter().map(move |(unit, label, text)| Narrative {
                group: i,
                unit: unit.clone(),
                kind: NarrativeKind::from_label(label).unwrap_or(NarrativeKind::Results),
                text: text.clone(),
            })
        })
        .collect();
    let input = DraftInput {
        kind: r.kind,
        year: r.year,
        baseline_year: r.baseline_year,
        target_year: r.target_year,
        next_period: if r.next_period.trim().is_empty() {
            match r.kind {
                ReportKind::Yearly => format!("năm {}", r.year + 1),
                _ => "giai đoạn tiếp theo".into(),
            }
        } else {
            r.next_period.clone()
        },
        completeness: &r.completeness,
        outcomes: &outcomes,
        indicator_table: indicator_table(r),
        charts: r
            .charts
            .iter()
            .map(|(caption, png, _, _)| Chart {
                caption: caption.clone(),
                png: png.clone(),
            })
            .collect(),
        review: &r.review,
        groups: &groups,
        narratives: &narratives,
        funding_sources: &[],
        funding_reported: &[],
    };
    let sections = draft::sections(&input);
    ReportDocument {
        kind: r.kind,
        issuing: issuing(r),
        title: r.title.clone(),
        subtitle: r.subtitle.clone(),
        opening: Vec::new(),
        sections,
        annex: annex(r),
        metadata: Metadata { generated_at },
    }
}

fn indicator_table(r: &YearlyReport) -> Grid {
    let compare = r.kind.is_review();
    let mut header: Vec<String> = vec!["TT".into(), "Chỉ tiêu".into()];
    header.extend(r.milestones.iter().map(|y| format!("Mục tiêu {y}")));
    if compare {
        header.push(format!("Năm {} (gốc)", r.baseline_year));
    }
    header.extend([
        format!("Năm {}", r.year - 1),
        format!("Năm {}", r.year),
        "Đánh giá".into(),
    ]);
    let rows = r
        .indicators
        .iter()
        .map(|l| {
            let mut row = vec![l.number.to_string(), l.name.clone()];
            // One cell per milestone column, whatever the line holds.
            row.extend((0..r.milestones.len()).map(|i| l.targets.get(i).cloned().unwrap_or_else(|| "—".into())));
            if compare {
                row.push(l.baseline.clone());
            }
            row.extend([l.last_year.clone(), l.this_year.clone(), l.status.clone()]);
            row
        })
        .collect();
    Grid {
        header,
        rows,
        total: None,
    }
}

/// The annex with a legend of the indicator codes ("CT 2" is the column of
/// indicator 2, as the web app names them) and the area's own figure as the
/// total row.
fn annex(r: &YearlyReport) -> Option<Annex> {
    if r.annex_rows.is_empty() {
        return None;
    }
    let columns = r.annex_columns.iter().skip(1);
    let find = |code: &str| r.indicators.iter().find(|l| format!("CT {}", l.number) == code);
    let legend = columns
        .clone()
        .filter_map(|c| find(c).map(|l| (c.clone(), l.name.clone())))
        .collect();
    let total = std::iter::once("Toàn địa bàn".to_string())
        .chain(columns.map(|c| find(c).map_or_else(|| "—".into(), |l| l.this_year.clone())))
        .collect();
    Some(Annex {
        title: format!("Kết quả các chỉ tiêu theo đơn vị năm {}", r.year),
        table: Grid {
            header: r.annex_columns.clone(),
            rows: r.annex_rows.clone(),
            total: Some(total),
        },
        legend,
    })
}

fn issuing(r: &YearlyReport) -> Issuing {
    let (number, symbol) = r
        .symbol
        .trim_start_matches("Số:")
        .split_once('/')
        .map_or((String::new(), r.symbol.clone()), |(n, s)| {
            (n.trim().to_string(), s.trim().to_string())
        });
    let (place, date) = match r.place_and_date.split_once(", ") {
        Some((p, d)) => (p.to_string(), parse_date_long(d)),
        None => (r.place_and_date.clone(), None),
    };
    let mut recipients = r.recipients.clone();
    if let Some(last) = recipients.last_mut() {
        *last = last.trim_end_matches(['.', ';']).to_string();
    }
    Issuing {
        superior_body: r.superior_body.clone(),
        issuing_body: r.issuing_body.clone(),
        number,
        symbol,
        place,
        date,
        authority: r.signing_authority.lines().map(str::to_string).collect(),
        signer_title: r.signer_title.clone(),
        signer_name: r.signer_name.clone(),
        recipients,
    }
}

/// "ngày 05 tháng 12 năm 2026" back into a date.
fn parse_date_long(s: &str) -> Option<NaiveDate> {
    let words: Vec<&str> = s.split_whitespace().collect();
    match words.as_slice() {
        ["ngày", d, "tháng", m, "năm", y] => {
            NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issuing_lines_are_read_back_into_fields() {
        assert_eq!(
            parse_date_long("ngày 05 tháng 12 năm 2026"),
            NaiveDate::from_ymd_opt(2026, 12, 5)
        );
        assert_eq!(parse_date_long("ngày … tháng"), None);
    }
}
