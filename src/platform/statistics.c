/*
 * Platform statistics and usage metering (see statistics.h): the refresh
 * that measures every school and records the figures, the background
 * thread that runs it, and the reads the API serves from the stored rows.
 *
 * Lock order: a school's store is opened, measured and closed before the
 * master transaction begins, so no school store is ever held with the
 * master (and a PostgreSQL pool of one connection never waits on itself).
 */
#include "platform/statistics.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "core/tzcache.h"
#include "core/util.h"

static const char *const roles_counted[] = {"school_admin", "teacher",
                                            "parent"};

/* The aggregates of school data (stored only from enough schools). */
static const char *const data_metrics[] = {
    "students",     "teachers",   "users_school_admin",   "users_teacher",
    "users_parent", "logins_30d", "monthly_active_users", "storage_bytes"};
#define N_DATA_METRICS 8

struct measure {
    bool ok;
    /* the installed school figures, when the school has them */
    bool has_extra[STATISTICS_FIGURES_MAX];
    int64_t extra[STATISTICS_FIGURES_MAX];
    int64_t v[N_DATA_METRICS]; /* in data_metrics order */
    int64_t users;             /* enabled accounts of every role */
    char last_activity[21];    /* "" when none */
};

/* The school figures the command line installs (set once, before any
 * refresh starts); `averaged`: also recorded as the network's average. */
static struct {
    const char *metric;
    statistics_school_figure_fn fn;
    bool averaged;
} figures[STATISTICS_FIGURES_MAX];
static int n_figures;

static int figure_slot(const char *metric)
{
    for (int k = 0; k < n_figures; k++)
        if (strcmp(figures[k].metric, metric) == 0)
            return k;
    return n_figures < STATISTICS_FIGURES_MAX ? n_figures++ : -1;
}

void statistics_set_school_figure(const char *metric,
                                  statistics_school_figure_fn fn)
{
    int k = figure_slot(metric);
    if (k >= 0) {
        figures[k].metric = metric;
        figures[k].fn = fn;
    }
}

void statistics_average_school_figure(const char *metric)
{
    for (int k = 0; k < n_figures; k++)
        if (strcmp(figures[k].metric, metric) == 0)
            figures[k].averaged = true;
}

/* One refresh at a time in this process; the refresher's stop flag. */
static pthread_mutex_t refresh_lock = PTHREAD_MUTEX_INITIALIZER;
static bool stop_requested;

static bool stopping(void)
{
    return __atomic_load_n(&stop_requested, __ATOMIC_ACQUIRE);
}

/* The master school's time zone, or the default when it cannot be read. */
static void master_timezone(struct platform *p, char *tz, size_t n)
{
    str_copy(tz, n, DEFAULT_TIMEZONE);
    struct store *s;
    const char *err = NULL;
    if (pool_acquire(p->pool, MASTER_CODE, &s, &err) != POOL_OK)
        return;
    store_lock(s);
    school_setting(s, SETTING_TIMEZONE, DEFAULT_TIMEZONE, tz, n);
    store_unlock(s);
    pool_release(p->pool, s);
}

static int query_text(struct store *s, const char *sql, char *out, size_t n,
                      const char **error_r)
{
    out[0] = '\0';
    struct db_stmt *st = db_query(s->conn, error_r, sql, "");
    if (st == NULL)
        return -1;
    int rc = db_step(st, error_r);
    if (rc == DB_ROW && db_text_or_null(st, 0))
        str_copy(out, n, db_text(st, 0));
    db_finish(&st);
    return rc < 0 ? -1 : 0;
}

/* The store's size on disk: the SQLite file and its WAL, or the sum of
 * pg_total_relation_size over the school's schema. */
