-- Several plans in one database (issue 9): every unit, data element, report,
-- value, narrative, extension and roll-up belongs to a plan, so two plans may
-- both call a unit "00004" (Trúc Bạch in 56/KH-UBND, Phường Ba Đình in a
-- 2026 ward plan). Rows of the previous release go to the plan it held.
-- SQLite cannot change a primary key in place: each table is rebuilt with
-- plan_id as its last column (PostgreSQL appends it the same way); foreign
-- keys are checked at commit, once every table is back.
-- Keep in step with ../postgres/0020_plans_in_one_database.sql.
PRAGMA defer_foreign_keys = ON;

-- `version` counts upgrades; a plan may end early (56/KH-UBND on 30/6/2025,
-- when the district was abolished), recorded with its reason.
ALTER TABLE plans ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE plans ADD COLUMN ended_on TEXT;
ALTER TABLE plans ADD COLUMN end_reason TEXT;
CREATE TABLE plan_versions (
    plan_id BIGINT NOT NULL REFERENCES plans(id),
    version BIGINT NOT NULL,
    source TEXT NOT NULL,
    loaded_at TEXT NOT NULL,
    loaded_by TEXT NOT NULL,
    PRIMARY KEY (plan_id, version)
);
INSERT INTO plan_versions (plan_id, version, source, loaded_at, loaded_by)
    SELECT id, 1, source, loaded_at, loaded_by FROM plans;

CREATE TABLE org_units_new (
    code TEXT NOT NULL,
    parent_code TEXT,
    unit_type TEXT NOT NULL,
    name TEXT NOT NULL,
    gso_code TEXT,
    valid_from TEXT,
    valid_to TEXT,
    plan_id BIGINT NOT NULL REFERENCES plans(id),
    PRIMARY KEY (plan_id, code),
    FOREIGN KEY (plan_id, parent_code) REFERENCES org_units_new(plan_id, code)
);
INSERT INTO org_units_new
    SELECT code, parent_code, unit_type, name, gso_code, valid_from, valid_to,
           (SELECT MIN(id) FROM plans) FROM org_units;

CREATE TABLE data_elements_new (
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    value_type TEXT NOT NULL,
    plan_id BIGINT NOT NULL REFERENCES plans(id),
    PRIMARY KEY (plan_id, code)
);
INSERT INTO data_elements_new SELECT code, name, value_type, (SELECT MIN(id) FROM plans) FROM data_elements;

CREATE TABLE users_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    org_unit_code TEXT NOT NULL,
    disabled BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TEXT NOT NULL,
    plan_id BIGINT NOT NULL,
    FOREIGN KEY (plan_id, org_unit_code) REFERENCES org_units_new(plan_id, code)
);
INSERT INTO users_new
    SELECT id, username, display_name, password_hash, role, org_unit_code, disabled, created_at,
           (SELECT MIN(id) FROM plans) FROM users;

CREATE TABLE reports_new (
    org_unit_code TEXT NOT NULL,
    year INTEGER NOT NULL,
    state TEXT NOT NULL,
    submitted_at TEXT,
    approved_at TEXT,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    first_submitted_at TEXT,
    explanation TEXT,
    plan_id BIGINT NOT NULL,
    PRIMARY KEY (plan_id, org_unit_code, year),
    FOREIGN KEY (plan_id, org_unit_code) REFERENCES org_units_new(plan_id, code)
);
INSERT INTO reports_new
    SELECT org_unit_code, year, state, submitted_at, approved_at, updated_at, updated_by,
           first_submitted_at, explanation, (SELECT MIN(id) FROM plans) FROM reports;

CREATE TABLE data_values_new (
    org_unit_code TEXT NOT NULL,
    element_code TEXT NOT NULL,
    year INTEGER NOT NULL,
    value_num DOUBLE PRECISION,
    value_text TEXT,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    plan_id BIGINT NOT NULL,
    PRIMARY KEY (plan_id, org_unit_code, element_code, year),
    FOREIGN KEY (plan_id, element_code) REFERENCES data_elements_new(plan_id, code),
    FOREIGN KEY (plan_id, org_unit_code, year) REFERENCES reports_new(plan_id, org_unit_code, year)
);
INSERT INTO data_values_new
    SELECT org_unit_code, element_code, year, value_num, value_text, updated_at, updated_by,
           (SELECT MIN(id) FROM plans) FROM data_values;

