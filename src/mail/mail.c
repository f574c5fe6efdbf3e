/*
 * The mail queue (see mail.h): mail_enqueue() renders a template and
 * inserts a `mail_queue` row in the caller's transaction; mail_state_json()
 * reads a thing's newest mail; mail_notify() wakes the worker.
 *
 * The worker does not scan every store on every tick: it keeps the codes
 * of the stores that may have mail due. mail_enqueue() adds its store's
 * code to that set (so a caller that forgets mail_notify() is still
 * served, on the worker's next wake-up) and mail_notify() adds it and
 * wakes the worker. A code taken before the caller's commit is harmless:
 * the worker finds nothing, and the caller's mail_notify() after the
 * commit adds it again.
 */
#include "mail/mail.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/log.h"
#include "db/rows.h"
#include "core/util.h"
#include "mail/internal.h"

#define MAIL_PENDING_MAX 4096
#define MAIL_EMAIL_MAX 254
#define MAIL_NAME_MAX 200

static mail_look_fn *look_fn;

void mail_set_look(mail_look_fn *fn)
{
    look_fn = fn;
}

/* ---- the pending set ---- */

static struct {
    pthread_mutex_t lock;
    pthread_cond_t wake;
    char *codes[MAIL_PENDING_MAX];
    int n;
    bool stop;
} pending = {.lock = PTHREAD_MUTEX_INITIALIZER,
             .wake = PTHREAD_COND_INITIALIZER};

void mail_pending_add(const char *code)
{
    if (code == NULL || *code == '\0')
        return;
    pthread_mutex_lock(&pending.lock);
    bool found = false;
    for (int i = 0; i < pending.n && !found; i++)
        found = strcmp(pending.codes[i], code) == 0;
    if (!found && pending.n < MAIL_PENDING_MAX)
        pending.codes[pending.n++] = xstrdup(code);
    else if (!found)
        log_msg(LOG_WARN, "mail: pending set full, %s waits for a sweep",
                code);
    pthread_mutex_unlock(&pending.lock);
}

void mail_notify(const char *code)
{
    mail_pending_add(code);
    pthread_mutex_lock(&pending.lock);
    pthread_cond_signal(&pending.wake);
    pthread_mutex_unlock(&pending.lock);
}

void mail_pending_stop(bool stop)
{
    pthread_mutex_lock(&pending.lock);
    pending.stop = stop;
    pthread_cond_broadcast(&pending.wake);
    pthread_mutex_unlock(&pending.lock);
}

int mail_pending_wait(int64_t until, char ***codes_r)
{
    *codes_r = NULL;
    pthread_mutex_lock(&pending.lock);
    while (!pending.stop && pending.n == 0 &&
           (until == 0 || time_now() < until)) {
        if (until == 0) {
            pthread_cond_wait(&pending.wake, &pending.lock);
        } else {
            struct timespec ts = {.tv_sec = (time_t)until};
            pthread_cond_timedwait(&pending.wake, &pending.lock, &ts);
        }
    }
    if (pending.stop) {
        pthread_mutex_unlock(&pending.lock);
        return -1;
    }
    int n = pending.n;
    if (n > 0) {
        *codes_r = xmalloc((size_t)n * sizeof(char *));
        memcpy(*codes_r, pending.codes, (size_t)n * sizeof(char *));
    }
    pending.n = 0;
    pthread_mutex_unlock(&pending.lock);
    return n;
}

/* ---- queueing ---- */

static _Thread_local char enqueue_error[512];

static bool header_safe(const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n > max || !str_is_utf8(s, n))
        return false;
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return false;
    return true;
}

static bool email_ok(const char *e)
{
    const char *at = e ? strchr(e, '@') : NULL;
    return at && at != e && at[1] && strchr(at + 1, '@') == NULL &&
           strpbrk(e, " <>()[],;:\"\\") == NULL && header_safe(e, MAIL_EMAIL_MAX);
}