static int storage_bytes(struct platform *p, struct store *s, const char *code,
                         int64_t *bytes_r, const char **error_r)
{
    *bytes_r = 0;
    if (store_is_pg(s))
        return db_query_int(
            s->conn, error_r, bytes_r,
            "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0)::bigint"
            " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = ? AND c.relkind IN ('r', 'm')",
            "t", db_pg_schema(s->conn));
    char path[4096], wal[4200];
    db_sqlite_path(&p->backend, code, path, sizeof path);
    snprintf(wal, sizeof wal, "%s-wal", path);
    struct stat sb;
    if (stat(path, &sb) == 0)
        *bytes_r += (int64_t)sb.st_size;
    if (stat(wal, &sb) == 0)
        *bytes_r += (int64_t)sb.st_size;
    return 0;
}

/* Measures one school into m; m->ok false if its store is unreadable. */
static void measure_school(struct platform *p, const char *code,
                           const char *since_30d, const char *month_start,
                           struct measure *m)
{
    memset(m, 0, sizeof *m);
    struct store s;
    const char *err = NULL;
    if (store_open_named(&s, &p->backend, code, &err) < 0) {
        log_msg(LOG_WARN, "statistics: school %s unreadable: %s", code,
                err ? err : "?");
        return;
    }
    int rc = 0;
    int64_t seen = 0;
    char audit_at[64];
    store_lock(&s);
    rc = db_query_int(s.conn, &err, &m->v[0],
                      "SELECT count(*) FROM students WHERE status = 'activo'",
                      "");
    /* teachers: the personnel records of active staff whose cargo is
     * 'Docente', whether or not they have an account */
    if (rc == 0)
        rc = db_query_int(s.conn, &err, &m->v[1],
                          "SELECT count(*) FROM staff WHERE active = 1 AND"
                          " cargo = 'Docente'",
                          "");
    for (int i = 0; i < 3 && rc == 0; i++)
        rc = db_query_int(s.conn, &err, &m->v[2 + i],
                          "SELECT count(*) FROM users WHERE role = ? AND"
                          " disabled = 0",
                          "t", roles_counted[i]);
    if (rc == 0)
        rc = db_query_int(s.conn, &err, &m->users,
                          "SELECT count(*) FROM users WHERE disabled = 0", "");
    if (rc == 0)
        rc = db_query_int(s.conn, &err, &m->v[5],
                          "SELECT count(*) FROM audit_log WHERE action ="
                          " 'login' AND at >= ?",
                          "t", since_30d);
    if (rc == 0)
        rc = db_query_int(s.conn, &err, &m->v[6],
                          "SELECT count(DISTINCT actor_user_id) FROM audit_log"
                          " WHERE action = 'login' AND at >= ?",
                          "t", month_start);
    if (rc == 0)
        rc = db_query_int(s.conn, &err, &seen,
                          "SELECT coalesce(max(last_seen_at), 0) FROM"
                          " sessions",
                          "");
    if (rc == 0)
        rc = query_text(&s, "SELECT max(at) FROM audit_log", audit_at,
                        sizeof audit_at, &err);
    if (rc == 0)
        rc = storage_bytes(p, &s, code, &m->v[7], &err);
    for (int k = 0; rc == 0 && k < n_figures; k++) {
        const char *xerr = NULL;
        int x = figures[k].fn(&s, &m->extra[k], &xerr);
        m->has_extra[k] = x == 1;
        if (x < 0)
            log_msg(LOG_WARN, "statistics: school %s: %s unreadable: %s",
                    code, figures[k].metric, xerr ? xerr : "?");
    }
    store_unlock(&s);
    store_close(&s);
    if (rc < 0) {
        log_msg(LOG_WARN, "statistics: school %s unreadable: %s", code,
                err ? err : "?");
        return;
    }
    char seen_at[21] = "";
    if (seen > 0)
        time_format_utc(seen, seen_at);
    str_copy(m->last_activity, sizeof m->last_activity,
             strcmp(seen_at, audit_at) > 0 ? seen_at : audit_at);
    m->ok = true;
}

