//! The area's report as the reviewing unit writes it in the app: numbered
//! versions of its draft (each save a new row, never overwritten) and the
//! issued report, whose .docx bytes are kept exactly as issued.
//!
//! The sections and issuing data are JSON text the web layer makes and
//! reads; storage keeps them as they come. `kind` is the report kind's code
//! (nam, so-ket, tong-ket).

use sha2::{Digest, Sha256};
use xhht_domain::audit::Change;

use crate::error::{Conflict, Missing};
use crate::reports::Stamp;
use crate::sessions::hex;
use crate::write::args;
use crate::{Result, Store, with_db};

/// One saved version, for the version list.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct DraftVersion {
    pub version: i32,
    pub saved_at: String,
    pub saved_by: String,
}

/// One saved version with its text.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct DraftRow {
    pub version: i32,
    pub saved_at: String,
    pub saved_by: String,
    pub sections: String,
    pub issuing: String,
}

/// An issued report (without its bytes).
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct IssuedReport {
    pub year: i32,
    pub kind: String,
    pub number: String,
    /// The date on the document (ISO), as the reviewer gave it.
    pub issued_on: String,
    /// When it was issued (RFC 3339 UTC).
    pub issued_at: String,
    pub issued_by: String,
    /// The draft version it was made from.
    pub version: i32,
    pub sha256: String,
}

/// What an issue records besides the file.
#[derive(Debug, Clone)]
pub struct IssueFacts<'a> {
    pub year: i32,
    pub kind: &'a str,
    pub number: &'a str,
    /// ISO date on the document.
    pub issued_on: &'a str,
    pub version: i32,
}

const ISSUED_COLUMNS: &str = "year, kind, number, issued_on, issued_at, issued_by, version, sha256";

impl Store {
    /// Saves a new version of the draft of `year`'s report of `kind`
    /// (audited) and returns its number. `restored_from` names the older
    /// version whose text this one copies, if it does.
    pub async fn save_report_draft(
        &self,
        stamp: &Stamp,
        year: i32,
        kind: &str,
        sections: &str,
        issuing: &str,
        restored_from: Option<i32>,
    ) -> Result<i32> {
        let mut w = self.begin_write().await?;
        // No row to lock before the first version: the table, so two saves
        // at once get consecutive numbers.
        w.lock_table("report_drafts").await?;
        let (last,): (Option<i32>,) = w
            .fetch_one(
                "SELECT MAX(version) FROM report_drafts WHERE plan_id = $1 AND year = $2 AND kind = $3",
                args![w.plan, year, kind],
            )
            .await?;
        let version = last.unwrap_or(0) + 1;
        w.execute(
            "INSERT INTO report_drafts (plan_id, year, kind, version, sections, issuing, saved_at, saved_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            args![w.plan, year, kind, version, sections, issuing, stamp.at_text(), &stamp.actor],
        )
        .await?;
        let change = Change::ReportDraftSaved {
            year,
            kind: kind.to_string(),
            version,
            restored_from,
        };
        w.audit(stamp, None, Some(year), &change).await?;
        w.commit().await?;
        Ok(version)
    }

    /// The saved versions, newest first.
    pub async fn report_draft_versions(&self, year: i32, kind: &str) -> Result<Vec<DraftVersion>> {
        let plan = self.plan_id().await?;
        Ok(with_db!(&self.db, pool => {
            sqlx::query_as("SELECT version, saved_at, saved_by FROM report_drafts WHERE plan_id = $1 AND year = $2 AND kind = $3 ORDER BY version DESC")
                .bind(plan).bind(year).bind(kind).fetch_all(pool).await?
        }))
    }

    /// One page of the saved versions, newest first: `limit` rows from
    /// `offset` in SQL, with the number of versions and the latest one.
    pub async fn report_draft_versions_page(
        &self,
        year: i32,
        kind: &str,
        offset: i64,
        limit: i64,
    ) -> Result<(Vec<DraftVersion>, i64, i32)> {
        let plan = self.plan_id().await?;
        let (rows, (total, latest)): (Vec<DraftVersion>, (i64, Option<i32>)) = with_db!(&self.db, pool => {
            let rows = sqlx::query_as("SELECT version, saved_at, saved_by FROM report_drafts WHERE plan_id = $1 AND year = $2 AND kind = $3 ORDER BY version DESC LIMIT $4 OFFSET $5")
                .bind(plan).bind(year).bind(kind).bind(limit).bind(offset).fetch_all(pool).await?;
            let count = sqlx::query_as("SELECT COUNT(*), MAX(version) FROM report_drafts WHERE plan_id = $1 AND year = $2 AND kind = $3")
                .bind(plan).bind(year).bind(kind).fetch_one(pool).await?;
            (rows, count)
        });
        Ok((rows, total, latest.unwrap_or(0)))
    }

