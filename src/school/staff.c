/*
 * The school's staff (records.h): teachers and other staff with their
 * cédula (normalized, unique), names, email, phone, cargo from a fixed
 * list, maximum weekly periods (carga horaria), whether they are active,
 * the school user they may be linked to, and the subjects a teacher can
 * teach (staff_subjects). The handler normalizes the cédula, phone and
 * email with the ve_* checks; this module checks what needs the store
 * (a free cédula, a user and subjects that exist) and writes with the
 * audit row.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "school/records.h"

const char *const staff_cargos[] = {
    "Director(a)", "Subdirector(a)", "Secretario(a)",  "Coordinador(a)",
    "Docente",     "Administrativo", "Obrero",         "Otro",
    NULL};

json_t *school_staff_json(struct store *s, int64_t id)
{
    struct db_stmt *st = db_query(
        s->conn, NULL,
        "SELECT id, cedula, first_names, last_names, email, phone, cargo,"
        " max_weekly_periods, active, user_id FROM staff WHERE id = ?",
        "i", id);
    json_t *o = NULL;
    if (st && db_step(st, NULL) == DB_ROW)
        o = json_pack(
            "{s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:I,s:b,s:o,s:[],s:[]}", "id",
            (json_int_t)db_int(st, 0), "cedula", db_text(st, 1),
            "first_names", db_text(st, 2), "last_names", db_text(st, 3),
            "email", db_text(st, 4), "phone", db_text(st, 5), "cargo",
            db_text(st, 6), "max_weekly_periods", (json_int_t)db_int(st, 7),
            "active", db_int(st, 8) != 0, "user_id",
            db_null(st, 9) ? json_null() : json_integer(db_int(st, 9)),
            "subject_ids", "subjects");
    db_finish(&st);
    if (o == NULL)
        return NULL;
    json_t *ids = json_object_get(o, "subject_ids");
    json_t *subjects = json_object_get(o, "subjects");
    st = db_query(s->conn, NULL,
                  "SELECT su.id, su.name FROM staff_subjects ss"
                  " JOIN subjects su ON su.id = ss.subject_id"
                  " WHERE ss.staff_id = ? ORDER BY su.name, su.id",
                  "i", id);
    while (st && db_step(st, NULL) == DB_ROW) {
        json_array_append_new(ids, json_integer(db_int(st, 0)));
        json_array_append_new(subjects,
                              json_pack("{s:I,s:s}", "id",
                                        (json_int_t)db_int(st, 0), "name",
                                        db_text(st, 1)));
    }
    db_finish(&st);
    return o;
}

/* `q` as a LIKE pattern "%q%" (lowercased, with % _ \ escaped). The
 * Latin-1 capitals (Á É Í Ñ Ó Ú Ü: C3 80..C3 9E) are lowered too, since
 * SQLite's lower() leaves them as they are. */
static void like_pattern(const char *q, char *out, size_t n)
{
    size_t j = 0;
    if (j + 1 < n)
        out[j++] = '%';
    for (const char *p = q; *p && j + 3 < n; p++) {
        char c = *p;
        if (c >= 'A' && c <= 'Z')
            c = (char)(c + 32);
        if ((unsigned char)c == 0xc3 && (unsigned char)p[1] >= 0x80 &&
            (unsigned char)p[1] <= 0x9e && (unsigned char)p[1] != 0x97) {
            out[j++] = c;
            out[j++] = (char)(p[1] + 0x20);
            p++;
            continue;
        }
        if (c == '%' || c == '_' || c == '\\')
            out[j++] = '\\';
        out[j++] = c;
    }
    if (j + 1 < n)
        out[j++] = '%';
    out[j] = '\0';
}

