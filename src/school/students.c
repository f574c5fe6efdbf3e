/*
 * Students and their enrolment history (see students.h): the column table
 * the handlers read requests with, create / update (a section change is a
 * move recorded in enrolments) / withdraw, the student as the API shows it
 * and the paged, searchable list. Also the small record helpers
 * representatives.c shares: rows as JSON, the diff an audit row holds,
 * INSERT and UPDATE built from a column table (names come from the table,
 * never from the request; values are bound).
 *
 * The list: search_text (migration 005) holds the names without accents and
 * the cédula's digits; each word of the query must appear in it (LIKE, so
 * the query is folded the same way first and holds no wildcard). The order
 * (last_names, first_names, id) and the section filter have their indexes;
 * the cursor is the offset of the next page.
 */
#include "school/students.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/tz.h"
#include "core/tzcache.h"
#include "core/util.h"

static const char *const genders[] = {"V", "H", NULL};
static const char *const statuses[] = {"activo", "retirado", "graduado",
                                       "no_inscrito", NULL};
static const char *const conditions[] = {"regular", "repitiente",
                                         "arrastra_materias", NULL};

#define OPT(k, kind, max, msg) {k, kind, false, max, msg, NULL}

const struct rec_column student_columns[] = {
    {"cedula", STU_CEDULA, true, 40,
     "Indique la cédula de identidad o la cédula escolar.", NULL},
    OPT("cedula_escolar", STU_FLAG, 0,
        "Indique si la cédula es una cédula escolar (true o false)."),
    {"first_names", STU_LINE, true, 100,
     "Los nombres son obligatorios (máximo 100 caracteres).", NULL},
    {"last_names", STU_LINE, true, 100,
     "Los apellidos son obligatorios (máximo 100 caracteres).", NULL},
    {"gender", STU_ENUM, true, 1, "Indique el género: V (varón) o H (hembra).",
     genders},
    {"birth_date", STU_BIRTH_DATE, true, 40,
     "Indique la fecha de nacimiento (por ejemplo, 2015-03-09).", NULL},
    OPT("birth_city", STU_LINE, 100,
        "La ciudad de nacimiento admite hasta 100 caracteres."),
    OPT("birth_municipality", STU_LINE, 100,
        "El municipio de nacimiento admite hasta 100 caracteres."),
    OPT("birth_parish", STU_LINE, 100,
        "La parroquia de nacimiento admite hasta 100 caracteres."),
    OPT("birth_state", STU_LINE, 100,
        "El estado de nacimiento admite hasta 100 caracteres."),
    OPT("nationality", STU_LINE, 100,
        "La nacionalidad admite hasta 100 caracteres."),
    OPT("blood_type", STU_LINE, 10,
        "El tipo de sangre admite hasta 10 caracteres (por ejemplo, O+)."),
    OPT("allergies", STU_TEXT, 1000, "Las alergias admiten hasta 1000 caracteres."),
    OPT("medical_conditions", STU_TEXT, 1000,
        "Las condiciones médicas admiten hasta 1000 caracteres."),
    OPT("address", STU_TEXT, 300, "La dirección admite hasta 300 caracteres."),
    OPT("city", STU_LINE, 100, "La ciudad admite hasta 100 caracteres."),
    OPT("municipality", STU_LINE, 100, "El municipio admite hasta 100 caracteres."),
    OPT("parish", STU_LINE, 100, "La parroquia admite hasta 100 caracteres."),
    OPT("state", STU_LINE, 100, "El estado admite hasta 100 caracteres."),
    OPT("postal_code", STU_LINE, 20, "El código postal admite hasta 20 caracteres."),
    OPT("country", STU_LINE, 100, "El país admite hasta 100 caracteres."),
    OPT("phone", STU_PHONE, 40, "Indique el teléfono (por ejemplo, 0414-1234567)."),
    OPT("email", STU_EMAIL, 254, "Indique un correo electrónico válido."),
    OPT("family_group", STU_LINE, 100,
        "El grupo familiar admite hasta 100 caracteres."),
    OPT("payment_condition", STU_LINE, 100,
        "La condición de pago admite hasta 100 caracteres."),
    {"status", STU_ENUM, false, 20,
     "El estatus no es válido (activo, retirado, graduado o no_inscrito).",
     statuses},
    {"academic_condition", STU_ENUM, false, 20,
     "La condición no es válida (regular, repitiente o arrastra_materias).",
     conditions},
};
const size_t student_columns_count =
    sizeof student_columns / sizeof student_columns[0];

const struct rec_column authorized_columns[] = {
    {"first_names", STU_LINE, true, 100,
     "Los nombres son obligatorios (máximo 100 caracteres).", NULL},
    {"last_names", STU_LINE, true, 100,
     "Los apellidos son obligatorios (máximo 100 caracteres).", NULL},
    OPT("cedula", STU_CEDULA, 40,
        "Indique la cédula (por ejemplo, V-12345678)."),
    OPT("phone", STU_PHONE, 40, "Indique el teléfono (por ejemplo, 0414-1234567)."),
};
const size_t authorized_columns_count =
    sizeof authorized_columns / sizeof authorized_columns[0];

/* ---- helpers shared with representatives.c ---------------------------- */

void rec_problem(struct rec_problems *p, const char *field,
                 const char *message)
{
    for (int i = 0; i < p->n; i++)
        if (strcmp(p->p[i].field, field) == 0)
            return;
    if (p->n < STU_PROBLEMS_MAX) {
        str_copy(p->p[p->n].field, sizeof p->p[p->n].field, field);
        p->p[p->n].message = message;
        p->n++;
    }
}

void student_input_free(struct student_input *in)
{
    json_decref(in->cols);
    in->cols = NULL;
    for (int i = 0; i < STUDENT_REPS_MAX; i++) {
        json_decref(in->reps[i].cols);
        in->reps[i].cols = NULL;
    }
    for (int i = 0; i < STUDENT_AUTHORIZED_MAX; i++) {
        json_decref(in->authorized[i]);
        in->authorized[i] = NULL;
    }
}

