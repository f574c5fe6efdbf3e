/*
 * bischeduler statistics record: records today's anonymized platform
 * figures as the day's history in the master store (run daily, e.g. from
 * cron); today is a date in the master school's time zone. Serving the
 * figures (GET /api/v1/platform/statistics) records nothing.
 */
#include <stdio.h>

#include "cli/cli.h"
#include "platform/platform.h"
#include "platform/statistics.h"
#include "school/school.h"

/* The master school's time zone, or the default when it cannot be read. */
static void master_timezone(struct platform *p, char *tz, size_t n)
{
    snprintf(tz, n, "%s", DEFAULT_TIMEZONE);
    struct store *s;
    const char *err = NULL;
    if (pool_acquire(p->pool, MASTER_CODE, &s, &err) != POOL_OK)
        return;
    store_lock(s);
    school_setting(s, SETTING_TIMEZONE, DEFAULT_TIMEZONE, tz, n);
    store_unlock(s);
    pool_release(p->pool, s);
}

int cli_statistics_run(const struct cli_command *cmd, int argc, char **argv)
{
    struct cli_args a;
    struct cli_store st = {0};
    const struct cli_option opts[] = {CLI_STORE_OPTIONS(&st)};
    int rc = cli_parse(cmd, opts, CLI_COUNT(opts), &st, argc, argv, &a);
    if (rc != CLI_RUN)
        return rc;
    struct cli_platform cp;
    if (cli_platform_open(&st, &cp, NULL))
        return CLI_EXIT_FAIL;
    char tz[64];
    master_timezone(&cp.p, tz, sizeof tz);
    struct platform_figures f;
    const char *err = NULL;
    rc = statistics_compute(&cp.p, tz, &f, &err);
    if (rc == 0)
        rc = statistics_record(&cp.p, &f, &err);
    cli_platform_close(&cp);
    if (rc < 0)
        return cli_fail("cannot record the statistics: %s", err ? err : "?");
    printf("recorded the figures of %s (%lld schools, %d unreadable)\n",
           f.day, (long long)f.total, f.unreadable);
    return 0;
}
