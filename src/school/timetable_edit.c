/*
 * Editing a timetable by hand (timetable_edit.h). Each write runs in one
 * transaction: the timetable is read with school_timetable_load() (the
 * same reading every part shares), the teachers' unavailability with one
 * query, the change is checked by tt_check_moves() against that reading,
 * and only then are the lessons updated and audited (one audit row per
 * lesson: `update` of `timetable_lesson`, before/after of its day and
 * period, or of `locked`). A refused change writes nothing.
 */
#include "school/timetable_edit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "school/records.h"
#include "school/tt_generate.h"

int tt_edit_unavailable_load(struct store *s, struct tt_unavailable **u_r,
                             int *n_r, const char **error_r)
{
    *u_r = NULL;
    *n_r = 0;
    struct db_stmt *st = db_query(
        s->conn, error_r,
        "SELECT staff_id, day, CASE WHEN kind = 'time' THEN period ELSE 0 END"
        " FROM teacher_preferences"
        " WHERE status = 'approved' AND level = 'avoid'"
        " AND day IS NOT NULL"
        " AND (kind = 'day' OR (kind = 'time' AND period IS NOT NULL))",
        "");
    if (!st)
        return -1;
    int cap = 0, n = 0, rc;
    struct tt_unavailable *u = NULL;
    while ((rc = db_step(st, error_r)) == DB_ROW) {
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            u = xrealloc(u, (size_t)cap * sizeof *u);
        }
        u[n++] = (struct tt_unavailable){db_int(st, 0), (int)db_int(st, 1),
                                         (int)db_int(st, 2)};
    }
    db_finish(&st);
    if (rc != DB_DONE) {
        free(u);
        return -1;
    }
    *u_r = u;
    *n_r = n;
    return 0;
}

/* ---- reading what is edited ---- */

struct edit {
    struct school_timetable *tt;
    struct tt_unavailable *u;
    int nu;
};

static void edit_free(struct edit *e)
{
    school_timetable_free(&e->tt);
    free(e->u);
    e->u = NULL;
}

static bool generating(const struct school_timetable *tt)
{
    return strcmp(tt->job_state, "queued") == 0 ||
           strcmp(tt->job_state, "running") == 0;
}

/* Reads timetable tt_id and the unavailability; with `draft`, refuses a
 * timetable that is not an editable draft. Caller holds the store. */
static int edit_open(struct store *s, int64_t tt_id, bool draft,
                     struct edit *e, const char **error_r)
{
    memset(e, 0, sizeof *e);
    int rc = school_timetable_load(s, tt_id, &e->tt, error_r);
    if (rc < 0)
        return TT_EDIT_ERROR;
    if (rc == 0)
        return TT_EDIT_NOT_FOUND;
    if (draft && strcmp(e->tt->status, "draft") != 0)
        return TT_EDIT_NOT_DRAFT;
    if (draft && generating(e->tt))
        return TT_EDIT_BUSY;
    if (tt_edit_unavailable_load(s, &e->u, &e->nu, error_r) < 0)
        return TT_EDIT_ERROR;
    return TT_EDIT_OK;
}

static struct school_lesson *find_lesson(struct school_timetable *tt,
                                         int64_t id)
{
    for (int i = 0; i < tt->nlessons; i++)
        if (tt->lessons[i].id == id)
            return &tt->lessons[i];
    return NULL;
}

/* The lessons of tt with these ids, as school_timetable_json shows them. */
static json_t *lessons_json(const struct school_timetable *tt,
                            const int64_t *ids, int n)
{
    json_t *all = school_timetable_json(tt, true);
    json_t *out = json_array();
    size_t i;
    json_t *l;
    json_array_foreach(json_object_get(all, "lessons"), i, l) {
        int64_t id = json_integer_value(json_object_get(l, "id"));
        for (int k = 0; k < n; k++)
            if (ids[k] == id)
                json_array_append(out, l);
    }
    json_decref(all);
    return out;
}

static int touch(struct store *s, int64_t tt_id, const char **error_r)
{
    char now[21];
    time_format_utc(time_now(), now);
    return db_run(s->conn, error_r,
                  "UPDATE timetables SET updated_at = ? WHERE id = ?", "ti",
                  now, tt_id) < 0
               ? -1
               : 0;
}

/* A lesson's slot for its audit row (null when not placed). */
static json_t *slot_json(int64_t tt_id, int day, int period)
{
    return json_pack("{s:I,s:o,s:o}", "timetable_id", (json_int_t)tt_id,
                     "day", day ? json_integer(day) : json_null(), "period",
                     period ? json_integer(period) : json_null());
}

/* ---- moves and swaps ---- */

