/*
 * Teachers' availability and preferences (setup.h), in
 * teacher_preferences: a teacher (the staff row linked to their user)
 * says how they feel about a time (day and period), a whole day, a
 * subject or a room, on the scale avoid, dislike, neutral, like, prefer.
 * The teacher's page sends the whole set at once; a preference left as it
 * was keeps its status, a new or changed one waits for a school admin,
 * who approves or rejects each. Only approved ones reach the solver (an
 * approved avoid on a time or day makes the teacher unavailable then).
 * Neutral means "no preference": it is not kept.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "db/rows.h"
#include "school/setup.h"

static int finish(struct store *s, int rc, const char **error_r)
{
    if (store_end(s, rc == REC_OK, rc == REC_OK ? error_r : NULL) < 0 &&
        rc == REC_OK)
        return REC_ERROR;
    return rc;
}

static const char *level_label(const char *level)
{
    if (strcmp(level, "avoid") == 0)
        return "Evitar";
    if (strcmp(level, "dislike") == 0)
        return "Preferiblemente no";
    if (strcmp(level, "like") == 0)
        return "Me agrada";
    if (strcmp(level, "prefer") == 0)
        return "Prefiero";
    return "Indiferente";
}

static const char *status_label(const char *status)
{
    if (strcmp(status, "approved") == 0)
        return "Aprobada";
    if (strcmp(status, "rejected") == 0)
        return "Rechazada";
    return "Pendiente";
}

/* ---- reading ---- */

#define PREF_SQL                                                             \
    "SELECT p.id, p.staff_id, sf.first_names, sf.last_names, p.kind,"        \
    " p.day, p.period, p.subject_id, su.name, p.room_id, r.name, p.level,"   \
    " p.status, p.decided_at, p.created_at, p.updated_at"                    \
    " FROM teacher_preferences p JOIN staff sf ON sf.id = p.staff_id"        \
    " LEFT JOIN subjects su ON su.id = p.subject_id"                         \
    " LEFT JOIN rooms r ON r.id = p.room_id"
#define PREF_ORDER                                                           \
    " ORDER BY sf.last_names, sf.first_names, p.staff_id,"                   \
    " CASE p.kind WHEN 'day' THEN 1 WHEN 'time' THEN 2 WHEN 'subject'"       \
    " THEN 3 ELSE 4 END, p.day, p.period, su.name, r.name, p.id"

static json_t *pref_row(struct db_stmt *st, void *ctx)
{
    (void)ctx;
    char teacher[220], what[160];
    snprintf(teacher, sizeof teacher, "%s %s", db_text(st, 2),
             db_text(st, 3));
    const char *kind = db_text(st, 4);
    int day = (int)db_int(st, 5), period = (int)db_int(st, 6);
    if (strcmp(kind, "time") == 0)
        snprintf(what, sizeof what, "El %s, %d.ª hora", setup_day_name(day),
                 period);
    else if (strcmp(kind, "day") == 0)
        snprintf(what, sizeof what, "Todo el %s", setup_day_name(day));
    else if (strcmp(kind, "subject") == 0)
        snprintf(what, sizeof what, "Dictar %s", db_text(st, 8));
    else
        snprintf(what, sizeof what, "El aula %s", db_text(st, 10));
    return json_pack(
        "{s:I,s:I,s:s,s:s,s:o,s:o,s:o,s:o,s:o,s:o,s:s,s:s,s:s,s:s,s:s,s:o,"
        "s:s}",
        "id", (json_int_t)db_int(st, 0), "staff_id",
        (json_int_t)db_int(st, 1), "teacher", teacher, "kind", kind, "day",
        db_null(st, 5) ? json_null() : json_integer(day), "period",
        db_null(st, 6) ? json_null() : json_integer(period), "subject_id",
        db_null(st, 7) ? json_null() : json_integer(db_int(st, 7)),
        "subject", db_null(st, 7) ? json_null() : json_string(db_text(st, 8)),
        "room_id", db_null(st, 9) ? json_null() : json_integer(db_int(st, 9)),
        "room", db_null(st, 9) ? json_null() : json_string(db_text(st, 10)),
        "level", db_text(st, 11), "level_label",
        level_label(db_text(st, 11)), "description", what, "status",
        db_text(st, 12), "status_label", status_label(db_text(st, 12)),
        "decided_at",
        db_null(st, 13) ? json_null() : json_string(db_text(st, 13)),
        "created_at", db_text(st, 14));
}

