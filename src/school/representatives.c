/*
 * Representatives (see students.h): one person per cédula, linked to each
 * of their children through student_representatives. A student's create or
 * update names them by id or by their fields; representative_resolve()
 * finds the person by cédula (creating them when new) and writes the fields
 * given, each change audited with what changed. Also the list (search by
 * names or cédula digits, paged by offset), one representative with their
 * children, and the PATCH of one.
 */
#include <stdio.h>
#include <string.h>

#include "core/util.h"
#include "school/students.h"

static const char *const genders[] = {"V", "H", NULL};

#define OPT(k, kind, max, msg) {k, kind, false, max, msg, NULL}
#define LINE100(k, what) OPT(k, STU_LINE, 100, what " admite hasta 100 caracteres.")

const struct rec_column representative_columns[] = {
    {"cedula", STU_CEDULA, true, 40,
     "Indique la cédula del representante (por ejemplo, V-12345678).", NULL},
    {"first_names", STU_LINE, true, 100,
     "Los nombres son obligatorios (máximo 100 caracteres).", NULL},
    {"last_names", STU_LINE, true, 100,
     "Los apellidos son obligatorios (máximo 100 caracteres).", NULL},
    {"gender", STU_ENUM, false, 1, "Indique el género: V (varón) o H (hembra).",
     genders},
    OPT("birth_date", STU_DATE, 40,
        "Indique la fecha de nacimiento (por ejemplo, 1985-03-09)."),
    LINE100("birth_parish", "La parroquia de nacimiento"),
    LINE100("birth_state", "El estado de nacimiento"),
    LINE100("nationality", "La nacionalidad"),
    LINE100("marital_status", "El estado civil"),
    OPT("blood_type", STU_LINE, 10,
        "El tipo de sangre admite hasta 10 caracteres (por ejemplo, O+)."),
    OPT("mobile_phone", STU_PHONE, 40,
        "Indique el teléfono celular (por ejemplo, 0414-1234567)."),
    OPT("home_phone", STU_PHONE, 40,
        "Indique el teléfono de habitación (por ejemplo, 0212-5551234)."),
    OPT("office_phone", STU_PHONE, 40,
        "Indique el teléfono de oficina (por ejemplo, 0212-5551234)."),
    OPT("email", STU_EMAIL, 254, "Indique un correo electrónico válido."),
    LINE100("profession", "La profesión"),
    LINE100("occupation", "La ocupación"),
    LINE100("company", "La empresa"),
    LINE100("monthly_income", "El ingreso mensual"),
    OPT("address", STU_TEXT, 300, "La dirección admite hasta 300 caracteres."),
    LINE100("city", "La ciudad"),
    LINE100("municipality", "El municipio"),
    LINE100("parish", "La parroquia"),
    LINE100("state", "El estado"),
    OPT("postal_code", STU_LINE, 20, "El código postal admite hasta 20 caracteres."),
    LINE100("country", "El país"),
    OPT("office_address", STU_TEXT, 300,
        "La dirección de oficina admite hasta 300 caracteres."),
    LINE100("office_city", "La ciudad de la oficina"),
    LINE100("office_state", "El estado de la oficina"),
    LINE100("office_country", "El país de la oficina"),
    LINE100("family_group", "El grupo familiar"),
};
const size_t representative_columns_count =
    sizeof representative_columns / sizeof representative_columns[0];

/* The representative's columns (+ id, cedula_raw, user_id, created_at,
 * updated_at), NULL when there is none (*rc_r says which). */
static json_t *rep_row(struct store *s, int64_t id, int *rc_r,
                       const char **error_r)
{
    char cols[1200], sql[1600];
    rec_column_list(representative_columns, representative_columns_count, "",
                    cols, sizeof cols);
    snprintf(sql, sizeof sql,
             "SELECT id, cedula_raw, user_id, created_at, updated_at, %s"
             " FROM representatives WHERE id = ?",
             cols);
    struct db_stmt *st = db_query(s->conn, error_r, sql, "i", id);
    int rc = st ? db_step(st, error_r) : DB_ERROR;
    json_t *o = NULL;
    if (rc == DB_ROW) {
        o = json_object();
        json_object_set_new(o, "id", json_integer(db_int(st, 0)));
        json_object_set_new(o, "cedula_raw", json_string(db_text(st, 1)));
        json_object_set_new(o, "user_id",
                            db_null(st, 2) ? json_null()
                                           : json_integer(db_int(st, 2)));
        json_object_set_new(o, "created_at", json_string(db_text(st, 3)));
        json_object_set_new(o, "updated_at", json_string(db_text(st, 4)));
        rec_row_columns(st, 5, representative_columns,
                        representative_columns_count, o);
        rc = STU_OK;
    } else if (rc == DB_DONE) {
        rc = STU_NOT_FOUND;
    }
    db_finish(&st);
    *rc_r = rc;
    return o;
}

