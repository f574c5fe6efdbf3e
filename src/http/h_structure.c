/*
 * The school's structure: grades (GET/POST /api/v1/grades), sections of a
 * school year (GET/POST /api/v1/sections, PATCH/DELETE
 * /api/v1/sections/{id}), subjects and rooms (GET/POST and PATCH/DELETE
 * by id). Bodies are read with field tables (every invalid member at
 * once); the rules and the SQL are in src/school/structure.c.
 */
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "http/h_records.h"

static const char section_not_found[] = "Sección no encontrada.";
static const char subject_not_found[] = "Materia no encontrada.";
static const char room_not_found[] = "Aula no encontrada.";

static const char *const levels[] = {"inicial", "primaria", "media_general",
                                     "media_tecnica", NULL};
static const char level_message[] =
    "El nivel no es válido (inicial, primaria, media_general o "
    "media_tecnica).";

/* ---- grades ---- */

void h_grades_list(struct request *r)
{
    const char *err = NULL;
    json_t *items = NULL;
    int rc = school_grades_list(r->school, &items, &err);
    records_reply_list(r, rc, items, err);
}

void h_grades_create(struct request *r)
{
    char level[16] = "";
    int64_t number = 0;
    const struct field f[] = {
        {.key = "level", .type = FIELD_ENUM, .required = true,
         .choices = levels, .message = level_message, .text = level,
         .text_size = sizeof level},
        {.key = "number", .type = FIELD_INT, .required = true,
         .message = "Indique el número del grado (1 a 6).",
         .integer = &number},
    };
    if (fields_read(r, r->json, f, sizeof f / sizeof f[0]) < 0)
        return;
    struct rec_errors errs = {0};
    const char *err = NULL;
    struct actor actor;
    request_actor(r, &actor);
    json_t *g = NULL;
    int rc = school_grade_create(r->school, &actor, level, number, &errs, &g,
                                 &err);
    records_reply(r, rc, &errs, err, "Grado no encontrado.", 201, g);
}

/* ---- sections ---- */

void h_sections_list(struct request *r)
{
    int64_t year = 0;
    const char *q = request_query(r, "year_id");
    if (q && *q) {
        char *end = NULL;
        long long v = strtoll(q, &end, 10);
        if (*end != '\0' || v <= 0 || q[0] < '1' || q[0] > '9') {
            reply_invalid(r, "year_id",
                          "year_id debe ser el id de un año escolar.");
            return;
        }
        year = v;
    }
    const char *err = NULL;
    json_t *items = NULL;
    int rc = school_sections_list(r->school, year, &items, &err);
    records_reply_list(r, rc, items, err);
}

static const char *check_letter(const char *in, char *out, size_t n)
{
    return school_section_letter(in, out, n);
}

static bool read_section(struct request *r, struct section_input *in,
                         bool create)
{
    static const char *const shifts[] = {"manana", "tarde", NULL};
    const struct field f[] = {
        {.key = "grade_id", .type = FIELD_INT, .required = create,
         .message = "Indique el grado (grade_id).", .integer = &in->grade_id,
         .present = &in->has_grade},
        {.key = "letter", .required = create, .max_len = 8,
         .message = "La sección debe ser una letra de la A a la Z, o "
                    "«Única».",
         .check = check_letter, .text = in->letter,
         .text_size = sizeof in->letter, .present = &in->has_letter},
        {.key = "shift", .type = FIELD_ENUM, .choices = shifts,
         .message = "El turno debe ser manana o tarde.", .text = in->shift,
         .text_size = sizeof in->shift, .present = &in->has_shift},
        {.key = "capacity", .type = FIELD_INT,
         .message = "La capacidad debe ser un número entre 0 y 100.",
         .integer = &in->capacity, .present = &in->has_capacity},
    };
    struct field_errors fe = {0};
    fields_parse(r->json, f, sizeof f / sizeof f[0], &fe);
    if (in->has_capacity && (in->capacity < 0 || in->capacity > 100))
        field_error(&fe, "capacity",
                    "La capacidad debe ser un número entre 0 y 100.");
    if (in->has_grade && in->grade_id <= 0)
        field_error(&fe, "grade_id", "Indique el grado (grade_id).");
    records_nullable_id(r->json, "room_id", &in->room_id, &in->has_room,
                        "room_id debe ser el id de un aula, o null.", &fe);
    /* setup (#15) */
    records_nullable_id(r->json, "bell_schedule_id", &in->bell_schedule_id,
                        &in->has_bell,
                        "bell_schedule_id debe ser el id de un horario de "
                        "timbres, o null.",
                        &fe);
    return fields_reply(r, &fe) == 0;
}

