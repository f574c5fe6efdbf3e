/*
 * School years (años escolares, September to July, named "2025-2026")
 * with their three lapsos, the one current year, and the promotion that
 * opens a new year: every section moves to the next grade with its
 * active students (their enrolment closed on the old year's last day and
 * a new one opened on the new year's first), the students of the last
 * grade graduate, and the repeaters named by the admin stay in their
 * grade as 'repitiente'. Checks: a name of two consecutive years whose
 * dates fall in them, the lapsos inside the year, in order and not
 * overlapping, and no two years overlapping. See records.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/tz.h"
#include "core/util.h"
#include "db/rows.h"
#include "school/calendar.h"
#include "school/records.h"

/* ---- dates ---- */

static bool date_days(const char *s, int64_t *days_r)
{
    int y, m, d;
    if (s == NULL || tz_parse_date(s, &y, &m, &d) < 0)
        return false;
    *days_r = tz_days_from_civil(y, m, d);
    return true;
}

/* "YYYY-MM-DD" of the parts (through a roomy buffer: the compiler
 * cannot tell the parts are in range). */
static void ymd(char out[11], int y, int m, int d)
{
    char t[48];
    snprintf(t, sizeof t, "%04d-%02d-%02d", y, m, d);
    str_copy(out, 11, t);
}

static void days_date(int64_t days, char out[11])
{
    int y, m, d;
    tz_civil_from_days(days, &y, &m, &d);
    ymd(out, y, m, d);
}

static int date_year(const char *s)
{
    return atoi(s); /* "YYYY-..." once checked */
}

void school_year_default_lapsos(const char *starts_on, const char *ends_on,
                                struct lapso_dates out[3])
{
    int64_t a = 0, b = 0;
    date_days(starts_on, &a);
    date_days(ends_on, &b);
    int y1 = date_year(starts_on), y2 = date_year(ends_on);
    char d[4][11];
    ymd(d[0], y1, 12, 15);
    ymd(d[1], y2, 1, 7);
    ymd(d[2], y2, 3, 31);
    ymd(d[3], y2, 4, 1);
    int64_t k[4];
    bool usual = y2 == y1 + 1;
    for (int i = 0; i < 4 && usual; i++)
        usual = date_days(d[i], &k[i]) && k[i] > a && k[i] < b;
    if (usual) {
        str_copy(out[0].starts_on, 11, starts_on);
        str_copy(out[0].ends_on, 11, d[0]);
        str_copy(out[1].starts_on, 11, d[1]);
        str_copy(out[1].ends_on, 11, d[2]);
        str_copy(out[2].starts_on, 11, d[3]);
        str_copy(out[2].ends_on, 11, ends_on);
        return;
    }
    int64_t span = b - a + 1, third = span / 3;
    if (third < 1)
        third = 1;
    days_date(a, out[0].starts_on);
    days_date(a + third - 1, out[0].ends_on);
    days_date(a + third, out[1].starts_on);
    days_date(a + 2 * third - 1, out[1].ends_on);
    days_date(a + 2 * third, out[2].starts_on);
    days_date(b, out[2].ends_on);
}

static bool name_valid(const char *name, int *y1_r)
{
    if (strlen(name) != 9 || name[4] != '-')
        return false;
    for (int i = 0; i < 9; i++)
        if (i != 4 && (name[i] < '0' || name[i] > '9'))
            return false;
    int y1 = atoi(name), y2 = atoi(name + 5);
    if (y2 != y1 + 1 || y1 < 1900 || y1 > 2998)
        return false;
    *y1_r = y1;
    return true;
}

