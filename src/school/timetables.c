/*
 * Reading a school timetable (timetables.h): the timetables row, its
 * lessons joined with the names of their section, subject, teacher and
 * room, and the bell schedules of the sections that have lessons in it.
 *
 * How it works: three queries (the row, the lessons, the schedules' rows),
 * each copied into malloc'ed structs so the caller may release the store
 * before using them. Lessons come sorted by level, grade, section letter,
 * then day and period, with unplaced lessons last in their section.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "school/timetables.h"

#define LEVEL_RANK                                                           \
    "CASE g.level WHEN 'inicial' THEN 0 WHEN 'primaria' THEN 1"              \
    " WHEN 'media_general' THEN 2 ELSE 3 END"

static char *dup_or_null(struct db_stmt *st, int col)
{
    const char *t = db_text_or_null(st, col);
    return t ? xstrdup(t) : NULL;
}

static void copy_word(char *dst, size_t n, const char *src)
{
    snprintf(dst, n, "%s", src ? src : "");
}

static int load_row(struct store *s, int64_t id, struct school_timetable *tt,
                    const char **error_r)
{
    struct db_stmt *st = db_query(
        s->conn, error_r,
        "SELECT id, name, status, source, job_state, year_id, cost_hard,"
        " cost_soft, created_at, updated_at, activated_at"
        " FROM timetables WHERE id = ?",
        "i", id);
    if (st == NULL)
        return -1;
    int rc = db_step(st, error_r);
    if (rc == DB_ROW) {
        tt->id = db_int(st, 0);
        tt->name = xstrdup(db_text(st, 1));
        copy_word(tt->status, sizeof tt->status, db_text(st, 2));
        copy_word(tt->source, sizeof tt->source, db_text(st, 3));
        copy_word(tt->job_state, sizeof tt->job_state, db_text(st, 4));
        tt->year_id = db_null(st, 5) ? 0 : db_int(st, 5);
        tt->has_cost = !db_null(st, 6);
        tt->cost_hard = (long)db_int(st, 6);
        tt->cost_soft = (long)db_int(st, 7);
        tt->created_at = xstrdup(db_text(st, 8));
        tt->updated_at = xstrdup(db_text(st, 9));
        tt->activated_at = dup_or_null(st, 10);
        rc = 1;
    } else {
        rc = rc == DB_DONE ? 0 : -1;
    }
    db_finish(&st);
    return rc;
}

static int load_lessons(struct store *s, struct school_timetable *tt,
                        const char **error_r)
{
    struct db_stmt *st = db_query(
        s->conn, error_r,
        "SELECT l.id, l.section_id, l.subject_id, l.staff_id, l.room_id,"
        " l.assignment_id, l.day, l.period, l.length, l.locked,"
        " sc.bell_schedule_id, g.name || ' ' || sc.letter, sc.code,"
        " sb.name, sb.code, st.first_names || ' ' || st.last_names,"
        " st.code, r.name"
        " FROM timetable_lessons l"
        " JOIN sections sc ON sc.id = l.section_id"
        " JOIN grades g ON g.id = sc.grade_id"
        " JOIN subjects sb ON sb.id = l.subject_id"
        " LEFT JOIN staff st ON st.id = l.staff_id"
        " LEFT JOIN rooms r ON r.id = l.room_id"
        " WHERE l.timetable_id = ?"
        " ORDER BY " LEVEL_RANK ", g.number,"
        " CASE WHEN length(sc.letter) = 1 THEN 0 ELSE 1 END, sc.letter,"
        " sc.id, CASE WHEN l.day IS NULL THEN 1 ELSE 0 END, l.day,"
        " l.period, l.id",
        "i", tt->id);
    if (st == NULL)
        return -1;
    int cap = 0, rc;
    while ((rc = db_step(st, error_r)) == DB_ROW) {
        if (tt->nlessons == cap) {
            cap = cap ? 2 * cap : 64;
            tt->lessons = xrealloc(tt->lessons, (size_t)cap * sizeof *tt->lessons);
        }
        struct school_lesson *l = &tt->lessons[tt->nlessons++];
        memset(l, 0, sizeof *l);
        l->id = db_int(st, 0);
        l->section_id = db_int(st, 1);
        l->subject_id = db_int(st, 2);
        l->staff_id = db_null(st, 3) ? 0 : db_int(st, 3);
        l->room_id = db_null(st, 4) ? 0 : db_int(st, 4);
        l->assignment_id = db_null(st, 5) ? 0 : db_int(st, 5);
        l->day = db_null(st, 6) ? 0 : (int)db_int(st, 6);
        l->period = db_null(st, 7) ? 0 : (int)db_int(st, 7);
        l->length = (int)db_int(st, 8);
        l->locked = db_int(st, 9) != 0;
        l->schedule_id = db_null(st, 10) ? 0 : db_int(st, 10);
        l->section_name = xstrdup(db_text(st, 11));
        l->section_code = dup_or_null(st, 12);
        l->subject_name = xstrdup(db_text(st, 13));
        l->subject_code = xstrdup(db_text(st, 14));
        l->teacher_name = l->staff_id ? xstrdup(db_text(st, 15)) : NULL;
        l->teacher_code = l->staff_id ? dup_or_null(st, 16) : NULL;
        l->room_name = l->room_id ? xstrdup(db_text(st, 17)) : NULL;
    }
    db_finish(&st);
    return rc == DB_DONE ? 0 : -1;
}

static bool has_schedule(const struct school_timetable *tt, int64_t id)
{
    return school_timetable_schedule(tt, id) != NULL;
}

/* The schedules of the sections with lessons, each with its day. */
static int load_schedules(struct store *s, struct school_timetable *tt,
                          const char **error_r)
{
    int cap = 0;
    for (int i = 0; i < tt->nlessons; i++) {
        int64_t id = tt->lessons[i].schedule_id;
        if (id == 0 || has_schedule(tt, id))
            continue;
        struct db_stmt *st = db_query(
            s->conn, error_r,
            "SELECT name, days FROM bell_schedules WHERE id = ?", "i", id);
        if (st == NULL)
            return -1;
        int rc = db_step(st, error_r);
        if (rc != DB_ROW) {
            db_finish(&st);
            if (rc == DB_DONE)
                continue;
            return -1;
        }
        if (tt->nschedules == cap) {
            cap = cap ? 2 * cap : 4;
            tt->schedules =
                xrealloc(tt->schedules, (size_t)cap * sizeof *tt->schedules);
        }
        struct bell_schedule *b = &tt->schedules[tt->nschedules++];
        memset(b, 0, sizeof *b);
        b->id = id;
        b->name = xstrdup(db_text(st, 0));
        b->days = (int)db_int(st, 1);
        db_finish(&st);
        st = db_query(s->conn, error_r,
                      "SELECT kind, starts_at, ends_at FROM bell_periods"
                      " WHERE schedule_id = ? ORDER BY position",
                      "i", id);
        if (st == NULL)
            return -1;
        b->rows = xcalloc(TIMETABLE_MAX_PERIODS, sizeof *b->rows);
        while ((rc = db_step(st, error_r)) == DB_ROW &&
               b->nrows < TIMETABLE_MAX_PERIODS) {
            struct bell_period *p = &b->rows[b->nrows++];
            p->is_break = strcmp(db_text(st, 0), "break") == 0;
            p->number = p->is_break ? 0 : ++b->nclass;
            copy_word(p->starts_at, sizeof p->starts_at, db_text(st, 1));
            copy_word(p->ends_at, sizeof p->ends_at, db_text(st, 2));
        }
        db_finish(&st);
        if (rc != DB_DONE && rc != DB_ROW)
            return -1;
    }
    return 0;
}

