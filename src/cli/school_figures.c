/*
 * The school figures the platform's statistics record per school but
 * cannot compute itself (statistics_set_school_figure in
 * src/platform/statistics.h): the platform layer never calls the school
 * layer, so the command line, which links both, installs them at start.
 * Today one: teacher satisfaction with the active timetable
 * (tenant_analytics metric teacher_satisfaction_pct, a whole percent;
 * src/school/tt_reports.c).
 */
#include "cli/cli.h"
#include "platform/statistics.h"
#include "school/tt_export.h"

void cli_school_figures_install(void)
{
    statistics_set_school_figure("teacher_satisfaction_pct",
                                 tt_satisfaction_figure);
}
