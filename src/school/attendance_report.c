/*
 * The monthly attendance report, the chronic-absence list and the
 * school's attendance rate (attendance_report.h says what each counts).
 *
 * All three start from one picture of a range of school days
 * (struct span): the sections (with their grade), the enrolments that
 * overlap the range (with the student's gender), the block-0 sessions of
 * the range as a (section, day) table, and the absent or justified marks
 * of those sessions as a sorted list of (session, student) pairs. Walking
 * each enrolment over the school days it covers then says, per student
 * and day, "not taken", "present" or "not present"; the readers only add
 * those up their own way. Four queries whatever the school's size.
 */
#include "school/attendance_report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "school/branding.h"
#include "school/calendar.h"
#include "school/records.h"

/* ---- the picture of a range ------------------------------------------ */

struct span_section {
    int64_t id;
    int grade; /* index into the report's grades, or -1 */
    char name[96];
};

struct span_enrolment {
    int64_t student_id;
    int section;      /* index into span.sections */
    int64_t from, to; /* day numbers, inclusive (to: INT64_MAX if open) */
    bool ingreso;     /* started as ingreso or reingreso */
    bool egreso;      /* ended by retiro or graduacion */
    char gender;      /* 'V' or 'H' */
};

struct mark_key {
    int64_t session_id, student_id;
};

struct span {
    int64_t first, last; /* the range, day numbers */
    int64_t *days;       /* its school days */
    int ndays;
    struct span_section *sections; /* sorted by id */
    int nsections;
    int64_t *sessions; /* [section * ndays + day]: session id or 0 */
    struct span_enrolment *enrolments;
    int nenrolments;
    struct mark_key *marks; /* sorted */
    size_t nmarks;
};

static void span_free(struct span *sp)
{
    free(sp->days);
    free(sp->sections);
    free(sp->sessions);
    free(sp->enrolments);
    free(sp->marks);
    memset(sp, 0, sizeof *sp);
}

static int cmp_section(const void *a, const void *b)
{
    int64_t x = ((const struct span_section *)a)->id;
    int64_t y = ((const struct span_section *)b)->id;
    return x < y ? -1 : x > y;
}

static int cmp_mark(const void *a, const void *b)
{
    const struct mark_key *x = a, *y = b;
    if (x->session_id != y->session_id)
        return x->session_id < y->session_id ? -1 : 1;
    return x->student_id < y->student_id ? -1 : x->student_id > y->student_id;
}

static int section_index(const struct span *sp, int64_t id)
{
    if (sp->nsections == 0)
        return -1;
    struct span_section key = {.id = id};
    const struct span_section *f = bsearch(&key, sp->sections,
                                           (size_t)sp->nsections,
                                           sizeof key, cmp_section);
    return f ? (int)(f - sp->sections) : -1;
}

/* The index of school day `day` in the span, or -1. */
static int day_index(const struct span *sp, int64_t day)
{
    int lo = 0, hi = sp->ndays - 1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        if (sp->days[mid] == day)
            return mid;
        if (sp->days[mid] < day)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return -1;
}

static bool marked_absent(const struct span *sp, int64_t session,
                          int64_t student)
{
    if (sp->nmarks == 0)
        return false;
    struct mark_key key = {session, student};
    return bsearch(&key, sp->marks, sp->nmarks, sizeof key, cmp_mark) != NULL;
}

static const char *const SQL_SECTIONS_OF_YEAR =
    "SELECT sec.id, sec.grade_id, g.name, sec.letter FROM sections sec"
    " JOIN grades g ON g.id = sec.grade_id WHERE sec.year_id = ?";
static const char *const SQL_SECTIONS_ALL =
    "SELECT sec.id, sec.grade_id, g.name, sec.letter FROM sections sec"
    " JOIN grades g ON g.id = sec.grade_id";

/* The school days of the calendar in [first, last] and everything the
 * readers need of those days. `year_id` > 0: only that year's sections;
 * grade_of (may be NULL) maps a grade id to the caller's grade index. */
