/*
 * Helpers of the structure and staff handlers, declared in h_records.h.
 */
#include "http/h_records.h"

#include <stdlib.h>
#include <string.h>

#include "core/tz.h"
#include "core/util.h"

bool records_id(struct request *r, int64_t *id_r, const char *message)
{
    char *end = NULL;
    long long id = strtoll(r->params[0], &end, 10);
    if (r->params[0][0] < '1' || r->params[0][0] > '9' || *end != '\0' ||
        id <= 0) {
        reply_err_msg(r, ERR_NOT_FOUND, message);
        return false;
    }
    *id_r = id;
    return true;
}

const char *records_check_date(const char *in, char *out, size_t n)
{
    int y, m, d;
    if (tz_parse_date(in, &y, &m, &d) < 0)
        return "Indique una fecha válida (AAAA-MM-DD).";
    str_copy(out, n, in);
    return NULL;
}

int records_ids(json_t *obj, const char *key, int64_t *out, int max,
                bool *present_r, const char *message,
                struct field_errors *errs)
{
    json_t *a = json_object_get(obj, key);
    *present_r = a != NULL;
    if (a == NULL)
        return 0;
    if (!json_is_array(a) || json_array_size(a) > (size_t)max) {
        field_error(errs, key, message);
        return -1;
    }
    size_t i;
    json_t *v;
    json_array_foreach(a, i, v) {
        if (!json_is_integer(v) || json_integer_value(v) <= 0) {
            field_error(errs, key, message);
            return -1;
        }
        out[i] = json_integer_value(v);
    }
    return (int)json_array_size(a);
}

bool records_nullable_id(json_t *obj, const char *key, int64_t *id_r,
                         bool *present_r, const char *message,
                         struct field_errors *errs)
{
    json_t *v = json_object_get(obj, key);
    *present_r = v != NULL;
    *id_r = 0;
    if (v == NULL || json_is_null(v))
        return true;
    if (!json_is_integer(v) || json_integer_value(v) <= 0) {
        field_error(errs, key, message);
        return false;
    }
    *id_r = json_integer_value(v);
    return true;
}

void records_reply(struct request *r, int rc, const struct rec_errors *errs,
                   const char *err, const char *not_found, unsigned status,
                   json_t *obj)
{
    if (rc == REC_OK) {
        reply_json(r, status, obj);
        return;
    }
    json_decref(obj);
    switch (rc) {
    case REC_NOT_FOUND:
        reply_err_msg(r, ERR_NOT_FOUND, not_found);
        return;
    case REC_NOT_EMPTY:
        reply_err(r, ERR_SECTION_NOT_EMPTY);
        return;
    case REC_CONFLICT:
        if (errs->n) {
            reply_err_field(r, ERR_CONFLICT, errs->e[0].field,
                            errs->e[0].message);
            return;
        }
        reply_err(r, ERR_CONFLICT);
        return;
    case REC_INVALID: {
        struct field_errors fe = {0};
        for (int i = 0; i < errs->n; i++)
            field_error(&fe, errs->e[i].field, errs->e[i].message);
        if (fe.n == 0)
            field_error(&fe, "id", api_errors[ERR_INVALID].message);
        fields_reply(r, &fe);
        return;
    }
    default:
        reply_store_error(r, err);
    }
}

void records_reply_list(struct request *r, int rc, json_t *items,
                        const char *err)
{
    if (rc < 0) {
        reply_store_error(r, err);
        return;
    }
    size_t n = json_array_size(items);
    reply_json(r, 200,
               json_pack("{s:o,s:n,s:I}", "items", items, "next_cursor",
                         "total", (json_int_t)n));
}
