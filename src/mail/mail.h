/*
 * Outgoing mail (src/mail/). A message is queued in the store of the
 * school (or the master store) in the same transaction as the action that
 * causes it: mail_enqueue() renders the Spanish templates kept in
 * templates/mail/ (compiled into the binary) with the caller's variables
 * and the school's name, colours and logo, and inserts a `mail_queue` row.
 * Nothing is sent inside a request: a background worker (mail_worker_*)
 * picks queued rows, sends them through SMTP with libcurl (--smtp-url,
 * STARTTLS, authentication) or, when no SMTP server is configured, writes
 * them as .eml files into the outbox directory, and records the outcome
 * (sent, or failed with the server's reply after retries with backoff).
 * A mail that cannot be sent never blocks or undoes the action that queued
 * it. Links inside a mail are built by the caller from the configured
 * public URL (request_link), never from a request's Host header.
 */
#ifndef BIS_MAIL_MAIL_H
#define BIS_MAIL_MAIL_H
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db/db.h"

struct platform;
struct tenant;

/* States of a mail_queue row. */
#define MAIL_QUEUED "queued"
#define MAIL_SENT "sent"
#define MAIL_FAILED "failed" /* gave up after MAIL_MAX_ATTEMPTS */
#define MAIL_MAX_ATTEMPTS 8

/*
 * Queues one message in `store` inside the caller's open write transaction
 * (store_begin). `template_name` names templates/mail/NAME.{subject,txt,html};
 * `vars` (a JSON object of strings, may be NULL) fills {{key}} placeholders
 * (HTML-escaped in the .html part). The school's name and branding are
 * added as {{school_name}}, {{school_color}}, {{school_logo_url}} from `t`
 * (NULL for platform mail: the master school's). `entity` and `entity_id`
 * name what the mail is about ("tenant_invitation", "12"; "user", "5") so
 * its state can be shown next to that thing (mail_state_json).
 * Returns 0 with *id_r set, or -1 with *error_r (English, for logs).
 */
int mail_enqueue(struct store *store, const struct tenant *t,
                 const char *template_name, const char *to_email,
                 const char *to_name, json_t *vars, const char *entity,
                 const char *entity_id, int64_t *id_r, const char **error_r);

/*
 * The newest mail about (entity, entity_id) in `store` as
 * {"id", "state", "to", "attempts", "created_at", "sent_at", "error"}, or
 * JSON null if none. Caller holds the store (any transaction).
 */
json_t *mail_state_json(struct store *store, const char *entity,
                        const char *entity_id);

/*
 * The store's mail, newest first (GET /api/v1/mail): at most `limit`
 * (1-500) items with id below `before_id` (0: from the newest), each
 * {"id", "to", "to_name", "subject", "template", "entity", "entity_id",
 * "state", "attempts", "created_at", "sent_at", "next_attempt_at",
 * "error"}; *next_id_r the cursor of the next page (0: none). `state`
 * (NULL: any) keeps only that state. Takes the store's lock itself.
 */
int mail_list(struct store *store, int64_t before_id, int limit,
              const char *state, json_t **items_r, int64_t *next_id_r,
              const char **error_r);

/*
 * What a mail shows of its school: its name, colour and whether it has a
 * logo (then {{school_logo_url}} is BASE_URL/api/v1/branding/logo?v=ETAG,
 * BASE_URL being the `base_url` variable the caller gives). The
 * mail layer sits below platform and school, so it learns them through a
 * function installed once at start-up, before any thread (the CLI installs
 * one that reads struct tenant and branding_get). Without one, or with
 * t == NULL, the name is the master school's (read from the master
 * store's tenants) and the colour the default.
 */
struct mail_look {
    char name[256];
    char color[8]; /* "#rrggbb" */
    bool has_logo;
    char logo_etag[33]; /* the logo's version ("" if none): ?v= in its URL */
};
typedef void mail_look_fn(struct store *store, const struct tenant *t,
                          struct mail_look *look_r);
void mail_set_look(mail_look_fn *fn);

/* A date in Spanish as a mail says it ("6 de enero de 2027"), UTC. */
void mail_date_es(int64_t t, char *out, size_t n);

/* Wakes the worker after a commit that queued mail in store `code`
 * ("master" for the master store). Cheap; safe from any thread. */
void mail_notify(const char *code);

struct mail_config {
    const char *smtp_url;      /* smtp://host:port or smtps://...; NULL: outbox */
    const char *smtp_user;     /* NULL: no authentication */
    const char *smtp_password; /* read from --smtp-password-file */
    const char *mail_from;     /* "BiScheduler <no-reply@example.org>" */
    const char *outbox_dir;    /* DATA/outbox by default */
    bool require_tls;          /* STARTTLS required (default: used if offered) */
    const char *ca_file;       /* PEM CAs for the server's certificate; NULL: the system's */
};

/* Starts the background sender; mail queued before a restart is found. */
int mail_worker_start(struct platform *p, const struct mail_config *cfg,
                      const char **error_r);
void mail_worker_stop(void);

#endif
