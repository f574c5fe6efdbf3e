/*
 * Invitations: the platform admin invites a school (name and contact
 * email); the invitation is mailed to the contact at once (queued with the
 * invitation, sent by the mail worker) and its link works once, for 30
 * days. The admin's list shows each invitation's status, expiry and the
 * state of its mail; the admin may resend it (a new link, the old one
 * dead, the expiry renewed) or revoke it. The contact opens the link on
 * the master host and fills in the school (code, name and state are
 * required; RIF, código DEA, municipality, address and phone may come
 * later from the school's settings) and its first administrator; the form
 * asks this API for a code suggested from the name and for a code's
 * availability while it is typed. The school is then created: its store,
 * its row, its profile and its school_admin, each step audited. The SQL is
 * in src/platform/invitations.c, the profile's checks in
 * src/school/settings.c. Links are built from the configured public URL,
 * never from the request's Host header.
 */
#include <string.h>

#include "core/util.h"
#include "http/fields.h"
#include "http/h_records.h"
#include "http/http.h"
#include "mail/mail.h"
#include "platform/invitations.h"
#include "school/school.h"

static const char invitation_missing[] = "No se encontró la invitación.";

/* An invitation as the console shows it (with its link when just made). */
static json_t *invitation_json(struct request *r, const struct invitation *inv)
{
    json_t *o = json_pack("{s:I,s:s,s:s,s:s,s:s}", "id", (json_int_t)inv->id,
                          "school_name", inv->school_name, "contact_email",
                          inv->contact_email, "status", inv->status,
                          "expires_at", inv->expires_at);
    if (inv->token[0]) {
        char path[128], url[512];
        snprintf(path, sizeof path, "%s%s", INVITATION_PATH, inv->token);
        request_link(r, NULL, path, url, sizeof url);
        json_object_set_new(o, "token", json_string(inv->token));
        json_object_set_new(o, "url", json_string(url));
    }
    char id[24];
    snprintf(id, sizeof id, "%lld", (long long)inv->id);
    store_lock(&r->p->master);
    json_t *mail = mail_state_json(&r->p->master, "tenant_invitation", id);
    store_unlock(&r->p->master);
    json_object_set_new(o, "mail", mail ? mail : json_null());
    return o;
}

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
         .message = "Indique el nombre del plantel (máximo 200 "
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
    char master_url[512];
    request_link(r, NULL, "", master_url, sizeof master_url);
    if (invitation_create(&r->p->master, school, email, master_url, &actor,
                          &inv, &err) < 0) {
        reply_store_error(r, err);
        return;
    }
    mail_notify("master");
    reply_json(r, 201, invitation_json(r, &inv));
}

/* The reply for a resend or revoke that did not happen. */
static void reply_not_changed(struct request *r, int rc, const char *err,
                              const char *closed)
{
    if (rc == INVITATION_NOT_FOUND)
        reply_err_msg(r, ERR_NOT_FOUND, invitation_missing);
    else if (rc == INVITATION_CLOSED)
        reply_err_msg(r, ERR_CONFLICT, closed);
    else
        reply_store_error(r, err);
}

void h_invitations_resend(struct request *r)
{
    int64_t id;
    if (!records_id(r, &id, invitation_missing))
        return;
    struct actor actor;
    request_actor(r, &actor);
    char master_url[512];
    request_link(r, NULL, "", master_url, sizeof master_url);
    struct invitation inv;
    const char *err = NULL;
    int rc = invitation_resend(&r->p->master, id, master_url, &actor, &inv,
                               &err);
    if (rc != INVITATION_OK) {
        reply_not_changed(r, rc, err,
                          "Esta invitación ya se aceptó o se anuló: no se "
                          "puede reenviar. Cree una nueva si hace falta.");
        return;
    }
    mail_notify("master");
    reply_json(r, 200, invitation_json(r, &inv));
}

void h_invitations_revoke(struct request *r)
{
    int64_t id;
    if (!records_id(r, &id, invitation_missing))
        return;
    struct actor actor;
    request_actor(r, &actor);
    struct invitation inv;
    const char *err = NULL;
    int rc = invitation_revoke(&r->p->master, id, &actor, &inv, &err);
    if (rc != INVITATION_OK) {
        reply_not_changed(r, rc, err,
                          "Esta invitación ya se aceptó o ya estaba anulada.");
        return;
    }
    reply_json(r, 200, invitation_json(r, &inv));
}

/*
 * The invitation a link names if it can still be accepted (1); otherwise
 * replies 404 with what happened to it, in Spanish, and returns 0 (-1
 * after a store error's reply).
 */
