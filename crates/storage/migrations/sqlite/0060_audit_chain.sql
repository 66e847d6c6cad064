-- A hash chain over the audit trail (issue 12): each row gets its place
-- (seq 1, 2, …), the hash of the row before it and its own hash, SHA-256 of
-- the previous hash and the row's canonical content (domain::audit::chain),
-- all computed in Rust. Rows of earlier releases stay NULL here; the first
-- write after this migration (Store::open runs one) chains them once as they
-- stand, in id order, and records an audit_sealed event. audit_chain holds
-- the chain's end, one row locked by every writer of audit_events, so two
-- writers cannot fork the chain and deleting the last rows is seen.
-- Keep in step with ../postgres/0060_audit_chain.sql.
ALTER TABLE audit_events ADD COLUMN seq BIGINT;
ALTER TABLE audit_events ADD COLUMN prev_hash TEXT;
ALTER TABLE audit_events ADD COLUMN hash TEXT;
CREATE TABLE audit_chain (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL,
    sealed BOOLEAN NOT NULL
);
INSERT INTO audit_chain (id, seq, hash, sealed)
    VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000', FALSE);
