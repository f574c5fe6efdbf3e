/*
 * The demo school's attendance (issue #16, part demo): `init --demo` calls
 * attendance_demo_seed() once its students are enrolled, so the monthly
 * report, its plot and the chronic-absence list show real-looking figures
 * the moment a newcomer opens them.
 *
 * How it works:
 *   1. The calendar: the year's national holidays (prefilled when the
 *      import created it) and its breaks (Christmas, Semana Santa:
 *      calendar_demo_breaks() of calendar_edit.c). From then on
 *      the generator asks calendar.h which dates are school days.
 *   2. The dates: every school day from the first day of the month two
 *      months before today (clipped to the year's start) to yesterday.
 *      Today is left for the person trying the demo to take.
 *   3. A little movement inside those dates, through the same functions as
 *      the API where there is one: two withdrawals (student_withdraw), one
 *      change of section (student_update), and three students who joined
 *      after the others (their enrolment starts later: written here).
 *   4. The attendance, written straight into attendance_sessions (block 0,
 *      the day's record) and attendance_marks (absent, late, justified;
 *      no row = present) in one transaction with one audit row. Enrolment
 *      per day comes from `enrolments`, as the report reads it. A fixed
 *      seed drives a small PRNG (splitmix64), so the same school gets the
 *      same attendance on the same dates. Each student has a propensity
 *      (most miss 1-7 % of days; four chronic absentees miss a fifth to
 *      almost half), a day has a factor (Fridays and days next to
 *      a holiday or break worse, now and then a rainy day much worse),
 *      and two students are made to miss three school days in a row. A
 *      section sometimes forgets to take a day (about 1 in 80, never the
 *      last day), which the report shows as not taken.
 *   5. The runs of three or more unjustified absences get their row in
 *      attendance_alerts, as if the representatives had been told already,
 *      so the first attendance taken on the demo does not mail about old
 *      runs (and the demo queues no mail for its generated past).
 * The mix comes out at about 93-95 % present (late counted as present).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "school/attendance_demo.h"
#include "school/calendar.h"
#include "school/records.h"
#include "school/students.h"

#define DEMO_CHRONIC 4    /* students who miss a fifth to almost half of days */
#define DEMO_RUNS 2       /* students made to miss 3 school days in a row */
#define DEMO_MIN_DAYS 10  /* fewer school days than this: no movement */

static const char *const JUSTIFIED_REASONS[] = {
    "Reposo médico", "Cita médica", "Enfermedad (constancia del representante)",
    "Diligencia familiar", "Duelo familiar", "Consulta odontológica",
};

static uint64_t rng_next(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}
/* Uniform in [0, 1). */
static double rng_unit(uint64_t *s)
{
    return (double)(rng_next(s) >> 11) / 9007199254740992.0;
}
static int rng_int(uint64_t *s, int n)
{
    return n > 0 ? (int)(rng_next(s) % (uint64_t)n) : 0;
}

/* ---- the dates ------------------------------------------------------- */

/* The first day of the month two months before `today`, clipped. */
static void window_start(const struct school_calendar *cal, const char *today,
                         char out[11])
{
    int y = atoi(today), m = atoi(today + 5) - 2;
    if (m < 1) {
        m += 12;
        y -= 1;
    }
    char t[48];
    snprintf(t, sizeof t, "%04d-%02d-01", y, m);
    str_copy(out, 11, strcmp(t, cal->starts_on) < 0 ? cal->starts_on : t);
}

/* ---- the movement ----------------------------------------------------- */

struct open_enrol {
    int64_t id, student_id, section_id, grade_id;
};

static int load_open(struct store *s, int64_t year_id, struct open_enrol **v_r,
                     int *n_r, const char **error_r)
{
    *v_r = NULL;
    *n_r = 0;
    store_lock(s);
    struct db_stmt *st = db_query(
        s->conn, error_r,
        "SELECT e.id, e.student_id, e.section_id, sec.grade_id"
        " FROM enrolments e JOIN sections sec ON sec.id = e.section_id"
        " WHERE sec.year_id = ? AND e.ends_on IS NULL"
        " ORDER BY e.student_id",
        "i", year_id);
    int rc = st ? DB_ROW : -1, cap = 0;
    while (st && (rc = db_step(st, error_r)) == DB_ROW) {
        if (*n_r == cap) {
            cap = cap ? cap * 2 : 256;
            *v_r = xrealloc(*v_r, sizeof **v_r * (size_t)cap);
        }
        (*v_r)[(*n_r)++] = (struct open_enrol){db_int(st, 0), db_int(st, 1),
                                               db_int(st, 2), db_int(st, 3)};
    }
    db_finish(&st);
    store_unlock(s);
    return rc == DB_DONE ? 0 : -1;
}