int prefs_staff_of_user(struct store *s, int64_t user_id,
                        int64_t *staff_id_r, const char **error_r)
{
    *staff_id_r = 0;
    if (user_id == 0)
        return 0;
    store_lock(s);
    int rc = db_query_int(s->conn, error_r, staff_id_r,
                          "SELECT id FROM staff WHERE user_id = ?"
                          " ORDER BY id LIMIT 1",
                          "i", user_id);
    store_unlock(s);
    return rc < 0 ? -1 : *staff_id_r != 0;
}

static json_t *rows_of(struct store *s, const char *sql, int64_t id,
                       db_row_json_fn row)
{
    json_t *a = json_array();
    struct db_stmt *st = db_query(s->conn, NULL, sql, "i", id);
    while (st && db_step(st, NULL) == DB_ROW)
        json_array_append_new(a, row(st, NULL));
    db_finish(&st);
    return a;
}

static json_t *subject_choice(struct db_stmt *st, void *ctx)
{
    (void)ctx;
    return json_pack("{s:I,s:s,s:b}", "id", (json_int_t)db_int(st, 0),
                     "name", db_text(st, 1), "qualified", db_int(st, 2) != 0);
}

static json_t *room_choice(struct db_stmt *st, void *ctx)
{
    (void)ctx;
    return json_pack("{s:I,s:s,s:s}", "id", (json_int_t)db_int(st, 0),
                     "name", db_text(st, 1), "kind", db_text(st, 2));
}

static json_t *period_choice(struct db_stmt *st, void *ctx)
{
    (void)ctx;
    return json_pack("{s:s,s:s}", "starts_at", db_text(st, 0), "ends_at",
                     db_text(st, 1));
}

/* The teacher's week to mark times on: the school's days (every bell
 * schedule's, lunes a viernes when there is none) and the class periods
 * of its longest bell schedule. */
static json_t *grid(struct store *s)
{
    int64_t mask = 0, longest = 0;
    struct db_stmt *st =
        db_query(s->conn, NULL, "SELECT days FROM bell_schedules", "");
    while (st && db_step(st, NULL) == DB_ROW)
        mask |= db_int(st, 0);
    db_finish(&st);
    if (mask == 0)
        mask = 31;
    db_query_int(s->conn, NULL, &longest,
                 "SELECT schedule_id FROM bell_periods WHERE kind = 'class'"
                 " GROUP BY schedule_id ORDER BY COUNT(*) DESC, schedule_id"
                 " LIMIT 1",
                 "");
    json_t *days = json_array();
    for (int d = 1; d <= 7; d++)
        if (mask & (1 << (d - 1)))
            json_array_append_new(
                days, json_pack("{s:i,s:s}", "day", d, "name",
                                setup_day_name(d)));
    json_t *periods = rows_of(s,
                              "SELECT starts_at, ends_at FROM bell_periods"
                              " WHERE schedule_id = ? AND kind = 'class'"
                              " ORDER BY position",
                              longest, period_choice);
    size_t i;
    json_t *p;
    json_array_foreach(periods, i, p)
        json_object_set_new(p, "period", json_integer((json_int_t)i + 1));
    return json_pack("{s:o,s:o}", "days", days, "periods", periods);
}

static json_t *mine_json(struct store *s, int64_t staff_id)
{
    struct db_stmt *st = db_query(
        s->conn, NULL,
        "SELECT first_names, last_names FROM staff WHERE id = ?", "i",
        staff_id);
    json_t *o = NULL;
    if (st && db_step(st, NULL) == DB_ROW) {
        char name[220];
        snprintf(name, sizeof name, "%s %s", db_text(st, 0), db_text(st, 1));
        o = json_pack("{s:{s:I,s:s}}", "staff", "id", (json_int_t)staff_id,
                      "name", name);
    }
    db_finish(&st);
    if (o == NULL)
        return NULL;
    json_object_set_new(o, "grid", grid(s));
    json_object_set_new(
        o, "subjects",
        rows_of(s,
                "SELECT su.id, su.name, (SELECT COUNT(*) FROM staff_subjects"
                " ss WHERE ss.subject_id = su.id AND ss.staff_id = ?)"
                " FROM subjects su ORDER BY su.name, su.id",
                staff_id, subject_choice));
    json_object_set_new(o, "rooms",
                        rows_of(s,
                                "SELECT id, name, kind FROM rooms"
                                " WHERE id <> ? ORDER BY name, id",
                                0, room_choice));
    json_object_set_new(o, "items",
                        rows_of(s, PREF_SQL " WHERE p.staff_id = ?" PREF_ORDER,
                                staff_id, pref_row));
    return o;
}

int prefs_mine(struct store *s, int64_t staff_id, json_t **obj_r,
               const char **error_r)
{
    (void)error_r;
    store_lock(s);
    *obj_r = mine_json(s, staff_id);
    store_unlock(s);
    return *obj_r ? REC_OK : REC_NOT_FOUND;
}