int school_timetable_load(struct store *s, int64_t id,
                          struct school_timetable **tt_r,
                          const char **error_r)
{
    struct school_timetable *tt = xcalloc(1, sizeof *tt);
    int rc = load_row(s, id, tt, error_r);
    if (rc == 1 && (load_lessons(s, tt, error_r) < 0 ||
                    load_schedules(s, tt, error_r) < 0))
        rc = -1;
    if (rc != 1) {
        school_timetable_free(&tt);
        return rc;
    }
    *tt_r = tt;
    return 1;
}

void school_timetable_free(struct school_timetable **ttp)
{
    struct school_timetable *tt = *ttp;
    if (tt == NULL)
        return;
    for (int i = 0; i < tt->nlessons; i++) {
        struct school_lesson *l = &tt->lessons[i];
        free(l->section_name);
        free(l->section_code);
        free(l->subject_name);
        free(l->subject_code);
        free(l->teacher_name);
        free(l->teacher_code);
        free(l->room_name);
    }
    free(tt->lessons);
    for (int i = 0; i < tt->nschedules; i++) {
        free(tt->schedules[i].name);
        free(tt->schedules[i].rows);
    }
    free(tt->schedules);
    free(tt->name);
    free(tt->created_at);
    free(tt->updated_at);
    free(tt->activated_at);
    free(tt);
    *ttp = NULL;
}

