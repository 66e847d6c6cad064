-- The register of administrative units over time, owned by no plan
-- (domain::units). A unit is keyed by its official code and its first day,
-- because codes were reused (00004 was Trúc Bạch, is now Phường Ba Đình).
-- Dates are ISO text; '' in valid_from / from_date means "before the
-- register's records begin" and sorts before every date; NULL in valid_to /
-- to_date means "still". Keep in step with ../postgres/0010_admin_units.sql.
CREATE TABLE admin_units (
    code TEXT NOT NULL,
    valid_from TEXT NOT NULL,
    valid_to TEXT,
    name TEXT NOT NULL,
    short_name TEXT NOT NULL,
    unit_type TEXT NOT NULL,
    population BIGINT,
    area_km2 DOUBLE PRECISION,
    source TEXT NOT NULL,
    PRIMARY KEY (code, valid_from)
);
CREATE INDEX admin_units_valid_to ON admin_units(valid_to);

-- Dated parent links: the unit lay within the parent from from_date to to_date.
CREATE TABLE admin_unit_parents (
    code TEXT NOT NULL,
    valid_from TEXT NOT NULL,
    from_date TEXT NOT NULL,
    to_date TEXT,
    parent_code TEXT NOT NULL,
    parent_valid_from TEXT NOT NULL,
    PRIMARY KEY (code, valid_from, from_date),
    FOREIGN KEY (code, valid_from) REFERENCES admin_units(code, valid_from),
    FOREIGN KEY (parent_code, parent_valid_from) REFERENCES admin_units(code, valid_from)
);

-- Successor links: the old unit (or part of it) went into the new one on `effective`.
CREATE TABLE admin_unit_links (
    from_code TEXT NOT NULL,
    from_valid_from TEXT NOT NULL,
    to_code TEXT NOT NULL,
    to_valid_from TEXT NOT NULL,
    kind TEXT NOT NULL,
    effective TEXT NOT NULL,
    source TEXT NOT NULL,
    PRIMARY KEY (from_code, from_valid_from, to_code, to_valid_from),
    FOREIGN KEY (from_code, from_valid_from) REFERENCES admin_units(code, valid_from),
    FOREIGN KEY (to_code, to_valid_from) REFERENCES admin_units(code, valid_from)
);
CREATE INDEX admin_unit_links_to ON admin_unit_links(to_code, to_valid_from);

-- The share of the old unit's measure (population by default) that went along
-- a partial link: 'estimated' by the import or 'entered' by an administrator.
CREATE TABLE admin_unit_link_shares (
    from_code TEXT NOT NULL,
    from_valid_from TEXT NOT NULL,
    to_code TEXT NOT NULL,
    to_valid_from TEXT NOT NULL,
    measure TEXT NOT NULL,
    share DOUBLE PRECISION NOT NULL,
    share_source TEXT NOT NULL,
    set_at TEXT NOT NULL,
    set_by TEXT NOT NULL,
    PRIMARY KEY (from_code, from_valid_from, to_code, to_valid_from, measure),
    FOREIGN KEY (from_code, from_valid_from, to_code, to_valid_from)
        REFERENCES admin_unit_links(from_code, from_valid_from, to_code, to_valid_from)
);
