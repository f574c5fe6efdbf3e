/*
 * The mail worker (see mail.h): one background thread of `serve` that
 * sends the queued rows of the master store and of every school's store.
 *
 * At start it sweeps every store once (mail queued before a restart is
 * found). Afterwards it does not open stores on a timer: it waits for a
 * store code from mail_notify()/mail_enqueue() (mail.c's pending set) or
 * for the earliest retry it has scheduled itself. For each store it
 * handles, it picks the due rows one at a time: it reads the row under the
 * store's lock, unlocks (and, for a school, hands the store back to the
 * pool), sends through SMTP or writes the outbox file, then locks again to
 * record the outcome. So a slow or hung SMTP server never holds a store.
 * After a pass it remembers the store's next retry time, if any.
 *
 * Mail queued by another process (the CLI's `tenant create --admin-email`
 * writes into a store while serve runs) cannot wake this thread, so every
 * store is swept again every 5 minutes (the hidden environment variable
 * BISCHEDULER_MAIL_SWEEP, seconds, shortens it for tests).
 *
 * Retries: 30 s, 1 min, 2 min, ... capped at 1 hour, MAIL_MAX_ATTEMPTS in
 * all, then `failed` with the server's last reply. A 5xx refusal fails at
 * once. The hidden environment variable BISCHEDULER_MAIL_RETRY
 * ("BASE,CAP,MAX" seconds, seconds, attempts) shortens this for tests.
 */
#include <curl/curl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/util.h"
#include "db/pool.h"
#include "mail/internal.h"
#include "mail/mail.h"
#include "platform/platform.h"

#define MAIL_ROWS_PER_PASS 200
#define MAIL_DUE_MAX 4096

struct due {
    char code[64];
    int64_t at;
};

static struct {
    pthread_t thread;
    bool running;
    atomic_bool stopping;
    struct platform *p;
    char *smtp_url, *smtp_user, *smtp_password, *mail_from, *outbox_dir,
        *ca_file;
    struct mail_config cfg;
    long base, cap, max_attempts, sweep;
    struct due *due; /* worker thread only */
    int ndue;
} w;

struct mail_row {
    int64_t id;
    char *to_email, *to_name, *subject, *body_text, *body_html;
    int64_t attempts;
};

static void row_free(struct mail_row *r)
{
    free(r->to_email);
    free(r->to_name);
    free(r->subject);
    free(r->body_text);
    free(r->body_html);
    memset(r, 0, sizeof *r);
}

/* The store of `code`, locked-ready; release with put_store. */
static struct store *get_store(const char *code, bool *missing_r)
{
    *missing_r = false;
    if (strcmp(code, "master") == 0)
        return &w.p->master;
    struct store *s = NULL;
    const char *err = NULL;
    int rc = pool_acquire(w.p->pool, code, &s, &err);
    if (rc == POOL_MISSING) {
        *missing_r = true;
        return NULL;
    }
    if (rc != POOL_OK) {
        log_msg(LOG_WARN, "mail: store %s unavailable: %s", code,
                err ? err : "?");
        return NULL;
    }
    return s;
}

static void put_store(struct store *s)
{
    if (s && s != &w.p->master)
        pool_release(w.p->pool, s);
}

/* 1 with a due row in r, 0 none, -1 error. */
static int pick(const char *code, int64_t now, struct mail_row *r)
{
    bool missing;
    struct store *s = get_store(code, &missing);
    if (s == NULL)
        return missing ? 0 : -1;
    const char *err = NULL;
    store_lock(s);
    struct db_stmt *st = db_query(
        s->conn, &err,
        "SELECT id, to_email, to_name, subject, body_text, body_html,"
        " attempts FROM mail_queue WHERE state = 'queued' AND"
        " next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT 1",
        "i", now);
    int rc = st ? db_step(st, &err) : DB_ERROR;
    if (rc == DB_ROW) {
        r->id = db_int(st, 0);
        r->to_email = xstrdup(db_text(st, 1));
        r->to_name = xstrdup(db_text(st, 2));
        r->subject = xstrdup(db_text(st, 3));
        r->body_text = xstrdup(db_text(st, 4));
        r->body_html = xstrdup(db_text(st, 5));
        r->attempts = db_int(st, 6);
    }
    db_finish(&st);
    store_unlock(s);
    put_store(s);
    if (rc < 0)
        log_msg(LOG_WARN, "mail: store %s: %s", code, err ? err : "?");
    return rc == DB_ROW ? 1 : rc < 0 ? -1 : 0;
}

static int64_t backoff(int64_t attempts)
{
    int64_t d = w.base;
    for (int64_t i = 1; i < attempts && d < w.cap; i++)
        d *= 2;
    return d < w.cap ? d : w.cap;
}