int school_timetable_active(struct store *s, int64_t *id_r,
                            const char **error_r)
{
    int64_t id = 0;
    if (db_query_int(s->conn, error_r, &id,
                     "SELECT id FROM timetables WHERE status = 'active'"
                     " ORDER BY id DESC LIMIT 1",
                     "") != DB_DONE)
        return -1;
    if (id == 0)
        return 0;
    *id_r = id;
    return 1;
}

const struct bell_schedule *
school_timetable_schedule(const struct school_timetable *tt, int64_t id)
{
    for (int i = 0; i < tt->nschedules; i++)
        if (tt->schedules[i].id == id)
            return &tt->schedules[i];
    return NULL;
}

static json_t *id_or_null(int64_t id)
{
    return id ? json_integer(id) : json_null();
}

static json_t *text_or_null(const char *t)
{
    return t ? json_string(t) : json_null();
}

static json_t *lesson_json(const struct school_lesson *l)
{
    return json_pack(
        "{s:I,s:I,s:s,s:o,s:I,s:s,s:s,s:o,s:o,s:o,s:o,s:o,s:o,s:i,s:b}",
        "id", (json_int_t)l->id, "section_id", (json_int_t)l->section_id,
        "section", l->section_name, "section_code",
        text_or_null(l->section_code), "subject_id",
        (json_int_t)l->subject_id, "subject", l->subject_name,
        "subject_code", l->subject_code, "staff_id", id_or_null(l->staff_id),
        "teacher", text_or_null(l->teacher_name), "room_id",
        id_or_null(l->room_id), "room", text_or_null(l->room_name), "day",
        l->day ? json_integer(l->day) : json_null(), "period",
        l->period ? json_integer(l->period) : json_null(), "length",
        l->length, "locked", l->locked);
}

json_t *school_timetable_json(const struct school_timetable *tt,
                              bool with_lessons)
{
    json_t *cost = tt->has_cost
                       ? json_pack("{s:I,s:I}", "hard",
                                   (json_int_t)tt->cost_hard, "soft",
                                   (json_int_t)tt->cost_soft)
                       : json_null();
    json_t *o = json_pack(
        "{s:I,s:s,s:s,s:s,s:s,s:o,s:o,s:s,s:s,s:o}", "id", (json_int_t)tt->id,
        "name", tt->name, "status", tt->status, "source", tt->source,
        "job_state", tt->job_state, "year_id", id_or_null(tt->year_id),
        "cost", cost, "created_at", tt->created_at, "updated_at",
        tt->updated_at, "activated_at", text_or_null(tt->activated_at));
    if (with_lessons) {
        json_t *a = json_array();
        for (int i = 0; i < tt->nlessons; i++)
            json_array_append_new(a, lesson_json(&tt->lessons[i]));
        json_object_set_new(o, "lessons", a);
    }
    return o;
}