void school_year_check(struct year_input *in, struct rec_errors *errs)
{
    int y1 = 0;
    bool named = name_valid(in->name, &y1);
    if (!named)
        rec_error(errs, "name",
                  "El nombre debe ser dos años consecutivos, como "
                  "2025-2026.");
    int64_t a = 0, b = 0;
    bool da = date_days(in->starts_on, &a), db = date_days(in->ends_on, &b);
    if (!da)
        rec_error(errs, "starts_on",
                  "Indique la fecha de inicio (AAAA-MM-DD).");
    if (!db)
        rec_error(errs, "ends_on", "Indique la fecha de cierre (AAAA-MM-DD).");
    if (da && db && a >= b)
        rec_error(errs, "ends_on",
                  "El año escolar debe terminar después de empezar.");
    if (named && da && date_year(in->starts_on) != y1)
        rec_error(errs, "starts_on",
                  "La fecha de inicio debe caer en el primer año del nombre "
                  "(2025 para 2025-2026).");
    if (named && db && date_year(in->ends_on) != y1 + 1)
        rec_error(errs, "ends_on",
                  "La fecha de cierre debe caer en el segundo año del nombre "
                  "(2026 para 2025-2026).");
    if (!(da && db && a < b))
        return;
    if (!in->has_lapsos) {
        school_year_default_lapsos(in->starts_on, in->ends_on, in->lapsos);
        in->has_lapsos = true;
        return;
    }
    static const char *const order[3] = {
        NULL, "El 2.º lapso debe empezar después de que termine el 1.º.",
        "El 3.º lapso debe empezar después de que termine el 2.º."};
    int64_t prev_end = 0;
    for (int i = 0; i < 3; i++) {
        int64_t ls, le;
        if (!date_days(in->lapsos[i].starts_on, &ls) ||
            !date_days(in->lapsos[i].ends_on, &le)) {
            rec_error(errs, "lapsos",
                      "Cada lapso necesita fecha de inicio y de cierre "
                      "(AAAA-MM-DD).");
            return;
        }
        if (ls > le) {
            rec_error(errs, "lapsos",
                      "Cada lapso debe terminar después de empezar.");
            return;
        }
        if (ls < a || le > b) {
            rec_error(errs, "lapsos",
                      "Los lapsos deben quedar dentro de las fechas del año "
                      "escolar.");
            return;
        }
        if (i > 0 && ls <= prev_end) {
            rec_error(errs, "lapsos", order[i]);
            return;
        }
        prev_end = le;
    }
}

/* ---- reading ---- */

json_t *school_year_json(struct store *s, int64_t id)
{
    struct db_stmt *st = db_query(
        s->conn, NULL,
        "SELECT id, name, starts_on, ends_on, is_current FROM school_years"
        " WHERE id = ?",
        "i", id);
    json_t *y = NULL;
    if (st && db_step(st, NULL) == DB_ROW)
        y = json_pack("{s:I,s:s,s:s,s:s,s:b,s:[]}", "id",
                      (json_int_t)db_int(st, 0), "name", db_text(st, 1),
                      "starts_on", db_text(st, 2), "ends_on",
                      db_text(st, 3), "is_current", db_int(st, 4) != 0,
                      "lapsos");
    db_finish(&st);
    if (y == NULL)
        return NULL;
    json_t *l = json_object_get(y, "lapsos");
    st = db_query(s->conn, NULL,
                  "SELECT number, starts_on, ends_on FROM lapsos"
                  " WHERE year_id = ? ORDER BY number",
                  "i", id);
    while (st && db_step(st, NULL) == DB_ROW)
        json_array_append_new(
            l, json_pack("{s:I,s:s,s:s}", "number",
                         (json_int_t)db_int(st, 0), "starts_on",
                         db_text(st, 1), "ends_on", db_text(st, 2)));
    db_finish(&st);
    return y;
}

int school_years_list(struct store *s, json_t **items_r,
                      const char **error_r)
{
    *items_r = NULL;
    store_lock(s);
    json_t *items = json_array();
    int64_t ids[512];
    int n = 0, rc = 0;
    struct db_stmt *st = db_query(
        s->conn, error_r,
        "SELECT id FROM school_years ORDER BY starts_on DESC, id DESC", "");
    if (st == NULL)
        rc = -1;
    while (st && n < 512 && (rc = db_step(st, error_r)) == DB_ROW)
        ids[n++] = db_int(st, 0);
    db_finish(&st);
    for (int i = 0; rc >= 0 && i < n; i++) {
        json_t *y = school_year_json(s, ids[i]);
        if (y)
            json_array_append_new(items, y);
    }
    store_unlock(s);
    if (rc < 0) {
        json_decref(items);
        return -1;
    }
    *items_r = items;
    return 0;
}

int school_year_current(struct store *s, int64_t *id_r, const char **error_r)
{
    int64_t id = 0;
    if (db_query_int(s->conn, error_r, &id,
                     "SELECT id FROM school_years WHERE is_current = 1"
                     " ORDER BY id LIMIT 1",
                     "") < 0)
        return -1;
    if (id_r)
        *id_r = id;
    return id != 0;
}