void h_sections_create(struct request *r)
{
    struct section_input in = {0};
    if (!read_section(r, &in, true))
        return;
    struct rec_errors errs = {0};
    const char *err = NULL;
    struct actor actor;
    request_actor(r, &actor);
    json_t *o = NULL;
    int rc = school_section_create(r->school, &actor, &in, &errs, &o, &err);
    records_reply(r, rc, &errs, err, section_not_found, 201, o);
}

void h_sections_patch(struct request *r)
{
    int64_t id;
    if (!records_id(r, &id, section_not_found))
        return;
    struct section_input in = {0};
    if (!read_section(r, &in, false))
        return;
    struct rec_errors errs = {0};
    const char *err = NULL;
    struct actor actor;
    request_actor(r, &actor);
    json_t *o = NULL;
    int rc = school_section_update(r->school, &actor, id, &in, &errs, &o,
                                   &err);
    records_reply(r, rc, &errs, err, section_not_found, 200, o);
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

void h_sections_delete(struct request *r)
{
    int64_t id;
    if (!records_id(r, &id, section_not_found))
        return;
    const char *err = NULL;
    struct actor actor;
    request_actor(r, &actor);
    int rc = school_section_delete(r->school, &actor, id, &err);
    reply_deleted(r, rc, err, section_not_found, id);
}

/* ---- subjects ---- */

static const char *check_code(const char *in, char *out, size_t n)
{
    size_t len = strlen(in);
    if (len == 0 || len >= n || len > 12)
        return "El código debe tener de 1 a 12 letras, dígitos o guiones.";
    for (size_t i = 0; i < len; i++) {
        char c = in[i];
        if (c >= 'a' && c <= 'z')
            c = (char)(c - 32);
        if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
              c == '.'))
            return "El código debe tener de 1 a 12 letras, dígitos o "
                   "guiones.";
        out[i] = c;
    }
    out[len] = '\0';
    return NULL;
}

void h_subjects_list(struct request *r)
{
    const char *err = NULL;
    json_t *items = NULL;
    int rc = school_subjects_list(r->school, &items, &err);
    records_reply_list(r, rc, items, err);
}

/* setup (#15): the room type a subject needs; null or "" for any room. */
static void subject_room_kind(json_t *obj, struct subject_input *in,
                              struct field_errors *fe)
{
    static const char *const kinds[] = {"aula", "laboratorio", "cancha",
                                        "computacion", "biblioteca", NULL};
    json_t *v = json_object_get(obj, "room_kind");
    if (v == NULL)
        return;
    in->has_room_kind = true;
    if (json_is_null(v))
        return;
    const char *k = json_string_value(v);
    for (int i = 0; k && *k && kinds[i]; i++)
        if (strcmp(k, kinds[i]) == 0) {
            str_copy(in->room_kind, sizeof in->room_kind, k);
            return;
        }
    if (k && *k == '\0')
        return;
    field_error(fe, "room_kind",
                "El tipo de aula debe ser aula, laboratorio, cancha, "
                "computacion o biblioteca, o null (cualquiera).");
}

