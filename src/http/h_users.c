/*
 * People: a school's users for its school admins (/api/v1/users...) and
 * the platform admins for platform admins (/api/v1/platform/users...,
 * master host). The two share every handler below; only the store, the
 * school of the mail and the roles offered differ (struct people).
 *
 * - GET: the list, each user with state (invited, active, disabled),
 *   cargo and the state of the last mail about them (mail_state_json).
 * - POST {email, name, role, cargo?}: an invitation (account_invite: the
 *   person gets a link, valid 7 days, to choose a password). With a
 *   `password` member the account is made with that first password instead
 *   (user_create(); kept for API clients and scripts, the web app invites).
 * - PATCH /{id} {name?, role?, cargo?, disabled?}: every invalid member at
 *   once; disabling ends the user's sessions and API tokens at once
 *   (auth/accounts.c); nobody disables or demotes themselves.
 * - POST /{id}/invitation: the invitation again (older link voided);
 *   POST /{id}/password-reset: a reset link (1 hour) by mail.
 */
#include <stdlib.h>
#include <string.h>

#include "auth/accounts.h"
#include "auth/links.h"
#include "core/util.h"
#include "http/fields.h"
#include "http/http.h"
#include "mail/mail.h"
#include "school/records.h"
#include "school/school.h"

static const char user_not_found[] = "Usuario no encontrado.";

/* Where the people of a route live. */
struct people {
    struct store *store;
    const struct tenant *school; /* of the mail; NULL: platform mail */
    bool platform;
    const char *const *roles;
    const char *role_message;
};

static const char *const school_roles[] = {"school_admin", "teacher",
                                           "parent", NULL};
static const char *const platform_roles[] = {"platform_admin", NULL};

static struct people people_of(struct request *r, bool platform)
{
    if (platform)
        return (struct people){&r->p->master, NULL, true, platform_roles,
                               "El rol debe ser platform_admin."};
    return (struct people){
        r->school, &r->tenant, false, school_roles,
        "El rol debe ser school_admin (administrador del plantel), teacher "
        "(docente) o parent (representante)."};
}

static json_t *school_json(struct request *r, bool platform)
{
    if (platform)
        return json_null();
    return json_pack("{s:s,s:s}", "code", r->tenant.code, "name",
                     r->tenant.name);
}

/* The public URL of the host the people sign in on. */
static void base_url(struct request *r, const struct people *pp, char *out,
                     size_t n)
{
    request_link(r, pp->platform ? NULL : &r->tenant, "", out, n);
}

/* Adds "mail": the newest mail about each user (store_lock held). */
static void add_mail_state(struct store *s, json_t *user)
{
    char idstr[24];
    snprintf(idstr, sizeof idstr, "%lld",
             (long long)json_integer_value(json_object_get(user, "id")));
    json_t *m = mail_state_json(s, "user", idstr);
    json_object_set_new(user, "mail", m ? m : json_null());
}

static void users_list(struct request *r, bool platform)
{
    struct people pp = people_of(r, platform);
    int limit = request_limit(r);
    int64_t cursor = limit < 0 ? -1 : request_cursor(r);
    if (limit < 0 || cursor < 0)
        return;
    const char *err = NULL;
    json_t *items = NULL, *school = school_json(r, platform);
    int64_t next_id = 0;
    int rc = account_list(pp.store, cursor, limit, school, &items, &next_id,
                          &err);
    json_decref(school);
    if (rc < 0) {
        reply_store_error(r, err);
        return;
    }
    store_lock(pp.store);
    size_t i;
    json_t *u;
    json_array_foreach(items, i, u) add_mail_state(pp.store, u);
    store_unlock(pp.store);
    char next[24];
    snprintf(next, sizeof next, "%lld", (long long)next_id);
    reply_json(r, 200,
               json_pack("{s:o,s:s?}", "items", items, "next_cursor",
                         next_id ? next : NULL));
}

