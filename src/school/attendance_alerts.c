/*
 * The mail after three consecutive absences (attendance.h,
 * attendance_alerts_check): called by a write of attendance inside its
 * transaction, for the students absent that day.
 *
 * How it works: the school days around the date come from the calendar
 * (school/calendar.h: weekends, holidays and breaks are skipped, they
 * break no run); the student's day records (block 0) of those days are
 * read through their enrolments, whatever section they were in. From the
 * date the run of school days on which the student was absent (status
 * absent: a justified absence, a late or present day, or a day not taken
 * ends it) is walked backwards and forwards. A run of ATTENDANCE_RUN_MIN
 * or more days is named by its first day: the first time a run is seen an
 * attendance_alerts row is written (UNIQUE (student_id, run_starts_on):
 * re-marking, or the run growing to a fourth day, mails no one again) and
 * each representative with an email (theirs, else their parent account's)
 * gets the template attendance_absences, queued with mail_enqueue in the
 * same transaction, with an audit row "attendance.alert" of the student
 * (the run, its dates and the addresses told).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "mail/mail.h"
#include "school/attendance.h"
#include "school/calendar.h"

#define ATTENDANCE_RUN_MIN 3
/* How far around the date a run is followed, in calendar days. */
#define RUN_WINDOW 62

static const char *const weekdays[] = {"", "lunes", "martes", "miércoles",
                                       "jueves", "viernes", "sábado",
                                       "domingo"};

/* "lunes 07/12/2026" */
static void date_words(int64_t day, char *out, size_t n)
{
    char d[11];
    calendar_date_of(day, d);
    snprintf(out, n, "%s %.2s/%.2s/%.4s", weekdays[calendar_weekday(day)],
             d + 8, d + 5, d);
}

/* Whether the student was absent (unjustified) on each school day of
 * days[0..n): 'A' absent, 'P' taken and not absent, 0 not taken. */
static int statuses_load(struct store *s, int64_t student_id,
                         const int64_t *days, int n, char *out,
                         const char **error_r)
{
    memset(out, 0, (size_t)n);
    if (n == 0)
        return 0;
    char from[11], to[11];
    calendar_date_of(days[0], from);
    calendar_date_of(days[n - 1], to);
    struct db_stmt *st = db_query(
        s->conn, error_r,
        "SELECT a.date, m.status FROM attendance_sessions a"
        " JOIN enrolments e ON e.section_id = a.section_id"
        " AND e.student_id = ? AND e.starts_on <= a.date"
        " AND (e.ends_on IS NULL OR e.ends_on >= a.date)"
        " LEFT JOIN attendance_marks m ON m.session_id = a.id"
        " AND m.student_id = ?"
        " WHERE a.block = 0 AND a.date >= ? AND a.date <= ?",
        "iitt", student_id, student_id, from, to);
    if (st == NULL)
        return -1;
    int rc;
    while ((rc = db_step(st, error_r)) == DB_ROW) {
        int64_t d;
        if (!calendar_day_number(db_text(st, 0), &d))
            continue;
        for (int i = 0; i < n; i++)
            if (days[i] == d) {
                bool absent = strcmp(db_text(st, 1), "absent") == 0;
                /* two sections the same day (a move): absent only if
                 * absent in both */
                out[i] = (out[i] == 'P' || !absent) ? 'P' : 'A';
            }
    }
    db_finish(&st);
    return rc == DB_DONE ? 0 : -1;
}

/* Queues the mail to each representative with an email. */
static int mail_representatives(struct store *s, const struct tenant *t,
                                const char *base_url, int64_t student_id,
                                const char *dates, int days, json_t *mailed,
                                int *queued_r, const char **error_r)
{
    char student[256] = "", section[96] = "";
    struct db_stmt *st = db_query(
        s->conn, error_r,
        "SELECT st.first_names || ' ' || st.last_names,"
        " COALESCE(g.name || ' ' || sc.letter, '')"
        " FROM students st LEFT JOIN sections sc ON sc.id = st.section_id"
        " LEFT JOIN grades g ON g.id = sc.grade_id WHERE st.id = ?",
        "i", student_id);
    if (st == NULL)
        return -1;
    if (db_step(st, NULL) == DB_ROW) {
        str_copy(student, sizeof student, db_text(st, 0));
        str_copy(section, sizeof section, db_text(st, 1));
    }
    db_finish(&st);
    st = db_query(
        s->conn, error_r,
        "SELECT r.first_names || ' ' || r.last_names,"
        " CASE WHEN r.email <> '' THEN r.email ELSE COALESCE(u.email, '') END"
        " FROM student_representatives sr"
        " JOIN representatives r ON r.id = sr.representative_id"
        " LEFT JOIN users u ON u.id = r.user_id"
        " WHERE sr.student_id = ? ORDER BY sr.position",
        "i", student_id);
    if (st == NULL)
        return -1;
    struct rep {
        char *name, *email;
    } *reps = NULL;
    int n = 0, rc;
    while ((rc = db_step(st, error_r)) == DB_ROW) {
        if (db_text(st, 1)[0] == '\0')
            continue;
        reps = xrealloc(reps, (size_t)(n + 1) * sizeof *reps);
        reps[n].name = xstrdup(db_text(st, 0));
        reps[n].email = xstrdup(db_text(st, 1));
        n++;
    }
    db_finish(&st);
    int out = rc == DB_DONE ? 0 : -1;
    char link[600], count[16], idstr[24];
    snprintf(link, sizeof link, "%s/asistencia-representado", base_url ? base_url : "");
    snprintf(count, sizeof count, "%d", days);
    snprintf(idstr, sizeof idstr, "%lld", (long long)student_id);
    for (int i = 0; out == 0 && i < n; i++) {
        /* the same address twice (both parents share one): one mail */
        bool seen = false;
        for (int j = 0; j < i; j++)
            if (strcmp(reps[j].email, reps[i].email) == 0)
                seen = true;
        if (seen)
            continue;
        json_t *vars = json_pack(
            "{s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "name", reps[i].name, "student",
            student, "section", section[0] ? section : "sin sección", "days",
            count, "dates", dates, "link", link, "base_url",
            base_url ? base_url : "");
        int64_t mail_id = 0;
        if (mail_enqueue(s, t, "attendance_absences", reps[i].email,
                         reps[i].name, vars, "student", idstr, &mail_id,
                         error_r) < 0) {
            out = -1;
        } else {
            (*queued_r)++;
            json_array_append_new(mailed, json_string(reps[i].email));
        }
        json_decref(vars);
    }
    for (int i = 0; i < n; i++) {
        free(reps[i].name);
        free(reps[i].email);
    }
    free(reps);
    return out;
}

