/*
 * bischeduler statistics record: one refresh of the platform's figures
 * (src/platform/statistics.c: each school's day and month, and the day's
 * anonymized aggregates) from the command line; `serve` runs the same
 * refresh in the background. Serving the figures
 * (GET /api/v1/platform/statistics) records nothing.
 */
#include <stdio.h>

#include "cli/cli.h"
#include "platform/platform.h"
#include "platform/statistics.h"
#include "school/school.h"

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
    char day[11] = "";
    int schools = 0, unreadable = 0;
    const char *err = NULL;
    rc = statistics_refresh(&cp.p, day, &schools, &unreadable, &err);
    cli_platform_close(&cp);
    if (rc < 0)
        return cli_fail("cannot record the statistics: %s", err ? err : "?");
    printf("recorded the figures of %s (%d schools, %d unreadable)\n", day,
           schools, unreadable);
    return 0;
}
