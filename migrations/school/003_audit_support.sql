-- A flag on audit rows written by a platform admin inside the school
-- (support access): the row's actor names the admin.
ALTER TABLE audit_log ADD COLUMN support {{int}} NOT NULL DEFAULT 0;
