/*
 * The students API: GET/POST /api/v1/students, GET/PATCH
 * /api/v1/students/{id}, POST /api/v1/students/{id}/withdraw. A body is
 * read with the column tables of src/school/students.h (records_fields.c):
 * every invalid member, nested representatives and authorized persons
 * included ("representatives[0].cedula"), comes back in one 422; what
 * needs the store (the section, a representative's id, a cédula already
 * used) is checked by src/school/students.c in the write's transaction and
 * reported the same way. A cédula escolar whose year does not match the
 * birth date is a warning in the reply, not a refusal.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "http/fields.h"
#include "http/http.h"
#include "http/records_fields.h"
#include "school/students.h"
#include "school/venezuela.h"

static const char not_found[] = "Estudiante no encontrado.";
static const char *const statuses[] = {"activo", "retirado", "graduado",
                                       "no_inscrito", NULL};

/* Everything a create or update reads, with the names of nested findings. */
struct student_form {
    struct student_input in;
    struct field_errors errs;
    struct rec_names names;
    char warning_field[16];
    const char *warning;
};

static const struct rec_column rep_link_columns[] = {
    {"relationship", STU_LINE, false, 100,
     "El parentesco admite hasta 100 caracteres (por ejemplo, Madre).", NULL},
};

/* representatives: [{id | cedula, fields..., relationship, is_primary,
 * may_pick_up}] and authorized: [{first_names, last_names, cedula?,
 * phone?}] */
static void read_people(json_t *body, struct student_form *F)
{
    json_t *reps = json_object_get(body, "representatives");
    if (reps) {
        F->in.reps_given = true;
        if (!json_is_array(reps) || json_array_size(reps) > STUDENT_REPS_MAX) {
            field_error(&F->errs, "representatives",
                        "Indique hasta 3 representantes (una lista).");
            reps = NULL;
        }
    }
    for (size_t i = 0; reps && i < json_array_size(reps); i++) {
        json_t *o = json_array_get(reps, i);
        char prefix[40], name[64];
        snprintf(prefix, sizeof prefix, "representatives[%zu]", i);
        if (!json_is_object(o)) {
            rec_field_error(&F->errs, &F->names, prefix,
                            "Cada representante es un objeto con sus datos.");
            continue;
        }
        struct rep_input *ri = &F->in.reps[F->in.nreps++];
        json_t *id = json_object_get(o, "id");
        if (id && (!json_is_integer(id) || json_integer_value(id) < 1)) {
            snprintf(name, sizeof name, "%s.id", prefix);
            rec_field_error(&F->errs, &F->names, name,
                            "El identificador del representante no es "
                            "válido.");
        } else if (id) {
            ri->id = json_integer_value(id);
        }
        ri->cols = rec_fields_parse(o, representative_columns,
                                    representative_columns_count, false,
                                    false, prefix, &F->errs, &F->names);
        if (id == NULL && json_object_get(o, "cedula") == NULL) {
            snprintf(name, sizeof name, "%s.cedula", prefix);
            rec_field_error(&F->errs, &F->names, name,
                            "Indique la cédula del representante (o su "
                            "identificador).");
        }
        json_t *link = rec_fields_parse(o, rep_link_columns, 1, false, false,
                                        prefix, &F->errs, &F->names);
        const char *rel = json_string_value(json_object_get(link, "relationship"));
        str_copy(ri->relationship, sizeof ri->relationship, rel ? rel : "");
        json_decref(link);
        ri->may_pick_up = true;
        static const char *const flags[] = {"is_primary", "may_pick_up"};
        for (int k = 0; k < 2; k++) {
            json_t *v = json_object_get(o, flags[k]);
            if (v == NULL)
                continue;
            if (!json_is_boolean(v)) {
                snprintf(name, sizeof name, "%s.%s", prefix, flags[k]);
                rec_field_error(&F->errs, &F->names, name,
                                "Indique verdadero o falso (true o false).");
            } else if (k == 0) {
                ri->is_primary = json_is_true(v);
            } else {
                ri->may_pick_up = json_is_true(v);
            }
        }
    }
    json_t *auth = json_object_get(body, "authorized");
    if (auth) {
        F->in.authorized_given = true;
        if (!json_is_array(auth) ||
            json_array_size(auth) > STUDENT_AUTHORIZED_MAX) {
            field_error(&F->errs, "authorized",
                        "Indique hasta 2 personas autorizadas (una lista).");
            auth = NULL;
        }
    }
    for (size_t i = 0; auth && i < json_array_size(auth); i++) {
        json_t *o = json_array_get(auth, i);
        char prefix[40];
        snprintf(prefix, sizeof prefix, "authorized[%zu]", i);
        if (!json_is_object(o)) {
            rec_field_error(&F->errs, &F->names, prefix,
                            "Cada persona autorizada es un objeto con sus "
                            "datos.");
            continue;
        }
        F->in.authorized[F->in.nauthorized++] =
            rec_fields_parse(o, authorized_columns, authorized_columns_count,
                             true, false, prefix, &F->errs, &F->names);
    }
}

