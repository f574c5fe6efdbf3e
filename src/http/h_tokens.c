/*
 * API tokens for programs: a user creates one (shown once), lists and
 * revokes their own. The SQL is in src/auth/tokens.c.
 */
#include <stdlib.h>
#include <string.h>

#include "auth/tokens.h"
#include "core/util.h"
#include "http/fields.h"
#include "http/http.h"

void h_tokens_list(struct request *r)
{
    const char *err = NULL;
    json_t *items = NULL;
    if (tokens_list(r->who_store, r->who.user_id, &items, &err) < 0) {
        reply_store_error(r, err);
        return;
    }
    reply_json(r, 200, json_pack("{s:o}", "items", items));
}

void h_tokens_create(struct request *r)
{
    if (r->who.support || r->who.user_id == 0) {
        reply_err_msg(r, ERR_FORBIDDEN,
                      "Una sesión de soporte no puede crear claves de acceso para programas.");
        return;
    }
    char name[101];
    const struct field f[] = {
        {.key = "name", .required = true, .max_len = 100,
         .message = "Indique un nombre para la clave (máximo 100 "
                    "caracteres).",
         .text = name, .text_size = sizeof name},
    };
    if (fields_read(r, r->json, f, 1) < 0)
        return;
    const char *err = NULL;
    char token[80], now[21];
    int64_t id = 0;
    time_format_utc(time_now(), now);
    struct actor actor;
    request_actor(r, &actor);
    if (tokens_issue(r->who_store, r->who.user_id, r->who.kind, name, &actor,
                     token, &id, &err) < 0) {
        reply_store_error(r, err);
        return;
    }
    reply_json(r, 201,
               json_pack("{s:I,s:s,s:s,s:n,s:s}", "id", (json_int_t)id, "name",
                         name, "created_at", now, "last_used_at", "token",
                         token));
}

void h_tokens_revoke(struct request *r)
{
    char *end;
    long long id = strtoll(r->params[0], &end, 10);
    if (*end != '\0' || id <= 0) {
        reply_err_msg(r, ERR_NOT_FOUND, "Clave de acceso no encontrada.");
        return;
    }
    const char *err = NULL;
    struct actor actor;
    request_actor(r, &actor);
    int rc = tokens_revoke(r->who_store, r->who.user_id, id, &actor, &err);
    if (rc < 0) {
        reply_store_error(r, err);
        return;
    }
    if (rc == 0) {
        reply_err_msg(r, ERR_NOT_FOUND, "Clave de acceso no encontrada.");
        return;
    }
    reply_json(r, 200, json_pack("{s:b}", "ok", 1));
}