void records_today(struct store *s, char out[11])
{
    char name[TZ_NAME_MAX + 1] = TZ_DEFAULT_NAME;
    struct db_stmt *st = db_query(
        s->conn, NULL, "SELECT value FROM tenant_settings WHERE key = 'timezone'",
        "");
    if (st && db_step(st, NULL) == DB_ROW)
        str_copy(name, sizeof name, db_text(st, 0));
    db_finish(&st);
    tz_local_date(tz_cached(name), time_now(), out);
}

void records_date_add(const char *date, int days, char out[11])
{
    int y, m, d;
    if (tz_parse_date(date, &y, &m, &d) < 0) {
        str_copy(out, 11, date);
        return;
    }
    tz_civil_from_days(tz_days_from_civil(y, m, d) + days, &y, &m, &d);
    char buf[32];
    snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
    str_copy(out, 11, buf);
}

void records_fold(const char *in, char *out, size_t n)
{
    size_t o = 0;
    bool space = true; /* no leading space */
    const unsigned char *p = (const unsigned char *)in;
    while (*p && o + 2 < n) {
        char c = 0;
        if (*p < 0x80) {
            if ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9'))
                c = (char)*p;
            else if (*p >= 'A' && *p <= 'Z')
                c = (char)(*p - 'A' + 'a');
            p++;
        } else if (*p == 0xc3 && p[1] >= 0x80 && p[1] <= 0xbf) {
            /* Latin-1 letters: À-ÿ without their marks */
            static const char map[] = "aaaaaaaceeeeiiiidnooooo ouuuuyts"
                                      "aaaaaaaceeeeiiiidnooooo ouuuuyty";
            c = map[p[1] - 0x80];
            if (c == ' ')
                c = 0;
            p += 2;
        } else {
            p++;
            while ((*p & 0xc0) == 0x80) /* the rest of the character */
                p++;
        }
        if (c) {
            out[o++] = c;
            space = false;
        } else if (!space) {
            out[o++] = ' ';
            space = true;
        }
    }
    while (o > 0 && out[o - 1] == ' ')
        o--;
    out[o] = '\0';
}

void students_search_key(const char *first_names, const char *last_names,
                         const char *cedula, char *out, size_t n)
{
    char names[512], digits[32];
    snprintf(names, sizeof names, "%s %s", last_names, first_names);
    records_fold(names, out, n);
    size_t d = 0;
    for (const char *p = cedula; *p && d + 1 < sizeof digits; p++)
        if (*p >= '0' && *p <= '9')
            digits[d++] = *p;
    digits[d] = '\0';
    size_t len = strlen(out);
    if (d && len + d + 2 < n)
        snprintf(out + len, n - len, "%s%s", len ? " " : "", digits);
}

void rec_row_columns(struct db_stmt *st, int first,
                     const struct rec_column *cols, size_t n, json_t *out)
{
    for (size_t i = 0; i < n; i++) {
        int c = first + (int)i;
        json_object_set_new(out, cols[i].key,
                            cols[i].kind == STU_FLAG
                                ? json_boolean(db_int(st, c) != 0)
                                : json_string(db_text(st, c)));
    }
}

void rec_column_list(const struct rec_column *cols, size_t n,
                     const char *prefix, char *out, size_t size)
{
    size_t o = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n && o < size; i++)
        o += (size_t)snprintf(out + o, size - o, "%s%s%s", i ? ", " : "",
                              prefix, cols[i].key);
}

void rec_diff(json_t *current, json_t *after, json_t **before_r,
              json_t **changed_r)
{
    json_t *before = json_object(), *changed = json_object();
    const char *key;
    json_t *v;
    json_object_foreach(after, key, v)
    {
        json_t *cur = json_object_get(current, key);
        if (cur && json_equal(cur, v))
            continue;
        json_object_set(before, key, cur ? cur : json_null());
        json_object_set(changed, key, v);
    }
    if (json_object_size(changed) == 0) {
        json_decref(before);
        json_decref(changed);
        before = changed = NULL;
    }
    *before_r = before;
    *changed_r = changed;
}

/* The keys of `t` (and cedula_raw next to a cédula) that `cols` holds, as
 * bound values; returns how many. */
static int cols_values(const struct rec_column *t, size_t nt, json_t *cols,
                       const char **keys, struct db_value *v, int max)
{
    int n = 0;
    for (size_t i = 0; i < nt && n + 1 < max; i++) {
        for (int pass = 0; pass < 2; pass++) {
            const char *key = t[i].key;
            if (pass == 1) {
                if (t[i].kind != STU_CEDULA)
                    break;
                key = "cedula_raw";
            }
            json_t *x = json_object_get(cols, key);
            if (x == NULL)
                continue;
            keys[n] = key;
            if (json_is_boolean(x))
                v[n] = (struct db_value){'i', NULL, json_is_true(x)};
            else if (json_is_integer(x))
                v[n] = (struct db_value){'i', NULL, json_integer_value(x)};
            else if (json_is_string(x))
                v[n] = (struct db_value){'t', json_string_value(x), 0};
            else
                v[n] = (struct db_value){'n', NULL, 0};
            n++;
        }
    }
    return n;
}

#define COLS_MAX 48

int rec_update_row(struct store *s, const char *table,
                   const struct rec_column *t, size_t nt, int64_t id,
                   json_t *cols, const char **error_r)
{
    const char *keys[COLS_MAX];
    struct db_value v[COLS_MAX];
    int n = cols_values(t, nt, cols, keys, v, COLS_MAX - 2);
    char now[21];
    time_format_utc(time_now(), now);
    struct strbuf sql;
    strbuf_init(&sql);
    strbuf_addf(&sql, "UPDATE %s SET ", table);
    for (int i = 0; i < n; i++)
        strbuf_addf(&sql, "%s = ?, ", keys[i]);
    strbuf_adds(&sql, "updated_at = ? WHERE id = ?");
    v[n++] = (struct db_value){'t', now, 0};
    v[n++] = (struct db_value){'i', NULL, id};
    struct db_stmt *st = db_query_values(s->conn, error_r, sql.data, n, v);
    int rc = st ? db_step(st, error_r) : DB_ERROR;
    db_finish(&st);
    strbuf_cleanup(&sql);
    return rc < 0 ? rc : 0;
}

