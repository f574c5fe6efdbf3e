/*
 * The plan de estudio and the teaching assignments (issue #15):
 * GET/POST /api/v1/study-plan (?grade_id=), PATCH/DELETE
 * /api/v1/study-plan/{id}; GET/POST /api/v1/assignments (?section_id=,
 * ?staff_id=), PATCH/DELETE /api/v1/assignments/{id}. Bodies are read
 * with field tables (every invalid member at once); the rules (blocks
 * that sum to the periods, "any qualified teacher" as staff_id null) and
 * the SQL are in src/school/plan.c.
 */
#include <stdlib.h>
#include <string.h>

#include "http/h_records.h"
#include "school/setup.h"

static const char plan_not_found[] =
    "Materia del plan de estudio no encontrada.";
static const char assignment_not_found[] = "Asignación no encontrada.";
static const char periods_message[] =
    "Las horas semanales deben ser un número entre 1 y 40.";
static const char blocks_message[] =
    "Los bloques se escriben como números separados por «+» (por ejemplo "
    "2+2+2), cada uno de 1 a 12.";

/* ?key= as a positive id (0 when absent); false after a 422. */
static bool query_id(struct request *r, const char *key, int64_t *id_r,
                     const char *message)
{
    *id_r = 0;
    const char *q = request_query(r, key);
    if (q == NULL || *q == '\0')
        return true;
    char *end = NULL;
    long long v = strtoll(q, &end, 10);
    if (*end != '\0' || v <= 0 || q[0] < '1' || q[0] > '9') {
        reply_invalid(r, key, message);
        return false;
    }
    *id_r = v;
    return true;
}

static void reply_deleted(struct request *r, int rc, const char *err,
                          const char *not_found, int64_t id)
{
    struct rec_errors none = {0};
    records_reply(r, rc, &none, err, not_found, 200,
                  rc == REC_OK ? json_pack("{s:I,s:b}", "id", (json_int_t)id,
                                           "deleted", 1)
                               : NULL);
}

/* The shape of blocks given ("2+2+2"), before their sum is known. */
static void check_blocks_shape(const bool *present, char *blocks, size_t n,
                               struct field_errors *fe)
{
    if (!*present || blocks[0] == '\0')
        return;
    const char *msg = plan_check_blocks(blocks, 0, blocks, n, NULL);
    if (msg)
        field_error(fe, "blocks", msg);
}

/* ---- plan de estudio ---- */

void h_plan_list(struct request *r)
{
    int64_t grade;
    if (!query_id(r, "grade_id", &grade, "grade_id debe ser el id de un "
                                         "grado."))
        return;
    const char *err = NULL;
    json_t *items = NULL;
    int rc = plan_list(r->school, grade, &items, &err);
    records_reply_list(r, rc, items, err);
}

static void plan_write_request(struct request *r, int64_t id)
{
    bool create = id == 0;
    struct plan_input in = {0};
    const struct field f[] = {
        {.key = "grade_id", .type = FIELD_INT, .required = create,
         .message = "Indique el grado (grade_id).", .integer = &in.grade_id,
         .present = &in.has_grade},
        {.key = "subject_id", .type = FIELD_INT, .required = create,
         .message = "Indique la materia (subject_id).",
         .integer = &in.subject_id, .present = &in.has_subject},
        {.key = "periods_per_week", .type = FIELD_INT, .required = create,
         .message = periods_message, .integer = &in.periods,
         .present = &in.has_periods},
        {.key = "blocks", .max_len = PLAN_BLOCKS_MAX - 1,
         .message = blocks_message, .text = in.blocks,
         .text_size = sizeof in.blocks, .present = &in.has_blocks},
    };
    struct field_errors fe = {0};
    fields_parse(r->json, f, sizeof f / sizeof f[0], &fe);
    if (in.has_periods && (in.periods < 1 || in.periods > 40))
        field_error(&fe, "periods_per_week", periods_message);
    if (in.has_grade && in.grade_id <= 0)
        field_error(&fe, "grade_id", "Indique el grado (grade_id).");
    if (in.has_subject && in.subject_id <= 0)
        field_error(&fe, "subject_id", "Indique la materia (subject_id).");
    check_blocks_shape(&in.has_blocks, in.blocks, sizeof in.blocks, &fe);
    if (fields_reply(r, &fe) < 0)
        return;
    struct rec_errors errs = {0};
    const char *err = NULL;
    struct actor actor;
    request_actor(r, &actor);
    json_t *o = NULL;
    int rc = plan_write(r->school, &actor, id, &in, &errs, &o, &err);
    records_reply(r, rc, &errs, err, plan_not_found, create ? 201 : 200, o);
}

