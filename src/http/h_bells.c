/*
 * Bell schedules (issue #15): GET/POST /api/v1/bell-schedules, GET/PATCH/
 * DELETE /api/v1/bell-schedules/{id} and POST
 * /api/v1/bell-schedules/{id}/sections (put sections on it at once). A
 * body gives `name`, `days` (school days, 1 = lunes .. 7 = domingo) and
 * `periods`, the day in order ({kind: class|break, starts_at, ends_at});
 * or {"template": "ueipab"} for the UEIPAB day. Every invalid member is
 * reported at once ("periods[3].ends_at"); the rules and the SQL are in
 * src/school/bells.c.
 */
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "http/h_records.h"
#include "school/setup.h"

static const char not_found[] = "Horario de timbres no encontrado.";

/* Findings of the store layer (their names live in `names`). */
static void reply_write(struct request *r, int rc, struct rec_errors *errs,
                        const char *err, unsigned status, json_t *o)
{
    records_reply(r, rc, errs, err, not_found, status, o);
}

void h_bells_list(struct request *r)
{
    const char *err = NULL;
    json_t *items = NULL;
    int rc = bells_list(r->school, &items, &err);
    records_reply_list(r, rc, items, err);
}

void h_bells_get(struct request *r)
{
    int64_t id;
    if (!records_id(r, &id, not_found))
        return;
    json_t *o = NULL;
    const char *err = NULL;
    struct rec_errors none = {0};
    int rc = bells_get(r->school, id, &o, &err);
    reply_write(r, rc, &none, err, 200, o);
}

/* `days`: a non-empty array of distinct days 1..7. */
static void read_days(json_t *obj, struct bell_input *in,
                      struct field_errors *fe)
{
    json_t *v = json_object_get(obj, "days");
    if (v == NULL)
        return;
    in->has_days = true;
    in->days = 0;
    size_t i;
    json_t *d;
    bool ok = json_is_array(v) && json_array_size(v) > 0;
    json_array_foreach(v, i, d) {
        json_int_t day = json_integer_value(d);
        if (!json_is_integer(d) || day < 1 || day > 7) {
            ok = false;
            break;
        }
        in->days |= 1 << (day - 1);
    }
    if (!ok)
        field_error(fe, "days",
                    "Indique los días de clase (1 = lunes a 7 = domingo), "
                    "al menos uno.");
}

static void read_periods(json_t *obj, struct bell_input *in,
                         struct rec_errors *errs, struct setup_names *names,
                         struct field_errors *fe)
{
    json_t *v = json_object_get(obj, "periods");
    if (v == NULL)
        return;
    in->has_periods = true;
    if (!json_is_array(v) || json_array_size(v) > BELL_ROWS_MAX) {
        field_error(fe, "periods",
                    "Las horas del día son una lista de hasta 40 horas y "
                    "recesos.");
        return;
    }
    size_t i;
    json_t *p;
    json_array_foreach(v, i, p) {
        struct bell_row_input *row = &in->rows[in->nrows++];
        const char *kind = json_string_value(json_object_get(p, "kind"));
        const char *from = json_string_value(json_object_get(p, "starts_at"));
        const char *to = json_string_value(json_object_get(p, "ends_at"));
        if (!json_is_object(p)) {
            setup_error(errs, names, "periods", (int)i, NULL,
                        "Cada hora es un objeto {kind, starts_at, ends_at}.");
            continue;
        }
        if (kind && strcmp(kind, "break") != 0 && strcmp(kind, "class") != 0)
            setup_error(errs, names, "periods", (int)i, "kind",
                        "El tipo debe ser class (hora de clase) o break "
                        "(receso).");
        row->is_break = kind && strcmp(kind, "break") == 0;
        str_copy(row->starts_at, sizeof row->starts_at, from ? from : "");
        str_copy(row->ends_at, sizeof row->ends_at, to ? to : "");
        if (from && strlen(from) > 5)
            row->starts_at[0] = 'x'; /* too long: refused by the check */
        if (to && strlen(to) > 5)
            row->ends_at[0] = 'x';
    }
}

static void bell_write(struct request *r, int64_t id)
{
    static const char *const templates[] = {"ueipab", NULL};
    struct bell_input *in = xcalloc(1, sizeof *in);
    char tmpl[16] = "";
    const struct field f[] = {
        {.key = "name", .min_len = 1, .max_len = 100,
         .message = "El nombre del horario es obligatorio (máximo 100 "
                    "caracteres).",
         .text = in->name, .text_size = sizeof in->name,
         .present = &in->has_name},
        {.key = "template", .type = FIELD_ENUM,
         .choices = templates,
         .message = "La única plantilla disponible es ueipab.",
         .text = tmpl, .text_size = sizeof tmpl},
    };
    struct field_errors fe = {0};
    struct rec_errors errs = {0};
    struct setup_names names = {0};
    fields_parse(r->json, f, sizeof f / sizeof f[0], &fe);
    if (tmpl[0] && id == 0)
        bells_template_ueipab(in);
    else {
        read_days(r->json, in, &fe);
        read_periods(r->json, in, &errs, &names, &fe);
    }
    if (in->has_periods && !tmpl[0])
        bells_check_rows(in, &errs, &names);
    if (fe.n || errs.n) {
        for (int i = 0; i < errs.n; i++)
            field_error(&fe, errs.e[i].field, errs.e[i].message);
        fields_reply(r, &fe);
        free(in);
        return;
    }
    const char *err = NULL;
    struct actor actor;
    request_actor(r, &actor);
    json_t *o = NULL;
    int rc = bells_write(r->school, &actor, id, in, &errs, &names, &o, &err);
    reply_write(r, rc, &errs, err, id ? 200 : 201, o);
    free(in);
}

void h_bells_create(struct request *r)
{
    bell_write(r, 0);
}

void h_bells_patch(struct request *r)
{
    int64_t id;
    if (records_id(r, &id, not_found))
        bell_write(r, id);
}

void h_bells_delete(struct request *r)
{
    int64_t id;
    if (!records_id(r, &id, not_found))
        return;
    const char *err = NULL;
    struct actor actor;
    request_actor(r, &actor);
    struct rec_errors none = {0};
    int rc = bells_delete(r->school, &actor, id, &err);
    reply_write(r, rc, &none, err, 200,
                rc == REC_OK ? json_pack("{s:I,s:b}", "id", (json_int_t)id,
                                         "deleted", 1)
                             : NULL);
}

void h_bells_apply(struct request *r)
{
    int64_t id;
    if (!records_id(r, &id, not_found))
        return;
    int64_t ids[200];
    bool present = false;
    struct field_errors fe = {0};
    int n = records_ids(r->json, "section_ids", ids, 200, &present,
                        "section_ids debe ser una lista de ids de secciones "
                        "(hasta 200).",
                        &fe);
    if (n >= 0 && !present)
        field_error(&fe, "section_ids",
                    "Indique las secciones que siguen este horario "
                    "(section_ids).");
    if (fields_reply(r, &fe) < 0)
        return;
    const char *err = NULL;
    struct actor actor;
    request_actor(r, &actor);
    struct rec_errors errs = {0};
    json_t *o = NULL;
    int rc = bells_apply(r->school, &actor, id, ids, n, &errs, &o, &err);
    reply_write(r, rc, &errs, err, 200, o);
}
