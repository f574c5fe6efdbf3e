/*
 * The platform console's API (master host only): the schools of the
 * network, their status, support access into a guest school, invitations.
 * A school registered from the console gets its first administrator at
 * once: an account without a password and a set-password link mailed on
 * the new school's own host (account_invite), so no school exists that
 * nobody can enter; any school, the master school included, can be given
 * another administrator (its director) the same way.
 */
#include <stdlib.h>
#include <string.h>

#include "auth/links.h"
#include "core/log.h"
#include "core/util.h"
#include "http/fields.h"
#include "http/http.h"
#include "mail/mail.h"
#include "platform/lifecycle.h"
#include "platform/statistics.h"
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
    /* network: each school's figures as the background refresher stored
     * them (with their as-of time), and its last archive download */
    json_t *stored = statistics_current_by_code(r->p, &err);
    if (stored == NULL) {
        free(list);
        reply_store_error(r, err);
        return;
    }
    json_t *items = json_array();
    for (int i = 0; i < n; i++) {
        json_t *o = tenant_to_json(r->p, &list[i]);
        json_t *s = json_object_get(stored, list[i].code);
        json_object_set(o, "figures",
                        s ? json_object_get(s, "figures") : json_null());
        json_object_set(o, "exported_at",
                        s ? json_object_get(s, "exported_at") : json_null());
        json_array_append_new(items, o);
    }
    json_decref(stored);
    free(list);
    reply_json(r, 200, json_pack("{s:o}", "items", items));
}

/*
 * Invites `name` <email> as a school_admin of school `t`: the account and
 * its set-password link in the school's store, the mail on the school's
 * host. Returns TENANT_ codes (message_r, field_r Spanish); *admin_r the
 * invited account with the state of its mail on TENANT_OK.
 */
static int invite_admin(struct request *r, const struct tenant *t,
                        const char *name, const char *email,
                        const struct actor *actor, json_t **admin_r,
                        const char **message_r, const char **field_r,
                        const char **error_r)
{
    *admin_r = NULL;
    struct store *s;
    if (pool_acquire(r->p->pool, t->code, &s, error_r) != POOL_OK)
        return TENANT_ERROR;
    char base_url[512];
    request_link(r, t, "", base_url, sizeof base_url);
    int64_t uid = 0;
    int rc = account_invite(r->p, s, t, false, email, name, "school_admin",
                            NULL, base_url, actor, &uid, message_r, field_r,
                            error_r);
    if (rc == TENANT_OK) {
        char id[24];
        snprintf(id, sizeof id, "%lld", (long long)uid);
        store_lock(s);
        json_t *mail = mail_state_json(s, "user", id);
        store_unlock(s);
        *admin_r = json_pack("{s:I,s:s,s:s,s:s,s:o}", "id", (json_int_t)uid,
                             "name", name, "email", email, "role",
                             "school_admin", "mail",
                             mail ? mail : json_null());
    }
    pool_release(r->p->pool, s);
    if (rc == TENANT_OK)
        mail_notify(t->code);
    return rc;
}

#define ADMIN_FIELDS(name, email)                                            \
    {.key = "admin_name", .required = true, .max_len = 200,                  \
     .message = "Indique el nombre del administrador(a) (máximo 200 "        \
                "caracteres).",                                              \
     .text = name, .text_size = sizeof name},                                \
    {                                                                        \
        .key = "admin_email", .type = FIELD_EMAIL, .required = true,         \
        .max_len = 254,                                                      \
        .message = "Indique el correo del administrador(a).",                \
        .text = email, .text_size = sizeof email                             \
    }

void h_tenants_create(struct request *r)
{
    char code[41], name[201], admin_name[201], admin_email[255];
    const struct field f[] = {
        {.key = "code", .required = true, .max_len = 40,
         .message = "Indique el código del plantel.",
         .check = request_check_code, .text = code,
         .text_size = sizeof code},
        {.key = "name", .required = true, .max_len = 200,
         .message = "Indique el nombre del plantel (máximo 200 "
                    "caracteres).",
         .text = name, .text_size = sizeof name},
        ADMIN_FIELDS(admin_name, admin_email),
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
        reply_err_field(r, ERR_CONFLICT, field,
                        "Ya existe un plantel con ese código.");
        return;
    }
    if (rc != TENANT_OK) {
        reply_store_error(r, err);
        return;
    }
    /* The school exists now, whatever happens to its first admin's
     * invitation: the console offers "Invitar director(a)" again. */
    json_t *admin = NULL;
    msg = NULL;
    rc = invite_admin(r, &t, admin_name, admin_email, &actor, &admin, &msg,
                      &field, &err);
    if (rc == TENANT_ERROR)
        log_msg(LOG_ERROR, "school %s created without its admin: %s", t.code,
                err ? err : "?");
    json_t *o = tenant_to_json(r->p, &t);
    json_object_set_new(o, "admin", admin ? admin : json_null());
    if (rc != TENANT_OK)
        json_object_set_new(
            o, "admin_error",
            json_string(msg && rc != TENANT_ERROR
                            ? msg
                            : "El plantel se creó, pero no se pudo invitar a "
                              "su administrador(a). Use «Invitar "
                              "director(a)» para intentarlo de nuevo."));
    reply_json(r, 201, o);
}

