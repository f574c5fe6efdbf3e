/*
 * Bell schedules (setup.h): a named day of class periods and breaks with
 * their start and end times ("HH:MM") and the school days it applies to
 * (a bit mask, 31 = lunes a viernes), kept in bell_schedules and
 * bell_periods; each section follows one (sections.bell_schedule_id).
 * A school may have several (Primaria and Media General, or a morning
 * and an afternoon shift). Writing a schedule's periods replaces the
 * whole day, since positions are its order. The UEIPAB day is offered as
 * a template. Also the few helpers the set-up modules share.
 */
#include <stdio.h>
#include <string.h>

#include "core/util.h"
#include "db/rows.h"
#include "school/setup.h"

/* ---- shared helpers ---- */

void setup_error(struct rec_errors *errs, struct setup_names *names,
                 const char *list, int i, const char *member,
                 const char *message)
{
    if (names->n >= REC_ERRORS_MAX)
        return;
    char *name = names->s[names->n++];
    if (member)
        snprintf(name, sizeof names->s[0], "%s[%d].%s", list, i, member);
    else
        snprintf(name, sizeof names->s[0], "%s[%d]", list, i);
    rec_error(errs, name, message);
}

const char *setup_day_name(int day)
{
    static const char *const names[] = {"",       "lunes",  "martes",
                                        "miércoles", "jueves", "viernes",
                                        "sábado", "domingo"};
    return day >= 1 && day <= 7 ? names[day] : "";
}

static int finish(struct store *s, int rc, const char **error_r)
{
    if (store_end(s, rc == REC_OK, rc == REC_OK ? error_r : NULL) < 0 &&
        rc == REC_OK)
        return REC_ERROR;
    return rc;
}

/* ---- checks and the template ---- */

static bool time_ok(const char *t)
{
    return strlen(t) == 5 && t[0] >= '0' && t[0] <= '2' && t[1] >= '0' &&
           t[1] <= '9' && t[2] == ':' && t[3] >= '0' && t[3] <= '5' &&
           t[4] >= '0' && t[4] <= '9' && (t[0] < '2' || t[1] <= '3');
}

void bells_check_rows(const struct bell_input *in, struct rec_errors *errs,
                      struct setup_names *names)
{
    int nclass = 0;
    const char *prev_end = NULL;
    for (int i = 0; i < in->nrows; i++) {
        const struct bell_row_input *row = &in->rows[i];
        bool ok = true;
        if (!time_ok(row->starts_at)) {
            setup_error(errs, names, "periods", i, "starts_at",
                        "La hora de inicio debe escribirse HH:MM (por "
                        "ejemplo 07:00).");
            ok = false;
        }
        if (!time_ok(row->ends_at)) {
            setup_error(errs, names, "periods", i, "ends_at",
                        "La hora de fin debe escribirse HH:MM (por ejemplo "
                        "07:40).");
            ok = false;
        }
        if (ok && strcmp(row->starts_at, row->ends_at) >= 0) {
            setup_error(errs, names, "periods", i, "ends_at",
                        "Cada hora o receso debe terminar después de "
                        "empezar.");
            ok = false;
        }
        if (ok && prev_end && strcmp(row->starts_at, prev_end) < 0)
            setup_error(errs, names, "periods", i, "starts_at",
                        "Las horas van en orden y no se solapan: esta "
                        "empieza antes de que termine la anterior.");
        if (ok)
            prev_end = row->ends_at;
        if (!row->is_break)
            nclass++;
    }
    if (in->nrows > 0 && in->rows[0].is_break)
        setup_error(errs, names, "periods", 0, "kind",
                    "El día no puede empezar con un receso.");
    else if (in->nrows > 1 && in->rows[in->nrows - 1].is_break)
        setup_error(errs, names, "periods", in->nrows - 1, "kind",
                    "El día no puede terminar con un receso.");
    if (nclass == 0)
        rec_error(errs, "periods",
                  "El horario necesita al menos una hora de clase.");
}