/* Inside the transaction, with e open as a draft. */
static int move_in(struct store *s, const struct actor *actor,
                   struct edit *e, const struct tt_move *moves, int n,
                   struct tt_clash *clash_r, json_t **lessons_r,
                   const char **error_r)
{
    for (int i = 0; i < n; i++) {
        struct school_lesson *l = find_lesson(e->tt, moves[i].lesson_id);
        if (l && l->locked) {
            memset(clash_r, 0, sizeof *clash_r);
            clash_r->lesson_id = l->id;
            snprintf(clash_r->message, sizeof clash_r->message,
                     "%s de %s está fijada en su lugar: desbloquéela antes "
                     "de moverla.",
                     l->subject_name, l->section_name);
            return TT_EDIT_LOCKED;
        }
    }
    int rc = tt_check_moves(e->tt, e->u, e->nu, moves, n, clash_r);
    if (rc < 0)
        return TT_EDIT_INVALID;
    if (rc > 0)
        return TT_EDIT_CLASH;
    int64_t ids[2] = {0, 0};
    for (int i = 0; i < n; i++) {
        struct school_lesson *l = find_lesson(e->tt, moves[i].lesson_id);
        json_t *before = slot_json(e->tt->id, l->day, l->period);
        json_t *after = slot_json(e->tt->id, moves[i].day, moves[i].period);
        int w = db_run(s->conn, error_r,
                       "UPDATE timetable_lessons SET day = ?, period = ?"
                       " WHERE id = ? AND timetable_id = ?",
                       "iiii", (int64_t)moves[i].day,
                       (int64_t)moves[i].period, l->id, e->tt->id);
        if (w >= 0)
            w = rec_audit(s, actor, "update", "timetable_lesson", l->id,
                          before, after, error_r);
        json_decref(before);
        json_decref(after);
        if (w < 0)
            return TT_EDIT_ERROR;
        l->day = moves[i].day;
        l->period = moves[i].period;
        if (i < 2)
            ids[i] = l->id;
    }
    /* the list, the report and the comparison show what the draft costs
       now, and activation checks that cost */
    if (touch(s, e->tt->id, error_r) < 0 || school_tt_recost(s, e->tt->id, error_r) < 0)
        return TT_EDIT_ERROR;
    *lessons_r = lessons_json(e->tt, ids, n < 2 ? n : 2);
    return TT_EDIT_OK;
}

int tt_edit_move(struct store *s, const struct actor *actor, int64_t tt_id,
                 const struct tt_move *moves, int n, struct tt_clash *clash_r,
                 json_t **lessons_r, const char **error_r)
{
    *lessons_r = NULL;
    memset(clash_r, 0, sizeof *clash_r);
    if (store_begin(s, error_r) < 0)
        return TT_EDIT_ERROR;
    struct edit e;
    int rc = edit_open(s, tt_id, true, &e, error_r);
    if (rc == TT_EDIT_OK)
        rc = move_in(s, actor, &e, moves, n, clash_r, lessons_r, error_r);
    edit_free(&e);
    if (store_end(s, rc == TT_EDIT_OK, error_r) < 0 && rc == TT_EDIT_OK)
        rc = TT_EDIT_ERROR;
    if (rc != TT_EDIT_OK) {
        json_decref(*lessons_r);
        *lessons_r = NULL;
    }
    return rc;
}

int tt_edit_swap(struct store *s, const struct actor *actor, int64_t tt_id,
                 int64_t a, int64_t b, struct tt_clash *clash_r,
                 json_t **lessons_r, const char **error_r)
{
    *lessons_r = NULL;
    memset(clash_r, 0, sizeof *clash_r);
    if (store_begin(s, error_r) < 0)
        return TT_EDIT_ERROR;
    struct edit e;
    int rc = edit_open(s, tt_id, true, &e, error_r);
    if (rc == TT_EDIT_OK) {
        struct school_lesson *la = find_lesson(e.tt, a);
        struct school_lesson *lb = find_lesson(e.tt, b);
        if (!la || !lb || a == b) {
            snprintf(clash_r->message, sizeof clash_r->message,
                     "Indique dos clases distintas de este horario.");
            rc = TT_EDIT_INVALID;
        } else if (la->day == 0 || lb->day == 0) {
            snprintf(clash_r->message, sizeof clash_r->message,
                     "Solo se intercambian clases que ya están en el "
                     "horario.");
            rc = TT_EDIT_INVALID;
        } else {
            struct tt_move m[2] = {{a, lb->day, lb->period},
                                   {b, la->day, la->period}};
            rc = move_in(s, actor, &e, m, 2, clash_r, lessons_r, error_r);
        }
    }
    edit_free(&e);
    if (store_end(s, rc == TT_EDIT_OK, error_r) < 0 && rc == TT_EDIT_OK)
        rc = TT_EDIT_ERROR;
    if (rc != TT_EDIT_OK) {
        json_decref(*lessons_r);
        *lessons_r = NULL;
    }
    return rc;
}