/* ---- writing ---- */

/* 1 if another year (not `except_id`) overlaps [a, b], 0 if not, -1. */
static int year_overlaps(struct store *s, const char *a, const char *b,
                         int64_t except_id, const char **error_r)
{
    int64_t n = 0;
    if (db_query_int(s->conn, error_r, &n,
                     "SELECT COUNT(*) FROM school_years WHERE id <> ?"
                     " AND starts_on <= ? AND ends_on >= ?",
                     "itt", except_id, b, a) < 0)
        return -1;
    return n > 0;
}

static int lapsos_write(struct store *s, int64_t year_id,
                        const struct lapso_dates l[3], const char **error_r)
{
    if (db_run(s->conn, error_r, "DELETE FROM lapsos WHERE year_id = ?", "i",
               year_id) < 0)
        return -1;
    for (int i = 0; i < 3; i++)
        if (db_run(s->conn, error_r,
                   "INSERT INTO lapsos (year_id, number, starts_on, ends_on)"
                   " VALUES (?, ?, ?, ?)",
                   "iitt", year_id, (int64_t)(i + 1), l[i].starts_on,
                   l[i].ends_on) < 0)
            return -1;
    return 0;
}

static int make_current(struct store *s, int64_t id, const char **error_r)
{
    return db_run(s->conn, error_r,
                  "UPDATE school_years SET is_current ="
                  " CASE WHEN id = ? THEN 1 ELSE 0 END",
                  "i", id) < 0
               ? -1
               : 0;
}

/* Inserts a checked year (inside the caller's transaction): REC_OK with
 * *id_r, REC_CONFLICT / REC_INVALID with the finding, or REC_ERROR. */
static int year_insert(struct store *s, const struct year_input *in,
                       struct rec_errors *errs, int64_t *id_r,
                       const char **error_r)
{
    int64_t dup = 0;
    if (db_query_int(s->conn, error_r, &dup,
                     "SELECT id FROM school_years WHERE name = ?", "t",
                     in->name) < 0)
        return REC_ERROR;
    if (dup) {
        rec_error(errs, "name", "Ya existe un año escolar con ese nombre.");
        return REC_CONFLICT;
    }
    int ov = year_overlaps(s, in->starts_on, in->ends_on, 0, error_r);
    if (ov < 0)
        return REC_ERROR;
    if (ov) {
        rec_error(errs, "starts_on",
                  "Las fechas se solapan con las de otro año escolar.");
        return REC_INVALID;
    }
    int64_t current = 0;
    if (school_year_current(s, &current, error_r) < 0)
        return REC_ERROR;
    char now[21];
    time_format_utc(time_now(), now);
    int64_t id = 0;
    if (db_query_int(s->conn, error_r, &id,
                     "INSERT INTO school_years (name, starts_on, ends_on,"
                     " is_current, created_at) VALUES (?, ?, ?, 0, ?)"
                     " RETURNING id",
                     "tttt", in->name, in->starts_on, in->ends_on, now) < 0 ||
        id == 0)
        return REC_ERROR;
    if (lapsos_write(s, id, in->lapsos, error_r) < 0)
        return REC_ERROR;
    /* the first year of a school is its current one */
    if ((in->is_current || current == 0) && make_current(s, id, error_r) < 0)
        return REC_ERROR;
    *id_r = id;
    return REC_OK;
}

/* Ends a transaction begun by a writer: commits on REC_OK. */
static int finish(struct store *s, int rc, const char **error_r)
{
    if (store_end(s, rc == REC_OK, rc == REC_OK ? error_r : NULL) < 0 &&
        rc == REC_OK)
        return REC_ERROR;
    return rc;
}

