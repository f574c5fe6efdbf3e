/*
 * The public side of one-time links (links.h), on any school's host:
 *
 * - POST /api/v1/auth/password-reset {"email"}: a forgotten password. The
 *   account the email names on this host (on the master host: the master
 *   school's users, then the platform admins, as sign-in looks them up)
 *   gets a reset link (1 hour) by mail; one still invited gets its
 *   invitation again. The answer is the same 202 whether or not the
 *   email names an account, and both ways cost one write transaction of
 *   the school's store (a link and its mail, or an audit row of the
 *   request), so neither the answer nor its time tells. Limited per email
 *   and per address (auth/reset_limit.c): 429 either way.
 * - GET /api/v1/auth/links/{token}: what the link is for (first password
 *   or reset), whose it is and of which school, or a Spanish error for
 *   each way it cannot be used: unknown, expired, already used, replaced
 *   by a newer one, account disabled, or a link of another school.
 * - POST /api/v1/auth/links/{token} {"password"}: sets the password
 *   (password policy), marks the link used and ends the user's sessions
 *   and API tokens (links.c). It does not sign in: the answer sends the
 *   person to the sign-in page with their email, so the first use of the
 *   new password is an ordinary sign-in.
 *
 * A token names the store it was made for (account_link_tag), so a link
 * is looked up only in this host's stores; one of another school is told
 * apart by finding it in that school's store, and it never works here.
 */
#include <stdlib.h>
#include <string.h>

#include "auth/accounts.h"
#include "auth/links.h"
#include "core/util.h"
#include "http/fields.h"
#include "http/http.h"

static const char reset_answer[] =
    "Si el correo corresponde a una cuenta de este plantel, en unos minutos "
    "recibirá un mensaje con un enlace para elegir una nueva contraseña. El "
    "enlace vale 1 hora. Revise también la carpeta de correo no deseado.";

/* ---- which store a token belongs to ---------------------------------- */

enum link_place { PLACE_HERE, PLACE_ELSEWHERE, PLACE_NOWHERE };

static bool tag_is(const char *token, const char *store_name)
{
    char tag[9];
    account_link_tag(store_name, tag);
    return strncmp(token, tag, 8) == 0;
}

/* Whether the link exists in store `name` (a school code or "master"). */
static int exists_in(struct request *r, const char *name, const char *token,
                     bool *found_r, const char **err)
{
    struct store *s = NULL;
    bool pooled = strcmp(name, "master") != 0;
    *found_r = false;
    if (!pooled) {
        s = &r->p->master;
    } else {
        int prc = pool_acquire(r->p->pool, name, &s, err);
        if (prc == POOL_MISSING)
            return 0;
        if (prc != POOL_OK)
            return -1;
    }
    struct account_link l;
    store_lock(s);
    int rc = account_link_find(s, token, &l, err);
    store_unlock(s);
    if (pooled)
        pool_release(r->p->pool, s);
    *found_r = rc == 0 && l.state != LINK_UNKNOWN;
    return rc;
}

/* The store of this host a token names: PLACE_HERE with *store_r and
 * *platform_r, PLACE_ELSEWHERE (another school's, or the platform's seen
 * on a school host), PLACE_NOWHERE, or -1. */
static int link_place(struct request *r, const char *token,
                      struct store **store_r, bool *platform_r,
                      const char **err)
{
    *platform_r = false;
    if (!account_link_token_ok(token))
        return PLACE_NOWHERE;
    if (tag_is(token, r->tenant.code)) {
        *store_r = r->school;
        return PLACE_HERE;
    }
    if (tag_is(token, "master")) {
        if (r->tenant.is_master) {
            *store_r = &r->p->master;
            *platform_r = true;
            return PLACE_HERE;
        }
        bool found = false;
        if (exists_in(r, "master", token, &found, err) < 0)
            return -1;
        return found ? PLACE_ELSEWHERE : PLACE_NOWHERE;
    }
    struct tenant *list = NULL;
    int n = 0;
    if (tenant_list(r->p, &list, &n, err) < 0)
        return -1;
    int place = PLACE_NOWHERE;
    for (int i = 0; i < n && place == PLACE_NOWHERE; i++) {
        if (!tag_is(token, list[i].code))
            continue;
        bool found = false;
        if (exists_in(r, list[i].code, token, &found, err) < 0) {
            place = -1;
            break;
        }
        if (found)
            place = PLACE_ELSEWHERE;
    }
    free(list);
    return place;
}