static int upsert_platform(struct store *m, const char *day,
                           const char *metric, int64_t value, const char *now,
                           const char **error_r)
{
    return db_run(m->conn, error_r,
                  "INSERT INTO platform_statistics (day, metric, value,"
                  " computed_at) VALUES (?, ?, ?, ?) ON CONFLICT (day,"
                  " metric) DO UPDATE SET value = excluded.value,"
                  " computed_at = excluded.computed_at",
                  "ttit", day, metric, value, now);
}

/* Writes one refresh's figures in one master transaction. */
static int record(struct platform *p, const char *day, const char *month,
                  const struct tenant *list, int n, const struct measure *ms,
                  const char **error_r)
{
    int64_t status[3] = {0, 0, 0}, sums[N_DATA_METRICS] = {0};
    int counted = 0;
    for (int i = 0; i < n; i++) {
        const char *st = list[i].status;
        status[strcmp(st, "active") == 0      ? 0
               : strcmp(st, "suspended") == 0 ? 1
                                              : 2]++;
        if (!ms[i].ok)
            continue;
        counted++;
        for (int k = 0; k < N_DATA_METRICS; k++)
            sums[k] += ms[i].v[k];
    }
    char now[21];
    time_format_utc(time_now(), now);
    struct store *m = &p->master;
    int rc = store_begin(m, error_r);
    if (rc < 0)
        return -1;
    rc = upsert_platform(m, day, "schools_total", n, now, error_r);
    if (rc == 0)
        rc = upsert_platform(m, day, "schools_active", status[0], now,
                             error_r);
    if (rc == 0)
        rc = upsert_platform(m, day, "schools_suspended", status[1], now,
                             error_r);
    if (rc == 0)
        rc = upsert_platform(m, day, "schools_inactive", status[2], now,
                             error_r);
    if (rc == 0)
        rc = upsert_platform(m, day, "schools_counted", counted, now,
                             error_r);
    /* anonymization: from fewer schools, nothing of their data is kept
     * (and an earlier record of the same day is withdrawn) */
    for (int k = 0; rc == 0 && k < N_DATA_METRICS; k++)
        rc = counted >= STATISTICS_MIN_SCHOOLS
                 ? upsert_platform(m, day, data_metrics[k], sums[k], now,
                                   error_r)
                 : db_run(m->conn, error_r,
                          "DELETE FROM platform_statistics WHERE day = ? AND"
                          " metric = ?",
                          "tt", day, data_metrics[k]);
    /* an averaged school figure: the mean over the schools that have it,
     * under the same anonymization rule */
    for (int k = 0; rc == 0 && k < n_figures; k++) {
        if (!figures[k].averaged)
            continue;
        int64_t sum = 0, with = 0;
        for (int i = 0; i < n; i++)
            if (ms[i].ok && ms[i].has_extra[k]) {
                sum += ms[i].extra[k];
                with++;
            }
        rc = with >= STATISTICS_MIN_SCHOOLS
                 ? upsert_platform(m, day, figures[k].metric,
                                   (2 * sum + with) / (2 * with), now,
                                   error_r)
                 : db_run(m->conn, error_r,
                          "DELETE FROM platform_statistics WHERE day = ? AND"
                          " metric = ?",
                          "tt", day, figures[k].metric);
    }
    for (int i = 0; rc == 0 && i < n; i++) {
        if (!ms[i].ok)
            continue;
        for (int k = 0; rc == 0 && k <= N_DATA_METRICS; k++)
            rc = db_run(m->conn, error_r,
                        "INSERT INTO tenant_analytics (tenant_id, day,"
                        " metric, value) VALUES (?, ?, ?, ?)"
                        " ON CONFLICT (tenant_id, day, metric) DO UPDATE"
                        " SET value = excluded.value",
                        "itti", list[i].id, day,
                        k < N_DATA_METRICS ? data_metrics[k] : "users",
                        k < N_DATA_METRICS ? ms[i].v[k] : ms[i].users);
        for (int k = 0; rc == 0 && k < n_figures; k++)
            if (ms[i].has_extra[k])
                rc = db_run(m->conn, error_r,
                            "INSERT INTO tenant_analytics (tenant_id, day,"
                            " metric, value) VALUES (?, ?, ?, ?)"
                            " ON CONFLICT (tenant_id, day, metric) DO UPDATE"
                            " SET value = excluded.value",
                            "itti", list[i].id, day, figures[k].metric,
                            ms[i].extra[k]);
        if (rc == 0)
            rc = db_run(
                m->conn, error_r,
                "INSERT INTO tenant_usage (tenant_id, month, students,"
                " teachers, users, storage_bytes, monthly_active_users,"
                " last_activity, computed_at) VALUES (?, ?, ?, ?, ?, ?, ?,"
                " ?, ?) ON CONFLICT (tenant_id, month) DO UPDATE SET"
                " students = excluded.students, teachers ="
                " excluded.teachers, users = excluded.users, storage_bytes"
                " = excluded.storage_bytes, monthly_active_users ="
                " excluded.monthly_active_users, last_activity ="
                " excluded.last_activity, computed_at = excluded.computed_at",
                "itiiiiitt", list[i].id, month, ms[i].v[0], ms[i].v[1],
                ms[i].users, ms[i].v[7], ms[i].v[6],
                ms[i].last_activity[0] ? ms[i].last_activity : NULL, now);
    }
    if (store_end(m, rc == 0, error_r) < 0)
        rc = -1;
    return rc < 0 ? -1 : 0;
}

