/*
 * The SQL of a user's API tokens (see tokens.h). Tokens live in the store
 * of the user who made them; each change commits with its audit row.
 */
#include "auth/tokens.h"

#include <stdio.h>

#include "core/util.h"
#include "db/rows.h"

static json_t *token_row(struct db_stmt *st, void *ctx)
{
    (void)ctx;
    return json_pack("{s:I,s:s,s:s,s:s?}", "id", (json_int_t)db_int(st, 0),
                     "name", db_text(st, 1), "created_at", db_text(st, 2),
                     "last_used_at", db_text_or_null(st, 3));
}

int tokens_list(struct store *s, int64_t user_id, json_t **items_r,
                const char **error_r)
{
    const struct db_value v[] = {{'i', NULL, user_id}};
    return store_rows_json(s,
                           "SELECT id, name, created_at, last_used_at FROM"
                           " api_tokens WHERE user_id = ? AND revoked_at IS"
                           " NULL ORDER BY id DESC",
                           1, v, 0, token_row, NULL, items_r, NULL, error_r);
}

int tokens_issue(struct store *s, int64_t user_id, enum principal_kind kind,
                 const char *name, const struct actor *actor, char *token,
                 int64_t *id_r, const char **error_r)
{
    if (store_begin(s, error_r) < 0)
        return -1;
    int rc = api_token_create(s, user_id, name, kind, token, id_r, error_r);
    char idstr[24];
    snprintf(idstr, sizeof idstr, "%lld", (long long)*id_r);
    json_t *after = json_pack("{s:I,s:s}", "id", (json_int_t)*id_r, "name",
                              name);
    struct audit_entry e = {"token_create", "api_token", idstr, NULL, after};
    if (rc == 0)
        rc = audit_write(s, actor, &e, error_r);
    json_decref(after);
    if (store_end(s, rc == 0, error_r) < 0 || rc < 0)
        return -1;
    return 0;
}

int tokens_revoke(struct store *s, int64_t user_id, int64_t id,
                  const struct actor *actor, const char **error_r)
{
    char now[21], idstr[24];
    time_format_utc(time_now(), now);
    snprintf(idstr, sizeof idstr, "%lld", (long long)id);
    if (store_begin(s, error_r) < 0)
        return -1;
    int rc = db_run(s->conn, error_r,
                    "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND"
                    " user_id = ? AND revoked_at IS NULL",
                    "tii", now, id, user_id);
    bool found = rc == 0 && db_changes(s->conn) == 1;
    struct audit_entry e = {"token_revoke", "api_token", idstr, NULL, NULL};
    if (rc == 0 && found)
        rc = audit_write(s, actor, &e, error_r);
    if (store_end(s, rc == 0 && found, error_r) < 0 || rc < 0)
        return -1;
    return found ? 1 : 0;
}