/* ---- replies --------------------------------------------------------- */

static void reply_link_error(struct request *r, int place,
                             const struct account_link *l)
{
    bool invitation = strcmp(l->purpose, LINK_INVITATION) == 0;
    if (place == PLACE_ELSEWHERE) {
        reply_err(r, ERR_LINK_OTHER_SCHOOL);
        return;
    }
    switch (l->state) {
    case LINK_EXPIRED:
        reply_err_msg(r, ERR_LINK_EXPIRED,
                      invitation
                          ? "La invitación venció (valía 7 días). Pida a la "
                            "dirección del plantel que se la envíe de nuevo."
                          : "El enlace para cambiar la contraseña venció "
                            "(valía 1 hora). Pida otro desde «¿Olvidó su "
                            "contraseña?» en la página de entrada.");
        return;
    case LINK_USED:
        reply_err_msg(r, ERR_LINK_USED,
                      invitation
                          ? "Esta invitación ya se usó: su contraseña ya "
                            "está elegida. Entre con su correo y contraseña; "
                            "si no la recuerda, use «¿Olvidó su contraseña?»."
                          : "Este enlace ya se usó. Si necesita cambiar la "
                            "contraseña otra vez, pida un enlace nuevo desde "
                            "«¿Olvidó su contraseña?».");
        return;
    case LINK_REPLACED:
        reply_err(r, ERR_LINK_REPLACED);
        return;
    case LINK_DISABLED:
        reply_err(r, ERR_LINK_DISABLED);
        return;
    default:
        reply_err(r, ERR_LINK_UNKNOWN);
    }
}

/* Looks the token up on this host; replies and returns false when it
 * cannot be used. */
static bool link_usable(struct request *r, const char *token,
                        struct store **store_r, bool *platform_r,
                        struct account_link *l)
{
    const char *err = NULL;
    memset(l, 0, sizeof *l);
    l->state = LINK_UNKNOWN;
    int place = link_place(r, token, store_r, platform_r, &err);
    if (place < 0) {
        reply_store_error(r, err);
        return false;
    }
    if (place == PLACE_HERE) {
        store_lock(*store_r);
        int rc = account_link_find(*store_r, token, l, &err);
        store_unlock(*store_r);
        if (rc < 0) {
            reply_store_error(r, err);
            return false;
        }
    }
    if (place != PLACE_HERE || l->state != LINK_VALID) {
        reply_link_error(r, place, l);
        return false;
    }
    return true;
}

static json_t *link_json(struct request *r, const struct account_link *l,
                         bool platform)
{
    return json_pack("{s:s,s:s,s:s,s:s,s:b,s:{s:s},s:i}", "purpose",
                     l->purpose, "name", l->name, "email", l->email,
                     "role_label", role_label(l->role), "platform", platform,
                     "school", "name", r->tenant.name, "password_min",
                     PASSWORD_MIN);
}

void h_link_get(struct request *r)
{
    struct store *s = NULL;
    bool platform = false;
    struct account_link l;
    if (!link_usable(r, r->params[0], &s, &platform, &l))
        return;
    reply_json(r, 200, link_json(r, &l, platform));
}