/* Records the outcome of one try. */
static void record(const char *code, const struct mail_row *r, bool sent,
                   bool permanent, const char *reply)
{
    bool missing;
    struct store *s = get_store(code, &missing);
    if (s == NULL)
        return;
    const char *err = NULL;
    int64_t now = time_now(), attempts = r->attempts + 1;
    char stamp[21];
    time_format_utc(now, stamp);
    int rc = store_begin(s, &err);
    if (rc == 0 && sent) {
        rc = db_run(s->conn, &err,
                    "UPDATE mail_queue SET state = 'sent', attempts = ?,"
                    " sent_at = ?, last_error = '' WHERE id = ? AND"
                    " state = 'queued'",
                    "iti", attempts, stamp, r->id);
    } else if (rc == 0) {
        bool give_up = permanent || attempts >= w.max_attempts;
        rc = db_run(s->conn, &err,
                    "UPDATE mail_queue SET state = ?, attempts = ?,"
                    " next_attempt_at = ?, last_error = ? WHERE id = ? AND"
                    " state = 'queued'",
                    "tiiti", give_up ? MAIL_FAILED : MAIL_QUEUED, attempts,
                    now + (give_up ? 0 : backoff(attempts)), reply, r->id);
    }
    if (store_end(s, rc == 0, &err) < 0 || rc < 0)
        log_msg(LOG_ERROR, "mail: store %s: cannot record mail %lld: %s",
                code, (long long)r->id, err ? err : "?");
    put_store(s);
}

/* The store's earliest retry (0: nothing queued). */
static int64_t next_due(const char *code)
{
    bool missing;
    struct store *s = get_store(code, &missing);
    if (s == NULL)
        return 0;
    int64_t at = 0;
    store_lock(s);
    db_query_int(s->conn, NULL, &at,
                 "SELECT coalesce(min(next_attempt_at), 0) FROM mail_queue"
                 " WHERE state = 'queued'",
                 "");
    store_unlock(s);
    put_store(s);
    return at;
}

static void send_one(const char *code, const struct mail_row *r)
{
    struct mail_message m = {
        .from = w.cfg.mail_from, .to_email = r->to_email,
        .to_name = r->to_name, .subject = r->subject,
        .body_text = r->body_text, .body_html = r->body_html, .store = code,
        .id = r->id, .date = time_now(),
        .text_8bit = w.cfg.smtp_url == NULL};
    char *msg = mail_message_build(&m);
    char reply[512] = "", path[4096];
    bool permanent = false;
    int rc;
    if (w.cfg.smtp_url) {
        rc = mail_smtp_send(&w.cfg, r->to_email, msg, &w.stopping, reply,
                            sizeof reply, &permanent);
    } else {
        rc = mail_outbox_write(w.cfg.outbox_dir, code, r->id, msg, path,
                               sizeof path, reply, sizeof reply);
    }
    free(msg);
    if (rc < 0 && atomic_load(&w.stopping)) {
        log_msg(LOG_INFO, "mail: store %s mail %lld left queued at shutdown",
                code, (long long)r->id);
        return;
    }
    if (rc == 0)
        log_msg(LOG_INFO, "mail: store %s mail %lld sent%s%s", code,
                (long long)r->id, w.cfg.smtp_url ? "" : " to the outbox: ",
                w.cfg.smtp_url ? "" : path);
    else
        log_msg(LOG_WARN, "mail: store %s mail %lld not sent (try %lld%s): %s",
                code, (long long)r->id, (long long)r->attempts + 1,
                permanent ? ", refused for good" : "", reply);
    record(code, r, rc == 0, permanent, reply);
}

static void due_set(const char *code, int64_t at)
{
    for (int i = 0; i < w.ndue; i++) {
        if (strcmp(w.due[i].code, code) != 0)
            continue;
        if (at == 0)
            w.due[i] = w.due[--w.ndue];
        else
            w.due[i].at = at;
        return;
    }
    if (at == 0 || w.ndue == MAIL_DUE_MAX)
        return;
    str_copy(w.due[w.ndue].code, sizeof w.due[0].code, code);
    w.due[w.ndue++].at = at;
}

/* Sends what is due in one store, then schedules its next retry. */
static void handle_store(const char *code)
{
    for (int i = 0; i < MAIL_ROWS_PER_PASS && !atomic_load(&w.stopping);
         i++) {
        struct mail_row r = {0};
        if (pick(code, time_now(), &r) <= 0)
            break;
        send_one(code, &r);
        row_free(&r);
    }
    due_set(code, next_due(code));
}

static void sweep_all(void)
{
    handle_store("master");
    struct tenant *list = NULL;
    int n = 0;
    const char *err = NULL;
    if (tenant_list(w.p, &list, &n, &err) < 0) {
        log_msg(LOG_WARN, "mail: cannot list schools: %s", err ? err : "?");
        return;
    }
    for (int i = 0; i < n && !atomic_load(&w.stopping); i++)
        handle_store(list[i].code);
    free(list);
}

