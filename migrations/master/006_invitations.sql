-- School invitations that are mailed, resent and revoked (issue #14). A
-- resend replaces token_hash (the old link stops working), renews
-- expires_at (30 days from then) and counts the mailing; a revoke sets
-- status 'revoked' with who did it and when, and the link is dead at once.
ALTER TABLE tenant_invitations ADD COLUMN revoked_at TEXT;
ALTER TABLE tenant_invitations ADD COLUMN revoked_by {{int}};
ALTER TABLE tenant_invitations ADD COLUMN resent_at TEXT;
ALTER TABLE tenant_invitations ADD COLUMN send_count {{int}} NOT NULL DEFAULT 1;