void h_link_use(struct request *r)
{
    char password[PASSWORD_MAX + 1];
    const struct field f[] = {
        {.key = "password", .type = FIELD_PASSWORD, .required = true,
         .max_len = PASSWORD_MAX,
         .message = "Indique la contraseña nueva (al menos 10 caracteres).",
         .check = request_check_password, .text = password,
         .text_size = sizeof password},
    };
    struct store *s = NULL;
    bool platform = false;
    struct account_link l;
    /* an unusable link is said first: no password to fix for a dead link */
    if (!link_usable(r, r->params[0], &s, &platform, &l))
        return;
    if (fields_read(r, r->json, f, 1) < 0)
        return;
    char hash[PASSWORD_HASH_MAX];
    if (password_hash(password, hash) != 0) {
        reply_internal(r, "password hashing failed (out of memory?)");
        return;
    }
    const char *err = NULL;
    if (store_begin(s, &err) < 0) {
        reply_store_error(r, err);
        return;
    }
    int rc = account_link_use(s, r->params[0], hash, r->ip, r->request_id,
                              &l, &err);
    if (rc == 0 && l.state == LINK_VALID && platform)
        rc = auth_cancel_support_tickets(s, l.user_id, &err);
    if (store_end(s, rc == 0 && l.state == LINK_VALID, &err) < 0 || rc < 0) {
        reply_store_error(r, err);
        return;
    }
    if (l.state != LINK_VALID) { /* used meanwhile by another request */
        reply_link_error(r, PLACE_HERE, &l);
        return;
    }
    if (platform && user_end_support_sessions(r->p, l.email, &err) < 0)
        log_msg(LOG_WARN, "support sessions of %s not ended: %s", l.email,
                err ? err : "?");
    reply_json(r, 200,
               json_pack("{s:b,s:s,s:s,s:s}", "ok", 1, "purpose", l.purpose,
                         "email", l.email, "next", "signin"));
}

void h_password_reset(struct request *r)
{
    char email[255];
    const struct field f[] = {
        {.key = "email", .type = FIELD_EMAIL, .required = true,
         .max_len = 254, .message = "Indique su correo electrónico.",
         .text = email, .text_size = sizeof email},
    };
    if (fields_read(r, r->json, f, 1) < 0)
        return;
    if (!reset_limit_allow(r->ip, email)) {
        reply_err_msg(r, ERR_TOO_MANY_ATTEMPTS,
                      "Se pidieron demasiados enlaces para cambiar la "
                      "contraseña. Espere una hora e intente de nuevo.");
        return;
    }
    /* where sign-in would find the account: this school, then (master
     * host) the platform admins */
    struct store *stores[2] = {r->school,
                               r->tenant.is_master ? &r->p->master : NULL};
    const char *err = NULL;
    int64_t id = 0;
    bool usable = false;
    struct store *store = NULL;
    char name[256];
    for (int i = 0; i < 2 && stores[i] && !store; i++) {
        store_lock(stores[i]);
        int rc = account_find_by_email(stores[i], email, &id, name,
                                       sizeof name, &usable, &err);
        store_unlock(stores[i]);
        if (rc < 0) {
            reply_store_error(r, err);
            return;
        }
        if (rc == 1)
            store = stores[i];
    }
    if (store && usable) {
        bool platform = store == &r->p->master;
        struct actor actor = {id, email, "", r->ip, r->request_id};
        char base[400];
        request_link(r, platform ? NULL : &r->tenant, "", base, sizeof base);
        const char *msg = NULL;
        int rc = account_send_link(store, platform ? NULL : &r->tenant, id,
                                   LINK_RESET, base, &actor, &msg, &err);
        if (rc == ACCOUNT_INVALID) /* still invited: the invitation again */
            rc = account_send_link(store, platform ? NULL : &r->tenant, id,
                                   LINK_INVITATION, base, &actor, &msg, &err);
        if (rc < 0) {
            reply_store_error(r, err);
            return;
        }
    } else {
        /* the same cost as the other way: a write of the school's store */
        struct actor nobody = {0, email, "", r->ip, r->request_id};
        json_t *why = json_pack("{s:s}", "reason",
                                store ? "disabled" : "unknown_email");
        struct audit_entry e = {"password_reset_refused", "user", NULL, NULL,
                                why};
        int rc = store_begin(r->school, &err);
        if (rc == 0) {
            rc = audit_write(r->school, &nobody, &e, &err);
            if (store_end(r->school, rc == 0, &err) < 0)
                rc = -1;
        }
        json_decref(why);
        if (rc < 0) {
            reply_store_error(r, err);
            return;
        }
    }
    reply_json(r, 202, json_pack("{s:s}", "message", reset_answer));
}
