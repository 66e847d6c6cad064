-- Reports by year and state: coverage counts and the latest reporting year
-- without scanning every unit's reports. Keep in step with ../postgres/.
CREATE INDEX reports_year_state ON reports(year, state);