/* Replies with one user (and their mail state), or 404. */
static void reply_user(struct request *r, const struct people *pp, int64_t id,
                       unsigned status)
{
    const char *err = NULL;
    json_t *u = NULL, *school = school_json(r, pp->platform);
    store_lock(pp->store);
    int rc = account_get(pp->store, id, school, &u, &err);
    if (rc == 1)
        add_mail_state(pp->store, u);
    store_unlock(pp->store);
    json_decref(school);
    if (rc < 0)
        reply_store_error(r, err);
    else if (rc == 0)
        reply_err_msg(r, ERR_NOT_FOUND, user_not_found);
    else
        reply_json(r, status, u);
}

static void users_create(struct request *r, bool platform)
{
    struct people pp = people_of(r, platform);
    char email[255], name[201], role[32], cargo[64] = "",
                                         password[PASSWORD_MAX + 1];
    bool has_password = false;
    const struct field f[] = {
        {.key = "email", .type = FIELD_EMAIL, .required = true,
         .max_len = 254, .message = "Indique un correo electrónico válido.",
         .text = email, .text_size = sizeof email},
        {.key = "name", .required = true, .max_len = 200,
         .message = "El nombre es obligatorio (máximo 200 caracteres).",
         .text = name, .text_size = sizeof name},
        {.key = "role", .type = FIELD_ENUM, .required = true,
         .choices = pp.roles, .message = pp.role_message, .text = role,
         .text_size = sizeof role},
        {.key = "cargo", .type = FIELD_ENUM, .clearable = true,
         .choices = staff_cargos,
         .message = "El cargo debe ser Director(a), Subdirector(a), "
                    "Secretario(a), Coordinador(a), Docente, Administrativo, "
                    "Obrero u Otro.",
         .text = cargo, .text_size = sizeof cargo},
        {.key = "password", .type = FIELD_PASSWORD, .max_len = PASSWORD_MAX,
         .message = "La contraseña inicial no es válida.",
         .check = request_check_password, .text = password,
         .text_size = sizeof password, .present = &has_password},
    };
    if (fields_read(r, r->json, f, sizeof f / sizeof f[0]) < 0)
        return;
    struct actor actor;
    request_actor(r, &actor);
    const char *msg = NULL, *field = NULL, *err = NULL;
    int64_t id = 0;
    int rc;
    if (has_password) {
        rc = user_create(r->p, pp.store, !platform && r->tenant.is_master,
                         email, name, role, password, &actor, &id, &msg,
                         &field, &err);
    } else {
        char base[400];
        base_url(r, &pp, base, sizeof base);
        rc = account_invite(r->p, pp.store, pp.school, platform, email, name,
                            role, cargo[0] ? cargo : NULL, base, &actor, &id,
                            &msg, &field, &err);
    }
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
    if (has_password && cargo[0]) {
        /* the password path has no cargo of its own: set it now */
        struct account_change c = {.disabled = -1, .has_cargo = true};
        str_copy(c.cargo, sizeof c.cargo, cargo);
        json_t *u = NULL;
        if (account_update(pp.store, id, &c, &actor, NULL, &u, &msg, &field,
                           &err) < 0) {
            reply_store_error(r, err);
            return;
        }
        json_decref(u);
    }
    reply_user(r, &pp, id, 201);
}

static bool user_id_of(struct request *r, int64_t *id_r)
{
    char *end;
    long long v = strtoll(r->params[0], &end, 10);
    if (r->params[0][0] == '\0' || *end != '\0' || v < 1) {
        reply_err_msg(r, ERR_NOT_FOUND, user_not_found);
        return false;
    }
    *id_r = v;
    return true;
}