int rec_insert_row(struct store *s, const char *table,
                   const struct rec_column *t, size_t nt, json_t *cols,
                   int64_t *id_r, const char **error_r)
{
    const char *keys[COLS_MAX];
    struct db_value v[COLS_MAX];
    int n = cols_values(t, nt, cols, keys, v, COLS_MAX - 2);
    char now[21];
    time_format_utc(time_now(), now);
    struct strbuf sql;
    strbuf_init(&sql);
    strbuf_addf(&sql, "INSERT INTO %s (", table);
    for (int i = 0; i < n; i++)
        strbuf_addf(&sql, "%s, ", keys[i]);
    strbuf_adds(&sql, "created_at, updated_at) VALUES (");
    for (int i = 0; i < n; i++)
        strbuf_adds(&sql, "?, ");
    strbuf_adds(&sql, "?, ?) RETURNING id");
    v[n++] = (struct db_value){'t', now, 0};
    v[n++] = (struct db_value){'t', now, 0};
    struct db_stmt *st = db_query_values(s->conn, error_r, sql.data, n, v);
    int rc = st ? db_step(st, error_r) : DB_ERROR;
    if (rc == DB_ROW) {
        *id_r = db_int(st, 0);
        rc = 0;
    } else if (rc == DB_DONE) {
        rc = DB_ERROR;
    }
    db_finish(&st);
    strbuf_cleanup(&sql);
    return rc;
}

/* ---- reading a student ------------------------------------------------- */

/* The student's columns (+ id, cedula_raw, section_id, created_at,
 * updated_at) or NULL when there is none (*rc_r says which). */
static json_t *student_row(struct store *s, int64_t id, int *rc_r,
                           const char **error_r)
{
    char cols[1024], sql[1400];
    rec_column_list(student_columns, student_columns_count, "", cols,
                    sizeof cols);
    snprintf(sql, sizeof sql,
             "SELECT id, cedula_raw, section_id, created_at, updated_at, %s"
             " FROM students WHERE id = ?",
             cols);
    struct db_stmt *st = db_query(s->conn, error_r, sql, "i", id);
    int rc = st ? db_step(st, error_r) : DB_ERROR;
    json_t *o = NULL;
    if (rc == DB_ROW) {
        o = json_object();
        json_object_set_new(o, "id", json_integer(db_int(st, 0)));
        json_object_set_new(o, "cedula_raw", json_string(db_text(st, 1)));
        json_object_set_new(o, "section_id",
                            db_null(st, 2) ? json_null()
                                           : json_integer(db_int(st, 2)));
        json_object_set_new(o, "created_at", json_string(db_text(st, 3)));
        json_object_set_new(o, "updated_at", json_string(db_text(st, 4)));
        rec_row_columns(st, 5, student_columns, student_columns_count, o);
        rc = STU_OK;
    } else if (rc == DB_DONE) {
        rc = STU_NOT_FOUND;
    }
    db_finish(&st);
    *rc_r = rc;
    return o;
}

static json_t *opt_text(struct db_stmt *st, int c)
{
    return db_null(st, c) ? json_null() : json_string(db_text(st, c));
}

/* Runs `sql` (one integer parameter) and appends each row, made by `row`,
 * to a new array. */
static json_t *rows_by_id(struct store *s, const char *sql, int64_t id,
                          json_t *(*row)(struct db_stmt *), int *rc_r,
                          const char **error_r)
{
    json_t *a = json_array();
    struct db_stmt *st = db_query(s->conn, error_r, sql, "i", id);
    int rc = st ? DB_ROW : DB_ERROR;
    while (st && (rc = db_step(st, error_r)) == DB_ROW)
        json_array_append_new(a, row(st));
    db_finish(&st);
    if (rc < 0)
        *rc_r = rc;
    return a;
}

static json_t *rep_link_row(struct db_stmt *st)
{
    return json_pack("{s:I,s:I,s:s,s:b,s:b,s:s,s:s,s:s,s:s,s:s}", "id",
                     (json_int_t)db_int(st, 0), "position",
                     (json_int_t)db_int(st, 1), "relationship",
                     db_text(st, 2), "is_primary", db_int(st, 3) != 0,
                     "may_pick_up", db_int(st, 4) != 0, "cedula",
                     db_text(st, 5), "first_names", db_text(st, 6),
                     "last_names", db_text(st, 7), "mobile_phone",
                     db_text(st, 8), "email", db_text(st, 9));
}

static json_t *authorized_row(struct db_stmt *st)
{
    return json_pack("{s:I,s:s,s:s,s:s,s:s}", "position",
                     (json_int_t)db_int(st, 0), "first_names", db_text(st, 1),
                     "last_names", db_text(st, 2), "cedula", db_text(st, 3),
                     "phone", db_text(st, 4));
}

static json_t *history_row(struct db_stmt *st)
{
    json_t *o = json_pack("{s:I,s:s,s:s,s:s}", "section_id",
                          (json_int_t)db_int(st, 0), "section",
                          db_text(st, 1), "year", db_text(st, 2), "starts_on",
                          db_text(st, 3));
    json_object_set_new(o, "ends_on", opt_text(st, 4));
    json_object_set_new(o, "start_reason", json_string(db_text(st, 5)));
    json_object_set_new(o, "end_reason", opt_text(st, 6));
    return o;
}

static const char reps_sql[] =
    "SELECT r.id, sr.position, sr.relationship, sr.is_primary,"
    " sr.may_pick_up, r.cedula, r.first_names, r.last_names,"
    " r.mobile_phone, r.email FROM student_representatives sr"
    " JOIN representatives r ON r.id = sr.representative_id"
    " WHERE sr.student_id = ? ORDER BY sr.position";
static const char authorized_sql[] =
    "SELECT position, first_names, last_names, cedula, phone"
    " FROM authorized_pickups WHERE student_id = ? ORDER BY position";