static void local_calendar(struct platform *p, char day[11], char month[8],
                           char month_start[21])
{
    char tzname[64];
    master_timezone(p, tzname, sizeof tzname);
    const struct tz *tz = tz_cached(tzname);
    int64_t now = time_now();
    tz_local_date(tz, now, day);
    memcpy(month, day, 7);
    month[7] = '\0';
    char first[11];
    snprintf(first, sizeof first, "%s-01", month);
    int64_t start = now - 31 * 86400;
    tz_local_midnight(tz, first, &start);
    time_format_utc(start, month_start);
}

void statistics_current_month(struct platform *p, char month_r[8])
{
    char day[11], start[21];
    local_calendar(p, day, month_r, start);
}

int statistics_refresh(struct platform *p, char day_r[11], int *schools_r,
                       int *unreadable_r, const char **error_r)
{
    pthread_mutex_lock(&refresh_lock);
    char day[11], month[8], month_start[21], since[21];
    local_calendar(p, day, month, month_start);
    time_format_utc(time_now() - 30 * 86400, since);
    struct tenant *list = NULL;
    int n = 0, rc = tenant_list(p, &list, &n, error_r);
    struct measure *ms = NULL;
    if (rc == 0) {
        ms = xcalloc(n > 0 ? (size_t)n : 1, sizeof *ms);
        for (int i = 0; i < n && rc == 0; i++) {
            if (stopping()) {
                *error_r = "stopped before the refresh ended";
                rc = -1;
                break;
            }
            measure_school(p, list[i].code, since, month_start, &ms[i]);
        }
    }
    if (rc == 0)
        rc = record(p, day, month, list, n, ms, error_r);
    int unreadable = 0;
    for (int i = 0; rc == 0 && i < n; i++)
        unreadable += !ms[i].ok;
    if (day_r)
        str_copy(day_r, 11, day);
    if (schools_r)
        *schools_r = n;
    if (unreadable_r)
        *unreadable_r = unreadable;
    free(ms);
    free(list);
    pthread_mutex_unlock(&refresh_lock);
    return rc;
}

/* ---- the background refresher ---- */

static struct {
    pthread_mutex_t lock;
    pthread_cond_t wake;
    pthread_t thread;
    bool running;
    struct platform *p;
    long interval;
} rf = {.lock = PTHREAD_MUTEX_INITIALIZER, .wake = PTHREAD_COND_INITIALIZER};

