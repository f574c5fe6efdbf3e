/*
 * API tokens for programs: a user creates one (shown once), lists and
 * revokes their own. Tokens live in the store of the user who made them.
 */
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "http/http.h"

void h_tokens_list(struct request *r)
{
    const char *err = NULL;
    store_lock(r->who_store);
    struct db_stmt *st = db_query(
        r->who_store->conn, &err,
        "SELECT id, name, created_at, last_used_at FROM api_tokens"
        " WHERE user_id = ? AND revoked_at IS NULL ORDER BY id DESC",
        "i", r->who.user_id);
    json_t *items = json_array();
    int rc = st ? DB_ROW : DB_ERROR;
    while (st && (rc = db_step(st, &err)) == DB_ROW)
        json_array_append_new(
            items, json_pack("{s:I,s:s,s:s,s:s?}", "id",
                             (json_int_t)db_int(st, 0), "name", db_text(st, 1),
                             "created_at", db_text(st, 2), "last_used_at",
                             db_text_or_null(st, 3)));
    db_finish(&st);
    store_unlock(r->who_store);
    if (rc < 0) {
        json_decref(items);
        reply_store_error(r, err);
        return;
    }
    reply_json(r, 200, json_pack("{s:o}", "items", items));
}

void h_tokens_create(struct request *r)
{
    if (r->who.support || r->who.user_id == 0) {
        reply_error(r, 403, "forbidden",
                    "Una sesión de soporte no puede crear tokens de API.");
        return;
    }
    const char *name = json_str(r->json, "name");
    if (name == NULL || strlen(name) == 0 || strlen(name) > 100) {
        reply_invalid(r, "name",
                      "Indique un nombre para el token (máximo 100 "
                      "caracteres).");
        return;
    }
    const char *err = NULL;
    char token[80], now[21];
    int64_t id = 0;
    time_format_utc(time_now(), now);
    struct actor actor;
    request_actor(r, &actor);
    if (store_begin(r->who_store, &err) < 0) {
        reply_store_error(r, err);
        return;
    }
    int rc = api_token_create(r->who_store, r->who.user_id, name, r->who.kind,
                              token, &id, &err);
    char idstr[24];
    snprintf(idstr, sizeof idstr, "%lld", (long long)id);
    json_t *after = json_pack("{s:I,s:s}", "id", (json_int_t)id, "name", name);
    struct audit_entry e = {"token_create", "api_token", idstr, NULL, after};
    if (rc == 0)
        rc = audit_write(r->who_store, &actor, &e, &err);
    json_decref(after);
    if (store_end(r->who_store, rc == 0, &err) < 0 || rc < 0) {
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
        reply_error(r, 404, "not_found", "Token no encontrado.");
        return;
    }
    const char *err = NULL;
    char now[21];
    time_format_utc(time_now(), now);
    struct actor actor;
    request_actor(r, &actor);
    if (store_begin(r->who_store, &err) < 0) {
        reply_store_error(r, err);
        return;
    }
    int rc = db_run(r->who_store->conn, &err,
                    "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND"
                    " user_id = ? AND revoked_at IS NULL",
                    "tii", now, (int64_t)id, r->who.user_id);
    bool found = rc == 0 && db_changes(r->who_store->conn) == 1;
    struct audit_entry e = {"token_revoke", "api_token", r->params[0], NULL,
                            NULL};
    if (rc == 0 && found)
        rc = audit_write(r->who_store, &actor, &e, &err);
    if (store_end(r->who_store, rc == 0 && found, &err) < 0 || rc < 0) {
        reply_store_error(r, err);
        return;
    }
    if (!found) {
        reply_error(r, 404, "not_found", "Token no encontrado.");
        return;
    }
    reply_json(r, 200, json_pack("{s:b}", "ok", 1));
}
