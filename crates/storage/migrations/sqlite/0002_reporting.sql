-- Yearly reporting: sessions, narratives, deadlines, first submission.
-- Keep in step with ../postgres/0002_reporting.sql.

-- Login sessions. Only a hash of the cookie's token is stored.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id),
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

-- Narrative per task group of section III: results, difficulties, proposals.
CREATE TABLE narratives (
    org_unit_code TEXT NOT NULL,
    year INTEGER NOT NULL,
    task_group INTEGER NOT NULL,
    kind TEXT NOT NULL,
    body TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    PRIMARY KEY (org_unit_code, year, task_group, kind),
    FOREIGN KEY (org_unit_code, year) REFERENCES reports(org_unit_code, year)
);

-- A unit's own deadline for a year, granted by an administrator.
CREATE TABLE deadline_extensions (
    org_unit_code TEXT NOT NULL REFERENCES org_units(code),
    year INTEGER NOT NULL,
    due_date TEXT NOT NULL,
    granted_by TEXT NOT NULL,
    granted_at TEXT NOT NULL,
    reason TEXT NOT NULL,
    PRIMARY KEY (org_unit_code, year)
);

-- "Late" is computed from the first submission, never stored.
ALTER TABLE reports ADD COLUMN first_submitted_at TEXT;
-- The unit's explanation of validation warnings, given when submitting.
ALTER TABLE reports ADD COLUMN explanation TEXT;
UPDATE reports SET first_submitted_at = submitted_at;
