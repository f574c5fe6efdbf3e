/*
 * The records API's body reading (see records_fields.h): a column table
 * turned into request fields, each value checked by its kind (the ve_*
 * normalizers for cédulas, dates, phones and emails), the valid ones
 * gathered as a JSON object of normalized values.
 */
#include "http/records_fields.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/tz.h"
#include "core/tzcache.h"
#include "core/util.h"
#include "school/venezuela.h"

#define TEXT_MAX 1024
#define COLS_MAX 40

static const char *check_birth_date(const char *in, char *out, size_t n)
{
    const char *msg = ve_date_normalize(in, out, n);
    if (msg)
        return msg;
    char today[TZ_DATE_SIZE];
    tz_local_date(tz_cached(TZ_DEFAULT_NAME), time_now(), today);
    if (strcmp(out, today) > 0)
        return "La fecha de nacimiento no puede ser posterior a hoy.";
    if (strcmp(out, "1990-01-01") < 0)
        return "La fecha de nacimiento no puede ser anterior a 1990.";
    return NULL;
}

void rec_field_error(struct field_errors *errs, struct rec_names *names,
                     const char *name, const char *message)
{
    for (int i = 0; i < errs->n; i++)
        if (strcmp(errs->e[i].field, name) == 0)
            return;
    if (names->n >= FIELD_ERRORS_MAX || errs->n >= FIELD_ERRORS_MAX)
        return;
    char *slot = names->s[names->n++];
    str_copy(slot, sizeof names->s[0], name);
    field_error(errs, slot, message);
}

static bool has_error(const struct field_errors *errs, const char *key)
{
    for (int i = 0; i < errs->n; i++)
        if (strcmp(errs->e[i].field, key) == 0)
            return true;
    return false;
}

json_t *rec_fields_parse(json_t *obj, const struct rec_column *t, size_t nt,
                         bool create, bool escolar, const char *prefix,
                         struct field_errors *errs, struct rec_names *names)
{
    struct form {
        struct field f[COLS_MAX];
        char text[COLS_MAX][TEXT_MAX];
        bool present[COLS_MAX];
        bool flag[COLS_MAX];
    } *F = calloc(1, sizeof *F);
    if (F == NULL)
        abort();
    size_t n = nt < COLS_MAX ? nt : COLS_MAX;
    for (size_t i = 0; i < n; i++) {
        const struct rec_column *c = &t[i];
        struct field *f = &F->f[i];
        f->key = c->key;
        f->required = create && c->required;
        f->clearable = !c->required && c->kind != STU_ENUM &&
                       c->kind != STU_FLAG;
        f->max_len = c->max_len;
        f->message = c->message;
        f->text = F->text[i];
        f->text_size = TEXT_MAX;
        f->present = &F->present[i];
        switch (c->kind) {
        case STU_TEXT:
            f->type = FIELD_TEXT;
            break;
        case STU_ENUM:
            f->type = FIELD_ENUM;
            f->choices = c->choices;
            break;
        case STU_FLAG:
            f->type = FIELD_BOOL;
            f->boolean = &F->flag[i];
            break;
        case STU_BIRTH_DATE:
            f->check = check_birth_date;
            break;
        case STU_DATE:
            f->check = ve_date_normalize;
            break;
        case STU_PHONE:
            f->check = ve_phone_normalize;
            break;
        case STU_EMAIL:
            f->check = ve_email_normalize;
            break;
        default: /* STU_LINE, STU_CEDULA (normalized below) */
            break;
        }
    }
    struct field_errors local = {0};
    fields_parse(obj, F->f, n, &local);
    json_t *cols = json_object();
    for (size_t i = 0; i < n; i++) {
        const struct rec_column *c = &t[i];
        if (!F->present[i] || has_error(&local, c->key))
            continue;
        if (c->kind == STU_FLAG) {
            json_object_set_new(cols, c->key, json_boolean(F->flag[i]));
            continue;
        }
        if (c->kind == STU_CEDULA && F->text[i][0]) {
            char norm[64];
            const char *msg =
                escolar ? ve_cedula_escolar_normalize(F->text[i], norm,
                                                      sizeof norm)
                        : ve_cedula_normalize(F->text[i], norm, sizeof norm);
            if (msg) {
                field_error(&local, c->key, msg);
                continue;
            }
            json_object_set_new(cols, "cedula_raw", json_string(F->text[i]));
            json_object_set_new(cols, c->key, json_string(norm));
            continue;
        }
        if (c->kind == STU_CEDULA)
            json_object_set_new(cols, "cedula_raw", json_string(""));
        json_object_set_new(cols, c->key, json_string(F->text[i]));
    }
    for (int i = 0; i < local.n; i++) {
        char name[64];
        if (*prefix)
            snprintf(name, sizeof name, "%s.%s", prefix, local.e[i].field);
        else
            str_copy(name, sizeof name, local.e[i].field);
        rec_field_error(errs, names, name, local.e[i].message);
    }
    free(F);
    return cols;
}

void rec_problems_to_errors(const struct rec_problems *p,
                            struct field_errors *errs)
{
    for (int i = 0; i < p->n; i++)
        field_error(errs, p->p[i].field, p->p[i].message);
}

int64_t rec_path_id(const char *s)
{
    if (*s == '\0' || strlen(s) > 15)
        return 0;
    for (const char *p = s; *p; p++)
        if (*p < '0' || *p > '9')
            return 0;
    return strtoll(s, NULL, 10);
}

int rec_page(struct request *r, int *limit_r, int64_t *offset_r,
             struct field_errors *errs)
{
    int rc = 0;
    const char *s = request_query(r, "limit");
    *limit_r = 50;
    *offset_r = 0;
    if (s) {
        char *end;
        long v = strtol(s, &end, 10);
        if (*s == '\0' || *end != '\0' || v < 1 || v > 200) {
            field_error(errs, "limit",
                        "El límite debe ser un número entre 1 y 200.");
            rc = -1;
        } else {
            *limit_r = (int)v;
        }
    }
    s = request_query(r, "cursor");
    if (s && *s) {
        char *end;
        long long v = strtoll(s, &end, 10);
        if (*end != '\0' || v < 0 || v > 1000000000LL) {
            field_error(errs, "cursor", "El cursor de la página no es válido.");
            rc = -1;
        } else {
            *offset_r = v;
        }
    }
    return rc;
}

void rec_reply_page(struct request *r, json_t *items, int limit,
                    int64_t offset, int64_t total)
{
    char next[24];
    bool more = offset + limit < total &&
                json_array_size(items) == (size_t)limit;
    snprintf(next, sizeof next, "%lld", (long long)(offset + limit));
    reply_json(r, 200,
               json_pack("{s:o,s:s?,s:I}", "items", items, "next_cursor",
                         more ? next : NULL, "total", (json_int_t)total));
}