void bells_template_ueipab(struct bell_input *in)
{
    static const char *const rows[][3] = {
        {"c", "07:00", "07:40"}, {"c", "07:40", "08:20"},
        {"c", "08:20", "09:00"}, {"c", "09:00", "09:40"},
        {"b", "09:40", "10:00"}, {"c", "10:00", "10:40"},
        {"c", "10:40", "11:20"}, {"c", "11:20", "12:00"},
        {"c", "12:00", "12:40"}, {"b", "12:40", "13:00"},
        {"c", "13:00", "13:40"}, {"c", "13:40", "14:20"}};
    if (!in->has_name)
        str_copy(in->name, sizeof in->name, "Horario UEIPAB");
    in->has_name = in->has_days = in->has_periods = true;
    in->days = 31;
    in->nrows = (int)(sizeof rows / sizeof rows[0]);
    for (int i = 0; i < in->nrows; i++) {
        in->rows[i].is_break = rows[i][0][0] == 'b';
        str_copy(in->rows[i].starts_at, sizeof in->rows[i].starts_at,
                 rows[i][1]);
        str_copy(in->rows[i].ends_at, sizeof in->rows[i].ends_at,
                 rows[i][2]);
    }
}

/* ---- reading ---- */

json_t *bells_json(struct store *s, int64_t id)
{
    struct db_stmt *st = db_query(
        s->conn, NULL,
        "SELECT id, name, days, created_at, updated_at FROM bell_schedules"
        " WHERE id = ?",
        "i", id);
    json_t *o = NULL;
    if (st && db_step(st, NULL) == DB_ROW) {
        json_t *days = json_array();
        int mask = (int)db_int(st, 2);
        for (int d = 1; d <= 7; d++)
            if (mask & (1 << (d - 1)))
                json_array_append_new(days, json_integer(d));
        o = json_pack("{s:I,s:s,s:o,s:[],s:i,s:[],s:s,s:s}", "id",
                      (json_int_t)db_int(st, 0), "name", db_text(st, 1),
                      "days", days, "periods", "class_periods", 0,
                      "sections", "created_at", db_text(st, 3),
                      "updated_at", db_text(st, 4));
    }
    db_finish(&st);
    if (o == NULL)
        return NULL;
    json_t *periods = json_object_get(o, "periods");
    int number = 0;
    st = db_query(s->conn, NULL,
                  "SELECT position, kind, starts_at, ends_at FROM bell_periods"
                  " WHERE schedule_id = ? ORDER BY position",
                  "i", id);
    while (st && db_step(st, NULL) == DB_ROW) {
        bool is_break = strcmp(db_text(st, 1), "break") == 0;
        json_array_append_new(
            periods,
            json_pack("{s:I,s:s,s:o,s:s,s:s}", "position",
                      (json_int_t)db_int(st, 0), "kind", db_text(st, 1),
                      "number",
                      is_break ? json_null() : json_integer(++number),
                      "starts_at", db_text(st, 2), "ends_at",
                      db_text(st, 3)));
    }
    db_finish(&st);
    json_object_set_new(o, "class_periods", json_integer(number));
    json_t *sections = json_object_get(o, "sections");
    st = db_query(s->conn, NULL,
                  "SELECT sc.id, g.name, sc.letter FROM sections sc"
                  " JOIN grades g ON g.id = sc.grade_id"
                  " JOIN school_years y ON y.id = sc.year_id"
                  " WHERE sc.bell_schedule_id = ?"
                  " ORDER BY y.starts_on DESC, g.level, g.number, sc.letter",
                  "i", id);
    while (st && db_step(st, NULL) == DB_ROW) {
        char name[64];
        snprintf(name, sizeof name, "%s %s", db_text(st, 1), db_text(st, 2));
        json_array_append_new(sections,
                              json_pack("{s:I,s:s}", "id",
                                        (json_int_t)db_int(st, 0), "name",
                                        name));
    }
    db_finish(&st);
    return o;
}

