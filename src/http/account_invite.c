/*
 * Inviting people and mailing them one-time links (links.h): the steps
 * that need more than one layer. account_invite() checks the person,
 * makes sure the email names no account in the other half of the master
 * host (platform/users.c), writes the account and its invitation link
 * (account_invite_write(), auth/links.c) and queues the
 * `account_invitation` mail (mail_enqueue) in one transaction of the
 * account's store. account_send_link() does the same for an existing
 * account: a new invitation (resend) or a password reset link. Links are
 * built on the caller's base URL (request_link: the configured public
 * URL), never on a request's Host header. Every caller (the users API,
 * the platform admins API, the forgotten-password form, parents from the
 * Matrícula, a new school's first admin) goes through here.
 */
#include <stdio.h>
#include <string.h>

#include "auth/accounts.h"
#include "auth/links.h"
#include "core/util.h"
#include "http/http.h"
#include "mail/mail.h"

#define INVITATION_EXPIRES_IN "7 días"
#define RESET_EXPIRES_IN "1 hora"

/* Queues the mail of a link inside the caller's transaction. */
static int queue_link_mail(struct store *store, const struct tenant *t,
                           const char *purpose, int64_t user_id,
                           const char *email, const char *name,
                           const char *role, const char *token,
                           const char *base_url, const char **error_r)
{
    char link[600], idstr[24];
    snprintf(link, sizeof link, "%s%s%s", base_url, LINK_PATH, token);
    snprintf(idstr, sizeof idstr, "%lld", (long long)user_id);
    bool invitation = strcmp(purpose, LINK_INVITATION) == 0;
    json_t *vars = json_pack(
        "{s:s,s:s,s:s,s:s,s:s}", "name", name, "role_label",
        role_label(role), "link", link, "expires_in",
        invitation ? INVITATION_EXPIRES_IN : RESET_EXPIRES_IN, "base_url",
        base_url);
    int64_t mail_id = 0;
    int rc = mail_enqueue(store, t,
                          invitation ? "account_invitation" : "password_reset",
                          email, name, vars, "user", idstr, &mail_id, error_r);
    json_decref(vars);
    return rc;
}

int account_invite(struct platform *p, struct store *store,
                   const struct tenant *t, bool platform_admin,
                   const char *email_in, const char *name, const char *role,
                   const char *cargo, const char *base_url,
                   const struct actor *actor, int64_t *user_id_r,
                   const char **message_r, const char **field_r,
                   const char **error_r)
{
    char email[256];
    const char *msg;
    if (strlen(email_in) >= sizeof email) {
        *message_r = "El correo electrónico no es válido.";
        *field_r = "email";
        return TENANT_INVALID;
    }
    str_copy(email, sizeof email, email_in);
    str_lower(email);
    if ((msg = email_check(email)) != NULL) {
        *message_r = msg;
        *field_r = "email";
        return TENANT_INVALID;
    }
    size_t nlen = strlen(name);
    if (nlen == 0 || nlen > 200 || !str_is_utf8(name, nlen)) {
        *message_r = "El nombre es obligatorio (máximo 200 caracteres).";
        *field_r = "name";
        return TENANT_INVALID;
    }
    if (platform_admin ? strcmp(role, "platform_admin") != 0
                       : !role_is_school_role(role)) {
        *message_r = "El rol no es válido.";
        *field_r = "role";
        return TENANT_INVALID;
    }
    if (cargo && (strlen(cargo) > 60 || !str_is_utf8(cargo, strlen(cargo)))) {
        *message_r = "El cargo admite hasta 60 caracteres.";
        *field_r = "cargo";
        return TENANT_INVALID;
    }
    bool taken = false;
    if (user_email_elsewhere(p, platform_admin, t && t->is_master, email,
                             &taken, error_r) < 0)
        return TENANT_ERROR;
    if (taken) {
        *message_r = "Ya existe una cuenta con ese correo en este plantel.";
        *field_r = "email";
        return TENANT_EXISTS;
    }
    if (store_begin(store, error_r) < 0)
        return TENANT_ERROR;
    char token[65];
    int64_t id = 0;
    int rc = account_invite_write(store, email, name, role, cargo, actor, &id,
                                  token, error_r);
    if (rc == 1) {
        store_end(store, false, NULL);
        *message_r = "Ya existe una cuenta con ese correo.";
        *field_r = "email";
        return TENANT_EXISTS;
    }
    if (rc == 0)
        rc = queue_link_mail(store, platform_admin ? NULL : t,
                             LINK_INVITATION, id, email, name, role, token,
                             base_url, error_r);
    if (store_end(store, rc == 0, error_r) < 0 || rc < 0)
        return TENANT_ERROR;
    mail_notify(store->name);
    if (user_id_r)
        *user_id_r = id;
    return TENANT_OK;
}

int account_send_link(struct store *store, const struct tenant *t,
                      int64_t user_id, const char *purpose,
                      const char *base_url, const struct actor *actor,
                      const char **message_r, const char **error_r)
{
    bool invitation = strcmp(purpose, LINK_INVITATION) == 0;
    if (store_begin(store, error_r) < 0)
        return -1;
    json_t *u = NULL;
    int rc = account_get(store, user_id, NULL, &u, error_r);
    if (rc <= 0) {
        store_end(store, false, NULL);
        return rc < 0 ? -1 : ACCOUNT_NOT_FOUND;
    }
    const char *state = json_str(u, "state");
    const char *why = NULL;
    if (strcmp(state, "disabled") == 0)
        why = "La cuenta está desactivada: actívela antes de enviarle un "
              "enlace.";
    else if (invitation && strcmp(state, "invited") != 0)
        why = "Esta persona ya eligió su contraseña: envíele un enlace para "
              "cambiarla.";
    else if (!invitation && strcmp(state, "invited") == 0)
        why = "Esta persona aún no eligió su contraseña: reenvíele la "
              "invitación.";
    if (why) {
        json_decref(u);
        store_end(store, false, NULL);
        *message_r = why;
        return ACCOUNT_INVALID;
    }
    char token[65], idstr[24];
    rc = account_link_create(store, user_id, purpose, actor, token, error_r);
    if (rc == 0)
        rc = queue_link_mail(store, t, purpose, user_id, json_str(u, "email"),
                             json_str(u, "name"), json_str(u, "role"), token,
                             base_url, error_r);
    if (rc == 0) {
        snprintf(idstr, sizeof idstr, "%lld", (long long)user_id);
        json_t *after = json_pack("{s:s}", "purpose", purpose);
        struct audit_entry e = {"send_link", "user", idstr, NULL, after};
        rc = audit_write(store, actor, &e, error_r);
        json_decref(after);
    }
    json_decref(u);
    if (store_end(store, rc == 0, error_r) < 0 || rc < 0)
        return -1;
    mail_notify(store->name);
    return ACCOUNT_OK;
}
