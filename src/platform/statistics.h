/*
 * Platform statistics (statistics.c): anonymized figures over every school
 * (schools by status, accounts by role, sign-ins in the last 30 days),
 * never a name or an email. Handler: src/http/h_statistics.c; tests:
 * tests/api/test_statistics.py.
 */
#ifndef BIS_PLATFORM_STATISTICS_H
#define BIS_PLATFORM_STATISTICS_H
#include <stdint.h>

#include "platform/platform.h"

/* How old the per-school figures may be, in seconds. */
#define STATISTICS_MAX_AGE 60

struct platform_figures {
    char day[11];           /* today in the caller's time zone */
    int64_t schools[3];     /* active, suspended, inactive */
    int64_t total;
    int64_t users[3];       /* school_admin, teacher, parent */
    int64_t logins_30d;
    int unreadable;         /* schools whose store could not be read */
    char computed_at[21];   /* when the per-school figures were counted */
};

/*
 * The figures now. Schools by status come from the registry; the counts
 * inside each school are read from its store opened on its own (not
 * through the pool, so serving statistics evicts no school that is in
 * use) and kept for STATISTICS_MAX_AGE seconds, one count at a time.
 * Reads only. `timezone` names the calendar of `day`.
 */
int statistics_compute(struct platform *p, const char *timezone,
                       struct platform_figures *f, const char **error_r);
/* Records the figures as the day's history (platform_statistics) and each
 * readable school's own counts of the day (tenant_analytics: accounts by
 * role, sign-ins in 30 days), replacing a record of the same day. */
int statistics_record(struct platform *p, const struct platform_figures *f,
                      const char **error_r);

#endif
