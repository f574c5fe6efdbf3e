/*
 * Invitations: the platform admin invites a school (name and contact
 * email) and hands its contact a one-time link; the contact opens it on the
 * master host, fills in the school's profile and its first administrator,
 * and the school is created: its store, its row, its profile and its
 * school_admin, each step audited. The link works once, for 14 days.
 *
 * Sending the link by email is not built yet: the platform admin copies it
 * from the reply (the web app shows it).
 */
#include <string.h>

#include "core/util.h"
#include "http/http.h"

#define INVITATION_DAYS 14

static void invitation_url(struct request *r, const char *token, char *out,
                           size_t n)
{
    const char *h = request_header(r, "Host");
    const char *port = h ? strrchr(h, ':') : NULL;
    snprintf(out, n, "%s://bischeduler.%s%s/invitacion#%s",
             r->secure ? "https" : "http", r->p->base_domain,
             port ? port : "", token);
}

void h_invitations_list(struct request *r)
{
    const char *err = NULL;
    struct store *m = &r->p->master;
    char now[21];
    time_format_utc(time_now(), now);
    store_lock(m);
    struct db_stmt *st = db_query(
        m->conn, &err,
        "SELECT i.id, i.school_name, i.contact_email, CASE WHEN i.status ="
        " 'pending' AND i.expires_at <= ? THEN 'expired' ELSE i.status END,"
        " i.expires_at, i.created_at, t.subdomain FROM tenant_invitations i"
        " LEFT JOIN tenants t ON t.id = i.tenant_id ORDER BY i.id DESC"
        " LIMIT 500",
        "t", now);
    json_t *items = json_array();
    int rc = st ? DB_ROW : DB_ERROR;
    while (st && (rc = db_step(st, &err)) == DB_ROW)
        json_array_append_new(
            items,
            json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s?}", "id",
                      (json_int_t)db_int(st, 0), "school_name", db_text(st, 1),
                      "contact_email", db_text(st, 2), "status",
                      db_text(st, 3), "expires_at", db_text(st, 4),
                      "created_at", db_text(st, 5), "school",
                      db_text_or_null(st, 6)));
    db_finish(&st);
    store_unlock(m);
    if (rc < 0) {
        json_decref(items);
        reply_store_error(r, err);
        return;
    }
    reply_json(r, 200, json_pack("{s:o,s:n}", "items", items, "next_cursor"));
}

void h_invitations_create(struct request *r)
{
    const char *school = json_str(r->json, "school_name");
    const char *email_in = json_str(r->json, "contact_email");
    if (school == NULL || strlen(school) == 0 || strlen(school) > 200) {
        reply_invalid(r, "school_name",
                      "Indique el nombre de la escuela (máximo 200 "
                      "caracteres).");
        return;
    }
    char email[256];
    str_copy(email, sizeof email, email_in ? email_in : "");
    str_lower(email);
    if (email_in == NULL || strlen(email_in) > 254 || email_check(email)) {
        reply_invalid(r, "contact_email",
                      "El correo de contacto no es válido.");
        return;
    }
    char token[65], hash[65], now[21], expires[21], url[512];
    random_hex(token, 32);
    sha256_hex(token, hash);
    time_format_utc(time_now(), now);
    time_format_utc(time_now() + INVITATION_DAYS * 86400, expires);
    struct actor actor;
    request_actor(r, &actor);
    const char *err = NULL;
    struct store *m = &r->p->master;
    if (store_begin(m, &err) < 0) {
        reply_store_error(r, err);
        return;
    }
    int64_t id = 0;
    int rc = db_query_int(m->conn, &err, &id,
                          "INSERT INTO tenant_invitations (token_hash,"
                          " school_name, contact_email, invited_by, expires_at,"
                          " created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                          "tttitt", hash, school, email, r->who.user_id,
                          expires, now);
    char idstr[24];
    snprintf(idstr, sizeof idstr, "%lld", (long long)id);
    json_t *after = json_pack("{s:s,s:s,s:s}", "school_name", school,
                              "contact_email", email, "expires_at", expires);
    struct audit_entry e = {"create", "invitation", idstr, NULL, after};
    if (rc == 0)
        rc = audit_write(m, &actor, &e, &err);
    json_decref(after);
    if (store_end(m, rc == 0, &err) < 0 || rc < 0) {
        reply_store_error(r, err);
        return;
    }
    invitation_url(r, token, url, sizeof url);
    reply_json(r, 201,
               json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s}", "id", (json_int_t)id,
                         "school_name", school, "contact_email", email,
                         "status", "pending", "expires_at", expires, "token",
                         token, "url", url));
}