static void *worker_main(void *arg)
{
    (void)arg;
    sweep_all();
    int64_t next_sweep = time_now() + w.sweep;
    while (!atomic_load(&w.stopping)) {
        int64_t until = next_sweep;
        for (int i = 0; i < w.ndue; i++)
            if (w.due[i].at < until)
                until = w.due[i].at;
        char **codes = NULL;
        int n = mail_pending_wait(until, &codes);
        if (n < 0)
            break;
        for (int i = 0; i < n; i++) {
            if (!atomic_load(&w.stopping))
                handle_store(codes[i]);
            free(codes[i]);
        }
        free(codes);
        int64_t now = time_now();
        if (now >= next_sweep && !atomic_load(&w.stopping)) {
            sweep_all();
            now = time_now();
            next_sweep = now + w.sweep;
        }
        for (int i = 0; i < w.ndue && !atomic_load(&w.stopping); i++) {
            if (w.due[i].at > now)
                continue;
            char code[64];
            str_copy(code, sizeof code, w.due[i].code);
            handle_store(code); /* may reorder w.due: start again */
            i = -1;
            now = time_now();
        }
    }
    return NULL;
}

static char *dup_or_null(const char *s)
{
    return s && *s ? xstrdup(s) : NULL;
}

static void retry_settings(void)
{
    w.base = 30;
    w.cap = 3600;
    w.max_attempts = MAIL_MAX_ATTEMPTS;
    const char *env = getenv("BISCHEDULER_MAIL_RETRY");
    long b, c, m;
    if (env && sscanf(env, "%ld,%ld,%ld", &b, &c, &m) == 3 && b >= 0 &&
        c >= b && c <= 86400 && m >= 1 && m <= 100) {
        w.base = b;
        w.cap = c;
        w.max_attempts = m;
    }
    w.sweep = 300;
    const char *sw = getenv("BISCHEDULER_MAIL_SWEEP");
    long v;
    if (sw && sscanf(sw, "%ld", &v) == 1 && v >= 1 && v <= 86400)
        w.sweep = v;
}

int mail_worker_start(struct platform *p, const struct mail_config *cfg,
                      const char **error_r)
{
    *error_r = NULL;
    if (w.running) {
        *error_r = "the mail worker is already running";
        return -1;
    }
    if ((cfg->smtp_url == NULL || *cfg->smtp_url == '\0') &&
        (cfg->outbox_dir == NULL || *cfg->outbox_dir == '\0')) {
        *error_r = "neither an SMTP server nor an outbox directory";
        return -1;
    }
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        *error_r = "libcurl cannot start";
        return -1;
    }
    memset(&w, 0, sizeof w);
    w.p = p;
    w.smtp_url = dup_or_null(cfg->smtp_url);
    w.smtp_user = dup_or_null(cfg->smtp_user);
    w.smtp_password = cfg->smtp_password ? xstrdup(cfg->smtp_password) : NULL;
    w.mail_from = xstrdup(cfg->mail_from && *cfg->mail_from
                              ? cfg->mail_from
                              : "BiScheduler <no-reply@bischeduler.invalid>");
    w.outbox_dir = dup_or_null(cfg->outbox_dir);
    w.ca_file = dup_or_null(cfg->ca_file);
    w.cfg = (struct mail_config){
        .smtp_url = w.smtp_url, .smtp_user = w.smtp_user,
        .smtp_password = w.smtp_password, .mail_from = w.mail_from,
        .outbox_dir = w.outbox_dir, .require_tls = cfg->require_tls,
        .ca_file = w.ca_file};
    retry_settings();
    w.due = xcalloc(MAIL_DUE_MAX, sizeof *w.due);
    atomic_store(&w.stopping, false);
    mail_pending_stop(false);
    if (pthread_create(&w.thread, NULL, worker_main, NULL) != 0) {
        *error_r = "cannot start the mail thread";
        curl_global_cleanup();
        return -1;
    }
    w.running = true;
    log_msg(LOG_INFO, "mail: sending %s", w.smtp_url ? "through SMTP"
                                                     : "to the outbox");
    return 0;
}

void mail_worker_stop(void)
{
    if (!w.running)
        return;
    atomic_store(&w.stopping, true);
    mail_pending_stop(true);
    pthread_join(w.thread, NULL);
    w.running = false;
    if (w.smtp_password)
        memset(w.smtp_password, 0, strlen(w.smtp_password));
    free(w.smtp_url);
    free(w.smtp_user);
    free(w.smtp_password);
    free(w.mail_from);
    free(w.outbox_dir);
    free(w.ca_file);
    free(w.due);
    curl_global_cleanup();
    memset(&w, 0, sizeof w);
}
