-- Filtering the audit log by time, action and actor stays fast as it grows
-- (version 002 of both series).
CREATE INDEX audit_log_at ON audit_log(at);
CREATE INDEX audit_log_action ON audit_log(action, at);
CREATE INDEX audit_log_actor ON audit_log(actor, at);