/* Another section of the same grade, or 0. */
static int64_t sibling_section(const struct open_enrol *v, int n, int i)
{
    for (int j = 0; j < n; j++)
        if (v[j].grade_id == v[i].grade_id && v[j].section_id != v[i].section_id)
            return v[j].section_id;
    return 0;
}

/* Two withdrawals, a change of section and three late ingresos, on school
 * days inside the dates (days[0..n)). Picks are spread over the list of
 * open enrolments; each student is moved at most once. */
static int seed_movement(struct store *s, const struct actor *actor,
                         int64_t year_id, const int64_t *days, int n,
                         uint64_t *rng, struct attendance_demo_report *rep,
                         const char **error_r)
{
    struct open_enrol *v;
    int nv;
    if (load_open(s, year_id, &v, &nv, error_r) < 0)
        return -1;
    if (nv < 40) {
        free(v);
        return 0;
    }
    int rc = 0;
    char date[11];
    struct rec_problems probs;
    /* withdrawals: in the second half of the dates */
    for (int k = 0; k < 2 && rc == 0; k++) {
        int i = (nv / 7) * (k + 1) + rng_int(rng, 5);
        calendar_date_of(days[n / 2 + rng_int(rng, n / 3)], date);
        memset(&probs, 0, sizeof probs);
        int r = student_withdraw(s, actor, v[i].student_id, date,
                                 k ? "Cambio de domicilio" : "Cambio de plantel",
                                 &probs, error_r);
        if (r == STU_OK)
            rep->egresos++;
        else if (r < 0)
            rc = -1;
    }
    /* a change of section: the first student (from the middle of the list
     * on) whose grade has another section */
    for (int i = nv / 2; i < nv && rc == 0; i++) {
        int64_t to = sibling_section(v, nv, i);
        if (to == 0)
            continue;
        calendar_date_of(days[n / 3 + rng_int(rng, n / 3)], date);
        struct student_input in = {.cols = json_object(), .section_id = to};
        str_copy(in.date, sizeof in.date, date);
        memset(&probs, 0, sizeof probs);
        int r = student_update(s, actor, v[i].student_id, &in, &probs, error_r);
        student_input_free(&in);
        if (r == STU_OK)
            rep->moves++;
        else if (r < 0)
            rc = -1;
        break;
    }
    /* late ingresos: their (only) enrolment starts on a later school day */
    if (rc == 0 && store_begin(s, error_r) < 0)
        rc = -1;
    else if (rc == 0) {
        for (int k = 0; k < 3 && rc == 0; k++) {
            int i = nv - 1 - (nv / 9) * k - rng_int(rng, 4);
            int64_t count = 0;
            if (db_query_int(s->conn, error_r, &count,
                             "SELECT COUNT(*) FROM enrolments WHERE student_id = ?",
                             "i", v[i].student_id) < 0) {
                rc = -1;
                break;
            }
            if (count != 1)
                continue;
            char starts[11] = "";
            struct db_stmt *st = db_query(
                s->conn, error_r,
                "SELECT starts_on FROM enrolments WHERE id = ?", "i", v[i].id);
            if (st && db_step(st, error_r) == DB_ROW)
                str_copy(starts, sizeof starts, db_text(st, 0));
            db_finish(&st);
            /* a school day in the first half of the dates, after the day
             * the others were enrolled */
            int first = 0;
            char d[11];
            while (first < n &&
                   (calendar_date_of(days[first], d), strcmp(d, starts) <= 0))
                first++;
            if (first + 1 >= n / 2)
                continue;
            calendar_date_of(days[first + 1 + rng_int(rng, n / 2 - first - 1)],
                             date);
            json_t *before = json_pack("{s:s}", "starts_on", starts);
            json_t *after = json_pack("{s:s}", "starts_on", date);
            if (db_run(s->conn, error_r,
                       "UPDATE enrolments SET starts_on = ? WHERE id = ?",
                       "ti", date, v[i].id) < 0 ||
                rec_audit(s, actor, "update", "enrolment", v[i].id, before,
                          after, error_r) < 0)
                rc = -1;
            else
                rep->ingresos++;
            json_decref(before);
            json_decref(after);
        }
        if (store_end(s, rc == 0, rc == 0 ? error_r : NULL) < 0)
            rc = -1;
    }
    free(v);
    return rc;
}