static int span_load(struct store *s, const struct school_calendar *cal,
                     const char *first, const char *last, int64_t year_id,
                     int (*grade_of)(void *ctx, int64_t grade_id), void *ctx,
                     struct span *sp, const char **error_r)
{
    memset(sp, 0, sizeof *sp);
    calendar_day_number(first, &sp->first);
    calendar_day_number(last, &sp->last);
    if (cal && calendar_school_days(cal, first, last, &sp->days,
                                    &sp->ndays) < 0) {
        *error_r = "the calendar could not list the school days";
        return -1;
    }

    /* sections */
    struct db_stmt *st =
        year_id > 0 ? db_query(s->conn, error_r, SQL_SECTIONS_OF_YEAR, "i",
                               year_id)
                    : db_query(s->conn, error_r, SQL_SECTIONS_ALL, "");
    if (st == NULL)
        return -1;
    int cap = 0, rc;
    while ((rc = db_step(st, error_r)) == DB_ROW) {
        if (sp->nsections == cap) {
            cap = cap ? cap * 2 : 64;
            sp->sections = xrealloc(sp->sections,
                                    (size_t)cap * sizeof *sp->sections);
        }
        struct span_section *x = &sp->sections[sp->nsections++];
        x->id = db_int(st, 0);
        x->grade = grade_of ? grade_of(ctx, db_int(st, 1)) : -1;
        snprintf(x->name, sizeof x->name, "%s %s", db_text(st, 2),
                 db_text(st, 3));
    }
    db_finish(&st);
    if (rc < 0)
        return -1;
    if (sp->nsections)
        qsort(sp->sections, (size_t)sp->nsections, sizeof *sp->sections,
              cmp_section);
    size_t cells = (size_t)(sp->nsections ? sp->nsections : 1) *
                   (size_t)(sp->ndays ? sp->ndays : 1);
    sp->sessions = xcalloc(cells, sizeof *sp->sessions);

    /* block-0 sessions of the range */
    st = db_query(s->conn, error_r,
                  "SELECT id, section_id, date FROM attendance_sessions"
                  " WHERE block = 0 AND date >= ? AND date <= ?",
                  "tt", first, last);
    if (st == NULL)
        return -1;
    while ((rc = db_step(st, error_r)) == DB_ROW) {
        int si = section_index(sp, db_int(st, 1));
        int64_t day;
        if (si < 0 || !calendar_day_number(db_text(st, 2), &day))
            continue;
        int di = day_index(sp, day);
        if (di >= 0)
            sp->sessions[(size_t)si * (size_t)sp->ndays + (size_t)di] =
                db_int(st, 0);
    }
    db_finish(&st);
    if (rc < 0)
        return -1;

    /* their absent and justified marks (late counts as present) */
    st = db_query(s->conn, error_r,
                  "SELECT m.session_id, m.student_id FROM attendance_marks m"
                  " JOIN attendance_sessions se ON se.id = m.session_id"
                  " WHERE se.block = 0 AND se.date >= ? AND se.date <= ?"
                  " AND m.status IN ('absent', 'justified')",
                  "tt", first, last);
    if (st == NULL)
        return -1;
    size_t mcap = 0;
    while ((rc = db_step(st, error_r)) == DB_ROW) {
        if (sp->nmarks == mcap) {
            mcap = mcap ? mcap * 2 : 256;
            sp->marks = xrealloc(sp->marks, mcap * sizeof *sp->marks);
        }
        sp->marks[sp->nmarks++] =
            (struct mark_key){db_int(st, 0), db_int(st, 1)};
    }
    db_finish(&st);
    if (rc < 0)
        return -1;
    if (sp->nmarks)
        qsort(sp->marks, sp->nmarks, sizeof *sp->marks, cmp_mark);

