/*
 * The representatives API: GET /api/v1/representatives (search by names or
 * cédula digits, paged), GET /api/v1/representatives/{id} (every column
 * and their children) and PATCH /api/v1/representatives/{id} (any field,
 * read with the column table of src/school/representatives.c; a cédula of
 * another representative is refused on the field). Representatives are
 * created through a student (POST /api/v1/students), one per cédula.
 */
#include <string.h>

#include "core/util.h"
#include "http/fields.h"
#include "http/http.h"
#include "http/records_fields.h"
#include "school/students.h"

static const char not_found[] = "Representante no encontrado.";

void h_representatives_list(struct request *r)
{
    struct field_errors errs = {0};
    int limit;
    int64_t offset;
    rec_page(r, &limit, &offset, &errs);
    const char *q = request_query(r, "q");
    if (q && strlen(q) > 100)
        field_error(&errs, "q", "La búsqueda admite hasta 100 caracteres.");
    if (fields_reply(r, &errs) < 0)
        return;
    json_t *items = NULL;
    int64_t total = 0;
    const char *err = NULL;
    if (representatives_list(r->school, q, limit, offset, &items, &total,
                             &err) < 0) {
        reply_store_error(r, err);
        return;
    }
    rec_reply_page(r, items, limit, offset, total);
}

static void reply_rep(struct request *r, int64_t id)
{
    const char *err = NULL;
    json_t *j = NULL;
    int rc = id ? representative_get(r->school, id, &j, &err) : STU_NOT_FOUND;
    if (rc < 0)
        reply_store_error(r, err);
    else if (rc == STU_NOT_FOUND)
        reply_err_msg(r, ERR_NOT_FOUND, not_found);
    else
        reply_json(r, 200, j);
}

void h_representatives_get(struct request *r)
{
    reply_rep(r, rec_path_id(r->params[0]));
}

void h_representatives_patch(struct request *r)
{
    int64_t id = rec_path_id(r->params[0]);
    if (id == 0) {
        reply_err_msg(r, ERR_NOT_FOUND, not_found);
        return;
    }
    struct field_errors errs = {0};
    struct rec_names names = {0};
    json_t *cols = rec_fields_parse(r->json, representative_columns,
                                    representative_columns_count, false,
                                    false, "", &errs, &names);
    if (fields_reply(r, &errs) < 0) {
        json_decref(cols);
        return;
    }
    struct actor actor;
    request_actor(r, &actor);
    struct rec_problems probs = {0};
    const char *err = NULL;
    int rc = representative_update(r->school, &actor, id, cols, &probs, &err);
    json_decref(cols);
    if (rc < 0) {
        reply_store_error(r, err);
    } else if (rc == STU_NOT_FOUND) {
        reply_err_msg(r, ERR_NOT_FOUND, not_found);
    } else if (rc == STU_INVALID) {
        rec_problems_to_errors(&probs, &errs);
        fields_reply(r, &errs);
    } else {
        reply_rep(r, id);
    }
}