    /// One version, or the latest with `None`; `Ok(None)` when nothing was
    /// saved yet (asked for a version that does not exist: `Missing`).
    pub async fn report_draft(&self, year: i32, kind: &str, version: Option<i32>) -> Result<Option<DraftRow>> {
        let plan = self.plan_id().await?;
        let row: Option<DraftRow> = with_db!(&self.db, pool => {
            sqlx::query_as("SELECT version, saved_at, saved_by, sections, issuing FROM report_drafts WHERE plan_id = $1 AND year = $2 AND kind = $3 AND ($4 < 0 OR version = $4) ORDER BY version DESC LIMIT 1")
                .bind(plan).bind(year).bind(kind).bind(version.unwrap_or(-1)).fetch_optional(pool).await?
        });
        match (row, version) {
            (None, Some(version)) => Err(Missing::DraftVersion {
                year,
                kind: kind.to_string(),
                version,
            }
            .into()),
            (row, _) => Ok(row),
        }
    }

    /// Issues the report: stores `docx` as it is, with its SHA-256, and
    /// audits the issue with the hash. A report of this year and kind
    /// issued before is a conflict (its file stays as it was). Returns the
    /// hash.
    pub async fn issue_report(&self, stamp: &Stamp, facts: &IssueFacts<'_>, docx: Vec<u8>) -> Result<String> {
        let mut w = self.begin_write().await?;
        w.lock_table("issued_reports").await?;
        let before: Option<(String,)> = w
            .fetch_optional(
                "SELECT number FROM issued_reports WHERE plan_id = $1 AND year = $2 AND kind = $3",
                args![w.plan, facts.year, facts.kind],
            )
            .await?;
        if let Some((number,)) = before {
            return Err(Conflict::ReportIssued {
                year: facts.year,
                kind: facts.kind.to_string(),
                number,
            }
            .into());
        }
        let sha256 = hex(&Sha256::digest(&docx));
        w.execute(
            "INSERT INTO issued_reports (plan_id, year, kind, number, issued_on, issued_at, issued_by, version, sha256, docx) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            args![
                w.plan,
                facts.year,
                facts.kind,
                facts.number,
                facts.issued_on,
                stamp.at_text(),
                &stamp.actor,
                facts.version,
                &sha256,
                docx
            ],
        )
        .await?;
        let change = Change::ReportIssued {
            year: facts.year,
            kind: facts.kind.to_string(),
            number: facts.number.to_string(),
            sha256: sha256.clone(),
        };
        w.audit(stamp, None, Some(facts.year), &change).await?;
        w.commit().await?;
        Ok(sha256)
    }

    /// Every issued report of the plan, newest year first.
    pub async fn issued_reports(&self) -> Result<Vec<IssuedReport>> {
        let plan = self.plan_id().await?;
        let sql = format!("SELECT {ISSUED_COLUMNS} FROM issued_reports WHERE plan_id = $1 ORDER BY year DESC, kind");
        Ok(with_db!(&self.db, pool => {
            sqlx::query_as(&sql).bind(plan).fetch_all(pool).await?
        }))
    }

    /// The issued report of `year` and `kind` and its bytes, as stored.
    pub async fn issued_report(&self, year: i32, kind: &str) -> Result<Option<(IssuedReport, Vec<u8>)>> {
        let plan = self.plan_id().await?;
        let sql = format!("SELECT {ISSUED_COLUMNS} FROM issued_reports WHERE plan_id = $1 AND year = $2 AND kind = $3");
        let meta: Option<IssuedReport> = with_db!(&self.db, pool => {
            sqlx::query_as(&sql).bind(plan).bind(year).bind(kind).fetch_optional(pool).await?
        });
        let Some(meta) = meta else { return Ok(None) };
        let (bytes,): (Vec<u8>,) = with_db!(&self.db, pool => {
            sqlx::query_as("SELECT docx FROM issued_reports WHERE plan_id = $1 AND year = $2 AND kind = $3")
                .bind(plan).bind(year).bind(kind).fetch_one(pool).await?
        });
        Ok(Some((meta, bytes)))
    }
}