/* The full STUDENT, the store held. */
static int student_load(struct store *s, int64_t id, json_t **out_r,
                        const char **error_r)
{
    int rc;
    json_t *o = student_row(s, id, &rc, error_r);
    if (o == NULL)
        return rc;
    json_t *section = json_null();
    if (!json_is_null(json_object_get(o, "section_id"))) {
        struct db_stmt *st = db_query(
            s->conn, error_r,
            "SELECT sec.id, g.name || ' ' || sec.letter, g.name, y.name,"
            " sec.grade_id, sec.year_id FROM sections sec"
            " JOIN grades g ON g.id = sec.grade_id"
            " JOIN school_years y ON y.id = sec.year_id WHERE sec.id = ?",
            "i", json_integer_value(json_object_get(o, "section_id")));
        int src = st ? db_step(st, error_r) : DB_ERROR;
        if (src == DB_ROW)
            section = json_pack("{s:I,s:s,s:s,s:s,s:I,s:I}", "id",
                                (json_int_t)db_int(st, 0), "name",
                                db_text(st, 1), "grade", db_text(st, 2),
                                "year", db_text(st, 3), "grade_id",
                                (json_int_t)db_int(st, 4), "year_id",
                                (json_int_t)db_int(st, 5));
        else if (src < 0)
            rc = src;
        db_finish(&st);
    }
    json_object_set_new(o, "section", section);
    json_object_set_new(o, "representatives",
                        rows_by_id(s, reps_sql, id, rep_link_row, &rc,
                                   error_r));
    json_object_set_new(o, "authorized",
                        rows_by_id(s, authorized_sql, id, authorized_row,
                                   &rc, error_r));
    json_object_set_new(
        o, "history",
        rows_by_id(s,
                   "SELECT e.section_id, g.name || ' ' || sec.letter, y.name,"
                   " e.starts_on, e.ends_on, e.start_reason, e.end_reason"
                   " FROM enrolments e JOIN sections sec ON sec.id ="
                   " e.section_id JOIN grades g ON g.id = sec.grade_id"
                   " JOIN school_years y ON y.id = sec.year_id"
                   " WHERE e.student_id = ? ORDER BY e.starts_on, e.id",
                   id, history_row, &rc, error_r));
    if (rc < 0) {
        json_decref(o);
        return rc;
    }
    *out_r = o;
    return STU_OK;
}

int student_get(struct store *s, int64_t id, json_t **student_r,
                const char **error_r)
{
    store_lock(s);
    int rc = student_load(s, id, student_r, error_r);
    store_unlock(s);
    return rc;
}

/* ---- writing ----------------------------------------------------------- */

/* 1 if the section is of the current year, 0 if not, <0 on error. */
static int section_current(struct store *s, int64_t section_id,
                           const char **error_r)
{
    int64_t found = 0;
    int rc = db_query_int(s->conn, error_r, &found,
                          "SELECT sec.id FROM sections sec JOIN school_years y"
                          " ON y.id = sec.year_id WHERE sec.id = ?"
                          " AND y.is_current = 1",
                          "i", section_id);
    return rc < 0 ? rc : found != 0;
}

static int cedula_taken(struct store *s, const char *cedula, int64_t self,
                        const char **error_r)
{
    int64_t found = 0;
    int rc = db_query_int(s->conn, error_r, &found,
                          "SELECT id FROM students WHERE cedula = ?"
                          " AND id <> ?",
                          "ti", cedula, self);
    return rc < 0 ? rc : found != 0;
}

static int search_refresh(struct store *s, int64_t id, const char **error_r)
{
    struct db_stmt *st = db_query(
        s->conn, error_r,
        "SELECT first_names, last_names, cedula FROM students WHERE id = ?",
        "i", id);
    char key[600] = "";
    int rc = st ? db_step(st, error_r) : DB_ERROR;
    if (rc == DB_ROW)
        students_search_key(db_text(st, 0), db_text(st, 1), db_text(st, 2),
                            key, sizeof key);
    db_finish(&st);
    if (rc < 0)
        return rc;
    return db_run(s->conn, error_r,
                  "UPDATE students SET search_text = ? WHERE id = ?", "ti",
                  key, id);
}

/* The representatives of the student as a compact list for the audit. */
static json_t *links_json(struct store *s, int64_t id, int *rc_r,
                          const char **error_r)
{
    json_t *full = rows_by_id(s, reps_sql, id, rep_link_row, rc_r, error_r);
    json_t *a = json_array();
    size_t i;
    json_t *x;
    json_array_foreach(full, i, x)
    {
        json_array_append_new(
            a, json_pack("{s:O,s:O,s:O,s:O}", "id", json_object_get(x, "id"),
                         "relationship", json_object_get(x, "relationship"),
                         "is_primary", json_object_get(x, "is_primary"),
                         "may_pick_up", json_object_get(x, "may_pick_up")));
    }
    json_decref(full);
    return a;
}

/* Resolves and links the representatives of `in` (replacing the links). */
static int reps_write(struct store *s, const struct actor *actor, int64_t id,
                      struct student_input *in, struct rec_problems *probs,
                      const char **error_r)
{
    int64_t ids[STUDENT_REPS_MAX] = {0};
    int primaries = 0;
    for (int i = 0; i < in->nreps; i++) {
        char field[40];
        snprintf(field, sizeof field, "representatives[%d]", i);
        int rc = representative_resolve(s, actor, &in->reps[i], field,
                                        &ids[i], probs, error_r);
        if (rc < 0)
            return rc;
        for (int j = 0; j < i; j++) {
            if (ids[i] && ids[i] == ids[j]) {
                char f[64];
                snprintf(f, sizeof f, "representatives[%d].%s", i,
                         in->reps[i].id ? "id" : "cedula");
                rec_problem(probs, f,
                            "Este representante ya está indicado para el "
                            "estudiante.");
            }
        }
        if (in->reps[i].is_primary && ++primaries > 1) {
            char f[64];
            snprintf(f, sizeof f, "representatives[%d].is_primary", i);
            rec_problem(probs, f,
                        "Solo un representante puede ser el contacto "
                        "principal.");
        }
    }
    if (probs->n)
        return 0;
    if (db_run(s->conn, error_r,
               "DELETE FROM student_representatives WHERE student_id = ?",
               "i", id) < 0)
        return -1;
    for (int i = 0; i < in->nreps; i++) {
        bool primary = in->reps[i].is_primary || (primaries == 0 && i == 0);
        if (db_run(s->conn, error_r,
                   "INSERT INTO student_representatives (student_id,"
                   " representative_id, position, relationship, is_primary,"
                   " may_pick_up) VALUES (?, ?, ?, ?, ?, ?)",
                   "iiitii", id, ids[i], (int64_t)(i + 1),
                   in->reps[i].relationship, (int64_t)primary,
                   (int64_t)in->reps[i].may_pick_up) < 0)
            return -1;
    }
    return 0;
}