int school_staff_list(struct store *s, const char *q, json_t **items_r,
                      const char **error_r)
{
    *items_r = NULL;
    char pat[256] = "%", digits[64] = "%";
    size_t nd = 1;
    if (q && *q) {
        like_pattern(q, pat, sizeof pat);
        for (const char *p = q; *p && nd + 2 < sizeof digits; p++)
            if (*p >= '0' && *p <= '9')
                digits[nd++] = *p;
    }
    digits[nd++] = '%';
    digits[nd] = '\0';
    /* fewer than three digits is no cédula search */
    bool by_cedula = nd >= 5;
    store_lock(s);
    struct db_stmt *st = db_query(
        s->conn, error_r,
        "SELECT id FROM staff WHERE lower(first_names || ' ' || last_names)"
        " LIKE ? ESCAPE '\\' OR lower(last_names || ' ' || first_names)"
        " LIKE ? ESCAPE '\\' OR (? = 1 AND cedula LIKE ?)"
        " ORDER BY last_names, first_names, id",
        "ttit", pat, pat, (int64_t)by_cedula, digits);
    int64_t *ids = NULL;
    size_t n = 0, cap = 0;
    int rc = st ? 0 : -1;
    while (st && (rc = db_step(st, error_r)) == DB_ROW) {
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            ids = xrealloc(ids, cap * sizeof *ids);
        }
        ids[n++] = db_int(st, 0);
    }
    db_finish(&st);
    json_t *items = json_array();
    for (size_t i = 0; rc >= 0 && i < n; i++) {
        json_t *o = school_staff_json(s, ids[i]);
        if (o)
            json_array_append_new(items, o);
    }
    store_unlock(s);
    free(ids);
    if (rc < 0) {
        json_decref(items);
        return -1;
    }
    *items_r = items;
    return 0;
}

static int finish(struct store *s, int rc, const char **error_r)
{
    if (store_end(s, rc == REC_OK, rc == REC_OK ? error_r : NULL) < 0 &&
        rc == REC_OK)
        return REC_ERROR;
    return rc;
}

static const char *member(json_t *o, const char *k)
{
    const char *v = json_string_value(json_object_get(o, k));
    return v ? v : "";
}

/* Findings that need the store. */
static int staff_validate(struct store *s, int64_t id,
                          const struct staff_input *in, const char *cedula,
                          struct rec_errors *errs, const char **error_r)
{
    int64_t found = 0;
    if (in->has_user && in->user_id != 0) {
        if (db_query_int(s->conn, error_r, &found,
                         "SELECT id FROM users WHERE id = ?", "i",
                         in->user_id) < 0)
            return REC_ERROR;
        if (found == 0)
            rec_error(errs, "user_id", "El usuario indicado no existe.");
        found = 0;
        if (db_query_int(s->conn, error_r, &found,
                         "SELECT id FROM staff WHERE user_id = ? AND id <> ?",
                         "ii", in->user_id, id) < 0)
            return REC_ERROR;
        if (found)
            rec_error(errs, "user_id",
                      "Ese usuario ya está vinculado a otro miembro del "
                      "personal.");
    }
    for (int i = 0; in->has_subjects && i < in->subjects_n; i++) {
        found = 0;
        if (db_query_int(s->conn, error_r, &found,
                         "SELECT id FROM subjects WHERE id = ?", "i",
                         in->subject_ids[i]) < 0)
            return REC_ERROR;
        if (found == 0) {
            rec_error(errs, "subject_ids",
                      "Alguna de las materias indicadas no existe.");
            break;
        }
    }
    if (errs->n)
        return REC_INVALID;
    found = 0;
    if (db_query_int(s->conn, error_r, &found,
                     "SELECT id FROM staff WHERE cedula = ? AND id <> ?",
                     "ti", cedula, id) < 0)
        return REC_ERROR;
    if (found) {
        rec_error(errs, "cedula",
                  "Ya hay un miembro del personal con esa cédula.");
        return REC_CONFLICT;
    }
    return REC_OK;
}

