/*
 * Invitations: the platform admin invites a school (name and contact
 * email) and hands its contact a one-time link; the contact opens it on the
 * master host, fills in the school's profile and its first administrator,
 * and the school is created: its store, its row, its profile and its
 * school_admin, each step audited. The link works once, for 14 days. The
 * SQL is in src/platform/invitations.c, the profile's checks in
 * src/school/settings.c.
 *
 * Sending the link by email is not built yet: the platform admin copies it
 * from the reply (the web app shows it). The link is built from the
 * configured public URL, never from the request's Host header.
 */
#include <string.h>

#include "core/util.h"
#include "http/fields.h"
#include "http/http.h"
#include "platform/invitations.h"
#include "school/school.h"

void h_invitations_list(struct request *r)
{
    const char *err = NULL;
    json_t *items = NULL;
    if (invitation_list(&r->p->master, &items, &err) < 0) {
        reply_store_error(r, err);
        return;
    }
    reply_json(r, 200, json_pack("{s:o,s:n}", "items", items, "next_cursor"));
}

void h_invitations_create(struct request *r)
{
    char school[201], email[255];
    const struct field f[] = {
        {.key = "school_name", .required = true, .max_len = 200,
         .message = "Indique el nombre de la escuela (máximo 200 "
                    "caracteres).",
         .text = school, .text_size = sizeof school},
        {.key = "contact_email", .type = FIELD_EMAIL, .required = true,
         .max_len = 254, .message = "El correo de contacto no es válido.",
         .text = email, .text_size = sizeof email},
    };
    if (fields_read(r, r->json, f, sizeof f / sizeof f[0]) < 0)
        return;
    struct actor actor;
    request_actor(r, &actor);
    const char *err = NULL;
    struct invitation inv;
    char base_url[512];
    request_link(r, NULL, "", base_url, sizeof base_url);
    if (invitation_create(&r->p->master, school, email, base_url, &actor,
                          &inv, &err) < 0) {
        reply_store_error(r, err);
        return;
    }
    char path[128], url[512];
    snprintf(path, sizeof path, "/invitacion#%s", inv.token);
    request_link(r, NULL, path, url, sizeof url);
    reply_json(r, 201,
               json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s}", "id",
                         (json_int_t)inv.id, "school_name", school,
                         "contact_email", email, "status", "pending",
                         "expires_at", inv.expires_at, "token", inv.token,
                         "url", url));
}

static const char invitation_gone[] =
    "La invitación no existe, ya se usó o venció. Pida una nueva a la "
    "plataforma.";

void h_invitation_get(struct request *r)
{
    struct invitation inv;
    const char *err = NULL;
    int rc = invitation_find_pending(&r->p->master, r->params[0], &inv, &err);
    if (rc < 0) {
        reply_store_error(r, err);
        return;
    }
    if (rc == 0) {
        reply_err_msg(r, ERR_NOT_FOUND, invitation_gone);
        return;
    }
    reply_json(r, 200,
               json_pack("{s:s,s:s,s:s,s:s}", "school_name", inv.school_name,
                         "contact_email", inv.contact_email, "status",
                         "pending", "expires_at", inv.expires_at));
}

/* The new school's profile and first administrator, in its store. */
static int fill_school(struct request *r, const struct tenant *t,
                       const struct setting_update *profile, int np,
                       const char *admin_name, const char *email,
                       const char *password, const struct actor *actor,
                       const char **err, bool *defect)
{
    struct store *s;
    if (pool_acquire(r->p->pool, t->code, &s, err) != POOL_OK)
        return -1;
    json_t *after = NULL;
    int rc = school_settings_update(s, t->name, actor, profile, np, &after,
                                    err);
    json_decref(after);
    const char *msg = NULL, *field = NULL;
    int64_t uid = 0;
    if (rc == 0) {
        int urc = user_create(r->p, s, false, email, admin_name,
                              "school_admin", password, actor, &uid, &msg,
                              &field, err);
        if (urc != TENANT_OK) {
            rc = -1;
            /* the body was checked: a refusal here is our defect */
            *defect = urc != TENANT_ERROR;
            if (*defect)
                *err = msg;
        }
    }
    pool_release(r->p->pool, s);
    return rc;
}

