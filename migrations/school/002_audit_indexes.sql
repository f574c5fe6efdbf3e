{{include shared/audit_indexes.sql}}
CREATE INDEX sessions_user ON sessions(user_id);
