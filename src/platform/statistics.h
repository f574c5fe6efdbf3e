/*
 * Platform statistics and usage metering (statistics.c), refreshed in the
 * background and only read by the API.
 *
 * A refresh (statistics_refresh) opens each school's store on its own (not
 * through the pool, so it evicts no school in use), measures it (active
 * students, teachers, accounts by role, sign-ins, monthly active users,
 * last activity, storage bytes) and, with no school store open, writes in
 * one master transaction:
 *   - tenant_analytics: each school's figures of the day;
 *   - tenant_usage: each school's figures of the month (billing, and the
 *     console's school list);
 *   - platform_statistics: the day's aggregates over schools. A figure
 *     computed from school data is stored only when at least
 *     STATISTICS_MIN_SCHOOLS schools contributed to it (anonymization:
 *     with fewer, a sum is one or two schools' own figure); the number of
 *     schools by status is the registry's and always stored.
 * Days and months are in the master school's time zone.
 *
 * The refresher (statistics_refresher_start) is a thread started by
 * `serve`: it refreshes at once, then every `interval` seconds, and stops
 * between two schools when asked. `bischeduler statistics record` runs
 * one refresh from the command line. The GET handlers
 * (src/http/h_statistics.c, src/http/h_platform.c) only read the stored
 * rows. Tests: tests/api/test_statistics.py, tests/api/test_network.py.
 */
#ifndef BIS_PLATFORM_STATISTICS_H
#define BIS_PLATFORM_STATISTICS_H
#include <jansson.h>
#include <stdint.h>

#include "platform/platform.h"

/* No aggregate of school data is stored from fewer schools than this. */
#define STATISTICS_MIN_SCHOOLS 3
/* The refresher's default interval, in seconds. */
#define STATISTICS_DEFAULT_INTERVAL 3600

/* A figure of a school the platform cannot measure itself, since its SQL
 * lives in src/school/ (which the platform never calls): the command line
 * installs it (src/cli/school_figures.c), and each refresh records it in
 * tenant_analytics under `metric` for the schools that have it (never in
 * the aggregates). Called with the school's store locked: 1 and *value_r,
 * 0 when the school has nothing to measure, -1 on error (then skipped). */
typedef int (*statistics_school_figure_fn)(struct store *s, int64_t *value_r,
                                           const char **error_r);
#define STATISTICS_FIGURES_MAX 4
void statistics_set_school_figure(const char *metric,
                                  statistics_school_figure_fn fn);
/* Also records an installed figure's average over the schools that have
 * it in platform_statistics (from STATISTICS_MIN_SCHOOLS schools, like
 * every aggregate), shown by statistics_latest_json under its metric's
 * name (attendance_rate_pct on the network's page). */
void statistics_average_school_figure(const char *metric);

/* One refresh, as described above. `day_r` (may be NULL) gets the day
 * recorded, `schools_r` and `unreadable_r` the schools listed and those
 * whose store could not be read. */
int statistics_refresh(struct platform *p, char day_r[11], int *schools_r,
                       int *unreadable_r, const char **error_r);

/* Starts the background refresher (one per process); 0 or -1. */
int statistics_refresher_start(struct platform *p, long interval_seconds);
/* Stops it (waits for a refresh in progress to reach its next school). */
void statistics_refresher_stop(void);

/*
 * The latest recorded day as the API shows it: {"computed_at": null,...}
 * before the first refresh, else the day, the schools by status and each
 * aggregate (null when fewer than STATISTICS_MIN_SCHOOLS schools
 * contributed). NULL on a store error.
 */
json_t *statistics_latest_json(struct platform *p, const char **error_r);

/* One recorded day of a metric's history. */
struct statistics_point {
    char day[11];
    int64_t value;
};
/* A platform metric's history, oldest first, up to `max_days` latest
 * recorded days; caller frees *points_r. */
int statistics_history(struct platform *p, const char *metric, int max_days,
                       struct statistics_point **points_r, int *n_r,
                       const char **error_r);

/* The current month (YYYY-MM) in the master school's time zone. */
void statistics_current_month(struct platform *p, char month_r[8]);

/*
 * Usage of `month` (YYYY-MM), one object per school ordered by code:
 * code, name, status, students, teachers, users, storage_bytes,
 * monthly_active_users, last_activity, computed_at. Schools with no
 * measurement that month are left out. NULL on a store error.
 */
json_t *statistics_usage_json(struct platform *p, const char *month,
                              const char **error_r);
/*
 * Each school's latest measurement, as an object keyed by school code
 * (the same members, without code/name/status), and when each school's
 * archive was last downloaded (exported_at, null if never). For the
 * console's list. NULL on a store error.
 */
json_t *statistics_current_by_code(struct platform *p, const char **error_r);

#endif
