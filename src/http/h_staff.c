/*
 * The school's staff: GET/POST /api/v1/staff, GET/PATCH /api/v1/staff/{id}.
 * The cédula, phone and email are normalized with the ve_* checks
 * (src/school/venezuela.h); every invalid member is reported at once. The
 * rules that need the store and the SQL are in src/school/staff.c.
 */
#include <string.h>

#include "core/util.h"
#include "http/h_records.h"
#include "school/venezuela.h"

static const char staff_not_found[] = "Miembro del personal no encontrado.";

void h_staff_list(struct request *r)
{
    const char *q = request_query(r, "q");
    if (q && (strlen(q) > 100 || field_text_check(q, false))) {
        reply_invalid(r, "q", "La búsqueda admite hasta 100 caracteres.");
        return;
    }
    const char *err = NULL;
    json_t *items = NULL;
    int rc = school_staff_list(r->school, q, &items, &err);
    records_reply_list(r, rc, items, err);
}

void h_staff_get(struct request *r)
{
    int64_t id;
    if (!records_id(r, &id, staff_not_found))
        return;
    store_lock(r->school);
    json_t *o = school_staff_json(r->school, id);
    store_unlock(r->school);
    if (o == NULL) {
        reply_err_msg(r, ERR_NOT_FOUND, staff_not_found);
        return;
    }
    reply_json(r, 200, o);
}

static void staff_write(struct request *r, int64_t id)
{
    struct staff_input in = {0};
    bool create = id == 0;
    const struct field f[] = {
        {.key = "cedula", .required = create, .max_len = 40,
         .message = "Indique la cédula (por ejemplo, V-12345678).",
         .check = ve_cedula_normalize, .text = in.cedula,
         .text_size = sizeof in.cedula, .present = &in.has_cedula},
        {.key = "first_names", .required = create, .max_len = 100,
         .message = "Los nombres son obligatorios (máximo 100 caracteres).",
         .text = in.first_names, .text_size = sizeof in.first_names,
         .present = &in.has_first},
        {.key = "last_names", .required = create, .max_len = 100,
         .message = "Los apellidos son obligatorios (máximo 100 "
                    "caracteres).",
         .text = in.last_names, .text_size = sizeof in.last_names,
         .present = &in.has_last},
        {.key = "email", .clearable = true, .max_len = 254,
         .message = "Indique un correo electrónico válido.",
         .check = ve_email_normalize, .text = in.email,
         .text_size = sizeof in.email, .present = &in.has_email},
        {.key = "phone", .clearable = true, .max_len = 40,
         .message = "Indique el teléfono (por ejemplo, 0414-1234567).",
         .check = ve_phone_normalize, .text = in.phone,
         .text_size = sizeof in.phone, .present = &in.has_phone},
        {.key = "cargo", .type = FIELD_ENUM, .choices = staff_cargos,
         .message = "El cargo debe ser Director(a), Subdirector(a), "
                    "Secretario(a), Coordinador(a), Docente, Administrativo, "
                    "Obrero u Otro.",
         .text = in.cargo, .text_size = sizeof in.cargo,
         .present = &in.has_cargo},
        {.key = "max_weekly_periods", .type = FIELD_INT,
         .message = "Las horas semanales máximas deben estar entre 0 y 80.",
         .integer = &in.max_weekly_periods, .present = &in.has_max},
        {.key = "active", .type = FIELD_BOOL,
         .message = "active debe ser true o false.", .boolean = &in.active,
         .present = &in.has_active},
    };
    struct field_errors fe = {0};
    fields_parse(r->json, f, sizeof f / sizeof f[0], &fe);
    if (in.has_max &&
        (in.max_weekly_periods < 0 || in.max_weekly_periods > 80))
        field_error(&fe, "max_weekly_periods",
                    "Las horas semanales máximas deben estar entre 0 y 80.");
    records_nullable_id(r->json, "user_id", &in.user_id, &in.has_user,
                        "user_id debe ser el id de un usuario, o null.", &fe);
    int n = records_ids(r->json, "subject_ids", in.subject_ids,
                        STAFF_SUBJECTS_MAX, &in.has_subjects,
                        "subject_ids debe ser una lista de ids de materias "
                        "(hasta 64).",
                        &fe);
    in.subjects_n = n > 0 ? n : 0;
    if (fields_reply(r, &fe) < 0)
        return;
    if (in.has_cedula) {
        const char *raw = json_str(r->json, "cedula");
        str_copy(in.cedula_raw, sizeof in.cedula_raw, raw ? raw : "");
    }
    struct rec_errors errs = {0};
    const char *err = NULL;
    struct actor actor;
    request_actor(r, &actor);
    json_t *o = NULL;
    int rc = school_staff_write(r->school, &actor, id, &in, &errs, &o, &err);
    records_reply(r, rc, &errs, err, staff_not_found, create ? 201 : 200, o);
}

void h_staff_create(struct request *r)
{
    staff_write(r, 0);
}

void h_staff_patch(struct request *r)
{
    int64_t id;
    if (records_id(r, &id, staff_not_found))
        staff_write(r, id);
}
