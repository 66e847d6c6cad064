//! The hash chain over the audit trail: every stored row carries its place
//! in the chain (`seq`, 1, 2, …), the hash of the row before it and its own
//! hash, SHA-256 of the previous hash and the row's canonical content. A row
//! edited, deleted or inserted with plain SQL no longer fits, and
//! [`check`] names the first row that does not.
//!
//! The hash covers the row as stored (every column, the payload text as
//! written), not the typed event read back from it, so the check needs no
//! parsing and rows of every release hash the same way. It makes tampering
//! evident, not impossible: whoever can rewrite the whole table and the head
//! can rewrite the chain (there is no secret key).

use std::fmt;

use serde::Serialize;
use sha2::{Digest, Sha256};

/// The "previous hash" of the first row.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One row of `audit_events` as stored: what the hash covers, and the
/// chain columns (`None` in a row nobody chained).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ChainRow {
    /// The row id: named in messages, not hashed (`seq` orders the chain).
    pub id: i64,
    pub seq: Option<i64>,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub unit: Option<String>,
    pub year: Option<i32>,
    /// The columns of events written before typed payloads (migration 0005).
    pub element: Option<String>,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    pub reason: Option<String>,
    pub payload: Option<String>,
    pub plan_id: Option<i64>,
    pub prev_hash: Option<String>,
    pub hash: Option<String>,
}

impl ChainRow {
    /// The one text the hash covers at place `seq`: a JSON array of the
    /// content columns in a fixed order (nulls written as `null`), so no two
    /// different rows share a text.
    pub fn canonical(&self, seq: i64) -> String {
        serde_json::to_string(&(
            seq,
            &self.at,
            &self.actor,
            &self.action,
            &self.unit,
            self.year,
            &self.element,
            &self.old_value,
            &self.new_value,
            &self.reason,
            &self.payload,
            self.plan_id,
        ))
        .expect("plain data")
    }
}

/// SHA-256 of `prev` (64 hex digits), a newline and `canonical`, as
/// lowercase hex.
pub fn link_hash(prev: &str, canonical: &str) -> String {
    let mut h = Sha256::new();
    h.update(prev.as_bytes());
    h.update(b"\n");
    h.update(canonical.as_bytes());
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// The end of the chain: the last row's place and hash (0 and [`GENESIS`]
/// before any row).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Head {
    pub seq: i64,
    pub hash: String,
}

impl Head {
    pub fn genesis() -> Self {
        Self {
            seq: 0,
            hash: GENESIS.to_string(),
        }
    }

    /// Appends `row`: returns its (seq, prev_hash, hash) and moves the head.
    pub fn append(&mut self, row: &ChainRow) -> (i64, String, String) {
        let seq = self.seq + 1;
        let prev = std::mem::take(&mut self.hash);
        let hash = link_hash(&prev, &row.canonical(seq));
        self.seq = seq;
        self.hash = hash.clone();
        (seq, prev, hash)
    }
}

/// The first place where the stored trail and its chain disagree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Break {
    /// A row with no chain columns after the trail was sealed: written
    /// outside the application.
    Unchained { id: i64 },
    /// The places jump (`expected` → `found`): rows before this one were
    /// deleted, or rows were reordered.
    Gap { id: i64, expected: i64, found: Option<i64> },
    /// The row's "previous hash" is not the hash of the row before it: the
    /// row before was replaced, or this row moved.
    Link { id: i64, seq: i64 },
    /// The row's content (a column such as actor, time or payload) is no
    /// longer what was hashed.
    Content { id: i64, seq: i64 },
    /// The recorded end of the chain is past the last row: the last rows
    /// were deleted.
    Truncated { last_seq: i64, head_seq: i64 },
    /// The recorded end of the chain does not match its last row.
    HeadMismatch { last_seq: i64 },
}

impl Break {
    /// The event the break is found at, when it is a row.
    pub fn event_id(&self) -> Option<i64> {
        match self {
            Self::Unchained { id } | Self::Gap { id, .. } | Self::Link { id, .. } | Self::Content { id, .. } => {
                Some(*id)
            }
            Self::Truncated { .. } | Self::HeadMismatch { .. } => None,
        }
    }
}

impl fmt::Display for Break {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Unchained { id } => write!(
                f,
                "sự kiện #{id} không có mã băm (được ghi ngoài ứng dụng sau khi nhật ký đã niêm phong)"
            ),
            Self::Gap {
                id,
                expected,
                found: Some(found),
            } if found > expected => write!(
                f,
                "trước sự kiện #{id} thiếu {} sự kiện (số thứ tự {expected}–{}): sự kiện đã bị xoá",
                found - expected,
                found - 1
            ),
            Self::Gap { id, expected, found } => write!(
                f,
                "sự kiện #{id} mang số thứ tự {} thay vì {expected}: thứ tự nhật ký đã bị thay đổi",
                found.map_or("(trống)".to_string(), |n| n.to_string())
            ),
            Self::Link { id, seq } => write!(
                f,
                "sự kiện #{id} (số thứ tự {seq}) không nối với sự kiện trước nó: sự kiện trước đã bị thay hoặc xoá"
            ),
            Self::Content { id, seq } => write!(
                f,
                "nội dung sự kiện #{id} (số thứ tự {seq}) đã bị sửa: thời điểm, người thực hiện, nội dung thay đổi hoặc lý do không còn khớp mã băm"
            ),
            Self::Truncated { last_seq, head_seq } => write!(
                f,
                "nhật ký dừng ở số thứ tự {last_seq} nhưng đã ghi đến {head_seq}: các sự kiện cuối đã bị xoá"
            ),
            Self::HeadMismatch { last_seq } => write!(
                f,
                "sự kiện cuối (số thứ tự {last_seq}) không khớp với mã băm cuối đã ghi nhận"
            ),
        }
    }
}

