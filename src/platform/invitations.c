/*
 * The invitations' SQL (see invitations.h). Tokens are 32 random bytes
 * shown once (in the mail, and in the creating reply); the store keeps
 * their SHA-256, so a resend replaces the hash and the old link is dead.
 * Each write queues its mail (mail_enqueue) and writes its audit row in the
 * same transaction; the caller wakes the mail worker after the commit.
 */
#include "platform/invitations.h"

#include <stdio.h>
#include <string.h>

#include "core/tz.h"
#include "core/util.h"
#include "db/rows.h"
#include "mail/mail.h"

#define MAIL_ENTITY "tenant_invitation"
#define VENEZUELA_OFFSET (-4 * 3600) /* no daylight saving since 2016 */

void invitation_spanish_date(const char *utc, char *out, size_t n)
{
    static const char *const months[] = {
        "enero", "febrero", "marzo", "abril", "mayo", "junio", "julio",
        "agosto", "septiembre", "octubre", "noviembre", "diciembre"};
    int64_t t = 0;
    if (time_parse_utc(utc, &t) < 0) {
        str_copy(out, n, utc);
        return;
    }
    int64_t local = t + VENEZUELA_OFFSET;
    int64_t days = local / 86400 - (local % 86400 < 0);
    int y, m, d;
    tz_civil_from_days(days, &y, &m, &d);
    snprintf(out, n, "%d de %s de %d", d, months[m - 1], y);
}

static json_t *invitation_row(struct db_stmt *st, void *ctx)
{
    (void)ctx;
    return json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s?,s:I,s:s?,s:s?}", "id",
                     (json_int_t)db_int(st, 0), "school_name", db_text(st, 1),
                     "contact_email", db_text(st, 2), "status",
                     db_text(st, 3), "expires_at", db_text(st, 4),
                     "created_at", db_text(st, 5), "school",
                     db_text_or_null(st, 6), "send_count",
                     (json_int_t)db_int(st, 7), "resent_at",
                     db_text_or_null(st, 8), "revoked_at",
                     db_text_or_null(st, 9));
}

int invitation_list(struct store *m, json_t **items_r, const char **error_r)
{
    char now[21];
    time_format_utc(time_now(), now);
    const struct db_value v[] = {{'t', now, 0}};
    if (store_rows_json(
            m,
            "SELECT i.id, i.school_name, i.contact_email, CASE WHEN i.status"
            " = 'pending' AND i.expires_at <= ? THEN 'expired' ELSE i.status"
            " END, i.expires_at, i.created_at, t.subdomain, i.send_count,"
            " i.resent_at, i.revoked_at FROM tenant_invitations i"
            " LEFT JOIN tenants t ON t.id = i.tenant_id ORDER BY i.id DESC"
            " LIMIT 500",
            1, v, 0, invitation_row, NULL, items_r, NULL, error_r) < 0)
        return -1;
    /* The mail of each, once the list's statement is finished. */
    store_lock(m);
    size_t i;
    json_t *item;
    json_array_foreach(*items_r, i, item)
    {
        char id[24];
        snprintf(id, sizeof id, "%lld",
                 (long long)json_integer_value(json_object_get(item, "id")));
        json_t *mail = mail_state_json(m, MAIL_ENTITY, id);
        json_object_set_new(item, "mail", mail ? mail : json_null());
    }
    store_unlock(m);
    return 0;
}

/* Queues the invitation's mail (inside the caller's transaction). */
static int queue_mail(struct store *m, const struct invitation *inv,
                      const char *master_url, const char **error_r)
{
    char link[1024], expires_on[64], id[24];
    snprintf(link, sizeof link, "%s%s%s", master_url, INVITATION_PATH,
             inv->token);
    invitation_spanish_date(inv->expires_at, expires_on, sizeof expires_on);
    snprintf(id, sizeof id, "%lld", (long long)inv->id);
    json_t *vars = json_pack("{s:s,s:s,s:s,s:s}", "invited_school",
                             inv->school_name, "link", link, "expires_on",
                             expires_on, "base_url", master_url);
    int64_t mail_id = 0;
    int rc = mail_enqueue(m, NULL, "school_invitation", inv->contact_email,
                          NULL, vars, MAIL_ENTITY, id, &mail_id, error_r);
    json_decref(vars);
    return rc;
}