struct invitation {
    int64_t id;
    char school_name[256];
    char contact_email[256];
    char expires_at[21];
};

/* A pending, unexpired invitation by token: 1 found, 0 not, -1 error. */
static int find_pending(struct store *m, const char *token,
                        struct invitation *inv, const char **err)
{
    if (strlen(token) != 64)
        return 0;
    char hash[65], now[21];
    sha256_hex(token, hash);
    time_format_utc(time_now(), now);
    struct db_stmt *st = db_query(
        m->conn, err,
        "SELECT id, school_name, contact_email, expires_at FROM"
        " tenant_invitations WHERE token_hash = ? AND status = 'pending'"
        " AND expires_at > ?",
        "tt", hash, now);
    if (st == NULL)
        return -1;
    int rc = db_step(st, err);
    if (rc == DB_ROW) {
        inv->id = db_int(st, 0);
        str_copy(inv->school_name, sizeof inv->school_name, db_text(st, 1));
        str_copy(inv->contact_email, sizeof inv->contact_email,
                 db_text(st, 2));
        str_copy(inv->expires_at, sizeof inv->expires_at, db_text(st, 3));
        rc = 1;
    }
    db_finish(&st);
    return rc < 0 ? -1 : rc;
}

static const char invitation_gone[] =
    "La invitación no existe, ya se usó o venció. Pida una nueva a la "
    "plataforma.";

void h_invitation_get(struct request *r)
{
    struct invitation inv;
    const char *err = NULL;
    store_lock(&r->p->master);
    int rc = find_pending(&r->p->master, r->params[0], &inv, &err);
    store_unlock(&r->p->master);
    if (rc < 0) {
        reply_store_error(r, err);
        return;
    }
    if (rc == 0) {
        reply_error(r, 404, "not_found", invitation_gone);
        return;
    }
    reply_json(r, 200,
               json_pack("{s:s,s:s,s:s,s:s}", "school_name", inv.school_name,
                         "contact_email", inv.contact_email, "status",
                         "pending", "expires_at", inv.expires_at));
}

/*
 * Moves the invitation from one status to another; 1 if it changed. An
 * acceptance claims it first (accepted, no school yet) so a second
 * acceptance finds it taken, then records the new school (with the audit
 * row), or gives it back (pending) if the school could not be created.
 */
static int set_invitation(struct store *m, int64_t id, const char *from,
                          const char *to, int64_t tenant_id,
                          const struct actor *actor, const char **err)
{
    char now[21];
    time_format_utc(time_now(), now);
    if (store_begin(m, err) < 0)
        return -1;
    int rc = tenant_id
                 ? db_run(m->conn, err,
                          "UPDATE tenant_invitations SET status = ?,"
                          " accepted_at = ?, tenant_id = ? WHERE id = ? AND"
                          " status = ? AND tenant_id IS NULL",
                          "ttiit", to, now, tenant_id, id, from)
                 : db_run(m->conn, err,
                          "UPDATE tenant_invitations SET status = ?,"
                          " accepted_at = ? WHERE id = ? AND status = ? AND"
                          " tenant_id IS NULL",
                          "ttit", to,
                          strcmp(to, "accepted") == 0 ? now : NULL, id, from);
    int changed = rc == 0 ? db_changes(m->conn) : 0;
    if (rc == 0 && changed && strcmp(to, "accepted") == 0 && tenant_id) {
        char idstr[24];
        snprintf(idstr, sizeof idstr, "%lld", (long long)id);
        json_t *after = json_pack("{s:s}", "status", "accepted");
        struct audit_entry e = {"accept", "invitation", idstr, NULL, after};
        rc = audit_write(m, actor, &e, err);
        json_decref(after);
    }
    if (store_end(m, rc == 0, err) < 0 || rc < 0)
        return -1;
    return changed;
}

