/*
 * Views of the active timetable (portal.h): the week of a section, a
 * teacher or a room, the teacher's own week, a parent's children and each
 * child's week, and the day's view of a date with its covers.
 *
 * How it works: the active timetable is read whole with
 * school_timetable_load() (a school's week is a few hundred lessons), the
 * lessons of the target are kept, and the reply says how to draw them:
 * `days` (the school days of the bell schedules involved), `slots` (the
 * rows of the day: one schedule's periods and breaks, or, when a teacher
 * or room serves sections on different schedules, the union of their rows
 * by time of day) and each lesson with the times its section's schedule
 * gives it. Who may see what is decided here from the signed-in user
 * (staff.user_id, representatives.user_id): a parent asking for a student
 * who is not their child gets REC_NOT_FOUND, the same as for no student.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/tz.h"
#include "core/util.h"
#include "school/portal.h"

/* ---- shared helpers ------------------------------------------------------ */

static const char *const day_names[] = {"",       "lunes",   "martes",
                                        "miércoles", "jueves", "viernes",
                                        "sábado", "domingo"};

const char *portal_day_name(int day)
{
    return day >= 1 && day <= 7 ? day_names[day] : "";
}

int portal_weekday(const char *date)
{
    int y, m, d;
    if (date == NULL || tz_parse_date(date, &y, &m, &d) < 0)
        return 0;
    int64_t days = tz_days_from_civil(y, m, d);
    /* 1970-01-01 was a Thursday (4) */
    return (int)((((days % 7) + 7) % 7 + 3) % 7) + 1;
}

static int minutes(const char *hhmm)
{
    if (strlen(hhmm) != 5 || hhmm[2] != ':')
        return -1;
    return ((hhmm[0] - '0') * 10 + (hhmm[1] - '0')) * 60 +
           (hhmm[3] - '0') * 10 + (hhmm[4] - '0');
}

/* The rows of a lesson's first and last class period, NULL when its
 * schedule does not have them. */
static bool lesson_rows(const struct school_timetable *tt,
                        const struct school_lesson *l,
                        const struct bell_period **first_r,
                        const struct bell_period **last_r)
{
    *first_r = *last_r = NULL;
    const struct bell_schedule *b =
        l->schedule_id ? school_timetable_schedule(tt, l->schedule_id) : NULL;
    if (b == NULL || l->period <= 0)
        return false;
    int lastp = l->period + l->length - 1;
    for (int i = 0; i < b->nrows; i++) {
        if (b->rows[i].number == l->period)
            *first_r = &b->rows[i];
        if (b->rows[i].number == lastp)
            *last_r = &b->rows[i];
    }
    return *first_r && *last_r;
}

bool portal_lesson_span(const struct school_timetable *tt,
                        const struct school_lesson *l, int *start_r,
                        int *end_r)
{
    const struct bell_period *a, *z;
    if (!lesson_rows(tt, l, &a, &z))
        return false;
    *start_r = minutes(a->starts_at);
    *end_r = minutes(z->ends_at);
    return *start_r >= 0 && *end_r > *start_r;
}

bool portal_lessons_overlap(const struct school_timetable *tt,
                            const struct school_lesson *a,
                            const struct school_lesson *b)
{
    if (a->day == 0 || a->day != b->day)
        return false;
    int as, ae, bs, be;
    if (portal_lesson_span(tt, a, &as, &ae) &&
        portal_lesson_span(tt, b, &bs, &be))
        return as < be && bs < ae;
    return a->period < b->period + b->length &&
           b->period < a->period + a->length;
}

static json_t *id_or_null(int64_t id)
{
    return id ? json_integer(id) : json_null();
}

static json_t *text_or_null(const char *t)
{
    return t ? json_string(t) : json_null();
}