void h_plan_create(struct request *r)
{
    plan_write_request(r, 0);
}

void h_plan_patch(struct request *r)
{
    int64_t id;
    if (records_id(r, &id, plan_not_found))
        plan_write_request(r, id);
}

void h_plan_delete(struct request *r)
{
    int64_t id;
    if (!records_id(r, &id, plan_not_found))
        return;
    const char *err = NULL;
    struct actor actor;
    request_actor(r, &actor);
    int rc = plan_delete(r->school, &actor, id, &err);
    reply_deleted(r, rc, err, plan_not_found, id);
}

/* ---- teaching assignments ---- */

void h_assignments_list(struct request *r)
{
    int64_t section, staff;
    if (!query_id(r, "section_id", &section,
                  "section_id debe ser el id de una sección.") ||
        !query_id(r, "staff_id", &staff,
                  "staff_id debe ser el id de un docente."))
        return;
    const char *err = NULL;
    json_t *items = NULL;
    int rc = assignments_list(r->school, section, staff, &items, &err);
    records_reply_list(r, rc, items, err);
}

/* periods_per_week or blocks: null clears the override (the plan's). */
static void read_override(json_t *obj, struct assignment_input *in,
                          struct field_errors *fe)
{
    json_t *p = json_object_get(obj, "periods_per_week");
    json_t *b = json_object_get(obj, "blocks");
    in->has_periods = p != NULL;
    in->has_blocks = b != NULL;
    if (p && !json_is_null(p)) {
        if (!json_is_integer(p) || json_integer_value(p) < 1 ||
            json_integer_value(p) > 40)
            field_error(fe, "periods_per_week", periods_message);
        else
            in->periods = json_integer_value(p);
    }
    if (b && !json_is_null(b)) {
        const char *t = json_string_value(b);
        if (t == NULL || strlen(t) >= sizeof in->blocks)
            field_error(fe, "blocks", blocks_message);
        else
            strcpy(in->blocks, t);
    }
    /* one of the two set to null clears both */
    if ((p && json_is_null(p)) || (b && json_is_null(b))) {
        in->periods = 0;
        in->blocks[0] = '\0';
        in->has_periods = in->has_blocks = true;
    }
}

static void assignment_write_request(struct request *r, int64_t id)
{
    bool create = id == 0;
    struct assignment_input in = {0};
    const struct field f[] = {
        {.key = "section_id", .type = FIELD_INT, .required = create,
         .message = "Indique la sección (section_id).",
         .integer = &in.section_id, .present = &in.has_section},
        {.key = "subject_id", .type = FIELD_INT, .required = create,
         .message = "Indique la materia (subject_id).",
         .integer = &in.subject_id, .present = &in.has_subject},
    };
    struct field_errors fe = {0};
    fields_parse(r->json, f, sizeof f / sizeof f[0], &fe);
    if (in.has_section && in.section_id <= 0)
        field_error(&fe, "section_id", "Indique la sección (section_id).");
    if (in.has_subject && in.subject_id <= 0)
        field_error(&fe, "subject_id", "Indique la materia (subject_id).");
    records_nullable_id(r->json, "staff_id", &in.staff_id, &in.has_staff,
                        "staff_id debe ser el id de un docente, o null "
                        "(cualquier docente calificado).",
                        &fe);
    read_override(r->json, &in, &fe);
    check_blocks_shape(&in.has_blocks, in.blocks, sizeof in.blocks, &fe);
    if (fields_reply(r, &fe) < 0)
        return;
    struct rec_errors errs = {0};
    const char *err = NULL;
    struct actor actor;
    request_actor(r, &actor);
    json_t *o = NULL;
    int rc = assignment_write(r->school, &actor, id, &in, &errs, &o, &err);
    records_reply(r, rc, &errs, err, assignment_not_found, create ? 201 : 200,
                  o);
}

void h_assignments_create(struct request *r)
{
    assignment_write_request(r, 0);
}

void h_assignments_patch(struct request *r)
{
    int64_t id;
    if (records_id(r, &id, assignment_not_found))
        assignment_write_request(r, id);
}

void h_assignments_delete(struct request *r)
{
    int64_t id;
    if (!records_id(r, &id, assignment_not_found))
        return;
    const char *err = NULL;
    struct actor actor;
    request_actor(r, &actor);
    int rc = assignment_delete(r->school, &actor, id, &err);
    reply_deleted(r, rc, err, assignment_not_found, id);
}
