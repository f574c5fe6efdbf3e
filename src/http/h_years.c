/*
 * School years and their lapsos: GET/POST /api/v1/years, PATCH
 * /api/v1/years/{id}, POST /api/v1/years/{id}/promote (the new year with
 * sections and students carried over). The handler reads the body (every
 * invalid member at once); the rules and the SQL are in
 * src/school/years.c.
 */
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "http/h_records.h"

static const char year_not_found[] = "Año escolar no encontrado.";
static const char lapsos_message[] =
    "Indique los tres lapsos, cada uno con starts_on y ends_on "
    "(AAAA-MM-DD).";

/* The optional "lapsos" member: three objects {number?, starts_on,
 * ends_on}, placed by number (or in order). */
static bool read_lapsos(json_t *obj, struct lapso_dates out[3],
                        bool *present_r, struct field_errors *errs)
{
    json_t *a = json_object_get(obj, "lapsos");
    *present_r = a != NULL;
    if (a == NULL)
        return true;
    bool seen[3] = {false, false, false};
    if (!json_is_array(a) || json_array_size(a) != 3)
        goto bad;
    for (size_t i = 0; i < 3; i++) {
        json_t *l = json_array_get(a, i);
        json_t *num = json_object_get(l, "number");
        size_t k = i;
        if (!json_is_object(l))
            goto bad;
        if (num) {
            if (!json_is_integer(num) || json_integer_value(num) < 1 ||
                json_integer_value(num) > 3)
                goto bad;
            k = (size_t)json_integer_value(num) - 1;
        }
        if (seen[k])
            goto bad;
        seen[k] = true;
        const char *from = json_str(l, "starts_on"), *to = json_str(l, "ends_on");
        if (!from || !to ||
            records_check_date(from, out[k].starts_on, sizeof out[k].starts_on) ||
            records_check_date(to, out[k].ends_on, sizeof out[k].ends_on))
            goto bad;
    }
    return true;
bad:
    field_error(errs, "lapsos", lapsos_message);
    return false;
}

/* The year's own rules (name, dates, lapsos) reported with the
 * body's findings, so one reply names every invalid member. */
static void merge_check(const struct year_input *in, struct field_errors *fe)
{
    struct year_input copy = *in;
    struct rec_errors errs = {0};
    school_year_check(&copy, &errs);
    for (int i = 0; i < errs.n; i++)
        field_error(fe, errs.e[i].field, errs.e[i].message);
}

void h_years_list(struct request *r)
{
    const char *err = NULL;
    json_t *items = NULL;
    int rc = school_years_list(r->school, &items, &err);
    records_reply_list(r, rc, items, err);
}

void h_years_create(struct request *r)
{
    struct year_input in = {0};
    const struct field f[] = {
        {.key = "name", .required = true, .max_len = 9,
         .message = "Indique el nombre del año escolar, como 2025-2026.",
         .text = in.name, .text_size = sizeof in.name},
        {.key = "starts_on", .required = true, .max_len = 10,
         .message = "Indique la fecha de inicio (AAAA-MM-DD).",
         .check = records_check_date, .text = in.starts_on,
         .text_size = sizeof in.starts_on},
        {.key = "ends_on", .required = true, .max_len = 10,
         .message = "Indique la fecha de cierre (AAAA-MM-DD).",
         .check = records_check_date, .text = in.ends_on,
         .text_size = sizeof in.ends_on},
        {.key = "is_current", .type = FIELD_BOOL,
         .message = "is_current debe ser true o false.",
         .boolean = &in.is_current},
    };
    struct field_errors fe = {0};
    fields_parse(r->json, f, sizeof f / sizeof f[0], &fe);
    read_lapsos(r->json, in.lapsos, &in.has_lapsos, &fe);
    merge_check(&in, &fe);
    if (fields_reply(r, &fe) < 0)
        return;
    struct rec_errors errs = {0};
    const char *err = NULL;
    struct actor actor;
    request_actor(r, &actor);
    json_t *y = NULL;
    int rc = school_year_create(r->school, &actor, &in, &errs, &y, &err);
    records_reply(r, rc, &errs, err, year_not_found, 201, y);
}

