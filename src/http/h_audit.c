/*
 * Reading the audit log. A school user with view_school_analytics reads the
 * school's log; a platform admin reads the platform's log. Filters: action,
 * entity, actor (email), from/to (school-local dates, inclusive); newest
 * first, paged by id.
 */
#include <stdlib.h>
#include <string.h>

#include "core/tzcache.h"
#include "core/util.h"
#include "http/http.h"

static int date_bound(struct request *r, const struct tz *tz,
                      const char *param, int add_days, char out[21])
{
    out[0] = '\0';
    const char *s = request_query(r, param);
    if (s == NULL || *s == '\0')
        return 0;
    int y, m, d;
    int64_t t;
    if (tz_parse_date(s, &y, &m, &d) < 0 ||
        tz_local_midnight(tz, s, &t) < 0) {
        reply_invalid(r, param, "La fecha debe tener la forma AAAA-MM-DD.");
        return -1;
    }
    if (add_days) {
        /* the end of the local day: midnight of the next local date */
        int64_t days = tz_days_from_civil(y, m, d) + add_days;
        char next[11];
        int ny, nm, nd;
        tz_civil_from_days(days, &ny, &nm, &nd);
        snprintf(next, sizeof next, "%04d-%02d-%02d", ny, nm, nd);
        if (tz_local_midnight(tz, next, &t) < 0) {
            reply_invalid(r, param, "La fecha no es válida.");
            return -1;
        }
    }
    time_format_utc(t, out);
    return 0;
}

void h_audit_list(struct request *r)
{
    bool platform = r->who.kind == PRINCIPAL_PLATFORM;
    unsigned need = platform ? PERM_VIEW_PLATFORM_ANALYTICS
                             : PERM_VIEW_SCHOOL_ANALYTICS;
    if ((r->who.perms & need) == 0) {
        reply_error(r, 403, "forbidden", "No tiene permiso para esta acción.");
        return;
    }
    struct store *store = platform ? &r->p->master : r->school;
    int limit = request_limit(r);
    if (limit < 0)
        return;
    const char *cursor_s = request_query(r, "cursor");
    int64_t cursor = 0;
    if (cursor_s && *cursor_s) {
        char *end;
        cursor = strtoll(cursor_s, &end, 10);
        if (*end != '\0' || cursor < 1) {
            reply_invalid(r, "cursor", "El cursor de la página no es válido.");
            return;
        }
    }
    char tzname[64];
    store_lock(r->school);
    school_setting(r->school, SETTING_TIMEZONE, DEFAULT_TIMEZONE, tzname,
                   sizeof tzname);
    store_unlock(r->school);
    const struct tz *tz = tz_cached(tzname);
    char from[21], to[21];
    if (date_bound(r, tz, "from", 0, from) < 0 ||
        date_bound(r, tz, "to", 1, to) < 0)
        return;

    /* Build the filter from fixed fragments; values are always bound. */
    const char *action = request_query(r, "action");
    const char *entity = request_query(r, "entity");
    const char *actor = request_query(r, "actor");
    struct strbuf sql;
    strbuf_init(&sql);
    strbuf_adds(&sql, "SELECT id, at, actor, role, action, entity, entity_id,"
                      " before_json, after_json, ip, request_id"
                      " FROM audit_log WHERE 1 = 1");
    struct db_value vals[8];
    int nv = 0;
    if (cursor > 0) {
        strbuf_adds(&sql, " AND id < ?");
        vals[nv++] = (struct db_value){'i', NULL, cursor};
    }
    if (action && *action) {
        strbuf_adds(&sql, " AND action = ?");
        vals[nv++] = (struct db_value){'t', action, 0};
    }
    if (entity && *entity) {
        strbuf_adds(&sql, " AND entity = ?");
        vals[nv++] = (struct db_value){'t', entity, 0};
    }
    if (actor && *actor) {
        strbuf_adds(&sql, " AND actor = lower(?)");
        vals[nv++] = (struct db_value){'t', actor, 0};
    }
    if (from[0]) {
        strbuf_adds(&sql, " AND at >= ?");
        vals[nv++] = (struct db_value){'t', from, 0};
    }
    if (to[0]) {
        strbuf_adds(&sql, " AND at < ?");
        vals[nv++] = (struct db_value){'t', to, 0};
    }
    strbuf_adds(&sql, " ORDER BY id DESC LIMIT ?");
    vals[nv++] = (struct db_value){'i', NULL, (int64_t)limit + 1};

    const char *err = NULL;
    store_lock(store);
    struct db_stmt *st = db_query_values(store->conn, &err, sql.data, nv, vals);
    json_t *items = json_array();
    int rc = st ? DB_ROW : DB_ERROR, n = 0;
    bool more = false;
    int64_t last = 0;
    while (st && (rc = db_step(st, &err)) == DB_ROW) {
        if (n == limit) {
            more = true;
            break;
        }
        last = db_int(st, 0);
        int64_t t = 0;
        char at[TZ_RFC3339_SIZE];
        time_parse_utc(db_text(st, 1), &t);
        tz_format_rfc3339(tz, t, at);
        json_t *before = NULL, *after = NULL;
        if (!db_null(st, 7))
            before = json_loads(db_text(st, 7), 0, NULL);
        if (!db_null(st, 8))
            after = json_loads(db_text(st, 8), 0, NULL);
        json_array_append_new(
            items,
            json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s?,s:o?,s:o?,s:s,s:s}", "id",
                      (json_int_t)last, "at", at, "actor", db_text(st, 2),
                      "role", db_text(st, 3), "action", db_text(st, 4),
                      "entity", db_text(st, 5), "entity_id",
                      db_text_or_null(st, 6), "before", before, "after", after,
                      "ip", db_text(st, 9), "request_id", db_text(st, 10)));
        n++;
    }
    db_finish(&st);
    store_unlock(store);
    strbuf_cleanup(&sql);
    if (rc < 0) {
        json_decref(items);
        reply_store_error(r, err);
        return;
    }
    char next[24];
    snprintf(next, sizeof next, "%lld", (long long)last);
    reply_json(r, 200,
               json_pack("{s:o,s:s?}", "items", items, "next_cursor",
                         more ? next : NULL));
}
