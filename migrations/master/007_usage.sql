-- Running the network (issue 14): what the background refresher
-- (src/platform/refresher.c) measures in each school, for the console's
-- school list and for billing, and when a school's archive was last
-- downloaded (a school is deleted only after that).
--
-- tenant_usage: one row per school and calendar month (YYYY-MM in the
-- master school's time zone), replaced by every refresh of that month, so
-- the month's last row is what the month is billed on. students: active
-- students (status 'activo'); teachers: active staff records whose cargo is
-- 'Docente'; users: enabled accounts of every role; storage_bytes: the
-- store's size (SQLite file plus its WAL, or the PostgreSQL schema's
-- relations); monthly_active_users: distinct accounts that signed in during
-- the month (the audit log's login rows); last_activity: the latest session
-- use or audit entry (NULL: none yet).
CREATE TABLE tenant_usage (
    id {{id_pk}},
    tenant_id {{int}} NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    month {{key_text}} NOT NULL,
    students {{int}} NOT NULL,
    teachers {{int}} NOT NULL,
    users {{int}} NOT NULL,
    storage_bytes {{int}} NOT NULL,
    monthly_active_users {{int}} NOT NULL,
    last_activity TEXT,
    computed_at TEXT NOT NULL,
    UNIQUE (tenant_id, month)
);

-- The last archive download (GET /api/v1/platform/tenants/{code}/export):
-- when, and the school's newest audit row inside that archive, so a delete
-- can tell whether the school changed after it.
ALTER TABLE tenants ADD COLUMN exported_at TEXT;
ALTER TABLE tenants ADD COLUMN export_audit_mark {{int}} NOT NULL DEFAULT 0;