    /* enrolments overlapping the range, in the sections loaded */
    st = db_query(s->conn, error_r,
                  "SELECT e.student_id, e.section_id, e.starts_on, e.ends_on,"
                  " e.start_reason, e.end_reason, st.gender"
                  " FROM enrolments e JOIN students st ON st.id = e.student_id"
                  " WHERE e.starts_on <= ? AND (e.ends_on IS NULL OR"
                  " e.ends_on >= ?) ORDER BY e.student_id, e.starts_on",
                  "tt", last, first);
    if (st == NULL)
        return -1;
    cap = 0;
    while ((rc = db_step(st, error_r)) == DB_ROW) {
        int si = section_index(sp, db_int(st, 1));
        int64_t from, to = INT64_MAX;
        if (si < 0 || !calendar_day_number(db_text(st, 2), &from))
            continue;
        const char *ends = db_text_or_null(st, 3);
        if (ends && !calendar_day_number(ends, &to))
            continue;
        if (to < from)
            continue;
        if (sp->nenrolments == cap) {
            cap = cap ? cap * 2 : 256;
            sp->enrolments = xrealloc(sp->enrolments,
                                      (size_t)cap * sizeof *sp->enrolments);
        }
        const char *sr = db_text(st, 4), *er = db_text(st, 5);
        sp->enrolments[sp->nenrolments++] = (struct span_enrolment){
            .student_id = db_int(st, 0),
            .section = si,
            .from = from,
            .to = to,
            .ingreso = strcmp(sr, "ingreso") == 0 ||
                       strcmp(sr, "reingreso") == 0,
            .egreso = strcmp(er, "retiro") == 0 ||
                      strcmp(er, "graduacion") == 0,
            .gender = db_text(st, 6)[0] == 'H' ? 'H' : 'V',
        };
    }
    db_finish(&st);
    return rc < 0 ? -1 : 0;
}

/* What a student was on school day `d` of the span through enrolment e:
 * -1 not enrolled that day, 0 not taken, 1 present, 2 not present. */
static int student_day(const struct span *sp, const struct span_enrolment *e,
                       int d)
{
    int64_t day = sp->days[d];
    if (day < e->from || day > e->to)
        return -1;
    int64_t sid = sp->sessions[(size_t)e->section * (size_t)sp->ndays +
                               (size_t)d];
    if (sid == 0)
        return 0;
    return marked_absent(sp, sid, e->student_id) ? 2 : 1;
}

/* The school year whose dates overlap [first, last] (the current one
 * first), loaded; REC_NOT_FOUND when there is none. */
static int calendar_for_range(struct store *s, const char *first,
                              const char *last, struct school_calendar *cal,
                              const char **error_r)
{
    int64_t year = 0;
    if (db_query_int(s->conn, error_r, &year,
                     "SELECT COALESCE(MAX(id), 0) FROM school_years WHERE id ="
                     " (SELECT id FROM school_years WHERE starts_on <= ? AND"
                     " ends_on >= ? ORDER BY is_current DESC, starts_on DESC,"
                     " id DESC LIMIT 1)",
                     "tt", last, first) < 0)
        return REC_ERROR;
    if (year == 0)
        return REC_NOT_FOUND;
    return calendar_load(s, year, cal, error_r);
}

/* Halves up: round(num / den) for num >= 0, den > 0. */
static int64_t div_round(int64_t num, int64_t den)
{
    return (2 * num + den) / (2 * den);
}

/* ---- the monthly report ------------------------------------------------ */

static const char *const MONTH_NAMES[12] = {
    "enero", "febrero", "marzo", "abril", "mayo", "junio", "julio",
    "agosto", "septiembre", "octubre", "noviembre", "diciembre"};

void attendance_month_label(const char *month, char *out, size_t n)
{
    int y = atoi(month), m = atoi(month + 5);
    if (m < 1 || m > 12)
        str_copy(out, n, month);
    else
        snprintf(out, n, "%s de %d", MONTH_NAMES[m - 1], y);
}

/* The month's grades, filled as sections name them. */
struct grade_map {
    struct attendance_month *m;
    int cap;
};

static int grade_of(void *ctx, int64_t grade_id)
{
    struct grade_map *gm = ctx;
    for (int i = 0; i < gm->m->n_grades; i++)
        if (gm->m->grades[i].grade_id == grade_id)
            return i;
    if (gm->m->n_grades == gm->cap) {
        gm->cap = gm->cap ? gm->cap * 2 : 16;
        gm->m->grades = xrealloc(gm->m->grades,
                                 (size_t)gm->cap * sizeof *gm->m->grades);
    }
    struct attendance_grade_line *g = &gm->m->grades[gm->m->n_grades];
    memset(g, 0, sizeof *g);
    g->grade_id = grade_id;
    return gm->m->n_grades++;
}