/* ---- the attendance --------------------------------------------------- */

struct enrol {
    int64_t student_id, section_id;
    int64_t from, to; /* day numbers, inclusive */
    int student;      /* index into the students */
};

struct student {
    int64_t id;
    double p_absent, p_late, p_justified;
    int forced_from; /* index of the school day a forced run starts; -1 */
    /* the run of unjustified absences being counted */
    int run_len;
    int64_t run_start, last_day; /* day numbers; last_day: last school day seen */
};

enum { M_PRESENT, M_ABSENT, M_LATE, M_JUSTIFIED };

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static int load_enrolments(struct store *s, int64_t year_id, const char *from,
                           const char *to, struct enrol **v_r, int *n_r,
                           const char **error_r)
{
    *v_r = NULL;
    *n_r = 0;
    struct db_stmt *st = db_query(
        s->conn, error_r,
        "SELECT e.student_id, e.section_id, e.starts_on, e.ends_on"
        " FROM enrolments e JOIN sections sec ON sec.id = e.section_id"
        " WHERE sec.year_id = ? AND e.starts_on <= ?"
        " AND (e.ends_on IS NULL OR e.ends_on >= ?)"
        " ORDER BY e.section_id, e.student_id, e.starts_on",
        "itt", year_id, to, from);
    int rc = st ? DB_ROW : -1, cap = 0;
    while (st && (rc = db_step(st, error_r)) == DB_ROW) {
        struct enrol e = {db_int(st, 0), db_int(st, 1), 0, INT64_MAX, -1};
        if (!calendar_day_number(db_text(st, 2), &e.from) ||
            (!db_null(st, 3) && !calendar_day_number(db_text(st, 3), &e.to)))
            continue;
        if (*n_r == cap) {
            cap = cap ? cap * 2 : 512;
            *v_r = xrealloc(*v_r, sizeof **v_r * (size_t)cap);
        }
        (*v_r)[(*n_r)++] = e;
    }
    db_finish(&st);
    return rc == DB_DONE ? 0 : -1;
}

/* The day's factor on absences: Fridays and days next to a non-school
 * weekday (a holiday, a break) are worse; now and then a rainy day. */
static double day_factor(const struct school_calendar *cal, int64_t day,
                         uint64_t *rng)
{
    double f = calendar_weekday(day) == 5 ? 1.35 : 1.0;
    char d[11];
    for (int k = -1; k <= 1; k += 2) {
        int64_t o = day + k;
        calendar_date_of(o, d);
        int kind = calendar_day_kind(cal, d);
        if (kind != CAL_SCHOOL && kind != CAL_WEEKEND && kind != -1)
            f += 0.5;
    }
    if (rng_unit(rng) < 0.06)
        f *= 2.2; /* a downpour: the buses do not run */
    return f;
}

/* Ends a student's run of unjustified absences at day number `day` (not
 * part of it): 3 or more days get their alert row. */
static int close_run(struct store *s, struct student *st, const char *now,
                     int *alerts, const char **error_r)
{
    int rc = 0;
    if (st->run_len >= 3) {
        char start[11];
        calendar_date_of(st->run_start, start);
        rc = db_run(s->conn, error_r,
                    "INSERT INTO attendance_alerts (student_id, run_starts_on,"
                    " days, created_at) VALUES (?, ?, ?, ?)",
                    "itit", st->id, start, (int64_t)st->run_len, now);
        if (rc >= 0)
            (*alerts)++;
    }
    st->run_len = 0;
    return rc < 0 ? -1 : 0;
}

static int find_student(const struct student *v, int n, int64_t id)
{
    int lo = 0, hi = n - 1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        if (v[mid].id == id)
            return mid;
        if (v[mid].id < id)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return -1;
}