CREATE TABLE approved_values_new (
    org_unit_code TEXT NOT NULL,
    element_code TEXT NOT NULL,
    year INTEGER NOT NULL,
    value_num DOUBLE PRECISION,
    value_text TEXT,
    approved_at TEXT NOT NULL,
    approved_by TEXT NOT NULL,
    plan_id BIGINT NOT NULL,
    PRIMARY KEY (plan_id, org_unit_code, element_code, year),
    FOREIGN KEY (plan_id, element_code) REFERENCES data_elements_new(plan_id, code),
    FOREIGN KEY (plan_id, org_unit_code, year) REFERENCES reports_new(plan_id, org_unit_code, year)
);
INSERT INTO approved_values_new
    SELECT org_unit_code, element_code, year, value_num, value_text, approved_at, approved_by,
           (SELECT MIN(id) FROM plans) FROM approved_values;

CREATE TABLE narratives_new (
    org_unit_code TEXT NOT NULL,
    year INTEGER NOT NULL,
    task_group INTEGER NOT NULL,
    kind TEXT NOT NULL,
    body TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    plan_id BIGINT NOT NULL,
    PRIMARY KEY (plan_id, org_unit_code, year, task_group, kind),
    FOREIGN KEY (plan_id, org_unit_code, year) REFERENCES reports_new(plan_id, org_unit_code, year)
);
INSERT INTO narratives_new
    SELECT org_unit_code, year, task_group, kind, body, updated_at, updated_by,
           (SELECT MIN(id) FROM plans) FROM narratives;

CREATE TABLE deadline_extensions_new (
    org_unit_code TEXT NOT NULL,
    year INTEGER NOT NULL,
    due_date TEXT NOT NULL,
    granted_by TEXT NOT NULL,
    granted_at TEXT NOT NULL,
    reason TEXT NOT NULL,
    plan_id BIGINT NOT NULL,
    PRIMARY KEY (plan_id, org_unit_code, year),
    FOREIGN KEY (plan_id, org_unit_code) REFERENCES org_units_new(plan_id, code)
);
INSERT INTO deadline_extensions_new
    SELECT org_unit_code, year, due_date, granted_by, granted_at, reason,
           (SELECT MIN(id) FROM plans) FROM deadline_extensions;

CREATE TABLE indicator_rollups_new (
    area_code TEXT NOT NULL,
    indicator TEXT NOT NULL,
    year INTEGER NOT NULL,
    bucket BIGINT NOT NULL,
    numerator DOUBLE PRECISION NOT NULL,
    denominator DOUBLE PRECISION NOT NULL,
    counted BIGINT NOT NULL,
    plan_id BIGINT NOT NULL,
    PRIMARY KEY (plan_id, area_code, indicator, year, bucket)
);
INSERT INTO indicator_rollups_new
    SELECT area_code, indicator, year, bucket, numerator, denominator, counted,
           (SELECT MIN(id) FROM plans) FROM indicator_rollups;

-- Children first, then their parents; the new tables take the old names
-- (renaming also rewrites the new tables' references to each other). Logins
-- end: sessions point at the users table being replaced, and a session is
-- cheap to open again.
DELETE FROM sessions;
DROP TABLE indicator_rollups;
DROP TABLE deadline_extensions;
DROP TABLE narratives;
DROP TABLE approved_values;
DROP TABLE data_values;
DROP TABLE reports;
DROP TABLE users;
DROP TABLE data_elements;
DROP TABLE org_units;
ALTER TABLE org_units_new RENAME TO org_units;
ALTER TABLE data_elements_new RENAME TO data_elements;
ALTER TABLE users_new RENAME TO users;
ALTER TABLE reports_new RENAME TO reports;
ALTER TABLE data_values_new RENAME TO data_values;
ALTER TABLE approved_values_new RENAME TO approved_values;
ALTER TABLE narratives_new RENAME TO narratives;
ALTER TABLE deadline_extensions_new RENAME TO deadline_extensions;
ALTER TABLE indicator_rollups_new RENAME TO indicator_rollups;

CREATE INDEX reports_year_state ON reports(plan_id, year, state);
CREATE INDEX approved_values_year ON approved_values(plan_id, year);

-- The plan an event belongs to (NULL: the register, accounts, backups).
ALTER TABLE audit_events ADD COLUMN plan_id BIGINT;
UPDATE audit_events SET plan_id = (SELECT MIN(id) FROM plans)
    WHERE action NOT IN ('units_imported', 'unit_share_set');
