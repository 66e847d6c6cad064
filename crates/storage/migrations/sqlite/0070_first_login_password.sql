-- An account created or reset by an administrator (web form, CSV import,
-- CLI) holds a generated password that someone else has seen: its owner
-- must choose their own at the first login. Accounts of an earlier
-- release are not forced (FALSE). Keep in step with
-- ../postgres/0070_first_login_password.sql.
ALTER TABLE users ADD COLUMN must_change_password BOOLEAN NOT NULL DEFAULT FALSE;