json_t *portal_lesson_json(const struct school_timetable *tt,
                           const struct school_lesson *l)
{
    const struct bell_period *a, *z;
    bool timed = lesson_rows(tt, l, &a, &z);
    return json_pack(
        "{s:I,s:I,s:s,s:I,s:s,s:s,s:o,s:o,s:o,s:o,s:o,s:o,s:i,s:o,s:o}",
        "id", (json_int_t)l->id, "section_id", (json_int_t)l->section_id,
        "section", l->section_name, "subject_id", (json_int_t)l->subject_id,
        "subject", l->subject_name, "subject_code", l->subject_code,
        "staff_id", id_or_null(l->staff_id), "teacher",
        text_or_null(l->teacher_name), "room_id", id_or_null(l->room_id),
        "room", text_or_null(l->room_name), "day",
        l->day ? json_integer(l->day) : json_null(), "period",
        l->period ? json_integer(l->period) : json_null(), "length",
        l->length, "starts_at", timed ? json_string(a->starts_at) : json_null(),
        "ends_at", timed ? json_string(z->ends_at) : json_null());
}

/* ---- the target ------------------------------------------------------------ */

static const char *const kind_names[] = {"section", "teacher", "room"};

/* The target's name: 1 found, 0 not, -1 store error. */
static int target_name(struct store *s, enum portal_target kind, int64_t id,
                       char *out, size_t n, const char **error_r)
{
    static const char *const sql[] = {
        "SELECT g.name || ' ' || sc.letter FROM sections sc"
        " JOIN grades g ON g.id = sc.grade_id WHERE sc.id = ?",
        "SELECT first_names || ' ' || last_names FROM staff WHERE id = ?",
        "SELECT name FROM rooms WHERE id = ?",
    };
    struct db_stmt *st = db_query(s->conn, error_r, sql[kind], "i", id);
    if (st == NULL)
        return -1;
    int rc = db_step(st, error_r);
    if (rc == DB_ROW)
        str_copy(out, n, db_text(st, 0));
    db_finish(&st);
    return rc == DB_ROW ? 1 : rc == DB_DONE ? 0 : -1;
}

static bool lesson_of(const struct school_lesson *l, enum portal_target kind,
                      int64_t id)
{
    if (l->day == 0)
        return false;
    switch (kind) {
    case PORTAL_SECTION:
        return l->section_id == id;
    case PORTAL_TEACHER:
        return l->staff_id == id;
    default:
        return l->room_id == id;
    }
}

/* ---- the grid: days and slots --------------------------------------------- */

struct slot {
    char starts_at[6], ends_at[6];
    bool is_break;
    int number;
};

static int slot_cmp(const void *a, const void *b)
{
    const struct slot *x = a, *y = b;
    int c = strcmp(x->starts_at, y->starts_at);
    return c ? c : strcmp(x->ends_at, y->ends_at);
}

