/*
 * The platform console's API (master host only): the schools of the
 * network, their status, support access into a guest school, invitations.
 */
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "http/fields.h"
#include "http/http.h"
#include "platform/support.h"

void h_tenants_list(struct request *r)
{
    struct tenant *list = NULL;
    int n = 0;
    const char *err = NULL;
    if (tenant_list(r->p, &list, &n, &err) < 0) {
        reply_store_error(r, err);
        return;
    }
    json_t *items = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(items, tenant_to_json(r->p, &list[i]));
    free(list);
    reply_json(r, 200, json_pack("{s:o}", "items", items));
}

void h_tenants_create(struct request *r)
{
    char code[41], name[201];
    const struct field f[] = {
        {.key = "code", .required = true, .max_len = 40,
         .message = "Indique el código de la escuela.",
         .check = request_check_code, .text = code,
         .text_size = sizeof code},
        {.key = "name", .required = true, .max_len = 200,
         .message = "Indique el nombre de la escuela (máximo 200 "
                    "caracteres).",
         .text = name, .text_size = sizeof name},
    };
    if (fields_read(r, r->json, f, sizeof f / sizeof f[0]) < 0)
        return;
    struct actor actor;
    request_actor(r, &actor);
    struct tenant t;
    const char *msg = NULL, *field = NULL, *err = NULL;
    int rc = tenant_create(r->p, code, name, &actor, &t, &msg, &field, &err);
    if (rc == TENANT_INVALID) {
        reply_invalid(r, field, msg);
        return;
    }
    if (rc == TENANT_EXISTS) {
        reply_err_field(r, ERR_CONFLICT, field, msg);
        return;
    }
    if (rc != TENANT_OK) {
        reply_store_error(r, err);
        return;
    }
    reply_json(r, 201, tenant_to_json(r->p, &t));
}

static void set_status(struct request *r, const char *status)
{
    struct actor actor;
    request_actor(r, &actor);
    struct tenant t;
    const char *err = NULL;
    int rc = tenant_set_status(r->p, r->params[0], status, &actor, &t, &err);
    if (rc == TENANT_NOT_FOUND) {
        reply_err_msg(r, ERR_NOT_FOUND,
                      "Escuela no encontrada (la escuela principal no puede "
                      "cambiar de estado).");
        return;
    }
    if (rc != TENANT_OK) {
        reply_store_error(r, err);
        return;
    }
    if (strcmp(status, "active") != 0)
        pool_forget(r->p->pool, t.code);
    reply_json(r, 200, tenant_to_json(r->p, &t));
}

void h_tenants_suspend(struct request *r)
{
    set_status(r, "suspended");
}

void h_tenants_activate(struct request *r)
{
    set_status(r, "active");
}

void h_tenants_deactivate(struct request *r)
{
    set_status(r, "inactive");
}

void h_tenants_support(struct request *r)
{
    struct tenant t;
    int found = tenant_find(r->p, r->params[0], &t);
    if (found < 0) {
        reply_store_error(r, "tenant lookup failed");
        return;
    }
    if (found == 0 || t.is_master) {
        reply_err_msg(r, ERR_NOT_FOUND, "Escuela no encontrada.");
        return;
    }
    char reason[501];
    const struct field f[] = {
        {.key = "reason", .type = FIELD_TEXT, .required = true,
         .min_len = 3, .max_len = 500,
         .message = "Indique el motivo del acceso de soporte (3 a 500 "
                    "caracteres).",
         .text = reason, .text_size = sizeof reason},
    };
    if (fields_read(r, r->json, f, 1) < 0)
        return;
    char token[65], expires[21];
    struct actor actor;
    request_actor(r, &actor);
    const char *err = NULL;
    if (support_ticket_issue(r->p, &t, r->who.user_id, reason, &actor, token,
                             expires, &err) < 0) {
        reply_store_error(r, err);
        return;
    }
    char path[128], url[1024];
    snprintf(path, sizeof path, "/soporte#%s", token);
    request_link(r, &t, path, url, sizeof url);
    reply_json(r, 201,
               json_pack("{s:s,s:s,s:s,s:s}", "token", token, "url", url,
                         "expires_at", expires, "school", t.code));
}