/* ---- lock ---- */

int tt_edit_lock(struct store *s, const struct actor *actor, int64_t tt_id,
                 int64_t lesson_id, bool locked, json_t **lesson_r,
                 const char **error_r)
{
    *lesson_r = NULL;
    if (store_begin(s, error_r) < 0)
        return TT_EDIT_ERROR;
    struct edit e;
    int rc = edit_open(s, tt_id, true, &e, error_r);
    struct school_lesson *l = rc == TT_EDIT_OK ? find_lesson(e.tt, lesson_id)
                                               : NULL;
    if (rc == TT_EDIT_OK && !l)
        rc = TT_EDIT_NOT_FOUND;
    if (rc == TT_EDIT_OK && l->locked != locked) {
        json_t *before = json_pack("{s:b}", "locked", l->locked);
        json_t *after = json_pack("{s:b}", "locked", locked);
        if (db_run(s->conn, error_r,
                   "UPDATE timetable_lessons SET locked = ?"
                   " WHERE id = ? AND timetable_id = ?",
                   "iii", (int64_t)locked, lesson_id, tt_id) < 0 ||
            rec_audit(s, actor, "update", "timetable_lesson", lesson_id,
                      before, after, error_r) < 0 ||
            touch(s, tt_id, error_r) < 0)
            rc = TT_EDIT_ERROR;
        json_decref(before);
        json_decref(after);
        l->locked = locked;
    }
    if (rc == TT_EDIT_OK) {
        json_t *one = lessons_json(e.tt, &lesson_id, 1);
        *lesson_r = json_incref(json_array_get(one, 0));
        json_decref(one);
    }
    edit_free(&e);
    if (store_end(s, rc == TT_EDIT_OK, error_r) < 0 && rc == TT_EDIT_OK)
        rc = TT_EDIT_ERROR;
    if (rc != TT_EDIT_OK) {
        json_decref(*lesson_r);
        *lesson_r = NULL;
    }
    return rc;
}

/* ---- copy ---- */

int tt_edit_copy(struct store *s, const struct actor *actor, int64_t tt_id,
                 json_t **tt_r, const char **error_r)
{
    *tt_r = NULL;
    if (store_begin(s, error_r) < 0)
        return TT_EDIT_ERROR;
    struct school_timetable *src = NULL, *copy = NULL;
    int rc = school_timetable_load(s, tt_id, &src, error_r);
    rc = rc < 0 ? TT_EDIT_ERROR : rc == 0 ? TT_EDIT_NOT_FOUND : TT_EDIT_OK;
    int64_t id = 0;
    if (rc == TT_EDIT_OK) {
        char now[21], name[512];
        time_format_utc(time_now(), now);
        snprintf(name, sizeof name, "Copia de %s", src->name);
        if (db_query_int(
                s->conn, error_r, &id,
                "INSERT INTO timetables (name, status, year_id, source,"
                " job_state, cost_hard, cost_soft, report, created_by,"
                " created_at, updated_at)"
                " SELECT ?, 'draft', year_id, 'copy', 'none', cost_hard,"
                " cost_soft, report, NULLIF(?, 0), ?, ? FROM timetables"
                " WHERE id = ? RETURNING id",
                "titti", name, actor->user_id, now, now, tt_id) < 0 ||
            id == 0 ||
            db_run(s->conn, error_r,
                   "INSERT INTO timetable_lessons (timetable_id, section_id,"
                   " subject_id, staff_id, room_id, assignment_id, day,"
                   " period, length, locked)"
                   " SELECT ?, section_id, subject_id, staff_id, room_id,"
                   " assignment_id, day, period, length, locked"
                   " FROM timetable_lessons WHERE timetable_id = ?"
                   " ORDER BY id",
                   "ii", id, tt_id) < 0 ||
            school_timetable_load(s, id, &copy, error_r) != 1)
            rc = TT_EDIT_ERROR;
    }
    if (rc == TT_EDIT_OK) {
        json_t *after = json_pack("{s:s,s:s,s:s,s:I,s:i}", "name", copy->name,
                                  "status", "draft", "source", "copy",
                                  "copied_from", (json_int_t)tt_id, "lessons",
                                  copy->nlessons);
        if (rec_audit(s, actor, "create", "timetable", id, NULL, after,
                      error_r) < 0)
            rc = TT_EDIT_ERROR;
        json_decref(after);
    }
    if (rc == TT_EDIT_OK)
        *tt_r = school_timetable_json(copy, false);
    school_timetable_free(&src);
    school_timetable_free(&copy);
    if (store_end(s, rc == TT_EDIT_OK, error_r) < 0 && rc == TT_EDIT_OK)
        rc = TT_EDIT_ERROR;
    if (rc != TT_EDIT_OK) {
        json_decref(*tt_r);
        *tt_r = NULL;
    }
    return rc;
}

