-- The master store: the platform's schools (tenants), invitations, platform
-- users and their sessions and tokens, statistics and the platform audit log.
-- Instants are TEXT in UTC ("2026-11-27T08:48:00Z") or integer epoch seconds
-- where the server compares them on every request (expiries, locks).
-- Written once for every backend: the substitutions are in src/db/dialect.c.
CREATE TABLE tenants (
    id {{id_pk}},
    subdomain {{key_text}} NOT NULL UNIQUE,
    name TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'active'
        CHECK (status IN ('active', 'suspended', 'inactive')),
    plan_type {{key_text}} NOT NULL CHECK (plan_type IN ('master', 'guest')),
    master_tenant_id {{int}} REFERENCES tenants(id),
    settings TEXT NOT NULL DEFAULT '{}',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX tenants_one_master ON tenants(plan_type)
    WHERE plan_type = 'master';

CREATE TABLE tenant_invitations (
    id {{id_pk}},
    token_hash {{key_text}} NOT NULL UNIQUE,
    school_name TEXT NOT NULL,
    contact_email TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'accepted', 'revoked', 'expired')),
    invited_by {{int}},
    tenant_id {{int}} REFERENCES tenants(id),
    expires_at TEXT NOT NULL,
    created_at TEXT NOT NULL,
    accepted_at TEXT
);

CREATE TABLE platform_statistics (
    id {{id_pk}},
    day {{key_text}} NOT NULL,
    metric {{key_text}} NOT NULL,
    value {{int}} NOT NULL,
    computed_at TEXT NOT NULL,
    UNIQUE (day, metric)
);

CREATE TABLE tenant_analytics (
    id {{id_pk}},
    tenant_id {{int}} NOT NULL REFERENCES tenants(id),
    day {{key_text}} NOT NULL,
    metric {{key_text}} NOT NULL,
    value {{int}} NOT NULL,
    UNIQUE (tenant_id, day, metric)
);

CREATE TABLE platform_settings (
    key {{key_text}} PRIMARY KEY,
    value TEXT NOT NULL
);

{{let user_roles = 'platform_admin'}}
{{include shared/accounts.sql}}