int school_staff_write(struct store *s, const struct actor *actor,
                       int64_t id, const struct staff_input *in,
                       struct rec_errors *errs, json_t **staff_r,
                       const char **error_r)
{
    *staff_r = NULL;
    if (store_begin(s, error_r) < 0)
        return REC_ERROR;
    json_t *before = NULL, *after = NULL;
    int rc = REC_OK;
    if (id) {
        before = school_staff_json(s, id);
        if (before == NULL) {
            rc = REC_NOT_FOUND;
            goto out;
        }
    }
    const char *cedula = in->has_cedula ? in->cedula : member(before, "cedula");
    const char *first =
        in->has_first ? in->first_names : member(before, "first_names");
    const char *last =
        in->has_last ? in->last_names : member(before, "last_names");
    const char *email = in->has_email ? in->email : member(before, "email");
    const char *phone = in->has_phone ? in->phone : member(before, "phone");
    const char *cargo = in->has_cargo ? in->cargo
                        : before      ? member(before, "cargo")
                                      : "Docente";
    int64_t maxp =
        in->has_max ? in->max_weekly_periods
                    : json_integer_value(
                          json_object_get(before, "max_weekly_periods"));
    bool active = in->has_active ? in->active
                  : before       ? json_is_true(json_object_get(before, "active"))
                                 : true;
    int64_t user = in->has_user ? in->user_id
                                : json_integer_value(
                                      json_object_get(before, "user_id"));
    rc = staff_validate(s, id, in, cedula, errs, error_r);
    if (rc != REC_OK)
        goto out;
    char now[21];
    time_format_utc(time_now(), now);
    rc = REC_ERROR;
    if (id == 0) {
        if (db_query_int(s->conn, error_r, &id,
                         "INSERT INTO staff (cedula, cedula_raw, first_names,"
                         " last_names, email, phone, cargo,"
                         " max_weekly_periods, active, user_id, created_at,"
                         " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?,"
                         " NULLIF(?, 0), ?, ?) RETURNING id",
                         "tttttttiiitt", cedula, in->cedula_raw, first, last,
                         email, phone, cargo, maxp, (int64_t)active, user,
                         now, now) < 0 ||
            id == 0)
            goto out;
    } else if (db_run(s->conn, error_r,
                      "UPDATE staff SET cedula = ?, first_names = ?,"
                      " last_names = ?, email = ?, phone = ?, cargo = ?,"
                      " max_weekly_periods = ?, active = ?,"
                      " user_id = NULLIF(?, 0), updated_at = ? WHERE id = ?",
                      "ttttttiiiti", cedula, first, last, email, phone, cargo,
                      maxp, (int64_t)active, user, now, id) < 0 ||
               (in->has_cedula &&
                db_run(s->conn, error_r,
                       "UPDATE staff SET cedula_raw = ? WHERE id = ?", "ti",
                       in->cedula_raw, id) < 0))
        goto out;
    if (in->has_subjects) {
        if (db_run(s->conn, error_r,
                   "DELETE FROM staff_subjects WHERE staff_id = ?", "i",
                   id) < 0)
            goto out;
        for (int i = 0; i < in->subjects_n; i++) {
            bool dup = false;
            for (int k = 0; k < i; k++)
                dup = dup || in->subject_ids[k] == in->subject_ids[i];
            if (!dup && db_run(s->conn, error_r,
                               "INSERT INTO staff_subjects (staff_id,"
                               " subject_id) VALUES (?, ?)",
                               "ii", id, in->subject_ids[i]) < 0)
                goto out;
        }
    }
    after = school_staff_json(s, id);
    rc = REC_OK;
    if (!json_equal(before, after) &&
        rec_audit(s, actor, before ? "update" : "create", "staff", id, before,
                  after, error_r) < 0)
        rc = REC_ERROR;
out:
    json_decref(before);
    rc = finish(s, rc, error_r);
    if (rc == REC_OK)
        *staff_r = after;
    else
        json_decref(after);
    return rc;
}
