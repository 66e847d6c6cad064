-- XHHT schema, SQLite flavour. Keep in step with ../postgres/0001_init.sql:
-- the same tables and columns; only key generation and types differ.

CREATE TABLE plans (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    code TEXT NOT NULL UNIQUE,
    number TEXT NOT NULL,
    source TEXT NOT NULL,
    loaded_at TEXT NOT NULL,
    loaded_by TEXT NOT NULL
);

CREATE TABLE org_units (
    code TEXT PRIMARY KEY,
    parent_code TEXT REFERENCES org_units(code),
    unit_type TEXT NOT NULL,
    name TEXT NOT NULL,
    gso_code TEXT,
    valid_from TEXT,
    valid_to TEXT
);

CREATE TABLE data_elements (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    value_type TEXT NOT NULL
);

CREATE TABLE users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    org_unit_code TEXT NOT NULL REFERENCES org_units(code),
    disabled BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TEXT NOT NULL
);

-- One yearly report per unit: its workflow state.
CREATE TABLE reports (
    org_unit_code TEXT NOT NULL REFERENCES org_units(code),
    year INTEGER NOT NULL,
    state TEXT NOT NULL,
    submitted_at TEXT,
    approved_at TEXT,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    PRIMARY KEY (org_unit_code, year)
);

-- The working copy a unit edits.
CREATE TABLE data_values (
    org_unit_code TEXT NOT NULL,
    element_code TEXT NOT NULL REFERENCES data_elements(code),
    year INTEGER NOT NULL,
    value_num DOUBLE PRECISION,
    value_text TEXT,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    PRIMARY KEY (org_unit_code, element_code, year),
    FOREIGN KEY (org_unit_code, year) REFERENCES reports(org_unit_code, year)
);

-- The official figures: a copy of data_values taken when a report is approved.
CREATE TABLE approved_values (
    org_unit_code TEXT NOT NULL,
    element_code TEXT NOT NULL REFERENCES data_elements(code),
    year INTEGER NOT NULL,
    value_num DOUBLE PRECISION,
    value_text TEXT,
    approved_at TEXT NOT NULL,
    approved_by TEXT NOT NULL,
    PRIMARY KEY (org_unit_code, element_code, year),
    FOREIGN KEY (org_unit_code, year) REFERENCES reports(org_unit_code, year)
);
CREATE INDEX approved_values_year ON approved_values(year);

-- Append-only: every change to reported data or to a report's state.
CREATE TABLE audit_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    org_unit_code TEXT,
    year INTEGER,
    element_code TEXT,
    old_value TEXT,
    new_value TEXT,
    reason TEXT
);
CREATE INDEX audit_events_report ON audit_events(org_unit_code, year);