static void users_patch(struct request *r, bool platform)
{
    struct people pp = people_of(r, platform);
    int64_t id;
    if (!user_id_of(r, &id))
        return;
    char name[201], role[32];
    bool has_name = false, has_role = false, has_disabled = false,
         disabled = false;
    struct account_change c = {.disabled = -1};
    const struct field f[] = {
        {.key = "name", .max_len = 200, .min_len = 1,
         .message = "El nombre es obligatorio (máximo 200 caracteres).",
         .text = name, .text_size = sizeof name, .present = &has_name},
        {.key = "role", .type = FIELD_ENUM, .choices = pp.roles,
         .message = pp.role_message, .text = role, .text_size = sizeof role,
         .present = &has_role},
        {.key = "cargo", .type = FIELD_ENUM, .clearable = true,
         .choices = staff_cargos,
         .message = "El cargo debe ser Director(a), Subdirector(a), "
                    "Secretario(a), Coordinador(a), Docente, Administrativo, "
                    "Obrero u Otro.",
         .text = c.cargo, .text_size = sizeof c.cargo,
         .present = &c.has_cargo},
        {.key = "disabled", .type = FIELD_BOOL,
         .message = "Indique true (desactivar) o false (activar).",
         .boolean = &disabled, .present = &has_disabled},
    };
    if (fields_read(r, r->json, f, sizeof f / sizeof f[0]) < 0)
        return;
    c.name = has_name ? name : NULL;
    c.role = has_role ? role : NULL;
    c.disabled = has_disabled ? disabled : -1;
    struct actor actor;
    request_actor(r, &actor);
    const char *msg = NULL, *field = NULL, *err = NULL;
    json_t *u = NULL, *school = school_json(r, platform);
    int rc = account_update(pp.store, id, &c, &actor, school, &u, &msg,
                            &field, &err);
    json_decref(school);
    json_decref(u);
    if (rc < 0) {
        reply_store_error(r, err);
    } else if (rc == ACCOUNT_NOT_FOUND) {
        reply_err_msg(r, ERR_NOT_FOUND, user_not_found);
    } else if (rc == ACCOUNT_INVALID) {
        reply_invalid(r, field, msg);
    } else {
        /* a platform admin disabled: their support sessions end too */
        if (platform && c.disabled == 1) {
            char email[256] = "";
            store_lock(pp.store);
            json_t *now = NULL;
            if (account_get(pp.store, id, NULL, &now, &err) == 1)
                str_copy(email, sizeof email, json_str(now, "email"));
            json_decref(now);
            store_unlock(pp.store);
            if (email[0] && user_end_support_sessions(r->p, email, &err) < 0) {
                reply_store_error(r, err);
                return;
            }
        }
        reply_user(r, &pp, id, 200);
    }
}

static void users_send(struct request *r, bool platform, const char *purpose)
{
    struct people pp = people_of(r, platform);
    int64_t id;
    if (!user_id_of(r, &id))
        return;
    struct actor actor;
    request_actor(r, &actor);
    char base[400];
    base_url(r, &pp, base, sizeof base);
    const char *msg = NULL, *err = NULL;
    int rc = account_send_link(pp.store, pp.school, id, purpose, base, &actor,
                               &msg, &err);
    if (rc < 0)
        reply_store_error(r, err);
    else if (rc == ACCOUNT_NOT_FOUND)
        reply_err_msg(r, ERR_NOT_FOUND, user_not_found);
    else if (rc == ACCOUNT_INVALID)
        reply_err_msg(r, ERR_CONFLICT, msg);
    else
        reply_user(r, &pp, id, 202);
}

void h_users_list(struct request *r) { users_list(r, false); }
void h_users_create(struct request *r) { users_create(r, false); }
void h_users_patch(struct request *r) { users_patch(r, false); }
void h_users_invitation(struct request *r)
{
    users_send(r, false, LINK_INVITATION);
}
void h_users_reset(struct request *r) { users_send(r, false, LINK_RESET); }

void h_platform_users_list(struct request *r) { users_list(r, true); }
void h_platform_users_create(struct request *r) { users_create(r, true); }
void h_platform_users_patch(struct request *r) { users_patch(r, true); }
void h_platform_users_invitation(struct request *r)
{
    users_send(r, true, LINK_INVITATION);
}
void h_platform_users_reset(struct request *r)
{
    users_send(r, true, LINK_RESET);
}