static void *refresher_main(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&rf.lock);
    while (!stopping()) {
        pthread_mutex_unlock(&rf.lock);
        const char *err = NULL;
        char day[11];
        int n = 0, unreadable = 0;
        if (statistics_refresh(rf.p, day, &n, &unreadable, &err) < 0) {
            if (!stopping())
                log_msg(LOG_WARN, "statistics: refresh failed: %s",
                        err ? err : "?");
        } else {
            log_msg(LOG_INFO,
                    "statistics: refreshed %s (%d schools, %d unreadable)",
                    day, n, unreadable);
        }
        pthread_mutex_lock(&rf.lock);
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += rf.interval;
        while (!stopping() &&
               pthread_cond_timedwait(&rf.wake, &rf.lock, &until) == 0)
            ;
    }
    pthread_mutex_unlock(&rf.lock);
    return NULL;
}

int statistics_refresher_start(struct platform *p, long interval_seconds)
{
    pthread_mutex_lock(&rf.lock);
    if (rf.running) {
        pthread_mutex_unlock(&rf.lock);
        return -1;
    }
    __atomic_store_n(&stop_requested, false, __ATOMIC_RELEASE);
    rf.p = p;
    rf.interval = interval_seconds > 0 ? interval_seconds
                                       : STATISTICS_DEFAULT_INTERVAL;
    int rc = pthread_create(&rf.thread, NULL, refresher_main, NULL);
    rf.running = rc == 0;
    pthread_mutex_unlock(&rf.lock);
    return rc == 0 ? 0 : -1;
}

void statistics_refresher_stop(void)
{
    pthread_mutex_lock(&rf.lock);
    if (!rf.running) {
        pthread_mutex_unlock(&rf.lock);
        return;
    }
    __atomic_store_n(&stop_requested, true, __ATOMIC_RELEASE);
    pthread_cond_broadcast(&rf.wake);
    pthread_mutex_unlock(&rf.lock);
    pthread_join(rf.thread, NULL);
    pthread_mutex_lock(&rf.lock);
    rf.running = false;
    pthread_mutex_unlock(&rf.lock);
}

/* ---- reads for the API (stored rows only) ---- */

static json_t *int_or_null(const int64_t *v)
{
    return v ? json_integer((json_int_t)*v) : json_null();
}

/* One stored platform figure of `day`: *got_r false when there is none. */
static int db_query_int_opt(struct store *m, const char *day,
                            const char *metric, int64_t *v_r, bool *got_r)
{
    const char *err = NULL;
    *got_r = false;
    store_lock(m);
    struct db_stmt *st = db_query(m->conn, &err,
                                  "SELECT value FROM platform_statistics"
                                  " WHERE day = ? AND metric = ?",
                                  "tt", day, metric);
    int rc = st ? db_step(st, &err) : -1;
    if (rc == DB_ROW) {
        *v_r = db_int(st, 0);
        *got_r = true;
    }
    db_finish(&st);
    store_unlock(m);
    return rc < 0 ? -1 : 0;
}

