-- Reminders and digests (issue 14): in-app notices addressed to a unit (every
-- account of it sees them) or to one account, and the e-mails sent for them.
-- `dedupe` makes a scheduled notice idempotent: one reminder per (plan,
-- unit, year, reminder day), one digest per (account, day); a notice sent by
-- hand has none. An e-mail is recorded in the notice's write, sent after the
-- commit, then marked sent or failed. Accounts get an optional e-mail
-- address. Keep in step with ../sqlite/0080_notices.sql.
ALTER TABLE users ADD COLUMN email TEXT;

CREATE TABLE notices (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    plan_id BIGINT NOT NULL REFERENCES plans(id),
    kind TEXT NOT NULL,
    org_unit_code TEXT,
    user_id BIGINT REFERENCES users(id),
    year INTEGER NOT NULL,
    due_date TEXT,
    days_before INTEGER,
    body TEXT NOT NULL,
    link TEXT,
    dedupe TEXT,
    created_at TEXT NOT NULL,
    read_at TEXT,
    read_by TEXT,
    UNIQUE (plan_id, dedupe)
);
CREATE INDEX notices_unit ON notices (plan_id, org_unit_code, read_at);
CREATE INDEX notices_user ON notices (user_id, read_at);

CREATE TABLE notice_emails (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    notice_id BIGINT NOT NULL REFERENCES notices(id),
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL,
    sent_at TEXT,
    failed_at TEXT,
    error TEXT,
    attempts INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX notice_emails_pending ON notice_emails (sent_at);
