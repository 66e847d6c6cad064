-- Typed audit events. A row written from this release on carries its change
-- as canonical JSON in `payload` (kind in `action`, e.g. 'value_set');
-- element_code/old_value/new_value stay NULL. Rows of earlier releases keep
-- payload NULL and are read by storage's one legacy reader, never rewritten.
-- Keep in step with ../sqlite/0005_typed_audit_events.sql.
ALTER TABLE audit_events ADD COLUMN payload TEXT;
