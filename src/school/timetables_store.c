/*
 * The life of a school's timetables (tt_generate.h): list, create a draft,
 * activate (at most one active: the one before is archived in the same
 * transaction), discard a draft, compare a draft with the active one. Every
 * write carries its audit row in its transaction. A timetable being
 * generated (job_state queued or running) is neither activated nor
 * discarded until its job ends or is cancelled.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "school/timetables.h"
#include "school/tt_generate.h"

static json_t *parse_or_empty(const char *text)
{
    json_t *j = text && *text ? json_loads(text, 0, NULL) : NULL;
    return j ? j : json_object();
}

int school_timetables_list(struct store *s, json_t **items_r, const char **error_r)
{
    *items_r = NULL;
    struct db_stmt *st = db_query(
        s->conn, error_r,
        "SELECT id, name, status, source, job_state, COALESCE(year_id, 0), cost_hard,"
        " cost_soft, created_at, updated_at, activated_at, progress, time_limit,"
        " (SELECT COUNT(*) FROM timetable_lessons l WHERE l.timetable_id = t.id)"
        " FROM timetables t ORDER BY CASE status WHEN 'active' THEN 0 WHEN 'draft' THEN 1"
        " ELSE 2 END, id DESC LIMIT 200",
        "");
    if (!st)
        return -1;
    json_t *a = json_array();
    int rc;
    while ((rc = db_step(st, error_r)) == DB_ROW) {
        json_t *cost = db_null(st, 6) ? json_null()
                                      : json_pack("{s:I,s:I}", "hard", (json_int_t)db_int(st, 6),
                                                  "soft", (json_int_t)db_int(st, 7));
        const char *act = db_text_or_null(st, 10);
        json_array_append_new(
            a, json_pack("{s:I,s:s,s:s,s:s,s:s,s:o,s:o,s:s,s:s,s:o,s:o,s:I,s:I}", "id",
                         (json_int_t)db_int(st, 0), "name", db_text(st, 1), "status",
                         db_text(st, 2), "source", db_text(st, 3), "job_state", db_text(st, 4),
                         "year_id", db_int(st, 5) ? json_integer(db_int(st, 5)) : json_null(),
                         "cost", cost, "created_at", db_text(st, 8), "updated_at",
                         db_text(st, 9), "activated_at", act ? json_string(act) : json_null(),
                         "progress", parse_or_empty(db_text(st, 11)), "time_limit",
                         (json_int_t)db_int(st, 12), "lesson_count", (json_int_t)db_int(st, 13)));
    }
    db_finish(&st);
    if (rc < 0) {
        json_decref(a);
        return -1;
    }
    *items_r = a;
    return 0;
}

json_t *school_timetable_job_json(struct store *s, int64_t id, const char **error_r)
{
    struct db_stmt *st = db_query(s->conn, error_r,
                                  "SELECT time_limit, progress, report, error FROM timetables"
                                  " WHERE id = ?",
                                  "i", id);
    if (!st)
        return NULL;
    json_t *o = NULL;
    if (db_step(st, error_r) == DB_ROW)
        o = json_pack("{s:I,s:o,s:o,s:s}", "time_limit", (json_int_t)db_int(st, 0), "progress",
                      parse_or_empty(db_text(st, 1)), "report", parse_or_empty(db_text(st, 2)),
                      "error", db_text(st, 3));
    db_finish(&st);
    return o;
}

static void now_text(char out[21])
{
    time_format_utc(time_now(), out);
}

int school_timetable_insert(struct store *s, const struct actor *actor, const char *name,
                            const char *source, bool queued, int time_limit, int64_t *id_r,
                            const char **error_r)
{
    char now[21];
    now_text(now);
    int64_t year = 0;
    if (db_query_int(s->conn, error_r, &year,
                     "SELECT id FROM school_years WHERE is_current = 1", "") < 0)
        return -1;
    struct db_value v[9] = {
        {'t', name, 0},
        {year ? 'i' : 'n', NULL, year},
        {'t', source, 0},
        {'t', queued ? "queued" : "none", 0},
        {'i', NULL, time_limit},
        {actor && actor->user_id ? 'i' : 'n', NULL, actor ? actor->user_id : 0},
        {'t', now, 0},
        {'t', now, 0},
    };
    struct db_stmt *st = db_query_values(
        s->conn, error_r,
        "INSERT INTO timetables (name, status, year_id, source, job_state, time_limit,"
        " created_by, created_at, updated_at) VALUES (?, 'draft', ?, ?, ?, ?, ?, ?, ?)"
        " RETURNING id",
        8, v);
    if (!st)
        return -1;
    int rc = db_step(st, error_r);
    if (rc == DB_ROW)
        *id_r = db_int(st, 0);
    db_finish(&st);
    if (rc != DB_ROW)
        return -1;
    char ids[24];
    snprintf(ids, sizeof(ids), "%lld", (long long)*id_r);
    json_t *after = json_pack("{s:s,s:s,s:s,s:i}", "name", name, "status", "draft", "source",
                              source, "time_limit", time_limit);
    struct audit_entry e = {"create", "timetable", ids, NULL, after};
    rc = audit_write(s, actor, &e, error_r);
    json_decref(after);
    return rc < 0 ? -1 : 0;
}

/* status and job_state of one: 1 found, 0 not, -1 error. */
static int state_of(struct store *s, int64_t id, char status[12], char job[12],
                    const char **error_r)
{
    struct db_stmt *st = db_query(s->conn, error_r,
                                  "SELECT status, job_state FROM timetables WHERE id = ?", "i",
                                  id);
    if (!st)
        return -1;
    int rc = db_step(st, error_r);
    if (rc == DB_ROW) {
        str_copy(status, 12, db_text(st, 0));
        str_copy(job, 12, db_text(st, 1));
    }
    db_finish(&st);
    return rc == DB_ROW ? 1 : rc < 0 ? -1 : 0;
}