/* The rows to draw the lessons `pick` on, and the days. */
static void grid_json(const struct school_timetable *tt, const bool *pick,
                      int64_t extra_schedule, json_t *view)
{
    int64_t ids[16];
    int nids = 0;
    if (extra_schedule && school_timetable_schedule(tt, extra_schedule))
        ids[nids++] = extra_schedule;
    int maxp = 0, lesson_days = 0;
    for (int i = 0; i < tt->nlessons; i++) {
        if (!pick[i])
            continue;
        const struct school_lesson *l = &tt->lessons[i];
        if (l->period + l->length - 1 > maxp)
            maxp = l->period + l->length - 1;
        lesson_days |= 1 << (l->day - 1);
        bool seen = l->schedule_id == 0 ||
                    school_timetable_schedule(tt, l->schedule_id) == NULL;
        for (int k = 0; k < nids && !seen; k++)
            seen = ids[k] == l->schedule_id;
        if (!seen && nids < 16)
            ids[nids++] = l->schedule_id;
    }
    int days = 0;
    struct slot *slots = NULL;
    int nslots = 0;
    for (int k = 0; k < nids; k++) {
        const struct bell_schedule *b = school_timetable_schedule(tt, ids[k]);
        days |= b->days;
        slots = xrealloc(slots, (size_t)(nslots + b->nrows) * sizeof *slots);
        for (int j = 0; j < b->nrows; j++) {
            struct slot *x = &slots[nslots];
            str_copy(x->starts_at, sizeof x->starts_at, b->rows[j].starts_at);
            str_copy(x->ends_at, sizeof x->ends_at, b->rows[j].ends_at);
            x->is_break = b->rows[j].is_break;
            x->number = b->rows[j].number;
            bool dup = false;
            for (int q = 0; q < nslots && !dup; q++)
                dup = strcmp(slots[q].starts_at, x->starts_at) == 0 &&
                      strcmp(slots[q].ends_at, x->ends_at) == 0;
            if (!dup)
                nslots++;
        }
    }
    json_t *jslots = json_array();
    if (nids > 0) {
        qsort(slots, (size_t)nslots, sizeof *slots, slot_cmp);
        int n = 0;
        for (int j = 0; j < nslots; j++) {
            /* one schedule: its own numbers; several: numbered by time */
            int number = slots[j].is_break ? 0 : nids == 1 ? slots[j].number
                                                            : ++n;
            json_array_append_new(
                jslots, json_pack("{s:i,s:b,s:s,s:s}", "number", number,
                                  "is_break", slots[j].is_break, "starts_at",
                                  slots[j].starts_at, "ends_at",
                                  slots[j].ends_at));
        }
    } else {
        /* no bell schedule: the periods by number, without times */
        for (int p = 1; p <= maxp; p++)
            json_array_append_new(
                jslots, json_pack("{s:i,s:b,s:n,s:n}", "number", p,
                                  "is_break", 0, "starts_at", "ends_at"));
    }
    free(slots);
    if (days == 0)
        days = 31 | lesson_days;
    json_t *jdays = json_array();
    for (int d = 1; d <= 7; d++)
        if (days & (1 << (d - 1)))
            json_array_append_new(jdays, json_integer(d));
    json_object_set_new(view, "days", jdays);
    json_object_set_new(view, "slots", jslots);
}

static json_t *timetable_head(const struct school_timetable *tt)
{
    return json_pack("{s:I,s:s,s:o}", "id", (json_int_t)tt->id, "name",
                     tt->name, "activated_at", text_or_null(tt->activated_at));
}

/* ---- week and day ------------------------------------------------------- */

/* Loads the active timetable and the target's name: REC_OK, REC_NOT_FOUND,
 * PORTAL_NO_TIMETABLE (name set) or REC_ERROR. Caller holds the store. */
static int open_view(struct store *s, enum portal_target kind, int64_t id,
                     char *name, size_t n, struct school_timetable **tt_r,
                     const char **error_r)
{
    int rc = target_name(s, kind, id, name, n, error_r);
    if (rc <= 0)
        return rc == 0 ? REC_NOT_FOUND : REC_ERROR;
    int64_t tid = 0;
    rc = school_timetable_active(s, &tid, error_r);
    if (rc <= 0)
        return rc == 0 ? PORTAL_NO_TIMETABLE : REC_ERROR;
    rc = school_timetable_load(s, tid, tt_r, error_r);
    if (rc <= 0)
        return rc == 0 ? PORTAL_NO_TIMETABLE : REC_ERROR;
    return REC_OK;
}

static int64_t section_schedule(struct store *s, enum portal_target kind,
                                int64_t id)
{
    int64_t sid = 0;
    if (kind == PORTAL_SECTION)
        db_query_int(s->conn, NULL, &sid,
                     "SELECT bell_schedule_id FROM sections WHERE id = ?"
                     " AND bell_schedule_id IS NOT NULL",
                     "i", id);
    return sid;
}

static json_t *view_json(const struct school_timetable *tt,
                         enum portal_target kind, int64_t id,
                         const char *name, const bool *pick,
                         int64_t schedule)
{
    json_t *o = json_pack("{s:o,s:{s:s,s:I,s:s}}", "timetable",
                          timetable_head(tt), "view", "kind", kind_names[kind],
                          "id", (json_int_t)id, "name", name);
    grid_json(tt, pick, schedule, o);
    return o;
}

/* The view of a target when the school has no active timetable: nothing
 * published yet, which is not an error (a page says so). */