/// Checks the rows (in id order) against each other and against the
/// recorded head; returns the number of rows checked and the head they
/// reach, or the first break.
pub fn check<I>(rows: I, recorded: &Head) -> Result<(u64, Head), Break>
where
    I: IntoIterator<Item = ChainRow>,
{
    let mut head = Head::genesis();
    let mut checked = 0;
    for row in rows {
        let (Some(seq), Some(prev), Some(hash)) = (row.seq, &row.prev_hash, &row.hash) else {
            if row.seq.is_none() && row.prev_hash.is_none() && row.hash.is_none() {
                return Err(Break::Unchained { id: row.id });
            }
            return Err(Break::Gap {
                id: row.id,
                expected: head.seq + 1,
                found: row.seq,
            });
        };
        if seq != head.seq + 1 {
            return Err(Break::Gap {
                id: row.id,
                expected: head.seq + 1,
                found: Some(seq),
            });
        }
        if *prev != head.hash {
            return Err(Break::Link { id: row.id, seq });
        }
        if link_hash(prev, &row.canonical(seq)) != *hash {
            return Err(Break::Content { id: row.id, seq });
        }
        head = Head {
            seq,
            hash: hash.clone(),
        };
        checked += 1;
    }
    if recorded.seq > head.seq {
        return Err(Break::Truncated {
            last_seq: head.seq,
            head_seq: recorded.seq,
        });
    }
    if *recorded != head {
        return Err(Break::HeadMismatch { last_seq: head.seq });
    }
    Ok((checked, head))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: i64, actor: &str) -> ChainRow {
        ChainRow {
            id,
            at: format!("2026-12-0{id}T00:00:00.000Z"),
            actor: actor.into(),
            action: "value_set".into(),
            unit: Some("00001".into()),
            year: Some(2026),
            payload: Some(r#"{"kind":"value_set","element":"a","old":null,"new":1.0}"#.into()),
            plan_id: Some(1),
            ..ChainRow::default()
        }
    }

    /// Five rows chained as the writer chains them, and the head.
    fn chained() -> (Vec<ChainRow>, Head) {
        let mut head = Head::genesis();
        let rows = (1..=5)
            .map(|id| {
                let mut r = row(id, "phucxa");
                let (seq, prev, hash) = head.append(&r);
                (r.seq, r.prev_hash, r.hash) = (Some(seq), Some(prev), Some(hash));
                r
            })
            .collect();
        (rows, head)
    }

    #[test]
    fn an_untouched_chain_passes() {
        let (rows, head) = chained();
        assert_eq!(check(rows, &head), Ok((5, head.clone())));
        assert_eq!(check(Vec::new(), &Head::genesis()), Ok((0, Head::genesis())));
    }

    #[test]
    fn the_hash_is_sha256_of_the_previous_hash_and_the_text() {
        // Known SHA-256 of "\n" alone, to pin the construction.
        assert_eq!(
            link_hash("", ""),
            "01ba4719c80b6fe911b091a7c05124b64eeece964e09c058ef8f9805daca546b"
        );
        assert_ne!(link_hash(GENESIS, "a"), link_hash(GENESIS, "b"));
    }

    #[test]
    fn each_column_is_covered() {
        let base = row(1, "a");
        let edits: Vec<fn(&mut ChainRow)> = vec![
            |r| r.at.push('1'),
            |r| r.actor.push('1'),
            |r| r.action.push('1'),
            |r| r.unit = None,
            |r| r.year = Some(2025),
            |r| r.element = Some("x".into()),
            |r| r.old_value = Some("x".into()),
            |r| r.new_value = Some("x".into()),
            |r| r.reason = Some("x".into()),
            |r| r.payload = Some("{}".into()),
            |r| r.plan_id = Some(2),
        ];
        for edit in edits {
            let mut r = base.clone();
            edit(&mut r);
            assert_ne!(r.canonical(1), base.canonical(1), "{r:?}");
        }
        assert_ne!(base.canonical(1), base.canonical(2), "the place is covered");
    }

    #[test]
    fn an_edited_row_is_named() {
        let (mut rows, head) = chained();
        rows[2].actor = "ke-gian".into();
        assert_eq!(check(rows, &head), Err(Break::Content { id: 3, seq: 3 }));
    }

    #[test]
    fn an_edited_row_with_its_hash_recomputed_breaks_the_next_link() {
        let (mut rows, head) = chained();
        rows[2].payload = Some("{}".into());
        let prev = rows[2].prev_hash.clone().unwrap();
        rows[2].hash = Some(link_hash(&prev, &rows[2].canonical(3)));
        assert_eq!(check(rows, &head), Err(Break::Link { id: 4, seq: 4 }));
    }

    #[test]
    fn a_deleted_row_is_a_gap_before_the_next() {
        let (mut rows, head) = chained();
        rows.remove(1);
        let err = check(rows, &head).unwrap_err();
        assert_eq!(
            err,
            Break::Gap {
                id: 3,
                expected: 2,
                found: Some(3)
            }
        );
        assert!(err.to_string().contains("#3"), "{err}");
    }

    #[test]
    fn deleting_the_last_rows_is_seen_from_the_head() {
        let (mut rows, head) = chained();
        rows.truncate(3);
        assert_eq!(
            check(rows, &head),
            Err(Break::Truncated {
                last_seq: 3,
                head_seq: 5
            })
        );
    }

    #[test]
    fn a_row_inserted_without_hash_is_named() {
        let (mut rows, head) = chained();
        rows.insert(2, row(9, "x"));
        assert_eq!(check(rows, &head), Err(Break::Unchained { id: 9 }));
    }
}
