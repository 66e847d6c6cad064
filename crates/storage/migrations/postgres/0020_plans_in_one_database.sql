-- Several plans in one database (issue 9): every unit, data element, report,
-- value, narrative, extension and roll-up belongs to a plan, so two plans may
-- both call a unit "00004" (Trúc Bạch in 56/KH-UBND, Phường Ba Đình in a
-- 2026 ward plan). Rows of the previous release go to the plan it held.
-- plan_id is appended as each table's last column, as SQLite's rebuild does.
-- Keep in step with ../sqlite/0020_plans_in_one_database.sql.

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

-- Foreign keys on the old single-column keys go first.
ALTER TABLE org_units DROP CONSTRAINT IF EXISTS org_units_parent_code_fkey;
ALTER TABLE users DROP CONSTRAINT IF EXISTS users_org_unit_code_fkey;
ALTER TABLE reports DROP CONSTRAINT IF EXISTS reports_org_unit_code_fkey;
ALTER TABLE data_values DROP CONSTRAINT IF EXISTS data_values_element_code_fkey;
ALTER TABLE data_values DROP CONSTRAINT IF EXISTS data_values_org_unit_code_year_fkey;
ALTER TABLE approved_values DROP CONSTRAINT IF EXISTS approved_values_element_code_fkey;
ALTER TABLE approved_values DROP CONSTRAINT IF EXISTS approved_values_org_unit_code_year_fkey;
ALTER TABLE narratives DROP CONSTRAINT IF EXISTS narratives_org_unit_code_year_fkey;
ALTER TABLE deadline_extensions DROP CONSTRAINT IF EXISTS deadline_extensions_org_unit_code_fkey;

ALTER TABLE org_units ADD COLUMN plan_id BIGINT REFERENCES plans(id);
ALTER TABLE data_elements ADD COLUMN plan_id BIGINT REFERENCES plans(id);
ALTER TABLE users ADD COLUMN plan_id BIGINT;
ALTER TABLE reports ADD COLUMN plan_id BIGINT;
ALTER TABLE data_values ADD COLUMN plan_id BIGINT;
ALTER TABLE approved_values ADD COLUMN plan_id BIGINT;
ALTER TABLE narratives ADD COLUMN plan_id BIGINT;
ALTER TABLE deadline_extensions ADD COLUMN plan_id BIGINT;
ALTER TABLE indicator_rollups ADD COLUMN plan_id BIGINT;

UPDATE org_units SET plan_id = (SELECT MIN(id) FROM plans);
UPDATE data_elements SET plan_id = (SELECT MIN(id) FROM plans);
UPDATE users SET plan_id = (SELECT MIN(id) FROM plans);
UPDATE reports SET plan_id = (SELECT MIN(id) FROM plans);
UPDATE data_values SET plan_id = (SELECT MIN(id) FROM plans);
UPDATE approved_values SET plan_id = (SELECT MIN(id) FROM plans);
UPDATE narratives SET plan_id = (SELECT MIN(id) FROM plans);
UPDATE deadline_extensions SET plan_id = (SELECT MIN(id) FROM plans);
UPDATE indicator_rollups SET plan_id = (SELECT MIN(id) FROM plans);

ALTER TABLE org_units ALTER COLUMN plan_id SET NOT NULL;
ALTER TABLE data_elements ALTER COLUMN plan_id SET NOT NULL;
ALTER TABLE users ALTER COLUMN plan_id SET NOT NULL;
ALTER TABLE reports ALTER COLUMN plan_id SET NOT NULL;
ALTER TABLE data_values ALTER COLUMN plan_id SET NOT NULL;
ALTER TABLE approved_values ALTER COLUMN plan_id SET NOT NULL;
ALTER TABLE narratives ALTER COLUMN plan_id SET NOT NULL;
ALTER TABLE deadline_extensions ALTER COLUMN plan_id SET NOT NULL;
ALTER TABLE indicator_rollups ALTER COLUMN plan_id SET NOT NULL;

ALTER TABLE org_units DROP CONSTRAINT org_units_pkey CASCADE;
ALTER TABLE org_units ADD PRIMARY KEY (plan_id, code);
ALTER TABLE org_units ADD FOREIGN KEY (plan_id, parent_code) REFERENCES org_units(plan_id, code);
ALTER TABLE data_elements DROP CONSTRAINT data_elements_pkey CASCADE;
ALTER TABLE data_elements ADD PRIMARY KEY (plan_id, code);
ALTER TABLE users ADD FOREIGN KEY (plan_id, org_unit_code) REFERENCES org_units(plan_id, code);
ALTER TABLE reports DROP CONSTRAINT reports_pkey CASCADE;
ALTER TABLE reports ADD PRIMARY KEY (plan_id, org_unit_code, year);
ALTER TABLE reports ADD FOREIGN KEY (plan_id, org_unit_code) REFERENCES org_units(plan_id, code);
ALTER TABLE data_values DROP CONSTRAINT data_values_pkey;
ALTER TABLE data_values ADD PRIMARY KEY (plan_id, org_unit_code, element_code, year);
ALTER TABLE data_values ADD FOREIGN KEY (plan_id, element_code) REFERENCES data_elements(plan_id, code);
ALTER TABLE data_values ADD FOREIGN KEY (plan_id, org_unit_code, year) REFERENCES reports(plan_id, org_unit_code, year);
ALTER TABLE approved_values DROP CONSTRAINT approved_values_pkey;
ALTER TABLE approved_values ADD PRIMARY KEY (plan_id, org_unit_code, element_code, year);
ALTER TABLE approved_values ADD FOREIGN KEY (plan_id, element_code) REFERENCES data_elements(plan_id, code);
ALTER TABLE approved_values ADD FOREIGN KEY (plan_id, org_unit_code, year) REFERENCES reports(plan_id, org_unit_code, year);
ALTER TABLE narratives DROP CONSTRAINT narratives_pkey;
ALTER TABLE narratives ADD PRIMARY KEY (plan_id, org_unit_code, year, task_group, kind);
ALTER TABLE narratives ADD FOREIGN KEY (plan_id, org_unit_code, year) REFERENCES reports(plan_id, org_unit_code, year);
ALTER TABLE deadline_extensions DROP CONSTRAINT deadline_extensions_pkey;
ALTER TABLE deadline_extensions ADD PRIMARY KEY (plan_id, org_unit_code, year);
ALTER TABLE deadline_extensions ADD FOREIGN KEY (plan_id, org_unit_code) REFERENCES org_units(plan_id, code);
ALTER TABLE indicator_rollups DROP CONSTRAINT indicator_rollups_pkey;
ALTER TABLE indicator_rollups ADD PRIMARY KEY (plan_id, area_code, indicator, year, bucket);

DROP INDEX reports_year_state;
CREATE INDEX reports_year_state ON reports(plan_id, year, state);
DROP INDEX approved_values_year;
CREATE INDEX approved_values_year ON approved_values(plan_id, year);

-- The plan an event belongs to (NULL: the register, accounts, backups).
ALTER TABLE audit_events ADD COLUMN plan_id BIGINT;
UPDATE audit_events SET plan_id = (SELECT MIN(id) FROM plans)
    WHERE action NOT IN ('units_imported', 'unit_share_set');