static int level_rank(const char *level)
{
    return strcmp(level, "inicial") == 0        ? 1
           : strcmp(level, "primaria") == 0     ? 2
           : strcmp(level, "media_general") == 0 ? 3
                                                : 4;
}

static int grade_names(struct store *s, struct attendance_month *m,
                       const char **error_r)
{
    for (int i = 0; i < m->n_grades; i++) {
        struct attendance_grade_line *g = &m->grades[i];
        struct db_stmt *st = db_query(
            s->conn, error_r,
            "SELECT name, level, number FROM grades WHERE id = ?", "i",
            g->grade_id);
        if (st == NULL)
            return -1;
        int rc = db_step(st, error_r);
        if (rc == DB_ROW) {
            str_copy(g->grade, sizeof g->grade, db_text(st, 0));
            str_copy(g->level, sizeof g->level, db_text(st, 1));
            g->number = (int)db_int(st, 2);
        }
        db_finish(&st);
        if (rc < 0)
            return -1;
    }
    return 0;
}

static int cmp_grade(const void *a, const void *b)
{
    const struct attendance_grade_line *x = a, *y = b;
    int rx = level_rank(x->level), ry = level_rank(y->level);
    if (rx != ry)
        return rx - ry;
    return x->number - y->number;
}

static void add_vh(struct attendance_vh *vh, char gender)
{
    if (gender == 'H')
        vh->h++;
    else
        vh->v++;
}

/* Adds the span up into the month's lines. School days after `today`
 * (the current month's rest) are not yet due: never "not taken". */
static void month_count(struct attendance_month *m, const struct span *sp,
                        int64_t first, int64_t last, int64_t today)
{
    int ng = m->n_grades, nd = sp->ndays;
    /* the reference day of V/H/TOTAL: the last school day, else the
     * month's last day */
    int64_t ref = nd ? sp->days[nd - 1] : last;
    /* sections holding students on the reference day; sections with
     * students on each day (for days not taken) */
    bool *held = xcalloc((size_t)(sp->nsections ? sp->nsections : 1), 1);
    bool *busy = xcalloc((size_t)(sp->nsections ? sp->nsections : 1) *
                             (size_t)(nd ? nd : 1),
                         1);
    m->daily = xcalloc((size_t)(nd ? nd : 1) * (size_t)(ng ? ng : 1),
                       sizeof *m->daily);
    for (int i = 0; i < sp->nenrolments; i++) {
        const struct span_enrolment *e = &sp->enrolments[i];
        int g = sp->sections[e->section].grade;
        if (g < 0)
            continue;
        struct attendance_grade_line *gl = &m->grades[g];
        if (e->from <= ref && ref <= e->to) {
            if (e->gender == 'H')
                gl->h++;
            else
                gl->v++;
            held[e->section] = true;
        }
        for (int d = 0; d < nd; d++) {
            int k = student_day(sp, e, d);
            if (k < 0)
                continue;
            busy[(size_t)e->section * (size_t)nd + (size_t)d] = true;
            struct attendance_day_cell *c = &m->daily[d * ng + g];
            c->enrolled++;
            gl->enrolled_days++;
            if (k == 0)
                continue;
            c->taken++;
            gl->recorded_days++;
            if (k == 1) {
                c->present++;
                gl->sum++;
                if (e->gender == 'H')
                    gl->sum_h++;
                else
                    gl->sum_v++;
            }
        }
        /* the month's movement (school-wide) */
        if (e->from <= first && first <= e->to &&
            !(e->from == first && e->ingreso))
            add_vh(&m->initial, e->gender);
        if (e->from >= first && e->from <= last && e->ingreso)
            add_vh(&m->ingresos, e->gender);
        if (e->to >= first && e->to <= last && e->egreso)
            add_vh(&m->egresos, e->gender);
    }
    m->final_.v = m->initial.v + m->ingresos.v - m->egresos.v;
    m->final_.h = m->initial.h + m->ingresos.h - m->egresos.h;

    /* sections and days not taken, per grade and for the school */
    bool *grade_missing = xcalloc((size_t)(ng ? ng : 1), 1);
    for (int si = 0; si < sp->nsections; si++) {
        int g = sp->sections[si].grade;
        if (g >= 0 && held[si])
            m->grades[g].sections++;
    }
    for (int d = 0; d < nd && sp->days[d] <= today; d++) {
        bool any = false;
        memset(grade_missing, 0, (size_t)(ng ? ng : 1));
        for (int si = 0; si < sp->nsections; si++) {
            int g = sp->sections[si].grade;
            size_t cell = (size_t)si * (size_t)nd + (size_t)d;
            if (g >= 0 && busy[cell] && sp->sessions[cell] == 0) {
                grade_missing[g] = true;
                any = true;
            }
        }
        for (int g = 0; g < ng; g++)
            m->grades[g].days_not_taken += grade_missing[g];
        m->total.days_not_taken += any;
    }
    free(grade_missing);
    free(held);
    free(busy);

    str_copy(m->total.grade, sizeof m->total.grade, "Total");
    for (int g = 0; g < ng; g++) {
        const struct attendance_grade_line *gl = &m->grades[g];
        m->total.sections += gl->sections;
        m->total.v += gl->v;
        m->total.h += gl->h;
        m->total.sum += gl->sum;
        m->total.sum_v += gl->sum_v;
        m->total.sum_h += gl->sum_h;
        m->total.enrolled_days += gl->enrolled_days;
        m->total.recorded_days += gl->recorded_days;
    }
}