void h_invitation_accept(struct request *r)
{
    /* Everything is checked before anything is created. */
    const char *code = json_str(r->json, "code");
    if (code == NULL || tenant_code_check(code) != NULL) {
        reply_invalid(r, "code", code ? tenant_code_check(code)
                                      : "Indique el código de la escuela.");
        return;
    }
    static const char *const rename[] = {SETTING_NAME, "name", NULL};
    static const char *const required[] = {
        SETTING_NAME, "rif", "dea_code", "state", "municipality", "address",
        "phone", NULL};
    struct setting_update profile[SETTINGS_MAX];
    int np = 0;
    if (settings_parse(r, r->json, rename, required, profile, &np) < 0)
        return;
    const char *admin_name = json_str(r->json, "admin_name");
    const char *admin_email = json_str(r->json, "admin_email");
    const char *admin_password = json_str(r->json, "admin_password");
    if (admin_name == NULL || strlen(admin_name) == 0 ||
        strlen(admin_name) > 200) {
        reply_invalid(r, "admin_name",
                      "Indique el nombre del administrador (máximo 200 "
                      "caracteres).");
        return;
    }
    char email[256] = "";
    if (admin_email && strlen(admin_email) < sizeof email)
        str_copy(email, sizeof email, admin_email);
    str_lower(email);
    const char *msg = email_check(email);
    if (msg) {
        reply_invalid(r, "admin_email", msg);
        return;
    }
    msg = admin_password ? password_check_policy(admin_password)
                         : "Indique una contraseña.";
    if (msg) {
        reply_invalid(r, "admin_password", msg);
        return;
    }
    const char *name = NULL;
    for (int i = 0; i < np; i++)
        if (strcmp(profile[i].key, SETTING_NAME) == 0)
            name = profile[i].value;

    /* Claim the invitation first: a second acceptance finds it taken. */
    struct store *m = &r->p->master;
    struct invitation inv;
    const char *err = NULL;
    store_lock(m);
    int rc = find_pending(m, r->params[0], &inv, &err);
    store_unlock(m);
    if (rc < 0) {
        reply_store_error(r, err);
        return;
    }
    struct actor actor = {0, email, "school_admin", r->ip, r->request_id};
    if (rc == 0 ||
        (rc = set_invitation(m, inv.id, "pending", "accepted", 0, &actor,
                             &err)) == 0) {
        reply_error(r, 404, "not_found", invitation_gone);
        return;
    }
    if (rc < 0) {
        reply_store_error(r, err);
        return;
    }
    struct tenant t;
    const char *field = NULL;
    msg = NULL;
    rc = tenant_create(r->p, code, name, &actor, &t, &msg, &field, &err);
    if (rc != TENANT_OK) {
        set_invitation(m, inv.id, "accepted", "pending", 0, &actor, NULL);
        if (rc == TENANT_EXISTS)
            reply_json(r, 409,
                       json_pack("{s:{s:s,s:s,s:s}}", "error", "code",
                                 "conflict", "message", msg, "field", field));
        else if (rc == TENANT_INVALID)
            reply_invalid(r, field, msg);
        else
            reply_store_error(r, err);
        return;
    }
    /* The new school's profile and first administrator, in its store. */
    struct store *s;
    rc = pool_acquire(r->p->pool, t.code, &s, &err) == POOL_OK ? 0 : -1;
    if (rc == 0) {
        if (store_begin(s, &err) == 0) {
            rc = settings_write(s, profile, np, &err);
            json_t *after = settings_json(s, &t);
            struct audit_entry e = {"update", "settings", NULL, NULL, after};
            if (rc == 0)
                rc = audit_write(s, &actor, &e, &err);
            json_decref(after);
            if (store_end(s, rc == 0, &err) < 0)
                rc = -1;
        } else {
            rc = -1;
        }
        int64_t uid = 0;
        if (rc == 0 &&
            user_create(r->p, s, false, email, admin_name, "school_admin",
                        admin_password, &actor, &uid, &msg, &field,
                        &err) != TENANT_OK)
            rc = -1;
        pool_release(r->p->pool, s);
    }
    if (rc == 0)
        rc = set_invitation(m, inv.id, "accepted", "accepted", t.id, &actor,
                            &err) == 1
                 ? 0
                 : -1;
    if (rc < 0) {
        /* The school exists but is incomplete: keep it out of service;
         * the invitation stays claimed without a school, for the platform
         * admin to see. */
        struct tenant ignored;
        tenant_set_status(r->p, t.code, "inactive", &actor, &ignored, NULL);
        reply_store_error(r, err ? err : msg);
        return;
    }
    reply_json(r, 201,
               json_pack("{s:o,s:s}", "school", tenant_to_json(r->p, &t),
                         "admin_email", email));
}
