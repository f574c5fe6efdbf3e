/*
 * Issuing support-access tickets (see support.h): 32 random bytes shown
 * once, their SHA-256 stored with the school, the admin and the reason.
 */
#include "platform/support.h"

#include "core/util.h"

int support_ticket_issue(struct platform *p, const struct tenant *t,
                         int64_t user_id, const char *reason,
                         const struct actor *actor, char *token,
                         char *expires_r, const char **error_r)
{
    char hash[65], now[21];
    random_hex(token, 32);
    sha256_hex(token, hash);
    int64_t exp = time_now() + SUPPORT_TICKET_SECONDS;
    time_format_utc(time_now(), now);
    time_format_utc(exp, expires_r);
    struct store *m = &p->master;
    if (store_begin(m, error_r) < 0)
        return -1;
    int rc = db_run(m->conn, error_r,
                    "INSERT INTO support_tickets (token_hash, tenant_id,"
                    " user_id, reason, created_at, expires_at) VALUES"
                    " (?, ?, ?, ?, ?, ?)",
                    "tiitti", hash, t->id, user_id, reason, now, exp);
    json_t *detail = json_pack("{s:s,s:s,s:s}", "school", t->code, "reason",
                               reason, "stage", "ticket_issued");
    struct audit_entry e = {"support_access", "tenant", t->code, NULL,
                            detail};
    if (rc == 0)
        rc = audit_write(m, actor, &e, error_r);
    json_decref(detail);
    if (store_end(m, rc == 0, error_r) < 0 || rc < 0)
        return -1;
    return 0;
}

int support_ticket_redeem(struct store *master, const char *token_hash,
                          int64_t tenant_id, int64_t *admin_id_r,
                          char *admin_email_r, size_t email_size,
                          char *reason_r, size_t reason_size,
                          const char **error_r)
{
    char now[21];
    time_format_utc(time_now(), now);
    struct db_stmt *st = db_query(
        master->conn, error_r,
        "UPDATE support_tickets SET used_at = ? WHERE token_hash = ? AND"
        " tenant_id = ? AND used_at IS NULL AND expires_at > ?"
        " RETURNING user_id, reason,"
        " (SELECT email FROM users WHERE id = support_tickets.user_id)",
        "ttii", now, token_hash, tenant_id, time_now());
    int rc = st ? db_step(st, error_r) : DB_ERROR;
    if (rc == DB_ROW) {
        *admin_id_r = db_int(st, 0);
        str_copy(reason_r, reason_size, db_text(st, 1));
        str_copy(admin_email_r, email_size, db_text(st, 2));
    }
    db_finish(&st);
    return rc < 0 ? -1 : rc == DB_ROW;
}
