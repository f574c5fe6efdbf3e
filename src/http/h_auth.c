/*
 * Sign-in, sign-out, the signed-in user, and entering a guest school with a
 * support-access ticket. Sign-in never reveals whether an email exists: an
 * unknown email costs the same Argon2id time, counts toward the same
 * lockout and gets the same message as a wrong password. Every refusal,
 * including those of the per-address limit and of support tickets, leaves
 * an audit row. Signing out with an API token ends nothing and says so
 * (409): a token lasts until it is revoked.
 */
#include <string.h>

#include "core/util.h"
#include "http/fields.h"
#include "http/http.h"
#include "platform/support.h"

static const char bad_credentials[] = "Correo o contraseña incorrectos.";
static const char locked_message[] =
    "Demasiados intentos fallidos. Por seguridad, espere 15 minutos e "
    "intente de nuevo.";

void h_healthz(struct request *r)
{
    reply_json(r, 200, json_pack("{s:s}", "status", "ok"));
}

static void set_session_cookie(struct request *r, const char *token,
                               int max_age)
{
    snprintf(r->cookie, sizeof r->cookie,
             "bis_session=%s; Path=/; HttpOnly; SameSite=Lax; Max-Age=%d%s",
             token, max_age, r->secure ? "; Secure" : "");
}

struct account {
    struct store *store;
    enum principal_kind kind;
    int64_t id;
    char hash[PASSWORD_HASH_MAX];
    char role[32];
};

/* Finds the account an email names on this host: 1 found, 0 not, -1 error. */
static int find_account(struct request *r, const char *email,
                        struct account *a, const char **err)
{
    struct store *stores[2] = {r->school, r->tenant.is_master ? &r->p->master
                                                              : NULL};
    enum principal_kind kinds[2] = {PRINCIPAL_SCHOOL, PRINCIPAL_PLATFORM};
    for (int i = 0; i < 2 && stores[i]; i++) {
        store_lock(stores[i]);
        int rc = user_find_for_signin(stores[i], email, &a->id, a->hash,
                                      a->role, err);
        store_unlock(stores[i]);
        if (rc < 0)
            return -1;
        if (rc == 1) {
            a->store = stores[i];
            a->kind = kinds[i];
            return 1;
        }
    }
    return 0;
}

/*
 * Counts a failed sign-in (or support-ticket redemption) against the
 * client's address, in memory and in the master store so that a restart
 * does not lift the limit. Runs after the caller's transaction (lock order:
 * master is never taken while a school's store is held).
 */
static void note_address_failure(struct request *r)
{
    ip_throttle_failure(r->ip);
    const char *err = NULL;
    struct store *m = &r->p->master;
    if (store_begin(m, &err) == 0) {
        int rc = ip_throttle_persist(m, r->ip, &err);
        if (store_end(m, rc == 0, &err) == 0 && rc == 0)
            return;
    }
    log_msg(LOG_WARN, "sign-in limit of %s not persisted: %s", r->ip,
            err ? err : "?");
}