static int authorized_write(struct store *s, int64_t id,
                            struct student_input *in, const char **error_r)
{
    if (db_run(s->conn, error_r,
               "DELETE FROM authorized_pickups WHERE student_id = ?", "i",
               id) < 0)
        return -1;
    for (int i = 0; i < in->nauthorized; i++) {
        json_t *a = in->authorized[i];
        const char *ced = json_string_value(json_object_get(a, "cedula"));
        const char *raw = json_string_value(json_object_get(a, "cedula_raw"));
        const char *phone = json_string_value(json_object_get(a, "phone"));
        if (db_run(s->conn, error_r,
                   "INSERT INTO authorized_pickups (student_id, position,"
                   " first_names, last_names, cedula, cedula_raw, phone)"
                   " VALUES (?, ?, ?, ?, ?, ?, ?)",
                   "iittttt", id, (int64_t)(i + 1),
                   json_string_value(json_object_get(a, "first_names")),
                   json_string_value(json_object_get(a, "last_names")),
                   ced ? ced : "", raw ? raw : "", phone ? phone : "") < 0)
            return -1;
    }
    return 0;
}

static json_t *authorized_json(struct store *s, int64_t id, int *rc_r,
                               const char **error_r)
{
    return rows_by_id(s, authorized_sql, id, authorized_row, rc_r, error_r);
}

static int enrol(struct store *s, int64_t student, int64_t section,
                 const char *date, const char *reason, const char **error_r)
{
    char now[21];
    time_format_utc(time_now(), now);
    return db_run(s->conn, error_r,
                  "INSERT INTO enrolments (student_id, section_id, starts_on,"
                  " start_reason, created_at) VALUES (?, ?, ?, ?, ?)",
                  "iittt", student, section, date, reason, now);
}

/* Audit helper: entity "student", id as text. */
static int audit_student(struct store *s, const struct actor *actor,
                         const char *action, int64_t id, json_t *before,
                         json_t *after, const char **error_r)
{
    char ids[24];
    snprintf(ids, sizeof ids, "%lld", (long long)id);
    struct audit_entry e = {action, "student", ids, before, after};
    return audit_write(s, actor, &e, error_r);
}

int student_create(struct store *s, const struct actor *actor,
                   struct student_input *in, int64_t *id_r,
                   struct rec_problems *probs, const char **error_r)
{
    if (store_begin(s, error_r) < 0)
        return -1;
    int rc = 0;
    char today[11], date[11];
    records_today(s, today);
    str_copy(date, sizeof date, in->date[0] ? in->date : today);
    const char *cedula = json_string_value(json_object_get(in->cols, "cedula"));
    int taken = cedula ? cedula_taken(s, cedula, 0, error_r) : 0;
    if (taken < 0)
        goto fail;
    if (taken)
        rec_problem(probs, "cedula", "Ya existe un estudiante con esta cédula.");
    if (in->section_id) {
        int cur = section_current(s, in->section_id, error_r);
        if (cur < 0)
            goto fail;
        if (!cur)
            rec_problem(probs, "section_id",
                        "La sección no existe en el año escolar actual.");
    }
    int64_t id = 0;
    /* the student row first (the links need its id); rolled back if any
     * finding comes up */
    if (!probs->n) {
        rc = rec_insert_row(s, "students", student_columns,
                            student_columns_count, in->cols, &id, error_r);
        if (rc == DB_CONSTRAINT) {
            rec_problem(probs, "cedula",
                        "Ya existe un estudiante con esta cédula.");
            rc = 0;
        } else if (rc < 0) {
            goto fail;
        }
    }
    if (in->reps_given && (rc = reps_write(s, actor, id, in, probs,
                                           error_r)) < 0)
        goto fail;
    if (probs->n) {
        store_end(s, false, NULL);
        return STU_INVALID;
    }
    if (search_refresh(s, id, error_r) < 0)
        goto fail;
    if (in->section_id &&
        (db_run(s->conn, error_r,
                "UPDATE students SET section_id = ? WHERE id = ?", "ii",
                in->section_id, id) < 0 ||
         enrol(s, id, in->section_id, date, "ingreso", error_r) < 0))
        goto fail;
    if (in->authorized_given && authorized_write(s, id, in, error_r) < 0)
        goto fail;
    json_t *after = json_deep_copy(in->cols);
    if (in->section_id) {
        json_object_set_new(after, "section_id", json_integer(in->section_id));
        json_object_set_new(after, "enrolled_on", json_string(date));
    }
    int lrc = 0;
    if (in->reps_given)
        json_object_set_new(after, "representatives",
                            links_json(s, id, &lrc, error_r));
    if (in->authorized_given)
        json_object_set_new(after, "authorized",
                            authorized_json(s, id, &lrc, error_r));
    rc = lrc < 0 ? lrc : audit_student(s, actor, "create", id, NULL, after,
                                       error_r);
    json_decref(after);
    if (rc < 0)
        goto fail;
    if (store_end(s, true, error_r) < 0)
        return -1;
    *id_r = id;
    return STU_OK;
fail:
    store_end(s, false, NULL);
    return -1;
}

/* The open enrolment: *eid_r 0 when none. */
static int open_enrolment(struct store *s, int64_t student, int64_t *eid_r,
                          char starts_on[11], const char **error_r)
{
    *eid_r = 0;
    struct db_stmt *st = db_query(s->conn, error_r,
                                  "SELECT id, starts_on FROM enrolments"
                                  " WHERE student_id = ? AND ends_on IS NULL"
                                  " ORDER BY starts_on DESC, id DESC",
                                  "i", student);
    int rc = st ? db_step(st, error_r) : DB_ERROR;
    if (rc == DB_ROW) {
        *eid_r = db_int(st, 0);
        str_copy(starts_on, 11, db_text(st, 1));
    }
    db_finish(&st);
    return rc < 0 ? rc : 0;
}