static bool job_busy(const char *job)
{
    return !strcmp(job, "queued") || !strcmp(job, "running");
}

int school_timetable_activate(struct store *s, const struct actor *actor, int64_t id,
                              const char **error_r)
{
    if (store_begin(s, error_r) < 0)
        return TT_STORE_ERROR;
    char status[12], job[12];
    int rc = state_of(s, id, status, job, error_r);
    int out = TT_OK;
    if (rc <= 0) {
        out = rc < 0 ? TT_STORE_ERROR : TT_NOT_FOUND;
        goto done;
    }
    if (strcmp(status, "draft") != 0) {
        out = TT_NOT_DRAFT;
        goto done;
    }
    if (job_busy(job)) {
        out = TT_BUSY;
        goto done;
    }
    int64_t unplaced = 0, total = 0, hard = 0;
    if (db_query_int(s->conn, error_r, &total,
                     "SELECT COUNT(*) FROM timetable_lessons WHERE timetable_id = ?", "i",
                     id) < 0 ||
        db_query_int(s->conn, error_r, &unplaced,
                     "SELECT COUNT(*) FROM timetable_lessons WHERE timetable_id = ?"
                     " AND day IS NULL",
                     "i", id) < 0 ||
        db_query_int(s->conn, error_r, &hard,
                     "SELECT COALESCE(cost_hard, 0) FROM timetables WHERE id = ?", "i",
                     id) < 0) {
        out = TT_STORE_ERROR;
        goto done;
    }
    if (total == 0 || unplaced > 0 || hard > 0) {
        out = TT_NOT_READY;
        goto done;
    }
    int64_t old = 0;
    if (db_query_int(s->conn, error_r, &old,
                     "SELECT id FROM timetables WHERE status = 'active'", "") < 0) {
        out = TT_STORE_ERROR;
        goto done;
    }
    char now[21];
    now_text(now);
    if ((old && db_run(s->conn, error_r,
                       "UPDATE timetables SET status = 'archived', updated_at = ? WHERE id = ?",
                       "ti", now, old) < 0) ||
        db_run(s->conn, error_r,
               "UPDATE timetables SET status = 'active', activated_at = ?, updated_at = ?"
               " WHERE id = ?",
               "tti", now, now, id) < 0) {
        out = TT_STORE_ERROR;
        goto done;
    }
    char ids[24];
    snprintf(ids, sizeof(ids), "%lld", (long long)id);
    json_t *before = json_pack("{s:s,s:o}", "status", "draft", "active_before",
                               old ? json_integer(old) : json_null());
    json_t *after = json_pack("{s:s}", "status", "active");
    struct audit_entry e = {"activate", "timetable", ids, before, after};
    if (audit_write(s, actor, &e, error_r) < 0)
        out = TT_STORE_ERROR;
    json_decref(before);
    json_decref(after);
done:
    if (store_end(s, out == TT_OK, error_r) < 0 && out == TT_OK)
        out = TT_STORE_ERROR;
    return out;
}