static void look_default(struct store *store, const struct tenant *t,
                         struct mail_look *look)
{
    memset(look, 0, sizeof *look);
    str_copy(look->name, sizeof look->name, "BiScheduler");
    str_copy(look->color, sizeof look->color, "#1f4e79");
    if (t == NULL) {
        /* Platform mail: the master store names the master school. */
        struct db_stmt *st = db_query(
            store->conn, NULL,
            "SELECT name FROM tenants WHERE plan_type = 'master'", "");
        if (st && db_step(st, NULL) == DB_ROW)
            str_copy(look->name, sizeof look->name, db_text(st, 0));
        db_finish(&st);
    }
}

int mail_enqueue(struct store *store, const struct tenant *t,
                 const char *template_name, const char *to_email,
                 const char *to_name, json_t *vars, const char *entity,
                 const char *entity_id, int64_t *id_r, const char **error_r)
{
    *id_r = 0;
    *error_r = enqueue_error;
    if (!email_ok(to_email)) {
        snprintf(enqueue_error, sizeof enqueue_error,
                 "mail: bad recipient address");
        return -1;
    }
    if (to_name == NULL)
        to_name = "";
    if (!header_safe(to_name, MAIL_NAME_MAX)) {
        snprintf(enqueue_error, sizeof enqueue_error,
                 "mail: bad recipient name");
        return -1;
    }
    if (vars != NULL && !json_is_object(vars)) {
        snprintf(enqueue_error, sizeof enqueue_error,
                 "mail: variables are not an object");
        return -1;
    }
    struct mail_look look;
    look_default(store, t, &look);
    if (look_fn)
        look_fn(store, t, &look);

    json_t *all = vars ? json_copy(vars) : json_object();
    json_object_set_new(all, "school_name", json_string(look.name));
    json_object_set_new(all, "school_color", json_string(look.color));
    const char *base = json_string_value(json_object_get(all, "base_url"));
    /* the logo from the configured base URL, versioned so that a mail
     * program's cache never shows an older logo */
    char *logo = look.has_logo && base && *base
                     ? str_fmt("%s/api/v1/branding/logo%s%s", base,
                               look.logo_etag[0] ? "?v=" : "",
                               look.logo_etag)
                     : xstrdup("");
    json_object_set_new(all, "school_logo_url", json_string(logo));
    free(logo);

    char *subject = NULL, *text = NULL, *html = NULL;
    char why[256];
    int rc = mail_render_template(template_name, all, &subject, &text, &html,
                                  why, sizeof why);
    json_decref(all);
    if (rc < 0) {
        snprintf(enqueue_error, sizeof enqueue_error, "mail: template %s: %s",
                 template_name, why);
        return -1;
    }
    char now[21];
    int64_t at = time_now();
    time_format_utc(at, now);
    const char *err = NULL;
    struct db_stmt *st = db_query(
        store->conn, &err,
        "INSERT INTO mail_queue (to_email, to_name, subject, body_text,"
        " body_html, template, entity, entity_id, state, attempts,"
        " next_attempt_at, last_error, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'queued', 0, ?, '', ?) RETURNING id",
        "ttttttttit", to_email, to_name, subject, text, html, template_name,
        entity ? entity : "", entity_id ? entity_id : "", at, now);
    rc = -1;
    if (st && db_step(st, &err) == DB_ROW) {
        *id_r = db_int(st, 0);
        rc = 0;
    }
    db_finish(&st);
    free(subject);
    free(text);
    free(html);
    if (rc < 0) {
        snprintf(enqueue_error, sizeof enqueue_error, "mail: %s",
                 err ? err : "insert failed");
        return -1;
    }
    mail_pending_add(store->name);
    return 0;
}