/* Moves (or re-enrols) the student into `section` on `date`; adds what
 * changed to before/after. */
static int move(struct store *s, int64_t id, json_t *cur, int64_t section,
                const char *date, json_t *before, json_t *after,
                bool status_given, struct rec_problems *probs,
                const char **error_r)
{
    int ok = section_current(s, section, error_r);
    if (ok < 0)
        return -1;
    if (!ok) {
        rec_problem(probs, "section_id",
                    "La sección no existe en el año escolar actual.");
        return 0;
    }
    int64_t eid;
    char starts[11] = "";
    if (open_enrolment(s, id, &eid, starts, error_r) < 0)
        return -1;
    if (eid && strcmp(date, starts) < 0) {
        rec_problem(probs, "moved_on",
                    "La fecha del cambio no puede ser anterior al inicio de "
                    "la inscripción actual.");
        return 0;
    }
    if (eid && strcmp(date, starts) == 0) {
        /* a move on the day the enrolment began corrects it */
        if (db_run(s->conn, error_r,
                   "UPDATE enrolments SET section_id = ? WHERE id = ?", "ii",
                   section, eid) < 0)
            return -1;
    } else if (eid) {
        char end[11];
        records_date_add(date, -1, end);
        if (db_run(s->conn, error_r,
                   "UPDATE enrolments SET ends_on = ?, end_reason = 'cambio'"
                   " WHERE id = ?",
                   "ti", end, eid) < 0 ||
            enrol(s, id, section, date, "cambio", error_r) < 0)
            return -1;
    } else {
        int64_t any = 0;
        if (db_query_int(s->conn, error_r, &any,
                         "SELECT COUNT(*) FROM enrolments WHERE student_id = ?",
                         "i", id) < 0 ||
            enrol(s, id, section, date, any ? "reingreso" : "ingreso",
                  error_r) < 0)
            return -1;
        const char *status = json_string_value(json_object_get(cur, "status"));
        if (!status_given && status && strcmp(status, "activo") != 0) {
            json_object_set_new(before, "status", json_string(status));
            json_object_set_new(after, "status", json_string("activo"));
            if (db_run(s->conn, error_r,
                       "UPDATE students SET status = 'activo' WHERE id = ?",
                       "i", id) < 0)
                return -1;
        }
    }
    if (db_run(s->conn, error_r,
               "UPDATE students SET section_id = ? WHERE id = ?", "ii",
               section, id) < 0)
        return -1;
    json_object_set(before, "section_id", json_object_get(cur, "section_id"));
    json_object_set_new(after, "section_id", json_integer(section));
    json_object_set_new(after, "moved_on", json_string(date));
    return 0;
}

int student_update(struct store *s, const struct actor *actor, int64_t id,
                   struct student_input *in, struct rec_problems *probs,
                   const char **error_r)
{
    if (store_begin(s, error_r) < 0)
        return -1;
    int rc;
    json_t *cur = student_row(s, id, &rc, error_r), *before = NULL,
           *after = NULL;
    if (cur == NULL) {
        store_end(s, false, NULL);
        return rc;
    }
    char today[11], date[11];
    records_today(s, today);
    str_copy(date, sizeof date, in->date[0] ? in->date : today);
    rec_diff(cur, in->cols, &before, &after);
    if (before == NULL) {
        before = json_object();
        after = json_object();
    }
    const char *cedula = json_string_value(json_object_get(after, "cedula"));
    const char *status = json_string_value(json_object_get(after, "status"));
    if (cedula) {
        int taken = cedula_taken(s, cedula, id, error_r);
        if (taken < 0)
            goto fail;
        if (taken)
            rec_problem(probs, "cedula",
                        "Ya existe un estudiante con esta cédula.");
    }
    if (status && strcmp(status, "retirado") == 0)
        rec_problem(probs, "status",
                    "Para retirar al estudiante use la acción «Retirar» "
                    "(cierra su inscripción con la fecha del retiro).");
    if (!probs->n && json_object_size(after) &&
        rec_update_row(s, "students", student_columns, student_columns_count,
                       id, after, error_r) < 0)
        goto fail;
    json_t *cur_section = json_object_get(cur, "section_id");
    if (in->section_id &&
        (json_is_null(cur_section) ||
         json_integer_value(cur_section) != in->section_id) &&
        move(s, id, cur, in->section_id, date, before, after,
             json_object_get(in->cols, "status") != NULL, probs,
             error_r) < 0)
        goto fail;
    if (in->reps_given) {
        int lrc = 0;
        json_t *old = links_json(s, id, &lrc, error_r);
        if (lrc < 0 || reps_write(s, actor, id, in, probs, error_r) < 0) {
            json_decref(old);
            goto fail;
        }
        json_t *now = probs->n ? json_incref(old)
                               : links_json(s, id, &lrc, error_r);
        if (!json_equal(old, now)) {
            json_object_set(before, "representatives", old);
            json_object_set(after, "representatives", now);
        }
        json_decref(old);
        json_decref(now);
        if (lrc < 0)
            goto fail;
    }
    if (in->authorized_given && !probs->n) {
        int lrc = 0;
        json_t *old = authorized_json(s, id, &lrc, error_r);
        if (lrc < 0 || authorized_write(s, id, in, error_r) < 0) {
            json_decref(old);
            goto fail;
        }
        json_t *now = authorized_json(s, id, &lrc, error_r);
        if (!json_equal(old, now)) {
            json_object_set(before, "authorized", old);
            json_object_set(after, "authorized", now);
        }
        json_decref(old);
        json_decref(now);
        if (lrc < 0)
            goto fail;
    }
    if (probs->n) {
        store_end(s, false, NULL);
        json_decref(cur);
        json_decref(before);
        json_decref(after);
        return STU_INVALID;
    }
    if (json_object_size(after)) {
        if (search_refresh(s, id, error_r) < 0 ||
            audit_student(s, actor, "update", id, before, after, error_r) < 0)
            goto fail;
    }
    json_decref(cur);
    json_decref(before);
    json_decref(after);
    return store_end(s, true, error_r) < 0 ? -1 : STU_OK;
fail:
    store_end(s, false, NULL);
    json_decref(cur);
    json_decref(before);
    json_decref(after);
    return -1;
}

