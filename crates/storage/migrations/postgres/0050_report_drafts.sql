-- The area's report, drafted and issued in the app (issue 11): every save of
-- a draft is a new version (sections and issuing data as JSON text made in
-- Rust); an issued report keeps the .docx bytes exactly as issued, with
-- their SHA-256 (also in the audit event). One issued report per plan, year
-- and kind (nam, so-ket, tong-ket). Keep in step with
-- ../sqlite/0050_report_drafts.sql.
CREATE TABLE report_drafts (
    plan_id BIGINT NOT NULL REFERENCES plans(id),
    year INTEGER NOT NULL,
    kind TEXT NOT NULL,
    version INTEGER NOT NULL,
    sections TEXT NOT NULL,
    issuing TEXT NOT NULL,
    saved_at TEXT NOT NULL,
    saved_by TEXT NOT NULL,
    PRIMARY KEY (plan_id, year, kind, version)
);

CREATE TABLE issued_reports (
    plan_id BIGINT NOT NULL REFERENCES plans(id),
    year INTEGER NOT NULL,
    kind TEXT NOT NULL,
    number TEXT NOT NULL,
    issued_on TEXT NOT NULL,
    issued_at TEXT NOT NULL,
    issued_by TEXT NOT NULL,
    version INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    docx BYTEA NOT NULL,
    PRIMARY KEY (plan_id, year, kind)
);
