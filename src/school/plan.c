/*
 * The plan de estudio and the teaching assignments (setup.h). The plan
 * says how many periods a week each subject has in a grade and how they
 * split into blocks ("2+2+2": three lessons of two consecutive periods),
 * the blocks always summing to the periods. An assignment says who
 * teaches a subject to a section of the current year: a teacher, or none
 * for "cualquier docente calificado" (the solver picks among the staff
 * qualified for the subject, balancing loads); its own periods and blocks
 * override the plan's when the section differs from its grade. Every
 * assignment shows the plan's figures next to its own so a page can say
 * where they come from.
 */
#include <stdio.h>
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

static json_t *one(struct store *s, const char *sql, int64_t id,
                   db_row_json_fn row)
{
    struct db_stmt *st = db_query(s->conn, NULL, sql, "i", id);
    json_t *o = NULL;
    if (st && db_step(st, NULL) == DB_ROW)
        o = row(st, NULL);
    db_finish(&st);
    return o;
}

static bool exists(struct store *s, const char *sql, int64_t id,
                   const char **error_r, int *rc_r)
{
    int64_t found = 0;
    if (db_query_int(s->conn, error_r, &found, sql, "i", id) < 0) {
        *rc_r = REC_ERROR;
        return false;
    }
    return found != 0;
}

/* ---- blocks ---- */

const char *plan_check_blocks(const char *blocks, int64_t periods,
                              char *out, size_t n, int64_t *sum_r)
{
    static const char shape[] =
        "Los bloques se escriben como números separados por «+» (por "
        "ejemplo 2+2+2), cada uno de 1 a 12.";
    char norm[PLAN_BLOCKS_MAX];
    size_t j = 0;
    int64_t sum = 0, cur = -1;
    int parts = 0;
    for (const char *p = blocks;; p++) {
        if (*p == ' ')
            continue;
        if (*p >= '0' && *p <= '9') {
            cur = (cur < 0 ? 0 : cur) * 10 + (*p - '0');
            if (cur > 12)
                return shape;
            continue;
        }
        if (*p != '+' && *p != '\0')
            return shape;
        if (cur < 1)
            return shape;
        int w = snprintf(norm + j, sizeof norm - j, "%s%lld",
                         parts ? "+" : "", (long long)cur);
        if (w < 0 || (size_t)w >= sizeof norm - j || ++parts > 40)
            return shape;
        j += (size_t)w;
        sum += cur;
        cur = -1;
        if (*p == '\0')
            break;
    }
    if (sum_r)
        *sum_r = sum;
    if (periods > 0 && sum != periods)
        return "Los bloques deben sumar las horas semanales de la materia "
               "(por ejemplo 6 horas: 2+2+2).";
    str_copy(out, n, norm);
    return NULL;
}

void plan_default_blocks(int64_t periods, char *out, size_t n)
{
    size_t j = 0;
    out[0] = '\0';
    for (int64_t left = periods; left > 0 && j + 4 < n;) {
        int64_t b = left >= 2 ? 2 : 1;
        j += (size_t)snprintf(out + j, n - j, "%s%lld", j ? "+" : "",
                              (long long)b);
        left -= b;
    }
}

/* ---- plan de estudio ---- */

static json_t *plan_row(struct db_stmt *st, void *ctx)
{
    (void)ctx;
    return json_pack("{s:I,s:I,s:s,s:I,s:s,s:s,s:I,s:s}", "id",
                     (json_int_t)db_int(st, 0), "grade_id",
                     (json_int_t)db_int(st, 1), "grade", db_text(st, 2),
                     "subject_id", (json_int_t)db_int(st, 3), "subject",
                     db_text(st, 4), "subject_code", db_text(st, 5),
                     "periods_per_week", (json_int_t)db_int(st, 6),
                     "blocks", db_text(st, 7));
}

#define PLAN_SQL                                                             \
    "SELECT p.id, p.grade_id, g.name, p.subject_id, su.name, su.code,"       \
    " p.periods_per_week, p.blocks FROM study_plan p"                        \
    " JOIN grades g ON g.id = p.grade_id"                                    \
    " JOIN subjects su ON su.id = p.subject_id"
#define LEVEL_ORDER                                                          \
    "CASE g.level WHEN 'inicial' THEN 1 WHEN 'primaria' THEN 2"              \
    " WHEN 'media_general' THEN 3 ELSE 4 END"