void mail_date_es(int64_t t, char *out, size_t n)
{
    static const char *const months[12] = {
        "enero", "febrero", "marzo", "abril", "mayo", "junio", "julio",
        "agosto", "septiembre", "octubre", "noviembre", "diciembre"};
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    snprintf(out, n, "%d de %s de %d", tm.tm_mday, months[tm.tm_mon],
             tm.tm_year + 1900);
}

/* ---- state ---- */

json_t *mail_state_json(struct store *store, const char *entity,
                        const char *entity_id)
{
    struct db_stmt *st = db_query(
        store->conn, NULL,
        "SELECT id, state, to_email, attempts, created_at, sent_at,"
        " last_error FROM mail_queue WHERE entity = ? AND entity_id = ?"
        " ORDER BY id DESC LIMIT 1",
        "tt", entity ? entity : "", entity_id ? entity_id : "");
    json_t *out = json_null();
    if (st && db_step(st, NULL) == DB_ROW) {
        const char *e = db_text(st, 6);
        out = json_pack("{s:I,s:s,s:s,s:I,s:s,s:o,s:o}", "id",
                        (json_int_t)db_int(st, 0), "state", db_text(st, 1),
                        "to", db_text(st, 2), "attempts",
                        (json_int_t)db_int(st, 3), "created_at",
                        db_text(st, 4), "sent_at",
                        db_null(st, 5) ? json_null()
                                       : json_string(db_text(st, 5)),
                        "error", *e ? json_string(e) : json_null());
    }
    db_finish(&st);
    return out;
}

static json_t *list_row(struct db_stmt *st, void *ctx)
{
    (void)ctx;
    char next[21] = "";
    const char *state = db_text(st, 7);
    if (strcmp(state, MAIL_QUEUED) == 0)
        time_format_utc(db_int(st, 11), next);
    const char *e = db_text(st, 12);
    return json_pack(
        "{s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:I,s:s,s:o,s:o,s:o}", "id",
        (json_int_t)db_int(st, 0), "to", db_text(st, 1), "to_name",
        db_text(st, 2), "subject", db_text(st, 3), "template", db_text(st, 4),
        "entity", db_text(st, 5), "entity_id", db_text(st, 6), "state", state,
        "attempts", (json_int_t)db_int(st, 8), "created_at", db_text(st, 9),
        "sent_at", db_null(st, 10) ? json_null() : json_string(db_text(st, 10)),
        "next_attempt_at", *next ? json_string(next) : json_null(), "error",
        *e ? json_string(e) : json_null());
}

int mail_list(struct store *store, int64_t before_id, int limit,
              const char *state, json_t **items_r, int64_t *next_id_r,
              const char **error_r)
{
    *items_r = NULL;
    *next_id_r = 0;
    if (limit < 1 || limit > 500)
        limit = 50;
    struct db_value v[3] = {
        {.type = 'i', .integer = before_id > 0 ? before_id : INT64_MAX},
        {.type = 't', .text = state},
        {.type = 'i', .integer = limit + 1},
    };
    if (state == NULL)
        v[1] = v[2];
    bool more = false;
    json_t *items = NULL;
    if (store_rows_json(
            store,
            state ? "SELECT id, to_email, to_name, subject, template, entity,"
                    " entity_id, state, attempts, created_at, sent_at,"
                    " next_attempt_at, last_error FROM mail_queue"
                    " WHERE id < ? AND state = ? ORDER BY id DESC LIMIT ?"
                  : "SELECT id, to_email, to_name, subject, template, entity,"
                    " entity_id, state, attempts, created_at, sent_at,"
                    " next_attempt_at, last_error FROM mail_queue"
                    " WHERE id < ? ORDER BY id DESC LIMIT ?",
            state ? 3 : 2, v, limit, list_row, NULL, &items, &more,
            error_r) < 0)
        return -1;
    if (more && json_array_size(items) > 0)
        *next_id_r = json_integer_value(json_object_get(
            json_array_get(items, json_array_size(items) - 1), "id"));
    *items_r = items;
    return 0;
}