static int seed_attendance(struct store *s, const struct actor *actor,
                           const struct school_calendar *cal,
                           const int64_t *days, int n, uint64_t *rng,
                           struct attendance_demo_report *rep,
                           const char **error_r)
{
    char from[11], to[11];
    calendar_date_of(days[0], from);
    calendar_date_of(days[n - 1], to);
    if (store_begin(s, error_r) < 0)
        return -1;
    struct enrol *en = NULL;
    int ne = 0, rc = 0;
    struct student *stu = NULL;
    int ns = 0;
    int64_t taken_by = 0;
    if (load_enrolments(s, cal->year_id, from, to, &en, &ne, error_r) < 0 ||
        db_query_int(s->conn, error_r, &taken_by,
                     "SELECT id FROM users WHERE role = 'school_admin'"
                     " ORDER BY id LIMIT 1",
                     "") < 0) {
        rc = -1;
        goto done;
    }
    /* the students, sorted by id, each with a propensity */
    int64_t *ids = xmalloc(sizeof *ids * (size_t)(ne + 1));
    for (int i = 0; i < ne; i++)
        ids[i] = en[i].student_id;
    qsort(ids, (size_t)ne, sizeof *ids, cmp_i64);
    stu = xcalloc((size_t)ne + 1, sizeof *stu);
    for (int i = 0; i < ne; i++)
        if (i == 0 || ids[i] != ids[i - 1]) {
            struct student *t = &stu[ns++];
            t->id = ids[i];
            double u = rng_unit(rng);
            t->p_absent = 0.012 + 0.06 * u * u; /* most miss little */
            t->p_late = 0.005 + 0.03 * rng_unit(rng);
            t->p_justified = 0.004 + 0.012 * rng_unit(rng);
            t->forced_from = -1;
        }
    free(ids);
    for (int i = 0; i < ne; i++)
        en[i].student = find_student(stu, ns, en[i].student_id);
    /* chronic absentees and forced runs, spread over the list */
    for (int k = 0; k < DEMO_CHRONIC && ns > 4 * DEMO_CHRONIC; k++) {
        struct student *t = &stu[(ns / DEMO_CHRONIC) * k + rng_int(rng, 3)];
        /* the first misses almost half: critical on the list */
        t->p_absent = k == 0 ? 0.45 : 0.20 + 0.10 * rng_unit(rng);
        t->p_justified = 0.02;
    }
    for (int k = 0; k < DEMO_RUNS && ns > 20 && n >= 6; k++) {
        struct student *t =
            &stu[(ns / DEMO_RUNS) * k + ns / 8 + rng_int(rng, 3)];
        t->forced_from = n / 3 + rng_int(rng, n / 3);
    }
    char now[21];
    time_format_utc(time_now(), now);
    /* day by day, section by section (en is sorted by section) */
    for (int di = 0; di < n && rc == 0; di++) {
        int64_t day = days[di];
        char date[11];
        calendar_date_of(day, date);
        double f = day_factor(cal, day, rng);
        for (int i = 0; i < ne && rc == 0;) {
            int64_t section = en[i].section_id;
            int j = i;
            while (j < ne && en[j].section_id == section)
                j++;
            int enrolled = 0;
            for (int k = i; k < j; k++)
                enrolled += en[k].from <= day && day <= en[k].to;
            bool forced = false;
            for (int k = i; k < j; k++) {
                const struct student *t = &stu[en[k].student];
                forced |= en[k].from <= day && day <= en[k].to &&
                          t->forced_from >= 0 && di >= t->forced_from &&
                          di < t->forced_from + 3;
            }
            if (enrolled == 0 ||
                (!forced && di < n - 1 && rng_unit(rng) < 0.0125)) {
                if (enrolled)
                    rep->not_taken++;
                i = j;
                continue;
            }
            /* taken between 07:05 and 07:50 school-local (UTC-4) */
            char taken_at[64]; /* roomy: the compiler cannot bound the parts */
            snprintf(taken_at, sizeof taken_at, "%sT11:%02d:%02dZ", date,
                     (5 + rng_int(rng, 45)) % 60, rng_int(rng, 60) % 60);
            int64_t sid = 0;
            if (db_query_int(s->conn, error_r, &sid,
                             "INSERT INTO attendance_sessions (section_id,"
                             " date, block, taken_by, taken_at, updated_at)"
                             " VALUES (?, ?, 0, NULLIF(?, 0), ?, ?) RETURNING id",
                             "ititt", section, date, taken_by, taken_at,
                             taken_at) < 0) {
                rc = -1;
                break;
            }
            rep->sessions++;
            for (int k = i; k < j && rc == 0; k++) {
                if (!(en[k].from <= day && day <= en[k].to))
                    continue;
                struct student *t = &stu[en[k].student];
                int mark = M_PRESENT;
                if (t->forced_from >= 0 && di >= t->forced_from &&
                    di < t->forced_from + 3)
                    mark = M_ABSENT;
                else {
                    double r = rng_unit(rng), pa = t->p_absent * f;
                    if (r < pa)
                        mark = M_ABSENT;
                    else if (r < pa + t->p_justified)
                        mark = M_JUSTIFIED;
                    else if (r < pa + t->p_justified + t->p_late)
                        mark = M_LATE;
                }
                /* the run of unjustified absences (a school day this
                 * student was not recorded on ends it) */
                if (t->run_len && t->last_day != days[di - 1])
                    rc = close_run(s, t, now, &rep->alerts, error_r);
                if (mark == M_ABSENT) {
                    if (t->run_len++ == 0)
                        t->run_start = day;
                } else if (rc == 0)
                    rc = close_run(s, t, now, &rep->alerts, error_r);
                t->last_day = day;
                if (mark == M_PRESENT || mark == M_LATE)
                    rep->present++;
                if (mark == M_PRESENT || rc < 0)
                    continue;
                const char *status = mark == M_ABSENT ? "absent"
                                     : mark == M_LATE ? "late"
                                                      : "justified";
                const char *reason =
                    mark == M_JUSTIFIED
                        ? JUSTIFIED_REASONS[rng_int(
                              rng, (int)(sizeof JUSTIFIED_REASONS /
                                         sizeof JUSTIFIED_REASONS[0]))]
                        : "";
                if (db_run(s->conn, error_r,
                           "INSERT INTO attendance_marks (session_id,"
                           " student_id, status, reason) VALUES (?, ?, ?, ?)",
                           "iitt", sid, t->id, status, reason) < 0)
                    rc = -1;
                *(mark == M_ABSENT  ? &rep->absent
                  : mark == M_LATE ? &rep->late
                                    : &rep->justified) += 1;
            }
            i = j;
        }
    }
    for (int i = 0; i < ns && rc == 0; i++)
        rc = close_run(s, &stu[i], now, &rep->alerts, error_r);
    if (rc == 0) {
        json_t *after = json_pack(
            "{s:s,s:s,s:i,s:i,s:i,s:i,s:i,s:i,s:i}", "from", from, "to", to,
            "school_days", n, "sessions", rep->sessions, "not_taken",
            rep->not_taken, "absent", rep->absent, "late", rep->late,
            "justified", rep->justified, "alerts", rep->alerts);
        rc = rec_audit(s, actor, "demo", "attendance", cal->year_id, NULL,
                       after, error_r);
        json_decref(after);
    }
done:
    free(en);
    free(stu);
    if (store_end(s, rc == 0, rc == 0 ? error_r : NULL) < 0)
        rc = -1;
    return rc;
}