int school_timetable_discard(struct store *s, const struct actor *actor, int64_t id,
                             const char **error_r)
{
    if (store_begin(s, error_r) < 0)
        return TT_STORE_ERROR;
    char status[12], job[12];
    int rc = state_of(s, id, status, job, error_r);
    int out = TT_OK;
    if (rc <= 0) {
        out = rc < 0 ? TT_STORE_ERROR : TT_NOT_FOUND;
        goto done;
    }
    if (strcmp(status, "draft") != 0) {
        out = TT_NOT_DRAFT;
        goto done;
    }
    if (job_busy(job)) {
        out = TT_BUSY;
        goto done;
    }
    char *name = NULL;
    int64_t n = 0;
    struct db_stmt *st = db_query(s->conn, error_r, "SELECT name FROM timetables WHERE id = ?",
                                  "i", id);
    if (st && db_step(st, error_r) == DB_ROW)
        name = xstrdup(db_text(st, 0));
    db_finish(&st);
    if (db_query_int(s->conn, error_r, &n,
                     "SELECT COUNT(*) FROM timetable_lessons WHERE timetable_id = ?", "i",
                     id) < 0 ||
        db_run(s->conn, error_r, "DELETE FROM timetable_lessons WHERE timetable_id = ?", "i",
               id) < 0 ||
        db_run(s->conn, error_r, "DELETE FROM timetables WHERE id = ?", "i", id) < 0) {
        free(name);
        out = TT_STORE_ERROR;
        goto done;
    }
    char ids[24];
    snprintf(ids, sizeof(ids), "%lld", (long long)id);
    json_t *before = json_pack("{s:s,s:s,s:I}", "name", name ? name : "", "status", "draft",
                               "lessons", (json_int_t)n);
    free(name);
    struct audit_entry e = {"delete", "timetable", ids, before, NULL};
    if (audit_write(s, actor, &e, error_r) < 0)
        out = TT_STORE_ERROR;
    json_decref(before);
done:
    if (store_end(s, out == TT_OK, error_r) < 0 && out == TT_OK)
        out = TT_STORE_ERROR;
    return out;
}

int school_timetable_orphan(struct store *s, int64_t id, const char **error_r)
{
    /* a live job writes its progress twice a second (the CLI's too): only a
     * row quiet for 15 s is an orphan */
    char now[21], quiet[21];
    int64_t t = time_now();
    time_format_utc(t, now);
    time_format_utc(t - 15, quiet);
    return db_run(s->conn, error_r,
                  "UPDATE timetables SET job_state = 'failed', updated_at = ?,"
                  " error = 'La generación se interrumpió (el servidor se reinició).'"
                  " WHERE id = ? AND job_state IN ('queued', 'running') AND updated_at < ?",
                  "tit", now, id, quiet);
}

int school_timetable_mark_cancelled(struct store *s, const struct actor *actor, int64_t id,
                                    const char **error_r)
{
    char now[21];
    now_text(now);
    if (db_run(s->conn, error_r,
               "UPDATE timetables SET job_state = 'cancelled', updated_at = ?"
               " WHERE id = ? AND job_state IN ('queued', 'running')",
               "ti", now, id) < 0)
        return -1;
    char ids[24];
    snprintf(ids, sizeof(ids), "%lld", (long long)id);
    json_t *before = json_pack("{s:s}", "job_state", "queued");
    json_t *after = json_pack("{s:s}", "job_state", "cancelled");
    struct audit_entry e = {"cancel", "timetable", ids, before, after};
    int rc = audit_write(s, actor, &e, error_r);
    json_decref(before);
    json_decref(after);
    return rc < 0 ? -1 : 0;
}