int school_year_create(struct store *s, const struct actor *actor,
                       struct year_input *in, struct rec_errors *errs,
                       json_t **year_r, const char **error_r)
{
    *year_r = NULL;
    school_year_check(in, errs);
    if (errs->n)
        return REC_INVALID;
    if (store_begin(s, error_r) < 0)
        return REC_ERROR;
    int64_t id = 0;
    int rc = year_insert(s, in, errs, &id, error_r);
    /* calendar (issue #16): the national holidays inside the new year */
    if (rc == REC_OK && calendar_prefill_holidays(s, actor, id, error_r) < 0)
        rc = REC_ERROR;
    json_t *y = rc == REC_OK ? school_year_json(s, id) : NULL;
    if (rc == REC_OK &&
        rec_audit(s, actor, "create", "school_year", id, NULL, y, error_r) < 0)
        rc = REC_ERROR;
    rc = finish(s, rc, error_r);
    if (rc == REC_OK)
        *year_r = y;
    else
        json_decref(y);
    return rc;
}

int school_year_update(struct store *s, const struct actor *actor,
                       int64_t id, const struct year_patch *p,
                       struct rec_errors *errs, json_t **year_r,
                       const char **error_r)
{
    *year_r = NULL;
    if (store_begin(s, error_r) < 0)
        return REC_ERROR;
    json_t *before = school_year_json(s, id), *after = NULL;
    int rc = REC_OK;
    if (before == NULL) {
        rc = REC_NOT_FOUND;
        goto out;
    }
    struct year_input in = {.has_lapsos = true};
    str_copy(in.name, sizeof in.name,
             json_string_value(json_object_get(before, "name")));
    str_copy(in.starts_on, 11,
             p->has_starts_on
                 ? p->starts_on
                 : json_string_value(json_object_get(before, "starts_on")));
    str_copy(in.ends_on, 11,
             p->has_ends_on
                 ? p->ends_on
                 : json_string_value(json_object_get(before, "ends_on")));
    json_t *bl = json_object_get(before, "lapsos");
    for (int i = 0; i < 3; i++) {
        if (p->has_lapsos) {
            in.lapsos[i] = p->lapsos[i];
            continue;
        }
        json_t *l = json_array_get(bl, (size_t)i);
        const char *a = json_string_value(json_object_get(l, "starts_on"));
        const char *b = json_string_value(json_object_get(l, "ends_on"));
        str_copy(in.lapsos[i].starts_on, 11, a ? a : "");
        str_copy(in.lapsos[i].ends_on, 11, b ? b : "");
    }
    school_year_check(&in, errs);
    if (errs->n) {
        rc = REC_INVALID;
        goto out;
    }
    int ov = year_overlaps(s, in.starts_on, in.ends_on, id, error_r);
    if (ov < 0) {
        rc = REC_ERROR;
        goto out;
    }
    if (ov) {
        rec_error(errs, p->has_starts_on ? "starts_on" : "ends_on",
                  "Las fechas se solapan con las de otro año escolar.");
        rc = REC_INVALID;
        goto out;
    }
    if (db_run(s->conn, error_r,
               "UPDATE school_years SET starts_on = ?, ends_on = ?"
               " WHERE id = ?",
               "tti", in.starts_on, in.ends_on, id) < 0 ||
        lapsos_write(s, id, in.lapsos, error_r) < 0 ||
        (p->make_current && make_current(s, id, error_r) < 0)) {
        rc = REC_ERROR;
        goto out;
    }
    after = school_year_json(s, id);
    if (!json_equal(before, after) &&
        rec_audit(s, actor, "update", "school_year", id, before, after,
                  error_r) < 0)
        rc = REC_ERROR;
out:
    json_decref(before);
    rc = finish(s, rc, error_r);
    if (rc == REC_OK)
        *year_r = after;
    else
        json_decref(after);
    return rc;
}