int bells_list(struct store *s, json_t **items_r, const char **error_r)
{
    *items_r = NULL;
    store_lock(s);
    struct db_stmt *st = db_query(
        s->conn, error_r, "SELECT id FROM bell_schedules ORDER BY name, id",
        "");
    int64_t ids[BELLS_MAX];
    int n = 0, rc = st ? 0 : -1;
    while (st && (rc = db_step(st, error_r)) == DB_ROW)
        if (n < BELLS_MAX)
            ids[n++] = db_int(st, 0);
    db_finish(&st);
    if (rc < 0) {
        store_unlock(s);
        return -1;
    }
    json_t *items = json_array();
    for (int i = 0; i < n; i++) {
        json_t *o = bells_json(s, ids[i]);
        if (o)
            json_array_append_new(items, o);
    }
    store_unlock(s);
    *items_r = items;
    return 0;
}

int bells_get(struct store *s, int64_t id, json_t **obj_r,
              const char **error_r)
{
    (void)error_r;
    store_lock(s);
    *obj_r = bells_json(s, id);
    store_unlock(s);
    return *obj_r ? REC_OK : REC_NOT_FOUND;
}

/* ---- writing ---- */

static int write_rows(struct store *s, int64_t id,
                      const struct bell_input *in, const char **error_r)
{
    if (db_run(s->conn, error_r,
               "DELETE FROM bell_periods WHERE schedule_id = ?", "i",
               id) < 0)
        return -1;
    for (int i = 0; i < in->nrows; i++)
        if (db_run(s->conn, error_r,
                   "INSERT INTO bell_periods (schedule_id, position, kind,"
                   " starts_at, ends_at) VALUES (?, ?, ?, ?, ?)",
                   "iittt", id, (int64_t)(i + 1),
                   in->rows[i].is_break ? "break" : "class",
                   in->rows[i].starts_at, in->rows[i].ends_at) < 0)
            return -1;
    return 0;
}

int bells_write(struct store *s, const struct actor *actor, int64_t id,
                const struct bell_input *in, struct rec_errors *errs,
                struct setup_names *names, json_t **obj_r,
                const char **error_r)
{
    *obj_r = NULL;
    if (id == 0) {
        if (!in->has_name)
            rec_error(errs, "name", "Indique el nombre del horario.");
        if (!in->has_periods)
            rec_error(errs, "periods",
                      "Indique las horas de clase y los recesos del día.");
    }
    if (in->has_periods)
        bells_check_rows(in, errs, names);
    if (errs->n)
        return REC_INVALID;
    if (store_begin(s, error_r) < 0)
        return REC_ERROR;
    json_t *before = NULL, *after = NULL;
    int rc = REC_OK;
    if (id) {
        before = bells_json(s, id);
        if (before == NULL) {
            rc = REC_NOT_FOUND;
            goto out;
        }
    }
    if (id == 0) {
        /* a limit on what a list and a page show */
        int64_t count = 0;
        if (db_query_int(s->conn, error_r, &count,
                         "SELECT COUNT(*) FROM bell_schedules", "") < 0) {
            rc = REC_ERROR;
            goto out;
        }
        if (count >= BELLS_MAX) {
            rec_error(errs, "name",
                      "El plantel ya tiene 100 horarios de timbres: elimine "
                      "uno que no use antes de crear otro.");
            rc = REC_INVALID;
            goto out;
        }
    }
    if (in->has_name) {
        int64_t other = 0;
        if (db_query_int(s->conn, error_r, &other,
                         "SELECT id FROM bell_schedules WHERE name = ?"
                         " AND id <> ?",
                         "ti", in->name, id) < 0) {
            rc = REC_ERROR;
            goto out;
        }
        if (other) {
            rec_error(errs, "name", "Ya existe un horario con ese nombre.");
            rc = REC_CONFLICT;
            goto out;
        }
    }
    char now[21];
    time_format_utc(time_now(), now);
    if (id == 0) {
        if (db_query_int(s->conn, error_r, &id,
                         "INSERT INTO bell_schedules (name, days, created_at,"
                         " updated_at) VALUES (?, ?, ?, ?) RETURNING id",
                         "titt", in->name,
                         (int64_t)(in->has_days ? in->days : 31), now,
                         now) < 0 ||
            id == 0) {
            rc = REC_ERROR;
            goto out;
        }
    } else if ((in->has_name &&
                db_run(s->conn, error_r,
                       "UPDATE bell_schedules SET name = ? WHERE id = ?",
                       "ti", in->name, id) < 0) ||
               (in->has_days &&
                db_run(s->conn, error_r,
                       "UPDATE bell_schedules SET days = ? WHERE id = ?",
                       "ii", (int64_t)in->days, id) < 0)) {
        rc = REC_ERROR;
        goto out;
    }
    if (in->has_periods && write_rows(s, id, in, error_r) < 0) {
        rc = REC_ERROR;
        goto out;
    }
    after = bells_json(s, id);
    if (before)
        json_object_set(after, "updated_at",
                        json_object_get(before, "updated_at"));
    if (!json_equal(before, after)) {
        json_decref(after);
        after = NULL;
        if (before && db_run(s->conn, error_r,
                             "UPDATE bell_schedules SET updated_at = ?"
                             " WHERE id = ?",
                             "ti", now, id) < 0) {
            rc = REC_ERROR;
            goto out;
        }
        after = bells_json(s, id);
        if (rec_audit(s, actor, before ? "update" : "create",
                      "bell_schedule", id, before, after, error_r) < 0)
            rc = REC_ERROR;
    }
out:
    json_decref(before);
    rc = finish(s, rc, error_r);
    if (rc == REC_OK)
        *obj_r = after;
    else
        json_decref(after);
    return rc;
}