int plan_list(struct store *s, int64_t grade_id, json_t **items_r,
              const char **error_r)
{
    const struct db_value v[] = {{'i', NULL, grade_id},
                                 {'i', NULL, grade_id}};
    bool more;
    return store_rows_json(s,
                           PLAN_SQL " WHERE (? = 0 OR p.grade_id = ?)"
                                    " ORDER BY " LEVEL_ORDER
                                    ", g.number, su.name, p.id",
                           2, v, 0, plan_row, NULL, items_r, &more,
                           error_r);
}

int plan_write(struct store *s, const struct actor *actor, int64_t id,
               struct plan_input *in, struct rec_errors *errs,
               json_t **obj_r, const char **error_r)
{
    *obj_r = NULL;
    if (store_begin(s, error_r) < 0)
        return REC_ERROR;
    int rc = REC_OK;
    json_t *before = NULL, *after = NULL;
    if (id) {
        before = one(s, PLAN_SQL " WHERE p.id = ?", id, plan_row);
        if (before == NULL) {
            rc = REC_NOT_FOUND;
            goto out;
        }
        if (!in->has_grade)
            in->grade_id =
                json_integer_value(json_object_get(before, "grade_id"));
        if (!in->has_subject)
            in->subject_id =
                json_integer_value(json_object_get(before, "subject_id"));
        if (!in->has_periods)
            in->periods = json_integer_value(
                json_object_get(before, "periods_per_week"));
        if (!in->has_blocks && !in->has_periods)
            str_copy(in->blocks, sizeof in->blocks,
                     json_string_value(json_object_get(before, "blocks")));
    }
    if (in->has_grade &&
        !exists(s, "SELECT id FROM grades WHERE id = ?", in->grade_id,
                error_r, &rc))
        rec_error(errs, "grade_id", "El grado indicado no existe.");
    if (in->has_subject &&
        !exists(s, "SELECT id FROM subjects WHERE id = ?", in->subject_id,
                error_r, &rc))
        rec_error(errs, "subject_id", "La materia indicada no existe.");
    if (rc != REC_OK)
        goto out;
    if (in->blocks[0] == '\0')
        plan_default_blocks(in->periods, in->blocks, sizeof in->blocks);
    const char *msg = plan_check_blocks(in->blocks, in->periods, in->blocks,
                                        sizeof in->blocks, NULL);
    if (msg)
        rec_error(errs, "blocks", msg);
    if (errs->n) {
        rc = REC_INVALID;
        goto out;
    }
    int64_t other = 0;
    if (db_query_int(s->conn, error_r, &other,
                     "SELECT id FROM study_plan WHERE grade_id = ?"
                     " AND subject_id = ? AND id <> ?",
                     "iii", in->grade_id, in->subject_id, id) < 0) {
        rc = REC_ERROR;
        goto out;
    }
    if (other) {
        rec_error(errs, "subject_id",
                  "Esa materia ya está en el plan de estudio del grado.");
        rc = REC_CONFLICT;
        goto out;
    }
    char now[21];
    time_format_utc(time_now(), now);
    if (id == 0) {
        if (db_query_int(s->conn, error_r, &id,
                         "INSERT INTO study_plan (grade_id, subject_id,"
                         " periods_per_week, blocks, created_at, updated_at)"
                         " VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                         "iiittt", in->grade_id, in->subject_id, in->periods,
                         in->blocks, now, now) < 0 ||
            id == 0)
            rc = REC_ERROR;
    } else if (db_run(s->conn, error_r,
                      "UPDATE study_plan SET grade_id = ?, subject_id = ?,"
                      " periods_per_week = ?, blocks = ?, updated_at = ?"
                      " WHERE id = ?",
                      "iiitti", in->grade_id, in->subject_id, in->periods,
                      in->blocks, now, id) < 0)
        rc = REC_ERROR;
    if (rc != REC_OK)
        goto out;
    after = one(s, PLAN_SQL " WHERE p.id = ?", id, plan_row);
    if (!json_equal(before, after) &&
        rec_audit(s, actor, before ? "update" : "create", "study_plan", id,
                  before, after, error_r) < 0)
        rc = REC_ERROR;
out:
    json_decref(before);
    rc = finish(s, rc, error_r);
    if (rc == REC_OK)
        *obj_r = after;
    else
        json_decref(after);
    return rc;
}

static int delete_row(struct store *s, const struct actor *actor,
                      const char *select_one, db_row_json_fn row,
                      const char *delete_sql, const char *entity, int64_t id,
                      const char **error_r)
{
    if (store_begin(s, error_r) < 0)
        return REC_ERROR;
    json_t *before = one(s, select_one, id, row);
    int rc = REC_NOT_FOUND;
    if (before) {
        rc = REC_OK;
        if (db_run(s->conn, error_r, delete_sql, "i", id) < 0 ||
            rec_audit(s, actor, "delete", entity, id, before, NULL,
                      error_r) < 0)
            rc = REC_ERROR;
    }
    json_decref(before);
    return finish(s, rc, error_r);
}

