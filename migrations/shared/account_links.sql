-- One-time account links (src/auth/links.c), in every store that holds
-- accounts: the master store's platform admins and each school's users.
-- An invitation link (7 days) lets an invited person choose a first
-- password; a reset link (1 hour) a new one. Only the SHA-256 of the token
-- is kept. A link works once (used_at); a newer link of the same purpose
-- for the same user voids the older ones (voided_at). Instants compared on
-- every use are integer epoch seconds.
--
-- An invited account has password_hash '' until its link is used: sign-in
-- treats it like an unknown email. `cargo` is a user's post in the school
-- (Director(a), Docente, ...), optional.
CREATE TABLE account_links (
    id {{id_pk}},
    token_hash {{key_text}} NOT NULL UNIQUE,
    user_id {{int}} NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    purpose {{key_text}} NOT NULL CHECK (purpose IN ('invitation', 'reset')),
    expires_at {{int}} NOT NULL,
    used_at {{int}},
    voided_at {{int}},
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX account_links_user ON account_links(user_id, purpose);
ALTER TABLE users ADD COLUMN cargo TEXT;