static int usable_invitation(struct request *r, struct invitation *inv)
{
    const char *err = NULL;
    int rc = invitation_find(&r->p->master, r->params[0], inv, &err);
    if (rc < 0) {
        reply_store_error(r, err);
        return -1;
    }
    if (rc == 1 && strcmp(inv->status, INVITATION_PENDING) == 0)
        return 1;
    const char *msg;
    char buf[400], day[64];
    if (rc == 0) {
        msg = "La invitación no existe o se reemplazó por una más reciente: "
              "abra el enlace del último correo que recibió, o pida una "
              "nueva a la plataforma.";
    } else if (strcmp(inv->status, INVITATION_ACCEPTED) == 0) {
        msg = "Esta invitación ya se usó: el plantel quedó registrado. "
              "Ingrese desde la dirección web del plantel.";
    } else if (strcmp(inv->status, INVITATION_REVOKED) == 0) {
        msg = "La plataforma anuló esta invitación. Si todavía quiere "
              "registrar su plantel, pida una nueva.";
    } else {
        invitation_spanish_date(inv->expires_at, day, sizeof day);
        snprintf(buf, sizeof buf,
                 "Esta invitación venció el %s. Pida a la plataforma que se "
                 "la reenvíe.",
                 day);
        msg = buf;
    }
    reply_err_msg(r, ERR_NOT_FOUND, msg);
    return 0;
}

void h_invitation_get(struct request *r)
{
    struct invitation inv;
    if (usable_invitation(r, &inv) != 1)
        return;
    char day[64];
    invitation_spanish_date(inv.expires_at, day, sizeof day);
    reply_json(r, 200,
               json_pack("{s:s,s:s,s:s,s:s,s:s}", "school_name",
                         inv.school_name, "contact_email", inv.contact_email,
                         "status", "pending", "expires_at", inv.expires_at,
                         "expires_on", day));
}

/*
 * GET .../code?name=NAME: {"suggestion"} a free code made from the name;
 * GET .../code?code=CODE: {"code","available","message"} whether the code
 * can be used now. Only with a link that can still be accepted.
 */
void h_invitation_code(struct request *r)
{
    struct invitation inv;
    if (usable_invitation(r, &inv) != 1)
        return;
    const char *name = request_query(r, "name");
    const char *code = request_query(r, "code");
    const char *err = NULL;
    if (code != NULL) {
        if (strlen(code) > 100) {
            reply_invalid(r, "code",
                          "El código debe tener entre 2 y 40 caracteres.");
            return;
        }
        const char *msg = NULL;
        int rc = invitation_code_check(r->p, code, &msg, &err);
        if (rc < 0) {
            reply_store_error(r, err);
            return;
        }
        reply_json(r, 200, json_pack("{s:s,s:b,s:s}", "code", code,
                                     "available", rc == 1, "message", msg));
        return;
    }
    if (name == NULL || strlen(name) > 200 || field_text_check(name, false)) {
        reply_invalid(r, "name",
                      "Indique el nombre del plantel (máximo 200 "
                      "caracteres).");
        return;
    }
    char suggestion[48];
    if (invitation_code_suggest(r->p, name, suggestion, sizeof suggestion,
                                &err) < 0) {
        reply_store_error(r, err);
        return;
    }
    reply_json(r, 200, json_pack("{s:s}", "suggestion", suggestion));
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

/* What the acceptance requires of the school's profile; the rest may be
 * completed later in the school's settings. */
static bool required_setting(const char *key)
{
    return strcmp(key, SETTING_NAME) == 0 || strcmp(key, "state") == 0;
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
                             .message = "Indique el código del plantel.",
                             .check = request_check_code, .text = code,
                             .text_size = sizeof code};
    size_t first = nf;
    nf += request_settings_fields(f + nf, profile, present, false);
    for (size_t i = first; i < nf; i++) {
        /* name and state now; "" leaves an optional one unset */
        f[i].required = required_setting(f[i].key);
        f[i].clearable = !f[i].required;
        /* the form offers the states as a list: no code to type */
        if (strcmp(f[i].key, "state") == 0)
            f[i].message = "Elija el estado donde está el plantel.";
    }
    f[nf++] = (struct field){
        .key = "admin_name", .required = true, .max_len = 200,
        .message = "Indique el nombre del administrador(a) (máximo 200 "
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
    if (fields_read(r, r->json, f, nf) < 0)
        return;
    /* Optional settings given empty are simply not set. */
    for (size_t i = 0; i < school_settings_count; i++)
        if (present[i] && profile[i].value[0] == '\0')
            present[i] = false;
    int np = request_settings_updates(profile, present, school_settings_count);
    const char *name = NULL;
    for (int i = 0; i < np; i++)
        if (strcmp(profile[i].key, SETTING_NAME) == 0)
            name = profile[i].value;

    /* Claim the invitation first: a second acceptance finds it taken. */
    struct store *m = &r->p->master;
    struct invitation inv;
    const char *err = NULL;
    int rc = usable_invitation(r, &inv);
    if (rc != 1)
        return;
    struct actor actor = {0, email, "school_admin", r->ip, r->request_id};
    rc = invitation_set_status(m, inv.id, "pending", "accepted", 0, &actor,
                               &err);
    if (rc == 0) {
        reply_err_msg(r, ERR_NOT_FOUND,
                      "Esta invitación ya se usó: el plantel quedó "
                      "registrado. Ingrese desde la dirección web del "
                      "plantel.");
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
            reply_err_field(r, ERR_CONFLICT, field,
                            "Ya existe un plantel con ese código; elija "
                            "otro.");
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
