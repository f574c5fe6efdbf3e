-- One-time tickets with which a platform admin enters a guest school for
-- support, and indexes for filtering the audit log.
CREATE TABLE support_tickets (
    id {{id_pk}},
    token_hash {{key_text}} NOT NULL UNIQUE,
    tenant_id {{int}} NOT NULL REFERENCES tenants(id),
    user_id {{int}} NOT NULL REFERENCES users(id),
    reason TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at {{int}} NOT NULL,
    used_at TEXT
);
{{include shared/audit_indexes.sql}}