int attendance_month_load(struct store *s, const char *default_name,
                          const char *month, struct attendance_month *m_r,
                          const char **error_r)
{
    memset(m_r, 0, sizeof *m_r);
    str_copy(m_r->month, sizeof m_r->month, month);
    char first[11], last[11];
    snprintf(first, sizeof first, "%.7s-01", month);
    int64_t d0;
    if (!calendar_day_number(first, &d0)) {
        *error_r = "bad month";
        return EXPORT_NOT_FOUND;
    }
    /* the month's last day: the day before the next month's first */
    unsigned y = (unsigned)atoi(month) % 10000u,
             mo = (unsigned)atoi(month + 5) % 100u;
    char next[16];
    snprintf(next, sizeof next, "%04u-%02u-01", mo >= 12 ? y + 1 : y,
             mo >= 12 ? 1 : mo + 1);
    int64_t d1;
    calendar_day_number(next, &d1);
    d1--;
    calendar_date_of(d1, last);

    if (store_begin_snapshot(s, error_r) < 0)
        return EXPORT_STORE_ERROR;
    struct school_calendar cal;
    memset(&cal, 0, sizeof cal);
    struct span sp;
    memset(&sp, 0, sizeof sp);
    int rc = export_context_load(s, default_name, 0, &m_r->ctx, error_r);
    bool have_year = false;
    if (rc == EXPORT_OK) {
        int c = calendar_for_range(s, first, last, &cal, error_r);
        have_year = c == REC_OK;
        if (c != REC_OK && c != REC_NOT_FOUND)
            rc = EXPORT_STORE_ERROR;
    }
    m_r->ctx.year_id = 0;
    m_r->ctx.year_name[0] = '\0';
    if (rc == EXPORT_OK && have_year) {
        m_r->ctx.year_id = cal.year_id;
        str_copy(m_r->ctx.year_name, sizeof m_r->ctx.year_name,
                 cal.year_name);
        struct grade_map gm = {m_r, 0};
        if (span_load(s, &cal, first, last, cal.year_id, grade_of, &gm, &sp,
                      error_r) < 0 ||
            grade_names(s, m_r, error_r) < 0)
            rc = EXPORT_STORE_ERROR;
    }
    struct branding b;
    char etag[33];
    if (rc == EXPORT_OK &&
        (branding_get(s, &b, error_r) < 0 ||
         branding_logo(s, &m_r->logo, &m_r->logo_len, etag, error_r) < 0))
        rc = EXPORT_STORE_ERROR;
    if (rc == EXPORT_OK)
        str_copy(m_r->primary, sizeof m_r->primary, b.primary);
    char today_s[11];
    int64_t today = 0;
    rec_today(s, today_s);
    if (!calendar_day_number(today_s, &today))
        today = INT64_MAX;
    const char *end_err = NULL;
    store_end(s, true, &end_err); /* a read: nothing to commit */
    calendar_cleanup(&cal);
    if (rc != EXPORT_OK) {
        span_free(&sp);
        attendance_month_free(m_r);
        return rc;
    }

    m_r->school_days = sp.ndays;
    m_r->days = xcalloc((size_t)(sp.ndays ? sp.ndays : 1), sizeof *m_r->days);
    for (int d = 0; d < sp.ndays; d++)
        calendar_date_of(sp.days[d], m_r->days[d]);
    month_count(m_r, &sp, d0, d1, today);
    span_free(&sp);

    /* grades in the Ministry's order; only those with students in the
     * month (a section of the year may be empty) */
    int ng = m_r->n_grades, nd = m_r->school_days;
    /* sort the lines and carry the daily columns along */
    struct attendance_grade_line *sorted =
        xcalloc((size_t)(ng ? ng : 1), sizeof *sorted);
    if (ng) {
        memcpy(sorted, m_r->grades, (size_t)ng * sizeof *sorted);
        qsort(sorted, (size_t)ng, sizeof *sorted, cmp_grade);
    }
    struct attendance_day_cell *daily =
        xcalloc((size_t)(nd ? nd : 1) * (size_t)(ng ? ng : 1),
                sizeof *daily);
    int kept = 0;
    for (int k = 0; k < ng; k++) {
        int old = 0;
        while (m_r->grades[old].grade_id != sorted[k].grade_id)
            old++;
        bool students = sorted[k].v + sorted[k].h > 0;
        for (int d = 0; d < nd && !students; d++)
            students = m_r->daily[d * ng + old].enrolled > 0;
        if (!students)
            continue;
        for (int d = 0; d < nd; d++)
            daily[d * ng + kept] = m_r->daily[d * ng + old];
        sorted[kept++] = sorted[k];
    }
    /* compact the daily table to `kept` columns */
    for (int d = 0; d < nd; d++)
        for (int k = 0; k < kept; k++)
            daily[d * kept + k] = daily[d * ng + k];
    free(m_r->grades);
    free(m_r->daily);
    m_r->grades = sorted;
    m_r->daily = daily;
    m_r->n_grades = kept;
    return EXPORT_OK;
}