static void subject_write(struct request *r, int64_t id)
{
    struct subject_input in = {0};
    bool create = id == 0;
    const struct field f[] = {
        {.key = "name", .required = create, .max_len = 100,
         .message = "El nombre de la materia es obligatorio (máximo 100 "
                    "caracteres).",
         .text = in.name, .text_size = sizeof in.name,
         .present = &in.has_name},
        {.key = "code", .required = create, .max_len = 12,
         .message = "El código debe tener de 1 a 12 letras, dígitos o "
                    "guiones.",
         .check = check_code, .text = in.code, .text_size = sizeof in.code,
         .present = &in.has_code},
        {.key = "level", .type = FIELD_ENUM, .required = create,
         .choices = levels, .message = level_message, .text = in.level,
         .text_size = sizeof in.level, .present = &in.has_level},
    };
    struct field_errors fe = {0};
    fields_parse(r->json, f, sizeof f / sizeof f[0], &fe);
    subject_room_kind(r->json, &in, &fe);
    if (fields_reply(r, &fe) < 0)
        return;
    struct rec_errors errs = {0};
    const char *err = NULL;
    struct actor actor;
    request_actor(r, &actor);
    json_t *o = NULL;
    int rc = school_subject_write(r->school, &actor, id, &in, &errs, &o, &err);
    records_reply(r, rc, &errs, err, subject_not_found, create ? 201 : 200,
                  o);
}

void h_subjects_create(struct request *r)
{
    subject_write(r, 0);
}

void h_subjects_patch(struct request *r)
{
    int64_t id;
    if (records_id(r, &id, subject_not_found))
        subject_write(r, id);
}

void h_subjects_delete(struct request *r)
{
    int64_t id;
    if (!records_id(r, &id, subject_not_found))
        return;
    const char *err = NULL;
    struct actor actor;
    request_actor(r, &actor);
    int rc = school_subject_delete(r->school, &actor, id, &err);
    reply_deleted(r, rc, err, subject_not_found, id);
}

/* ---- rooms ---- */

void h_rooms_list(struct request *r)
{
    const char *err = NULL;
    json_t *items = NULL;
    int rc = school_rooms_list(r->school, &items, &err);
    records_reply_list(r, rc, items, err);
}

static void room_write(struct request *r, int64_t id)
{
    static const char *const kinds[] = {"aula", "laboratorio", "cancha",
                                        "computacion", "biblioteca", NULL};
    struct room_input in = {0};
    bool create = id == 0;
    const struct field f[] = {
        {.key = "name", .required = create, .max_len = 100,
         .message = "El nombre del aula es obligatorio (máximo 100 "
                    "caracteres).",
         .text = in.name, .text_size = sizeof in.name,
         .present = &in.has_name},
        {.key = "capacity", .type = FIELD_INT,
         .message = "La capacidad debe ser un número entre 0 y 1000.",
         .integer = &in.capacity, .present = &in.has_capacity},
        {.key = "kind", .type = FIELD_ENUM, .choices = kinds,
         .message = "El tipo debe ser aula, laboratorio, cancha, computacion "
                    "o biblioteca.",
         .text = in.kind, .text_size = sizeof in.kind,
         .present = &in.has_kind},
    };
    struct field_errors fe = {0};
    fields_parse(r->json, f, sizeof f / sizeof f[0], &fe);
    if (in.has_capacity && (in.capacity < 0 || in.capacity > 1000))
        field_error(&fe, "capacity",
                    "La capacidad debe ser un número entre 0 y 1000.");
    if (fields_reply(r, &fe) < 0)
        return;
    struct rec_errors errs = {0};
    const char *err = NULL;
    struct actor actor;
    request_actor(r, &actor);
    json_t *o = NULL;
    int rc = school_room_write(r->school, &actor, id, &in, &errs, &o, &err);
    records_reply(r, rc, &errs, err, room_not_found, create ? 201 : 200, o);
}

void h_rooms_create(struct request *r)
{
    room_write(r, 0);
}

void h_rooms_patch(struct request *r)
{
    int64_t id;
    if (records_id(r, &id, room_not_found))
        room_write(r, id);
}

void h_rooms_delete(struct request *r)
{
    int64_t id;
    if (!records_id(r, &id, room_not_found))
        return;
    const char *err = NULL;
    struct actor actor;
    request_actor(r, &actor);
    int rc = school_room_delete(r->school, &actor, id, &err);
    reply_deleted(r, rc, err, room_not_found, id);
}