/* section_id and the date of the enrolment (create) or move (update). */
static void read_section(json_t *body, const char *date_key,
                         struct student_form *F)
{
    int64_t section = 0;
    char date[64] = "";
    const char *date_msg =
        strcmp(date_key, "moved_on") == 0
            ? "Indique la fecha del cambio de sección (por ejemplo, "
              "2026-01-12)."
            : "Indique la fecha de inscripción (por ejemplo, 2025-09-15).";
    const struct field f[] = {
        {.key = "section_id", .type = FIELD_INT,
         .message = "Indique la sección (su identificador).",
         .integer = &section},
        {.key = date_key, .max_len = 40, .message = date_msg,
         .check = ve_date_normalize, .text = date, .text_size = sizeof date},
    };
    json_t *v = json_object_get(body, "section_id");
    if (json_is_null(v)) /* leaving the section is a withdrawal */
        field_error(&F->errs, "section_id",
                    "Para sacar al estudiante de su sección use la acción "
                    "«Retirar».");
    fields_parse(body, f, 2, &F->errs);
    if (v && json_is_integer(v) && section < 1)
        field_error(&F->errs, "section_id",
                    "Indique la sección (su identificador).");
    F->in.section_id = section > 0 ? section : 0;
    str_copy(F->in.date, sizeof F->in.date, date);
}

/* The cédula escolar's year against the birth date. */
static void escolar_warning(struct student_form *F, bool escolar,
                            const char *cedula, const char *birth)
{
    if (!escolar || cedula == NULL || birth == NULL || !*cedula || !*birth)
        return;
    F->warning = ve_cedula_escolar_year_warning(cedula, birth);
    str_copy(F->warning_field, sizeof F->warning_field, "cedula");
}

static void reply_student(struct request *r, unsigned status, int64_t id,
                          struct student_form *F)
{
    const char *err = NULL;
    json_t *j = NULL;
    int rc = student_get(r->school, id, &j, &err);
    if (rc < 0) {
        reply_store_error(r, err);
        return;
    }
    if (rc == STU_NOT_FOUND) {
        reply_err_msg(r, ERR_NOT_FOUND, not_found);
        return;
    }
    if (F) {
        json_t *w = json_array();
        if (F->warning)
            json_array_append_new(w, json_pack("{s:s,s:s}", "field",
                                               F->warning_field, "message",
                                               F->warning));
        json_object_set_new(j, "warnings", w);
    }
    reply_json(r, status, j);
}

static struct student_form *form_new(void)
{
    struct student_form *F = calloc(1, sizeof *F);
    if (F == NULL)
        abort();
    return F;
}

static void form_free(struct student_form *F)
{
    student_input_free(&F->in);
    free(F);
}

void h_students_list(struct request *r)
{
    struct field_errors errs = {0};
    struct student_filter f = {0};
    rec_page(r, &f.limit, &f.offset, &errs);
    f.q = request_query(r, "q");
    if (f.q && strlen(f.q) > 100)
        field_error(&errs, "q", "La búsqueda admite hasta 100 caracteres.");
    static const char *const ids[] = {"grade_id", "section_id"};
    int64_t *dest[] = {&f.grade_id, &f.section_id};
    for (int i = 0; i < 2; i++) {
        const char *s = request_query(r, ids[i]);
        if (s == NULL || *s == '\0')
            continue;
        *dest[i] = rec_path_id(s);
        if (*dest[i] == 0)
            field_error(&errs, ids[i], i == 0 ? "El grado no es válido."
                                              : "La sección no es válida.");
    }
    f.status = request_query(r, "status");
    if (f.status && *f.status) {
        bool ok = false;
        for (int i = 0; statuses[i]; i++)
            ok = ok || strcmp(statuses[i], f.status) == 0;
        if (!ok)
            field_error(&errs, "status",
                        "El estatus no es válido (activo, retirado, "
                        "graduado o no_inscrito).");
    }
    if (fields_reply(r, &errs) < 0)
        return;
    json_t *items = NULL;
    int64_t total = 0;
    const char *err = NULL;
    if (students_list(r->school, &f, &items, &total, &err) < 0) {
        reply_store_error(r, err);
        return;
    }
    rec_reply_page(r, items, f.limit, f.offset, total);
}

void h_students_get(struct request *r)
{
    int64_t id = rec_path_id(r->params[0]);
    if (id == 0) {
        reply_err_msg(r, ERR_NOT_FOUND, not_found);
        return;
    }
    reply_student(r, 200, id, NULL);
}