void attendance_month_free(struct attendance_month *m)
{
    free(m->days);
    free(m->grades);
    free(m->daily);
    free(m->logo);
    m->days = NULL;
    m->grades = NULL;
    m->daily = NULL;
    m->logo = NULL;
    m->n_grades = 0;
    m->logo_len = 0;
}

static json_t *average_json(int64_t sum, int days)
{
    if (days <= 0)
        return json_null();
    return json_real((double)div_round(sum * 100, days) / 100.0);
}

static json_t *percent_json(int64_t sum, int64_t recorded)
{
    if (recorded <= 0)
        return json_null();
    return json_real((double)div_round(sum * 1000, recorded) / 10.0);
}

static json_t *line_json(const struct attendance_grade_line *g, int days)
{
    int total = g->v + g->h;
    return json_pack(
        "{s:s,s:o,s:i,s:i,s:i,s:i,s:I,s:I,s:I,s:o,s:o,s:i,s:I,s:I}", "grade",
        g->grade, "grade_id",
        g->grade_id ? json_integer((json_int_t)g->grade_id) : json_null(),
        "sections", g->sections, "v", g->v, "h", g->h, "total", total,
        "attendance_sum", (json_int_t)g->sum, "attendance_sum_v",
        (json_int_t)g->sum_v, "attendance_sum_h", (json_int_t)g->sum_h,
        "average", average_json(g->sum, days), "percent",
        percent_json(g->sum, g->recorded_days), "days_not_taken",
        g->days_not_taken, "enrolled_days", (json_int_t)g->enrolled_days,
        "recorded_days", (json_int_t)g->recorded_days);
}

static json_t *vh_json(struct attendance_vh vh)
{
    return json_pack("{s:i,s:i,s:i}", "v", vh.v, "h", vh.h, "total",
                     vh.v + vh.h);
}

