/*
 * The audit log's query side (see audit_query.h). The filter is built
 * from fixed fragments; values are always bound.
 */
#include "auth/audit_query.h"

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
    return json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s?,s:o?,s:o?,s:s,s:s,s:b}",
                     "id", (json_int_t)db_int(st, 0), "at", at, "actor",
                     db_text(st, 2), "role", db_text(st, 3), "action",
                     db_text(st, 4), "entity", db_text(st, 5), "entity_id",
                     db_text_or_null(st, 6), "before", before, "after", after,
                     "ip", db_text(st, 9), "request_id", db_text(st, 10),
                     "support", (int)(db_int(st, 11) != 0));
}

int audit_query(struct store *s, const struct tz *tz,
                const struct audit_filter *f, json_t **items_r,
                int64_t *next_r, const char **error_r)
{
    struct strbuf sql;
    strbuf_init(&sql);
    strbuf_adds(&sql, "SELECT id, at, actor, role, action, entity, entity_id,"
                      " before_json, after_json, ip, request_id, support"
                      " FROM audit_log WHERE 1 = 1");
    struct db_value vals[8];
    int nv = 0;
    if (f->before_id > 0) {
        strbuf_adds(&sql, " AND id < ?");
        vals[nv++] = (struct db_value){'i', NULL, f->before_id};
    }
    if (f->action && *f->action) {
        strbuf_adds(&sql, " AND action = ?");
        vals[nv++] = (struct db_value){'t', f->action, 0};
    }
    if (f->entity && *f->entity) {
        strbuf_adds(&sql, " AND entity = ?");
        vals[nv++] = (struct db_value){'t', f->entity, 0};
    }
    if (f->actor && *f->actor) {
        strbuf_adds(&sql, " AND actor = lower(?)");
        vals[nv++] = (struct db_value){'t', f->actor, 0};
    }
    if (f->from && f->from[0]) {
        strbuf_adds(&sql, " AND at >= ?");
        vals[nv++] = (struct db_value){'t', f->from, 0};
    }
    if (f->to && f->to[0]) {
        strbuf_adds(&sql, " AND at < ?");
        vals[nv++] = (struct db_value){'t', f->to, 0};
    }
    strbuf_adds(&sql, " ORDER BY id DESC LIMIT ?");
    vals[nv++] = (struct db_value){'i', NULL, (int64_t)f->limit + 1};

    bool more = false;
    int rc = store_rows_json(s, sql.data, nv, vals, f->limit, audit_row,
                             (void *)tz, items_r, &more, error_r);
    strbuf_cleanup(&sql);
    if (rc < 0)
        return -1;
    size_t n = json_array_size(*items_r);
    *next_r = more && n ? json_integer_value(json_object_get(
                              json_array_get(*items_r, n - 1), "id"))
                        : 0;
    return 0;
}