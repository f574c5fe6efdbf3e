-- Outgoing mail (src/mail/): one row per message, queued in the same
-- transaction as the action that causes it and sent by the background
-- worker of `serve`. Every store has this table: the master store for the
-- platform's mail (school invitations, platform admins), each school's
-- store for its own (its users' invitations and password resets).
-- Included by master/004_mail.sql and school/007_mail.sql.
--   state: queued (waiting, or waiting for a retry at next_attempt_at,
--   epoch seconds), sent, failed (gave up after MAIL_MAX_ATTEMPTS);
--   last_error keeps the server's last reply.
CREATE TABLE mail_queue (
    id {{id_pk}},
    to_email TEXT NOT NULL,
    to_name TEXT NOT NULL DEFAULT '',
    subject TEXT NOT NULL,
    body_text TEXT NOT NULL,
    body_html TEXT NOT NULL,
    template {{key_text}} NOT NULL,
    entity {{key_text}} NOT NULL DEFAULT '',
    entity_id {{key_text}} NOT NULL DEFAULT '',
    state {{key_text}} NOT NULL DEFAULT 'queued'
        CHECK (state IN ('queued', 'sent', 'failed')),
    attempts {{int}} NOT NULL DEFAULT 0,
    next_attempt_at {{int}} NOT NULL,
    last_error TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    sent_at TEXT
);
-- The worker's pick: queued rows whose time has come, oldest first.
CREATE INDEX mail_queue_pick ON mail_queue(state, next_attempt_at);
-- A thing's newest mail (mail_state_json).
CREATE INDEX mail_queue_entity ON mail_queue(entity, entity_id, id);
