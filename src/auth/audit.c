/*
 * The audit log: one row per write, sign-in, sign-out, failed sign-in and
 * support access, written in the same transaction as the change it records,
 * so there is never a change without its row or a row without its change.
 * A row written by a platform admin inside a school (support access) is
 * flagged `support` and names that admin as its actor.
 */
#include <stdlib.h>
#include <string.h>

#include "auth/auth.h"
#include "core/util.h"

int audit_write(struct store *store, const struct actor *actor,
                const struct audit_entry *e, const char **error_r)
{
    char now[21];
    time_format_utc(time_now(), now);
    char *before = e->before ? json_dumps(e->before, JSON_COMPACT) : NULL;
    char *after = e->after ? json_dumps(e->after, JSON_COMPACT) : NULL;
    static const char sql[] =
        "INSERT INTO audit_log (at, actor_user_id, actor, role, action,"
        " entity, entity_id, before_json, after_json, ip, request_id, support)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    int64_t support = strcmp(actor->role, ACTOR_ROLE_SUPPORT) == 0;
    const char *role = support ? "platform_admin" : actor->role;
    int rc;
    if (actor->user_id != 0)
        rc = db_run(store->conn, error_r, sql, "tittttttttti", now,
                    actor->user_id, actor->email, role, e->action,
                    e->entity, e->entity_id, before, after, actor->ip,
                    actor->request_id, support);
    else
        rc = db_run(store->conn, error_r, sql, "tnttttttttti", now,
                    actor->email, role, e->action, e->entity,
                    e->entity_id, before, after, actor->ip,
                    actor->request_id, support);
    free(before);
    free(after);
    return rc < 0 ? -1 : 0;
}
