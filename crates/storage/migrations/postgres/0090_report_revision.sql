-- A report's revision: bumped by every write that changes its working
-- values (a save, a reopening that copies the approved values back), under
-- the report row's lock. A save reads the values it changes before it
-- takes its turn to write, and under the turn only checks the revision
-- still follows the one it read: one trip fewer while every writer waits.
-- Keep in step with ../sqlite/0090_report_revision.sql.
ALTER TABLE reports ADD COLUMN revision BIGINT NOT NULL DEFAULT 0;