int plan_delete(struct store *s, const struct actor *actor, int64_t id,
                const char **error_r)
{
    return delete_row(s, actor, PLAN_SQL " WHERE p.id = ?", plan_row,
                      "DELETE FROM study_plan WHERE id = ?", "study_plan",
                      id, error_r);
}

/* ---- teaching assignments ---- */

static json_t *assignment_row(struct db_stmt *st, void *ctx)
{
    (void)ctx;
    char section[64], teacher[220];
    snprintf(section, sizeof section, "%s %s", db_text(st, 2),
             db_text(st, 3));
    snprintf(teacher, sizeof teacher, "%s %s", db_text(st, 8),
             db_text(st, 9));
    bool any = db_null(st, 7);
    return json_pack(
        "{s:I,s:I,s:s,s:I,s:s,s:s,s:o,s:o,s:b,s:o,s:o,s:o,s:o}", "id",
        (json_int_t)db_int(st, 0), "section_id", (json_int_t)db_int(st, 1),
        "section", section, "subject_id", (json_int_t)db_int(st, 4),
        "subject", db_text(st, 5), "subject_code", db_text(st, 6),
        "staff_id", any ? json_null() : json_integer(db_int(st, 7)),
        "teacher", any ? json_null() : json_string(teacher), "any_teacher",
        any, "periods_per_week",
        db_null(st, 10) ? json_null() : json_integer(db_int(st, 10)),
        "blocks", db_null(st, 11) ? json_null() : json_string(db_text(st, 11)),
        "plan_periods_per_week",
        db_null(st, 12) ? json_null() : json_integer(db_int(st, 12)),
        "plan_blocks",
        db_null(st, 13) ? json_null() : json_string(db_text(st, 13)));
}

#define ASSIGNMENT_SQL                                                       \
    "SELECT a.id, a.section_id, g.name, sc.letter, a.subject_id, su.name,"   \
    " su.code, a.staff_id, sf.first_names, sf.last_names,"                   \
    " a.periods_per_week, a.blocks, p.periods_per_week, p.blocks"            \
    " FROM teaching_assignments a"                                           \
    " JOIN sections sc ON sc.id = a.section_id"                              \
    " JOIN grades g ON g.id = sc.grade_id"                                   \
    " JOIN subjects su ON su.id = a.subject_id"                              \
    " LEFT JOIN staff sf ON sf.id = a.staff_id"                              \
    " LEFT JOIN study_plan p ON p.grade_id = sc.grade_id"                    \
    "  AND p.subject_id = a.subject_id"

int assignments_list(struct store *s, int64_t section_id, int64_t staff_id,
                     json_t **items_r, const char **error_r)
{
    int64_t year = 0;
    store_lock(s);
    int rc = school_year_current(s, &year, error_r);
    store_unlock(s);
    if (rc < 0)
        return -1;
    const struct db_value v[] = {{'i', NULL, year},
                                 {'i', NULL, section_id},
                                 {'i', NULL, section_id},
                                 {'i', NULL, staff_id},
                                 {'i', NULL, staff_id}};
    bool more;
    return store_rows_json(
        s,
        ASSIGNMENT_SQL
        " WHERE sc.year_id = ? AND (? = 0 OR a.section_id = ?)"
        " AND (? = 0 OR a.staff_id = ?)"
        " ORDER BY " LEVEL_ORDER ", g.number, sc.letter, su.name, a.id",
        5, v, 0, assignment_row, NULL, items_r, &more, error_r);
}

