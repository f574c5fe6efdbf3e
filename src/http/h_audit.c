/*
 * Reading the audit log. A school user with view_school_analytics reads the
 * school's log; a platform admin reads the platform's log. Filters: action,
 * entity, actor (email), from/to (school-local dates, inclusive); newest
 * first, paged by id; each item named and described in Spanish. GET
 * /api/v1/audit/actions lists the kinds of rows of that same log (the
 * page's filter offers only those). The query is in src/auth/audit_query.c.
 */
#include <stdlib.h>
#include <string.h>

#include "auth/audit_query.h"
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
        reply_err(r, ERR_FORBIDDEN);
        return;
    }
    struct store *store = platform ? &r->p->master : r->school;
    int limit = request_limit(r);
    if (limit < 0)
        return;
    int64_t cursor = request_cursor(r);
    if (cursor < 0)
        return;
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

    struct audit_filter f = {
        .before_id = cursor,
        .action = request_query(r, "action"),
        .entity = request_query(r, "entity"),
        .actor = request_query(r, "actor"),
        .from = from,
        .to = to,
        .limit = limit,
        .platform = platform,
    };
    const char *err = NULL;
    json_t *items = NULL;
    int64_t next_id = 0;
    if (audit_query(store, tz, &f, &items, &next_id, &err) < 0) {
        reply_store_error(r, err);
        return;
    }
    char next[24];
    snprintf(next, sizeof next, "%lld", (long long)next_id);
    reply_json(r, 200,
               json_pack("{s:o,s:s?}", "items", items, "next_cursor",
                         next_id ? next : NULL));
}

void h_audit_actions(struct request *r)
{
    bool platform = r->who.kind == PRINCIPAL_PLATFORM;
    unsigned need = platform ? PERM_VIEW_PLATFORM_ANALYTICS
                             : PERM_VIEW_SCHOOL_ANALYTICS;
    if ((r->who.perms & need) == 0) {
        reply_err(r, ERR_FORBIDDEN);
        return;
    }
    struct store *store = platform ? &r->p->master : r->school;
    const char *err = NULL;
    json_t *items = NULL;
    if (audit_actions(store, &items, &err) < 0) {
        reply_store_error(r, err);
        return;
    }
    reply_json(r, 200, json_pack("{s:o}", "items", items));
}
