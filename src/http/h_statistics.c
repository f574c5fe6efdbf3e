/*
 * Platform statistics: anonymized figures over every school (how many
 * schools by status, how many accounts by role, sign-ins in the last 30
 * days), never a name or an email. Each request also records the day's
 * figures in platform_statistics and each school's in tenant_analytics, so
 * the platform keeps a daily history.
 */
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "http/http.h"

static const char *const roles_counted[] = {"school_admin", "teacher",
                                            "parent"};

struct school_figures {
    int64_t users[3];
    int64_t logins_30d;
    bool ok;
};

static void count_school(struct request *r, const struct tenant *t,
                         struct school_figures *f)
{
    memset(f, 0, sizeof *f);
    struct store *s;
    const char *err = NULL;
    if (pool_acquire(r->p->pool, t->code, &s, &err) != POOL_OK)
        return;
    char since[21];
    time_format_utc(time_now() - 30 * 86400, since);
    store_lock(s);
    f->ok = true;
    for (int i = 0; i < 3; i++)
        if (db_query_int(s->conn, &err, &f->users[i],
                         "SELECT count(*) FROM users WHERE role = ? AND"
                         " disabled = 0",
                         "t", roles_counted[i]) < 0)
            f->ok = false;
    if (db_query_int(s->conn, &err, &f->logins_30d,
                     "SELECT count(*) FROM audit_log WHERE action = 'login'"
                     " AND at >= ?",
                     "t", since) < 0)
        f->ok = false;
    store_unlock(s);
    pool_release(r->p->pool, s);
}

static int record(struct store *m, const char *day, const char *metric,
                  int64_t value, int64_t tenant_id, const char *now,
                  const char **err)
{
    if (tenant_id == 0)
        return db_run(m->conn, err,
                      "INSERT INTO platform_statistics (day, metric, value,"
                      " computed_at) VALUES (?, ?, ?, ?) ON CONFLICT (day,"
                      " metric) DO UPDATE SET value = excluded.value,"
                      " computed_at = excluded.computed_at",
                      "ttit", day, metric, value, now);
    return db_run(m->conn, err,
                  "INSERT INTO tenant_analytics (tenant_id, day, metric,"
                  " value) VALUES (?, ?, ?, ?) ON CONFLICT (tenant_id, day,"
                  " metric) DO UPDATE SET value = excluded.value",
                  "itti", tenant_id, day, metric, value);
}

void h_statistics(struct request *r)
{
    struct tenant *list = NULL;
    int n = 0;
    const char *err = NULL;
    if (tenant_list(r->p, &list, &n, &err) < 0) {
        reply_store_error(r, err);
        return;
    }
    int64_t by_status[3] = {0, 0, 0}, users[3] = {0, 0, 0}, logins = 0;
    int unreadable = 0;
    struct school_figures *fig = xcalloc((size_t)n, sizeof *fig);
    for (int i = 0; i < n; i++) {
        const char *st = list[i].status;
        by_status[strcmp(st, "active") == 0      ? 0
                  : strcmp(st, "suspended") == 0 ? 1
                                                 : 2]++;
        count_school(r, &list[i], &fig[i]);
        if (!fig[i].ok) {
            unreadable++;
            continue;
        }
        for (int k = 0; k < 3; k++)
            users[k] += fig[i].users[k];
        logins += fig[i].logins_30d;
    }
    /* Today's figures, in the master school's calendar. */
    char now[21], day[11];
    time_format_utc(time_now(), now);
    memcpy(day, now, 10);
    day[10] = '\0';
    struct store *m = &r->p->master;
    int rc = store_begin(m, &err);
    static const char *const metrics[] = {
        "schools_active", "schools_suspended", "schools_inactive",
        "users_school_admin", "users_teacher", "users_parent",
        "logins_30d"};
    int64_t values[] = {by_status[0], by_status[1], by_status[2], users[0],
                        users[1], users[2], logins};
    for (int k = 0; rc == 0 && k < 7; k++)
        rc = record(m, day, metrics[k], values[k], 0, now, &err);
    for (int i = 0; rc == 0 && i < n; i++) {
        if (!fig[i].ok)
            continue;
        for (int k = 0; rc == 0 && k < 3; k++)
            rc = record(m, day, metrics[3 + k], fig[i].users[k], list[i].id,
                        now, &err);
        if (rc == 0)
            rc = record(m, day, "logins_30d", fig[i].logins_30d, list[i].id,
                        now, &err);
    }
    if (store_end(m, rc == 0, &err) < 0 || rc < 0) {
        free(fig);
        free(list);
        reply_store_error(r, err);
        return;
    }
    free(fig);
    free(list);
    reply_json(
        r, 200,
        json_pack("{s:s,s:{s:I,s:I,s:I,s:I},s:{s:I,s:I,s:I},s:I,s:i}", "day",
                  day, "schools", "total", (json_int_t)n, "active",
                  (json_int_t)by_status[0], "suspended",
                  (json_int_t)by_status[1], "inactive",
                  (json_int_t)by_status[2], "users", "school_admin",
                  (json_int_t)users[0], "teacher", (json_int_t)users[1],
                  "parent", (json_int_t)users[2], "logins_30d",
                  (json_int_t)logins, "schools_unreadable", unreadable));
}