static int audit_rep(struct store *s, const struct actor *actor,
                     const char *action, int64_t id, json_t *before,
                     json_t *after, const char **error_r)
{
    char ids[24];
    snprintf(ids, sizeof ids, "%lld", (long long)id);
    struct audit_entry e = {action, "representative", ids, before, after};
    return audit_write(s, actor, &e, error_r);
}

static int64_t rep_by_cedula(struct store *s, const char *cedula,
                             const char **error_r)
{
    int64_t id = 0;
    if (db_query_int(s->conn, error_r, &id,
                     "SELECT id FROM representatives WHERE cedula = ?", "t",
                     cedula) < 0)
        return -1;
    return id;
}

/* Writes the changed fields of `cols` into representative `cur` and audits
 * them; a cédula of another representative is a finding on `field`. */
static int rep_apply(struct store *s, const struct actor *actor, json_t *cur,
                     json_t *cols, const char *field,
                     struct rec_problems *probs, const char **error_r)
{
    int64_t id = json_integer_value(json_object_get(cur, "id"));
    json_t *before, *after;
    rec_diff(cur, cols, &before, &after);
    if (after == NULL)
        return 0;
    int rc = 0;
    const char *cedula = json_string_value(json_object_get(after, "cedula"));
    if (cedula) {
        int64_t other = rep_by_cedula(s, cedula, error_r);
        if (other < 0) {
            rc = -1;
        } else if (other && other != id) {
            char f[64];
            snprintf(f, sizeof f, "%s%scedula", field, *field ? "." : "");
            rec_problem(probs, f,
                        "Ya existe otro representante con esta cédula.");
        }
    }
    if (rc == 0 && !probs->n)
        rc = rec_update_row(s, "representatives", representative_columns,
                            representative_columns_count, id, after,
                            error_r) < 0 ||
                     audit_rep(s, actor, "update", id, before, after,
                               error_r) < 0
                 ? -1
                 : 0;
    json_decref(before);
    json_decref(after);
    return rc;
}

int representative_resolve(struct store *s, const struct actor *actor,
                           const struct rep_input *in, const char *field,
                           int64_t *id_r, struct rec_problems *probs,
                           const char **error_r)
{
    char f[64];
    int64_t id = in->id;
    *id_r = 0;
    if (id == 0) {
        const char *cedula =
            json_string_value(json_object_get(in->cols, "cedula"));
        if (cedula == NULL) { /* the handler requires one: defensive */
            snprintf(f, sizeof f, "%s.cedula", field);
            rec_problem(probs, f, "Indique la cédula del representante.");
            return 0;
        }
        id = rep_by_cedula(s, cedula, error_r);
        if (id < 0)
            return -1;
        if (id == 0) { /* a new person */
            static const char *const need[] = {"first_names", "last_names"};
            bool ok = true;
            for (int i = 0; i < 2; i++) {
                if (json_object_get(in->cols, need[i]) == NULL) {
                    snprintf(f, sizeof f, "%s.%s", field, need[i]);
                    rec_problem(probs, f,
                                i == 0 ? "Los nombres del representante son "
                                         "obligatorios."
                                       : "Los apellidos del representante "
                                         "son obligatorios.");
                    ok = false;
                }
            }
            if (!ok)
                return 0;
            int rc = rec_insert_row(s, "representatives",
                                    representative_columns,
                                    representative_columns_count, in->cols,
                                    &id, error_r);
            if (rc < 0 ||
                audit_rep(s, actor, "create", id, NULL, in->cols, error_r) < 0)
                return -1;
            *id_r = id;
            return 0;
        }
    }
    int rc;
    json_t *cur = rep_row(s, id, &rc, error_r);
    if (cur == NULL) {
        if (rc < 0)
            return rc;
        snprintf(f, sizeof f, "%s.id", field);
        rec_problem(probs, f, "El representante indicado no existe.");
        return 0;
    }
    rc = rep_apply(s, actor, cur, in->cols, field, probs, error_r);
    json_decref(cur);
    if (rc < 0)
        return -1;
    *id_r = id;
    return 0;
}

int representative_update(struct store *s, const struct actor *actor,
                          int64_t id, json_t *cols,
                          struct rec_problems *probs, const char **error_r)
{
    if (store_begin(s, error_r) < 0)
        return -1;
    int rc;
    json_t *cur = rep_row(s, id, &rc, error_r);
    if (cur == NULL) {
        store_end(s, false, NULL);
        return rc;
    }
    rc = rep_apply(s, actor, cur, cols, "", probs, error_r);
    json_decref(cur);
    if (rc < 0 || probs->n) {
        store_end(s, false, NULL);
        return rc < 0 ? -1 : STU_INVALID;
    }
    return store_end(s, true, error_r) < 0 ? -1 : STU_OK;
}

