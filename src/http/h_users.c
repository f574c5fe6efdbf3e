/*
 * The school's users: school admins list them and add accounts (the first
 * password is set by the admin and must meet the policy). The list's SQL
 * is in src/school/users.c; creating an account is user_create()
 * (src/platform/users.c), which also guards the master school's emails.
 */
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "http/fields.h"
#include "http/http.h"
#include "school/school.h"

static json_t *school_json(struct request *r)
{
    return json_pack("{s:s,s:s}", "code", r->tenant.code, "name",
                     r->tenant.name);
}

void h_users_list(struct request *r)
{
    int limit = request_limit(r);
    int64_t cursor = limit < 0 ? -1 : request_cursor(r);
    if (limit < 0 || cursor < 0)
        return;
    const char *err = NULL;
    json_t *items = NULL, *school = school_json(r);
    int64_t next_id = 0;
    int rc = school_users_list(r->school, cursor, limit, school, &items,
                               &next_id, &err);
    json_decref(school);
    if (rc < 0) {
        reply_store_error(r, err);
        return;
    }
    char next[24];
    snprintf(next, sizeof next, "%lld", (long long)next_id);
    reply_json(r, 200,
               json_pack("{s:o,s:s?}", "items", items, "next_cursor",
                         next_id ? next : NULL));
}

void h_users_create(struct request *r)
{
    static const char *const roles[] = {"school_admin", "teacher", "parent",
                                        NULL};
    char email[255], name[201], role[32], password[PASSWORD_MAX + 1];
    const struct field f[] = {
        {.key = "email", .type = FIELD_EMAIL, .required = true,
         .max_len = 254, .message = "Indique un correo electrónico válido.",
         .text = email, .text_size = sizeof email},
        {.key = "name", .required = true, .max_len = 200,
         .message = "El nombre es obligatorio (máximo 200 caracteres).",
         .text = name, .text_size = sizeof name},
        {.key = "role", .type = FIELD_ENUM, .required = true,
         .choices = roles,
         .message = "El rol no es válido (school_admin, teacher o parent).",
         .text = role, .text_size = sizeof role},
        {.key = "password", .type = FIELD_PASSWORD, .required = true,
         .max_len = PASSWORD_MAX,
         .message = "Indique una contraseña inicial.",
         .check = request_check_password, .text = password,
         .text_size = sizeof password},
    };
    if (fields_read(r, r->json, f, sizeof f / sizeof f[0]) < 0)
        return;
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
        reply_err_field(r, ERR_CONFLICT, field, msg);
        return;
    }
    if (rc != TENANT_OK) {
        reply_store_error(r, err);
        return;
    }
    reply_json(r, 201,
               json_pack("{s:I,s:s,s:s,s:s,s:s,s:o,s:b}", "id",
                         (json_int_t)id, "email", email, "name", name, "role",
                         role, "role_label", role_label(role), "school",
                         school_json(r), "support", 0));
}