json_t *attendance_month_json(const struct attendance_month *m)
{
    json_t *grades = json_array();
    for (int g = 0; g < m->n_grades; g++)
        json_array_append_new(grades, line_json(&m->grades[g],
                                                m->school_days));
    json_t *daily = json_array();
    for (int d = 0; d < m->school_days; d++) {
        json_t *cells = json_array();
        for (int g = 0; g < m->n_grades; g++) {
            const struct attendance_day_cell *c =
                &m->daily[d * m->n_grades + g];
            json_array_append_new(
                cells, json_pack("{s:I,s:i,s:i,s:i}", "grade_id",
                                 (json_int_t)m->grades[g].grade_id,
                                 "present", c->present, "enrolled",
                                 c->enrolled, "taken", c->taken));
        }
        json_array_append_new(daily, json_pack("{s:s,s:o}", "date",
                                               m->days[d], "grades", cells));
    }
    char label[40];
    attendance_month_label(m->month, label, sizeof label);
    return json_pack(
        "{s:s,s:s,s:o,s:i,s:o,s:o,s:{s:o,s:o,s:o,s:o},s:o}", "month",
        m->month, "month_label", label, "year",
        m->ctx.year_id ? json_pack("{s:I,s:s}", "id",
                                   (json_int_t)m->ctx.year_id, "name",
                                   m->ctx.year_name)
                       : json_null(),
        "school_days",
        m->school_days, "grades", grades, "totals",
        line_json(&m->total, m->school_days), "movement", "initial",
        vh_json(m->initial), "ingresos", vh_json(m->ingresos), "egresos",
        vh_json(m->egresos), "final", vh_json(m->final_), "daily", daily);
}

/* ---- the last 30 days: chronic absence and the school's rate ----------- */

/* [today - 29, today] and its calendar; REC_NOT_FOUND when no year
 * overlaps it. Caller holds the store. */
static int last_30_days(struct store *s, char today[11], char from[11],
                        struct span *sp, const char **error_r)
{
    rec_today(s, today);
    int64_t t;
    if (!calendar_day_number(today, &t)) {
        *error_r = "the school's date is not a date";
        return REC_ERROR;
    }
    calendar_date_of(t - (ATTENDANCE_CHRONIC_DAYS - 1), from);
    struct school_calendar cal;
    memset(&cal, 0, sizeof cal);
    int rc = calendar_for_range(s, from, today, &cal, error_r);
    if (rc != REC_OK) {
        memset(sp, 0, sizeof *sp);
        return rc;
    }
    rc = span_load(s, &cal, from, today, 0, NULL, NULL, sp, error_r) < 0
             ? REC_ERROR
             : REC_OK;
    calendar_cleanup(&cal);
    return rc;
}

static json_t *representatives_json(struct store *s, int64_t student,
                                    const char **error_r)
{
    struct db_stmt *st = db_query(
        s->conn, error_r,
        "SELECT r.first_names, r.last_names, r.mobile_phone, r.home_phone,"
        " r.office_phone, r.email, sr.relationship"
        " FROM student_representatives sr"
        " JOIN representatives r ON r.id = sr.representative_id"
        " WHERE sr.student_id = ? ORDER BY sr.position",
        "i", student);
    if (st == NULL)
        return NULL;
    json_t *out = json_array();
    int rc;
    while ((rc = db_step(st, error_r)) == DB_ROW) {
        const char *phone = db_text(st, 2);
        if (!*phone)
            phone = db_text(st, 3);
        if (!*phone)
            phone = db_text(st, 4);
        json_array_append_new(
            out, json_pack("{s:s++,s:s,s:s,s:s}", "name", db_text(st, 0),
                           " ", db_text(st, 1), "phone", phone, "email",
                           db_text(st, 5), "relationship", db_text(st, 6)));
    }
    db_finish(&st);
    if (rc < 0) {
        json_decref(out);
        return NULL;
    }
    return out;
}

static int cmp_percent(const void *a, const void *b)
{
    json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
    double px = json_real_value(json_object_get(x, "percent"));
    double py = json_real_value(json_object_get(y, "percent"));
    if (px != py)
        return px < py ? -1 : 1;
    return strcmp(json_string_value(json_object_get(x, "names")),
                  json_string_value(json_object_get(y, "names")));
}