int school_year_ensure_current(struct store *s, const struct actor *actor,
                               const char *today, int64_t *id_r,
                               bool *created_r, const char **error_r)
{
    if (created_r)
        *created_r = false;
    int64_t id = 0;
    int cur = school_year_current(s, &id, error_r);
    if (cur < 0)
        return -1;
    if (cur > 0) {
        *id_r = id;
        return 0;
    }
    char local[11];
    if (today == NULL || tz_parse_date(today, &(int){0}, &(int){0},
                                       &(int){0}) < 0) {
        rec_today(s, local);
        today = local;
    }
    int y = date_year(today), m = atoi(today + 5);
    int y1 = m >= 8 ? y : y - 1;
    struct year_input in = {.is_current = true};
    snprintf(in.name, sizeof in.name, "%04d-%04d", y1 % 10000,
             (y1 + 1) % 10000);
    /* a year of that name that is not current becomes the current one */
    if (db_query_int(s->conn, error_r, &id,
                     "SELECT id FROM school_years WHERE name = ?", "t",
                     in.name) < 0)
        return -1;
    if (id != 0) {
        json_t *before = school_year_json(s, id);
        int rc = make_current(s, id, error_r);
        json_t *after = school_year_json(s, id);
        if (rc == 0)
            rc = rec_audit(s, actor, "update", "school_year", id, before,
                           after, error_r);
        json_decref(before);
        json_decref(after);
        if (rc < 0)
            return -1;
        *id_r = id;
        return 0;
    }
    ymd(in.starts_on, y1, 9, 1);
    ymd(in.ends_on, y1 + 1, 7, 31);
    school_year_default_lapsos(in.starts_on, in.ends_on, in.lapsos);
    in.has_lapsos = true;
    char now[21];
    time_format_utc(time_now(), now);
    if (db_query_int(s->conn, error_r, &id,
                     "INSERT INTO school_years (name, starts_on, ends_on,"
                     " is_current, created_at) VALUES (?, ?, ?, 0, ?)"
                     " RETURNING id",
                     "tttt", in.name, in.starts_on, in.ends_on, now) < 0 ||
        id == 0 || lapsos_write(s, id, in.lapsos, error_r) < 0 ||
        make_current(s, id, error_r) < 0)
        return -1;
    /* calendar (issue #16): the national holidays inside the new year */
    if (calendar_prefill_holidays(s, actor, id, error_r) < 0)
        return -1;
    json_t *y2 = school_year_json(s, id);
    int rc = rec_audit(s, actor, "create", "school_year", id, NULL, y2,
                       error_r);
    json_decref(y2);
    if (rc < 0)
        return -1;
    *id_r = id;
    if (created_r)
        *created_r = true;
    return 0;
}

/* ---- promotion ---- */

struct old_section {
    int64_t id, grade_id, number, capacity, room_id;
    char level[16], letter[16], shift[8];
    int64_t next_id; /* the section of the next grade in the new year */
    int64_t same_id; /* of the same grade (repeaters), made on demand */
    bool graduates;
};

/* The section (year, grade, letter), created like `like` when missing. */
static int section_ensure(struct store *s, int64_t year_id, int64_t grade_id,
                          const struct old_section *like, int64_t *id_r,
                          int *created, const char **error_r)
{
    int64_t id = 0;
    if (db_query_int(s->conn, error_r, &id,
                     "SELECT id FROM sections WHERE year_id = ?"
                     " AND grade_id = ? AND letter = ?",
                     "iit", year_id, grade_id, like->letter) < 0)
        return -1;
    if (id == 0) {
        char now[21];
        time_format_utc(time_now(), now);
        if (db_query_int(s->conn, error_r, &id,
                         "INSERT INTO sections (year_id, grade_id, letter,"
                         " shift, capacity, room_id, created_at)"
                         " VALUES (?, ?, ?, ?, ?, NULLIF(?, 0), ?)"
                         " RETURNING id",
                         "iittiit", year_id, grade_id, like->letter,
                         like->shift, like->capacity, like->room_id,
                         now) < 0 ||
            id == 0)
            return -1;
        (*created)++;
    }
    *id_r = id;
    return 0;
}

static int enrolment_move(struct store *s, int64_t student_id,
                          const char *old_end, const char *end_reason,
                          int64_t new_section, const char *new_start,
                          const char **error_r)
{
    char now[21];
    time_format_utc(time_now(), now);
    if (db_run(s->conn, error_r,
               "UPDATE enrolments SET ends_on = ?, end_reason = ?"
               " WHERE student_id = ? AND ends_on IS NULL",
               "tti", old_end, end_reason, student_id) < 0)
        return -1;
    if (new_section == 0)
        return 0;
    return db_run(s->conn, error_r,
                  "INSERT INTO enrolments (student_id, section_id, starts_on,"
                  " start_reason, created_at) VALUES (?, ?, ?, 'promocion', ?)",
                  "iitt", student_id, new_section, new_start, now) < 0
               ? -1
               : 0;
}

static bool repeats(const struct promote_input *in, int64_t id)
{
    for (int i = 0; i < in->repeat_n; i++)
        if (in->repeat_ids[i] == id)
            return true;
    return false;
}

