/*
 * The audit log's query side (see audit_query.h). The filter is built
 * from fixed fragments; values are always bound.
 */
#include "auth/audit_query.h"

#include <stdlib.h>
#include <string.h>

#include "auth/audit_labels.h"

#include "core/util.h"
#include "db/rows.h"

static json_t *audit_row(struct db_stmt *st, void *tz)
{
    int64_t t = 0;
    char at[TZ_RFC3339_SIZE];
    time_parse_utc(db_text(st, 1), &t);
    tz_format_rfc3339(tz, t, at);
    json_t *before = NULL, *after = NULL;
    if (!db_null(st, 7))
        before = json_loads(db_text(st, 7), 0, NULL);
    if (!db_null(st, 8))
        after = json_loads(db_text(st, 8), 0, NULL);
    return json_pack(
        "{s:I,s:s,s:s,s:s?,s:s,s:s,s:s,s:s?,s:o?,s:o?,s:s,s:s,s:b}", "id",
        (json_int_t)db_int(st, 0), "at", at, "actor", db_text(st, 2),
        "actor_name", db_text_or_null(st, 12), "role", db_text(st, 3),
        "action", db_text(st, 4), "entity", db_text(st, 5), "entity_id",
        db_text_or_null(st, 6), "before", before, "after", after, "ip",
        db_text(st, 9), "request_id", db_text(st, 10), "support",
        (int)(db_int(st, 11) != 0));
}

int audit_query(struct store *s, const struct tz *tz,
                const struct audit_filter *f, json_t **items_r,
                int64_t *next_r, const char **error_r)
{
    struct strbuf sql;
    strbuf_init(&sql);
    /* the actor's name is today's name of the user who acted; the email
     * must match too, as a school user's change to the platform's registry
     * (the school's name) is logged in the master store with the id the
     * user has in the school's store */
    strbuf_adds(&sql, "SELECT a.id, a.at, a.actor, a.role, a.action, a.entity,"
                      " a.entity_id, a.before_json, a.after_json, a.ip,"
                      " a.request_id, a.support, u.name"
                      " FROM audit_log a"
                      " LEFT JOIN users u ON u.id = a.actor_user_id"
                      " AND u.email = a.actor"
                      " WHERE 1 = 1");
    struct db_value vals[8];
    int nv = 0;
    if (f->before_id > 0) {
        strbuf_adds(&sql, " AND a.id < ?");
        vals[nv++] = (struct db_value){'i', NULL, f->before_id};
    }
    if (f->action && *f->action) {
        strbuf_adds(&sql, " AND a.action = ?");
        vals[nv++] = (struct db_value){'t', f->action, 0};
    }
    if (f->entity && *f->entity) {
        strbuf_adds(&sql, " AND a.entity = ?");
        vals[nv++] = (struct db_value){'t', f->entity, 0};
    }
    if (f->actor && *f->actor) {
        strbuf_adds(&sql, " AND a.actor = lower(?)");
        vals[nv++] = (struct db_value){'t', f->actor, 0};
    }
    if (f->from && f->from[0]) {
        strbuf_adds(&sql, " AND a.at >= ?");
        vals[nv++] = (struct db_value){'t', f->from, 0};
    }
    if (f->to && f->to[0]) {
        strbuf_adds(&sql, " AND a.at < ?");
        vals[nv++] = (struct db_value){'t', f->to, 0};
    }
    strbuf_adds(&sql, " ORDER BY a.id DESC LIMIT ?");
    vals[nv++] = (struct db_value){'i', NULL, (int64_t)f->limit + 1};

    bool more = false;
    int rc = store_rows_json(s, sql.data, nv, vals, f->limit, audit_row,
                             (void *)tz, items_r, &more, error_r);
    strbuf_cleanup(&sql);
    if (rc < 0)
        return -1;
    size_t n = json_array_size(*items_r);
    store_lock(s);
    for (size_t i = 0; i < n; i++)
        audit_describe(s, f->platform, json_array_get(*items_r, i));
    store_unlock(s);
    *next_r = more && n ? json_integer_value(json_object_get(
                              json_array_get(*items_r, n - 1), "id"))
                        : 0;
    return 0;
}
static json_t *action_row(struct db_stmt *st, void *ctx)
{
    (void)ctx;
    char label[160];
    audit_action_label(db_text(st, 0), db_text(st, 1), label, sizeof label);
    return json_pack("{s:s,s:s,s:s}", "action", db_text(st, 0), "entity",
                     db_text(st, 1), "label", label);
}

static int by_label(const void *a, const void *b)
{
    json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
    return strcoll(json_string_value(json_object_get(x, "label")),
                   json_string_value(json_object_get(y, "label")));
}

int audit_actions(struct store *s, json_t **items_r, const char **error_r)
{
    json_t *rows = NULL;
    if (store_rows_json(s,
                        "SELECT DISTINCT action, entity FROM audit_log"
                        " ORDER BY action, entity",
                        0, NULL, 0, action_row, NULL, &rows, NULL,
                        error_r) < 0)
        return -1;
    size_t n = json_array_size(rows);
    json_t **v = calloc(n ? n : 1, sizeof *v);
    if (v == NULL) {
        json_decref(rows);
        *error_r = "out of memory";
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        v[i] = json_incref(json_array_get(rows, i));
    qsort(v, n, sizeof *v, by_label);
    json_t *out = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(out, v[i]);
    free(v);
    json_decref(rows);
    *items_r = out;
    return 0;
}