int representative_get(struct store *s, int64_t id, json_t **rep_r,
                       const char **error_r)
{
    store_lock(s);
    int rc;
    json_t *o = rep_row(s, id, &rc, error_r);
    if (o == NULL) {
        store_unlock(s);
        return rc;
    }
    json_t *children = json_array();
    struct db_stmt *st = db_query(
        s->conn, error_r,
        "SELECT st.id, st.first_names, st.last_names, st.section_id,"
        " g.name || ' ' || sec.letter, sr.relationship, st.status,"
        " sr.is_primary, sr.may_pick_up FROM student_representatives sr"
        " JOIN students st ON st.id = sr.student_id"
        " LEFT JOIN sections sec ON sec.id = st.section_id"
        " LEFT JOIN grades g ON g.id = sec.grade_id"
        " WHERE sr.representative_id = ?"
        " ORDER BY st.last_names, st.first_names, st.id",
        "i", id);
    rc = st ? DB_ROW : DB_ERROR;
    while (st && (rc = db_step(st, error_r)) == DB_ROW) {
        json_t *c = json_pack("{s:I,s:s,s:s}", "id", (json_int_t)db_int(st, 0),
                              "first_names", db_text(st, 1), "last_names",
                              db_text(st, 2));
        json_object_set_new(c, "section_id",
                            db_null(st, 3) ? json_null()
                                           : json_integer(db_int(st, 3)));
        json_object_set_new(c, "section",
                            db_null(st, 4) ? json_null()
                                           : json_string(db_text(st, 4)));
        json_object_set_new(c, "relationship", json_string(db_text(st, 5)));
        json_object_set_new(c, "status", json_string(db_text(st, 6)));
        json_object_set_new(c, "is_primary", json_boolean(db_int(st, 7)));
        json_object_set_new(c, "may_pick_up", json_boolean(db_int(st, 8)));
        json_array_append_new(children, c);
    }
    db_finish(&st);
    store_unlock(s);
    if (rc < 0) {
        json_decref(children);
        json_decref(o);
        return rc;
    }
    json_object_set_new(o, "children", children);
    *rep_r = o;
    return STU_OK;
}

#define QUERY_WORDS_MAX 5

int representatives_list(struct store *s, const char *q, int limit,
                         int64_t offset, json_t **items_r, int64_t *total_r,
                         const char **error_r)
{
    struct strbuf where;
    strbuf_init(&where);
    strbuf_adds(&where, " WHERE 1 = 1");
    struct db_value v[2 * QUERY_WORDS_MAX + 2];
    char folded[256], pats[QUERY_WORDS_MAX][80];
    int n = 0, words = 0;
    records_fold(q ? q : "", folded, sizeof folded);
    char *save = NULL;
    for (char *w = strtok_r(folded, " ", &save); w && words < QUERY_WORDS_MAX;
         w = strtok_r(NULL, " ", &save)) {
        char digits[40];
        size_t d = 0;
        for (const char *p = w; *p && d + 1 < sizeof digits; p++)
            if (*p >= '0' && *p <= '9')
                digits[d++] = *p;
        digits[d] = '\0';
        snprintf(pats[words], sizeof pats[words], "%%%s%%", d ? digits : w);
        if (d) {
            strbuf_adds(&where, " AND r.cedula LIKE ?");
        } else {
            strbuf_adds(&where, " AND lower(r.last_names || ' ' ||"
                                " r.first_names) LIKE ?");
        }
        v[n++] = (struct db_value){'t', pats[words], 0};
        words++;
    }
    if (store_begin_snapshot(s, error_r) < 0) {
        strbuf_cleanup(&where);
        return -1;
    }
    char sql[1024];
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM representatives r%s",
             where.data);
    int64_t total = 0;
    struct db_stmt *st = db_query_values(s->conn, error_r, sql, n, v);
    int rc = st ? db_step(st, error_r) : DB_ERROR;
    if (rc == DB_ROW)
        total = db_int(st, 0);
    db_finish(&st);
    json_t *items = json_array();
    if (rc >= 0) {
        snprintf(sql, sizeof sql,
                 "SELECT r.id, r.cedula, r.first_names, r.last_names,"
                 " r.mobile_phone, r.email, (SELECT COUNT(*) FROM"
                 " student_representatives sr WHERE sr.representative_id ="
                 " r.id) FROM representatives r%s"
                 " ORDER BY r.last_names, r.first_names, r.id"
                 " LIMIT ? OFFSET ?",
                 where.data);
        v[n] = (struct db_value){'i', NULL, limit};
        v[n + 1] = (struct db_value){'i', NULL, offset};
        st = db_query_values(s->conn, error_r, sql, n + 2, v);
        rc = st ? DB_ROW : DB_ERROR;
        while (st && (rc = db_step(st, error_r)) == DB_ROW)
            json_array_append_new(
                items,
                json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:I}", "id",
                          (json_int_t)db_int(st, 0), "cedula", db_text(st, 1),
                          "first_names", db_text(st, 2), "last_names",
                          db_text(st, 3), "mobile_phone", db_text(st, 4),
                          "email", db_text(st, 5), "children",
                          (json_int_t)db_int(st, 6)));
        db_finish(&st);
    }
    strbuf_cleanup(&where);
    if (store_end(s, rc >= 0, error_r) < 0 || rc < 0) {
        json_decref(items);
        return -1;
    }
    *items_r = items;
    *total_r = total;
    return 0;
}