static json_t *empty_view(enum portal_target kind, int64_t id,
                          const char *name)
{
    return json_pack("{s:n,s:{s:s,s:I,s:s},s:[iiiii],s:[],s:[]}",
                     "timetable", "view", "kind", kind_names[kind], "id",
                     (json_int_t)id, "name", name, "days", 1, 2, 3, 4, 5,
                     "slots", "lessons");
}

int portal_week(struct store *s, enum portal_target kind, int64_t id,
                json_t **week_r, const char **error_r)
{
    *week_r = NULL;
    char name[256];
    struct school_timetable *tt = NULL;
    store_lock(s);
    int rc = open_view(s, kind, id, name, sizeof name, &tt, error_r);
    int64_t schedule = rc == REC_OK ? section_schedule(s, kind, id) : 0;
    store_unlock(s);
    if (rc == PORTAL_NO_TIMETABLE) {
        *week_r = empty_view(kind, id, name);
        return REC_OK;
    }
    if (rc != REC_OK)
        return rc;
    bool *pick = xcalloc((size_t)tt->nlessons + 1, sizeof *pick);
    json_t *lessons = json_array();
    for (int i = 0; i < tt->nlessons; i++)
        if ((pick[i] = lesson_of(&tt->lessons[i], kind, id)))
            json_array_append_new(lessons,
                                  portal_lesson_json(tt, &tt->lessons[i]));
    json_t *o = view_json(tt, kind, id, name, pick, schedule);
    json_object_set_new(o, "lessons", lessons);
    free(pick);
    school_timetable_free(&tt);
    *week_r = o;
    return REC_OK;
}

struct day_cover {
    int64_t id, lesson_id, staff_id;
    char *teacher;
};

int portal_day(struct store *s, enum portal_target kind, int64_t id,
               const char *date, json_t **day_r, const char **error_r)
{
    *day_r = NULL;
    int wd = portal_weekday(date);
    if (wd == 0)
        return REC_INVALID;
    char name[256];
    struct school_timetable *tt = NULL;
    struct day_cover *covers = NULL;
    int ncovers = 0;
    int64_t *absent = NULL;
    int nabsent = 0;
    store_lock(s);
    int rc = open_view(s, kind, id, name, sizeof name, &tt, error_r);
    int64_t schedule = rc == REC_OK ? section_schedule(s, kind, id) : 0;
    if (rc == REC_OK) {
        struct db_stmt *st = db_query(
            s->conn, error_r,
            "SELECT c.id, c.lesson_id, c.staff_id,"
            " st.first_names || ' ' || st.last_names FROM lesson_covers c"
            " JOIN timetable_lessons l ON l.id = c.lesson_id"
            " JOIN staff st ON st.id = c.staff_id"
            " WHERE c.date = ? AND l.timetable_id = ?",
            "ti", date, tt->id);
        int step = st ? DB_DONE : DB_ERROR;
        while (st && (step = db_step(st, error_r)) == DB_ROW) {
            covers = xrealloc(covers, (size_t)(ncovers + 1) * sizeof *covers);
            covers[ncovers].id = db_int(st, 0);
            covers[ncovers].lesson_id = db_int(st, 1);
            covers[ncovers].staff_id = db_int(st, 2);
            covers[ncovers++].teacher = xstrdup(db_text(st, 3));
        }
        db_finish(&st);
        st = step == DB_DONE
                 ? db_query(s->conn, error_r,
                            "SELECT DISTINCT staff_id FROM teacher_absences"
                            " WHERE starts_on <= ? AND ends_on >= ?",
                            "tt", date, date)
                 : NULL;
        if (st == NULL)
            step = DB_ERROR;
        while (st && (step = db_step(st, error_r)) == DB_ROW) {
            absent = xrealloc(absent, (size_t)(nabsent + 1) * sizeof *absent);
            absent[nabsent++] = db_int(st, 0);
        }
        db_finish(&st);
        if (step != DB_DONE)
            rc = REC_ERROR;
    }
    store_unlock(s);
    if (rc == PORTAL_NO_TIMETABLE) {
        json_t *o = empty_view(kind, id, name);
        json_object_set_new(o, "date", json_string(date));
        json_object_set_new(o, "day", json_integer(wd));
        *day_r = o;
        rc = REC_OK;
    } else if (rc == REC_OK) {
        bool *pick = xcalloc((size_t)tt->nlessons + 1, sizeof *pick);
        json_t *lessons = json_array();
        for (int i = 0; i < tt->nlessons; i++) {
            const struct school_lesson *l = &tt->lessons[i];
            if (l->day != wd)
                continue;
            const struct day_cover *c = NULL;
            for (int k = 0; k < ncovers && c == NULL; k++)
                if (covers[k].lesson_id == l->id)
                    c = &covers[k];
            bool mine = lesson_of(l, kind, id);
            bool covering = kind == PORTAL_TEACHER && c && c->staff_id == id;
            if (!mine && !covering)
                continue;
            pick[i] = true;
            bool away = false;
            for (int k = 0; k < nabsent && !away; k++)
                away = l->staff_id && absent[k] == l->staff_id;
            json_t *o = portal_lesson_json(tt, l);
            json_object_set_new(
                o, "cover",
                c ? json_pack("{s:I,s:I,s:s}", "id", (json_int_t)c->id,
                              "staff_id", (json_int_t)c->staff_id, "teacher",
                              c->teacher)
                  : json_null());
            json_object_set_new(o, "teacher_absent", json_boolean(away));
            json_object_set_new(o, "covering", json_boolean(covering && !mine));
            json_array_append_new(lessons, o);
        }
        json_t *o = view_json(tt, kind, id, name, pick, schedule);
        json_object_set_new(o, "date", json_string(date));
        json_object_set_new(o, "day", json_integer(wd));
        json_object_set_new(o, "lessons", lessons);
        free(pick);
        *day_r = o;
    }
    for (int k = 0; k < ncovers; k++)
        free(covers[k].teacher);
    free(covers);
    free(absent);
    school_timetable_free(&tt);
    return rc;
}