int bells_delete(struct store *s, const struct actor *actor, int64_t id,
                 const char **error_r)
{
    if (store_begin(s, error_r) < 0)
        return REC_ERROR;
    json_t *before = bells_json(s, id);
    int rc = REC_NOT_FOUND;
    if (before) {
        rc = REC_OK;
        /* ON DELETE SET NULL would leave no audit row on the sections */
        if (db_run(s->conn, error_r,
                   "UPDATE sections SET bell_schedule_id = NULL"
                   " WHERE bell_schedule_id = ?",
                   "i", id) < 0 ||
            db_run(s->conn, error_r,
                   "DELETE FROM bell_schedules WHERE id = ?", "i", id) < 0 ||
            rec_audit(s, actor, "delete", "bell_schedule", id, before, NULL,
                      error_r) < 0)
            rc = REC_ERROR;
    }
    json_decref(before);
    return finish(s, rc, error_r);
}

int bells_apply(struct store *s, const struct actor *actor, int64_t id,
                const int64_t *section_ids, int n, struct rec_errors *errs,
                json_t **obj_r, const char **error_r)
{
    *obj_r = NULL;
    if (store_begin(s, error_r) < 0)
        return REC_ERROR;
    int rc = REC_OK;
    json_t *sched = bells_json(s, id);
    if (sched == NULL) {
        rc = REC_NOT_FOUND;
        goto out;
    }
    for (int i = 0; i < n; i++) {
        json_t *sec = school_section_json(s, section_ids[i]);
        if (sec == NULL) {
            rec_error(errs, "section_ids",
                      "Una de las secciones indicadas no existe.");
            rc = REC_INVALID;
            goto out;
        }
        json_decref(sec);
    }
    for (int i = 0; i < n && rc == REC_OK; i++) {
        json_t *before = school_section_json(s, section_ids[i]);
        if (db_run(s->conn, error_r,
                   "UPDATE sections SET bell_schedule_id = ? WHERE id = ?",
                   "ii", id, section_ids[i]) < 0)
            rc = REC_ERROR;
        json_t *after = school_section_json(s, section_ids[i]);
        if (rc == REC_OK && !json_equal(before, after) &&
            rec_audit(s, actor, "update", "section", section_ids[i], before,
                      after, error_r) < 0)
            rc = REC_ERROR;
        json_decref(before);
        json_decref(after);
    }
    if (rc == REC_OK) {
        json_decref(sched);
        sched = bells_json(s, id);
    }
out:
    rc = finish(s, rc, error_r);
    if (rc == REC_OK)
        *obj_r = sched;
    else
        json_decref(sched);
    return rc;
}
