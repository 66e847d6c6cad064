//! `GET /review/{year}/bao-cao/xem-truoc?loai=&phien-ban=`: a version as a
//! page, in the order and with the headings of the Word document.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use xhht_office::report::{Block, Grid};

use super::editor::NUMERALS;
use super::{VersionQuery, app_error, compose, kind_in, kind_label};
use crate::auth::{PlanYear, Reviewer};
use crate::chrome::Chrome;
use crate::respond::{AppError, Query};
use crate::state::AppState;

pub enum Shown {
    Heading(String),
    Subheading(String),
    Paragraph(String),
    Note(String),
    List(Vec<String>),
    Table(Grid),
    Chart(String),
}

pub struct ShownSection {
    pub numeral: &'static str,
    pub title: String,
    pub blocks: Vec<Shown>,
}

#[derive(Template, WebTemplate)]
#[template(path = "review/drafts/preview.html")]
pub struct PreviewPage {
    pub chrome: Chrome,
    pub year: i32,
    pub kind: &'static str,
    pub label: String,
    pub version: i32,
    pub superior_body: String,
    pub issuing_body: String,
    pub number_line: String,
    pub place_and_date: String,
    pub title: String,
    pub subtitle: String,
    pub sections: Vec<ShownSection>,
    pub authority: Vec<String>,
    pub signer_title: String,
    pub signer_name: String,
    pub recipients: Vec<String>,
}

fn shown(b: &Block) -> Shown {
    match b {
        Block::Heading(t) => Shown::Heading(t.clone()),
        Block::Subheading(t) => Shown::Subheading(t.clone()),
        Block::Paragraph(t) => Shown::Paragraph(t.clone()),
        Block::Note(t) => Shown::Note(t.clone()),
        Block::Bullets(items) => Shown::List(items.clone()),
        Block::Table(g) => Shown::Table(g.clone()),
        Block::Chart(c) => Shown::Chart(c.caption.clone()),
    }
}

pub async fn preview(
    State(state): State<AppState>,
    chrome: Chrome,
    _: Reviewer,
    PlanYear(year): PlanYear,
    Query(q): Query<VersionQuery>,
) -> Result<PreviewPage, AppError> {
    let kind = kind_in(&state, year, q.loai)?;
    let (draft, doc) = compose::load(&state, year, kind, q.version).await.map_err(app_error)?;
    let version = draft.version;
    let doc = draft.apply(doc, "", None);
    let i = &doc.issuing;
    Ok(PreviewPage {
        year,
        kind: kind.code(),
        label: kind_label(&state, year, kind),
        version,
        superior_body: i.superior_body.clone(),
        issuing_body: i.issuing_body.clone(),
        number_line: i.number_line(),
        place_and_date: i.place_and_date(),
        title: doc.title.clone(),
        subtitle: doc.subtitle.clone(),
        sections: doc
            .sections
            .iter()
            .enumerate()
            .map(|(k, s)| ShownSection {
                numeral: NUMERALS.get(k).copied().unwrap_or(""),
                title: s.title.clone(),
                blocks: s.blocks.iter().map(shown).collect(),
            })
            .collect(),
        authority: i.authority.clone(),
        signer_title: i.signer_title.clone(),
        signer_name: i.signer_name.clone(),
        recipients: i.recipients.clone(),
        chrome,
    })
}
