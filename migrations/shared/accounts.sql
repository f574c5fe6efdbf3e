-- The account tables every store has, the master store's platform admins
-- and a school's users alike: users, their sessions and API tokens, sign-in
-- failure counters and the audit log. Included by master/001_platform.sql
-- and school/001_school.sql, which let user_roles be the role CHECK list.
-- Part of version 001 of both series: a later change to these tables is a
-- new migration (a new shared fragment if both series take it).
CREATE TABLE users (
    id {{id_pk}},
    email {{key_text}} NOT NULL UNIQUE,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ({{user_roles}})),
    password_hash TEXT NOT NULL,
    disabled {{int}} NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE sessions (
    id_hash {{key_text}} PRIMARY KEY,
    user_id {{int}} REFERENCES users(id) ON DELETE CASCADE,
    support_actor TEXT,
    role TEXT NOT NULL,
    csrf_token TEXT NOT NULL,
    created_at {{int}} NOT NULL,
    last_seen_at {{int}} NOT NULL,
    expires_at {{int}} NOT NULL,
    ip TEXT NOT NULL,
    user_agent TEXT NOT NULL DEFAULT ''
);

CREATE TABLE api_tokens (
    id {{id_pk}},
    user_id {{int}} NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    token_hash {{key_text}} NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at TEXT
);

CREATE TABLE login_failures (
    email {{key_text}} PRIMARY KEY,
    failures {{int}} NOT NULL,
    locked_until {{int}} NOT NULL DEFAULT 0,
    last_failure_at {{int}} NOT NULL
);

CREATE TABLE audit_log (
    id {{id_pk}},
    at {{key_text}} NOT NULL,
    actor_user_id {{int}},
    actor {{key_text}} NOT NULL,
    role TEXT NOT NULL,
    action {{key_text}} NOT NULL,
    entity TEXT NOT NULL,
    entity_id TEXT,
    before_json TEXT,
    after_json TEXT,
    ip TEXT NOT NULL,
    request_id TEXT NOT NULL
);