int attendance_demo_seed(struct store *s, const struct actor *actor,
                         uint64_t seed, const char *today_in,
                         struct attendance_demo_report *rep_r,
                         const char **error_r)
{
    memset(rep_r, 0, sizeof *rep_r);
    uint64_t rng = seed;
    char today[11];
    int64_t year_id = 0;
    store_lock(s);
    if (today_in && *today_in)
        str_copy(today, sizeof today, today_in);
    else
        rec_today(s, today);
    int has = school_year_current(s, &year_id, error_r);
    store_unlock(s);
    if (has < 0)
        return -1;
    if (has == 0)
        return 0; /* no year: nothing to take */
    /* the breaks (the national holidays came with the year) */
    if (calendar_demo_breaks(s, actor, year_id, error_r) < 0)
        return -1;

    struct school_calendar cal;
    int64_t tday;
    store_lock(s);
    int rc = calendar_load(s, year_id, &cal, error_r);
    store_unlock(s);
    if (rc != REC_OK)
        return -1;
    char from[11], yesterday[11];
    int64_t *days = NULL;
    int n = 0;
    if (!calendar_day_number(today, &tday)) {
        *error_r = "bad date for today";
        calendar_cleanup(&cal);
        return -1;
    }
    window_start(&cal, today, from);
    calendar_date_of(tday - 1, yesterday);
    if (strcmp(from, yesterday) <= 0 &&
        calendar_school_days(&cal, from, yesterday, &days, &n) < 0) {
        *error_r = "cannot list the demo's school days";
        calendar_cleanup(&cal);
        return -1;
    }
    rc = 0;
    if (n > 0) {
        calendar_date_of(days[0], rep_r->from);
        calendar_date_of(days[n - 1], rep_r->to);
        rep_r->school_days = n;
    }
    if (n >= DEMO_MIN_DAYS)
        rc = seed_movement(s, actor, year_id, days, n, &rng, rep_r, error_r);
    if (rc == 0 && n > 0)
        rc = seed_attendance(s, actor, &cal, days, n, &rng, rep_r, error_r);
    free(days);
    calendar_cleanup(&cal);
    return rc;
}