struct old_student {
    int64_t id, section_id;
    char condition[24];
};

static int promote_run(struct store *s, const struct actor *actor,
                       int64_t from_id, const struct promote_input *in,
                       struct rec_errors *errs, json_t **result_r,
                       const char **error_r)
{
    json_t *from = school_year_json(s, from_id);
    if (from == NULL)
        return REC_NOT_FOUND;
    char from_name[16], from_end[11];
    str_copy(from_name, sizeof from_name,
             json_string_value(json_object_get(from, "name")));
    str_copy(from_end, sizeof from_end,
             json_string_value(json_object_get(from, "ends_on")));
    json_decref(from);

    struct year_input y = {.is_current = true};
    str_copy(y.name, sizeof y.name, in->name);
    str_copy(y.starts_on, 11, in->starts_on);
    str_copy(y.ends_on, 11, in->ends_on);
    school_year_check(&y, errs);
    int64_t ns, fe;
    if (date_days(y.starts_on, &ns) && date_days(from_end, &fe) && ns <= fe)
        rec_error(errs, "starts_on",
                  "El año nuevo debe empezar después del cierre del año que "
                  "se promueve.");
    for (int i = 0; i < in->repeat_n; i++) {
        int64_t ok = 0;
        if (db_query_int(s->conn, error_r, &ok,
                         "SELECT st.id FROM students st JOIN sections sc"
                         " ON sc.id = st.section_id WHERE st.id = ?"
                         " AND st.status = 'activo' AND sc.year_id = ?",
                         "ii", in->repeat_ids[i], from_id) < 0)
            return REC_ERROR;
        if (ok == 0) {
            rec_error(errs, "repeat_student_ids",
                      "Cada estudiante que repite debe estar activo en una "
                      "sección del año que se promueve.");
            break;
        }
    }
    if (errs->n)
        return REC_INVALID;
    int64_t new_id = 0;
    int rc = year_insert(s, &y, errs, &new_id, error_r);
    if (rc != REC_OK)
        return rc;
    /* calendar (issue #16): the national holidays inside the new year */
    if (calendar_prefill_holidays(s, actor, new_id, error_r) < 0)
        return REC_ERROR;

    /* the old year's sections, each with the next grade */
    struct old_section *sec = NULL;
    size_t nsec = 0, cap = 0;
    struct old_student *stu = NULL;
    size_t nstu = 0, scap = 0;
    int created = 0, promoted = 0, graduated = 0, repeating = 0;
    rc = REC_ERROR;
    struct db_stmt *st = db_query(
        s->conn, error_r,
        "SELECT sc.id, sc.grade_id, g.level, g.number, sc.letter, sc.shift,"
        " sc.capacity, COALESCE(sc.room_id, 0) FROM sections sc"
        " JOIN grades g ON g.id = sc.grade_id WHERE sc.year_id = ?"
        " ORDER BY sc.id",
        "i", from_id);
    if (st == NULL)
        goto out;
    int step;
    while ((step = db_step(st, error_r)) == DB_ROW) {
        if (nsec == cap) {
            cap = cap ? cap * 2 : 32;
            sec = xrealloc(sec, cap * sizeof *sec);
        }
        struct old_section *o = &sec[nsec++];
        memset(o, 0, sizeof *o);
        o->id = db_int(st, 0);
        o->grade_id = db_int(st, 1);
        str_copy(o->level, sizeof o->level, db_text(st, 2));
        o->number = db_int(st, 3);
        str_copy(o->letter, sizeof o->letter, db_text(st, 4));
        str_copy(o->shift, sizeof o->shift, db_text(st, 5));
        o->capacity = db_int(st, 6);
        o->room_id = db_int(st, 7);
    }
    db_finish(&st);
    if (step < 0)
        goto out;
    for (size_t i = 0; i < nsec; i++) {
        struct old_section *o = &sec[i];
        const char *level = o->level;
        int number = (int)o->number + 1;
        if (number > rec_level_max(level)) {
            if (strcmp(level, "inicial") == 0)
                level = "primaria", number = 1;
            else if (strcmp(level, "primaria") == 0)
                level = "media_general", number = 1;
            else
                o->graduates = true;
        }
        if (o->graduates)
            continue;
        int64_t grade = 0;
        if (school_grade_ensure(s, actor, level, number, &grade, NULL,
                                error_r) < 0 ||
            section_ensure(s, new_id, grade, o, &o->next_id, &created,
                           error_r) < 0)
            goto out;
    }

    st = db_query(s->conn, error_r,
                  "SELECT st.id, st.section_id, st.academic_condition"
                  " FROM students st JOIN sections sc"
                  " ON sc.id = st.section_id WHERE sc.year_id = ?"
                  " AND st.status = 'activo' ORDER BY st.id",
                  "i", from_id);
    if (st == NULL)
        goto out;
    while ((step = db_step(st, error_r)) == DB_ROW) {
        if (nstu == scap) {
            scap = scap ? scap * 2 : 64;
            stu = xrealloc(stu, scap * sizeof *stu);
        }
        stu[nstu].id = db_int(st, 0);
        stu[nstu].section_id = db_int(st, 1);
        str_copy(stu[nstu].condition, sizeof stu[nstu].condition,
                 db_text(st, 2));
        nstu++;
    }
    db_finish(&st);
    if (step < 0)
        goto out;
    char now[21];
    time_format_utc(time_now(), now);
    for (size_t i = 0; i < nstu; i++) {
        struct old_section *o = NULL;
        for (size_t k = 0; k < nsec && o == NULL; k++)
            if (sec[k].id == stu[i].section_id)
                o = &sec[k];
        if (o == NULL)
            continue;
        int64_t to = 0;
        const char *condition = stu[i].condition;
        if (repeats(in, stu[i].id)) {
            if (o->same_id == 0 &&
                section_ensure(s, new_id, o->grade_id, o, &o->same_id,
                               &created, error_r) < 0)
                goto out;
            to = o->same_id;
            condition = "repitiente";
            repeating++;
        } else if (o->graduates) {
            if (db_run(s->conn, error_r,
                       "UPDATE students SET status = 'graduado',"
                       " section_id = NULL, updated_at = ? WHERE id = ?",
                       "ti", now, stu[i].id) < 0 ||
                enrolment_move(s, stu[i].id, from_end, "graduacion", 0, NULL,
                               error_r) < 0)
                goto out;
            graduated++;
            continue;
        } else {
            to = o->next_id;
            if (strcmp(condition, "repitiente") == 0)
                condition = "regular";
            promoted++;
        }
        if (db_run(s->conn, error_r,
                   "UPDATE students SET section_id = ?,"
                   " academic_condition = ?, updated_at = ? WHERE id = ?",
                   "itti", to, condition, now, stu[i].id) < 0 ||
            enrolment_move(s, stu[i].id, from_end, "promocion", to,
                           y.starts_on, error_r) < 0)
            goto out;
    }
    json_t *year = school_year_json(s, new_id);
    json_t *result = json_pack(
        "{s:o,s:i,s:i,s:i,s:i}", "year", year, "sections_created", created,
        "students_promoted", promoted, "students_graduated", graduated,
        "students_repeating", repeating);
    json_t *before = json_pack("{s:s}", "from_year", from_name);
    json_t *after = json_pack("{s:s,s:i,s:i,s:i,s:i}", "year", y.name,
                              "sections_created", created,
                              "students_promoted", promoted,
                              "students_graduated", graduated,
                              "students_repeating", repeating);
    int arc = rec_audit(s, actor, "promote", "school_year", new_id, before,
                        after, error_r);
    json_decref(before);
    json_decref(after);
    if (arc < 0) {
        json_decref(result);
        goto out;
    }
    *result_r = result;
    rc = REC_OK;
out:
    db_finish(&st);
    free(sec);
    free(stu);
    return rc;
}

int school_year_promote(struct store *s, const struct actor *actor,
                        int64_t from_id, const struct promote_input *in,
                        struct rec_errors *errs, json_t **result_r,
                        const char **error_r)
{
    *result_r = NULL;
    if (store_begin(s, error_r) < 0)
        return REC_ERROR;
    int rc = promote_run(s, actor, from_id, in, errs, result_r, error_r);
    rc = finish(s, rc, error_r);
    if (rc != REC_OK && *result_r) {
        json_decref(*result_r);
        *result_r = NULL;
    }
    return rc;
}