int assignment_write(struct store *s, const struct actor *actor, int64_t id,
                     struct assignment_input *in, struct rec_errors *errs,
                     json_t **obj_r, const char **error_r)
{
    *obj_r = NULL;
    if (store_begin(s, error_r) < 0)
        return REC_ERROR;
    int rc = REC_OK;
    json_t *before = NULL, *after = NULL;
    if (id) {
        before = one(s, ASSIGNMENT_SQL " WHERE a.id = ?", id,
                     assignment_row);
        if (before == NULL) {
            rc = REC_NOT_FOUND;
            goto out;
        }
        if (!in->has_section)
            in->section_id =
                json_integer_value(json_object_get(before, "section_id"));
        if (!in->has_subject)
            in->subject_id =
                json_integer_value(json_object_get(before, "subject_id"));
        if (!in->has_staff)
            in->staff_id =
                json_integer_value(json_object_get(before, "staff_id"));
        if (!in->has_periods && !in->has_blocks) {
            in->periods = json_integer_value(
                json_object_get(before, "periods_per_week"));
            const char *b =
                json_string_value(json_object_get(before, "blocks"));
            str_copy(in->blocks, sizeof in->blocks, b ? b : "");
        }
    }
    int64_t year = 0;
    if (school_year_current(s, &year, error_r) < 0) {
        rc = REC_ERROR;
        goto out;
    }
    if (in->has_section) {
        int64_t found = 0;
        if (db_query_int(s->conn, error_r, &found,
                         "SELECT id FROM sections WHERE id = ?"
                         " AND year_id = ?",
                         "ii", in->section_id, year) < 0) {
            rc = REC_ERROR;
            goto out;
        }
        if (found == 0)
            rec_error(errs, "section_id",
                      "La sección indicada no existe en el año escolar "
                      "actual.");
    }
    if (in->has_subject &&
        !exists(s, "SELECT id FROM subjects WHERE id = ?", in->subject_id,
                error_r, &rc))
        rec_error(errs, "subject_id", "La materia indicada no existe.");
    if (in->has_staff && in->staff_id &&
        !exists(s, "SELECT id FROM staff WHERE id = ?", in->staff_id,
                error_r, &rc))
        rec_error(errs, "staff_id", "El docente indicado no existe.");
    if (rc != REC_OK)
        goto out;
    /* the override: periods alone split by default, blocks alone give
     * the periods, both must agree; neither is the plan's */
    if (in->periods || in->blocks[0]) {
        int64_t sum = 0;
        if (in->blocks[0] == '\0')
            plan_default_blocks(in->periods, in->blocks, sizeof in->blocks);
        const char *msg = plan_check_blocks(in->blocks, in->periods,
                                            in->blocks, sizeof in->blocks,
                                            &sum);
        if (msg)
            rec_error(errs, "blocks", msg);
        else if (in->periods == 0)
            in->periods = sum;
    }
    if (errs->n) {
        rc = REC_INVALID;
        goto out;
    }
    int64_t other = 0;
    if (db_query_int(s->conn, error_r, &other,
                     "SELECT id FROM teaching_assignments WHERE"
                     " section_id = ? AND subject_id = ? AND id <> ?",
                     "iii", in->section_id, in->subject_id, id) < 0) {
        rc = REC_ERROR;
        goto out;
    }
    if (other) {
        rec_error(errs, "subject_id",
                  "Esa materia ya está asignada en la sección: cambie la "
                  "asignación que tiene.");
        rc = REC_CONFLICT;
        goto out;
    }
    char now[21];
    time_format_utc(time_now(), now);
    const char *blocks = in->blocks[0] ? in->blocks : NULL;
    if (id == 0) {
        if (db_query_int(s->conn, error_r, &id,
                         "INSERT INTO teaching_assignments (section_id,"
                         " subject_id, staff_id, periods_per_week, blocks,"
                         " created_at, updated_at) VALUES (?, ?, NULLIF(?, 0),"
                         " NULLIF(?, 0), ?, ?, ?) RETURNING id",
                         "iiiittt", in->section_id, in->subject_id,
                         in->staff_id, in->periods, blocks, now, now) < 0 ||
            id == 0)
            rc = REC_ERROR;
    } else if (db_run(s->conn, error_r,
                      "UPDATE teaching_assignments SET section_id = ?,"
                      " subject_id = ?, staff_id = NULLIF(?, 0),"
                      " periods_per_week = NULLIF(?, 0), blocks = ?,"
                      " updated_at = ? WHERE id = ?",
                      "iiiitti", in->section_id, in->subject_id,
                      in->staff_id, in->periods, blocks, now, id) < 0)
        rc = REC_ERROR;
    if (rc != REC_OK)
        goto out;
    after = one(s, ASSIGNMENT_SQL " WHERE a.id = ?", id, assignment_row);
    if (!json_equal(before, after) &&
        rec_audit(s, actor, before ? "update" : "create",
                  "teaching_assignment", id, before, after, error_r) < 0)
        rc = REC_ERROR;
out:
    json_decref(before);
    rc = finish(s, rc, error_r);
    if (rc == REC_OK)
        *obj_r = after;
    else
        json_decref(after);
    return rc;
}

int assignment_delete(struct store *s, const struct actor *actor, int64_t id,
                      const char **error_r)
{
    return delete_row(s, actor, ASSIGNMENT_SQL " WHERE a.id = ?",
                      assignment_row,
                      "DELETE FROM teaching_assignments WHERE id = ?",
                      "teaching_assignment", id, error_r);
}
