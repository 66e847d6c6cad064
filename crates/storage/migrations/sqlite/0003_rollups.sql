-- Indicator roll-ups per area: sums of the units' contributions, kept by
-- difference in the transaction that approves a report, so a dashboard reads
-- a few rows per indicator whatever the size of the area.
-- bucket -1 holds the sums; bucket r >= 0 counts units whose status rank is r.
-- Keep in step with ../postgres/0003_rollups.sql.
CREATE TABLE indicator_rollups (
    area_code TEXT NOT NULL,
    indicator TEXT NOT NULL,
    year INTEGER NOT NULL,
    bucket BIGINT NOT NULL,
    numerator DOUBLE PRECISION NOT NULL,
    denominator DOUBLE PRECISION NOT NULL,
    counted BIGINT NOT NULL,
    PRIMARY KEY (area_code, indicator, year, bucket)
);