int attendance_chronic_list(struct store *s, json_t **list_r,
                            const char **error_r)
{
    *list_r = NULL;
    if (store_begin_snapshot(s, error_r) < 0)
        return -1;
    char today[11], from[11];
    struct span sp;
    int rc = last_30_days(s, today, from, &sp, error_r);
    json_t *items = json_array();
    if (rc == REC_OK) {
        /* enrolments come ordered by student: one group per student */
        for (int i = 0; i < sp.nenrolments && rc == REC_OK;) {
            int64_t student = sp.enrolments[i].student_id;
            int recorded = 0, present = 0, j = i;
            for (; j < sp.nenrolments && sp.enrolments[j].student_id == student;
                 j++)
                for (int d = 0; d < sp.ndays; d++) {
                    int k = student_day(&sp, &sp.enrolments[j], d);
                    recorded += k > 0;
                    present += k == 1;
                }
            int last_section = sp.enrolments[j - 1].section;
            i = j;
            if (recorded < ATTENDANCE_CHRONIC_MIN_RECORDED ||
                present * 100 >= recorded * 80)
                continue;
            struct db_stmt *st = db_query(
                s->conn, error_r,
                "SELECT first_names, last_names FROM students"
                " WHERE id = ? AND status = 'activo'",
                "i", student);
            if (st == NULL) {
                rc = REC_ERROR;
                break;
            }
            int step = db_step(st, error_r);
            char names[400] = "";
            if (step == DB_ROW)
                snprintf(names, sizeof names, "%s %s", db_text(st, 0),
                         db_text(st, 1));
            db_finish(&st);
            if (step < 0) {
                rc = REC_ERROR;
                break;
            }
            if (step != DB_ROW)
                continue; /* withdrawn: nobody to call about */
            json_t *reps = representatives_json(s, student, error_r);
            if (reps == NULL) {
                rc = REC_ERROR;
                break;
            }
            double pct = (double)div_round((int64_t)present * 1000,
                                           recorded) / 10.0;
            json_array_append_new(
                items,
                json_pack("{s:I,s:s,s:s,s:f,s:i,s:i,s:s,s:o}", "student_id",
                          (json_int_t)student, "names", names, "section",
                          sp.sections[last_section].name, "percent", pct,
                          "recorded_days", recorded, "present_days", present,
                          "level", present * 100 < recorded * 70 ? "critico"
                                                                  : "alto",
                          "representatives", reps));
        }
    }
    const char *end_err = NULL;
    store_end(s, true, &end_err);
    span_free(&sp);
    if (rc == REC_ERROR) {
        json_decref(items);
        return -1;
    }
    /* lowest first */
    size_t n = json_array_size(items);
    json_t **v = xcalloc(n ? n : 1, sizeof *v);
    for (size_t i = 0; i < n; i++)
        v[i] = json_incref(json_array_get(items, i));
    qsort(v, n, sizeof *v, cmp_percent);
    json_array_clear(items);
    for (size_t i = 0; i < n; i++)
        json_array_append_new(items, v[i]);
    free(v);
    *list_r = json_pack("{s:s,s:s,s:i,s:i,s:o}", "as_of", today, "from", from,
                        "min_recorded_days", ATTENDANCE_CHRONIC_MIN_RECORDED,
                        "days", ATTENDANCE_CHRONIC_DAYS, "items", items);
    return 0;
}

int attendance_rate_figure(struct store *s, int64_t *value_r,
                           const char **error_r)
{
    char today[11], from[11];
    struct span sp;
    int rc = last_30_days(s, today, from, &sp, error_r);
    if (rc == REC_NOT_FOUND)
        return 0;
    if (rc != REC_OK) {
        span_free(&sp);
        return -1;
    }
    int64_t recorded = 0, present = 0;
    for (int i = 0; i < sp.nenrolments; i++)
        for (int d = 0; d < sp.ndays; d++) {
            int k = student_day(&sp, &sp.enrolments[i], d);
            recorded += k > 0;
            present += k == 1;
        }
    span_free(&sp);
    if (recorded == 0)
        return 0;
    *value_r = div_round(present * 100, recorded);
    return 1;
}