void h_login(struct request *r)
{
    char email[255], password[PASSWORD_MAX + 1];
    const struct field f[] = {
        {.key = "email", .required = true, .max_len = 254,
         .message = "Indique su correo electrónico.", .text = email,
         .text_size = sizeof email},
        {.key = "password", .type = FIELD_PASSWORD, .required = true,
         .max_len = PASSWORD_MAX, .message = "Indique su contraseña.",
         .text = password, .text_size = sizeof password},
    };
    if (fields_read(r, r->json, f, sizeof f / sizeof f[0]) < 0)
        return;
    /* Over its limit an address still signs in with a right password (a
     * whole school may share it); a wrong one locks the email at once. */
    bool address_over = ip_throttle_blocked(r->ip);
    str_lower(email);

    const char *err = NULL;
    struct account a = {0};
    int found = find_account(r, email, &a, &err);
    if (found < 0) {
        reply_store_error(r, err);
        return;
    }
    /* Failures and lockouts are kept where the account would live. */
    struct store *store = found ? a.store : r->school;
    store_lock(store);
    bool locked = login_is_locked(store, email);
    store_unlock(store);

    bool ok;
    if (found)
        ok = password_verify(a.hash, password);
    else {
        password_verify_dummy(password);
        ok = false;
    }

    struct actor actor = {found ? a.id : 0, email, found ? a.role : "",
                          r->ip, r->request_id};
    if (locked || !ok) {
        if (store_begin(store, &err) < 0) {
            reply_store_error(r, err);
            return;
        }
        int rc = locked         ? 0
                 : address_over ? login_lock_now(store, email, &err)
                                : login_record_failure(store, email, &err);
        json_t *detail = json_pack(
            "{s:s}", "reason",
            locked         ? "locked"
            : address_over ? "address_limit"
                           : (found ? "wrong_password" : "unknown_email"));
        struct audit_entry e = {"login_failed", "session", NULL, NULL, detail};
        if (rc == 0)
            rc = audit_write(store, &actor, &e, &err);
        json_decref(detail);
        if (store_end(store, rc == 0, &err) < 0 || rc < 0) {
            reply_store_error(r, err);
            return;
        }
        note_address_failure(r);
        /* The failure that sets the lock still reads as a plain failure;
         * every attempt after it, right password or not, is refused. */
        if (locked || address_over)
            reply_err_msg(r, ERR_TOO_MANY_ATTEMPTS, locked_message);
        else
            reply_err_msg(r, ERR_INVALID_CREDENTIALS, bad_credentials);
        return;
    }

    char token[80], csrf[65];
    if (store_begin(store, &err) < 0) {
        reply_store_error(r, err);
        return;
    }
    int rc = login_clear_failures(store, email, &err);
    if (rc == 0)
        rc = session_create(store, a.kind, a.id, a.role, NULL, r->ip,
                            request_header(r, "User-Agent"), &r->cfg->session,
                            token, csrf, &err);
    if (rc == 0) {
        struct audit_entry e = {"login", "session", NULL, NULL, NULL};
        rc = audit_write(store, &actor, &e, &err);
    }
    if (rc == 0) {
        r->who.kind = a.kind;
        rc = user_load(store, a.kind, a.id, &r->who, &err) == 1 ? 0 : -1;
    }
    if (store_end(store, rc == 0, &err) < 0 || rc < 0) {
        reply_store_error(r, err);
        return;
    }
    set_session_cookie(r, token, r->cfg->session.max_seconds);
    reply_json(r, 200,
               json_pack("{s:o,s:s}", "user", principal_to_json(r),
                         "csrf_token", csrf));
}

/*
 * The signed-in user: the hottest read of all (every page load asks), so
 * its reply is written directly instead of through a JSON tree. Same shape
 * as principal_to_json().
 */
void h_me(struct request *r)
{
    struct strbuf sb;
    strbuf_init(&sb);
    strbuf_addf(&sb, "{\"user\":{\"id\":%lld,\"email\":",
                (long long)r->who.user_id);
    strbuf_add_json_string(&sb, r->who.email);
    strbuf_adds(&sb, ",\"name\":");
    strbuf_add_json_string(&sb, r->who.name);
    strbuf_adds(&sb, ",\"role\":");
    strbuf_add_json_string(&sb, r->who.role);
    strbuf_adds(&sb, ",\"role_label\":");
    strbuf_add_json_string(&sb, role_label(r->who.role));
    strbuf_adds(&sb, ",\"school\":{\"code\":");
    strbuf_add_json_string(&sb, r->tenant.code);
    strbuf_adds(&sb, ",\"name\":");
    strbuf_add_json_string(&sb, r->tenant.name);
    strbuf_addf(&sb, "},\"support\":%s},\"csrf_token\":",
                r->who.support ? "true" : "false");
    strbuf_add_json_string(&sb, r->who.csrf_token);
    strbuf_adds(&sb, "}");
    reply_json_text(r, 200, &sb);
}

void h_logout(struct request *r)
{
    if (r->who.via_token) {
        /* A token is no session: signing out cannot end it. Say so rather
         * than answer 200 while it stays valid. */
        reply_err_msg(r, ERR_TOKEN_NOT_ENDED,
                      "Un token de API no se cierra al salir: sigue siendo "
                      "válido hasta que se revoque (DELETE "
                      "/api/v1/auth/tokens/{id}).");
        return;
    }
    const char *err = NULL;
    struct actor actor;
    request_actor(r, &actor);
    if (store_begin(r->who_store, &err) < 0) {
        reply_store_error(r, err);
        return;
    }
    int rc = session_delete(r->who_store, r->who.session_hash, &err);
    struct audit_entry e = {"logout", "session", NULL, NULL, NULL};
    if (rc == 0)
        rc = audit_write(r->who_store, &actor, &e, &err);
    if (store_end(r->who_store, rc == 0, &err) < 0 || rc < 0) {
        reply_store_error(r, err);
        return;
    }
    set_session_cookie(r, "", 0);
    reply_json(r, 200, json_pack("{s:b}", "ok", 1));
}

