/*
 * The invitations' SQL (see invitations.h). Tokens are 32 random bytes
 * shown once; the store keeps their SHA-256.
 */
#include "platform/invitations.h"

#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "db/rows.h"
#include "mail/mail.h"

static json_t *invitation_row(struct db_stmt *st, void *ctx)
{
    (void)ctx;
    return json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s?}", "id",
                     (json_int_t)db_int(st, 0), "school_name", db_text(st, 1),
                     "contact_email", db_text(st, 2), "status",
                     db_text(st, 3), "expires_at", db_text(st, 4),
                     "created_at", db_text(st, 5), "school",
                     db_text_or_null(st, 6));
}

int invitation_list(struct store *m, json_t **items_r, const char **error_r)
{
    char now[21];
    time_format_utc(time_now(), now);
    const struct db_value v[] = {{'t', now, 0}};
    return store_rows_json(
        m,
        "SELECT i.id, i.school_name, i.contact_email, CASE WHEN i.status ="
        " 'pending' AND i.expires_at <= ? THEN 'expired' ELSE i.status END,"
        " i.expires_at, i.created_at, t.subdomain FROM tenant_invitations i"
        " LEFT JOIN tenants t ON t.id = i.tenant_id ORDER BY i.id DESC"
        " LIMIT 500",
        1, v, 0, invitation_row, NULL, items_r, NULL, error_r);
}

int invitation_create(struct store *m, const char *school_name,
                      const char *contact_email, const char *base_url,
                      const struct actor *actor, struct invitation *inv,
                      const char **error_r)
{
    char hash[65], now[21];
    memset(inv, 0, sizeof *inv);
    random_hex(inv->token, 32);
    sha256_hex(inv->token, hash);
    time_format_utc(time_now(), now);
    time_format_utc(time_now() + INVITATION_DAYS * 86400, inv->expires_at);
    str_copy(inv->school_name, sizeof inv->school_name, school_name);
    str_copy(inv->contact_email, sizeof inv->contact_email, contact_email);
    if (store_begin(m, error_r) < 0)
        return -1;
    int rc = db_query_int(m->conn, error_r, &inv->id,
                          "INSERT INTO tenant_invitations (token_hash,"
                          " school_name, contact_email, invited_by, expires_at,"
                          " created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                          "tttitt", hash, school_name, contact_email,
                          actor->user_id, inv->expires_at, now);
    char idstr[24];
    snprintf(idstr, sizeof idstr, "%lld", (long long)inv->id);
    json_t *after = json_pack("{s:s,s:s,s:s}", "school_name", school_name,
                              "contact_email", contact_email, "expires_at",
                              inv->expires_at);
    struct audit_entry e = {"create", "invitation", idstr, NULL, after};
    if (rc == 0)
        rc = audit_write(m, actor, &e, error_r);
    json_decref(after);
    if (rc == 0 && base_url) { /* the invitation mail, same transaction */
        char expires_on[64];
        mail_date_es(time_now() + INVITATION_DAYS * 86400, expires_on,
                     sizeof expires_on);
        char *link = str_fmt("%s/invitacion#%s", base_url, inv->token);
        json_t *vars = json_pack("{s:s,s:s,s:s,s:s}", "invited_school",
                                 school_name, "link", link, "expires_on",
                                 expires_on, "base_url", base_url);
        int64_t mail_id;
        rc = mail_enqueue(m, NULL, "school_invitation", contact_email, "",
                          vars, "tenant_invitation", idstr, &mail_id, error_r);
        json_decref(vars);
        free(link);
    }
    if (store_end(m, rc == 0, error_r) < 0 || rc < 0)
        return -1;
    if (base_url)
        mail_notify(m->name);
    return 0;
}

int invitation_find_pending(struct store *m, const char *token,
                            struct invitation *inv, const char **error_r)
{
    if (strlen(token) != 64)
        return 0;
    char hash[65], now[21];
    sha256_hex(token, hash);
    time_format_utc(time_now(), now);
    store_lock(m);
    struct db_stmt *st = db_query(
        m->conn, error_r,
        "SELECT id, school_name, contact_email, expires_at FROM"
        " tenant_invitations WHERE token_hash = ? AND status = 'pending'"
        " AND expires_at > ?",
        "tt", hash, now);
    int rc = st ? db_step(st, error_r) : DB_ERROR;
    if (rc == DB_ROW) {
        memset(inv, 0, sizeof *inv);
        inv->id = db_int(st, 0);
        str_copy(inv->school_name, sizeof inv->school_name, db_text(st, 1));
        str_copy(inv->contact_email, sizeof inv->contact_email,
                 db_text(st, 2));
        str_copy(inv->expires_at, sizeof inv->expires_at, db_text(st, 3));
        rc = 1;
    }
    db_finish(&st);
    store_unlock(m);
    return rc < 0 ? -1 : rc;
}

int invitation_set_status(struct store *m, int64_t id, const char *from,
                          const char *to, int64_t tenant_id,
                          const struct actor *actor, const char **error_r)
{
    char now[21];
    time_format_utc(time_now(), now);
    if (store_begin(m, error_r) < 0)
        return -1;
    int rc = tenant_id
                 ? db_run(m->conn, error_r,
                          "UPDATE tenant_invitations SET status = ?,"
                          " accepted_at = ?, tenant_id = ? WHERE id = ? AND"
                          " status = ? AND tenant_id IS NULL",
                          "ttiit", to, now, tenant_id, id, from)
                 : db_run(m->conn, error_r,
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
        rc = audit_write(m, actor, &e, error_r);
        json_decref(after);
    }
    if (store_end(m, rc == 0, error_r) < 0 || rc < 0)
        return -1;
    return changed;
}
