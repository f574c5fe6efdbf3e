/*
 * GET /api/v1/platform/statistics: anonymized figures over every school
 * (src/platform/statistics.c), with today's date in the master school's
 * calendar. A read: it records nothing.
 */
#include "core/util.h"
#include "http/http.h"
#include "platform/statistics.h"

void h_statistics(struct request *r)
{
    /* Routes of the platform run on the master host: r->school is the
     * master school's store, whose time zone is the platform's calendar. */
    char tz[64];
    store_lock(r->school);
    school_setting(r->school, SETTING_TIMEZONE, DEFAULT_TIMEZONE, tz,
                   sizeof tz);
    store_unlock(r->school);
    struct platform_figures f;
    const char *err = NULL;
    if (statistics_compute(r->p, tz, &f, &err) < 0) {
        reply_store_error(r, err);
        return;
    }
    reply_json(
        r, 200,
        json_pack("{s:s,s:{s:I,s:I,s:I,s:I},s:{s:I,s:I,s:I},s:I,s:i,s:s}",
                  "day", f.day, "schools", "total", (json_int_t)f.total,
                  "active", (json_int_t)f.schools[0], "suspended",
                  (json_int_t)f.schools[1], "inactive",
                  (json_int_t)f.schools[2], "users", "school_admin",
                  (json_int_t)f.users[0], "teacher", (json_int_t)f.users[1],
                  "parent", (json_int_t)f.users[2], "logins_30d",
                  (json_int_t)f.logins_30d, "schools_unreadable",
                  f.unreadable, "computed_at", f.computed_at));
}