void h_tenants_admins(struct request *r)
{
    struct tenant t;
    int found = tenant_find(r->p, r->params[0], &t);
    if (found < 0) {
        reply_store_error(r, "tenant lookup failed");
        return;
    }
    if (found == 0) {
        reply_err_msg(r, ERR_NOT_FOUND, "No se encontró el plantel.");
        return;
    }
    char admin_name[201], admin_email[255];
    const struct field f[] = {ADMIN_FIELDS(admin_name, admin_email)};
    if (fields_read(r, r->json, f, sizeof f / sizeof f[0]) < 0)
        return;
    struct actor actor;
    request_actor(r, &actor);
    json_t *admin = NULL;
    const char *msg = NULL, *field = NULL, *err = NULL;
    int rc = invite_admin(r, &t, admin_name, admin_email, &actor, &admin,
                          &msg, &field, &err);
    if (rc == TENANT_INVALID) {
        reply_invalid(r, field && strcmp(field, "email") == 0 ? "admin_email"
                         : field && strcmp(field, "name") == 0
                             ? "admin_name"
                             : field,
                      msg);
        return;
    }
    if (rc == TENANT_EXISTS) {
        reply_err_field(r, ERR_CONFLICT, "admin_email",
                        "Ese correo ya tiene una cuenta activa en el "
                        "plantel.");
        return;
    }
    if (rc != TENANT_OK) {
        reply_store_error(r, err);
        return;
    }
    json_object_set_new(admin, "school",
                        json_pack("{s:s,s:s}", "code", t.code, "name", t.name));
    reply_json(r, 201, admin);
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
                      "Plantel no encontrado (el plantel principal no puede "
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
        reply_err_msg(r, ERR_NOT_FOUND, "Plantel no encontrado.");
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

/* ---- network: the archive download and the deletion of a school ---- */

void h_tenants_export(struct request *r)
{
    struct actor actor;
    request_actor(r, &actor);
    char *data = NULL;
    size_t len = 0;
    const char *err = NULL;
    int rc = tenant_export_download(r->p, r->params[0], &actor, &data, &len,
                                    &err);
    if (rc == TENANT_NOT_FOUND) {
        reply_err_msg(r, ERR_NOT_FOUND, "Plantel no encontrado.");
        return;
    }
    if (rc == TENANT_IS_MASTER) {
        reply_err(r, ERR_MASTER_SCHOOL);
        return;
    }
    if (rc != TENANT_OK) {
        reply_store_error(r, err);
        return;
    }
    char day[11], filename[200];
    time_format_utc(time_now(), filename);
    memcpy(day, filename, 10);
    day[10] = '\0';
    snprintf(filename, sizeof filename, "plantel-%s-%s.json", r->params[0],
             day);
    reply_bytes(r, 200, "application/json", filename, data, len);
}

void h_tenants_delete(struct request *r)
{
    char confirm[64];
    const struct field f[] = {
        {.key = "confirm", .required = true, .max_len = 40,
         .message = "Escriba el código del plantel para confirmar.",
         .text = confirm, .text_size = sizeof confirm},
    };
    if (fields_read(r, r->json, f, 1) < 0)
        return;
    struct actor actor;
    request_actor(r, &actor);
    const char *msg = NULL, *err = NULL;
    int rc = tenant_delete(r->p, r->params[0], confirm, &actor, &msg, &err);
    switch (rc) {
    case TENANT_OK:
        reply_json(r, 200, json_pack("{s:s,s:b}", "code", r->params[0],
                                     "deleted", true));
        return;
    case TENANT_NOT_FOUND:
        reply_err_msg(r, ERR_NOT_FOUND, "Plantel no encontrado.");
        return;
    case TENANT_IS_MASTER:
        reply_err(r, ERR_MASTER_SCHOOL);
        return;
    case TENANT_INVALID:
        reply_invalid(r, "confirm", msg);
        return;
    case TENANT_NEEDS_EXPORT:
        reply_err_msg(r, ERR_EXPORT_REQUIRED, msg);
        return;
    default:
        reply_store_error(r, err);
    }
}