/* ---- reading for the grid ---- */

int tt_edit_free_slots(struct store *s, int64_t tt_id, int64_t lesson_id,
                       json_t **slots_r, const char **error_r)
{
    *slots_r = NULL;
    store_lock(s);
    struct edit e;
    int rc = edit_open(s, tt_id, false, &e, error_r);
    store_unlock(s);
    struct tt_slot slots[TIMETABLE_MAX_DAYS * TIMETABLE_MAX_PERIODS];
    int n = 0;
    if (rc == TT_EDIT_OK) {
        n = tt_check_free_slots(e.tt, e.u, e.nu, lesson_id, slots,
                                (int)(sizeof slots / sizeof slots[0]));
        if (n < 0)
            rc = TT_EDIT_NOT_FOUND;
    }
    if (rc == TT_EDIT_OK) {
        json_t *a = json_array();
        for (int i = 0; i < n; i++)
            json_array_append_new(a, json_pack("{s:i,s:i}", "day",
                                               slots[i].day, "period",
                                               slots[i].period));
        *slots_r = json_pack("{s:I,s:o}", "lesson_id", (json_int_t)lesson_id,
                             "slots", a);
    }
    edit_free(&e);
    return rc;
}

static void clash_append(const struct tt_clash *c, void *arg)
{
    json_array_append_new(
        arg, json_pack("{s:s,s:I,s:o,s:i,s:i,s:s}", "kind",
                       tt_clash_kind_name(c->kind), "lesson_id",
                       (json_int_t)c->lesson_id, "other_lesson_id",
                       c->other_id ? json_integer(c->other_id) : json_null(),
                       "day", c->day, "period", c->period, "message",
                       c->message));
}

static json_t *schedule_json(const struct bell_schedule *b)
{
    json_t *days = json_array();
    for (int d = 1; d <= TIMETABLE_MAX_DAYS; d++)
        if (b->days & (1 << (d - 1)))
            json_array_append_new(days, json_integer(d));
    json_t *rows = json_array();
    for (int i = 0; i < b->nrows; i++)
        json_array_append_new(
            rows, json_pack("{s:o,s:b,s:s,s:s}", "number",
                            b->rows[i].is_break ? json_null()
                                                : json_integer(b->rows[i].number),
                            "is_break", b->rows[i].is_break, "starts_at",
                            b->rows[i].starts_at, "ends_at",
                            b->rows[i].ends_at));
    return json_pack("{s:I,s:s,s:o,s:i,s:o}", "id", (json_int_t)b->id, "name",
                     b->name ? b->name : "", "days", days, "periods",
                     b->nclass, "rows", rows);
}

int tt_edit_grid(struct store *s, int64_t tt_id, json_t **grid_r,
                 const char **error_r)
{
    *grid_r = NULL;
    store_lock(s);
    struct edit e;
    int rc = edit_open(s, tt_id, false, &e, error_r);
    store_unlock(s);
    if (rc == TT_EDIT_OK) {
        json_t *g = school_timetable_json(e.tt, true);
        /* each lesson's bell schedule: the page draws its section's day */
        json_t *ls = json_object_get(g, "lessons");
        for (int i = 0; i < e.tt->nlessons && i < (int)json_array_size(ls);
             i++) {
            int64_t sch = e.tt->lessons[i].schedule_id;
            json_object_set_new(json_array_get(ls, i), "schedule_id",
                                sch ? json_integer(sch) : json_null());
        }
        json_object_set_new(g, "editable",
                            json_boolean(strcmp(e.tt->status, "draft") == 0 &&
                                         !generating(e.tt)));
        json_t *sch = json_array();
        for (int i = 0; i < e.tt->nschedules; i++)
            json_array_append_new(sch, schedule_json(&e.tt->schedules[i]));
        json_object_set_new(g, "schedules", sch);
        json_t *clashes = json_array();
        tt_check_all(e.tt, e.u, e.nu, clash_append, clashes);
        json_object_set_new(g, "clashes", clashes);
        *grid_r = g;
    }
    edit_free(&e);
    return rc;
}