/*
 * The invitation's mail still waiting in the queue (not sent yet, or
 * waiting for a retry) is not sent any more: its link is dead once the
 * invitation is revoked or resent. Marked failed with `why` (Spanish, the
 * console shows it), inside the caller's transaction; the worker only
 * touches rows still queued, so one it is sending right now stays its own.
 */
static int cancel_queued_mail(struct store *m, int64_t id, const char *why,
                              const char **error_r)
{
    char idstr[24];
    snprintf(idstr, sizeof idstr, "%lld", (long long)id);
    return db_run(m->conn, error_r,
                  "UPDATE mail_queue SET state = 'failed', last_error = ?"
                  " WHERE entity = ? AND entity_id = ? AND state = 'queued'",
                  "ttt", why, MAIL_ENTITY, idstr);
}

static void new_token(struct invitation *inv, char hash[65])
{
    random_hex(inv->token, 32);
    sha256_hex(inv->token, hash);
    time_format_utc(time_now() + (int64_t)INVITATION_DAYS * 86400,
                    inv->expires_at);
}

int invitation_create(struct store *m, const char *school_name,
                      const char *contact_email, const char *master_url,
                      const struct actor *actor, struct invitation *inv,
                      const char **error_r)
{
    char hash[65], now[21];
    memset(inv, 0, sizeof *inv);
    new_token(inv, hash);
    time_format_utc(time_now(), now);
    str_copy(inv->school_name, sizeof inv->school_name, school_name);
    str_copy(inv->contact_email, sizeof inv->contact_email, contact_email);
    str_copy(inv->status, sizeof inv->status, INVITATION_PENDING);
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
    if (rc == 0)
        rc = queue_mail(m, inv, master_url, error_r);
    if (store_end(m, rc == 0, error_r) < 0 || rc < 0)
        return -1;
    return 0;
}

/* Reads invitation `id` (caller's transaction); 1, 0 if none, -1. */
static int load_by_id(struct store *m, int64_t id, struct invitation *inv,
                      const char **error_r)
{
    char now[21];
    time_format_utc(time_now(), now);
    struct db_stmt *st = db_query(
        m->conn, error_r,
        "SELECT id, school_name, contact_email, CASE WHEN status ="
        " 'pending' AND expires_at <= ? THEN 'expired' ELSE status END,"
        " expires_at FROM tenant_invitations WHERE id = ?",
        "ti", now, id);
    int rc = st ? db_step(st, error_r) : DB_ERROR;
    if (rc == DB_ROW) {
        memset(inv, 0, sizeof *inv);
        inv->id = db_int(st, 0);
        str_copy(inv->school_name, sizeof inv->school_name, db_text(st, 1));
        str_copy(inv->contact_email, sizeof inv->contact_email,
                 db_text(st, 2));
        str_copy(inv->status, sizeof inv->status, db_text(st, 3));
        str_copy(inv->expires_at, sizeof inv->expires_at, db_text(st, 4));
        rc = 1;
    }
    db_finish(&st);
    return rc < 0 ? -1 : rc;
}

/* Opens the transaction and loads an invitation that may still change. */
static int begin_open_one(struct store *m, int64_t id, struct invitation *inv,
                          const char **error_r)
{
    if (store_begin(m, error_r) < 0)
        return INVITATION_ERROR;
    int found = load_by_id(m, id, inv, error_r);
    int rc = found < 0    ? INVITATION_ERROR
             : found == 0 ? INVITATION_NOT_FOUND
             : (strcmp(inv->status, INVITATION_PENDING) == 0 ||
                strcmp(inv->status, INVITATION_EXPIRED) == 0)
                 ? INVITATION_OK
                 : INVITATION_CLOSED;
    if (rc != INVITATION_OK)
        store_end(m, false, NULL);
    return rc;
}