void h_years_patch(struct request *r)
{
    int64_t id;
    if (!records_id(r, &id, year_not_found))
        return;
    struct year_patch p = {0};
    bool current = false, has_current = false;
    const struct field f[] = {
        {.key = "starts_on", .max_len = 10,
         .message = "Indique la fecha de inicio (AAAA-MM-DD).",
         .check = records_check_date, .text = p.starts_on,
         .text_size = sizeof p.starts_on, .present = &p.has_starts_on},
        {.key = "ends_on", .max_len = 10,
         .message = "Indique la fecha de cierre (AAAA-MM-DD).",
         .check = records_check_date, .text = p.ends_on,
         .text_size = sizeof p.ends_on, .present = &p.has_ends_on},
        {.key = "is_current", .type = FIELD_BOOL,
         .message = "is_current solo admite true: para cambiar de año "
                    "actual, marque otro año como actual.",
         .boolean = &current, .present = &has_current},
    };
    struct field_errors fe = {0};
    fields_parse(r->json, f, sizeof f / sizeof f[0], &fe);
    if (has_current && !current)
        field_error(&fe, "is_current",
                    "is_current solo admite true: para cambiar de año "
                    "actual, marque otro año como actual.");
    p.make_current = has_current && current;
    read_lapsos(r->json, p.lapsos, &p.has_lapsos, &fe);
    if (fields_reply(r, &fe) < 0)
        return;
    struct rec_errors errs = {0};
    const char *err = NULL;
    struct actor actor;
    request_actor(r, &actor);
    json_t *y = NULL;
    int rc = school_year_update(r->school, &actor, id, &p, &errs, &y, &err);
    records_reply(r, rc, &errs, err, year_not_found, 200, y);
}

#define REPEAT_MAX 5000

void h_years_promote(struct request *r)
{
    int64_t id;
    if (!records_id(r, &id, year_not_found))
        return;
    struct promote_input in = {0};
    const struct field f[] = {
        {.key = "name", .required = true, .max_len = 9,
         .message = "Indique el nombre del año nuevo, como 2026-2027.",
         .text = in.name, .text_size = sizeof in.name},
        {.key = "starts_on", .required = true, .max_len = 10,
         .message = "Indique la fecha de inicio (AAAA-MM-DD).",
         .check = records_check_date, .text = in.starts_on,
         .text_size = sizeof in.starts_on},
        {.key = "ends_on", .required = true, .max_len = 10,
         .message = "Indique la fecha de cierre (AAAA-MM-DD).",
         .check = records_check_date, .text = in.ends_on,
         .text_size = sizeof in.ends_on},
    };
    struct field_errors fe = {0};
    fields_parse(r->json, f, sizeof f / sizeof f[0], &fe);
    int64_t *ids = xmalloc(REPEAT_MAX * sizeof *ids);
    bool present;
    int n = records_ids(r->json, "repeat_student_ids", ids, REPEAT_MAX,
                        &present,
                        "repeat_student_ids debe ser una lista de ids de "
                        "estudiantes.",
                        &fe);
    struct year_input y = {0};
    str_copy(y.name, sizeof y.name, in.name);
    str_copy(y.starts_on, sizeof y.starts_on, in.starts_on);
    str_copy(y.ends_on, sizeof y.ends_on, in.ends_on);
    merge_check(&y, &fe);
    if (fields_reply(r, &fe) < 0) {
        free(ids);
        return;
    }
    in.repeat_ids = ids;
    in.repeat_n = n > 0 ? n : 0;
    struct rec_errors errs = {0};
    const char *err = NULL;
    struct actor actor;
    request_actor(r, &actor);
    json_t *result = NULL;
    int rc = school_year_promote(r->school, &actor, id, &in, &errs, &result,
                                 &err);
    free(ids);
    records_reply(r, rc, &errs, err, year_not_found, 201, result);
}