int prefs_list(struct store *s, const char *status, int64_t staff_id,
               json_t **items_r, const char **error_r)
{
    const struct db_value v[] = {{'t', status, 0},
                                 {'t', status, 0},
                                 {'i', NULL, staff_id},
                                 {'i', NULL, staff_id}};
    bool more;
    return store_rows_json(s,
                           PREF_SQL " WHERE (? = '' OR p.status = ?)"
                                    " AND (? = 0 OR p.staff_id = ?)" PREF_ORDER,
                           4, v, 0, pref_row, NULL, items_r, &more, error_r);
}

/* ---- the teacher's set ---- */

/* The identity of a preference: what it is about (not its level). */
static void pref_key(const char *kind, int64_t day, int64_t period,
                     int64_t subject, int64_t room, char *out, size_t n)
{
    snprintf(out, n, "%s/%lld/%lld/%lld/%lld", kind, (long long)day,
             (long long)period, (long long)subject, (long long)room);
}

static int check_items(struct store *s, const struct pref_input *in, int n,
                       struct rec_errors *errs, struct setup_names *names,
                       const char **error_r)
{
    for (int i = 0; i < n; i++) {
        const struct pref_input *p = &in[i];
        bool time = strcmp(p->kind, "time") == 0;
        bool day = strcmp(p->kind, "day") == 0;
        if ((time || day) && (p->day < 1 || p->day > 7))
            setup_error(errs, names, "preferences", i, "day",
                        "Indique el día (1 = lunes a 7 = domingo).");
        if (time && (p->period < 1 || p->period > 40))
            setup_error(errs, names, "preferences", i, "period",
                        "Indique la hora de clase (1 a 40).");
        if (strcmp(p->kind, "subject") == 0) {
            int64_t found = 0;
            if (db_query_int(s->conn, error_r, &found,
                             "SELECT id FROM subjects WHERE id = ?", "i",
                             p->subject_id) < 0)
                return REC_ERROR;
            if (found == 0)
                setup_error(errs, names, "preferences", i, "subject_id",
                            "La materia indicada no existe.");
        }
        if (strcmp(p->kind, "room") == 0) {
            int64_t found = 0;
            if (db_query_int(s->conn, error_r, &found,
                             "SELECT id FROM rooms WHERE id = ?", "i",
                             p->room_id) < 0)
                return REC_ERROR;
            if (found == 0)
                setup_error(errs, names, "preferences", i, "room_id",
                            "El aula indicada no existe.");
        }
        if (p->kind[0] == '\0')
            continue; /* already refused */
        char ki[96], kj[96];
        pref_key(p->kind, p->day, p->period, p->subject_id, p->room_id, ki,
                 sizeof ki);
        for (int j = 0; j < i; j++) {
            pref_key(in[j].kind, in[j].day, in[j].period, in[j].subject_id,
                     in[j].room_id, kj, sizeof kj);
            if (strcmp(ki, kj) == 0) {
                setup_error(errs, names, "preferences", i, NULL,
                            "Esta preferencia está repetida en la lista.");
                break;
            }
        }
    }
    return errs->n ? REC_INVALID : REC_OK;
}


