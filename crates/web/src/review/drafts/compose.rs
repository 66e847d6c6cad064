//! A draft as stored (JSON text of [`Draft`]) and as laid out: the
//! reviewer's text put into the document the data makes, its tables and
//! charts coming back in at their markers.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use xhht_office::report::text::{Markers, objects, to_blocks};
use xhht_office::report::{Issuing, ReportDocument, ReportKind, Section};
use xhht_storage::{DraftRow, StorageError};

use super::super::documents::{self, ReportError};
use crate::state::AppState;

/// One section as the reviewer wrote it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedSection {
    /// "KẾT QUẢ THỰC HIỆN" (numbered when laid out).
    pub title: String,
    pub text: String,
}

/// The issuing lines as edited: multi-line fields one entry a line.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct IssuingText {
    pub superior_body: String,
    pub issuing_body: String,
    pub symbol: String,
    pub place: String,
    /// "TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH".
    pub authority: String,
    pub signer_title: String,
    pub signer_name: String,
    /// One recipient a line.
    pub recipients: String,
}

impl IssuingText {
    pub fn of(i: &Issuing) -> Self {
        Self {
            superior_body: i.superior_body.clone(),
            issuing_body: i.issuing_body.clone(),
            symbol: i.symbol.clone(),
            place: i.place.clone(),
            authority: i.authority.join("\n"),
            signer_title: i.signer_title.clone(),
            signer_name: i.signer_name.clone(),
            recipients: i.recipients.join("\n"),
        }
    }

    /// The issuing data of the document: number and date only when issued.
    pub fn issuing(&self, number: &str, date: Option<NaiveDate>) -> Issuing {
        let lines = |t: &str| {
            t.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(String::from)
                .collect::<Vec<_>>()
        };
        Issuing {
            superior_body: self.superior_body.clone(),
            issuing_body: self.issuing_body.clone(),
            number: number.to_string(),
            symbol: self.symbol.clone(),
            place: self.place.clone(),
            date,
            authority: lines(&self.authority),
            signer_title: self.signer_title.clone(),
            signer_name: self.signer_name.clone(),
            recipients: lines(&self.recipients),
        }
    }
}

/// A draft: sections and issuing lines, the version it was saved as (0:
/// not saved yet, the data's first draft).
#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    pub version: i32,
    pub sections: Vec<SavedSection>,
    pub issuing: IssuingText,
}

impl Draft {
    /// The first draft: what the data says, section by section.
    pub fn from_data(doc: &ReportDocument) -> Self {
        let mut markers = Markers::default();
        Self {
            version: 0,
            sections: doc
                .sections
                .iter()
                .map(|s| SavedSection {
                    title: s.title.clone(),
                    text: markers.to_text(&s.blocks),
                })
                .collect(),
            issuing: IssuingText::of(&doc.issuing),
        }
    }

    pub fn from_row(row: &DraftRow) -> Result<Self, StorageError> {
        let bad = |e: serde_json::Error| StorageError::Corrupt(format!("report draft: {e}"));
        Ok(Self {
            version: row.version,
            sections: serde_json::from_str(&row.sections).map_err(bad)?,
            issuing: serde_json::from_str(&row.issuing).map_err(bad)?,
        })
    }

    pub fn sections_json(&self) -> String {
        serde_json::to_string(&self.sections).expect("plain data")
    }

    pub fn issuing_json(&self) -> String {
        serde_json::to_string(&self.issuing).expect("plain data")
    }

    /// `doc` (made from the data) with this draft's text and issuing lines.
    pub fn apply(&self, mut doc: ReportDocument, number: &str, date: Option<NaiveDate>) -> ReportDocument {
        let (tables, charts) = objects(&doc.sections);
        doc.sections = self
            .sections
            .iter()
            .map(|s| Section {
                title: s.title.clone(),
                blocks: to_blocks(&s.text, &tables, &charts),
            })
            .collect();
        doc.issuing = self.issuing.issuing(number, date);
        doc
    }
}

/// The saved version asked for (the latest with `None`), else the data's
/// first draft; and the document the data makes, to lay it out with.
pub async fn load(
    state: &AppState,
    year: i32,
    kind: ReportKind,
    version: Option<i32>,
) -> Result<(Draft, ReportDocument), ReportError> {
    let doc = documents::document(state, year, kind).await?;
    let draft = match state.store.report_draft(year, kind.code(), version).await? {
        Some(row) => Draft::from_row(&row)?,
        None => Draft::from_data(&doc),
    };
    Ok((draft, doc))
}