int student_withdraw(struct store *s, const struct actor *actor, int64_t id,
                     const char *date_in, const char *reason,
                     struct rec_problems *probs, const char **error_r)
{
    if (store_begin(s, error_r) < 0)
        return -1;
    int rc;
    json_t *cur = student_row(s, id, &rc, error_r);
    if (cur == NULL) {
        store_end(s, false, NULL);
        return rc;
    }
    const char *status = json_string_value(json_object_get(cur, "status"));
    if (strcmp(status, "retirado") == 0) {
        store_end(s, false, NULL);
        json_decref(cur);
        return STU_CONFLICT;
    }
    char date[11];
    if (date_in && *date_in)
        str_copy(date, sizeof date, date_in);
    else
        records_today(s, date);
    int64_t eid;
    char starts[11] = "";
    if (open_enrolment(s, id, &eid, starts, error_r) < 0)
        goto fail;
    if (eid && strcmp(date, starts) < 0) {
        rec_problem(probs, "date",
                    "La fecha del retiro no puede ser anterior al inicio de "
                    "la inscripción actual.");
        store_end(s, false, NULL);
        json_decref(cur);
        return STU_INVALID;
    }
    if (eid && db_run(s->conn, error_r,
                      "UPDATE enrolments SET ends_on = ?, end_reason ="
                      " 'retiro' WHERE id = ?",
                      "ti", date, eid) < 0)
        goto fail;
    char now[21];
    time_format_utc(time_now(), now);
    if (db_run(s->conn, error_r,
               "UPDATE students SET status = 'retirado', section_id = NULL,"
               " updated_at = ? WHERE id = ?",
               "ti", now, id) < 0)
        goto fail;
    json_t *before = json_pack("{s:s,s:O}", "status", status, "section_id",
                               json_object_get(cur, "section_id"));
    json_t *after = json_pack("{s:s,s:n,s:s,s:s}", "status", "retirado",
                              "section_id", "withdrawn_on", date, "reason",
                              reason ? reason : "");
    rc = audit_student(s, actor, "withdraw", id, before, after, error_r);
    json_decref(before);
    json_decref(after);
    json_decref(cur);
    if (rc < 0) {
        store_end(s, false, NULL);
        return -1;
    }
    return store_end(s, true, error_r) < 0 ? -1 : STU_OK;
fail:
    store_end(s, false, NULL);
    json_decref(cur);
    return -1;
}

/* ---- the list ---------------------------------------------------------- */

#define QUERY_WORDS_MAX 5

int students_search_fill(struct store *s, const char **error_r)
{
    struct db_stmt *st = db_query(
        s->conn, error_r,
        "SELECT id, first_names, last_names, cedula FROM students"
        " WHERE search_text = ''",
        "");
    json_t *todo = json_array();
    int rc = st ? DB_ROW : DB_ERROR;
    while (st && (rc = db_step(st, error_r)) == DB_ROW) {
        char key[600];
        students_search_key(db_text(st, 1), db_text(st, 2), db_text(st, 3),
                            key, sizeof key);
        if (key[0] == '\0') /* nothing to fold: keep it findable as "-" */
            str_copy(key, sizeof key, "-");
        json_array_append_new(todo, json_pack("[I,s]",
                                              (json_int_t)db_int(st, 0), key));
    }
    db_finish(&st);
    size_t i;
    json_t *x;
    json_array_foreach(todo, i, x)
    {
        if (rc < 0)
            break;
        rc = db_run(s->conn, error_r,
                    "UPDATE students SET search_text = ? WHERE id = ?", "ti",
                    json_string_value(json_array_get(x, 1)),
                    (int64_t)json_integer_value(json_array_get(x, 0)));
    }
    json_decref(todo);
    return rc < 0 ? -1 : 0;
}

/* Students written without a search key (by code that does not know the
 * column) get one before a search: one index seek when there are none. */
static int search_heal(struct store *s, const char **error_r)
{
    int64_t missing = 0;
    store_lock(s);
    int rc = db_query_int(s->conn, error_r, &missing,
                          "SELECT id FROM students WHERE search_text = ''"
                          " LIMIT 1",
                          "");
    store_unlock(s);
    if (rc < 0 || missing == 0)
        return rc < 0 ? -1 : 0;
    if (store_begin(s, error_r) < 0)
        return -1;
    rc = students_search_fill(s, error_r);
    return store_end(s, rc == 0, error_r) < 0 || rc < 0 ? -1 : 0;
}

static json_t *list_row(struct db_stmt *st)
{
    json_t *o = json_pack("{s:I,s:s,s:s,s:s,s:s}", "id",
                          (json_int_t)db_int(st, 0), "cedula", db_text(st, 1),
                          "first_names", db_text(st, 2), "last_names",
                          db_text(st, 3), "gender", db_text(st, 4));
    bool has = !db_null(st, 5);
    json_object_set_new(o, "section_id",
                        has ? json_integer(db_int(st, 5)) : json_null());
    json_object_set_new(o, "section", opt_text(st, 6));
    json_object_set_new(o, "grade_id",
                        db_null(st, 7) ? json_null()
                                       : json_integer(db_int(st, 7)));
    json_object_set_new(o, "grade", opt_text(st, 8));
    json_object_set_new(o, "status", json_string(db_text(st, 9)));
    return o;
}