json_t *statistics_latest_json(struct platform *p, const char **error_r)
{
    struct store *m = &p->master;
    store_lock(m);
    char day[64];
    if (query_text(m, "SELECT max(day) FROM platform_statistics", day,
                   sizeof day, error_r) < 0) {
        store_unlock(m);
        return NULL;
    }
    if (day[0] == '\0') {
        store_unlock(m);
        return json_pack(
            "{s:n,s:n,s:n,s:i,s:s}", "day", "computed_at", "schools",
            "minimum_schools", STATISTICS_MIN_SCHOOLS, "message",
            "Aún sin datos: las cifras se calculan en segundo plano poco "
            "después de iniciar el servidor.");
    }
    static const char *const names[] = {
        "schools_total", "schools_active", "schools_suspended",
        "schools_inactive", "schools_counted"};
    int64_t values[5 + N_DATA_METRICS];
    bool have[5 + N_DATA_METRICS] = {false};
    char computed_at[64] = "";
    struct db_stmt *st = db_query(m->conn, error_r,
                                  "SELECT metric, value, computed_at FROM"
                                  " platform_statistics WHERE day = ?",
                                  "t", day);
    int rc = st ? 0 : -1;
    while (st && (rc = db_step(st, error_r)) == DB_ROW) {
        const char *metric = db_text(st, 0);
        for (int k = 0; k < 5 + N_DATA_METRICS; k++)
            if (strcmp(metric, k < 5 ? names[k] : data_metrics[k - 5]) == 0) {
                values[k] = db_int(st, 1);
                have[k] = true;
            }
        if (strcmp(db_text(st, 2), computed_at) > 0)
            str_copy(computed_at, sizeof computed_at, db_text(st, 2));
    }
    db_finish(&st);
    store_unlock(m);
    if (rc < 0)
        return NULL;
    for (int k = 0; k < 5; k++)
        if (!have[k])
            values[k] = 0;
    const int64_t *d[N_DATA_METRICS];
    bool insufficient = values[4] < STATISTICS_MIN_SCHOOLS;
    for (int k = 0; k < N_DATA_METRICS; k++)
        d[k] = have[5 + k] && !insufficient ? &values[5 + k] : NULL;
    json_t *out = json_pack(
        "{s:s,s:s,s:i,s:{s:I,s:I,s:I,s:I},s:I,s:b,s:o,s:o,s:{s:o,s:o,s:o},"
        "s:o,s:o,s:o}",
        "day", day, "computed_at", computed_at, "minimum_schools",
        STATISTICS_MIN_SCHOOLS, "schools", "total", (json_int_t)values[0],
        "active", (json_int_t)values[1], "suspended", (json_int_t)values[2],
        "inactive", (json_int_t)values[3], "schools_counted",
        (json_int_t)values[4], "insufficient", insufficient, "students",
        int_or_null(d[0]), "teachers", int_or_null(d[1]), "users",
        "school_admin", int_or_null(d[2]), "teacher", int_or_null(d[3]),
        "parent", int_or_null(d[4]), "logins_30d", int_or_null(d[5]),
        "monthly_active_users", int_or_null(d[6]), "storage_bytes",
        int_or_null(d[7]));
    for (int k = 0; k < n_figures; k++) {
        if (!figures[k].averaged)
            continue;
        int64_t v = 0;
        bool got = false;
        if (!insufficient &&
            db_query_int_opt(m, day, figures[k].metric, &v, &got) < 0)
            got = false;
        json_object_set_new(out, figures[k].metric,
                            got ? json_integer((json_int_t)v) : json_null());
    }
    if (insufficient)
        json_object_set_new(
            out, "note",
            json_sprintf("insuficiente: las cifras de los planteles se "
                         "muestran cuando hay al menos %d planteles",
                         STATISTICS_MIN_SCHOOLS));
    return out;
}

int statistics_history(struct platform *p, const char *metric, int max_days,
                       struct statistics_point **points_r, int *n_r,
                       const char **error_r)
{
    struct store *m = &p->master;
    store_lock(m);
    struct db_stmt *st = db_query(m->conn, error_r,
                                  "SELECT day, value FROM platform_statistics"
                                  " WHERE metric = ? ORDER BY day DESC"
                                  " LIMIT ?",
                                  "ti", metric, (int64_t)max_days);
    if (st == NULL) {
        store_unlock(m);
        return -1;
    }
    int n = 0, rc;
    struct statistics_point *pts =
        xcalloc(max_days > 0 ? (size_t)max_days : 1, sizeof *pts);
    while ((rc = db_step(st, error_r)) == DB_ROW && n < max_days) {
        str_copy(pts[n].day, sizeof pts[n].day, db_text(st, 0));
        pts[n].value = db_int(st, 1);
        n++;
    }
    db_finish(&st);
    store_unlock(m);
    if (rc < 0) {
        free(pts);
        return -1;
    }
    for (int i = 0; i < n / 2; i++) {
        struct statistics_point t = pts[i];
        pts[i] = pts[n - 1 - i];
        pts[n - 1 - i] = t;
    }
    *points_r = pts;
    *n_r = n;
    return 0;
}

