/*
 * The school's users: school admins list them and add accounts (the first
 * password is set by the admin and must meet the policy).
 */
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "http/http.h"

static json_t *school_json(struct request *r)
{
    return json_pack("{s:s,s:s}", "code", r->tenant.code, "name",
                     r->tenant.name);
}

int request_limit(struct request *r)
{
    const char *s = request_query(r, "limit");
    if (s == NULL)
        return 50;
    char *end;
    long v = strtol(s, &end, 10);
    if (*s == '\0' || *end != '\0' || v < 1 || v > 500) {
        reply_invalid(r, "limit", "El límite debe ser un número entre 1 y "
                                  "500.");
        return -1;
    }
    return (int)v;
}

/* Parses ?cursor= as a positive id; 0 when absent, -1 (and 422) if bad. */
static int64_t request_cursor(struct request *r)
{
    const char *s = request_query(r, "cursor");
    if (s == NULL || *s == '\0')
        return 0;
    char *end;
    long long v = strtoll(s, &end, 10);
    if (*end != '\0' || v < 1) {
        reply_invalid(r, "cursor", "El cursor de la página no es válido.");
        return -1;
    }
    return v;
}

void h_users_list(struct request *r)
{
    int limit = request_limit(r);
    int64_t cursor = limit < 0 ? -1 : request_cursor(r);
    if (limit < 0 || cursor < 0)
        return;
    const char *err = NULL;
    store_lock(r->school);
    struct db_stmt *st = db_query(
        r->school->conn, &err,
        "SELECT id, email, name, role, created_at FROM users WHERE id > ?"
        " ORDER BY id LIMIT ?",
        "ii", cursor, (int64_t)limit + 1);
    json_t *items = json_array();
    int rc = st ? DB_ROW : DB_ERROR, n = 0;
    int64_t last = 0;
    bool more = false;
    while (st && (rc = db_step(st, &err)) == DB_ROW) {
        if (n == limit) {
            more = true;
            break;
        }
        last = db_int(st, 0);
        json_array_append_new(
            items,
            json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:o,s:b}", "id",
                      (json_int_t)last, "email", db_text(st, 1), "name",
                      db_text(st, 2), "role", db_text(st, 3), "role_label",
                      role_label(db_text(st, 3)), "created_at",
                      db_text(st, 4), "school", school_json(r), "support",
                      0));
        n++;
    }
    db_finish(&st);
    store_unlock(r->school);
    if (rc < 0) {
        json_decref(items);
        reply_store_error(r, err);
        return;
    }
    char next[24];
    snprintf(next, sizeof next, "%lld", (long long)last);
    reply_json(r, 200,
               json_pack("{s:o,s:s?}", "items", items, "next_cursor",
                         more ? next : NULL));
}

void h_users_create(struct request *r)
{
    const char *email = json_str(r->json, "email");
    const char *name = json_str(r->json, "name");
    const char *role = json_str(r->json, "role");
    const char *password = json_str(r->json, "password");
    if (email == NULL) {
        reply_invalid(r, "email", "Indique el correo electrónico.");
        return;
    }
    if (name == NULL) {
        reply_invalid(r, "name", "Indique el nombre.");
        return;
    }
    if (role == NULL || !role_is_school_role(role)) {
        reply_invalid(r, "role",
                      "El rol no es válido (school_admin, teacher o parent).");
        return;
    }
    if (password == NULL) {
        reply_invalid(r, "password", "Indique una contraseña inicial.");
        return;
    }
    struct actor actor;
    request_actor(r, &actor);
    const char *msg = NULL, *field = NULL, *err = NULL;
    int64_t id = 0;
    int rc = user_create(r->p, r->school, r->tenant.is_master, email, name,
                         role, password, &actor, &id, &msg, &field, &err);
    if (rc == TENANT_INVALID) {
        reply_invalid(r, field, msg);
        return;
    }
    if (rc == TENANT_EXISTS) {
        reply_json(r, 409,
                   json_pack("{s:{s:s,s:s,s:s}}", "error", "code", "conflict",
                             "message", msg, "field", field));
        return;
    }
    if (rc != TENANT_OK) {
        reply_store_error(r, err);
        return;
    }
    char lower[256];
    str_copy(lower, sizeof lower, email);
    str_lower(lower);
    reply_json(r, 201,
               json_pack("{s:I,s:s,s:s,s:s,s:s,s:o,s:b}", "id",
                         (json_int_t)id, "email", lower, "name", name, "role",
                         role, "role_label", role_label(role), "school",
                         school_json(r), "support", 0));
}