static int check_one(struct store *s, const struct actor *actor,
                     const struct tenant *t,
                     const char *base_url, const struct school_calendar *cal,
                     int64_t student_id, const char *date, int *queued_r,
                     const char **error_r)
{
    int64_t d;
    if (!calendar_day_number(date, &d))
        return 0;
    char from[11], to[11];
    calendar_date_of(d - RUN_WINDOW, from);
    calendar_date_of(d + RUN_WINDOW, to);
    int64_t *days = NULL;
    int n = 0;
    if (calendar_school_days(cal, from, to, &days, &n) < 0) {
        *error_r = "calendar_school_days failed";
        return -1;
    }
    int at = -1;
    for (int i = 0; i < n; i++)
        if (days[i] == d)
            at = i;
    char *status = xmalloc((size_t)n + 1);
    int rc = 0;
    if (at < 0 || statuses_load(s, student_id, days, n, status, error_r) < 0) {
        rc = at < 0 ? 0 : -1;
        goto out;
    }
    if (status[at] != 'A')
        goto out;
    int a = at, z = at;
    while (a > 0 && status[a - 1] == 'A')
        a--;
    while (z + 1 < n && status[z + 1] == 'A')
        z++;
    int len = z - a + 1;
    if (len < ATTENDANCE_RUN_MIN)
        goto out;
    char first[11];
    calendar_date_of(days[a], first);
    int64_t known = 0;
    if (db_query_int(s->conn, error_r, &known,
                     "SELECT COUNT(*) FROM attendance_alerts"
                     " WHERE student_id = ? AND run_starts_on = ?",
                     "it", student_id, first) < 0) {
        rc = -1;
        goto out;
    }
    if (known) {
        rc = db_run(s->conn, error_r,
                    "UPDATE attendance_alerts SET days = ? WHERE student_id = ?"
                    " AND run_starts_on = ? AND days < ?",
                    "iiti", (int64_t)len, student_id, first, (int64_t)len) < 0
                 ? -1
                 : 0;
        goto out;
    }
    char now[21];
    time_format_utc(time_now(), now);
    if (db_run(s->conn, error_r,
               "INSERT INTO attendance_alerts (student_id, run_starts_on, days,"
               " created_at) VALUES (?, ?, ?, ?)",
               "itit", student_id, first, (int64_t)len, now) < 0) {
        rc = -1;
        goto out;
    }
    /* "lunes 07/12/2026, martes 08/12/2026 y miércoles 09/12/2026" */
    struct strbuf_lite {
        char *p;
        size_t len;
    } sb = {xcalloc(1, 1), 0};
    for (int i = a; i <= z; i++) {
        char w[40];
        date_words(days[i], w, sizeof w);
        const char *sep = i == a ? "" : i == z ? " y " : ", ";
        size_t add = strlen(sep) + strlen(w);
        sb.p = xrealloc(sb.p, sb.len + add + 1);
        snprintf(sb.p + sb.len, add + 1, "%s%s", sep, w);
        sb.len += add;
    }
    json_t *mailed = json_array();
    rc = mail_representatives(s, t, base_url, student_id, sb.p, len, mailed,
                              queued_r, error_r);
    /* the alert and who was told, audited with the write that caused it */
    if (rc == 0) {
        json_t *after = json_pack("{s:s,s:i,s:s,s:O}", "run_starts_on", first,
                                  "consecutive_days", len, "dates", sb.p,
                                  "mailed_to",
                                  mailed);
        rc = rec_audit(s, actor, "attendance.alert", "student", student_id,
                       NULL, after, error_r) < 0
                 ? -1
                 : 0;
        json_decref(after);
    }
    json_decref(mailed);
    free(sb.p);
out:
    free(status);
    free(days);
    return rc;
}

int attendance_alerts_check(struct store *s, const struct actor *actor,
                            const struct tenant *t,
                            const char *base_url, const int64_t *student_ids,
                            int n, const char *date, int *queued_r,
                            const char **error_r)
{
    int queued = 0;
    if (queued_r)
        *queued_r = 0;
    struct school_calendar cal;
    int rc = calendar_load_for_date(s, date, &cal, error_r);
    if (rc == REC_NOT_FOUND)
        return 0;
    if (rc != REC_OK)
        return -1;
    int out = 0;
    for (int i = 0; out == 0 && i < n; i++)
        out = check_one(s, actor, t, base_url, &cal, student_ids[i], date,
                        &queued, error_r);
    calendar_cleanup(&cal);
    if (queued_r)
        *queued_r = queued;
    return out;
}