/* --- Compare ------------------------------------------------------------ */

static bool same_place(const struct school_lesson *a, const struct school_lesson *b)
{
    return a->section_id == b->section_id && a->subject_id == b->subject_id &&
           a->staff_id == b->staff_id && a->day == b->day && a->period == b->period &&
           a->length == b->length && a->room_id == b->room_id;
}

static json_t *lesson_brief(const struct school_lesson *l)
{
    return json_pack("{s:I,s:s,s:s,s:o,s:o,s:o,s:o,s:i}", "id", (json_int_t)l->id, "section",
                     l->section_name, "subject", l->subject_name, "teacher",
                     l->teacher_name ? json_string(l->teacher_name) : json_null(), "room",
                     l->room_name ? json_string(l->room_name) : json_null(), "day",
                     l->day ? json_integer(l->day) : json_null(), "period",
                     l->period ? json_integer(l->period) : json_null(), "length", l->length);
}

/* Lessons of a that b has nowhere at the same place (as a multiset). */
static json_t *only_in(const struct school_timetable *a, const struct school_timetable *b)
{
    json_t *out = json_array();
    bool *used = xcalloc((size_t)(b->nlessons ? b->nlessons : 1), sizeof(bool));
    for (int i = 0; i < a->nlessons; i++) {
        bool found = false;
        for (int k = 0; k < b->nlessons && !found; k++)
            if (!used[k] && same_place(&a->lessons[i], &b->lessons[k]))
                found = used[k] = true;
        if (!found)
            json_array_append_new(out, lesson_brief(&a->lessons[i]));
    }
    free(used);
    return out;
}

static json_t *side_json(struct store *s, const struct school_timetable *t,
                         const char **error_r)
{
    json_t *job = school_timetable_job_json(s, t->id, error_r);
    json_t *by = job ? json_object_get(json_object_get(job, "report"), "by_rule") : NULL;
    json_t *o = json_pack("{s:I,s:s,s:s,s:o,s:O}", "id", (json_int_t)t->id, "name", t->name,
                          "status", t->status,
                          "cost", t->has_cost ? json_pack("{s:I,s:I}", "hard",
                                                          (json_int_t)t->cost_hard, "soft",
                                                          (json_int_t)t->cost_soft)
                                              : json_null(),
                          "by_rule", by ? by : json_array());
    json_decref(job);
    return o;
}

int school_timetable_compare(struct store *s, int64_t id, json_t **out_r, const char **error_r)
{
    *out_r = NULL;
    int64_t active = 0;
    struct school_timetable *a = NULL, *d = NULL;
    int rc = school_timetable_load(s, id, &d, error_r);
    if (rc <= 0)
        return rc < 0 ? TT_STORE_ERROR : TT_NOT_FOUND;
    rc = school_timetable_active(s, &active, error_r);
    if (rc <= 0 || active == id) {
        school_timetable_free(&d);
        return rc < 0 ? TT_STORE_ERROR : TT_NO_ACTIVE;
    }
    rc = school_timetable_load(s, active, &a, error_r);
    if (rc <= 0) {
        school_timetable_free(&d);
        return rc < 0 ? TT_STORE_ERROR : TT_NO_ACTIVE;
    }
    json_t *only_d = only_in(d, a), *only_a = only_in(a, d);
    json_t *o = json_pack("{s:o,s:o,s:o,s:o,s:I}", "timetable", side_json(s, d, error_r),
                          "active", side_json(s, a, error_r), "only_in_timetable", only_d,
                          "only_in_active", only_a, "lessons_moved",
                          (json_int_t)json_array_size(only_d));
    school_timetable_free(&a);
    school_timetable_free(&d);
    *out_r = o;
    return TT_OK;
}