void h_students_create(struct request *r)
{
    struct student_form *F = form_new();
    bool escolar = json_is_true(json_object_get(r->json, "cedula_escolar"));
    F->in.cols = rec_fields_parse(r->json, student_columns,
                                  student_columns_count, true, escolar, "",
                                  &F->errs, &F->names);
    read_section(r->json, "enrolled_on", F);
    read_people(r->json, F);
    if (fields_reply(r, &F->errs) < 0) {
        form_free(F);
        return;
    }
    escolar_warning(F, escolar,
                    json_string_value(json_object_get(F->in.cols, "cedula")),
                    json_string_value(json_object_get(F->in.cols,
                                                      "birth_date")));
    struct actor actor;
    request_actor(r, &actor);
    struct rec_problems probs = {0};
    const char *err = NULL;
    int64_t id = 0;
    int rc = student_create(r->school, &actor, &F->in, &id, &probs, &err);
    if (rc < 0) {
        reply_store_error(r, err);
    } else if (rc == STU_INVALID) {
        rec_problems_to_errors(&probs, &F->errs);
        fields_reply(r, &F->errs);
    } else {
        reply_student(r, 201, id, F);
    }
    form_free(F);
}

void h_students_patch(struct request *r)
{
    int64_t id = rec_path_id(r->params[0]);
    const char *err = NULL;
    json_t *cur = NULL;
    int rc = id ? student_get(r->school, id, &cur, &err) : STU_NOT_FOUND;
    if (rc < 0) {
        reply_store_error(r, err);
        return;
    }
    if (rc == STU_NOT_FOUND) {
        reply_err_msg(r, ERR_NOT_FOUND, not_found);
        return;
    }
    struct student_form *F = form_new();
    json_t *flag = json_object_get(r->json, "cedula_escolar");
    bool escolar = json_is_boolean(flag)
                       ? json_is_true(flag)
                       : json_is_true(json_object_get(cur, "cedula_escolar"));
    F->in.cols = rec_fields_parse(r->json, student_columns,
                                  student_columns_count, false, escolar, "",
                                  &F->errs, &F->names);
    if (json_is_boolean(flag) && json_object_get(r->json, "cedula") == NULL &&
        json_is_true(flag) !=
            json_is_true(json_object_get(cur, "cedula_escolar")))
        field_error(&F->errs, "cedula",
                    "Al cambiar el tipo de cédula indique también la "
                    "cédula.");
    read_section(r->json, "moved_on", F);
    read_people(r->json, F);
    if (fields_reply(r, &F->errs) < 0) {
        json_decref(cur);
        form_free(F);
        return;
    }
    json_t *ced = json_object_get(F->in.cols, "cedula");
    json_t *birth = json_object_get(F->in.cols, "birth_date");
    if (ced || birth || flag)
        escolar_warning(
            F, escolar,
            json_string_value(ced ? ced : json_object_get(cur, "cedula")),
            json_string_value(birth ? birth
                                    : json_object_get(cur, "birth_date")));
    json_decref(cur);
    struct actor actor;
    request_actor(r, &actor);
    struct rec_problems probs = {0};
    rc = student_update(r->school, &actor, id, &F->in, &probs, &err);
    if (rc < 0) {
        reply_store_error(r, err);
    } else if (rc == STU_NOT_FOUND) {
        reply_err_msg(r, ERR_NOT_FOUND, not_found);
    } else if (rc == STU_INVALID) {
        rec_problems_to_errors(&probs, &F->errs);
        fields_reply(r, &F->errs);
    } else {
        reply_student(r, 200, id, F);
    }
    form_free(F);
}

void h_students_withdraw(struct request *r)
{
    int64_t id = rec_path_id(r->params[0]);
    if (id == 0) {
        reply_err_msg(r, ERR_NOT_FOUND, not_found);
        return;
    }
    char date[64] = "", reason[201] = "";
    const struct field f[] = {
        {.key = "date", .max_len = 40,
         .message = "Indique la fecha del retiro (por ejemplo, 2026-02-20).",
         .check = ve_date_normalize, .text = date, .text_size = sizeof date},
        {.key = "reason", .max_len = 200, .clearable = true,
         .message = "El motivo admite hasta 200 caracteres.", .text = reason,
         .text_size = sizeof reason},
    };
    if (fields_read(r, r->json, f, sizeof f / sizeof f[0]) < 0)
        return;
    struct actor actor;
    request_actor(r, &actor);
    struct rec_problems probs = {0};
    const char *err = NULL;
    int rc = student_withdraw(r->school, &actor, id, date, reason, &probs,
                              &err);
    if (rc < 0) {
        reply_store_error(r, err);
    } else if (rc == STU_NOT_FOUND) {
        reply_err_msg(r, ERR_NOT_FOUND, not_found);
    } else if (rc == STU_CONFLICT) {
        reply_err_msg(r, ERR_CONFLICT, "El estudiante ya está retirado.");
    } else if (rc == STU_INVALID) {
        struct field_errors errs = {0};
        rec_problems_to_errors(&probs, &errs);
        fields_reply(r, &errs);
    } else {
        reply_student(r, 200, id, NULL);
    }
}