/* ---- the signed-in teacher and parent ------------------------------------ */

int portal_teacher_of_user(struct store *s, int64_t user_id,
                           int64_t *staff_id_r, const char **error_r)
{
    int64_t id = 0;
    store_lock(s);
    int rc = user_id > 0
                 ? db_query_int(s->conn, error_r, &id,
                                "SELECT id FROM staff WHERE user_id = ?"
                                " ORDER BY id LIMIT 1",
                                "i", user_id)
                 : DB_DONE;
    store_unlock(s);
    if (rc < 0)
        return -1;
    *staff_id_r = id;
    return id ? 1 : 0;
}

int portal_teacher_covers(struct store *s, int64_t staff_id, const char *from,
                          int days, json_t **list_r, const char **error_r)
{
    *list_r = NULL;
    int y, m, d;
    if (tz_parse_date(from, &y, &m, &d) < 0)
        return REC_INVALID;
    int yy, mm, dd;
    tz_civil_from_days(tz_days_from_civil(y, m, d) + days - 1, &yy, &mm, &dd);
    char to[64];
    snprintf(to, sizeof to, "%04d-%02d-%02d", yy, mm, dd);
    struct school_timetable *tt = NULL;
    int64_t tid = 0, ids[100];
    char dates[100][11];
    int n = 0;
    store_lock(s);
    int rc = school_timetable_active(s, &tid, error_r);
    if (rc > 0)
        rc = school_timetable_load(s, tid, &tt, error_r);
    if (rc > 0) {
        struct db_stmt *st = db_query(
            s->conn, error_r,
            "SELECT c.id, c.date, c.lesson_id FROM lesson_covers c"
            " JOIN timetable_lessons l ON l.id = c.lesson_id"
            " WHERE l.timetable_id = ? AND c.staff_id = ? AND c.date >= ?"
            " AND c.date <= ? ORDER BY c.date, l.period, c.id LIMIT 100",
            "iitt", tid, staff_id, from, to);
        int step = st ? DB_DONE : DB_ERROR;
        int64_t lessons[100];
        while (st && (step = db_step(st, error_r)) == DB_ROW && n < 100) {
            ids[n] = db_int(st, 0);
            str_copy(dates[n], sizeof dates[n], db_text(st, 1));
            lessons[n++] = db_int(st, 2);
        }
        db_finish(&st);
        if (step < 0)
            rc = -1;
        json_t *list = json_array();
        for (int i = 0; rc > 0 && i < n; i++)
            for (int k = 0; k < tt->nlessons; k++)
                if (tt->lessons[k].id == lessons[i])
                    json_array_append_new(
                        list, json_pack("{s:I,s:s,s:i,s:o}", "id",
                                        (json_int_t)ids[i], "date", dates[i],
                                        "day", portal_weekday(dates[i]),
                                        "lesson",
                                        portal_lesson_json(tt, &tt->lessons[k])));
        if (rc > 0)
            *list_r = list;
        else
            json_decref(list);
    }
    store_unlock(s);
    school_timetable_free(&tt);
    if (rc < 0)
        return REC_ERROR;
    if (*list_r == NULL)
        *list_r = json_array();
    return REC_OK;
}

