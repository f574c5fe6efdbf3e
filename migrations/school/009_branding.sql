-- A school's branding and its typed settings (issue #14).
--
-- tenant_settings: the school's settings, typed (string, integer, boolean
-- or json: `value` is the text form, checked by src/school/settings.c) and
-- public (readable without signing in, e.g. the name on the sign-in page)
-- or not. It is the former `settings` table renamed, so its rows (name,
-- time zone, profile) stay as they were: strings, the name public.
ALTER TABLE settings RENAME TO tenant_settings;
ALTER TABLE tenant_settings ADD COLUMN type TEXT NOT NULL DEFAULT 'string'
    CHECK (type IN ('string', 'integer', 'boolean', 'json'));
ALTER TABLE tenant_settings ADD COLUMN is_public {{int}} NOT NULL DEFAULT 0
    CHECK (is_public IN (0, 1));
UPDATE tenant_settings SET is_public = 1 WHERE key IN ('name', 'timezone');

-- The school's branding: one row (id 1), absent until first set. Colours
-- are "#rrggbb"; the logo is the re-encoded PNG (never the uploaded file)
-- as base64 text, so every dialect stores it the same way; logo_etag
-- changes with it.
CREATE TABLE school_branding (
    id {{int}} PRIMARY KEY CHECK (id = 1),
    primary_color TEXT NOT NULL DEFAULT '',
    secondary_color TEXT NOT NULL DEFAULT '',
    motto TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    address TEXT NOT NULL DEFAULT '',
    logo_png TEXT,
    logo_etag TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL
);