int students_list(struct store *s, const struct student_filter *f,
                  json_t **items_r, int64_t *total_r, const char **error_r)
{
    /* where: the filters, then qsql: the words of the query (their values
     * in v in that order) */
    struct strbuf where, qsql;
    strbuf_init(&where);
    strbuf_init(&qsql);
    strbuf_adds(&where, " WHERE 1 = 1");
    strbuf_adds(&qsql, "");
    struct db_value v[4 + 2 * QUERY_WORDS_MAX + 2];
    int n = 0;
    /* folded words of the query, and their LIKE patterns (kept alive
     * until the queries ran) */
    char folded[256], pats[QUERY_WORDS_MAX][1][80];
    if (f->section_id) {
        strbuf_adds(&where, " AND s.section_id = ?");
        v[n++] = (struct db_value){'i', NULL, f->section_id};
    }
    if (f->grade_id) {
        strbuf_adds(&where, " AND s.section_id IN (SELECT id FROM sections"
                            " WHERE grade_id = ?)");
        v[n++] = (struct db_value){'i', NULL, f->grade_id};
    }
    if (f->status && *f->status) {
        /* with another filter, counting by status's index would look up
         * most rows (status is not selective, and SQLite has no
         * statistics to know it): `|| ''` keeps SQLite off that index.
         * PostgreSQL plans from its statistics: the plain predicate. */
        strbuf_adds(&where, !store_is_pg(s) &&
                                    (f->section_id || f->grade_id ||
                                     (f->q && *f->q))
                                ? " AND s.status || '' = ?"
                                : " AND s.status = ?");
        v[n++] = (struct db_value){'t', f->status, 0};
    }
    records_fold(f->q ? f->q : "", folded, sizeof folded);
    int words = 0;
    char *save = NULL;
    for (char *w = strtok_r(folded, " ", &save); w && words < QUERY_WORDS_MAX;
         w = strtok_r(NULL, " ", &save)) {
        /* a word with digits is (part of) a cédula: its digits alone */
        char digits[40];
        size_t d = 0;
        for (const char *p = w; *p && d + 1 < sizeof digits; p++)
            if (*p >= '0' && *p <= '9')
                digits[d++] = *p;
        digits[d] = '\0';
        const char *word = d ? digits : w;
        snprintf(pats[words][0], sizeof pats[words][0], "%%%s%%", word);
        strbuf_adds(&qsql, " AND search_text LIKE ?");
        v[n++] = (struct db_value){'t', pats[words][0], 0};
        words++;
    }
    char sql[2048];
    /* Rows without their search key (written by code that does not know
     * the column) get it before a search: looked for inside the snapshot,
     * so the usual case costs one query and no transaction of its own. */
    int rc = store_begin_snapshot(s, error_r);
    if (rc == 0 && words) {
        int64_t missing = 0;
        rc = db_query_int(s->conn, error_r, &missing,
                          "SELECT id FROM students WHERE search_text = ''"
                          " LIMIT 1",
                          "");
        if (rc == 0 && missing) {
            rc = store_end(s, true, error_r) < 0 ? -1 : search_heal(s, error_r);
            if (rc == 0)
                rc = store_begin_snapshot(s, error_r);
        } else if (rc < 0) {
            store_end(s, false, error_r);
        }
    }
    if (rc < 0) {
        strbuf_cleanup(&where);
        strbuf_cleanup(&qsql);
        return -1;
    }
    /* PostgreSQL searches scan the table once: the page carries the count
     * (a window column) rather than counting in a query of its own; the
     * count alone runs only for a page past the end. SQLite counts first,
     * on its indexes, and chooses the page's plan from the count. */
    bool one_scan = words && store_is_pg(s);
    int64_t total = -1;
    json_t *items = json_array();
    if (!one_scan) {
        snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM students s%s%s",
                 where.data, qsql.data);
        struct db_stmt *st = db_query_values(s->conn, error_r, sql, n, v);
        rc = st ? db_step(st, error_r) : DB_ERROR;
        total = rc == DB_ROW ? db_int(st, 0) : 0;
        db_finish(&st);
    }
    if (rc >= 0 && (one_scan || f->offset < total)) {
        /* Few matches of a search: find them on the search index (a
         * covering scan), then sort them; `|| ''` keeps the planner from
         * walking the whole order index looking for them. Many matches:
         * walk the order index, the first page comes soon. */
        /* (PostgreSQL's one scan puts the words on the table itself:
         * its trigram index, migration 006, finds the rows.) */
        bool few = !one_scan && words && total <= 300;
        snprintf(sql, sizeof sql,
                 "SELECT s.id, s.cedula, s.first_names, s.last_names,"
                 " s.gender, s.section_id, g.name || ' ' || sec.letter,"
                 " sec.grade_id, g.name, s.status%s FROM students s"
                 " LEFT JOIN sections sec ON sec.id = s.section_id"
                 " LEFT JOIN grades g ON g.id = sec.grade_id%s%s%s%s"
                 " ORDER BY s.last_names%s, s.first_names, s.id"
                 " LIMIT ? OFFSET ?",
                 one_scan ? ", COUNT(*) OVER ()" : "", where.data,
                 few ? " AND s.id IN (SELECT id FROM students WHERE 1 = 1"
                     : "",
                 qsql.data, few ? ")" : "", few || one_scan ? " || ''" : "");
        v[n] = (struct db_value){'i', NULL, f->limit};
        v[n + 1] = (struct db_value){'i', NULL, f->offset};
        struct db_stmt *st = db_query_values(s->conn, error_r, sql, n + 2, v);
        rc = st ? DB_ROW : DB_ERROR;
        while (st && (rc = db_step(st, error_r)) == DB_ROW) {
            json_array_append_new(items, list_row(st));
            if (one_scan)
                total = db_int(st, 10);
        }
        db_finish(&st);
    }
    if (rc >= 0 && total < 0) { /* one scan, and no row on this page */
        snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM students s%s%s",
                 where.data, qsql.data);
        struct db_stmt *st = db_query_values(s->conn, error_r, sql, n, v);
        rc = st ? db_step(st, error_r) : DB_ERROR;
        total = rc == DB_ROW ? db_int(st, 0) : 0;
        db_finish(&st);
    }
    strbuf_cleanup(&where);
    strbuf_cleanup(&qsql);
    if (store_end(s, rc >= 0, error_r) < 0 || rc < 0) {
        json_decref(items);
        return -1;
    }
    *items_r = items;
    *total_r = total;
    return 0;
}
