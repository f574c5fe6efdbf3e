/*
 * Platform statistics (see statistics.h). The per-school counts are the
 * expensive part: each school's store is opened on its own, counted and
 * closed, under one mutex, and the sums are kept for STATISTICS_MAX_AGE
 * seconds so that a busy console does not reopen every store.
 */
#include "platform/statistics.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/tzcache.h"
#include "core/util.h"

static const char *const roles_counted[] = {"school_admin", "teacher",
                                            "parent"};

static struct {
    pthread_mutex_t lock;
    const struct platform *owner;
    int64_t at; /* time_now() of the count; 0: none */
    int64_t users[3], logins_30d;
    int unreadable;
    char computed_at[21];
} cache = {.lock = PTHREAD_MUTEX_INITIALIZER};

/* Counts one school's figures into users/logins; -1 if unreadable. */
static int count_school(struct platform *p, const char *code,
                        int64_t users[3], int64_t *logins)
{
    struct store s;
    const char *err = NULL;
    if (store_open_named(&s, &p->backend, code, &err) < 0)
        return -1;
    char since[21];
    time_format_utc(time_now() - 30 * 86400, since);
    int rc = 0;
    store_lock(&s);
    for (int i = 0; i < 3 && rc == 0; i++)
        rc = db_query_int(s.conn, &err, &users[i],
                          "SELECT count(*) FROM users WHERE role = ? AND"
                          " disabled = 0",
                          "t", roles_counted[i]);
    if (rc == 0)
        rc = db_query_int(s.conn, &err, logins,
                          "SELECT count(*) FROM audit_log WHERE action ="
                          " 'login' AND at >= ?",
                          "t", since);
    store_unlock(&s);
    store_close(&s);
    if (rc < 0)
        log_msg(LOG_WARN, "statistics: school %s unreadable: %s", code,
                err ? err : "?");
    return rc < 0 ? -1 : 0;
}

int statistics_compute(struct platform *p, const char *timezone,
                       struct platform_figures *f, const char **error_r)
{
    memset(f, 0, sizeof *f);
    struct tenant *list = NULL;
    int n = 0;
    if (tenant_list(p, &list, &n, error_r) < 0)
        return -1;
    for (int i = 0; i < n; i++) {
        const char *st = list[i].status;
        f->schools[strcmp(st, "active") == 0      ? 0
                   : strcmp(st, "suspended") == 0 ? 1
                                                  : 2]++;
    }
    f->total = n;
    tz_local_date(tz_cached(timezone), time_now(), f->day);

    pthread_mutex_lock(&cache.lock);
    int64_t now = time_now();
    if (cache.owner != p || cache.at == 0 ||
        now - cache.at >= STATISTICS_MAX_AGE || now < cache.at) {
        memset(cache.users, 0, sizeof cache.users);
        cache.logins_30d = 0;
        cache.unreadable = 0;
        for (int i = 0; i < n; i++) {
            int64_t users[3] = {0, 0, 0}, logins = 0;
            if (count_school(p, list[i].code, users, &logins) < 0) {
                cache.unreadable++;
                continue;
            }
            for (int k = 0; k < 3; k++)
                cache.users[k] += users[k];
            cache.logins_30d += logins;
        }
        cache.owner = p;
        cache.at = now;
        time_format_utc(now, cache.computed_at);
    }
    memcpy(f->users, cache.users, sizeof f->users);
    f->logins_30d = cache.logins_30d;
    f->unreadable = cache.unreadable;
    str_copy(f->computed_at, sizeof f->computed_at, cache.computed_at);
    pthread_mutex_unlock(&cache.lock);
    free(list);
    return 0;
}

int statistics_record(struct platform *p, const struct platform_figures *f,
                      const char **error_r)
{
    static const char *const metrics[] = {
        "schools_active", "schools_suspended", "schools_inactive",
        "users_school_admin", "users_teacher", "users_parent",
        "logins_30d"};
    int64_t values[] = {f->schools[0], f->schools[1], f->schools[2],
                        f->users[0],   f->users[1],   f->users[2],
                        f->logins_30d};
    /* Each school's own figures (tenant_analytics), counted before the
     * master transaction: no school store is open while master is held. */
    struct tenant *list = NULL;
    int n = 0;
    if (tenant_list(p, &list, &n, error_r) < 0)
        return -1;
    int64_t(*per)[4] = xcalloc(n > 0 ? (size_t)n : 1, sizeof *per);
    bool *ok = xcalloc(n > 0 ? (size_t)n : 1, sizeof *ok);
    for (int i = 0; i < n; i++)
        ok[i] = count_school(p, list[i].code, per[i], &per[i][3]) == 0;

    char now[21];
    time_format_utc(time_now(), now);
    struct store *m = &p->master;
    int rc = store_begin(m, error_r);
    if (rc == 0) {
        for (int k = 0; rc == 0 && k < 7; k++)
            rc = db_run(m->conn, error_r,
                        "INSERT INTO platform_statistics (day, metric, value,"
                        " computed_at) VALUES (?, ?, ?, ?) ON CONFLICT (day,"
                        " metric) DO UPDATE SET value = excluded.value,"
                        " computed_at = excluded.computed_at",
                        "ttit", f->day, metrics[k], values[k], now);
        for (int i = 0; rc == 0 && i < n; i++)
            for (int k = 0; ok[i] && rc == 0 && k < 4; k++)
                rc = db_run(m->conn, error_r,
                            "INSERT INTO tenant_analytics (tenant_id, day,"
                            " metric, value) VALUES (?, ?, ?, ?)"
                            " ON CONFLICT (tenant_id, day, metric) DO UPDATE"
                            " SET value = excluded.value",
                            "itti", list[i].id, f->day, metrics[3 + k],
                            per[i][k]);
        if (store_end(m, rc == 0, error_r) < 0)
            rc = -1;
    }
    free(ok);
    free(per);
    free(list);
    return rc < 0 ? -1 : 0;
}