/* The usage columns after a row's leading ones, from column `c`. */
static void usage_members(json_t *o, struct db_stmt *st, int c)
{
    json_object_set_new(o, "students", json_integer(db_int(st, c)));
    json_object_set_new(o, "teachers", json_integer(db_int(st, c + 1)));
    json_object_set_new(o, "users", json_integer(db_int(st, c + 2)));
    json_object_set_new(o, "storage_bytes", json_integer(db_int(st, c + 3)));
    json_object_set_new(o, "monthly_active_users",
                        json_integer(db_int(st, c + 4)));
    const char *last = db_text_or_null(st, c + 5);
    json_object_set_new(o, "last_activity",
                        last ? json_string(last) : json_null());
    json_object_set_new(o, "computed_at", json_string(db_text(st, c + 6)));
}

#define USAGE_COLUMNS                                                        \
    "u.students, u.teachers, u.users, u.storage_bytes,"                      \
    " u.monthly_active_users, u.last_activity, u.computed_at"

json_t *statistics_usage_json(struct platform *p, const char *month,
                              const char **error_r)
{
    struct store *m = &p->master;
    store_lock(m);
    struct db_stmt *st = db_query(
        m->conn, error_r,
        "SELECT t.subdomain, t.name, t.status, " USAGE_COLUMNS
        " FROM tenant_usage u JOIN tenants t ON t.id = u.tenant_id"
        " WHERE u.month = ? ORDER BY t.subdomain",
        "t", month);
    if (st == NULL) {
        store_unlock(m);
        return NULL;
    }
    json_t *items = json_array();
    int rc;
    while ((rc = db_step(st, error_r)) == DB_ROW) {
        json_t *o = json_pack("{s:s,s:s,s:s}", "code", db_text(st, 0), "name",
                              db_text(st, 1), "status", db_text(st, 2));
        usage_members(o, st, 3);
        json_array_append_new(items, o);
    }
    db_finish(&st);
    store_unlock(m);
    if (rc < 0) {
        json_decref(items);
        return NULL;
    }
    return items;
}

json_t *statistics_current_by_code(struct platform *p, const char **error_r)
{
    struct store *m = &p->master;
    store_lock(m);
    struct db_stmt *st = db_query(
        m->conn, error_r,
        "SELECT t.subdomain, t.exported_at, u.id, " USAGE_COLUMNS
        " FROM tenants t LEFT JOIN tenant_usage u ON u.tenant_id = t.id AND"
        " u.month = (SELECT max(month) FROM tenant_usage WHERE tenant_id ="
        " t.id)",
        "");
    if (st == NULL) {
        store_unlock(m);
        return NULL;
    }
    json_t *by_code = json_object();
    int rc;
    while ((rc = db_step(st, error_r)) == DB_ROW) {
        json_t *o = json_object();
        const char *exported = db_text_or_null(st, 1);
        json_object_set_new(o, "exported_at",
                            exported ? json_string(exported) : json_null());
        if (db_null(st, 2))
            json_object_set_new(o, "figures", json_null());
        else {
            json_t *f = json_object();
            usage_members(f, st, 3);
            json_object_set_new(o, "figures", f);
        }
        json_object_set_new(by_code, db_text(st, 0), o);
    }
    db_finish(&st);
    store_unlock(m);
    if (rc < 0) {
        json_decref(by_code);
        return NULL;
    }
    return by_code;
}