int invitation_resend(struct store *m, int64_t id, const char *master_url,
                      const struct actor *actor, struct invitation *inv,
                      const char **error_r)
{
    int res = begin_open_one(m, id, inv, error_r);
    if (res != INVITATION_OK)
        return res;
    char before_expiry[21], hash[65], now[21];
    str_copy(before_expiry, sizeof before_expiry, inv->expires_at);
    new_token(inv, hash);
    time_format_utc(time_now(), now);
    int rc = db_run(m->conn, error_r,
                    "UPDATE tenant_invitations SET token_hash = ?, status ="
                    " 'pending', expires_at = ?, resent_at = ?, send_count ="
                    " send_count + 1 WHERE id = ?",
                    "ttti", hash, inv->expires_at, now, id);
    char idstr[24];
    snprintf(idstr, sizeof idstr, "%lld", (long long)id);
    json_t *before = json_pack("{s:s,s:s}", "status", inv->status,
                               "expires_at", before_expiry);
    json_t *after = json_pack("{s:s,s:s}", "status", INVITATION_PENDING,
                              "expires_at", inv->expires_at);
    struct audit_entry e = {"resend", "invitation", idstr, before, after};
    if (rc == 0)
        rc = audit_write(m, actor, &e, error_r);
    json_decref(before);
    json_decref(after);
    str_copy(inv->status, sizeof inv->status, INVITATION_PENDING);
    if (rc == 0)
        rc = cancel_queued_mail(m, id, INVITATION_MAIL_REPLACED, error_r);
    if (rc == 0)
        rc = queue_mail(m, inv, master_url, error_r);
    if (store_end(m, rc == 0, error_r) < 0 || rc < 0)
        return INVITATION_ERROR;
    return INVITATION_OK;
}

int invitation_revoke(struct store *m, int64_t id, const struct actor *actor,
                      struct invitation *inv, const char **error_r)
{
    int res = begin_open_one(m, id, inv, error_r);
    if (res != INVITATION_OK)
        return res;
    char now[21];
    time_format_utc(time_now(), now);
    int rc = db_run(m->conn, error_r,
                    "UPDATE tenant_invitations SET status = 'revoked',"
                    " revoked_at = ?, revoked_by = ? WHERE id = ?",
                    "tii", now, actor->user_id, id);
    char idstr[24];
    snprintf(idstr, sizeof idstr, "%lld", (long long)id);
    json_t *before = json_pack("{s:s}", "status", inv->status);
    json_t *after = json_pack("{s:s}", "status", INVITATION_REVOKED);
    struct audit_entry e = {"revoke", "invitation", idstr, before, after};
    if (rc == 0)
        rc = audit_write(m, actor, &e, error_r);
    json_decref(before);
    json_decref(after);
    str_copy(inv->status, sizeof inv->status, INVITATION_REVOKED);
    if (rc == 0)
        rc = cancel_queued_mail(m, id, INVITATION_MAIL_REVOKED, error_r);
    if (store_end(m, rc == 0, error_r) < 0 || rc < 0)
        return INVITATION_ERROR;
    return INVITATION_OK;
}

int invitation_find(struct store *m, const char *token,
                    struct invitation *inv, const char **error_r)
{
    if (strlen(token) != 64)
        return 0;
    char hash[65];
    sha256_hex(token, hash);
    int64_t id = 0;
    store_lock(m);
    int rc = db_query_int(m->conn, error_r, &id,
                          "SELECT id FROM tenant_invitations WHERE"
                          " token_hash = ?",
                          "t", hash);
    int found = rc < 0 ? -1 : id == 0 ? 0 : load_by_id(m, id, inv, error_r);
    store_unlock(m);
    return found;
}

int invitation_find_pending(struct store *m, const char *token,
                            struct invitation *inv, const char **error_r)
{
    int rc = invitation_find(m, token, inv, error_r);
    if (rc == 1 && strcmp(inv->status, INVITATION_PENDING) != 0)
        return 0;
    return rc;
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
