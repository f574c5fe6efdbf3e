-- PostgreSQL form of ../../school/ (same version): identity keys, BIGINT.
-- Filtering the audit log by time, action and actor stays fast as it grows.
CREATE INDEX audit_log_at ON audit_log(at);
CREATE INDEX audit_log_action ON audit_log(action, at);
CREATE INDEX audit_log_actor ON audit_log(actor, at);
CREATE INDEX sessions_user ON sessions(user_id);