int prefs_replace(struct store *s, const struct actor *actor,
                  int64_t staff_id, const struct pref_input *in, int n,
                  struct rec_errors *errs, struct setup_names *names,
                  json_t **obj_r, const char **error_r)
{
    *obj_r = NULL;
    if (store_begin(s, error_r) < 0)
        return REC_ERROR;
    json_t *before = NULL, *after = NULL;
    int rc = check_items(s, in, n, errs, names, error_r);
    if (rc != REC_OK)
        goto out;
    before = rows_of(s, PREF_SQL " WHERE p.staff_id = ?" PREF_ORDER,
                     staff_id, pref_row);
    char now[21];
    time_format_utc(time_now(), now);
    /* keep what is unchanged, delete the rest, insert the new ones */
    bool *kept = xcalloc((size_t)n + 1, sizeof *kept);
    size_t i;
    json_t *old;
    json_array_foreach(before, i, old) {
        char ko[96], kn[96];
        json_t *d = json_object_get(old, "day"), *pe = json_object_get(old, "period");
        pref_key(json_string_value(json_object_get(old, "kind")),
                 json_integer_value(d), json_integer_value(pe),
                 json_integer_value(json_object_get(old, "subject_id")),
                 json_integer_value(json_object_get(old, "room_id")), ko,
                 sizeof ko);
        const char *level = json_string_value(json_object_get(old, "level"));
        bool same = false;
        for (int j = 0; j < n && !same; j++) {
            pref_key(in[j].kind, in[j].day, in[j].period, in[j].subject_id,
                     in[j].room_id, kn, sizeof kn);
            if (strcmp(ko, kn) == 0 && strcmp(level, in[j].level) == 0)
                same = kept[j] = true;
        }
        if (!same &&
            db_run(s->conn, error_r,
                   "DELETE FROM teacher_preferences WHERE id = ?", "i",
                   (int64_t)json_integer_value(json_object_get(old, "id"))) <
                0) {
            rc = REC_ERROR;
            break;
        }
    }
    for (int j = 0; j < n && rc == REC_OK; j++) {
        const struct pref_input *p = &in[j];
        if (kept[j] || strcmp(p->level, "neutral") == 0)
            continue;
        bool time = strcmp(p->kind, "time") == 0;
        bool day = time || strcmp(p->kind, "day") == 0;
        if (db_run(s->conn, error_r,
                   "INSERT INTO teacher_preferences (staff_id, kind, day,"
                   " period, subject_id, room_id, level, status, created_at,"
                   " updated_at) VALUES (?, ?, NULLIF(?, 0), NULLIF(?, 0),"
                   " NULLIF(?, 0), NULLIF(?, 0), ?, 'pending', ?, ?)",
                   "itiiiittt", staff_id, p->kind, day ? p->day : 0,
                   time ? p->period : 0,
                   strcmp(p->kind, "subject") == 0 ? p->subject_id : 0,
                   strcmp(p->kind, "room") == 0 ? p->room_id : 0, p->level,
                   now, now) < 0)
            rc = REC_ERROR;
    }
    free(kept);
    if (rc != REC_OK)
        goto out;
    after = rows_of(s, PREF_SQL " WHERE p.staff_id = ?" PREF_ORDER, staff_id,
                    pref_row);
    if (!json_equal(before, after)) {
        json_t *b = json_pack("{s:O}", "preferences", before);
        json_t *a = json_pack("{s:O}", "preferences", after);
        if (rec_audit(s, actor, "update", "teacher_preferences", staff_id, b,
                      a, error_r) < 0)
            rc = REC_ERROR;
        json_decref(b);
        json_decref(a);
    }
    if (rc == REC_OK)
        *obj_r = mine_json(s, staff_id);
out:
    json_decref(before);
    json_decref(after);
    rc = finish(s, rc, error_r);
    if (rc != REC_OK) {
        json_decref(*obj_r);
        *obj_r = NULL;
    }
    return rc;
}

/* ---- the school admin's decision ---- */

static json_t *one_pref(struct store *s, int64_t id)
{
    struct db_stmt *st = db_query(s->conn, NULL, PREF_SQL " WHERE p.id = ?",
                                  "i", id);
    json_t *o = NULL;
    if (st && db_step(st, NULL) == DB_ROW)
        o = pref_row(st, NULL);
    db_finish(&st);
    return o;
}

int prefs_decide(struct store *s, const struct actor *actor, int64_t id,
                 bool approve, json_t **obj_r, const char **error_r)
{
    *obj_r = NULL;
    if (store_begin(s, error_r) < 0)
        return REC_ERROR;
    json_t *before = one_pref(s, id), *after = NULL;
    int rc = REC_NOT_FOUND;
    if (before) {
        rc = REC_OK;
        char now[21];
        time_format_utc(time_now(), now);
        if (db_run(s->conn, error_r,
                   "UPDATE teacher_preferences SET status = ?,"
                   " decided_by = NULLIF(?, 0), decided_at = ?,"
                   " updated_at = ? WHERE id = ?",
                   "titti", approve ? "approved" : "rejected",
                   actor->user_id, now, now, id) < 0)
            rc = REC_ERROR;
        after = one_pref(s, id);
        if (rc == REC_OK &&
            rec_audit(s, actor, approve ? "approve" : "reject",
                      "teacher_preference", id, before, after, error_r) < 0)
            rc = REC_ERROR;
    }
    json_decref(before);
    rc = finish(s, rc, error_r);
    if (rc == REC_OK)
        *obj_r = after;
    else
        json_decref(after);
    return rc;
}

int prefs_delete(struct store *s, const struct actor *actor, int64_t id,
                 const char **error_r)
{
    if (store_begin(s, error_r) < 0)
        return REC_ERROR;
    json_t *before = one_pref(s, id);
    int rc = REC_NOT_FOUND;
    if (before) {
        rc = REC_OK;
        if (db_run(s->conn, error_r,
                   "DELETE FROM teacher_preferences WHERE id = ?", "i",
                   id) < 0 ||
            rec_audit(s, actor, "delete", "teacher_preference", id, before,
                      NULL, error_r) < 0)
            rc = REC_ERROR;
    }
    json_decref(before);
    return finish(s, rc, error_r);
}