void h_invitation_accept(struct request *r)
{
    /* Everything is checked before anything is created. */
    char code[41], admin_name[201], email[255], password[PASSWORD_MAX + 1];
    struct setting_update profile[SCHOOL_SETTINGS_MAX];
    bool present[SCHOOL_SETTINGS_MAX];
    struct field f[SCHOOL_SETTINGS_MAX + 4];
    size_t nf = 0;
    f[nf++] = (struct field){.key = "code", .required = true, .max_len = 40,
                             .message = "Indique el código de la escuela.",
                             .check = request_check_code, .text = code,
                             .text_size = sizeof code};
    nf += request_settings_fields(f + nf, profile, present, true);
    f[nf++] = (struct field){
        .key = "admin_name", .required = true, .max_len = 200,
        .message = "Indique el nombre del administrador (máximo 200 "
                   "caracteres).",
        .text = admin_name, .text_size = sizeof admin_name};
    f[nf++] = (struct field){.key = "admin_email", .type = FIELD_EMAIL,
                             .required = true, .max_len = 254,
                             .message = "Indique un correo válido.",
                             .text = email, .text_size = sizeof email};
    f[nf++] = (struct field){.key = "admin_password", .type = FIELD_PASSWORD,
                             .required = true, .max_len = PASSWORD_MAX,
                             .message = "Indique una contraseña.",
                             .check = request_check_password, .text = password,
                             .text_size = sizeof password};
    /* the timezone is not asked for: the default applies */
    for (size_t i = 0; i < nf; i++)
        if (strcmp(f[i].key, SETTING_TIMEZONE) == 0)
            f[i].required = false;
    if (fields_read(r, r->json, f, nf) < 0)
        return;
    int np = request_settings_updates(profile, present, school_settings_count);
    const char *name = NULL;
    for (int i = 0; i < np; i++)
        if (strcmp(profile[i].key, SETTING_NAME) == 0)
            name = profile[i].value;

    /* Claim the invitation first: a second acceptance finds it taken. */
    struct store *m = &r->p->master;
    struct invitation inv;
    const char *err = NULL;
    int rc = invitation_find_pending(m, r->params[0], &inv, &err);
    if (rc < 0) {
        reply_store_error(r, err);
        return;
    }
    struct actor actor = {0, email, "school_admin", r->ip, r->request_id};
    if (rc == 0 || (rc = invitation_set_status(m, inv.id, "pending",
                                               "accepted", 0, &actor,
                                               &err)) == 0) {
        reply_err_msg(r, ERR_NOT_FOUND, invitation_gone);
        return;
    }
    if (rc < 0) {
        reply_store_error(r, err);
        return;
    }
    struct tenant t;
    const char *field = NULL, *msg = NULL;
    rc = tenant_create(r->p, code, name, &actor, &t, &msg, &field, &err);
    if (rc != TENANT_OK) {
        invitation_set_status(m, inv.id, "accepted", "pending", 0, &actor,
                              NULL);
        if (rc == TENANT_EXISTS)
            reply_err_field(r, ERR_CONFLICT, field, msg);
        else if (rc == TENANT_INVALID)
            reply_invalid(r, field, msg);
        else
            reply_store_error(r, err);
        return;
    }
    bool defect = false;
    rc = fill_school(r, &t, profile, np, admin_name, email, password, &actor,
                     &err, &defect);
    if (rc == 0)
        rc = invitation_set_status(m, inv.id, "accepted", "accepted", t.id,
                                   &actor, &err) == 1
                 ? 0
                 : -1;
    if (rc < 0) {
        /* The school exists but is incomplete: keep it out of service;
         * the invitation stays claimed without a school, for the platform
         * admin to see. */
        struct tenant ignored;
        tenant_set_status(r->p, t.code, "inactive", &actor, &ignored, NULL);
        if (defect)
            reply_internal(r, err);
        else
            reply_store_error(r, err);
        return;
    }
    reply_json(r, 201,
               json_pack("{s:o,s:s}", "school", tenant_to_json(r->p, &t),
                         "admin_email", email));
}