/*
 * Audits a refused support ticket in the master store (where support
 * access is audited), inside the caller's transaction, which it ends.
 */
static int support_refused(struct request *r, const char *reason,
                           const char **err)
{
    struct store *m = &r->p->master;
    struct actor nobody = {0, "", "", r->ip, r->request_id};
    json_t *why = json_pack("{s:s,s:s}", "school", r->tenant.code, "reason",
                            reason);
    struct audit_entry e = {"support_access_failed", "tenant",
                            r->tenant.code, NULL, why};
    int rc = audit_write(m, &nobody, &e, err);
    json_decref(why);
    if (store_end(m, rc == 0, err) < 0 || rc < 0)
        return -1;
    return 0;
}

/*
 * A platform admin's support ticket (made on the master host) opens a
 * school_admin session in this guest school, once. Audited here and in the
 * master store.
 */
void h_support_login(struct request *r)
{
    char token[129];
    const struct field f[] = {
        {.key = "token", .required = true, .max_len = 128,
         .message = "Indique el código de acceso de soporte.", .text = token,
         .text_size = sizeof token},
    };
    if (fields_read(r, r->json, f, 1) < 0)
        return;
    bool address_over = ip_throttle_blocked(r->ip);
    char hash[65];
    sha256_hex(token, hash);
    const char *err = NULL;
    struct store *m = &r->p->master;
    if (store_begin(m, &err) < 0) {
        reply_store_error(r, err);
        return;
    }
    if (address_over) {
        /* refused unread, but audited like any refused ticket */
        if (support_refused(r, "address_limit", &err) < 0) {
            reply_store_error(r, err);
            return;
        }
        reply_err_msg(r, ERR_TOO_MANY_ATTEMPTS, locked_message);
        return;
    }
    int64_t admin_id = 0;
    char admin_email[256] = "", reason[512] = "";
    int rc = support_ticket_redeem(m, hash, r->tenant.id, &admin_id,
                                   admin_email, sizeof admin_email, reason,
                                   sizeof reason, &err);
    if (rc < 0) {
        store_end(m, false, NULL);
        reply_store_error(r, err);
        return;
    }
    if (rc == 0) {
        /* A refused ticket counts against the address like a failed
         * sign-in. */
        if (support_refused(r, "invalid_used_or_expired", &err) < 0) {
            reply_store_error(r, err);
            return;
        }
        note_address_failure(r);
        reply_err_msg(r, ERR_UNAUTHENTICATED,
                      "El acceso de soporte no es válido, ya se usó o "
                      "expiró.");
        return;
    }
    struct actor actor = {admin_id, admin_email, "platform_admin", r->ip,
                          r->request_id};
    json_t *detail = json_pack("{s:s,s:s}", "school", r->tenant.code,
                               "reason", reason);
    struct audit_entry e = {"support_access", "tenant", r->tenant.code, NULL,
                            detail};
    rc = audit_write(m, &actor, &e, &err);
    /*
     * The ticket is spent (and audited) first, then the school's session
     * is made: one store at a time, so two requests can never each hold a
     * pooled connection while waiting for another.
     */
    if (store_end(m, rc == 0, &err) < 0 || rc < 0) {
        json_decref(detail);
        reply_store_error(r, err);
        return;
    }
    char stoken[80], csrf[65];
    if (store_begin(r->school, &err) == 0) {
        struct actor school_actor = {0, admin_email, "platform_admin", r->ip,
                                     r->request_id};
        rc = session_create(r->school, PRINCIPAL_SCHOOL, 0, "school_admin",
                            admin_email, r->ip,
                            request_header(r, "User-Agent"), &r->cfg->session,
                            stoken, csrf, &err);
        if (rc == 0)
            rc = audit_write(r->school, &school_actor, &e, &err);
        if (store_end(r->school, rc == 0, &err) < 0)
            rc = -1;
    } else {
        rc = -1;
    }
    json_decref(detail);
    if (rc < 0) {
        reply_store_error(r, err);
        return;
    }
    set_session_cookie(r, stoken, r->cfg->session.max_seconds);
    r->who.kind = PRINCIPAL_SCHOOL;
    r->who.support = true;
    str_copy(r->who.email, sizeof r->who.email, admin_email);
    str_copy(r->who.name, sizeof r->who.name, "Soporte de la plataforma");
    str_copy(r->who.role, sizeof r->who.role, "school_admin");
    reply_json(r, 200,
               json_pack("{s:o,s:s}", "user", principal_to_json(r),
                         "csrf_token", csrf));
}