static const char children_sql[] =
    "SELECT DISTINCT s.id, s.first_names, s.last_names, s.section_id,"
    " g.name || ' ' || sc.letter FROM representatives r"
    " JOIN student_representatives sr ON sr.representative_id = r.id"
    " JOIN students s ON s.id = sr.student_id"
    " LEFT JOIN sections sc ON sc.id = s.section_id"
    " LEFT JOIN grades g ON g.id = sc.grade_id"
    " WHERE r.user_id = ? AND (? = 0 OR s.id = ?)"
    " ORDER BY s.first_names, s.last_names, s.id";

static json_t *child_json(struct db_stmt *st)
{
    return json_pack("{s:I,s:s,s:s,s:o,s:o}", "id", (json_int_t)db_int(st, 0),
                     "first_names", db_text(st, 1), "last_names",
                     db_text(st, 2), "section_id",
                     db_null(st, 3) ? json_null() : json_integer(db_int(st, 3)),
                     "section", text_or_null(db_text_or_null(st, 4)));
}

int portal_children(struct store *s, int64_t user_id, json_t **list_r,
                    const char **error_r)
{
    *list_r = NULL;
    json_t *items = json_array();
    store_lock(s);
    struct db_stmt *st = db_query(s->conn, error_r, children_sql, "iii",
                                  user_id, (int64_t)0, (int64_t)0);
    int rc = st ? DB_DONE : DB_ERROR;
    while (st && (rc = db_step(st, error_r)) == DB_ROW)
        json_array_append_new(items, child_json(st));
    db_finish(&st);
    store_unlock(s);
    if (rc != DB_DONE) {
        json_decref(items);
        return REC_ERROR;
    }
    *list_r = json_pack("{s:o}", "items", items);
    return REC_OK;
}

int portal_child_week(struct store *s, int64_t user_id, int64_t student_id,
                      json_t **week_r, const char **error_r)
{
    *week_r = NULL;
    json_t *child = NULL;
    store_lock(s);
    struct db_stmt *st = db_query(s->conn, error_r, children_sql, "iii",
                                  user_id, student_id, student_id);
    int rc = st ? db_step(st, error_r) : DB_ERROR;
    if (rc == DB_ROW)
        child = child_json(st);
    db_finish(&st);
    store_unlock(s);
    if (rc < 0)
        return REC_ERROR;
    if (child == NULL || user_id <= 0)
        return REC_NOT_FOUND;
    int64_t section = json_integer_value(json_object_get(child, "section_id"));
    json_t *week = NULL;
    if (section) {
        rc = portal_week(s, PORTAL_SECTION, section, &week, error_r);
        if (rc != REC_OK) {
            json_decref(child);
            return rc;
        }
    } else {
        /* not enrolled in a section: nothing to show but the child */
        week = json_pack("{s:n,s:n,s:[],s:[],s:[]}", "timetable", "view",
                         "days", "slots", "lessons");
    }
    json_object_set_new(week, "student", child);
    *week_r = week;
    return REC_OK;
}
