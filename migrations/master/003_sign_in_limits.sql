-- Failed sign-ins per client address (or IPv6 /64), so that the per-address
-- limit survives a restart, and a flag on audit rows written by a platform
-- admin inside a school (support access).
CREATE TABLE login_address_failures (
    address {{key_text}} PRIMARY KEY,
    failures {{int}} NOT NULL,
    window_start {{int}} NOT NULL
);
CREATE INDEX login_address_failures_window
    ON login_address_failures(window_start);
ALTER TABLE audit_log ADD COLUMN support {{int}} NOT NULL DEFAULT 0;
