-- A school's own store: its settings, users, their sessions and tokens, and
-- its audit log. Nothing here refers to any other school.
CREATE TABLE settings (
    key {{key_text}} PRIMARY KEY,
    value TEXT NOT NULL
);

{{let user_roles = 'school_admin', 'teacher', 'parent'}}
{{include shared/accounts.sql}}
