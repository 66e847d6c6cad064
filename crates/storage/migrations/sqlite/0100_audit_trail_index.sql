-- A report's trail in the order its page reads it: the page (newest 20)
-- walks the index backwards and stops, and the count reads the index
-- alone. The index of 0001 had neither the plan nor the order, so every
-- form load read and sorted the report's whole trail twice; a draft saved
-- often (each changed figure is an event) made its form slower each time.
-- Every read of a report's trail names its plan, so this one replaces it.
-- Keep in step with ../postgres/0100_audit_trail_index.sql.
DROP INDEX audit_events_report;
CREATE INDEX audit_events_trail ON audit_events(plan_id, org_unit_code, year, id);
